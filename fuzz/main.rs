//! plumbline's fuzz harness, on stable Rust.
//!
//! Each case is a small project in a scratch folder plus one or two
//! `plumbline` commands, run as child processes of the real binary so that
//! panics, aborts, stack overflows, hangs and memory blow-ups are all seen
//! from outside. Cases come from structure-aware generators and from
//! mutations of the repository's fixtures, one target per front end, the
//! config loader, each agent's hook payloads, Codex `apply_patch` and
//! `check --fix`. A case is determined by the seed and its index.
//!
//! ```text
//! cargo run --release --example fuzz -- --minutes 30
//! cargo run --example fuzz -- --runs 2000 --seed 7 --target hooks,fix
//! ```
//!
//! Run with `--help` for every option.

mod case;
mod gen;
mod mutate;
mod runner;
mod seeds;
mod targets;
mod verify;

use case::{snapshot, Case, Content, Property};
use fastrand::Rng;
use runner::{CrashClass, Limits, Scratch};
use seeds::Seeds;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: cargo run [--release] --example fuzz -- [OPTIONS]

Runs generated and mutated inputs through the plumbline binary in child
processes and reports every crash, hang, memory blow-up and broken property.

options:
  --seed N          seed of the run (default: from the clock, printed)
  --runs N          number of cases (default 500 unless --minutes is given)
  --minutes M       run for M minutes (with --runs: whichever ends first)
  --target LIST     comma-separated targets or groups (default: all);
                    groups: all, frontends, hooks; --list-targets names them
  --binary PATH     the plumbline binary (default: $PLUMBLINE, else
                    target/release/plumbline or target/debug/plumbline,
                    whichever exists, the newer if both do)
  --timeout SECS    wall-clock bound per command (default 10)
  --memory-mb MB    address-space bound per command (default 2048; 0: none)
  --jobs N          worker threads (default 2)
  --out DIR         where failing cases are saved (default target/fuzz-out)
  --case I          run only case I of the seed (to replay a saved failure)
  --no-minimize     save failing cases as found, without shrinking them
  --replay DIR      run the cases saved in DIR's subfolders (such as
                    fuzz/regressions) once each, and report each
  --list-targets    print the targets and exit
";

