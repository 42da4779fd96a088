//! The agents' hook protocols: what their PreToolUse payloads look like and
//! how each one is told to deny, ask or allow.

use serde_json::{json, Value};

pub use super::apply::{Cascade, TextEdit};

/// The coding agents plumbline answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Agent {
    /// Claude Code: `.claude/settings.json`, `PreToolUse`.
    Claude,
    /// Gemini CLI: `.gemini/settings.json`, `BeforeTool`.
    Gemini,
    /// OpenAI Codex CLI: `.codex/hooks.json`, `PreToolUse`.
    Codex,
    /// Cursor: `.cursor/hooks.json`, `preToolUse`.
    Cursor,
    /// GitHub Copilot CLI and cloud agent: `.github/hooks/plumbline.json`, `preToolUse`.
    Copilot,
}

impl Agent {
    pub fn name(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Gemini => "gemini",
            Agent::Codex => "codex",
            Agent::Cursor => "cursor",
            Agent::Copilot => "copilot",
        }
    }

    /// Claude Code, Gemini CLI 0.61.0 (forces a confirmation and shows
    /// `systemMessage`) and Copilot CLI 1.0.102 (Autopilot turns it into a
    /// deny) can ask the human instead of denying outright. Codex rejects
    /// `ask` (and would then let the call through) and Cursor has none:
    /// they get a deny.
    pub fn can_ask(self) -> bool {
        matches!(self, Agent::Claude | Agent::Gemini | Agent::Copilot)
    }

    /// Copilot may run its hooks for every tool, and Gemini's matcher is an
    /// unanchored regex, so MCP and extension tools whose names merely
    /// contain `write_file` or `replace` reach the hook: a tool plumbline
    /// does not know is simply not an edit there, and gets a quiet allow.
    fn sees_unrelated_tools(self) -> bool {
        matches!(self, Agent::Copilot | Agent::Gemini)
    }

    /// The matching cascade of this client's string-replace edit tool.
    fn edit_cascade(self, tool: &str) -> Cascade {
        match (self, tool) {
            (Agent::Claude, "Edit" | "MultiEdit") => Cascade::ClaudeEdit,
            (Agent::Gemini, "replace") => Cascade::GeminiReplace,
            (Agent::Copilot, _) => Cascade::CopilotEdit,
            _ => Cascade::Exact,
        }
    }

    /// Tells the protocol apart by the payload's shape.
    pub fn detect(payload: &Value) -> Option<Agent> {
        let event = payload.get("hook_event_name").and_then(Value::as_str);
        if payload.get("toolName").is_some() || payload.get("toolArgs").is_some() {
            return Some(Agent::Copilot);
        }
        if event == Some("preToolUse")
            || payload.get("conversation_id").is_some()
            || payload.get("workspace_roots").is_some()
        {
            return Some(Agent::Cursor);
        }
        if event == Some("BeforeTool") {
            return Some(Agent::Gemini);
        }
        let tool = payload.get("tool_name").and_then(Value::as_str);
        if matches!(
            tool,
            Some("apply_patch" | "shell" | "local_shell" | "exec_command")
        ) {
            return Some(Agent::Codex);
        }
        if event == Some("PreToolUse") || tool.is_some() {
            return Some(Agent::Claude);
        }
        None
    }
}

/// What the tool call would do, in plumbline's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolCall {
    Write {
        path: String,
        content: String,
    },
    Edit {
        path: String,
        edits: Vec<TextEdit>,
        cascade: Cascade,
    },
    /// `str_replace_editor`'s `insert`: `text` goes after line
    /// `after_line` (0: at the top).
    Insert {
        path: String,
        after_line: usize,
        text: String,
    },
    Notebook {
        path: String,
        cell_id: Option<String>,
        new_source: String,
        mode: String,
    },
    Patch {
        text: String,
    },
    Shell {
        command: String,
        /// Where the command runs, when the call says (Gemini's `dir_path`).
        dir: Option<String>,
    },
    /// SQL an MCP tool runs against the database (Supabase's
    /// `execute_sql`, `apply_migration`).
    Sql {
        query: String,
    },
    /// A tool that writes nothing (Read, Grep, …).
    Harmless,
}

