//! Runs every rule's fixtures: each `fail` case must fire its rule and its
//! rendered diagnostics are snapshots; each `pass` case must stay silent.

use std::path::{Path, PathBuf};

use plumbline::report::human::{render, Style};
use plumbline::rules::builtin_rules;
use plumbline::testing::{self, Case, Outcome};

const STYLE: Style = Style {
    color: false,
    width: 100,
};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Cases of one outcome folder: files and folders directly inside it.
fn cases(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut cases: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    cases.sort();
    cases
}

/// Lints one case with only `rule` enabled, exactly as `plumbline test`
/// runs a project's cases (the rule folder's `plumbline.toml` included).
fn lint_case(rule: &str, case: &Path) -> Vec<plumbline::Finding> {
    let case = Case {
        rule: rule.to_string(),
        outcome: Outcome::Fail,
        path: case.to_path_buf(),
    };
    testing::lint_case(&case, &[]).unwrap_or_else(|e| panic!("{}: {e}", case.path.display()))
}

#[test]
fn every_rule_fixture_behaves() {
    let mut problems = Vec::new();
    let mut snapshots = Vec::new();
    for meta in builtin_rules().iter().filter(|m| !m.is_engine_rule()) {
        let rule_dir = fixtures_dir().join(&meta.id);
        for case in cases(&rule_dir.join("fail")) {
            let findings = lint_case(&meta.id, &case);
            let own: Vec<_> = findings.iter().filter(|f| *f.rule == *meta.id).collect();
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            if own.is_empty() {
                problems.push(format!(
                    "{}/fail/{name}: expected a finding, got none",
                    meta.id
                ));
                continue;
            }
            let rendered: String = findings
                .iter()
                .map(|f| render(f, STYLE))
                .collect::<Vec<_>>()
                .join("\n");
            snapshots.push((format!("{}@{}", meta.id, name), rendered));
        }
        for case in cases(&rule_dir.join("pass")) {
            let findings = lint_case(&meta.id, &case);
            for f in findings.iter().filter(|f| *f.rule == *meta.id) {
                problems.push(format!(
                    "{}/pass/{}: unexpected finding at {}:{}:{}: {}",
                    meta.id,
                    case.file_name().unwrap().to_string_lossy(),
                    f.path(),
                    f.start.line,
                    f.start.column,
                    f.message
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "fixture problems:\n{}",
        problems.join("\n")
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, rendered) in snapshots {
            insta::assert_snapshot!(name, rendered);
        }
    });
}

#[test]
fn every_rule_has_pass_and_fail_fixtures() {
    let mut missing = Vec::new();
    for meta in builtin_rules().iter().filter(|m| !m.is_engine_rule()) {
        for outcome in ["fail", "pass"] {
            if cases(&fixtures_dir().join(&meta.id).join(outcome)).is_empty() {
                missing.push(format!("{}/{outcome}", meta.id));
            }
        }
    }
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}

#[test]
fn no_orphan_fixture_folders() {
    let known: Vec<&str> = builtin_rules().iter().map(|m| m.id.as_str()).collect();
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if !known.contains(&name.as_str())
            && !["demo-app", "hooks", "engine"].contains(&name.as_str())
        {
            orphans.push(name);
        }
    }
    assert!(
        orphans.is_empty(),
        "fixture folders with no rule: {orphans:?}"
    );
}
