//! `plumbline new-rule ID --kind KIND`: scaffolds a project rule and its
//! fixture folders.

use std::io::{self, Write};
use std::path::Path;

use crate::config::{closest, is_rule_id};
use crate::engine::{Engine, RULES_DIR};
use crate::rules::{self, builtin_rules};

use super::test_cmd::TESTS_DIR;
use super::ExitStatus;

#[derive(clap::Args, Debug)]
pub struct NewRuleArgs {
    /// The new rule's id (kebab-case).
    pub id: String,
    /// The rule kind it instantiates (`plumbline explain` of any rule names
    /// its kind; `tree-sitter-query` runs a raw query).
    #[arg(long)]
    pub kind: String,
}

pub fn run(args: NewRuleArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    if !is_rule_id(&args.id) {
        eprintln!(
            "plumbline: rule id `{}` is not kebab-case (lower-case words joined by `-`)",
            args.id
        );
        return Ok(ExitStatus::Error);
    }
    if builtin_rules().iter().any(|m| m.id == args.id) {
        eprintln!(
            "plumbline: `{}` is a built-in rule; tune it under [rules.{}] instead",
            args.id, args.id
        );
        return Ok(ExitStatus::Error);
    }
    let Some(kind) = rules::kind(&args.kind) else {
        let known: Vec<&str> = rules::KINDS.iter().map(|k| k.id()).collect();
        let hint = closest(&args.kind, known.iter().copied())
            .map(|k| format!("did you mean `{k}`? "))
            .unwrap_or_default();
        eprintln!(
            "plumbline: unknown kind `{}`; {hint}kinds: {}",
            args.kind,
            known.join(", ")
        );
        return Ok(ExitStatus::Error);
    };
    let cwd = super::current_dir()?;
    let engine = match Engine::new(&cwd, None, Default::default()) {
        Ok(e) => e,
        Err(e) => {
            super::print_error(&e);
            return Ok(ExitStatus::Error);
        }
    };
    if crate::config::catalogue(engine.base_layers())
        .iter()
        .any(|m| m.id == args.id)
    {
        eprintln!(
            "plumbline: this project already defines a rule `{}`",
            args.id
        );
        return Ok(ExitStatus::Error);
    }
    let root = engine.root();
    let rule_file = root.join(RULES_DIR).join(format!("{}.toml", args.id));
    if rule_file.exists() {
        eprintln!(
            "plumbline: {} already exists; nothing was written",
            rule_file.display()
        );
        return Ok(ExitStatus::Error);
    }
    let text = scaffold(&args.id, kind);
    // The scaffold must load: a mistake here would break every later run.
    if let Err(e) = crate::config::ConfigFile::parse_as(
        rule_file.clone(),
        rule_file.display().to_string(),
        text.clone(),
        true,
    ) {
        super::print_error(&e);
        return Ok(ExitStatus::Error);
    }
    std::fs::create_dir_all(root.join(RULES_DIR))?;
    crate::fsutil::write_atomically(&rule_file, text.as_bytes(), None)?;
    let tests = root.join(TESTS_DIR).join(&args.id);
    for outcome in ["fail", "pass"] {
        let dir = tests.join(outcome);
        std::fs::create_dir_all(&dir)?;
        let keep = dir.join(".gitkeep");
        if !keep.exists() {
            crate::fsutil::write_atomically(&keep, b"", None)?;
        }
    }
    let shown = |p: &Path| crate::engine::display_path(&cwd, p);
    writeln!(out, "created {}", shown(&rule_file))?;
    writeln!(out, "created {}/{{fail,pass}}/", shown(&tests))?;
    writeln!(
        out,
        "next: edit the options and message, add cases that must fire to fail/ and \
         look-alikes that must not to pass/, then run `plumbline test --rule {}`",
        args.id
    )?;
    Ok(ExitStatus::Clean)
}

