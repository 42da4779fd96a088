//! `plumbline explain RULE|KIND`: a rule's full documentation, or a rule
//! kind's: what it checks, its options and message variables, and the rules
//! built on it.

use std::io::{self, Write};

use crate::config::closest;
use crate::rules::{self, Kind, RuleMeta};

use super::{ConfigOptions, ExitStatus};

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// A rule id, as `plumbline rules` lists it, or a rule kind, as
    /// `plumbline rules --kinds` lists it.
    pub rule: String,
    #[command(flatten)]
    pub config: ConfigOptions,
}

pub fn run(args: ExplainArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let Some(catalogue) = super::project_catalogue(&args.config)? else {
        return Ok(ExitStatus::Error);
    };
    if let Some(meta) = catalogue.iter().find(|m| m.id == args.rule) {
        write!(out, "{}", explain(meta))?;
        return Ok(ExitStatus::Clean);
    }
    if let Some(kind) = rules::kind(&args.rule) {
        let instances: Vec<&RuleMeta> = catalogue
            .iter()
            .filter(|m| m.kind == kind.id())
            .map(|m| m.as_ref())
            .collect();
        write!(out, "{}", explain_kind(kind, &instances))?;
        return Ok(ExitStatus::Clean);
    }
    let names = catalogue
        .iter()
        .map(|m| m.id.as_str())
        .chain(rules::KINDS.iter().map(|k| k.id()));
    let hint = closest(&args.rule, names)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    eprintln!(
        "plumbline: unknown rule or kind `{}`{hint}; `plumbline rules` lists every rule, \
         `plumbline rules --kinds` every kind",
        args.rule
    );
    Ok(ExitStatus::Error)
}

/// The text `explain` prints for a rule: the instance's own docs, one list
/// of its options (value and meaning), then what its kind does.
pub fn explain(meta: &RuleMeta) -> String {
    let kind = rules::kind(&meta.kind);
    let mut text = format!(
        "# {}\n\n{}\n\nSeverity: {}\n",
        meta.id, meta.summary, meta.severity
    );
    if let Some(kind) = kind {
        text.push_str(&format!(
            "Kind: {} ({}); `plumbline explain {}` documents the kind\n",
            meta.kind,
            languages(kind),
            meta.kind
        ));
    }
    text.push_str(&format!("File roles read: {}\n", roles_read(meta)));
    if meta.user_defined {
        text.push_str("Defined by this project\n");
    } else {
        text.push_str(&format!("Docs: {}\n", meta.url()));
    }
    if !meta.help.is_empty() && !meta.help.contains('{') {
        text.push_str(&format!("Help: {}\n", meta.help));
    }
    let description = meta.description.trim();
    if !description.is_empty() {
        text.push('\n');
        text.push_str(description);
        text.push('\n');
    }
    if let Some(kind) = kind {
        text.push_str("\n## Options\n\n");
        text.push_str(&option_list(kind, meta));
        text.push_str(&format!(
            "\nSet them under `[rules.{}]` in plumbline.toml.\n",
            meta.id
        ));
        text.push('\n');
        text.push_str(&variables_section(&meta.kind, "##"));
        let mut shown = vec!["Options"];
        if description.contains("## Example") {
            shown.push("Example");
        }
        text.push_str(&format!("\n## About the `{}` kind\n\n", meta.kind));
        text.push_str(&kind_body(kind, &shown));
    }
    text
}

