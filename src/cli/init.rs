//! `plumbline init --agent AGENT`: registers `plumbline hook AGENT` in the
//! agent's project settings file, in the project root (the folder of the
//! outermost `plumbline.toml`, else the git work tree's root, else the
//! current folder).
//!
//! The file is edited in place, never re-serialized: the hook entry is
//! inserted as text beside the entries already there, so every other byte
//! (number text, key order, duplicate keys, line endings, indentation, a
//! UTF-8 byte order mark) stays as it was. An entry whose command already
//! runs `plumbline hook` counts as installed, so running `init` twice
//! changes nothing. The new text is written through the one safe writing
//! path (`fsutil`). A file that is not valid JSON, or whose `hooks` is not
//! what the agent expects, is left untouched and reported with its line and
//! column.
//!
//! The command is `plumbline hook AGENT` only when the `plumbline` found on
//! `PATH` is this very binary; otherwise it is this binary's absolute path,
//! quoted for the shell, so the hook runs rather than failing with 127.

mod json_edit;
mod starter;

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};
use serde_json::{json, Map, Value};

use crate::hook::Agent;

use super::{print_error, ExitStatus};

/// A UTF-8 byte order mark, kept if a settings file starts with one.
const BOM: &str = "\u{feff}";

/// Hook timeout in seconds (Gemini takes milliseconds).
const TIMEOUT_SECS: u64 = 10;

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The agent whose project settings get the `plumbline hook` entry.
    /// Without it, `init` writes a starter plumbline.toml from what it sees
    /// in the repository.
    #[arg(long, value_enum)]
    pub agent: Option<Agent>,
    /// Claude Code only: register in `.claude/settings.local.json`, the
    /// settings file each developer keeps out of version control, instead
    /// of the shared `.claude/settings.json`.
    #[arg(long, requires = "agent")]
    pub local: bool,
}

/// Where and how one agent registers a pre-tool hook.
struct Registration {
    /// The settings file, relative to the project root.
    file: &'static str,
    /// The key under `hooks` that lists the hook entries.
    event: &'static str,
    /// Tool names the hook is registered for, as the agent's matcher.
    matcher: Option<&'static str>,
    /// Settings files that carry `"version": 1` at the top.
    versioned: bool,
}

/// How each agent registers the hook: `init`'s knowledge, kept beside it.
impl Agent {
    fn registration(self) -> Registration {
        match self {
            Agent::Claude => Registration {
                file: ".claude/settings.json",
                event: "PreToolUse",
                // Claude Code 2.1.332 has no MultiEdit tool; the name stays
                // for older versions. Supabase's MCP server runs SQL.
                matcher: Some(
                    "Write|Edit|MultiEdit|NotebookEdit|Bash|mcp__supabase__execute_sql|mcp__supabase__apply_migration",
                ),
                versioned: false,
            },
            Agent::Gemini => Registration {
                file: ".gemini/settings.json",
                event: "BeforeTool",
                // Gemini's matcher is an unanchored regex: anchored, so an MCP
                // tool whose name merely contains `write_file` is not sent.
                // MCP tools are `mcp__SERVER__TOOL` in recent versions and
                // `SERVER__TOOL` in older ones.
                matcher: Some(
                    "^(write_file|replace|run_shell_command|mcp__supabase__execute_sql|mcp__supabase__apply_migration|supabase__execute_sql|supabase__apply_migration)$",
                ),
                versioned: false,
            },
            Agent::Codex => Registration {
                file: ".codex/hooks.json",
                event: "PreToolUse",
                matcher: Some("apply_patch|Bash"),
                versioned: false,
            },
            Agent::Cursor => Registration {
                file: ".cursor/hooks.json",
                event: "preToolUse",
                matcher: Some("Write|Shell"),
                versioned: true,
            },
            Agent::Copilot => Registration {
                file: ".github/hooks/plumbline.json",
                event: "preToolUse",
                // No matcher: the hook sees every tool and lets read-only ones
                // through, so a tool Copilot adds is never skipped unseen.
                matcher: None,
                versioned: true,
            },
        }
    }

