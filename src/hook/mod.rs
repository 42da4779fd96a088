//! `plumbline hook`: lint what a coding agent's tool call would write, as
//! if it were already on disk, and answer in the agent's protocol.
//!
//! The hook reads only the payload, the config and the files the call
//! touches; it never walks the tree, never writes, and never runs anything.

pub mod apply;
pub mod bash;
pub mod failsafe;
pub mod git;
pub mod guard;
pub mod patch;
pub mod protocol;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::Value;

use crate::config::{ConfigError, HookSettings, Overrides, CONFIG_NAMES};
use crate::engine::{lint_parsed, lint_parsed_with, lint_source_honoring, Engine, FileOutcome};
use crate::finding::Finding;
use crate::lang::ParsedFile;
use crate::source::SourceFile;
use crate::suppress::Suppression;

use apply::{Cascade, EditFailure};
pub use protocol::{Agent, Decision, Response};
use protocol::{InputError, ToolCall};

/// Flags from the command line; the config's `[hook]` table adds to them.
#[derive(Debug, Clone, Copy, Default)]
pub struct HookOptions {
    pub agent: Option<Agent>,
    pub block_all: bool,
    pub fail_closed: bool,
    /// Read other files' facts through the per-file cache (`--no-cache`
    /// turns it off).
    pub use_cache: bool,
}

/// The largest hook payload read from stdin; a larger one is answered as
/// unreadable (per fail-open or fail-closed) without being parsed.
pub const MAX_PAYLOAD_BYTES: u64 = 64 * 1024 * 1024;

/// Project path of the stand-in sources a shell command is linted as.
const SHELL_PATH_PREFIX: &str = "<shell-command>.";

/// At most this many findings are listed in a reason.
const MAX_LISTED: usize = 10;

/// Set once the config has been read and says `[hook] fail_closed`, so an
/// answer given after a crash honours it.
static CONFIG_FAILS_CLOSED: AtomicBool = AtomicBool::new(false);

/// Runs the hook on one payload. `process_cwd` is used when the payload
/// names no working directory. Never panics: a panic while deciding ends in
/// the fail-open (or fail-closed) answer.
pub fn run(payload: &str, options: &HookOptions, process_cwd: &Path) -> Response {
    let guess = options.agent.unwrap_or(Agent::Claude);
    prepare_failsafe(guess, options.fail_closed);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_unguarded(payload, options, process_cwd)
    }));
    outcome.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic");
        let agent = options
            .agent
            .or_else(|| {
                serde_json::from_str::<Value>(payload)
                    .ok()
                    .and_then(|v| Agent::detect(&v))
            })
            .unwrap_or(guess);
        failure(
            agent,
            options.fail_closed || CONFIG_FAILS_CLOSED.load(Ordering::SeqCst),
            &format!(
                "plumbline crashed while checking this call ({}{}); please report it",
                message.replace('\n', " "),
                PANIC_LOCATION
                    .lock()
                    .ok()
                    .and_then(|l| l.clone())
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default()
            ),
        )
    })
}

/// Where the last panic happened, for the one-line warning the hook
/// answers with.
static PANIC_LOCATION: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Panics in the hook are caught and answered in the agent's protocol with
/// one line on stderr; this keeps the default multi-line report (and a
/// backtrace) out of the agent's view, recording only where it happened.
pub fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        if let (Some(location), Ok(mut slot)) = (info.location(), PANIC_LOCATION.lock()) {
            *slot = Some(format!("{}:{}", location.file(), location.line()));
        }
    }));
}

/// The answer the crash handler and the watchdog give if the hook cannot
/// finish.
fn prepare_failsafe(agent: Agent, fail_closed: bool) {
    failsafe::prepare(&failure(
        agent,
        fail_closed,
        "plumbline did not finish checking this call (a crash, or the time budget `[hook] time_budget_ms` ran out)",
    ));
}

