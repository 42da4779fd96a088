//! Runs one `plumbline` invocation in a child process, bounded in time and
//! memory, and sorts how it ended.
//!
//! The child gets its own process group (so a timeout kills everything it
//! started), `RLIMIT_AS` as the memory bound and `RLIMIT_CORE = 0` so an
//! abort leaves no core file behind. Its output is captured up to a cap and
//! the rest is read and dropped, so a run that prints hundreds of megabytes
//! neither blocks on a full pipe nor fills the harness's memory.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How much of each output stream is kept for classification.
const CAPTURE_LIMIT: usize = 1 << 20;

/// Bounds for every child process.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Wall-clock time before the child is killed.
    pub timeout: Duration,
    /// Address-space bound in bytes (`RLIMIT_AS`); 0 means none.
    pub memory_bytes: u64,
}

/// What one child process did.
#[derive(Debug)]
pub struct Outcome {
    pub exit: Exit,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Total bytes written to stdout, including what was not kept.
    pub stdout_len: usize,
    pub elapsed: Duration,
}

/// How the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
    TimedOut,
}

/// A child process that did not end well, with a signature that stays the
/// same for the same underlying bug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crash {
    pub class: CrashClass,
    /// Where it happened, as precisely as the output says (panic location,
    /// failed assertion, signal name).
    pub signature: String,
    /// The first line of the panic or abort message.
    pub message: String,
}

/// The classes of crash, in the order the summary prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CrashClass {
    Panic,
    StackOverflow,
    Abort,
    Signal,
    Memory,
    Timeout,
    UnexpectedExit,
    /// A panic plumbline caught and reported as an internal error (exit 2,
    /// or the hook's crash answer): still a bug, only a contained one.
    ContainedPanic,
    /// The hook answered that it ran out of its time budget.
    HookGaveUp,
}

impl CrashClass {
    pub fn name(self) -> &'static str {
        match self {
            CrashClass::Panic => "panic",
            CrashClass::StackOverflow => "stack-overflow",
            CrashClass::Abort => "abort",
            CrashClass::Signal => "signal",
            CrashClass::Memory => "memory",
            CrashClass::Timeout => "timeout",
            CrashClass::UnexpectedExit => "unexpected-exit",
            CrashClass::ContainedPanic => "contained-panic",
            CrashClass::HookGaveUp => "hook-gave-up",
        }
    }
}

/// Runs `binary args` in `dir` with `stdin`, within `limits`.
pub fn run(
    binary: &Path,
    args: &[OsString],
    dir: &Path,
    stdin: Option<&[u8]>,
    limits: &Limits,
) -> std::io::Result<Outcome> {
    let mut command = Command::new(binary);
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUST_LOG")
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap_or(dir))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let memory_bytes = limits.memory_bytes;
    // SAFETY: the closure runs in the forked child before exec and calls
    // only async-signal-safe functions (setrlimit).
    unsafe {
        command.pre_exec(move || set_limits(memory_bytes));
    }
    let started = Instant::now();
    let mut child = command.spawn()?;
    let feeder = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let bytes = bytes.to_vec();
        // A child that exits without reading its input closes the pipe; the
        // write error that follows is expected.
        thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        })
    });
    let stdout = capture(child.stdout.take().expect("stdout is piped"));
    let stderr = capture(child.stderr.take().expect("stderr is piped"));
    let exit = loop {
        if let Some(status) = child.try_wait()? {
            break match (status.code(), status.signal()) {
                (Some(code), _) => Exit::Code(code),
                (None, Some(signal)) => Exit::Signal(signal),
                (None, None) => Exit::Code(-1),
            };
        }
        if started.elapsed() >= limits.timeout {
            kill_group(child.id());
            let _ = child.wait();
            break Exit::TimedOut;
        }
        thread::sleep(Duration::from_millis(2));
    };
    let elapsed = started.elapsed();
    // Anything the child left running in its group goes too, so the pipes
    // close and the readers finish.
    kill_group(child.id());
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    let (stdout, stdout_len) = stdout.join().unwrap_or_default();
    let (stderr, _) = stderr.join().unwrap_or_default();
    Ok(Outcome {
        exit,
        stdout,
        stderr,
        stdout_len,
        elapsed,
    })
}