    /// The hook command for this agent, run through `program`.
    fn command(self, program: &str) -> String {
        format!("{program} hook {}", self.name())
    }

    /// The entry appended to `hooks.<event>`, in the agent's own format.
    fn entry(self, program: &str) -> Value {
        let command = self.command(program);
        let matcher = self.registration().matcher.unwrap_or_default();
        match self {
            Agent::Claude => json!({
                "matcher": matcher,
                "hooks": [{ "type": "command", "command": command, "timeout": TIMEOUT_SECS }],
            }),
            Agent::Gemini => json!({
                "matcher": matcher,
                "hooks": [{
                    "name": "plumbline",
                    "type": "command",
                    "command": command,
                    "timeout": TIMEOUT_SECS * 1000,
                    "description": "Blocks edits that break plumbline's architecture rules",
                }],
            }),
            Agent::Codex => json!({
                "matcher": matcher,
                "hooks": [{
                    "type": "command",
                    "command": command,
                    "timeout": TIMEOUT_SECS,
                    "statusMessage": "plumbline: checking the edit",
                }],
            }),
            Agent::Cursor => {
                json!({ "command": command, "matcher": matcher, "timeout": TIMEOUT_SECS })
            }
            Agent::Copilot => {
                // PowerShell runs a quoted path only through `&`.
                let powershell = if program.starts_with('\'') {
                    format!("& {command}")
                } else {
                    command.clone()
                };
                json!({
                    "type": "command",
                    "bash": command,
                    "powershell": powershell,
                    "timeoutSec": TIMEOUT_SECS,
                })
            }
        }
    }

    /// A one-line reminder printed after a change, when the agent needs one.
    fn notes(self) -> &'static [&'static str] {
        match self {
            Agent::Codex => &[
                "Codex skips project hooks until you trust the project and approve them in `/hooks`",
            ],
            Agent::Gemini => &[
                "Gemini CLI skips project hooks until you trust this folder (folder trust)",
            ],
            Agent::Copilot => &[
                "Copilot CLI skips project hooks until you trust this folder (`copilot -p` needs a trusted folder)",
                "the Copilot cloud agent reads .github/hooks/ from the default branch: commit and merge it",
            ],
            _ => &[],
        }
    }
}

/// What `init` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The settings file did not exist and was written.
    Created(PathBuf),
    /// The hook entry was added to an existing file.
    Updated(PathBuf),
    /// This file already runs `plumbline hook`; nothing was written.
    AlreadyPresent(PathBuf),
}

