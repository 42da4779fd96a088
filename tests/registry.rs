//! Registry-wide checks: one identity per rule, documented kinds, every
//! built-in instance embedded.

use std::path::Path;

use plumbline::rules::{builtin_rules, BUILTIN_RULE_FILES, KINDS};

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[test]
fn every_rule_file_is_embedded_under_its_own_id() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = BUILTIN_RULE_FILES
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    embedded.sort();
    assert_eq!(
        on_disk, embedded,
        "rules/*.toml and BUILTIN_RULE_FILES differ"
    );
    for ((stem, _), meta) in BUILTIN_RULE_FILES.iter().zip(builtin_rules()) {
        assert_eq!(
            *stem, meta.id,
            "rules/{stem}.toml declares id `{}`",
            meta.id
        );
    }
}

#[test]
fn rule_ids_are_kebab_case_unique_and_name_the_bad_thing() {
    let mut seen = std::collections::HashSet::new();
    for meta in builtin_rules() {
        assert!(is_kebab(&meta.id), "`{}` is not kebab-case", meta.id);
        assert!(
            seen.insert(meta.id.clone()),
            "duplicate rule id `{}`",
            meta.id
        );
        for prefix in ["use-", "prefer-", "avoid-", "no-"] {
            assert!(
                !meta.id.starts_with(prefix),
                "`{}` should name the bad thing",
                meta.id
            );
        }
    }
}

#[test]
fn every_instance_names_a_kind_and_valid_options() {
    for meta in builtin_rules() {
        assert!(
            !meta.summary.is_empty() && !meta.message.is_empty() && !meta.help.is_empty(),
            "{}",
            meta.id
        );
        assert!(
            !meta.description.trim().is_empty(),
            "{} has no description",
            meta.id
        );
        if meta.is_engine_rule() {
            continue;
        }
        let kind = plumbline::rules::kind(&meta.kind)
            .unwrap_or_else(|| panic!("{}: unknown kind {}", meta.id, meta.kind));
        let option_names: Vec<&str> = kind.options().iter().map(|o| o.name).collect();
        for key in meta
            .options
            .keys()
            .chain(meta.shared.keys())
            .chain(meta.aliases.values())
        {
            assert!(
                option_names.contains(&key.as_str()),
                "{}: `{key}` is not an option of {}",
                meta.id,
                meta.kind
            );
        }
        kind.compile(&meta.options)
            .unwrap_or_else(|e| panic!("{}: defaults do not compile: {e:?}", meta.id));
        assert!(
            meta.description.contains("## Example"),
            "{}: description lacks an example",
            meta.id
        );
    }
}

#[test]
fn kinds_match_their_files_and_document_every_section() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .filter(|s| !["mod", "meta"].contains(&s.as_str()))
        .collect();
    files.sort();
    let mut ids: Vec<String> = KINDS.iter().map(|k| k.id().replace('-', "_")).collect();
    ids.sort();
    assert_eq!(files, ids, "src/rules/*.rs and KINDS differ");
    for kind in KINDS {
        assert!(is_kebab(kind.id()));
        let docs = kind.docs();
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead:",
            "## Options",
        ] {
            assert!(
                docs.contains(section),
                "kind `{}` docs lack `{section}`",
                kind.id()
            );
        }
        assert_eq!(
            docs.matches("```").count() % 2,
            0,
            "kind `{}` has an unclosed code fence",
            kind.id()
        );
        for option in kind.options() {
            assert!(
                !option.description.is_empty() && option.description != "TODO",
                "{}: {}",
                kind.id(),
                option.name
            );
            assert!(
                docs.contains(&format!("`{}`", option.name)),
                "kind `{}` docs do not mention option `{}`",
                kind.id(),
                option.name
            );
        }
    }
}

#[test]
fn descriptions_have_closed_code_fences() {
    for meta in builtin_rules() {
        assert_eq!(
            meta.description.matches("```").count() % 2,
            0,
            "{} has an unclosed fence",
            meta.id
        );
    }
}