/// Command-line options.
#[derive(Debug, Clone)]
struct Options {
    seed: u64,
    runs: Option<u64>,
    minutes: Option<f64>,
    targets: Vec<&'static str>,
    binary: PathBuf,
    limits: Limits,
    jobs: usize,
    out: PathBuf,
    only_case: Option<u64>,
    minimize: bool,
    replay: Option<PathBuf>,
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `target/release/plumbline` or `target/debug/plumbline`, the newer if
/// both exist.
fn default_binary() -> Option<PathBuf> {
    let modified = |path: &Path| path.metadata().and_then(|meta| meta.modified()).ok();
    ["release", "debug"]
        .iter()
        .map(|profile| repo_root().join("target").join(profile).join("plumbline"))
        .filter(|path| path.is_file())
        .max_by_key(|path| modified(path))
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        seed: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_secs()),
        runs: None,
        minutes: None,
        targets: targets::TARGETS.to_vec(),
        binary: PathBuf::new(),
        limits: Limits {
            timeout: Duration::from_secs(10),
            memory_bytes: 2048 << 20,
        },
        jobs: 2,
        out: repo_root().join("target").join("fuzz-out"),
        only_case: None,
        minimize: true,
        replay: None,
    };
    let mut binary = std::env::var_os("PLUMBLINE").map(PathBuf::from);
    let mut iter = args.iter();
    while let Some(flag) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let number = |name: &str, text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("{name} takes a whole number, not `{text}`"))
        };
        match flag.as_str() {
            "--seed" => options.seed = number(flag, value(flag)?)?,
            "--runs" => options.runs = Some(number(flag, value(flag)?)?),
            "--minutes" => {
                let text = value(flag)?;
                let minutes: f64 = text
                    .parse()
                    .map_err(|_| format!("--minutes takes a number, not `{text}`"))?;
                if minutes.is_nan() || minutes <= 0.0 {
                    return Err("--minutes must be more than 0".to_string());
                }
                options.minutes = Some(minutes);
            }
            "--target" => {
                let mut chosen = Vec::new();
                for name in value(flag)?
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                {
                    let expanded = targets::expand(name).ok_or_else(|| {
                        format!(
                            "unknown target `{name}`; targets: {} (groups: all, frontends, hooks)",
                            targets::TARGETS.join(", ")
                        )
                    })?;
                    for target in expanded {
                        if !chosen.contains(&target) {
                            chosen.push(target);
                        }
                    }
                }
                if chosen.is_empty() {
                    return Err("--target names no target".to_string());
                }
                options.targets = chosen;
            }
            "--binary" => binary = Some(PathBuf::from(value(flag)?)),
            "--timeout" => {
                options.limits.timeout = Duration::from_secs(number(flag, value(flag)?)?.max(1))
            }
            "--memory-mb" => options.limits.memory_bytes = number(flag, value(flag)?)? << 20,
            "--jobs" => options.jobs = number(flag, value(flag)?)?.clamp(1, 64) as usize,
            "--out" => options.out = PathBuf::from(value(flag)?),
            "--case" => options.only_case = Some(number(flag, value(flag)?)?),
            "--no-minimize" => options.minimize = false,
            "--replay" => options.replay = Some(PathBuf::from(value(flag)?)),
            "--list-targets" => {
                println!("{}", targets::TARGETS.join("\n"));
                std::process::exit(0);
            }
            "--help" | "-h" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option `{other}`\n\n{USAGE}")),
        }
    }
    options.binary = match binary.or_else(default_binary) {
        Some(path) => path,
        None => {
            return Err(
                "no plumbline binary: build one (cargo build --release) or pass --binary PATH"
                    .to_string(),
            )
        }
    };
    if !options.binary.is_file() {
        return Err(format!(
            "{} is not a file; build plumbline or pass --binary PATH",
            options.binary.display()
        ));
    }
    options.binary = options
        .binary
        .canonicalize()
        .map_err(|error| format!("{}: {error}", options.binary.display()))?;
    if options.runs.is_none() && options.minutes.is_none() && options.only_case.is_none() {
        options.runs = Some(500);
    }
    Ok(options)
}

/// A case that failed: what happened and where.
#[derive(Debug, Clone)]
struct Failure {
    class: String,
    signature: String,
    message: String,
    /// Which step of the case failed, as a command line.
    command: String,
}

/// The first failure of a case, if any.
fn run_case(case: &Case, scratch: &Scratch, options: &Options) -> std::io::Result<Option<Failure>> {
    run_case_observed(case, scratch, options, &mut String::new())
}