/// A settings file `init` will not touch, pointing at the offending spot.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(plumbline::init))]
pub struct InitError {
    pub message: String,
    #[source_code]
    pub source_code: Option<NamedSource<String>>,
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl InitError {
    fn plain(message: impl Into<String>) -> Self {
        InitError {
            message: message.into(),
            source_code: None,
            span: None,
            label: String::new(),
            help: None,
        }
    }

    fn io(action: &str, path: &Path, e: &io::Error) -> Self {
        InitError::plain(format!("cannot {action} {}: {e}", path.display()))
    }
}

pub fn run(args: InitArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let cwd = super::current_dir()?;
    let root = project_root(&cwd);
    let Some(agent) = args.agent else {
        return write_starter(&root, &cwd, out);
    };
    if args.local && agent != Agent::Claude {
        eprintln!(
            "plumbline: --local is for Claude Code (.claude/settings.local.json); {} has no local settings file",
            agent.name()
        );
        return Ok(ExitStatus::Error);
    }
    let program = hook_program();
    let settings = if args.local {
        Some(LOCAL_CLAUDE_SETTINGS)
    } else {
        None
    };
    match install_into(&root, agent, &program.text, settings) {
        Ok(outcome) => {
            report(out, &cwd, agent, &program, &outcome)?;
            Ok(ExitStatus::Clean)
        }
        Err(e) => {
            print_error(&e);
            Ok(ExitStatus::Error)
        }
    }
}

/// `plumbline init`: a starter plumbline.toml at the project root, never
/// over an existing config.
fn write_starter(root: &Path, cwd: &Path, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let shown = |p: &Path| crate::engine::display_path(cwd, p);
    if let Some(existing) = crate::config::config_in(root) {
        writeln!(
            out,
            "{} already exists; nothing was written. `plumbline config` prints what it sets.",
            shown(&existing)
        )?;
        return Ok(ExitStatus::Clean);
    }
    let survey = starter::survey(root);
    let text = starter::starter_config(&survey);
    let path = root.join("plumbline.toml");
    if let Err(e) = crate::fsutil::write_file(
        &path,
        text.as_bytes(),
        &crate::fsutil::WriteOptions::default(),
    ) {
        eprintln!("plumbline: cannot write {}: {e}", shown(&path));
        return Ok(ExitStatus::Error);
    }
    writeln!(
        out,
        "created {} ({} files surveyed)",
        shown(&path),
        survey.files
    )?;
    writeln!(out, "next:")?;
    writeln!(
        out,
        "  plumbline check                 # lint the repository with it"
    )?;
    writeln!(out, "  plumbline init --agent claude   # block violating edits of a coding agent (also gemini, codex, cursor, copilot)")?;
    writeln!(
        out,
        "  plumbline install               # check staged files before each commit"
    )?;
    Ok(ExitStatus::Clean)
}

/// The project root: the folder of the outermost config above `cwd`, else
/// the git work tree's root, else `cwd`.
fn project_root(cwd: &Path) -> PathBuf {
    crate::config::discover(cwd)
        .and_then(|config| config.parent().map(Path::to_path_buf))
        .or_else(|| crate::hook::git::Git::new(cwd).toplevel().ok())
        .unwrap_or_else(|| cwd.to_path_buf())
}

/// How the hook command names plumbline.
pub(super) struct Program {
    /// `plumbline`, or this binary's absolute path quoted for the shell.
    pub(super) text: String,
    /// Why the absolute path was chosen, when it was.
    pub(super) why: Option<String>,
}

/// `plumbline` when the `plumbline` on `PATH` is this binary; otherwise
/// this binary's absolute path, so the hook runs whatever `PATH` the agent
/// has.
pub(super) fn hook_program() -> Program {
    let name = if cfg!(windows) {
        "plumbline.exe"
    } else {
        "plumbline"
    };
    let exe = std::env::current_exe().and_then(fs::canonicalize).ok();
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(name))
            .find(|candidate| candidate.is_file())
    });
    let bare = |why: Option<String>| Program {
        text: "plumbline".to_string(),
        why,
    };
    let Some(exe) = exe else {
        return bare(None);
    };
    let why = match &on_path {
        Some(found) if fs::canonicalize(found).ok().as_ref() == Some(&exe) => return bare(None),
        Some(found) => format!(
            "the `plumbline` on PATH ({}) is another binary",
            found.display()
        ),
        None => "`plumbline` is not on PATH".to_string(),
    };
    match exe.to_str() {
        Some(path) => Program {
            text: shell_word(path),
            why: Some(why),
        },
        None => bare(Some(format!(
            "{why}, and this binary's path is not UTF-8: put plumbline on PATH"
        ))),
    }
}

/// `text` as one shell word: as it is when it holds only characters no
/// shell treats specially (so the command still reads `…/plumbline hook`),
/// else single-quoted.
pub(super) fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:@%".contains(c));
    if plain {
        text.to_string()
    } else {
        shell_quote(text)
    }
}