/// Applies the memory and core-file bounds in the child.
fn set_limits(memory_bytes: u64) -> std::io::Result<()> {
    let no_core = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit reads the struct we pass and nothing else.
    if unsafe { libc::setrlimit(libc::RLIMIT_CORE, &no_core) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    if memory_bytes > 0 {
        let bound = libc::rlimit {
            rlim_cur: memory_bytes as libc::rlim_t,
            rlim_max: memory_bytes as libc::rlim_t,
        };
        // SAFETY: as above.
        if unsafe { libc::setrlimit(libc::RLIMIT_AS, &bound) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Sends SIGKILL to the process group the child leads.
fn kill_group(pid: u32) {
    // SAFETY: kill with a negative pid signals that process group only; the
    // group was created for this child by `process_group(0)`.
    unsafe {
        libc::kill(-(pid as libc::pid_t), libc::SIGKILL);
    }
}

/// Reads a stream to its end on a thread, keeping the first
/// `CAPTURE_LIMIT` bytes and counting the rest.
fn capture<R: Read + Send + 'static>(mut stream: R) -> thread::JoinHandle<(Vec<u8>, usize)> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut total = 0usize;
        let mut buffer = [0u8; 64 * 1024];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    total += n;
                    let room = CAPTURE_LIMIT.saturating_sub(kept.len());
                    kept.extend_from_slice(&buffer[..n.min(room)]);
                }
            }
        }
        (kept, total)
    })
}

/// Sorts a child's end into a crash, or `None` for exit 0, 1 or 2.
pub fn classify(outcome: &Outcome) -> Option<Crash> {
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    let memory = stderr
        .lines()
        .find(|line| line.contains("memory allocation of") || line.contains("failed to allocate"));
    match outcome.exit {
        Exit::Code(0..=2) => contained(outcome, &stderr),
        Exit::TimedOut => Some(Crash {
            class: CrashClass::Timeout,
            signature: "timeout".to_string(),
            message: format!("no answer within {:.1} s", outcome.elapsed.as_secs_f64()),
        }),
        _ if memory.is_some() => Some(Crash {
            class: CrashClass::Memory,
            signature: "memory".to_string(),
            message: memory.unwrap_or_default().trim().to_string(),
        }),
        _ if stderr.contains("panicked at") => Some(panic_crash(&stderr)),
        _ if stderr.contains("has overflowed its stack") => Some(Crash {
            class: CrashClass::StackOverflow,
            signature: "stack overflow".to_string(),
            message: first_line_containing(&stderr, "overflowed its stack"),
        }),
        _ if stderr.contains("Assertion") => {
            let message = first_line_containing(&stderr, "Assertion");
            Some(Crash {
                class: CrashClass::Abort,
                signature: assertion_signature(&message),
                message,
            })
        }
        Exit::Signal(signal) => Some(Crash {
            class: CrashClass::Signal,
            signature: signal_name(signal).to_string(),
            message: format!(
                "killed by {}{}",
                signal_name(signal),
                last_line(&stderr)
                    .map(|line| format!(": {line}"))
                    .unwrap_or_default()
            ),
        }),
        Exit::Code(code) => Some(Crash {
            class: CrashClass::UnexpectedExit,
            signature: format!("exit {code}"),
            message: format!(
                "exit {code}{}",
                last_line(&stderr)
                    .map(|line| format!(": {line}"))
                    .unwrap_or_default()
            ),
        }),
    }
}

/// A failure plumbline caught itself: a rule or parser that panicked on a
/// file (an internal error), or a hook that crashed or ran out of time and
/// answered anyway.
fn contained(outcome: &Outcome, stderr: &str) -> Option<Crash> {
    let stdout = String::from_utf8_lossy(&outcome.stdout);
    let line_with = |needle: &str| {
        stderr
            .lines()
            .chain(stdout.lines())
            .find(|line| line.contains(needle))
            .map(|line| line.trim().chars().take(300).collect::<String>())
    };
    if stderr.contains("panicked at ") {
        let mut crash = panic_crash(stderr);
        crash.class = CrashClass::ContainedPanic;
        return Some(crash);
    }
    for needle in [
        "internal error: rule `",
        "internal error: plumbline failed",
        "plumbline crashed while checking",
    ] {
        if let Some(line) = line_with(needle) {
            // `internal error: rule `x` failed on this file (message)`:
            // the rule names the bug well enough.
            let signature = line
                .find(needle)
                .map(|at| &line[at..])
                .and_then(|rest| rest.split(" failed").next())
                .unwrap_or(needle)
                .to_string();
            return Some(Crash {
                class: CrashClass::ContainedPanic,
                signature,
                message: line,
            });
        }
    }
    line_with("did not finish checking this call").map(|line| Crash {
        class: CrashClass::HookGaveUp,
        signature: "hook gave up".to_string(),
        message: line,
    })
}

