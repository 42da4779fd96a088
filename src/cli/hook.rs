//! `plumbline hook [AGENT]`: the PreToolUse hook for coding agents.

use std::io::{self, Read, Write};

use crate::hook::{self, Agent, HookOptions};

use super::ExitStatus;

#[derive(clap::Args, Debug)]
pub struct HookArgs {
    /// The agent whose protocol to speak; detected from the payload when omitted.
    #[arg(value_enum)]
    pub agent: Option<Agent>,
    /// Block on any finding in the touched files, not only new ones.
    #[arg(long)]
    pub all: bool,
    /// Deny the tool call when the hook itself fails (bad payload, unknown tool).
    #[arg(long)]
    pub fail_closed: bool,
}

pub fn run(args: HookArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let mut bytes = Vec::new();
    io::stdin().read_to_end(&mut bytes)?;
    let payload = String::from_utf8_lossy(&bytes);
    let cwd = super::current_dir()?;
    let options = HookOptions {
        agent: args.agent,
        block_all: args.all,
        fail_closed: args.fail_closed,
    };
    let response = hook::run(&payload, &options, &cwd);
    out.write_all(response.stdout.as_bytes())?;
    io::stderr().write_all(response.stderr.as_bytes())?;
    Ok(match response.exit_code {
        0 => ExitStatus::Clean,
        1 => ExitStatus::Findings,
        _ => ExitStatus::Error,
    })
}