/// `run_case`, also naming in `seen` how a passing case ended: `exit N`,
/// `answer` (a hook's JSON decision), or `fixed` (`--fix` changed a file).
fn run_case_observed(
    case: &Case,
    scratch: &Scratch,
    options: &Options,
    seen: &mut String,
) -> std::io::Result<Option<Failure>> {
    scratch.reset()?;
    let project = scratch.project();
    case.materialize(&project)?;
    let before = snapshot(&project)?;
    let mut fixes: Option<BTreeMap<String, Vec<verify::FixSpan>>> = None;
    for (index, step) in case.steps.iter().enumerate() {
        let args = step.resolved_args(&project);
        let stdin = step.resolved_stdin(&project);
        let outcome = runner::run(
            &options.binary,
            &args,
            &project,
            stdin.as_deref(),
            &options.limits,
        )?;
        let command = step.display();
        if let Some(crash) = runner::classify(&outcome) {
            let signature = match crash.class {
                CrashClass::Panic | CrashClass::Abort | CrashClass::ContainedPanic => {
                    crash.signature
                }
                _ => format!("{} in {}", crash.signature, case.target),
            };
            return Ok(Some(Failure {
                class: crash.class.name().to_string(),
                signature,
                message: crash.message,
                command,
            }));
        }
        let after = snapshot(&project)?;
        *seen = match outcome.exit {
            runner::Exit::Code(0)
                if !outcome.stdout.is_empty() && matches!(case.property, Property::Hook { .. }) =>
            {
                "answer".to_string()
            }
            runner::Exit::Code(code) => format!("exit {code}"),
            _ => String::new(),
        };
        if case.property == Property::Fix && index > 0 && before != after {
            *seen = "fixed".to_string();
        }
        let violation = match case.property {
            Property::ReadOnly { json_output } => {
                verify::unchanged(&command_name(step), &before, &after)
                    .or_else(|| json_output.then(|| verify::json_output(&outcome)).flatten())
            }
            Property::Hook {
                fail_closed,
                named_agent,
            } => verify::unchanged("hook", &before, &after)
                .or_else(|| verify::hook_answer(&outcome, fail_closed, named_agent)),
            Property::Fix if index == 0 => {
                // A report cut at the capture limit lists only some fixes.
                fixes = (outcome.stdout_len == outcome.stdout.len())
                    .then(|| verify::fixes_by_path(&outcome.stdout));
                verify::unchanged("check --format json", &before, &after)
            }
            Property::Fix => fixes
                .as_ref()
                .and_then(|fixes| verify::fix_result(&before, &after, fixes)),
        };
        let violation = violation.or_else(|| verify::output_size(&outcome, case.target));
        if let Some(violation) = violation {
            return Ok(Some(Failure {
                class: violation.class.to_string(),
                signature: violation.signature,
                message: violation.message,
                command,
            }));
        }
    }
    Ok(None)
}

/// `check`, `hook`, `config` …: the subcommand of a step.
fn command_name(step: &case::Step) -> String {
    step.args
        .first()
        .map(|arg| String::from_utf8_lossy(arg).into_owned())
        .unwrap_or_default()
}

/// The classes whose cases are quick to rerun, and so worth shrinking.
fn worth_minimizing(class: &str) -> bool {
    !matches!(class, "timeout" | "memory" | "hook-gave-up")
}

/// Shrinks a failing case while it fails with the same signature: drops
/// files, then halves runs of lines and bytes of the largest files.
/// Bounded by `budget` reruns and by `deadline`.
fn minimize(
    case: &Case,
    failure: &Failure,
    scratch: &Scratch,
    options: &Options,
    budget: usize,
    deadline: Option<Instant>,
) -> (Case, usize) {
    let mut best = case.clone();
    let mut tries = 0usize;
    let still_fails = |candidate: &Case, tries: &mut usize| -> bool {
        *tries += 1;
        matches!(
            run_case(candidate, scratch, options),
            Ok(Some(found)) if found.signature == failure.signature
        )
    };
    let out_of_time =
        |tries: usize| tries >= budget || deadline.is_some_and(|end| Instant::now() >= end);
    // Whole files first.
    let mut index = 0;
    while index < best.files.len() && !out_of_time(tries) {
        let mut candidate = best.clone();
        candidate.files.remove(index);
        if still_fails(&candidate, &mut tries) {
            best = candidate;
        } else {
            index += 1;
        }
    }
    // Then the content of each file, by lines and then by bytes.
    for file_index in 0..best.files.len() {
        for by_lines in [true, false] {
            let mut chunk_divisor = 2usize;
            loop {
                if out_of_time(tries) {
                    return (best, tries);
                }
                let Content::File { bytes, .. } = &best.files[file_index].content else {
                    break;
                };
                let units = split_units(bytes, by_lines);
                if units.len() < 2 && chunk_divisor > 2 {
                    break;
                }
                let chunk = (units.len() / chunk_divisor).max(1);
                let mut removed_any = false;
                let mut start = 0;
                while start < units.len() && !out_of_time(tries) {
                    let end = (start + chunk).min(units.len());
                    let kept: Vec<u8> = units[..start]
                        .iter()
                        .chain(&units[end..])
                        .flat_map(|unit| unit.iter().copied())
                        .collect();
                    let mut candidate = best.clone();
                    if let Content::File { bytes, .. } = &mut candidate.files[file_index].content {
                        *bytes = kept;
                    }
                    if still_fails(&candidate, &mut tries) {
                        best = candidate;
                        removed_any = true;
                        break;
                    }
                    start = end;
                }
                if !removed_any {
                    if chunk == 1 {
                        break;
                    }
                    chunk_divisor *= 2;
                }
            }
        }
    }
    (best, tries)
}

