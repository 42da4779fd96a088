//! The agents' hook protocols: what their PreToolUse payloads look like and
//! how each one is told to deny, ask or allow.

use serde_json::{json, Value};

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

    /// Claude Code can ask the human instead of denying outright. Codex
    /// rejects `ask` (and would then let the call through), Gemini and
    /// Cursor have none, and Copilot may drop it: they get a deny.
    pub fn can_ask(self) -> bool {
        matches!(self, Agent::Claude)
    }

    /// Copilot runs its hooks for every tool (it has no matcher), so a tool
    /// plumbline does not know is simply not an edit.
    fn sees_every_tool(self) -> bool {
        matches!(self, Agent::Copilot)
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

/// A single text edit: `old` becomes `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub old: String,
    pub new: String,
    pub replace_all: bool,
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
    keys.iter()
        .find_map(|k| input.get(*k).and_then(Value::as_str))
        .ok_or_else(|| InputError(format!("missing field `{}` in tool input", keys[0])))
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
        // Copilot sends its arguments as a JSON-encoded string.
        Some(Value::String(text)) => serde_json::from_str(text)
            .map_err(|e| InputError(format!("`{input_key}` is not valid JSON: {e}")))?,
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
            if tool == "str_replace_editor"
                && input.get("command").and_then(Value::as_str) == Some("create")
            {
                return Ok(ToolCall::Write {
                    path: string(input, &["path", "file_path"])?.to_string(),
                    content: string(input, &["file_text", "content"])?.to_string(),
                });
            }
            let mut e = edit(
                &["old_string", "old_str"],
                &["new_string", "new_str"],
                &["replace_all"],
            )?;
            if tool == "replace" {
                // Gemini replaces every occurrence when told how many to expect.
                e.replace_all = input
                    .get("expected_replacements")
                    .and_then(Value::as_u64)
                    .is_some_and(|n| n > 1);
            }
            Ok(ToolCall::Edit {
                path: string(input, &["file_path", "path"])?.to_string(),
                edits: vec![e],
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
            Ok(ToolCall::Shell { command })
        }
        (agent, _) if agent.sees_every_tool() => Ok(ToolCall::Harmless),
        _ => Err(InputError(format!("unknown tool `{tool}`"))),
    }
}

/// The hook's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
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
                }]
            }
        );
        assert_eq!(
            tool_call(Agent::Claude, "Read", &json!({})).unwrap(),
            ToolCall::Harmless
        );
        assert!(tool_call(Agent::Claude, "Frobnicate", &json!({})).is_err());
        assert!(tool_call(Agent::Claude, "Write", &json!({"file_path": "x"})).is_err());
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
        assert!(respond(Agent::Gemini, &ask).stdout.contains("\"deny\""));
        assert_eq!(respond(Agent::Claude, &Decision::Allow).stdout, "");
    }
}
