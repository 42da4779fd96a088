//! `plumbline cache`: where the per-file cache is, and removing it.

use std::io::{self, Write};

use crate::config::Overrides;
use crate::engine::Engine;

use super::{print_error, ConfigOptions, ExitStatus};

#[derive(clap::Args, Debug)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub action: CacheAction,
    #[command(flatten)]
    pub config: ConfigOptions,
}

#[derive(clap::Subcommand, Debug, Clone, Copy)]
pub enum CacheAction {
    /// Remove the project's cache folder.
    Clean,
    /// Print the project's cache folder.
    Dir,
}

pub fn run(args: CacheArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let cwd = super::current_dir()?;
    let engine = match Engine::new(&cwd, args.config.config.as_deref(), Overrides::default()) {
        Ok(engine) => engine,
        Err(e) => {
            print_error(&e);
            return Ok(ExitStatus::Error);
        }
    };
    let root_rules = match engine.rules_for_dir(engine.root()) {
        Ok(rules) => rules,
        Err(e) => {
            print_error(&e);
            return Ok(ExitStatus::Error);
        }
    };
    let (configured, _) = crate::cache::settings(&root_rules.effective);
    let dir = crate::cache::dir_for(engine.root(), configured.as_deref());
    let display = crate::engine::display_path(&cwd, &dir);
    match args.action {
        CacheAction::Dir => {
            writeln!(out, "{display}")?;
            Ok(ExitStatus::Clean)
        }
        CacheAction::Clean => match crate::cache::clean(&dir) {
            Ok(true) => {
                writeln!(out, "removed {display}")?;
                Ok(ExitStatus::Clean)
            }
            Ok(false) => {
                writeln!(out, "no cache at {display}")?;
                Ok(ExitStatus::Clean)
            }
            Err(e) => {
                eprintln!("plumbline: cannot remove the cache {display}: {e}");
                Ok(ExitStatus::Error)
            }
        },
    }
}