/// A payload plumbline cannot act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

const HARMLESS_TOOLS: &[&str] = &[
    "Read",
    "Glob",
    "Grep",
    "LS",
    "WebFetch",
    "WebSearch",
    "TodoWrite",
    "Task",
    "ExitPlanMode",
    "BashOutput",
    "KillShell",
    "read_file",
    "read_many_files",
    "list_directory",
    "glob",
    "search_file_content",
    "google_web_search",
    "web_fetch",
    "save_memory",
    "view",
    "read",
    "grep",
    "search",
    "ls",
    "fetch",
    "web_search",
    "update_plan",
];

fn string<'a>(input: &'a Value, keys: &[&str]) -> Result<&'a str, InputError> {
    for key in keys {
        match input.get(*key) {
            Some(Value::String(s)) => return Ok(s),
            Some(Value::Null) | None => {}
            Some(other) => {
                return Err(InputError(format!(
                    "`{key}` in the tool input must be a string, got {}",
                    json_type(other)
                )))
            }
        }
    }
    Err(InputError(format!(
        "missing field `{}` in tool input",
        keys[0]
    )))
}

/// A JSON value's type, as a message names it.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// MCP tools that run SQL, by their name on the server; each agent adds its
/// own prefix (`mcp__supabase__` in Claude Code and Codex, `supabase-` in
/// Copilot, none or `supabase__` in Gemini).
const SQL_TOOLS: &[&str] = &["execute_sql", "apply_migration"];

fn is_sql_tool(tool: &str) -> bool {
    SQL_TOOLS.iter().any(|name| {
        tool == *name
            || tool.strip_suffix(name).is_some_and(|prefix| {
                prefix.ends_with("__")
                    || prefix.ends_with('-')
                    || prefix.ends_with('.')
                    || prefix.ends_with('/')
            })
    })
}

/// The tool name and its arguments, wherever the agent puts them.
pub fn tool_and_input(agent: Agent, payload: &Value) -> Result<(String, Value), InputError> {
    // Copilot also speaks a VS Code-compatible shape with snake_case keys.
    let (name_key, input_key) = match agent {
        Agent::Copilot if payload.get("toolName").is_some() => ("toolName", "toolArgs"),
        _ => ("tool_name", "tool_input"),
    };
    let name = payload
        .get(name_key)
        .and_then(Value::as_str)
        .ok_or_else(|| InputError(format!("missing field `{name_key}`")))?
        .to_string();
    let input = match payload.get(input_key) {
        // Copilot sends its arguments as a JSON-encoded string, except for
        // `apply_patch`, whose argument is the raw patch text.
        Some(Value::String(text)) => match serde_json::from_str(text) {
            Ok(v) => v,
            Err(_) if name == "apply_patch" || text.trim_start().starts_with("*** Begin Patch") => {
                json!({ "patch": text })
            }
            Err(e) => return Err(InputError(format!("`{input_key}` is not valid JSON: {e}"))),
        },
        Some(v) => v.clone(),
        None => Value::Object(Default::default()),
    };
    Ok((name, input))
}

