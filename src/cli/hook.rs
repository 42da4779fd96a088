//! `plumbline hook [AGENT|git]`: the PreToolUse hook for coding agents, and
//! the git pre-commit hook (`plumbline hook git`, see `plumbline install`).

use std::io::{self, IsTerminal, Read, Write};
use std::sync::OnceLock;

use clap::builder::PossibleValue;
use clap::ValueEnum;

use crate::hook::git::{self, GitError};
use crate::hook::{self, Agent, HookOptions};
use crate::report::{self, human};

use super::{print_error, terminal_width, ColorChoice, ExitStatus};

#[derive(clap::Args, Debug)]
pub struct HookArgs {
    /// The agent whose protocol to speak (detected from the payload when
    /// omitted), or `git` for the pre-commit hook.
    #[arg(value_enum)]
    pub target: Option<HookTarget>,
    /// Block on any finding in the touched files, not only new ones.
    #[arg(long)]
    pub all: bool,
    /// Deny the tool call when the hook itself fails (bad payload, unknown tool).
    #[arg(long)]
    pub fail_closed: bool,
    /// Do not read or write the per-file cache (other files' facts are
    /// read from the files themselves).
    #[arg(long)]
    pub no_cache: bool,
}

/// Who calls the hook: a coding agent, or git before a commit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookTarget {
    Agent(Agent),
    Git,
}

impl ValueEnum for HookTarget {
    fn value_variants<'a>() -> &'a [Self] {
        static VARIANTS: OnceLock<Vec<HookTarget>> = OnceLock::new();
        VARIANTS.get_or_init(|| {
            Agent::value_variants()
                .iter()
                .copied()
                .map(HookTarget::Agent)
                .chain([HookTarget::Git])
                .collect()
        })
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        match self {
            HookTarget::Agent(agent) => agent.to_possible_value(),
            HookTarget::Git => Some(
                PossibleValue::new("git")
                    .help("git pre-commit hook: lint the staged files (`plumbline install`)"),
            ),
        }
    }
}

pub fn run(args: HookArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let agent = match args.target {
        Some(HookTarget::Git) => {
            if args.all || args.fail_closed {
                eprintln!(
                    "plumbline: --all and --fail-closed apply to agent hooks, not `hook git`"
                );
                return Ok(ExitStatus::Error);
            }
            return run_git(out, !args.no_cache);
        }
        Some(HookTarget::Agent(agent)) => Some(agent),
        None => None,
    };
    if io::stdin().is_terminal() {
        eprintln!(
            "plumbline hook reads one hook event (JSON) on stdin, as a coding agent sends it; \
             pipe one in (`plumbline hook claude < event.json`), or register the hook with \
             `plumbline init --agent AGENT`"
        );
    }
    // Whatever happens from here on, the agent gets an answer in its
    // protocol: a crash or a run past the time budget gives the prepared
    // fail-open (or fail-closed) answer instead of exit 101/134 or a hang.
    hook::failsafe::install_crash_handler();
    hook::quiet_panics();
    hook::failsafe::start_watchdog(std::time::Duration::from_millis(
        crate::config::DEFAULT_HOOK_TIME_BUDGET_MS,
    ));
    // One edit, one or two files: build the cheapest matcher.
    crate::prefilter::optimize_for_few_files();
    let mut bytes = Vec::new();
    io::stdin()
        .take(hook::MAX_PAYLOAD_BYTES + 1)
        .read_to_end(&mut bytes)?;
    let payload = if bytes.len() as u64 > hook::MAX_PAYLOAD_BYTES {
        // Not parsed: answered as an unreadable payload.
        std::borrow::Cow::Borrowed("")
    } else {
        String::from_utf8_lossy(&bytes)
    };
    let cwd = super::current_dir()?;
    let options = HookOptions {
        agent,
        block_all: args.all,
        fail_closed: args.fail_closed,
        use_cache: !args.no_cache,
    };
    let response = hook::run(&payload, &options, &cwd);
    if !hook::failsafe::claim() {
        // The watchdog is answering and ends the process.
        loop {
            std::thread::park();
        }
    }
    out.write_all(response.stdout.as_bytes())?;
    io::stderr().write_all(response.stderr.as_bytes())?;
    Ok(match response.exit_code {
        0 => ExitStatus::Clean,
        1 => ExitStatus::Findings,
        _ => ExitStatus::Error,
    })
}

/// Lints the staged files; exit 1 blocks the commit. Never reads stdin, so
/// a chained hook still gets it.
fn run_git(out: &mut dyn Write, use_cache: bool) -> io::Result<ExitStatus> {
    let cwd = super::current_dir()?;
    let result = match git::lint_staged(&cwd, use_cache) {
        Ok(result) => result,
        Err(GitError::Config(e)) => {
            print_error(&e);
            return Ok(ExitStatus::Error);
        }
        Err(e) => {
            eprintln!("plumbline: {e}");
            return Ok(ExitStatus::Error);
        }
    };
    report::write_unreadable(&mut io::stderr().lock(), &result)?;
    let style = human::Style {
        color: ColorChoice::Auto.enabled(io::stdout().is_terminal()),
        width: terminal_width(),
    };
    human::write(out, &result.findings, style)?;
    writeln!(
        out,
        "plumbline: {}",
        report::summary_line_with(&result, "`plumbline check --fix`")
    )?;
    if !result.summary.internal_errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    if git::blocks(&result.findings) {
        write!(out, "{}", git::blocked_hint(&result.findings))?;
        return Ok(ExitStatus::Findings);
    }
    Ok(ExitStatus::Clean)
}