fn run_unguarded(payload: &str, options: &HookOptions, process_cwd: &Path) -> Response {
    let parsed: Result<Value, _> = serde_json::from_str(payload);
    let value = match parsed {
        Ok(v) => v,
        Err(e) => {
            let fail_closed = options.fail_closed || config_fail_closed(process_cwd);
            let message = if payload.is_empty() {
                format!("the hook input is empty or over {MAX_PAYLOAD_BYTES} bytes")
            } else {
                format!("hook input is not valid JSON: {e}")
            };
            return failure(
                options.agent.unwrap_or(Agent::Claude),
                fail_closed,
                &message,
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
    prepare_failsafe(agent, options.fail_closed);
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
    let cwd = real_path(&absolute(process_cwd, &cwd.to_string_lossy()));
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
    let decision = decide(&call, &cwd, options, agent);
    protocol::respond(agent, &decision)
}

/// An internal error: let the call through with a warning, in a form the
/// agent honours, or deny when failing closed.
fn failure(agent: Agent, fail_closed: bool, message: &str) -> Response {
    protocol::respond(agent, &failure_decision(fail_closed, message))
}

fn failure_decision(fail_closed: bool, message: &str) -> Decision {
    if fail_closed {
        Decision::Deny(format!("plumbline hook failed and fails closed: {message}"))
    } else {
        Decision::FailOpen(message.to_string())
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
    /// `before` and `after` are not the file but the edit's old and new
    /// text: no cascade of the client found where the edit applies, so
    /// only what the new text says on its own is judged.
    fragment: bool,
}

impl Proposed {
    fn file(path: PathBuf, before: Option<String>, after: Option<String>) -> Proposed {
        Proposed {
            path,
            before,
            after,
            lint_as: None,
            fragment: false,
        }
    }
}

/// Rule kinds whose findings need nothing but the text itself, so they
/// hold for a fragment of a file (an edit's new text) as well.
const CONTEXT_FREE_KINDS: &[&str] = &[
    "forbidden-host",
    "hardcoded-secret",
    "forbidden-dependency",
    "forbidden-table",
    "forbidden-column-write",
    "forbidden-column-read",
    "sensitive-log-argument",
    "oauth-url-construction",
    "plaintext-column",
];

/// What the hook may read: only files inside the project, only regular
/// ones, and none larger than the cap.
struct Reader {
    /// `None`: read nothing (the config is broken; only paths matter).
    root: Option<PathBuf>,
    max_file_size: u64,
}

impl Reader {
    /// The current text of `path`: `Ok(None)` when it does not exist, is
    /// outside the project, or is not UTF-8.
    fn read(&self, path: &Path) -> Result<Option<String>, String> {
        match &self.root {
            Some(root) if path.starts_with(root) => {}
            _ => return Ok(None),
        }
        read_regular(path, self.max_file_size)
    }

    /// Refuses proposed content over the cap.
    fn check_size(&self, path: &Path, content: &str) -> Result<(), String> {
        if content.len() as u64 > self.max_file_size {
            return Err(too_large(path, content.len() as u64, self.max_file_size));
        }
        Ok(())
    }
}

fn too_large(path: &Path, size: u64, cap: u64) -> String {
    format!(
        "{} would be {size} bytes, over the hook's limit of {cap} bytes (`[hook] max_file_size` in plumbline.toml)",
        path.display()
    )
}

/// Reads a regular file of at most `cap` bytes. Devices, FIFOs and
/// sockets are refused without being opened for a blocking read.
fn read_regular(path: &Path, cap: u64) -> Result<Option<String>, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if !metadata.is_file() {
        return Err(not_regular(path, &metadata));
    }
    if metadata.len() > cap {
        return Err(too_large(path, metadata.len(), cap));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    // The path may have been swapped since `metadata`: check what was opened.
    let opened = file
        .metadata()
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if !opened.is_file() {
        return Err(not_regular(path, &opened));
    }
    let mut bytes = Vec::with_capacity(opened.len().min(cap) as usize);
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > cap {
        return Err(too_large(path, bytes.len() as u64, cap));
    }
    Ok(String::from_utf8(bytes).ok())
}

fn not_regular(path: &Path, metadata: &std::fs::Metadata) -> String {
    use std::os::unix::fs::FileTypeExt;
    let t = metadata.file_type();
    let what = if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    format!(
        "{} is {what}; the hook reads only regular files",
        path.display()
    )
}

fn decide(call: &ToolCall, cwd: &Path, options: &HookOptions, agent: Agent) -> Decision {
    let mut engine = match Engine::new(cwd, None, Overrides::default()) {
        Ok(e) => e,
        Err(e) => return broken_config(call, cwd, &e),
    };
    if options.use_cache {
        if let Err(e) = engine.use_cache() {
            return broken_config(call, cwd, &e);
        }
    }
    let root_rules = match engine.rules_for_dir(engine.root()) {
        Ok(r) => r,
        Err(e) => return broken_config(call, cwd, &e),
    };
    let settings = HookSettings {
        block_all: options.block_all || root_rules.hook.block_all,
        fail_closed: options.fail_closed || root_rules.hook.fail_closed,
        ..root_rules.hook
    };
    if settings.fail_closed {
        CONFIG_FAILS_CLOSED.store(true, Ordering::SeqCst);
        prepare_failsafe(agent, true);
    }
    failsafe::set_budget(settings.time_budget());
    let reader = Reader {
        root: Some(real_path(engine.root())),
        max_file_size: settings.max_file_size(),
    };

    let (files, shell) = match proposed_files(call, cwd, &reader) {
        Ok(x) => x,
        Err(message) => return failure_decision(settings.fail_closed, &message),
    };

    let mut weakened = Vec::new();
    let mut introduced = Vec::new();
    let mut edited = Vec::new();
    let root = reader.root.as_deref().unwrap_or(engine.root());
    for file in &files {
        let Ok(relative) = file.path.strip_prefix(root) else {
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
            if file.fragment {
                weakened.push(format!(
                    "edits {project_path} in a way plumbline cannot reproduce, so it cannot tell what the policy becomes"
                ));
                continue;
            }
            weakened.extend(guard::weakenings(
                &project_path,
                file.before.as_deref(),
                file.after.as_deref(),
                &rule_files,
            ));
            continue;
        }
        let Some(after) = &file.after else { continue };
        let dir = engine.root().join(relative);
        let dir = dir.parent().unwrap_or(engine.root());
        let rules = match engine.rules_for_dir(dir) {
            Ok(r) => r,
            Err(e) => return broken_config(call, cwd, &e),
        };
        let mut outcome = new_findings(&engine, &rules, file, after, &settings);
        if file.fragment {
            keep_context_free(&rules, &mut outcome);
        }
        edited.push(outcome);
    }
    introduced.extend(decide_conditional(&engine, edited));
    if let Some(command) = shell {
        weakened.extend(shell_weakenings(&command));
        introduced.extend(shell_findings(&root_rules, &command));
    }
    if let ToolCall::Sql { query } = call {
        introduced.extend(sql_findings(&root_rules, query));
    }

    if !weakened.is_empty() {
        let what = if matches!(call, ToolCall::Shell { .. }) {
            "This command"
        } else {
            "This edit"
        };
        let mut reason =
            format!("{what} would weaken plumbline's policy, which needs a human's approval:\n");
        for w in &weakened {
            reason.push_str(&format!("- it {w}\n"));
        }
        reason.push_str("If the change is intended, a person should make it or approve it.");
        return Decision::Ask(reason);
    }
    if introduced.is_empty() {
        return Decision::Allow;
    }
    Decision::Deny(reason_for(call, &introduced, settings.block_all))
}

/// Drops the findings of rules that need more than the text they read.
fn keep_context_free(rules: &crate::config::RuleSet, outcome: &mut FileOutcome) {
    outcome.findings.retain(|f| {
        rules
            .rules
            .iter()
            .find(|r| r.id == f.rule)
            .is_some_and(|r| CONTEXT_FREE_KINDS.contains(&r.meta.kind.as_str()))
    });
    for f in &mut outcome.findings {
        f.message.push_str(
            " (in the edit's new text: plumbline could not find where the edit applies, so the position is within that text)",
        );
    }
    outcome.facts = Default::default();
}

/// A broken config blocks everything except the edit that repairs it.
fn broken_config(call: &ToolCall, cwd: &Path, error: &ConfigError) -> Decision {
    let reader = Reader {
        root: None,
        max_file_size: crate::config::DEFAULT_HOOK_MAX_FILE_SIZE,
    };
    let touches_config = proposed_files(call, cwd, &reader).is_ok_and(|(files, _)| {
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

/// `path` against `cwd`, made absolute and resolved as the file system
/// will resolve it: the real path of its longest existing prefix (symlinks,
/// `..`, `/proc/self/cwd`), then the rest with `.` and `..` applied.
fn resolve(cwd: &Path, path: &str) -> PathBuf {
    real_path(&absolute(cwd, path))
}

fn absolute(cwd: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        cwd.join(p)
    }
}

/// The real path of the longest existing prefix of `path`, followed by
/// the remaining components with `.` and `..` applied.
pub fn real_path(path: &Path) -> PathBuf {
    let components: Vec<Component> = path.components().collect();
    for split in (0..=components.len()).rev() {
        let prefix: PathBuf = components[..split].iter().collect();
        if prefix.as_os_str().is_empty() {
            continue;
        }
        let Ok(mut real) = std::fs::canonicalize(&prefix) else {
            continue;
        };
        for component in &components[split..] {
            match component {
                Component::ParentDir => {
                    real.pop();
                }
                Component::CurDir => {}
                other => real.push(other.as_os_str()),
            }
        }
        return real;
    }
    path.to_path_buf()
}

/// Reconstructs every file the call would write. `Err` means plumbline
/// cannot read the call or refuses to (a special file, over the size cap).
/// An edit no cascade of the client can place yields a fragment: its old
/// and new text.
fn proposed_files(
    call: &ToolCall,
    cwd: &Path,
    reader: &Reader,
) -> Result<(Vec<Proposed>, Option<String>), String> {
    let mut files = Vec::new();
    match call {
        ToolCall::Write { path, content } => {
            let path = resolve(cwd, path);
            reader.check_size(&path, content)?;
            files.extend(whole_file(reader, path, content)?);
        }
        ToolCall::Edit {
            path,
            edits,
            cascade,
        } => {
            let path = resolve(cwd, path);
            let before = reader.read(&path)?;
            files.push(edited_file(reader, path, before, edits, *cascade)?);
        }
        ToolCall::Insert {
            path,
            after_line,
            text,
        } => {
            let path = resolve(cwd, path);
            let before = reader.read(&path)?;
            let after = insert_after_line(before.as_deref().unwrap_or_default(), *after_line, text);
            reader.check_size(&path, &after)?;
            files.push(Proposed::file(path, before, Some(after)));
        }
        ToolCall::Notebook {
            path,
            cell_id,
            new_source,
            mode,
        } => {
            let path = resolve(cwd, path);
            reader.check_size(&path, new_source)?;
            if let Some(file) = notebook_cell(reader, &path, cell_id.as_deref(), new_source, mode)?
            {
                files.push(file);
            }
        }
        ToolCall::Patch { text } => {
            reader.check_size(Path::new("the patch"), text)?;
            let ops = patch::parse(text).map_err(|e| format!("cannot read the patch: {}", e.0))?;
            for op in ops {
                files.extend(patch_files(reader, cwd, op)?);
            }
        }
        ToolCall::Shell { command, dir } => {
            let cwd = match dir {
                Some(dir) => resolve(cwd, dir),
                None => cwd.to_path_buf(),
            };
            for write in bash::writes(command) {
                let path = resolve(&cwd, &write.path);
                let before = reader.read(&path)?;
                let after = if write.append {
                    format!("{}{}", before.clone().unwrap_or_default(), write.content)
                } else {
                    write.content
                };
                reader.check_size(&path, &after)?;
                files.push(Proposed::file(path, before, Some(after)));
            }
            return Ok((files, Some(command.clone())));
        }
        ToolCall::Sql { .. } | ToolCall::Harmless => {}
    }
    Ok((files, None))
}

/// `text` inserted after line `after_line` of `before` (0: at the top; past
/// the end: at the end), as its own line or lines.
fn insert_after_line(before: &str, after_line: usize, text: &str) -> String {
    let at = if after_line == 0 {
        0
    } else {
        before
            .match_indices('\n')
            .nth(after_line - 1)
            .map_or(before.len(), |(i, _)| i + 1)
    };
    let mut inserted = text.to_string();
    if !inserted.ends_with('\n') {
        inserted.push('\n');
    }
    let mut out = String::with_capacity(before.len() + inserted.len() + 1);
    out.push_str(&before[..at]);
    if at > 0 && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&inserted);
    out.push_str(&before[at..]);
    out
}

/// A whole file written at once; a notebook is linted cell by cell.
fn whole_file(reader: &Reader, path: PathBuf, content: &str) -> Result<Vec<Proposed>, String> {
    let before = reader.read(&path)?;
    if crate::lang::notebook::is_notebook(&path.to_string_lossy()) {
        if let Some(cells) = notebook_cells(&path, before.as_deref(), content) {
            return Ok(cells);
        }
    }
    Ok(vec![Proposed::file(
        path,
        before,
        Some(content.to_string()),
    )])
}

/// Each cell of a notebook about to be written: code cells linted as files
/// of the notebook's language, the others (markdown, raw) as text, so a
/// host they name is still seen. The old notebook's cells of the same kind
/// are the "before".
fn notebook_cells(path: &Path, before: Option<&str>, after: &str) -> Option<Vec<Proposed>> {
    let new: Value = serde_json::from_str(after).ok()?;
    let extension = crate::lang::notebook::kernel_extension(&new)?;
    let old: Option<Value> = before.and_then(|b| serde_json::from_str(b).ok());
    let old_cells = old.as_ref().map(cells).unwrap_or_default();
    let old_of_kind = |code: bool| -> Option<String> {
        let texts: Vec<String> = old_cells
            .iter()
            .filter(|(is_code, _)| *is_code == code)
            .map(|(_, text)| {
                if code {
                    text.clone()
                } else {
                    as_text_lines(text)
                }
            })
            .collect();
        (!texts.is_empty()).then(|| texts.join("\n"))
    };
    let (old_code, old_text) = (old_of_kind(true), old_of_kind(false));
    let lossy = path.to_string_lossy();
    Some(
        cells(&new)
            .into_iter()
            .map(|(code, source)| Proposed {
                path: path.to_path_buf(),
                before: if code {
                    old_code.clone()
                } else {
                    old_text.clone()
                },
                after: Some(if code { source } else { as_text_lines(&source) }),
                lint_as: Some(if code {
                    format!("{lossy}.cell.{extension}")
                } else {
                    format!("{lossy}.text-cell.json")
                }),
                fragment: false,
            })
            .collect(),
    )
}

/// A text cell as a JSON list of its lines: what the host rules read in a
/// data file.
fn as_text_lines(text: &str) -> String {
    serde_json::to_string_pretty(&text.lines().collect::<Vec<_>>()).unwrap_or_default()
}

/// Every cell, with whether it is code, and its source.
fn cells(notebook: &Value) -> Vec<(bool, String)> {
    notebook
        .get("cells")
        .and_then(Value::as_array)
        .map(|cells| {
            cells
                .iter()
                .map(|c| {
                    let code = c.get("cell_type").and_then(Value::as_str) == Some("code");
                    (code, cell_source(c))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn cell_source(cell: &Value) -> String {
    match cell.get("source") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(lines)) => lines.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// The file an edit produces, or its fragment when the edit cannot be
/// placed.
fn edited_file(
    reader: &Reader,
    path: PathBuf,
    before: Option<String>,
    edits: &[protocol::TextEdit],
    cascade: Cascade,
) -> Result<Proposed, String> {
    let cap = reader.max_file_size as usize;
    match apply::apply_edits(before.as_deref(), edits, cascade, cap) {
        Ok(after) => Ok(Proposed::file(path, before, Some(after))),
        Err(EditFailure::TooLarge) => Err(format!(
            "applying the edit to {} would make it larger than the hook's limit of {cap} bytes (`[hook] max_file_size` in plumbline.toml)",
            path.display()
        )),
        Err(EditFailure::NotFound) => {
            let join = |f: fn(&protocol::TextEdit) -> &str| {
                edits.iter().map(f).collect::<Vec<_>>().join("\n")
            };
            let old = join(|e| &e.old);
            let new = join(|e| &e.new);
            reader.check_size(&path, &new)?;
            Ok(Proposed {
                path,
                before: Some(old),
                after: Some(new),
                lint_as: None,
                fragment: true,
            })
        }
    }
}

/// The files one operation of a patch writes or deletes.
fn patch_files(reader: &Reader, cwd: &Path, op: patch::PatchOp) -> Result<Vec<Proposed>, String> {
    Ok(match op {
        patch::PatchOp::Add { path, content } => {
            let path = resolve(cwd, &path);
            reader.check_size(&path, &content)?;
            whole_file(reader, path, &content)?
        }
        patch::PatchOp::Delete { path } => {
            let path = resolve(cwd, &path);
            vec![Proposed::file(path.clone(), reader.read(&path)?, None)]
        }
        patch::PatchOp::Update {
            path,
            move_to,
            hunks,
        } => {
            let source = resolve(cwd, &path);
            let before = reader.read(&source)?;
            let applied = before
                .as_deref()
                .and_then(|b| patch::apply_hunks(b, &hunks));
            let Some(after) = applied else {
                // The hunks cannot be placed: judge the lines they add.
                let old: Vec<&str> = hunks
                    .iter()
                    .flat_map(|h| &h.old)
                    .map(String::as_str)
                    .collect();
                let new: Vec<&str> = hunks
                    .iter()
                    .flat_map(|h| &h.new)
                    .map(String::as_str)
                    .collect();
                return Ok(vec![Proposed {
                    path: source,
                    before: Some(old.join("\n")),
                    after: Some(new.join("\n")),
                    lint_as: None,
                    fragment: true,
                }]);
            };
            reader.check_size(&source, &after)?;
            match move_to {
                Some(target) => {
                    let target = resolve(cwd, &target);
                    vec![
                        Proposed::file(source, before, None),
                        Proposed::file(target.clone(), reader.read(&target)?, Some(after)),
                    ]
                }
                None => vec![Proposed::file(source, before, Some(after))],
            }
        }
    })
}

/// The edited cell of a notebook, linted in the notebook's language.
fn notebook_cell(
    reader: &Reader,
    path: &Path,
    cell_id: Option<&str>,
    new_source: &str,
    mode: &str,
) -> Result<Option<Proposed>, String> {
    if mode == "delete" {
        return Ok(None);
    }
    let notebook: Option<Value> = reader
        .read(path)?
        .and_then(|t| serde_json::from_str(&t).ok());
    let empty = Value::Null;
    let Some(extension) =
        crate::lang::notebook::kernel_extension(notebook.as_ref().unwrap_or(&empty))
    else {
        return Ok(None);
    };
    let before = if mode == "insert" {
        None
    } else {
        let cells = notebook
            .as_ref()
            .and_then(|n| n.get("cells"))
            .and_then(Value::as_array);
        cells.and_then(|cells| {
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
        })
    };
    let lint_as = format!("{}.cell.{extension}", path.to_string_lossy());
    Ok(Some(Proposed {
        path: path.to_path_buf(),
        before,
        after: Some(new_source.to_string()),
        lint_as: Some(lint_as),
        fragment: false,
    }))
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
    if !edited
        .iter()
        .any(|o| o.findings.iter().any(Finding::needs_project_facts))
    {
        // The project model reads only the files a question reaches.
        return engine.join(edited, &mut crate::engine::RunSummary::default());
    }
    let paths: Vec<String> = edited.iter().map(|o| o.path.clone()).collect();
    let except: Vec<&str> = paths.iter().map(String::as_str).collect();
    match engine.project_facts(&except) {
        Ok(mut outcomes) => {
            outcomes.extend(edited);
            engine.join(outcomes, &mut crate::engine::RunSummary::default())
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
    let Some(language) = rules.language_of(after_source.project_path()) else {
        return FileOutcome::default();
    };
    let covered_before = file
        .before
        .as_deref()
        .filter(|_| !honor_new)
        .map(|b| CoveredLines::of(b, &after_source, language))
        .unwrap_or_default();
    // Suppressions left out of the new text, by their comment line: the
    // old text is read without them too, so what they hid there counts as
    // old, not as the edit's.
    let dropped: std::sync::Mutex<HashSet<String>> = Default::default();
    let after_lines: Vec<&str> = after_text.lines().collect();
    let honor = |s: &Suppression| -> bool {
        if honor_new {
            return true;
        }
        // A suppression counts only if its comment line was already there,
        let line = line_containing(&after_text, s.span.start).trim();
        if !before_lines.contains_key(line) {
            return false;
        }
        // and, short of a whole file's, only over lines it already covered:
        // moving `plumbline-ignore-end` down or writing new code under an
        // old comment does not hide the new code.
        if covered_before.keeps(line, s, &after_lines) {
            return true;
        }
        dropped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(line.to_string());
        false
    };
    let counter = AtomicUsize::new(0);
    let mut after_file = ParsedFile::new(after_source.clone(), language);
    if !honor_new {
        let earlier: HashSet<String> = file
            .before
            .as_deref()
            .map(|b| b.lines().map(|l| l.trim().to_string()).collect())
            .unwrap_or_default();
        after_file = after_file.with_earlier_lines(Arc::new(earlier));
    }
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
    // Only findings of the rules that fire on the new text can be budgeted
    // away, so the old text is read by those rules alone; a finding of
    // plumbline's own suppression checks depends on every rule that ran.
    let fired: HashSet<&str> = outcome.findings.iter().map(|f| f.rule.as_ref()).collect();
    let only_rules = fired
        .iter()
        .all(|id| rules.rules.iter().any(|r| r.id.as_ref() == *id));
    let wanted = |id: &str| !only_rules || fired.contains(id);
    let dropped = dropped.into_inner().unwrap_or_else(|e| e.into_inner());
    let honor_before = |s: &Suppression| {
        let line = line_containing(&before_file.source.text, s.span.start);
        !dropped.contains(line.trim())
    };
    let mut budget: HashMap<(String, String), usize> = HashMap::new();
    for f in lint_parsed_with(rules, &before_file, &counter, &honor_before, &wanted).findings {
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

/// The lines each suppression of an edit's old text covered, by its
/// comment line (trimmed): what the same comment may still cover after the
/// edit.
#[derive(Default)]
struct CoveredLines {
    by_comment: HashMap<String, HashSet<String>>,
    /// Set when the old text's suppressions cover more lines than
    /// [`COVERED_LINES_BUDGET`] (thousands of unclosed blocks): then only
    /// the comment line is asked for, as a bound on the work.
    too_many: bool,
    /// Lines [`CoveredLines::keeps`] may still compare.
    budget: std::cell::Cell<usize>,
}

/// How many covered lines the hook compares between an edit's two texts.
const COVERED_LINES_BUDGET: usize = 200_000;

impl CoveredLines {
    fn of(before: &str, after: &SourceFile, language: crate::lang::Language) -> CoveredLines {
        let source = SourceFile::new(
            after.display_path(),
            after.project_path(),
            before.to_string(),
        );
        let lines: Vec<&str> = before.lines().collect();
        let mut by_comment: HashMap<String, HashSet<String>> = HashMap::new();
        let mut spent = 0;
        for s in crate::suppress::parse(&source, language) {
            let comment = line_containing(before, s.span.start).trim().to_string();
            let covered = by_comment.entry(comment).or_default();
            let last = s.lines.last.min(lines.len());
            let range = lines
                .get(s.lines.first.saturating_sub(1)..last)
                .unwrap_or_default();
            spent += range.len();
            if spent > COVERED_LINES_BUDGET {
                return CoveredLines {
                    too_many: true,
                    ..CoveredLines::default()
                };
            }
            for line in range {
                covered.insert(line.trim().to_string());
            }
        }
        CoveredLines {
            by_comment,
            too_many: false,
            budget: std::cell::Cell::new(COVERED_LINES_BUDGET),
        }
    }

    /// Whether `s` (whose comment line is `comment`) covers, in the new
    /// text, only lines the same comment covered in the old one. A
    /// whole-file suppression covers new lines by design.
    fn keeps(&self, comment: &str, s: &Suppression, after_lines: &[&str]) -> bool {
        if self.too_many || s.lines.first <= 1 && s.lines.last == usize::MAX {
            return true;
        }
        let Some(covered) = self.by_comment.get(comment) else {
            return false;
        };
        let last = s.lines.last.min(after_lines.len());
        let range = after_lines
            .get(s.lines.first.saturating_sub(1)..last)
            .unwrap_or_default();
        let Some(left) = self.budget.get().checked_sub(range.len()) else {
            return true;
        };
        self.budget.set(left);
        range.iter().all(|line| covered.contains(line.trim()))
    }
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

/// Shell commands that delete, replace or rewrite plumbline's policy
/// files (its config, rule files, baseline, or an agent's hook settings)
/// where the hook cannot see the result.
fn shell_weakenings(command: &str) -> Vec<String> {
    let mut hit: Vec<String> = bash::destroyed_paths(command)
        .into_iter()
        .filter(|p| guard::names_policy_file(p))
        .collect();
    hit.dedup();
    if hit.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "deletes or rewrites {} from the shell, where plumbline cannot check what the policy becomes",
        hit.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
    )]
}

/// SQL an MCP tool would run, linted as a migration.
fn sql_findings(rules: &crate::config::RuleSet, query: &str) -> Vec<Finding> {
    let source = SourceFile::new(
        "SQL tool call",
        format!("{SHELL_PATH_PREFIX}sql"),
        query.to_string(),
    );
    lint_source_honoring(rules, Arc::new(source), &|_| true).findings
}

/// The denial for `call`: what it is ("this edit", "this command"), and
/// whether the findings are new or, with `hook --all`, merely present.
fn reason_for(call: &ToolCall, findings: &[Finding], block_all: bool) -> String {
    let subject = match call {
        ToolCall::Shell { .. } => "this command",
        ToolCall::Sql { .. } => "this SQL",
        _ => "this edit",
    };
    let count = format!(
        "{} policy {}",
        findings.len(),
        if findings.len() == 1 {
            "violation"
        } else {
            "violations"
        }
    );
    let headline = if block_all && !matches!(call, ToolCall::Shell { .. } | ToolCall::Sql { .. }) {
        format!("plumbline blocked {subject}: the files it touches would hold {count} (the hook blocks on every finding, not only new ones).\n")
    } else {
        format!("plumbline blocked {subject}: it introduces {count}.\n")
    };
    let fix = if subject == "this edit" {
        "Fix the edit and try again."
    } else {
        "Change it and try again."
    };
    reason_with(headline, findings, fix)
}

/// One line per finding after `headline`, then the explain hint.
fn reason_with(mut text: String, findings: &[Finding], fix: &str) -> String {
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
        "{fix} Details: `plumbline explain {}`.",
        rules.join("`, `plumbline explain ")
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_after_the_named_line() {
        assert_eq!(insert_after_line("a\nb\n", 0, "x"), "x\na\nb\n");
        assert_eq!(insert_after_line("a\nb\n", 1, "x"), "a\nx\nb\n");
        assert_eq!(insert_after_line("a\nb\n", 2, "x\n"), "a\nb\nx\n");
        assert_eq!(insert_after_line("a\nb", 9, "x"), "a\nb\nx\n");
        assert_eq!(insert_after_line("", 0, "x"), "x\n");
    }

    #[test]
    fn real_paths_apply_dot_dot_after_the_existing_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("proj")).unwrap();
        let odd = root.join("elsewhere/../proj/new/../x.ts");
        assert_eq!(real_path(&odd), root.join("proj/x.ts"));
    }
}