/// Maps an agent's tool call to what it would write.
pub fn tool_call(agent: Agent, tool: &str, input: &Value) -> Result<ToolCall, InputError> {
    if HARMLESS_TOOLS.contains(&tool) {
        return Ok(ToolCall::Harmless);
    }
    let edit = |old: &[&str], new: &[&str], all: &[&str]| -> Result<TextEdit, InputError> {
        Ok(TextEdit {
            old: string(input, old)?.to_string(),
            new: string(input, new)?.to_string(),
            replace_all: all
                .iter()
                .any(|k| input.get(*k).and_then(Value::as_bool) == Some(true)),
        })
    };
    match (agent, tool) {
        (_, "Write" | "write_file" | "create") => Ok(ToolCall::Write {
            path: string(input, &["file_path", "path"])?.to_string(),
            content: string(input, &["content", "file_text", "contents"])?.to_string(),
        }),
        (_, "Edit" | "replace" | "edit" | "str_replace" | "str_replace_editor") => {
            if tool == "str_replace_editor" {
                match input.get("command").and_then(Value::as_str) {
                    Some("create") => {
                        return Ok(ToolCall::Write {
                            path: string(input, &["path", "file_path"])?.to_string(),
                            content: string(input, &["file_text", "content"])?.to_string(),
                        })
                    }
                    Some("view") => return Ok(ToolCall::Harmless),
                    Some("insert") => {
                        let line = input
                            .get("insert_line")
                            .and_then(Value::as_u64)
                            .ok_or_else(|| {
                                InputError(
                                    "`insert_line` in the tool input must be a line number".into(),
                                )
                            })?;
                        return Ok(ToolCall::Insert {
                            path: string(input, &["path", "file_path"])?.to_string(),
                            after_line: usize::try_from(line).unwrap_or(usize::MAX),
                            text: string(input, &["new_str", "new_string"])?.to_string(),
                        });
                    }
                    _ => {}
                }
            }
            let mut e = edit(
                &["old_string", "old_str"],
                &["new_string", "new_str"],
                &["replace_all", "allow_multiple"],
            )?;
            if tool == "replace" {
                // Gemini 0.61.0 replaces every occurrence with
                // `allow_multiple: true`; older versions when told to
                // expect more than one.
                e.replace_all |= input
                    .get("expected_replacements")
                    .and_then(Value::as_u64)
                    .is_some_and(|n| n > 1);
            }
            Ok(ToolCall::Edit {
                path: string(input, &["file_path", "path"])?.to_string(),
                edits: vec![e],
                cascade: agent.edit_cascade(tool),
            })
        }
        (_, "MultiEdit") => {
            let edits = input
                .get("edits")
                .and_then(Value::as_array)
                .ok_or_else(|| InputError("missing field `edits` in tool input".into()))?
                .iter()
                .map(|e| {
                    Ok(TextEdit {
                        old: string(e, &["old_string"])?.to_string(),
                        new: string(e, &["new_string"])?.to_string(),
                        replace_all: e.get("replace_all").and_then(Value::as_bool) == Some(true),
                    })
                })
                .collect::<Result<Vec<_>, InputError>>()?;
            Ok(ToolCall::Edit {
                path: string(input, &["file_path"])?.to_string(),
                edits,
                cascade: agent.edit_cascade(tool),
            })
        }
        (_, "NotebookEdit") => Ok(ToolCall::Notebook {
            path: string(input, &["notebook_path"])?.to_string(),
            cell_id: input
                .get("cell_id")
                .and_then(Value::as_str)
                .map(str::to_string),
            new_source: input
                .get("new_source")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            mode: input
                .get("edit_mode")
                .and_then(Value::as_str)
                .unwrap_or("replace")
                .to_string(),
        }),
        (_, "apply_patch") => {
            let text = match input
                .get("command")
                .or_else(|| input.get("patch"))
                .or_else(|| input.get("input"))
            {
                Some(Value::String(s)) => s.clone(),
                Some(other @ (Value::Number(_) | Value::Bool(_) | Value::Object(_))) => {
                    return Err(InputError(format!(
                        "`command` in the tool input must be a string, got {}",
                        json_type(other)
                    )))
                }
                // `["apply_patch", "*** Begin Patch…"]`
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .find(|s| s.contains("*** "))
                    .unwrap_or_default()
                    .to_string(),
                _ => return Err(InputError("missing field `command` in tool input".into())),
            };
            Ok(ToolCall::Patch { text })
        }
        (
            _,
            "Bash" | "run_shell_command" | "shell" | "local_shell" | "exec_command" | "bash"
            | "Shell",
        ) => {
            let command = match input.get("command").or_else(|| input.get("cmd")) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => return Err(InputError("missing field `command` in tool input".into())),
            };
            if command.contains("*** Begin Patch") {
                return Ok(ToolCall::Patch { text: command });
            }
            let dir = string(input, &["dir_path", "working_directory", "workdir", "cwd"])
                .ok()
                .map(str::to_string);
            Ok(ToolCall::Shell { command, dir })
        }
        (_, tool) if is_sql_tool(tool) => Ok(ToolCall::Sql {
            query: string(input, &["query", "sql"])?.to_string(),
        }),
        (agent, _) if agent.sees_unrelated_tools() => Ok(ToolCall::Harmless),
        _ => Err(InputError(format!("unknown tool `{tool}`"))),
    }
}