/// Single-quotes `text` for a POSIX shell.
pub(super) fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn report(
    out: &mut dyn Write,
    cwd: &Path,
    agent: Agent,
    program: &Program,
    outcome: &Outcome,
) -> io::Result<()> {
    let reg = agent.registration();
    let command = agent.command(&program.text);
    let hook = match reg.matcher {
        Some(m) => format!("{} hook `{command}` for {m}", reg.event),
        None => format!("{} hook `{command}`", reg.event),
    };
    let path = match outcome {
        Outcome::Created(path) => {
            writeln!(out, "created {}: {hook}", shown(cwd, path))?;
            path
        }
        Outcome::Updated(path) => {
            writeln!(out, "updated {}: added {hook}", shown(cwd, path))?;
            path
        }
        Outcome::AlreadyPresent(path) => {
            writeln!(
                out,
                "already present: {} runs `plumbline hook {}`; nothing changed",
                shown(cwd, path),
                agent.name()
            )?;
            path
        }
    };
    if !matches!(outcome, Outcome::AlreadyPresent(_)) {
        if let Some(why) = &program.why {
            writeln!(
                out,
                "note: {why}, so the hook runs this binary by its absolute path; edit the command if you move it"
            )?;
        }
    }
    if fs::read(path).is_ok_and(|b| b.starts_with(BOM.as_bytes())) {
        writeln!(
            out,
            "note: {} starts with a UTF-8 byte order mark; it was kept",
            shown(cwd, path)
        )?;
    }
    for note in agent.notes() {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

/// A path relative to the working folder when it is below it.
fn shown(cwd: &Path, path: &Path) -> String {
    crate::source::slash_path(path.strip_prefix(cwd).unwrap_or(path))
}

/// What the settings need for plumbline's entry.
enum Needed {
    /// An entry already runs `plumbline hook`.
    Nothing,
    /// An entry appended to the existing `hooks.<event>` list.
    Entry,
    /// `<event>` added to the existing `hooks` object.
    Event,
    /// `hooks` added to the top-level object.
    Hooks,
}

/// Registers the hook for `agent` in the project at `root`; the hook runs
/// `program` (`plumbline`, or a quoted absolute path).
/// Claude Code's per-developer settings file, kept out of version control.
const LOCAL_CLAUDE_SETTINGS: &str = ".claude/settings.local.json";

#[cfg(test)]
fn install(root: &Path, agent: Agent, program: &str) -> Result<Outcome, InitError> {
    install_into(root, agent, program, None)
}

/// [`install`] into `settings` (relative to `root`) instead of the agent's
/// shared settings file.
fn install_into(
    root: &Path,
    agent: Agent,
    program: &str,
    settings: Option<&str>,
) -> Result<Outcome, InitError> {
    let reg = agent.registration();
    let path = root.join(settings.unwrap_or(reg.file));
    if agent == Agent::Copilot {
        if let Some(other) = copilot_file_with_hook(&path) {
            return Ok(Outcome::AlreadyPresent(other));
        }
    }
    let original = match fs::read(&path) {
        Ok(bytes) => Some(String::from_utf8(bytes).map_err(|e| {
            InitError::plain(format!(
                "{} is not valid UTF-8 (byte {}); left it unchanged",
                path.display(),
                e.utf8_error().valid_up_to()
            ))
        })?),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(InitError::io("read", &path, &e)),
    };
    let text = match original.as_deref() {
        // An empty file is an empty settings object.
        None => fresh(agent, program),
        Some(text) if text.trim_start_matches(BOM).trim().is_empty() => {
            let bom = if text.starts_with(BOM) { BOM } else { "" };
            format!("{bom}{}", fresh(agent, program))
        }
        Some(text) => {
            let body = text.strip_prefix(BOM).unwrap_or(text);
            let doc: Value = serde_json::from_str(body).map_err(|e| json_error(&path, body, &e))?;
            let needed = needed(&doc, agent).map_err(|m| shape_error(&path, agent, &m))?;
            let needs_version = reg.versioned && doc.get("version").is_none();
            if matches!(needed, Needed::Nothing) {
                return Ok(Outcome::AlreadyPresent(path));
            }
            let edited = edit(body, agent, program, &needed, needs_version);
            format!("{}{edited}", &text[..text.len() - body.len()])
        }
    };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| InitError::io("create", dir, &e))?;
    }
    crate::fsutil::write_atomically(&path, text.as_bytes(), None)
        .map_err(|e| InitError::plain(e.to_string()))?;
    Ok(match original {
        None => Outcome::Created(path),
        Some(_) => Outcome::Updated(path),
    })
}

