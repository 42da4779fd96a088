//! `plumbline completions SHELL`: a completion script for the shell.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, ExitStatus};

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Writes the script to stdout, e.g.
/// `plumbline completions bash > ~/.local/share/bash-completion/completions/plumbline`.
pub fn run(args: CompletionsArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "plumbline", &mut script);
    out.write_all(&script)?;
    Ok(ExitStatus::Clean)
}
