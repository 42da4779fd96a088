//! `plumbline init --agent AGENT`: registers `plumbline hook AGENT` in the
//! agent's project settings file.
//!
//! The file is merged into, never replaced: other hooks, matchers and
//! unrelated keys stay where they are, in their order. An entry whose command
//! already runs `plumbline hook` counts as installed, so running `init` twice
//! changes nothing. The new text goes to a temporary file in the same folder,
//! is synced and renamed over the original (whose permissions it keeps). A
//! file that is not valid JSON, or whose `hooks` is not what the agent
//! expects, is left untouched and reported with its line and column.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use miette::{NamedSource, SourceSpan};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::hook::Agent;

use super::{print_error, ExitStatus};

/// What identifies plumbline's own hook entry in any agent's settings.
const HOOK_MARKER: &str = "plumbline hook";

/// Hook timeout in seconds (Gemini takes milliseconds).
const TIMEOUT_SECS: u64 = 10;

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// The agent whose project settings get the `plumbline hook` entry.
    #[arg(long, value_enum)]
    pub agent: Agent,
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
                matcher: Some("Write|Edit|MultiEdit|NotebookEdit|Bash"),
                versioned: false,
            },
            Agent::Gemini => Registration {
                file: ".gemini/settings.json",
                event: "BeforeTool",
                matcher: Some("write_file|replace|run_shell_command"),
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
                // Copilot's preToolUse has no matcher: the hook sees every tool.
                matcher: None,
                versioned: true,
            },
        }
    }

    fn command(self) -> String {
        format!("{HOOK_MARKER} {}", self.name())
    }

    /// The entry appended to `hooks.<event>`, in the agent's own format.
    fn entry(self) -> Value {
        let command = self.command();
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
            Agent::Copilot => json!({
                "type": "command",
                "bash": command,
                "powershell": command,
                "timeoutSec": TIMEOUT_SECS,
            }),
        }
    }

    /// A one-line reminder printed after a change, when the agent needs one.
    fn note(self) -> Option<&'static str> {
        match self {
            Agent::Codex => Some(
                "Codex runs project hooks only in a trusted project, after you approve them in `/hooks`",
            ),
            Agent::Copilot => Some(
                "the Copilot cloud agent reads .github/hooks/ from the default branch: commit and merge it",
            ),
            _ => None,
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
    match install(&root, args.agent) {
        Ok(outcome) => {
            report(out, &cwd, args.agent, &outcome)?;
            Ok(ExitStatus::Clean)
        }
        Err(e) => {
            print_error(&e);
            Ok(ExitStatus::Error)
        }
    }
}

/// The project root: the folder of the root config above `cwd`, else `cwd`.
fn project_root(cwd: &Path) -> PathBuf {
    crate::config::discover(cwd)
        .and_then(|config| config.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| cwd.to_path_buf())
}

fn report(out: &mut dyn Write, cwd: &Path, agent: Agent, outcome: &Outcome) -> io::Result<()> {
    let reg = agent.registration();
    let hook = match reg.matcher {
        Some(m) => format!("{} hook `{}` for {m}", reg.event, agent.command()),
        None => format!("{} hook `{}`", reg.event, agent.command()),
    };
    match outcome {
        Outcome::Created(path) => writeln!(out, "created {}: {hook}", shown(cwd, path))?,
        Outcome::Updated(path) => writeln!(out, "updated {}: added {hook}", shown(cwd, path))?,
        Outcome::AlreadyPresent(path) => {
            writeln!(
                out,
                "already present: {} runs `{}`; nothing changed",
                shown(cwd, path),
                agent.command()
            )?;
            return Ok(());
        }
    }
    if let Some(note) = agent.note() {
        writeln!(out, "note: {note}")?;
    }
    Ok(())
}

/// A path relative to the working folder when it is below it.
fn shown(cwd: &Path, path: &Path) -> String {
    crate::source::slash_path(path.strip_prefix(cwd).unwrap_or(path))
}