/// A new settings file holding only plumbline's entry.
fn fresh(agent: Agent, program: &str) -> String {
    let reg = agent.registration();
    let mut root = Map::new();
    if reg.versioned {
        root.insert("version".into(), json!(1));
    }
    root.insert("hooks".into(), json!({ reg.event: [agent.entry(program)] }));
    let style = json_edit::Style {
        newline: "\n",
        indent: "  ".into(),
        pretty: true,
    };
    format!("{}\n", json_edit::render(&Value::Object(root), &style))
}

/// What `doc` needs; `Err` names the key whose type the agent would not
/// accept. A repeated key counts by its last occurrence, as the agents'
/// JSON readers take it.
fn needed(doc: &Value, agent: Agent) -> Result<Needed, String> {
    let reg = agent.registration();
    let Value::Object(root) = doc else {
        return Err("the top level is not a JSON object".into());
    };
    let Some(hooks) = root.get("hooks") else {
        return Ok(Needed::Hooks);
    };
    let Value::Object(hooks) = hooks else {
        return Err("`hooks` is not an object".into());
    };
    let Some(list) = hooks.get(reg.event) else {
        return Ok(Needed::Event);
    };
    let Value::Array(list) = list else {
        return Err(format!("`hooks.{}` is not a list", reg.event));
    };
    Ok(if list.iter().any(runs_plumbline) {
        Needed::Nothing
    } else {
        Needed::Entry
    })
}

/// Inserts what is `needed` into `text` (valid JSON whose shape `needed`
/// checked), touching no other byte.
fn edit(text: &str, agent: Agent, program: &str, needed: &Needed, needs_version: bool) -> String {
    let reg = agent.registration();
    let style = json_edit::Style::of(text);
    let entry = agent.entry(program);
    let root = json_edit::root(text);
    let (root_members, root_close) = json_edit::members(text, root);
    let last = |members: &[json_edit::Member], key: &str| {
        members
            .iter()
            .rev()
            .find(|m| m.key == key)
            .map(|m| m.value.clone())
    };
    let wholes = |members: &[json_edit::Member]| -> Vec<Range<usize>> {
        members.iter().map(|m| m.whole.clone()).collect()
    };
    let mut insertions = Vec::new();
    let mut root_items = Vec::new();
    if needs_version {
        root_items.push(json_edit::Item {
            key: Some("version"),
            value: json!(1),
        });
    }
    match needed {
        Needed::Nothing => {}
        Needed::Hooks => root_items.push(json_edit::Item {
            key: Some("hooks"),
            value: json!({ reg.event: [entry] }),
        }),
        Needed::Event | Needed::Entry => {
            let hooks = last(&root_members, "hooks").expect("`hooks` was found");
            let (hook_members, hooks_close) = json_edit::members(text, hooks.start);
            insertions.push(match (needed, last(&hook_members, reg.event)) {
                (Needed::Entry, Some(list)) => {
                    let (elements, list_close) = json_edit::elements(text, list.start);
                    let item = json_edit::Item {
                        key: None,
                        value: entry,
                    };
                    json_edit::append(text, list.start, list_close, &elements, &[item], &style)
                }
                _ => {
                    let member = json_edit::Item {
                        key: Some(reg.event),
                        value: json!([entry]),
                    };
                    json_edit::append(
                        text,
                        hooks.start,
                        hooks_close,
                        &wholes(&hook_members),
                        &[member],
                        &style,
                    )
                }
            });
        }
    }
    if !root_items.is_empty() {
        insertions.push(json_edit::append(
            text,
            root,
            root_close,
            &wholes(&root_members),
            &root_items,
            &style,
        ));
    }
    insertions.sort_by_key(|i| std::cmp::Reverse(i.at));
    insertions
        .iter()
        .fold(text.to_string(), |text, insertion| insertion.apply(&text))
}

