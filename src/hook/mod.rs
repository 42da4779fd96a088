//! `plumbline hook`: lint what a coding agent's tool call would write, as
//! if it were already on disk, and answer in the agent's protocol.
//!
//! The hook reads only the payload, the config and the files the call
//! touches; it never walks the tree, never writes, and never runs anything.

pub mod bash;
pub mod git;
pub mod guard;
pub mod patch;
pub mod protocol;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use serde_json::Value;

use crate::config::{ConfigError, HookSettings, Overrides, CONFIG_NAMES};
use crate::engine::{lint_parsed, lint_source_honoring, Engine, FileOutcome};
use crate::finding::Finding;
use crate::lang::ParsedFile;
use crate::source::SourceFile;
use crate::suppress::Suppression;

pub use protocol::{Agent, Decision, Response};
use protocol::{InputError, TextEdit, ToolCall};

/// Flags from the command line; the config's `[hook]` table adds to them.
#[derive(Debug, Clone, Copy, Default)]
pub struct HookOptions {
    pub agent: Option<Agent>,
    pub block_all: bool,
    pub fail_closed: bool,
}

/// Project path of the stand-in sources a shell command is linted as.
const SHELL_PATH_PREFIX: &str = "<shell-command>.";

/// At most this many findings are listed in a reason.
const MAX_LISTED: usize = 10;

/// Runs the hook on one payload. `process_cwd` is used when the payload
/// names no working directory.
pub fn run(payload: &str, options: &HookOptions, process_cwd: &Path) -> Response {
    let parsed: Result<Value, _> = serde_json::from_str(payload);
    let value = match parsed {
        Ok(v) => v,
        Err(e) => {
            let fail_closed = options.fail_closed || config_fail_closed(process_cwd);
            return failure(
                options.agent.unwrap_or(Agent::Claude),
                fail_closed,
                &format!("hook input is not valid JSON: {e}"),
            );
        }
    };
    let agent = match options.agent.or_else(|| Agent::detect(&value)) {
        Some(a) => a,
        None => {
            let fail_closed = options.fail_closed || config_fail_closed(process_cwd);
            return failure(
                Agent::Claude,
                fail_closed,
                "cannot tell which agent sent this payload; name it: `plumbline hook claude`",
            );
        }
    };
    let cwd = value
        .get("cwd")
        .and_then(Value::as_str)
        .map(PathBuf::from)
        .or_else(|| {
            value
                .get("workspace_roots")
                .and_then(Value::as_array)
                .and_then(|r| r.first())
                .and_then(Value::as_str)
                .map(PathBuf::from)
        })
        .unwrap_or_else(|| process_cwd.to_path_buf());
    let call = protocol::tool_and_input(agent, &value)
        .and_then(|(tool, input)| protocol::tool_call(agent, &tool, &input));
    let call = match call {
        Ok(c) => c,
        Err(InputError(message)) => {
            let fail_closed = options.fail_closed || config_fail_closed(&cwd);
            return failure(agent, fail_closed, &message);
        }
    };
    if call == ToolCall::Harmless {
        return protocol::respond(agent, &Decision::Allow);
    }
    let decision = decide(&call, &cwd, options);
    protocol::respond(agent, &decision)
}

/// An internal error: let the call through (exit 1, the agents' "non-blocking
/// error"), or deny when failing closed.
fn failure(agent: Agent, fail_closed: bool, message: &str) -> Response {
    if fail_closed {
        return protocol::respond(
            agent,
            &Decision::Deny(format!("plumbline hook failed and fails closed: {message}")),
        );
    }
    Response {
        exit_code: 1,
        stdout: String::new(),
        stderr: format!("plumbline hook: {message}\n"),
    }
}

fn config_fail_closed(cwd: &Path) -> bool {
    Engine::new(cwd, None, Overrides::default())
        .and_then(|e| e.rules_for_dir(cwd))
        .is_ok_and(|r| r.hook.fail_closed)
}

/// One file the call would change.
struct Proposed {
    path: PathBuf,
    before: Option<String>,
    /// `None`: the call deletes the file.
    after: Option<String>,
    /// Lint as this path instead (a notebook cell linted as Python).
    lint_as: Option<String>,
}