/// The file roles a rule reads by its definition: its `roles` scope, every
/// role but its `skip_roles`, or the default for its origin.
fn roles_read(meta: &RuleMeta) -> String {
    use crate::roles::Role;
    let names = |value: Option<&toml::Value>| -> Option<Vec<String>> {
        value?.as_array().map(|list| {
            list.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
    };
    let listed = |roles: Vec<String>| roles.join(", ");
    if let Some(roles) = names(meta.scope.get("roles")) {
        if roles.iter().any(|r| r == "all") {
            return "all".to_string();
        }
        return listed(roles);
    }
    if let Some(skipped) = names(meta.options.get("skip_roles")) {
        let read: Vec<String> = Role::ALL
            .iter()
            .rev()
            .map(|r| r.name().to_string())
            .filter(|r| !skipped.contains(r))
            .collect();
        return listed(read);
    }
    if meta.user_defined {
        let read = crate::scope::DEFAULT_PROJECT_ROLES
            .iter()
            .map(|r| r.name().to_string())
            .collect();
        return listed(read);
    }
    "all".to_string()
}

/// The text `explain KIND` prints: languages, options, the rules of this
/// catalogue that use the kind, then the kind's documentation.
pub fn explain_kind(kind: &dyn Kind, instances: &[&RuleMeta]) -> String {
    let mut text = format!(
        "# The `{}` rule kind\n\nLanguages: {}\n",
        kind.id(),
        languages(kind)
    );
    text.push_str("\n## Rules of this kind\n\n");
    if instances.is_empty() {
        text.push_str("None in this configuration.\n");
    }
    for meta in instances {
        let origin = if meta.user_defined {
            " (project rule)"
        } else {
            ""
        };
        text.push_str(&format!("- `{}`{origin}: {}\n", meta.id, meta.summary));
    }
    text.push_str(&format!(
        "\nA project rule of this kind: a `[[rule]]` table in plumbline.toml with \
         `kind = \"{0}\"`, or `plumbline new-rule ID --kind {0}`.\n\n",
        kind.id()
    ));
    let variables = variables_section(kind.id(), "##");
    if !variables.is_empty() {
        text.push_str(&variables);
        text.push('\n');
    }
    text.push_str(&kind_body(kind, &[]));
    text
}

/// The variables each kind fills in for its rules' `message` and `help`
/// templates (`{name}`), with what they hold. A test keeps this table equal
/// to what the kinds report.
pub const MESSAGE_VARIABLES: &[(&str, &[(&str, &str)])] = &[
    (
        "cached-factory-result",
        &[
            ("factory", "the factory function whose result is kept"),
            (
                "where",
                "where the result is kept: `in a module-level variable`, `in a class field`, ...",
            ),
        ],
    ),
    (
        "env-read-outside",
        &[("name", "the environment variable read")],
    ),
    (
        "handler-must-call",
        &[
            ("handler", "the route path or function name"),
            ("calls", "the required callees, as configured"),
        ],
    ),
    (
        "forbidden-call-in-scope",
        &[
            ("call", "the forbidden call as written"),
            (
                "reason",
                "what puts the call in scope: the path, table or column it meets",
            ),
        ],
    ),
    ("forbidden-column-read", &[("column", "the column read")]),
    (
        "forbidden-column-write",
        &[("column", "the column written")],
    ),
    (
        "forbidden-definition",
        &[("name", "the defined function's name")],
    ),
    (
        "forbidden-dependency",
        &[
            ("dependency", "the module or host depended on"),
            (
                "form",
                "how: `import of`, `require of`, `dependency on`, ...",
            ),
            ("gateway_url", "the rule's `gateway_url` option"),
        ],
    ),
    (
        "forbidden-host",
        &[
            ("host", "the forbidden host as it appears"),
            ("gateway_url", "the rule's `gateway_url` option"),
        ],
    ),
    (
        "forbidden-route",
        &[
            ("route", "the route's path (or file route)"),
            (
                "owner_reason",
                "why the route cannot be reached, from the `owner` option",
            ),
            ("remedy", "what to do with it, from the `owner` option"),
        ],
    ),
    ("forbidden-table", &[("table", "the table used")]),
    (
        "hardcoded-secret",
        &[
            ("secret", "what kind of credential it looks like"),
            ("redacted", "the value, masked"),
            (
                "binding",
                "` in NAME` when the value is bound to a name, else empty",
            ),
            ("name", "the name the value is bound to, or empty"),
        ],
    ),
    (
        "manifest-registration",
        &[
            ("manifest", "the unregistered manifest"),
            ("registry", "the registry file that should import it"),
            ("hint", "how to register it"),
        ],
    ),
    (
        "manifest-schema",
        &[
            ("problem", "what is wrong with the manifest"),
            ("hint", "how to fix it"),
        ],
    ),
    (
        "missing-required-call",
        &[
            ("name", "the function that deletes"),
            ("deleted", "what it deletes"),
            ("required", "the call it is missing"),
        ],
    ),
    (
        "oauth-url-construction",
        &[(
            "construction",
            "what builds the OAuth URL: `OAuth authorize URL`, `token exchange`, ...",
        )],
    ),
    (
        "plaintext-column",
        &[
            ("column", "the column"),
            ("table", "its table or model"),
            ("type", "its declared type"),
        ],
    ),
    (
        "required-member",
        &[
            ("name", "the implementation (class, object or type)"),
            ("interface", "the contract it implements"),
            (
                "member",
                "the missing members: `a`, `a and b`, or eight and how many more",
            ),
        ],
    ),
    (
        "sensitive-log-argument",
        &[
            ("name", "the logged name or expression"),
            ("logger", "the logging call"),
        ],
    ),
    (
        "stub-body",
        &[
            ("name", "the implementation"),
            ("member", "the stubbed member"),
            (
                "why",
                "what makes the body a stub: `todo!()`, `only logs`, ...",
            ),
        ],
    ),
    (
        "tree-sitter-query",
        &[
            ("text", "the first line of the captured node's text"),
            ("capture", "the name of the reported capture"),
        ],
    ),
];

/// The message-variables section of `explain`, empty for a kind with none.
fn variables_section(kind: &str, heading: &str) -> String {
    let Some((_, variables)) = MESSAGE_VARIABLES.iter().find(|(k, _)| *k == kind) else {
        return String::new();
    };
    let mut text =
        format!("{heading} Message variables\n\nUsable as `{{name}}` in `message` and `help`:\n\n");
    for (name, meaning) in *variables {
        text.push_str(&format!("- `{{{name}}}`: {meaning}\n"));
    }
    text
}

fn languages(kind: &dyn Kind) -> String {
    kind.families()
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line per option of the kind: the name a user writes, the rule's
/// value, and what the option means.
fn option_list(kind: &dyn Kind, meta: &RuleMeta) -> String {
    let mut text = String::new();
    for option in kind.options() {
        let user_name = meta
            .aliases
            .iter()
            .find(|(_, target)| target.as_str() == option.name)
            .map_or(option.name, |(alias, _)| alias.as_str());
        let value = meta
            .options
            .get(option.name)
            .map(|v| format!(" = {v}"))
            .unwrap_or_default();
        let shared = meta
            .shared
            .get(option.name)
            .map(|s| format!(" (shared: `{s}`)"))
            .unwrap_or_default();
        text.push_str(&format!(
            "- `{user_name}{value}`{shared}: {}\n",
            option.description
        ));
    }
    text
}

/// The kind's documentation with its headings one level down, so they sit
/// under the heading that introduces them, less the sections (by heading)
/// the rule's text has already shown.
fn kind_body(kind: &dyn Kind, shown: &[&str]) -> String {
    let docs = unindent_docs(kind.docs());
    let mut text = String::new();
    let mut skipping = false;
    for line in docs.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            skipping = shown.contains(&heading.trim());
            if !skipping {
                text.push_str("### ");
                text.push_str(heading);
                text.push('\n');
            }
            continue;
        }
        if !skipping {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

/// `///` lines keep one leading space each; drop it.
pub fn unindent_docs(docs: &str) -> String {
    docs.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