/// The rule file: the kind's options filled from a built-in rule of the
/// same kind (so the scaffold runs at once), each with its description.
fn scaffold(id: &str, kind: &dyn rules::Kind) -> String {
    let example = builtin_rules().iter().find(|m| m.kind == kind.id());
    let (message, help, options) = match (example, kind.id()) {
        (Some(meta), _) => (meta.message.clone(), meta.help.clone(), meta.options.clone()),
        (None, "tree-sitter-query") => (
            "`{text}` is not allowed here".to_string(),
            "say what to do instead".to_string(),
            toml::from_str(
                "language = \"typescript\"\n\
                 query = '(call_expression function: (identifier) @callee (#eq? @callee \"eval\")) @call'\n\
                 capture = \"call\"\n\
                 literals = [\"eval\"]\n",
            )
            .expect("example options are valid TOML"),
        ),
        (None, "env-read-outside") => (
            "`{name}` is read outside the config module".to_string(),
            "import the setting from the config module".to_string(),
            toml::from_str("names = [\"STRIPE_*\"]\nallow = [\"src/config/**\"]\n")
                .expect("example options are valid TOML"),
        ),
        (None, _) => (
            "say what is wrong, naming the offending thing".to_string(),
            "say what to do instead".to_string(),
            toml::Table::new(),
        ),
    };
    let mut text = format!(
        "# A project rule: `plumbline rules` lists it, `plumbline explain {id}` documents it,\n\
         # `plumbline test --rule {id}` runs the cases in {TESTS_DIR}/{id}/.\n\
         # `plumbline explain` of a rule of kind `{kind}` shows the message variables.\n\
         id = {id_q}\n\
         kind = {kind_q}\n\
         severity = \"error\"\n\
         summary = \"One line saying what {id} forbids\"\n\
         message = {message}\n\
         help = {help}\n\
         description = \"\"\"\n\
         Why this project forbids it, for `plumbline explain {id}`.\n\
         \"\"\"\n\n[options]\n",
        kind = kind.id(),
        id_q = toml::Value::String(id.to_string()),
        kind_q = toml::Value::String(kind.id().to_string()),
        message = toml::Value::String(message),
        help = toml::Value::String(help),
    );
    for option in kind.options() {
        text.push_str(&format!("# {}: {}\n", option.name, option.description));
        let shared = example.and_then(|meta| meta.shared.get(option.name));
        match (options.get(option.name), shared) {
            // A list the built-in rule takes from the project's shared facts
            // (forbidden hosts, tables, ...) would make this rule report
            // everything the built-in one does: it gets a placeholder.
            (Some(toml::Value::Array(items)), Some(fact)) => text.push_str(&format!(
                "# (the built-in rule `{}` already checks `{fact}`; name your own here)\n{} = [{}]\n",
                example.map_or("", |m| m.id.as_str()),
                option.name,
                placeholder(items)
            )),
            (Some(value), _) => text.push_str(&format!("{} = {value}\n", option.name)),
            (None, _) => text.push_str(&format!("# {} = \n", option.name)),
        }
    }
    text
}

/// A stand-in of the same shape as the built-in rule's first value: a host
/// stays a host, a name a name.
fn placeholder(items: &[toml::Value]) -> &'static str {
    match items.first().and_then(toml::Value::as_str) {
        Some(value) if value.contains('.') => "\"replaceme.example.com\"",
        _ => "\"replaceme\"",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_scaffolds_a_rule_that_loads() {
        for kind in rules::KINDS {
            let text = scaffold("my-rule", *kind);
            let parsed = crate::config::ConfigFile::parse_as(
                "my-rule.toml".into(),
                "my-rule.toml".into(),
                text.clone(),
                true,
            );
            assert!(parsed.is_ok(), "{}: {text}\n{:?}", kind.id(), parsed.err());
        }
    }

    #[test]
    fn a_scaffold_does_not_repeat_the_builtin_rule_of_its_kind() {
        let text = scaffold("no-legacy-host", rules::kind("forbidden-host").unwrap());
        assert!(text.contains("hosts = [\"replaceme\"]"), "{text}");
        assert!(!text.contains("hosts = [\"chi-gateway\"]"), "{text}");
    }
}