fn decide(call: &ToolCall, cwd: &Path, options: &HookOptions) -> Decision {
    let engine = match Engine::new(cwd, None, Overrides::default()) {
        Ok(e) => e,
        Err(e) => return broken_config(call, cwd, &e),
    };
    let root_rules = match engine.rules_for_dir(engine.root()) {
        Ok(r) => r,
        Err(e) => return broken_config(call, cwd, &e),
    };
    let settings = HookSettings {
        block_all: options.block_all || root_rules.hook.block_all,
        fail_closed: options.fail_closed || root_rules.hook.fail_closed,
        ..root_rules.hook
    };

    let (files, shell) = match proposed_files(call, cwd) {
        Ok(x) => x,
        Err(message) => {
            return if settings.fail_closed {
                Decision::Deny(format!("plumbline hook failed and fails closed: {message}"))
            } else {
                Decision::Allow
            }
        }
    };

    let mut weakened = Vec::new();
    let mut introduced = Vec::new();
    let mut edited = Vec::new();
    for file in &files {
        let Ok(relative) = file.path.strip_prefix(engine.root()) else {
            continue; // outside the project: not ours to judge
        };
        let project_path = crate::source::slash_path(relative);
        if guard::is_config_file(&project_path) || guard::is_agent_settings(&project_path) {
            let rule_files: Vec<_> = engine
                .base_layers()
                .iter()
                .filter(|l| l.is_rule_file)
                .cloned()
                .collect();
            weakened.extend(guard::weakenings(
                &project_path,
                file.before.as_deref(),
                file.after.as_deref(),
                &rule_files,
            ));
            continue;
        }
        let Some(after) = &file.after else { continue };
        let dir = file.path.parent().unwrap_or(engine.root());
        let rules = match engine.rules_for_dir(dir) {
            Ok(r) => r,
            Err(e) => return broken_config(call, cwd, &e),
        };
        edited.push(new_findings(&engine, &rules, file, after, &settings));
    }
    introduced.extend(decide_conditional(&engine, edited));
    if let Some(command) = shell {
        weakened.extend(shell_weakenings(&command));
        introduced.extend(shell_findings(&root_rules, &command));
    }

    if !weakened.is_empty() {
        let mut reason = String::from(
            "This edit would weaken plumbline's policy, which needs a human's approval:\n",
        );
        for w in &weakened {
            reason.push_str(&format!("- it {w}\n"));
        }
        reason.push_str("If the change is intended, a person should make it or approve it.");
        return Decision::Ask(reason);
    }
    if introduced.is_empty() {
        return Decision::Allow;
    }
    Decision::Deny(reason(&introduced))
}

/// A broken config blocks everything except the edit that repairs it.
fn broken_config(call: &ToolCall, cwd: &Path, error: &ConfigError) -> Decision {
    let touches_config = proposed_files(call, cwd).is_ok_and(|(files, _)| {
        files.iter().any(|f| {
            f.path
                .file_name()
                .is_some_and(|n| CONFIG_NAMES.iter().any(|c| n == *c))
        })
    });
    if touches_config {
        return Decision::Allow;
    }
    let mut message = error.message.clone();
    if let (Some(src), Some(span)) = (&error.source_code, &error.span) {
        let text = miette::SourceCode::read_span(src, span, 0, 0).ok();
        if let Some(contents) = text {
            message = format!(
                "{}:{}:{}: {}",
                src.name(),
                contents.line() + 1,
                contents.column() + 1,
                error.message
            );
        }
    }
    Decision::Deny(format!(
        "plumbline's configuration is broken, so edits are blocked until it is fixed: {message}. Fix plumbline.toml first (edits to it are allowed)."
    ))
}

fn read_existing(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    String::from_utf8(bytes).ok()
}

fn absolute(cwd: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    }
}