/// Lines (with their newline) or single bytes.
fn split_units(bytes: &[u8], by_lines: bool) -> Vec<Vec<u8>> {
    if by_lines {
        bytes
            .split_inclusive(|&b| b == b'\n')
            .map(<[u8]>::to_vec)
            .collect()
    } else {
        bytes.iter().map(|&b| vec![b]).collect()
    }
}

/// One distinct failure and where its smallest case was saved.
#[derive(Debug)]
struct Distinct {
    class: String,
    count: u64,
    targets: Vec<&'static str>,
    size: usize,
    folder: PathBuf,
    description: String,
}

/// What all workers have found so far.
#[derive(Debug, Default)]
struct Tally {
    runs: BTreeMap<&'static str, (u64, u64)>,
    /// How passing cases ended, per target (`exit 0`, `answer`, `fixed`, …).
    endings: BTreeMap<&'static str, BTreeMap<String, u64>>,
    classes: BTreeMap<String, u64>,
    distinct: BTreeMap<String, Distinct>,
    minimization_runs: usize,
    errors: Vec<String>,
}

/// The RNG of case `index`: the seed and the index mixed (splitmix64).
fn case_rng(seed: u64, index: u64) -> Rng {
    let mut z = seed ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    Rng::with_seed(z ^ (z >> 31))
}

fn build_case(options: &Options, seeds: &Seeds, index: u64) -> Case {
    let target = options.targets[(index % options.targets.len() as u64) as usize];
    targets::build(target, index, &mut case_rng(options.seed, index), seeds)
}

/// Records a failure and saves its case when it is new or smaller than the
/// one saved.
fn record(
    tally: &Mutex<Tally>,
    options: &Options,
    case: &Case,
    failure: &Failure,
    count_it: bool,
) -> bool {
    let mut tally = tally.lock().unwrap_or_else(|poison| poison.into_inner());
    let size = case.size();
    let folder = options.out.join(format!(
        "{}-{}",
        failure.class,
        case::short_hash(&failure.signature)
    ));
    let description = format!(
        "{}: {} — {} [{}; target {}, seed {}, case {}; input: {}]",
        failure.class,
        failure.signature,
        failure.message,
        failure.command,
        case.target,
        options.seed,
        case.index,
        case.origin
    );
    let entry = tally
        .distinct
        .entry(failure.signature.clone())
        .or_insert_with(|| Distinct {
            class: failure.class.clone(),
            count: 0,
            targets: Vec::new(),
            size: usize::MAX,
            folder: folder.clone(),
            description: description.clone(),
        });
    let first = entry.count == 0;
    if count_it {
        entry.count += 1;
        if !entry.targets.contains(&case.target) {
            entry.targets.push(case.target);
        }
    }
    if size < entry.size {
        entry.size = size;
        entry.description = description.clone();
        let _ = std::fs::remove_dir_all(&folder);
        if let Err(error) = case.save(&folder, &description) {
            tally
                .errors
                .push(format!("cannot save {}: {error}", folder.display()));
        }
    }
    first
}

