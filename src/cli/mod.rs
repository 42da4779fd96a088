//! The command line: argument definitions and dispatch to one file per
//! subcommand.

mod cache_cmd;
mod check;
mod completions;
mod config_cmd;
pub mod explain;
mod hook;
mod init;
mod install;
mod new_rule;
mod rules_cmd;
mod test_cmd;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit codes, as ruff and semgrep use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// No finding at or above the failing severity.
    Clean = 0,
    /// Findings at or above `--fail-on`.
    Findings = 1,
    /// Usage, configuration or internal error.
    Error = 2,
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status as u8)
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "plumbline",
    version,
    about = "Enforce integration-architecture decisions: before an agent's edit lands, before a commit, in CI",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint files and folders (default: the current folder).
    Check(check::CheckArgs),
    /// List every rule: id, severity, languages, summary.
    Rules(rules_cmd::RulesArgs),
    /// Print a rule's full documentation.
    Explain(explain::ExplainArgs),
    /// Show the effective configuration.
    Config(config_cmd::ConfigArgs),
    /// PreToolUse hook for coding agents (one event on stdin), or `hook git`: the git pre-commit hook.
    Hook(hook::HookArgs),
    /// Register `plumbline hook` in a coding agent's project settings.
    Init(init::InitArgs),
    /// Install the git pre-commit hook (`plumbline hook git`), keeping any hook already there.
    Install(install::InstallArgs),
    /// Remove the git pre-commit hook and restore the one it replaced.
    Uninstall(install::UninstallArgs),
    /// Run the project's own rule fixtures (.plumbline/tests/<rule>/{fail,pass}/).
    Test(test_cmd::TestArgs),
    /// Scaffold a project rule: .plumbline/rules/ID.toml and its fixture folders.
    NewRule(new_rule::NewRuleArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// The per-file cache: `cache dir` prints where it is, `cache clean` removes it.
    Cache(cache_cmd::CacheArgs),
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// `NO_COLOR` wins over `auto`; `always` wins over `NO_COLOR`.
    pub fn enabled(self, stream_is_terminal: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// Shared options for commands that read the configuration.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ConfigOptions {
    /// Use this config file instead of discovering `plumbline.toml` upward.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(cli: Cli) -> ExitStatus {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match cli.command {
        Command::Check(args) => check::run(args, &mut out),
        Command::Rules(args) => rules_cmd::run(args, &mut out),
        Command::Explain(args) => explain::run(args, &mut out),
        Command::Config(args) => config_cmd::run(args, &mut out),
        Command::Hook(args) => hook::run(args, &mut out),
        Command::Init(args) => init::run(args, &mut out),
        Command::Install(args) => install::install(args, &mut out),
        Command::Uninstall(args) => install::uninstall(args, &mut out),
        Command::Test(args) => test_cmd::run(args, &mut out),
        Command::NewRule(args) => new_rule::run(args, &mut out),
        Command::Completions(args) => completions::run(args, &mut out),
        Command::Cache(args) => cache_cmd::run(args, &mut out),
    };
    let flushed = out.flush();
    match (result, flushed) {
        (Ok(status), Ok(())) => status,
        (Err(e), _) | (Ok(_), Err(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
            status_on_closed_pipe()
        }
        (Err(e), _) | (Ok(_), Err(e)) => {
            eprintln!("plumbline: {e}");
            ExitStatus::Error
        }
    }
}

/// The exit status a command has earned once its verdict is known, for
/// when the reader of its output goes away before the report is written
/// (`plumbline check | head -1`); before that, a closed pipe exits 0.
static STATUS_ON_CLOSED_PIPE: std::sync::atomic::AtomicU8 =
    std::sync::atomic::AtomicU8::new(ExitStatus::Clean as u8);

pub fn set_status_on_closed_pipe(status: ExitStatus) {
    STATUS_ON_CLOSED_PIPE.store(status as u8, std::sync::atomic::Ordering::Relaxed);
}

fn status_on_closed_pipe() -> ExitStatus {
    match STATUS_ON_CLOSED_PIPE.load(std::sync::atomic::Ordering::Relaxed) {
        1 => ExitStatus::Findings,
        2 => ExitStatus::Error,
        _ => ExitStatus::Clean,
    }
}

/// Prints a miette diagnostic (config errors) to stderr.
pub fn print_error(diagnostic: &dyn miette::Diagnostic) {
    let color = ColorChoice::Auto.enabled(io::stderr().is_terminal());
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let mut text = String::new();
    let _ = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(terminal_width())
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_break_words(false)
        .render_report(&mut text, &crate::report::excerpt::Cropped::new(diagnostic));
    let _ = writeln!(io::stderr(), "{text}");
}

/// Columns to wrap reports at: `COLUMNS` when set, else the width of the
/// terminal on stdout or stderr, else 100 (logs and pipes).
pub fn terminal_width() -> usize {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
    {
        return columns;
    }
    let terminal = terminal_size::terminal_size_of(io::stdout())
        .or_else(|| terminal_size::terminal_size_of(io::stderr()));
    match terminal {
        Some((terminal_size::Width(w), _)) if w >= 40 => usize::from(w),
        _ => 100,
    }
}

pub fn current_dir() -> io::Result<PathBuf> {
    std::env::current_dir()
}

/// The rule catalogue of the project around the working folder: built-in
/// rules plus the project's own. A broken config is printed and `None`.
pub fn project_catalogue(
    config: &ConfigOptions,
) -> io::Result<Option<Vec<std::sync::Arc<crate::rules::RuleMeta>>>> {
    let cwd = current_dir()?;
    let rules = crate::engine::Engine::new(&cwd, config.config.as_deref(), Default::default())
        .and_then(|engine| engine.rules_for_dir(engine.root()));
    match rules {
        Ok(rules) => Ok(Some(rules.catalogue.clone())),
        Err(e) => {
            print_error(&e);
            Ok(None)
        }
    }
}