/// Reconstructs every file the call would write. `Err` means plumbline
/// cannot read the call; a call the agent itself would fail to apply (an
/// `old_string` not found) yields no file, and so is allowed.
fn proposed_files(call: &ToolCall, cwd: &Path) -> Result<(Vec<Proposed>, Option<String>), String> {
    let mut files = Vec::new();
    match call {
        ToolCall::Write { path, content } => {
            let path = absolute(cwd, path);
            files.push(Proposed {
                before: read_existing(&path),
                after: Some(content.clone()),
                path,
                lint_as: None,
            });
        }
        ToolCall::Edit { path, edits } => {
            let path = absolute(cwd, path);
            let before = read_existing(&path);
            if let Some(after) = apply_edits(before.as_deref(), edits) {
                files.push(Proposed {
                    path,
                    before,
                    after: Some(after),
                    lint_as: None,
                });
            }
        }
        ToolCall::Notebook {
            path,
            cell_id,
            new_source,
            mode,
        } => {
            let path = absolute(cwd, path);
            if let Some(file) = notebook_cell(&path, cell_id.as_deref(), new_source, mode) {
                files.push(file);
            }
        }
        ToolCall::Patch { text } => {
            let ops = patch::parse(text).map_err(|e| format!("cannot read the patch: {}", e.0))?;
            for op in ops {
                match op {
                    patch::PatchOp::Add { path, content } => {
                        let path = absolute(cwd, &path);
                        files.push(Proposed {
                            before: read_existing(&path),
                            after: Some(content),
                            path,
                            lint_as: None,
                        });
                    }
                    patch::PatchOp::Delete { path } => {
                        let path = absolute(cwd, &path);
                        files.push(Proposed {
                            before: read_existing(&path),
                            after: None,
                            path,
                            lint_as: None,
                        });
                    }
                    patch::PatchOp::Update {
                        path,
                        move_to,
                        hunks,
                    } => {
                        let source = absolute(cwd, &path);
                        let Some(before) = read_existing(&source) else {
                            continue;
                        };
                        let Some(after) = patch::apply_hunks(&before, &hunks) else {
                            continue;
                        };
                        match move_to {
                            Some(target) => {
                                files.push(Proposed {
                                    path: source,
                                    before: Some(before),
                                    after: None,
                                    lint_as: None,
                                });
                                let target = absolute(cwd, &target);
                                files.push(Proposed {
                                    before: read_existing(&target),
                                    after: Some(after),
                                    path: target,
                                    lint_as: None,
                                });
                            }
                            None => files.push(Proposed {
                                path: source,
                                before: Some(before),
                                after: Some(after),
                                lint_as: None,
                            }),
                        }
                    }
                }
            }
        }
        ToolCall::Shell { command } => {
            for write in bash::writes(command) {
                let path = absolute(cwd, &write.path);
                let before = read_existing(&path);
                let after = if write.append {
                    format!("{}{}", before.clone().unwrap_or_default(), write.content)
                } else {
                    write.content
                };
                files.push(Proposed {
                    path,
                    before,
                    after: Some(after),
                    lint_as: None,
                });
            }
            return Ok((files, Some(command.clone())));
        }
        ToolCall::Harmless => {}
    }
    Ok((files, None))
}

/// Applies edits in order as the agent would: every occurrence with
/// `replace_all`, else exactly one. `None` when the agent's edit would fail.
fn apply_edits(before: Option<&str>, edits: &[TextEdit]) -> Option<String> {
    let mut text = before.map(str::to_string);
    for edit in edits {
        let current = match text.take() {
            Some(t) => t,
            // Editing a file that does not exist only works as a creation.
            None if edit.old.is_empty() => {
                text = Some(edit.new.clone());
                continue;
            }
            None => return None,
        };
        if edit.old.is_empty() {
            return None;
        }
        let count = current.matches(edit.old.as_str()).count();
        if count == 0 || (count > 1 && !edit.replace_all) {
            return None;
        }
        text = Some(if edit.replace_all {
            current.replace(edit.old.as_str(), &edit.new)
        } else {
            current.replacen(edit.old.as_str(), &edit.new, 1)
        });
    }
    text
}

/// The edited cell of a notebook, linted in the notebook's language.
fn notebook_cell(
    path: &Path,
    cell_id: Option<&str>,
    new_source: &str,
    mode: &str,
) -> Option<Proposed> {
    if mode == "delete" {
        return None;
    }
    let notebook: Option<Value> = read_existing(path).and_then(|t| serde_json::from_str(&t).ok());
    let language = notebook
        .as_ref()
        .and_then(|n| {
            n.pointer("/metadata/kernelspec/language")
                .or_else(|| n.pointer("/metadata/language_info/name"))
        })
        .and_then(Value::as_str)
        .unwrap_or("python")
        .to_ascii_lowercase();
    let extension = match language.as_str() {
        "python" => "py",
        "typescript" => "ts",
        "javascript" => "js",
        "rust" => "rs",
        "sql" => "sql",
        _ => return None,
    };
    let cell_source = |cell: &Value| -> String {
        match cell.get("source") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(lines)) => lines.iter().filter_map(Value::as_str).collect(),
            _ => String::new(),
        }
    };
    let before = if mode == "insert" {
        None
    } else {
        let cells = notebook.as_ref()?.get("cells")?.as_array()?;
        let cell = match cell_id {
            Some(id) => cells
                .iter()
                .find(|c| c.get("id").and_then(Value::as_str) == Some(id))
                .or_else(|| {
                    id.strip_prefix("cell-")
                        .and_then(|n| n.parse::<usize>().ok())
                        .and_then(|n| cells.get(n))
                }),
            None => cells.first(),
        };
        cell.map(cell_source)
    };
    let lint_as = format!("{}.cell.{extension}", path.to_string_lossy());
    Some(Proposed {
        path: path.to_path_buf(),
        before,
        after: Some(new_source.to_string()),
        lint_as: Some(lint_as),
    })
}