/// Whether a hook entry (or one of its nested `hooks`) runs `plumbline hook`.
fn runs_plumbline(entry: &Value) -> bool {
    let Value::Object(map) = entry else {
        return false;
    };
    // `plumbline hook`, `/path/plumbline hook` or `'/path/plumbline' hook`.
    let command = ["command", "bash", "powershell"]
        .iter()
        .filter_map(|k| map.get(*k).and_then(Value::as_str))
        .any(|c| {
            ["plumbline hook", "plumbline' hook", "plumbline\" hook"]
                .iter()
                .any(|m| c.contains(m))
        });
    command
        || map
            .get("hooks")
            .and_then(Value::as_array)
            .is_some_and(|hooks| hooks.iter().any(runs_plumbline))
}

/// Copilot loads every `.github/hooks/*.json`: a plumbline entry in any of
/// them (other than `ours`) means the hook is installed.
fn copilot_file_with_hook(ours: &Path) -> Option<PathBuf> {
    let dir = ours.parent()?;
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p != ours)
        .collect();
    files.sort();
    files.into_iter().find(|p| {
        fs::read_to_string(p)
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v.get("hooks")?.get("preToolUse")?.as_array().cloned())
            .is_some_and(|list| list.iter().any(runs_plumbline))
    })
}

fn json_error(path: &Path, text: &str, e: &serde_json::Error) -> InitError {
    let display = path.display().to_string();
    let (line, column) = (e.line(), e.column());
    let full = e.to_string();
    let reason = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(reason, _)| reason)
        .to_string();
    let offset = offset_of(text, line, column);
    let len = text[offset..].chars().next().map_or(0, char::len_utf8);
    InitError {
        message: format!("{display}:{line}:{column}: not valid JSON ({reason}); left it unchanged"),
        source_code: Some(NamedSource::new(display, text.to_string())),
        span: Some((offset, len).into()),
        label: reason,
        help: Some("fix the JSON and run `plumbline init` again".into()),
    }
}

fn shape_error(path: &Path, agent: Agent, message: &str) -> InitError {
    let mut err = InitError::plain(format!("{}: {message}; left it unchanged", path.display()));
    let reg = agent.registration();
    err.help = Some(format!(
        "{} expects `hooks.{}` to be a list of hook entries",
        reg.file, reg.event
    ));
    err
}