/// A panic's signature is its source location (`src/rules/x.rs:12:5`), the
/// message's first line says what it was.
fn panic_crash(stderr: &str) -> Crash {
    let mut lines = stderr.lines();
    let mut location = String::from("unknown location");
    let mut message = String::new();
    while let Some(line) = lines.next() {
        if let Some(at) = line.find("panicked at ") {
            location =
                without_registry_folder(line[at + "panicked at ".len()..].trim_end_matches(':'));
            message = lines.next().unwrap_or_default().trim().to_string();
            break;
        }
    }
    Crash {
        class: CrashClass::Panic,
        signature: format!("panic at {location}"),
        message,
    }
}

/// A dependency's source path without the machine's registry folder:
/// `/root/.cargo/registry/src/index.crates.io-…/miette-7.6.0/src/x.rs:1:2`
/// becomes `miette-7.6.0/src/x.rs:1:2`.
fn without_registry_folder(location: &str) -> String {
    match location.find("/registry/src/") {
        Some(at) => {
            let rest = &location[at + "/registry/src/".len()..];
            rest.split_once('/')
                .map_or(rest, |(_, path)| path)
                .to_string()
        }
        None => location.to_string(),
    }
}

/// `plumbline: ../src/scanner.c:339: serialize: Assertion `x' failed.`
/// becomes `scanner.c:339 serialize: Assertion `x' failed.` (no program
/// name, no build-specific folder).
fn assertion_signature(line: &str) -> String {
    let without_program = line.split_once(": ").map_or(line, |(_, rest)| rest);
    let file_start = without_program
        .split(':')
        .next()
        .and_then(|file| file.rsplit('/').next())
        .unwrap_or("");
    match without_program.split_once(':') {
        Some((_, rest)) => format!("{file_start}:{rest}"),
        None => without_program.to_string(),
    }
}

fn first_line_containing(text: &str, needle: &str) -> String {
    text.lines()
        .find(|line| line.contains(needle))
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn last_line(text: &str) -> Option<String> {
    text.lines()
        .rev()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map(|line| line.chars().take(200).collect())
}

/// The conventional name of a signal number.
pub fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGTRAP => "SIGTRAP",
        _ => "signal",
    }
}

/// A scratch folder for one worker: emptied before each case.
pub struct Scratch {
    pub root: PathBuf,
}

impl Scratch {
    /// Creates `base/w<index>` (removing what a previous run left there).
    pub fn new(base: &Path, index: usize) -> std::io::Result<Self> {
        let root = base.join(format!("w{index}"));
        Self::clear(&root)?;
        Ok(Scratch { root })
    }

    /// The folder the case's project lives in.
    pub fn project(&self) -> PathBuf {
        self.root.join("project")
    }

    /// Empties the project folder.
    pub fn reset(&self) -> std::io::Result<()> {
        Self::clear(&self.project())
    }