/// Keeps the edited files' findings, deciding those that depend on other
/// files (a callback some file links to, a manifest the registry imports)
/// with the facts of the rest of the project as it is on disk. The walk
/// runs only when such a finding is about to block.
fn decide_conditional(engine: &Engine, edited: Vec<FileOutcome>) -> Vec<Finding> {
    if !edited
        .iter()
        .any(|o| o.findings.iter().any(Finding::is_conditional))
    {
        return edited.into_iter().flat_map(|o| o.findings).collect();
    }
    let paths: Vec<String> = edited.iter().map(|o| o.path.clone()).collect();
    let except: Vec<&str> = paths.iter().map(String::as_str).collect();
    match engine.project_facts(&except) {
        Ok(mut outcomes) => {
            outcomes.extend(edited);
            crate::engine::join_outcomes(outcomes, &mut crate::engine::RunSummary::default())
        }
        Err(_) => edited
            .into_iter()
            .flat_map(|o| o.findings)
            .map(|mut f| {
                if f.is_conditional() {
                    f.message
                        .push_str(" (undecided: plumbline could not read the rest of the project)");
                    f.conditions.clear();
                }
                f
            })
            .collect(),
    }
}

/// Findings present after the edit and not before, matched by rule and
/// the normalized flagged code (edits shift lines), with the facts the
/// edited file records after the edit.
fn new_findings(
    engine: &Engine,
    rules: &crate::config::RuleSet,
    file: &Proposed,
    after: &str,
    settings: &HookSettings,
) -> FileOutcome {
    let lint_path = file
        .lint_as
        .as_ref()
        .map(PathBuf::from)
        .unwrap_or_else(|| file.path.clone());
    let mut display_source = engine.source(&lint_path, after.to_string());
    if file.lint_as.is_some() {
        let display = crate::engine::display_path(engine.cwd(), &file.path);
        display_source = SourceFile::new(
            display,
            display_source.project_path().to_string(),
            after.to_string(),
        );
    }
    let before_lines: HashMap<&str, usize> = file
        .before
        .as_deref()
        .map(|b| {
            let mut m = HashMap::new();
            for line in b.lines() {
                *m.entry(line.trim()).or_insert(0) += 1;
            }
            m
        })
        .unwrap_or_default();
    let after_source = Arc::new(display_source);
    let after_text = after_source.text.clone();
    let honor_new = settings.honor_new_suppressions;
    let honor = move |s: &Suppression| -> bool {
        if honor_new {
            return true;
        }
        // A suppression counts only if its comment line was already there.
        let line = line_containing(&after_text, s.span.start);
        before_lines.contains_key(line.trim())
    };
    let Some(language) = after_source.language() else {
        return FileOutcome::default();
    };
    let counter = AtomicUsize::new(0);
    let after_file = ParsedFile::new(after_source.clone(), language);
    let mut outcome = lint_parsed(rules, &after_file, &counter, &honor);
    // Most edits are clean: then the old version need not be read at all.
    if outcome.findings.is_empty() || settings.block_all {
        return outcome;
    }
    let Some(before) = &file.before else {
        return outcome;
    };
    let before_source = Arc::new(SourceFile::new(
        after_source.display_path(),
        after_source.project_path(),
        before.clone(),
    ));
    let before_file = match after_file.tree_if_parsed() {
        Some(tree) => ParsedFile::reparsed(before_source, language, tree, after),
        None => ParsedFile::new(before_source, language),
    };
    let mut budget: HashMap<(String, String), usize> = HashMap::new();
    for f in lint_parsed(rules, &before_file, &counter, &|_| true).findings {
        *budget
            .entry((f.rule.to_string(), f.normalized_snippet()))
            .or_insert(0) += 1;
    }
    outcome.findings.retain(|f| {
        let key = (f.rule.to_string(), f.normalized_snippet());
        match budget.get_mut(&key) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        }
    });
    outcome
}

