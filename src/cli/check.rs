//! `plumbline check`: lint files and folders from disk.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use crate::config::Overrides;
use crate::engine::Engine;
use crate::finding::Severity;
use crate::report::{self, human, Format};
use crate::walk::WalkOptions;

use super::{print_error, terminal_width, ColorChoice, ConfigOptions, ExitStatus};

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Files and folders to lint [default: .]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Only run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Lowest severity that makes the run fail (exit 1).
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    #[command(flatten)]
    pub config: ConfigOptions,
    /// Do not honour .gitignore/.ignore files or skip hidden files.
    #[arg(long)]
    pub no_ignore: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// List skipped files and per-file notes.
    #[arg(long, short)]
    pub verbose: bool,
    /// Skip files larger than this many bytes [default: 1048576].
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

impl FailOn {
    fn threshold(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
        }
    }
}

pub fn run(args: CheckArgs, out: &mut dyn Write) -> io::Result<ExitStatus> {
    let cwd = super::current_dir()?;
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let mut engine = match Engine::new(&cwd, args.config.config.as_deref(), overrides) {
        Ok(engine) => engine,
        Err(e) => {
            print_error(&e);
            return Ok(ExitStatus::Error);
        }
    };
    engine.max_file_size = args.max_file_size;
    let walk = WalkOptions {
        no_ignore: args.no_ignore,
        threads: args.threads,
    };
    let result = match engine.check_paths(&args.paths, &walk) {
        Ok(result) => result,
        Err(e) => {
            print_error(&e);
            return Ok(ExitStatus::Error);
        }
    };

    let mut stderr = io::stderr().lock();
    report::write_unreadable(&mut stderr, &result)?;
    match args.format {
        Format::Human => {
            let style = human::Style {
                color: args.color.enabled(io::stdout().is_terminal()),
                width: terminal_width(),
            };
            human::write(out, &result.findings, style)?;
            if args.verbose {
                report::write_details(out, &result)?;
            }
            writeln!(out, "{}", report::summary_line(&result))?;
        }
        Format::Concise => {
            report::concise::write(out, &result.findings)?;
            if args.verbose {
                report::write_details(out, &result)?;
            }
            writeln!(out, "{}", report::summary_line(&result))?;
        }
        Format::Json => {
            report::json::write(out, &result)?;
            if args.verbose {
                report::write_details(&mut stderr, &result)?;
            }
        }
    }
    let threshold = args.fail_on.threshold();
    let failing = result.findings.iter().any(|f| f.severity >= threshold);
    Ok(if failing {
        ExitStatus::Findings
    } else {
        ExitStatus::Clean
    })
}
