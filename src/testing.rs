//! Rule fixtures: folders of cases that must fire a rule (`fail/`) or stay
//! silent (`pass/`), run the way plumbline's own fixtures run. Used by
//! `plumbline test` for a project's rules.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{ConfigError, ConfigFile, Overrides};
use crate::engine::Engine;
use crate::finding::Finding;
use crate::walk::WalkOptions;

/// Suffix of the file that holds a fail case's expected diagnostics.
pub const EXPECTED_SUFFIX: &str = ".expected";

/// Whether a case passes or fails its rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Fail,
    Pass,
}

impl Outcome {
    pub fn folder(self) -> &'static str {
        match self {
            Outcome::Fail => "fail",
            Outcome::Pass => "pass",
        }
    }
}

/// One case: a file or a folder inside `<rule>/fail` or `<rule>/pass`.
#[derive(Clone, Debug)]
pub struct Case {
    pub rule: String,
    pub outcome: Outcome,
    pub path: PathBuf,
}

impl Case {
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// `<case>.expected` beside the case.
    pub fn expected_path(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(EXPECTED_SUFFIX);
        PathBuf::from(name)
    }
}

/// The cases under `dir`: `dir/<rule-id>/{fail,pass}/<case>`, sorted.
/// Hidden entries (`.gitkeep`) and `*.expected` files are not cases.
pub fn discover(dir: &Path) -> std::io::Result<Vec<Case>> {
    let mut cases = Vec::new();
    for rule_dir in sorted_entries(dir)? {
        if !rule_dir.is_dir() {
            continue;
        }
        let rule = rule_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for outcome in [Outcome::Fail, Outcome::Pass] {
            let folder = rule_dir.join(outcome.folder());
            if !folder.is_dir() {
                continue;
            }
            for path in sorted_entries(&folder)? {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if name.starts_with('.') || name.ends_with(EXPECTED_SUFFIX) {
                    continue;
                }
                cases.push(Case {
                    rule: rule.clone(),
                    outcome,
                    path,
                });
            }
        }
    }
    Ok(cases)
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

/// Lints one case with only its rule enabled, under `layers` (the
/// project's rule files and root config). A `plumbline.toml` in the rule's
/// folder (`<rule>/plumbline.toml`, beside `fail/` and `pass/`) applies to
/// all its cases; a folder case is its own project root and may hold its
/// own `plumbline.toml`, layered over both; a file case is rooted at its
/// `fail/` or `pass/` folder.
pub fn lint_case(case: &Case, layers: &[Arc<ConfigFile>]) -> Result<Vec<Finding>, ConfigError> {
    let (root, target) = if case.path.is_dir() {
        (case.path.clone(), PathBuf::from("."))
    } else {
        (
            case.path.parent().unwrap_or(Path::new(".")).to_path_buf(),
            PathBuf::from(case.path.file_name().unwrap_or_default()),
        )
    };
    let overrides = Overrides {
        select: vec![case.rule.clone()],
        ignore: Vec::new(),
    };
    let mut layers = layers.to_vec();
    let shared = case
        .path
        .parent()
        .and_then(Path::parent)
        .map(|rule_dir| rule_dir.join("plumbline.toml"))
        .filter(|p| p.is_file());
    if let Some(shared) = shared {
        let display = shared.display().to_string();
        layers.push(Arc::new(ConfigFile::load(&shared, display)?));
    }
    let own = case.path.join("plumbline.toml");
    if case.path.is_dir() && own.is_file() {
        let display = crate::engine::display_path(&root, &own);
        layers.push(Arc::new(ConfigFile::load(&own, display)?));
    }
    let engine = Engine::with_layers(&root, layers, overrides)?;
    let walk = WalkOptions {
        no_ignore: true,
        threads: 1,
    };
    Ok(engine.check_paths(&[target], &walk)?.findings)
}

/// What one case did.
#[derive(Debug)]
pub struct CaseResult {
    pub case: Case,
    /// `None` when the case behaved; otherwise what went wrong.
    pub problem: Option<String>,
    /// The rule's findings, one concise line each (what `.expected` holds).
    pub rendered: String,
}

/// Runs one case: a fail case must report its rule and, when it has an
/// `.expected` file, exactly those lines; a pass case must report nothing.
pub fn run_case(case: &Case, layers: &[Arc<ConfigFile>]) -> CaseResult {
    let findings = match lint_case(case, layers) {
        Ok(f) => f,
        Err(e) => {
            return CaseResult {
                case: case.clone(),
                problem: Some(format!("configuration error: {e}")),
                rendered: String::new(),
            }
        }
    };
    let own: Vec<Finding> = findings
        .into_iter()
        .filter(|f| *f.rule == *case.rule)
        .collect();
    let mut rendered = Vec::new();
    let _ = crate::report::concise::write(&mut rendered, &own);
    let rendered = String::from_utf8_lossy(&rendered).into_owned();
    let problem = match case.outcome {
        Outcome::Fail if own.is_empty() => {
            Some(format!("expected a finding of `{}`, got none", case.rule))
        }
        Outcome::Fail => match std::fs::read_to_string(case.expected_path()) {
            Ok(expected) if expected != rendered => Some(format!(
                "diagnostics differ from {}:\n--- expected\n{expected}--- actual\n{rendered}",
                case.expected_path().display()
            )),
            _ => None,
        },
        Outcome::Pass if !own.is_empty() => Some(format!("expected no finding, got:\n{rendered}")),
        Outcome::Pass => None,
    };
    CaseResult {
        case: case.clone(),
        problem,
        rendered,
    }
}