fn line_containing(text: &str, offset: usize) -> &str {
    let offset = crate::source::floor_char_boundary(text, offset.min(text.len()));
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    &text[start..end]
}

/// Hosts and tables a shell command would reach: its words are linted like
/// a config file and its SQL like a migration.
fn shell_findings(rules: &crate::config::RuleSet, command: &str) -> Vec<Finding> {
    let words = bash::words(command);
    let as_json = serde_json::to_string_pretty(&words).unwrap_or_default();
    let mut out = Vec::new();
    let words_source = SourceFile::new("Bash command", format!("{SHELL_PATH_PREFIX}json"), as_json);
    out.extend(lint_source_honoring(rules, Arc::new(words_source), &|_| true).findings);
    for sql in bash::sql_fragments(command) {
        let sql_source = SourceFile::new("Bash command", format!("{SHELL_PATH_PREFIX}sql"), sql);
        out.extend(lint_source_honoring(rules, Arc::new(sql_source), &|_| true).findings);
    }
    out
}

/// Shell commands that delete or rewrite plumbline's config where the hook
/// cannot see the result.
fn shell_weakenings(command: &str) -> Vec<String> {
    const WRITERS: &[&str] = &["rm", "mv", "unlink", "truncate", "sed", "perl", "cp", "git"];
    let words = bash::words(command);
    let writes = words
        .iter()
        .any(|w| WRITERS.contains(&w.as_str()) || w.starts_with('>'));
    let names_config = words.iter().any(|w| {
        let name = w.rsplit('/').next().unwrap_or(w);
        CONFIG_NAMES.contains(&name)
    });
    if writes && names_config {
        vec!["changes plumbline's configuration from the shell, where plumbline cannot check what it becomes".to_string()]
    } else {
        Vec::new()
    }
}

/// The text every agent gets: one line per finding, then the explain hint.
pub fn reason(findings: &[Finding]) -> String {
    let mut text = format!(
        "plumbline blocked this edit: it introduces {} policy {}.\n",
        findings.len(),
        if findings.len() == 1 {
            "violation"
        } else {
            "violations"
        }
    );
    for f in findings.iter().take(MAX_LISTED) {
        // Findings in a shell command have no file position worth showing.
        let place = if f.source.project_path().starts_with(SHELL_PATH_PREFIX) {
            f.path().to_string()
        } else {
            format!("{}:{}:{}", f.path(), f.start.line, f.start.column)
        };
        text.push_str(&format!(
            "{place} {}: {}. help: {}\n",
            f.rule,
            f.message.trim_end_matches('.'),
            f.help
        ));
    }
    if findings.len() > MAX_LISTED {
        text.push_str(&format!("… and {} more.\n", findings.len() - MAX_LISTED));
    }
    let mut rules: Vec<&str> = findings.iter().map(|f| &*f.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    text.push_str(&format!(
        "Fix the edit and try again. Details: `plumbline explain {}`.",
        rules.join("`, `plumbline explain ")
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(old: &str, new: &str, all: bool) -> TextEdit {
        TextEdit {
            old: old.into(),
            new: new.into(),
            replace_all: all,
        }
    }

    #[test]
    fn edits_apply_like_the_agent_would() {
        assert_eq!(
            apply_edits(Some("a b a"), &[edit("b", "c", false)]).as_deref(),
            Some("a c a")
        );
        assert_eq!(
            apply_edits(Some("a b a"), &[edit("a", "x", true)]).as_deref(),
            Some("x b x")
        );
        assert_eq!(
            apply_edits(Some("a b a"), &[edit("a", "x", false)]),
            None,
            "ambiguous edit fails"
        );
        assert_eq!(
            apply_edits(Some("a"), &[edit("zzz", "x", false)]),
            None,
            "missing old_string fails"
        );
        assert_eq!(
            apply_edits(None, &[edit("", "new file", false)]).as_deref(),
            Some("new file")
        );
        assert_eq!(
            apply_edits(
                Some("one two"),
                &[edit("one", "1", false), edit("two", "2", false)]
            )
            .as_deref(),
            Some("1 2")
        );
    }
}