    fn clear(path: &Path) -> std::io::Result<()> {
        match std::fs::remove_dir_all(path) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
        std::fs::create_dir_all(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// Writes an executable shell script standing in for plumbline.
    fn fake_binary(dir: &Path, body: &str) -> PathBuf {
        let path = dir.join("fake");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn limits() -> Limits {
        Limits {
            timeout: Duration::from_millis(500),
            memory_bytes: 0,
        }
    }

    fn outcome_of(body: &str) -> Outcome {
        let dir = tempfile::tempdir().unwrap();
        let binary = fake_binary(dir.path(), body);
        run(&binary, &[], dir.path(), Some(b"payload"), &limits()).unwrap()
    }

    #[test]
    fn exits_zero_one_and_two_are_not_crashes() {
        for code in 0..=2 {
            let outcome = outcome_of(&format!("cat >/dev/null; exit {code}"));
            assert_eq!(outcome.exit, Exit::Code(code));
            assert_eq!(classify(&outcome), None);
        }
    }

    #[test]
    fn a_panic_is_classified_by_its_location() {
        let outcome = outcome_of(
            "echo \"thread 'main' panicked at src/rules/forbidden_host.rs:88:31:\" >&2\n\
             echo 'byte index 3 is not a char boundary' >&2\nexit 101",
        );
        let crash = classify(&outcome).unwrap();
        assert_eq!(crash.class, CrashClass::Panic);
        assert_eq!(
            crash.signature,
            "panic at src/rules/forbidden_host.rs:88:31"
        );
        assert_eq!(crash.message, "byte index 3 is not a char boundary");
    }

    #[test]
    fn a_dependency_panic_is_named_without_the_registry_folder() {
        assert_eq!(
            without_registry_folder(
                "/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/miette-7.6.0/src/handlers/graphical.rs:1159:22"
            ),
            "miette-7.6.0/src/handlers/graphical.rs:1159:22"
        );
        assert_eq!(without_registry_folder("src/a.rs:1:2"), "src/a.rs:1:2");
    }

    #[test]
    fn an_abort_with_an_assertion_is_classified_by_the_assertion() {
        let outcome = outcome_of(
            "echo \"plumbline: ./src/scanner.c:339: serialize: Assertion \\`n <= 1024' failed.\" >&2\n\
             kill -ABRT $$",
        );
        let crash = classify(&outcome).unwrap();
        assert_eq!(crash.class, CrashClass::Abort);
        assert_eq!(
            crash.signature,
            "scanner.c:339: serialize: Assertion `n <= 1024' failed."
        );
    }

    #[test]
    fn a_stack_overflow_and_a_bare_signal_are_told_apart() {
        let overflow =
            outcome_of("echo \"thread 'main' has overflowed its stack\" >&2\nkill -SEGV $$");
        assert_eq!(
            classify(&overflow).unwrap().class,
            CrashClass::StackOverflow
        );
        let segv = outcome_of("kill -SEGV $$");
        let crash = classify(&segv).unwrap();
        assert_eq!(crash.class, CrashClass::Signal);
        assert_eq!(crash.signature, "SIGSEGV");
    }

    #[test]
    fn memory_exhaustion_is_its_own_class() {
        let outcome =
            outcome_of("echo 'memory allocation of 8589934592 bytes failed' >&2\nkill -ABRT $$");
        assert_eq!(classify(&outcome).unwrap().class, CrashClass::Memory);
    }

    #[test]
    fn a_hang_is_killed_with_its_children_and_reported_as_a_timeout() {
        let started = Instant::now();
        let outcome = outcome_of("sleep 30 & sleep 30");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(outcome.exit, Exit::TimedOut);
        assert_eq!(classify(&outcome).unwrap().class, CrashClass::Timeout);
    }

    #[test]
    fn a_panic_plumbline_caught_is_still_a_failure() {
        let outcome = outcome_of(
            "echo 'src/a.ts: internal error: rule `forbidden-gateway-host` failed on this file (boom), so it was not linted' >&2\nexit 2",
        );
        let crash = classify(&outcome).unwrap();
        assert_eq!(crash.class, CrashClass::ContainedPanic);
        assert_eq!(
            crash.signature,
            "internal error: rule `forbidden-gateway-host`"
        );
        let answer = outcome_of(
            "echo '{\"reason\":\"plumbline did not finish checking this call (a crash)\"}'",
        );
        assert_eq!(classify(&answer).unwrap().class, CrashClass::HookGaveUp);
    }

    #[test]
    fn an_unexpected_exit_code_is_a_failure() {
        let outcome = outcome_of("exit 3");
        assert_eq!(
            classify(&outcome).unwrap().class,
            CrashClass::UnexpectedExit
        );
    }

    #[test]
    fn huge_output_is_drained_but_only_partly_kept() {
        let outcome = outcome_of("head -c 5000000 /dev/zero");
        assert_eq!(outcome.stdout_len, 5_000_000);
        assert_eq!(outcome.stdout.len(), CAPTURE_LIMIT);
    }

    #[test]
    fn the_memory_bound_applies_to_the_child() {
        let dir = tempfile::tempdir().unwrap();
        let binary = fake_binary(dir.path(), "ulimit -v");
        let bounded = Limits {
            timeout: Duration::from_secs(5),
            memory_bytes: 256 << 20,
        };
        let outcome = run(&binary, &[], dir.path(), None, &bounded).unwrap();
        assert_eq!(String::from_utf8_lossy(&outcome.stdout).trim(), "262144");
    }
}
