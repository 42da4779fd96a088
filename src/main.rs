use clap::Parser;

fn main() -> std::process::ExitCode {
    plumbline::engine::run_with_large_stacks(run)
}

fn run() -> std::process::ExitCode {
    let cli = match plumbline::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                plumbline::cli::ExitStatus::Error.into()
            } else {
                plumbline::cli::ExitStatus::Clean.into()
            };
        }
    };
    plumbline::cli::run(cli).into()
}