/// The hook's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// plumbline could not check the call and fails open: let it through,
    /// with a warning, in a form the client honours as "allow".
    FailOpen(String),
    /// Let a human decide (falls back to deny where the agent cannot ask).
    Ask(String),
    Deny(String),
}

/// What the process prints and exits with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Response {
    pub exit_code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Renders a decision in the agent's own protocol.
pub fn respond(agent: Agent, decision: &Decision) -> Response {
    let (verdict, reason) = match decision {
        Decision::Allow => {
            return Response {
                exit_code: 0,
                stdout: match agent {
                    Agent::Cursor => json!({ "permission": "allow" }).to_string() + "\n",
                    _ => String::new(),
                },
                stderr: String::new(),
            }
        }
        Decision::FailOpen(message) => return fail_open(agent, message),
        Decision::Ask(reason) if agent.can_ask() => ("ask", reason),
        Decision::Ask(reason) | Decision::Deny(reason) => ("deny", reason),
    };
    let body = match agent {
        Agent::Claude | Agent::Codex => json!({
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": verdict,
                "permissionDecisionReason": reason,
            }
        }),
        Agent::Gemini if verdict == "ask" => json!({
            "decision": verdict,
            "reason": reason,
            "systemMessage": reason,
        }),
        Agent::Gemini => json!({ "decision": verdict, "reason": reason }),
        Agent::Cursor => json!({
            "permission": verdict,
            "agent_message": reason,
            "user_message": first_line(reason),
        }),
        Agent::Copilot => {
            json!({ "permissionDecision": verdict, "permissionDecisionReason": reason })
        }
    };
    Response {
        exit_code: 0,
        stdout: body.to_string() + "\n",
        stderr: String::new(),
    }
}