struct Shared<'a> {
    options: &'a Options,
    seeds: &'a Seeds,
    next: AtomicU64,
    stop: AtomicBool,
    deadline: Option<Instant>,
    tally: Mutex<Tally>,
    scratch_base: PathBuf,
}

fn worker(shared: &Shared, worker_index: usize) {
    let options = shared.options;
    let scratch = match Scratch::new(&shared.scratch_base, worker_index) {
        Ok(scratch) => scratch,
        Err(error) => {
            shared
                .tally
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .errors
                .push(format!("cannot create a scratch folder: {error}"));
            shared.stop.store(true, Ordering::SeqCst);
            return;
        }
    };
    loop {
        if shared.stop.load(Ordering::SeqCst)
            || shared.deadline.is_some_and(|end| Instant::now() >= end)
        {
            break;
        }
        let index = shared.next.fetch_add(1, Ordering::SeqCst);
        if let Some(only) = options.only_case {
            if index > 0 {
                break;
            }
            run_one(shared, &scratch, only);
            break;
        }
        if options.runs.is_some_and(|runs| index >= runs) {
            break;
        }
        run_one(shared, &scratch, index);
    }
}

fn run_one(shared: &Shared, scratch: &Scratch, index: u64) {
    let options = shared.options;
    let case = build_case(options, shared.seeds, index);
    let mut seen = String::new();
    let result = run_case_observed(&case, scratch, options, &mut seen);
    let failure = match result {
        Ok(failure) => failure,
        Err(error) => {
            shared
                .tally
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .errors
                .push(format!(
                    "case {index}: the harness could not run it: {error}"
                ));
            return;
        }
    };
    {
        let mut tally = shared.tally.lock().unwrap_or_else(|p| p.into_inner());
        let counts = tally.runs.entry(case.target).or_default();
        counts.0 += 1;
        if failure.is_some() {
            counts.1 += 1;
        }
        if let Some(failure) = &failure {
            *tally.classes.entry(failure.class.clone()).or_default() += 1;
        } else if !seen.is_empty() {
            *tally
                .endings
                .entry(case.target)
                .or_default()
                .entry(seen)
                .or_default() += 1;
        }
    }
    let Some(failure) = failure else {
        if options.only_case.is_some() {
            let folder = options.out.join(format!("case-{index}"));
            let _ = std::fs::remove_dir_all(&folder);
            let _ = case.save(&folder, "passed");
            eprintln!(
                "case {index} ({}) passed; saved in {}",
                case.target,
                folder.display()
            );
        }
        return;
    };
    let first = record(&shared.tally, options, &case, &failure, true);
    if first {
        eprintln!(
            "fuzz: new failure [{}] {} (target {}, case {index})",
            failure.class, failure.signature, case.target
        );
        if options.minimize && worth_minimizing(&failure.class) {
            let (smaller, tries) =
                minimize(&case, &failure, scratch, options, 300, shared.deadline);
            shared
                .tally
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .minimization_runs += tries;
            if smaller.size() < case.size() {
                record(&shared.tally, options, &smaller, &failure, false);
            }
        }
    }
}

/// Removes saved cases of an earlier run from `out` (folders holding a
/// `description.txt`), leaving anything else there alone.
fn clear_saved_cases(out: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    for entry in std::fs::read_dir(out)? {
        let path = entry?.path();
        if path.join("description.txt").is_file() {
            std::fs::remove_dir_all(&path)?;
        }
    }
    Ok(())
}