/// Byte offset of a 1-based line and column, clamped to the text.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut offset = (line_start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl fmt::Display for Agent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> Value {
        serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
    }

    const CLAUDE_SETTINGS: &str = r#"{
    "permissions": {
        "allow": ["Bash(npm run test:*)"]
    },
    "hooks": {
        "PreToolUse": [
            {
                "matcher": "Bash",
                "hooks": [{ "type": "command", "command": "./scripts/no-rm-rf.sh" }]
            }
        ],
        "PostToolUse": [
            {
                "matcher": "Write|Edit",
                "hooks": [{ "type": "command", "command": "npx prettier --write ." }]
            }
        ]
    },
    "model": "sonnet"
}
"#;

    #[test]
    fn merges_into_existing_settings_with_other_hooks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".claude/settings.json");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, CLAUDE_SETTINGS).unwrap();

        let outcome = install(dir.path(), Agent::Claude, "plumbline").unwrap();
        assert_eq!(outcome, Outcome::Updated(path.clone()));

        let doc = read(&path);
        // Unrelated keys stay, in their order.
        let keys: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["permissions", "hooks", "model"]);
        assert_eq!(doc["permissions"]["allow"][0], "Bash(npm run test:*)");
        let hook_keys: Vec<&str> = doc["hooks"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(hook_keys, ["PreToolUse", "PostToolUse"]);
        // The existing PreToolUse group is first and unchanged; ours follows.
        let pre = doc["hooks"]["PreToolUse"].as_array().unwrap();
        assert_eq!(pre.len(), 2);
        assert_eq!(pre[0]["matcher"], "Bash");
        assert_eq!(pre[0]["hooks"][0]["command"], "./scripts/no-rm-rf.sh");
        assert_eq!(
            pre[1]["matcher"],
            Agent::Claude.registration().matcher.unwrap()
        );
        assert_eq!(pre[1]["hooks"][0]["type"], "command");
        assert_eq!(pre[1]["hooks"][0]["command"], "plumbline hook claude");
        assert_eq!(pre[1]["hooks"][0]["timeout"], 10);
        assert_eq!(
            doc["hooks"]["PostToolUse"][0]["hooks"][0]["command"],
            "npx prettier --write ."
        );
        // The file's four-space indentation is kept.
        assert!(fs::read_to_string(&path)
            .unwrap()
            .contains("\n    \"permissions\": {\n        \"allow\""));
    }

    #[test]
    fn running_twice_changes_nothing() {
        for agent in [
            Agent::Claude,
            Agent::Gemini,
            Agent::Codex,
            Agent::Cursor,
            Agent::Copilot,
        ] {
            let dir = tempfile::tempdir().unwrap();
            let first = install(dir.path(), agent, "plumbline").unwrap();
            let Outcome::Created(path) = first else {
                panic!("{agent}: expected a new file, got {first:?}");
            };
            let before = fs::read(&path).unwrap();
            assert_eq!(
                install(dir.path(), agent, "plumbline").unwrap(),
                Outcome::AlreadyPresent(path.clone())
            );
            assert_eq!(fs::read(&path).unwrap(), before, "{agent}");
        }
    }

    #[test]
    fn a_hand_written_plumbline_entry_counts_as_installed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".claude/settings.json");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = r#"{"hooks":{"PreToolUse":[{"matcher":"Edit","hooks":[{"type":"command","command":"/opt/bin/plumbline hook claude --fail-closed"}]}]}}"#;
        fs::write(&path, text).unwrap();
        assert_eq!(
            install(dir.path(), Agent::Claude, "plumbline").unwrap(),
            Outcome::AlreadyPresent(path.clone())
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn invalid_json_is_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".claude/settings.json");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = "{\n  \"hooks\": {\n    \"PreToolUse\": [,]\n  }\n}\n";
        fs::write(&path, text).unwrap();

        let err = install(dir.path(), Agent::Claude, "plumbline").unwrap_err();
        assert!(
            err.message.contains("settings.json:3:20:"),
            "{}",
            err.message
        );
        assert!(err.message.contains("not valid JSON"), "{}", err.message);
        assert_eq!(err.span.map(|s| s.offset()), Some(text.find(",]").unwrap()));
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
        // No temporary file is left behind.
        assert_eq!(fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn a_hooks_value_of_the_wrong_type_is_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".gemini/settings.json");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = "{ \"hooks\": { \"BeforeTool\": {} } }\n";
        fs::write(&path, text).unwrap();
        let err = install(dir.path(), Agent::Gemini, "plumbline").unwrap_err();
        assert!(
            err.message.contains("`hooks.BeforeTool` is not a list"),
            "{}",
            err.message
        );
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn each_agent_gets_its_own_format() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for agent in [Agent::Gemini, Agent::Codex, Agent::Cursor, Agent::Copilot] {
            install(root, agent, "plumbline").unwrap();
        }
        let gemini = read(&root.join(".gemini/settings.json"));
        let entry = &gemini["hooks"]["BeforeTool"][0];
        assert_eq!(
            entry["matcher"],
            Agent::Gemini.registration().matcher.unwrap()
        );
        assert_eq!(entry["hooks"][0]["command"], "plumbline hook gemini");
        assert_eq!(entry["hooks"][0]["timeout"], 10_000);

        let codex = read(&root.join(".codex/hooks.json"));
        assert_eq!(
            codex["hooks"]["PreToolUse"][0]["matcher"],
            "apply_patch|Bash"
        );
        assert_eq!(
            codex["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
            "plumbline hook codex"
        );

        let cursor = read(&root.join(".cursor/hooks.json"));
        assert_eq!(cursor["version"], 1);
        assert_eq!(
            cursor["hooks"]["preToolUse"][0]["command"],
            "plumbline hook cursor"
        );

        let copilot = read(&root.join(".github/hooks/plumbline.json"));
        assert_eq!(copilot["version"], 1);
        let entry = &copilot["hooks"]["preToolUse"][0];
        assert_eq!(entry["type"], "command");
        assert_eq!(entry["bash"], "plumbline hook copilot");
        assert_eq!(entry["powershell"], "plumbline hook copilot");
        assert_eq!(entry["timeoutSec"], 10);
    }

    #[test]
    fn cursor_keeps_an_existing_version_and_hooks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".cursor/hooks.json");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(
            &path,
            r#"{"version": 1, "hooks": {"afterFileEdit": [{"command": "./format.sh"}]}}"#,
        )
        .unwrap();
        assert_eq!(
            install(dir.path(), Agent::Cursor, "plumbline").unwrap(),
            Outcome::Updated(path.clone())
        );
        let doc = read(&path);
        assert_eq!(doc["hooks"]["afterFileEdit"][0]["command"], "./format.sh");
        assert_eq!(
            doc["hooks"]["preToolUse"][0]["command"],
            "plumbline hook cursor"
        );
        let keys: Vec<&str> = doc["hooks"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["afterFileEdit", "preToolUse"]);
    }

    #[test]
    fn copilot_finds_the_hook_in_another_hooks_file() {
        let dir = tempfile::tempdir().unwrap();
        let hooks = dir.path().join(".github/hooks");
        fs::create_dir_all(&hooks).unwrap();
        let other = hooks.join("policy.json");
        fs::write(
            &other,
            r#"{"version":1,"hooks":{"preToolUse":[{"type":"command","bash":"plumbline hook copilot"}]}}"#,
        )
        .unwrap();
        assert_eq!(
            install(dir.path(), Agent::Copilot, "plumbline").unwrap(),
            Outcome::AlreadyPresent(other)
        );
        assert!(!hooks.join("plumbline.json").exists());
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_file_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".codex/hooks.json");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "{}\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        install(dir.path(), Agent::Codex, "plumbline").unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[cfg(unix)]
    #[test]
    fn follows_a_symlinked_settings_file() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("shared-settings.json");
        fs::write(&real, "{\"model\": \"opus\"}\n").unwrap();
        let link = dir.path().join(".claude/settings.json");
        fs::create_dir_all(link.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        install(dir.path(), Agent::Claude, "plumbline").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            read(&real)["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
            "plumbline hook claude"
        );
    }

    #[test]
    fn the_project_root_is_the_outermost_config_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let sub = root.join("apps/web");
        fs::create_dir_all(&sub).unwrap();
        fs::write(root.join("plumbline.toml"), "").unwrap();
        fs::write(sub.join("plumbline.toml"), "").unwrap();
        assert_eq!(project_root(&sub), root);
        let bare = tempfile::tempdir().unwrap();
        assert_eq!(project_root(bare.path()), bare.path());
    }

    #[test]
    fn the_hooks_snippets_are_what_init_writes() {
        let snippets = Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks");
        for (agent, file) in [
            (Agent::Claude, "claude-settings.json"),
            (Agent::Gemini, "gemini-settings.json"),
            (Agent::Codex, "codex-hooks.json"),
            (Agent::Cursor, "cursor-hooks.json"),
            (Agent::Copilot, "copilot-hooks.json"),
        ] {
            let snippet = read(&snippets.join(file));
            let written: Value = serde_json::from_str(&fresh(agent, "plumbline")).unwrap();
            assert_eq!(snippet, written, "hooks/{file}");
        }
    }
}