/// Lets the call through with a warning. Most clients take exit 1 as a
/// non-blocking error that shows the message; Copilot CLI (since 1.0.57)
/// takes any hook error as a deny, so it gets an explicit allow.
fn fail_open(agent: Agent, message: &str) -> Response {
    let warning = format!("plumbline hook: {message}\n");
    match agent {
        Agent::Copilot => Response {
            exit_code: 0,
            stdout: json!({
                "permissionDecision": "allow",
                "permissionDecisionReason": format!("plumbline could not check this call: {message}"),
            })
            .to_string()
                + "\n",
            stderr: warning,
        },
        _ => Response {
            exit_code: 1,
            stdout: String::new(),
            stderr: warning,
        },
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_protocols_by_shape() {
        let claude =
            json!({"hook_event_name": "PreToolUse", "tool_name": "Edit", "tool_input": {}});
        assert_eq!(Agent::detect(&claude), Some(Agent::Claude));
        let gemini = json!({"hook_event_name": "BeforeTool", "tool_name": "write_file"});
        assert_eq!(Agent::detect(&gemini), Some(Agent::Gemini));
        let copilot = json!({"toolName": "edit", "toolArgs": "{}"});
        assert_eq!(Agent::detect(&copilot), Some(Agent::Copilot));
        let codex = json!({"hook_event_name": "PreToolUse", "tool_name": "apply_patch"});
        assert_eq!(Agent::detect(&codex), Some(Agent::Codex));
        assert_eq!(Agent::detect(&json!({"x": 1})), None);
    }

    #[test]
    fn maps_tools() {
        let input = json!({"file_path": "/p/a.ts", "old_string": "a", "new_string": "b", "replace_all": true});
        assert_eq!(
            tool_call(Agent::Claude, "Edit", &input).unwrap(),
            ToolCall::Edit {
                path: "/p/a.ts".into(),
                edits: vec![TextEdit {
                    old: "a".into(),
                    new: "b".into(),
                    replace_all: true
                }],
                cascade: Cascade::ClaudeEdit,
            }
        );
        assert_eq!(
            tool_call(Agent::Claude, "Read", &json!({})).unwrap(),
            ToolCall::Harmless
        );
        assert!(tool_call(Agent::Claude, "Frobnicate", &json!({})).is_err());
        assert!(tool_call(Agent::Claude, "Write", &json!({"file_path": "x"})).is_err());
        let typed = tool_call(
            Agent::Claude,
            "Write",
            &json!({"file_path": 3, "content": ""}),
        );
        assert_eq!(
            typed,
            Err(InputError(
                "`file_path` in the tool input must be a string, got a number".into()
            ))
        );
        assert_eq!(
            tool_call(
                Agent::Claude,
                "mcp__supabase__execute_sql",
                &json!({"query": "select 1"})
            ),
            Ok(ToolCall::Sql {
                query: "select 1".into()
            })
        );
        assert!(matches!(
            tool_call(
                Agent::Copilot,
                "supabase-apply_migration",
                &json!({"name": "m", "query": "x"})
            ),
            Ok(ToolCall::Sql { .. })
        ));
        assert_eq!(
            tool_call(
                Agent::Copilot,
                "str_replace_editor",
                &json!({"command": "view", "path": "/p/a.ts"})
            ),
            Ok(ToolCall::Harmless)
        );
        assert_eq!(
            tool_call(
                Agent::Copilot,
                "str_replace_editor",
                &json!({"command": "insert", "path": "/p/a.ts", "insert_line": 2, "new_str": "x"})
            ),
            Ok(ToolCall::Insert {
                path: "/p/a.ts".into(),
                after_line: 2,
                text: "x".into()
            })
        );
        assert_eq!(
            tool_call(Agent::Gemini, "my_mcp_write_file_tool", &json!({})),
            Ok(ToolCall::Harmless)
        );
    }

    #[test]
    fn renders_each_protocol() {
        let deny = Decision::Deny("no".into());
        assert!(respond(Agent::Claude, &deny)
            .stdout
            .contains("\"permissionDecision\":\"deny\""));
        assert!(respond(Agent::Gemini, &deny)
            .stdout
            .contains("\"decision\":\"deny\""));
        assert!(respond(Agent::Cursor, &deny)
            .stdout
            .contains("\"agent_message\":\"no\""));
        let ask = Decision::Ask("sure?".into());
        assert!(respond(Agent::Codex, &ask).stdout.contains("\"deny\""));
        assert!(respond(Agent::Claude, &ask).stdout.contains("\"ask\""));
        assert!(respond(Agent::Gemini, &ask).stdout.contains("\"ask\""));
        assert!(respond(Agent::Copilot, &ask).stdout.contains("\"ask\""));
        assert!(respond(Agent::Cursor, &ask).stdout.contains("\"deny\""));
        let open = respond(Agent::Copilot, &Decision::FailOpen("x".into()));
        assert_eq!(open.exit_code, 0);
        assert!(open.stdout.contains("\"allow\""));
        assert_eq!(
            respond(Agent::Claude, &Decision::FailOpen("x".into())).exit_code,
            1
        );
        assert_eq!(respond(Agent::Claude, &Decision::Allow).stdout, "");
    }
}