fn print_summary(options: &Options, tally: &Tally, elapsed: Duration) -> (u64, u64) {
    let mut passed = 0;
    let mut failed = 0;
    println!(
        "\nfuzz: seed {}, {} worker(s), {:.0} s, binary {}",
        options.seed,
        options.jobs,
        elapsed.as_secs_f64(),
        options.binary.display()
    );
    println!(
        "{:<14} {:>8} {:>8}  how the passing runs ended",
        "target", "runs", "failed"
    );
    for target in &options.targets {
        let (runs, fails) = tally.runs.get(target).copied().unwrap_or_default();
        passed += runs - fails;
        failed += fails;
        let endings: Vec<String> = tally
            .endings
            .get(target)
            .map(|endings| {
                endings
                    .iter()
                    .map(|(ending, count)| format!("{ending}: {count}"))
                    .collect()
            })
            .unwrap_or_default();
        println!("{target:<14} {runs:>8} {fails:>8}  {}", endings.join(", "));
    }
    if !tally.classes.is_empty() {
        println!("\nfailures by class:");
        for (class, count) in &tally.classes {
            let distinct = tally
                .distinct
                .values()
                .filter(|d| &d.class == class)
                .count();
            println!("  {class:<20} {count:>6} runs, {distinct} distinct");
        }
        println!("\ndistinct failures (smallest case saved):");
        for (signature, distinct) in &tally.distinct {
            println!(
                "  [{}] {} ×{} in {} → {}",
                distinct.class,
                signature,
                distinct.count,
                distinct.targets.join(","),
                distinct.folder.display()
            );
        }
    }
    if tally.minimization_runs > 0 {
        println!(
            "\n{} extra runs shrank failing cases",
            tally.minimization_runs
        );
    }
    for error in &tally.errors {
        println!("harness error: {error}");
    }
    println!("fuzz: {passed} passed, {failed} failed");
    (passed, failed)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse_options(&args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("fuzz: {message}");
            return ExitCode::from(2);
        }
    };
    let seeds = match Seeds::load(&repo_root()) {
        Ok(seeds) => seeds,
        Err(message) => {
            eprintln!("fuzz: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(folder) = &options.replay {
        return replay(&options, folder);
    }
    if let Err(error) = clear_saved_cases(&options.out) {
        eprintln!("fuzz: cannot prepare {}: {error}", options.out.display());
        return ExitCode::from(2);
    }
    let scratch_base = std::env::temp_dir().join(format!("plumbline-fuzz-{}", std::process::id()));
    eprintln!(
        "fuzz: seed {}, targets {}, {}{}, timeout {} s, memory {} MB, binary {}",
        options.seed,
        options.targets.join(","),
        options
            .runs
            .map(|r| format!("{r} runs"))
            .unwrap_or_default(),
        options
            .minutes
            .map(|m| format!(" {m} minutes"))
            .unwrap_or_default(),
        options.limits.timeout.as_secs(),
        options.limits.memory_bytes >> 20,
        options.binary.display()
    );
    let started = Instant::now();
    let shared = Shared {
        options: &options,
        seeds: &seeds,
        next: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        deadline: options
            .minutes
            .map(|m| started + Duration::from_secs_f64(m * 60.0)),
        tally: Mutex::new(Tally::default()),
        scratch_base: scratch_base.clone(),
    };
    let jobs = if options.only_case.is_some() {
        1
    } else {
        options.jobs
    };
    std::thread::scope(|scope| {
        for index in 0..jobs {
            let shared = &shared;
            std::thread::Builder::new()
                .name(format!("fuzz-{index}"))
                // Deep JSON values and in-process parse checks recurse.
                .stack_size(64 << 20)
                .spawn_scoped(scope, move || worker(shared, index))
                .expect("a worker thread starts");
        }
        let shared = &shared;
        scope.spawn(move || progress(shared, started));
    });
    let _ = std::fs::remove_dir_all(&scratch_base);
    let tally = shared.tally.into_inner().unwrap_or_else(|p| p.into_inner());
    let (_, failed) = print_summary(&options, &tally, started.elapsed());
    if failed > 0 || !tally.errors.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs every case saved under `folder` once, and prints each result.
fn replay(options: &Options, folder: &Path) -> ExitCode {
    let mut cases: Vec<PathBuf> = match std::fs::read_dir(folder) {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.join("case.txt").is_file())
            .collect(),
        Err(error) => {
            eprintln!("fuzz: cannot read {}: {error}", folder.display());
            return ExitCode::from(2);
        }
    };
    cases.sort();
    let scratch_base = std::env::temp_dir().join(format!("plumbline-fuzz-{}", std::process::id()));
    let scratch = match Scratch::new(&scratch_base, 0) {
        Ok(scratch) => scratch,
        Err(error) => {
            eprintln!("fuzz: cannot create a scratch folder: {error}");
            return ExitCode::from(2);
        }
    };
    let (mut passed, mut failed) = (0, 0);
    for path in &cases {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let result = case::load(path, targets::TARGETS)
            .and_then(|case| run_case(&case, &scratch, options).map_err(|e| e.to_string()));
        match result {
            Ok(None) => {
                passed += 1;
                println!("ok    {name}");
            }
            Ok(Some(failure)) => {
                failed += 1;
                println!(
                    "FAIL  {name}: [{}] {}: {}",
                    failure.class, failure.signature, failure.message
                );
            }
            Err(message) => {
                failed += 1;
                println!("FAIL  {name}: {message}");
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch_base);
    println!("fuzz: {passed} passed, {failed} failed");
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A line on stderr every 30 seconds, until the workers are done.
fn progress(shared: &Shared, started: Instant) {
    let mut last = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let done = shared.stop.load(Ordering::SeqCst)
            || shared.deadline.is_some_and(|end| Instant::now() >= end)
            || shared.options.runs.is_some_and(|runs| {
                shared.next.load(Ordering::SeqCst) >= runs + shared.options.jobs as u64
            })
            || shared.options.only_case.is_some();
        if done {
            return;
        }
        if last.elapsed() >= Duration::from_secs(30) {
            last = Instant::now();
            let tally = shared.tally.lock().unwrap_or_else(|p| p.into_inner());
            let runs: u64 = tally.runs.values().map(|(runs, _)| runs).sum();
            let failed: u64 = tally.runs.values().map(|(_, failed)| failed).sum();
            eprintln!(
                "fuzz: {runs} runs, {failed} failed ({} distinct), {:.0} s",
                tally.distinct.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_seeds_differ_by_index_and_repeat_by_seed() {
        assert_eq!(case_rng(1, 5).u64(..), case_rng(1, 5).u64(..));
        assert_ne!(case_rng(1, 5).u64(..), case_rng(1, 6).u64(..));
        assert_ne!(case_rng(1, 5).u64(..), case_rng(2, 5).u64(..));
    }

    #[test]
    fn options_are_checked() {
        let parse = |args: &[&str]| {
            let mut all: Vec<String> = vec!["--binary".into(), "/bin/sh".into()];
            all.extend(args.iter().map(|s| s.to_string()));
            parse_options(&all)
        };
        let options = parse(&["--seed", "9", "--target", "hooks,fix,fix"]).unwrap();
        assert_eq!(options.seed, 9);
        assert_eq!(options.targets.len(), 7);
        assert_eq!(options.runs, Some(500));
        assert!(parse(&["--target", "nope"])
            .unwrap_err()
            .contains("unknown target"));
        assert!(parse(&["--runs", "x"]).is_err());
        assert!(parse(&["--minutes", "0"]).is_err());
        assert!(parse(&["--frobnicate"]).is_err());
    }

    #[test]
    fn every_saved_regression_case_loads() {
        let folder = repo_root().join("fuzz").join("regressions");
        let mut count = 0;
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                let case = case::load(&path, targets::TARGETS)
                    .unwrap_or_else(|message| panic!("{message}"));
                assert_ne!(case.target, "replay", "{}: unknown target", path.display());
                count += 1;
            }
        }
        assert!(count > 0, "no cases in {}", folder.display());
    }

    #[test]
    fn lines_and_bytes_split_back_into_the_same_text() {
        let text = b"a\nbb\n\nc";
        assert_eq!(split_units(text, true).concat(), text);
        assert_eq!(split_units(text, false).len(), text.len());
    }
}