/// Rule ids the catalogue names: each `### `id`` heading, plus ids it says
/// a problem "is flagged" as (`manifest-unregistered`) and named siblings
/// (`supabase-integration-status-read`).
fn catalogue_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("### `") {
            if let Some((id, _)) = rest.split_once('`') {
                ids.push(id.to_string());
            }
        }
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for marker in ["flagged `", "sibling `"] {
        let mut rest = flat.as_str();
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            if let Some((id, _)) = rest.split_once('`') {
                if is_kebab(id) {
                    ids.push(id.to_string());
                }
            }
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn every_rule_of_the_catalogue_exists_with_docs_and_fixtures() {
    let catalogue = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/RULES.md");
    let Ok(text) = std::fs::read_to_string(&catalogue) else {
        eprintln!(
            "skipped: {} is absent (it ships beside the repository, not in it)",
            catalogue.display()
        );
        return;
    };
    let ids = catalogue_ids(&text);
    assert!(ids.len() >= 8, "the catalogue lists too few rules: {ids:?}");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut problems = Vec::new();
    for id in &ids {
        let Some(meta) = builtin_rules().iter().find(|m| &m.id == id) else {
            problems.push(format!("`{id}` is in RULES.md but not built in"));
            continue;
        };
        if meta.description.trim().is_empty() || !meta.description.contains("## Example") {
            problems.push(format!("`{id}` has no description with an example"));
        }
        for outcome in ["fail", "pass"] {
            let dir = fixtures.join(id).join(outcome);
            let cases = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
            if cases == 0 {
                problems.push(format!(
                    "`{id}` has no {outcome} fixtures in {}",
                    dir.display()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The `{name}`s a kind's source reports with `.var("name", ...)`, or
/// fills with a list of items, `.item("name", ...)`.
fn reported_variables(kind_id: &str) -> Vec<String> {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/rules")
        .join(format!("{}.rs", kind_id.replace('-', "_")));
    let source = std::fs::read_to_string(&file).unwrap();
    let mut names = Vec::new();
    for call in [".var(", ".item("] {
        let mut rest = source.as_str();
        while let Some(at) = rest.find(call) {
            rest = &rest[at + call.len()..];
            let trimmed = rest.trim_start();
            if let Some(quoted) = trimmed.strip_prefix('"') {
                if let Some(end) = quoted.find('"') {
                    names.push(quoted[..end].to_string());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn explain_documents_exactly_the_message_variables_each_kind_reports() {
    use plumbline::cli::explain::MESSAGE_VARIABLES;
    for kind in KINDS {
        let documented: Vec<String> = MESSAGE_VARIABLES
            .iter()
            .find(|(k, _)| *k == kind.id())
            .map(|(_, vars)| {
                let mut names: Vec<String> = vars.iter().map(|(n, _)| n.to_string()).collect();
                names.sort();
                names
            })
            .unwrap_or_default();
        assert_eq!(
            documented,
            reported_variables(kind.id()),
            "message variables of `{}`",
            kind.id()
        );
    }
    for meta in builtin_rules() {
        let Some((_, vars)) = MESSAGE_VARIABLES.iter().find(|(k, _)| *k == meta.kind) else {
            continue;
        };
        for template in [&meta.message, &meta.help] {
            let mut rest = template.as_str();
            while let Some(open) = rest.find('{') {
                rest = &rest[open + 1..];
                let Some(close) = rest.find('}') else { break };
                let name = &rest[..close];
                assert!(
                    vars.iter().any(|(n, _)| *n == name),
                    "`{}` uses `{{{name}}}`, which kind `{}` does not fill",
                    meta.id,
                    meta.kind
                );
            }
        }
    }
}

/// A rule kind decides; what kinds share lives in `src/facts` or `src/lang`,
/// so no kind imports another.
#[test]
fn no_rule_kind_imports_another() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let stems: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .filter(|s| s != "mod" && s != "meta")
        .collect();
    let mut found = Vec::new();
    for stem in &stems {
        // The kind's file, and the files of its own folder (`<kind>/auth.rs`),
        // where `super::` is the kind itself.
        let mut sources = vec![(
            std::fs::read_to_string(dir.join(format!("{stem}.rs"))).unwrap(),
            "super::",
        )];
        if let Ok(children) = std::fs::read_dir(dir.join(stem)) {
            for child in children {
                let path = child.unwrap().path();
                if path.extension().is_some_and(|e| e == "rs") {
                    sources.push((std::fs::read_to_string(path).unwrap(), "super::super::"));
                }
            }
        }
        for other in stems.iter().filter(|o| *o != stem) {
            let imported = sources.iter().any(|(source, parent)| {
                [format!("{parent}{other}"), format!("crate::rules::{other}")]
                    .iter()
                    .any(|path| source.contains(path.as_str()))
            });
            if imported {
                found.push(format!("{stem} imports {other}"));
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
}