/// Registers the hook for `agent` in the project at `root`.
pub fn install(root: &Path, agent: Agent) -> Result<Outcome, InitError> {
    let reg = agent.registration();
    let path = root.join(reg.file);
    if agent == Agent::Copilot {
        if let Some(other) = copilot_file_with_hook(&path) {
            return Ok(Outcome::AlreadyPresent(other));
        }
    }
    let original = match fs::read(&path) {
        Ok(bytes) => Some(String::from_utf8(bytes).map_err(|_| {
            InitError::plain(format!(
                "{} is not valid UTF-8; left it unchanged",
                path.display()
            ))
        })?),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(InitError::io("read", &path, &e)),
    };
    let mut doc = match original.as_deref() {
        // An empty file is an empty settings object.
        None => Value::Object(Map::new()),
        Some(text) if text.trim().is_empty() => Value::Object(Map::new()),
        Some(text) => serde_json::from_str(text).map_err(|e| json_error(&path, text, &e))?,
    };
    let added = merge(&mut doc, agent).map_err(|message| shape_error(&path, agent, &message))?;
    if !added {
        return Ok(Outcome::AlreadyPresent(path));
    }
    let indent = original
        .as_deref()
        .map_or_else(|| "  ".to_string(), detect_indent);
    let text = to_json(&doc, &indent)
        .map_err(|e| InitError::plain(format!("cannot serialize settings: {e}")))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| InitError::io("create", dir, &e))?;
    }
    crate::fsutil::write_atomically(&path, text.as_bytes(), None)
        .map_err(|e| InitError::io("write", &path, &e))?;
    Ok(match original {
        None => Outcome::Created(path),
        Some(_) => Outcome::Updated(path),
    })
}

/// Adds plumbline's entry to `doc`. `Ok(false)` when one is there already;
/// `Err` names the key whose type the agent would not accept.
fn merge(doc: &mut Value, agent: Agent) -> Result<bool, String> {
    let reg = agent.registration();
    let Value::Object(root) = doc else {
        return Err("the top level is not a JSON object".into());
    };
    if reg.versioned && !root.contains_key("version") {
        root.insert("version".into(), json!(1));
    }
    let hooks = root
        .entry("hooks")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(hooks) = hooks else {
        return Err("`hooks` is not an object".into());
    };
    let list = hooks
        .entry(reg.event)
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(list) = list else {
        return Err(format!("`hooks.{}` is not a list", reg.event));
    };
    if list.iter().any(runs_plumbline) {
        return Ok(false);
    }
    list.push(agent.entry());
    Ok(true)
}

/// Whether a hook entry (or one of its nested `hooks`) runs `plumbline hook`.
fn runs_plumbline(entry: &Value) -> bool {
    let Value::Object(map) = entry else {
        return false;
    };
    let command = ["command", "bash", "powershell"]
        .iter()
        .filter_map(|k| map.get(*k).and_then(Value::as_str))
        .any(|c| c.contains(HOOK_MARKER));
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

/// The indentation of the first indented line, so a rewrite keeps the
/// file's style (two spaces when there is none).
fn detect_indent(text: &str) -> String {
    text.lines()
        .skip(1)
        .map(|l| &l[..l.len() - l.trim_start_matches([' ', '\t']).len()])
        .find(|ws| !ws.is_empty())
        .unwrap_or("  ")
        .to_string()
}

fn to_json(doc: &Value, indent: &str) -> serde_json::Result<String> {
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    doc.serialize(&mut ser)?;
    buf.push(b'\n');
    Ok(String::from_utf8(buf).expect("serde_json writes UTF-8"))
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

        let outcome = install(dir.path(), Agent::Claude).unwrap();
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
        assert_eq!(pre[1]["matcher"], "Write|Edit|MultiEdit|NotebookEdit|Bash");
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
            let first = install(dir.path(), agent).unwrap();
            let Outcome::Created(path) = first else {
                panic!("{agent}: expected a new file, got {first:?}");
            };
            let before = fs::read(&path).unwrap();
            assert_eq!(
                install(dir.path(), agent).unwrap(),
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
            install(dir.path(), Agent::Claude).unwrap(),
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

        let err = install(dir.path(), Agent::Claude).unwrap_err();
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
        let err = install(dir.path(), Agent::Gemini).unwrap_err();
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
            install(root, agent).unwrap();
        }
        let gemini = read(&root.join(".gemini/settings.json"));
        let entry = &gemini["hooks"]["BeforeTool"][0];
        assert_eq!(entry["matcher"], "write_file|replace|run_shell_command");
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
            install(dir.path(), Agent::Cursor).unwrap(),
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
            install(dir.path(), Agent::Copilot).unwrap(),
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
        install(dir.path(), Agent::Codex).unwrap();
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
        install(dir.path(), Agent::Claude).unwrap();
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
}
