//! The hook answers even when it cannot finish. Agents treat a crash
//! (exit 101 or 134) or a timeout as "let the call through", whatever
//! `--fail-closed` says, so the hook keeps a ready-made answer (allow with a
//! warning, or deny when failing closed) and hands it over in three cases:
//!
//! - a panic: the caller catches it and renders the answer normally;
//! - a native abort or a crash (a C assertion in a parser, a stack
//!   overflow): a signal handler on its own stack writes the bytes prepared
//!   in advance with `write(2)` and leaves with `_exit(2)`;
//! - the time budget runs out: a watchdog thread does the same.
//!
//! Whoever answers first claims the right to answer; the others stay quiet.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicPtr, AtomicU64, AtomicUsize, Ordering};
use std::sync::Once;
use std::time::{Duration, Instant};

use super::protocol::Response;

/// Set once an answer has been (or is being) written.
static ANSWERED: AtomicBool = AtomicBool::new(false);
static STDOUT_PTR: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static STDOUT_LEN: AtomicUsize = AtomicUsize::new(0);
static STDERR_PTR: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static STDERR_LEN: AtomicUsize = AtomicUsize::new(0);
static EXIT_CODE: AtomicI32 = AtomicI32::new(1);
/// Milliseconds after `START` when the watchdog answers; 0 = never.
static DEADLINE_MS: AtomicU64 = AtomicU64::new(0);

/// Prepares `response` as the answer to give if the hook cannot finish.
/// May be called again as more is known (the agent, the config's
/// fail-closed setting); the bytes of earlier answers are kept alive, since
/// a handler may be reading them.
pub fn prepare(response: &Response) {
    let out: &'static [u8] = Box::leak(response.stdout.clone().into_bytes().into_boxed_slice());
    let err: &'static [u8] = Box::leak(response.stderr.clone().into_bytes().into_boxed_slice());
    // Lengths go to zero first so a handler never pairs a new pointer with
    // an old, longer length.
    STDOUT_LEN.store(0, Ordering::SeqCst);
    STDERR_LEN.store(0, Ordering::SeqCst);
    STDOUT_PTR.store(out.as_ptr().cast_mut(), Ordering::SeqCst);
    STDERR_PTR.store(err.as_ptr().cast_mut(), Ordering::SeqCst);
    STDOUT_LEN.store(out.len(), Ordering::SeqCst);
    STDERR_LEN.store(err.len(), Ordering::SeqCst);
    EXIT_CODE.store(response.exit_code, Ordering::SeqCst);
}

/// Claims the right to answer. `false`: an answer was already given.
pub fn claim() -> bool {
    !ANSWERED.swap(true, Ordering::SeqCst)
}

/// Writes the prepared answer and ends the process, using only
/// async-signal-safe calls. When the answer is already being written by
/// someone else, a crash ends the process with its exit code and the
/// watchdog simply stops.
fn answer_and_exit(crashed: bool) {
    if !claim() {
        if crashed {
            // SAFETY: `_exit` ends the process without running anything else.
            unsafe { libc::_exit(EXIT_CODE.load(Ordering::SeqCst)) }
        }
        return;
    }
    write_all(
        libc::STDOUT_FILENO,
        STDOUT_PTR.load(Ordering::SeqCst),
        STDOUT_LEN.load(Ordering::SeqCst),
    );
    write_all(
        libc::STDERR_FILENO,
        STDERR_PTR.load(Ordering::SeqCst),
        STDERR_LEN.load(Ordering::SeqCst),
    );
    // SAFETY: `_exit` ends the process without running anything else.
    unsafe { libc::_exit(EXIT_CODE.load(Ordering::SeqCst)) }
}

fn write_all(fd: libc::c_int, mut ptr: *const u8, mut len: usize) {
    if ptr.is_null() {
        return;
    }
    while len > 0 {
        // SAFETY: `ptr..ptr+len` lies in a leaked, never freed slice.
        let n = unsafe { libc::write(fd, ptr.cast(), len) };
        if n <= 0 {
            return;
        }
        let n = n as usize;
        // SAFETY: `n <= len`, so the pointer stays inside the slice.
        ptr = unsafe { ptr.add(n) };
        len -= n;
    }
}

extern "C" fn on_fatal_signal(_signal: libc::c_int) {
    answer_and_exit(true);
}

/// Size of the alternate stack the crash handler runs on (a stack overflow
/// leaves no room on the normal one).
const ALT_STACK_SIZE: usize = 64 * 1024;

/// Installs the crash handler for SIGABRT, SIGSEGV, SIGBUS, SIGILL and
/// SIGFPE on an alternate stack. Once per process.
pub fn install_crash_handler() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let stack: &'static mut [u8] = Box::leak(vec![0u8; ALT_STACK_SIZE].into_boxed_slice());
        // SAFETY: plain libc calls with fully initialised structures; the
        // stack memory is leaked, so it outlives every signal.
        unsafe {
            let alt = libc::stack_t {
                ss_sp: stack.as_mut_ptr().cast(),
                ss_flags: 0,
                ss_size: stack.len(),
            };
            libc::sigaltstack(&alt, std::ptr::null_mut());
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_fatal_signal as extern "C" fn(libc::c_int) as usize;
            action.sa_flags = libc::SA_ONSTACK;
            libc::sigemptyset(&mut action.sa_mask);
            for signal in [
                libc::SIGABRT,
                libc::SIGSEGV,
                libc::SIGBUS,
                libc::SIGILL,
                libc::SIGFPE,
            ] {
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
    });
}

/// Starts the watchdog: once `budget` has passed since this call (or since
/// the start, after `set_budget`), it gives the prepared answer.
pub fn start_watchdog(budget: Duration) {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    set_budget(budget);
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        let handle = std::thread::spawn(move || loop {
            let deadline = DEADLINE_MS.load(Ordering::SeqCst);
            let elapsed = start.elapsed().as_millis() as u64;
            if deadline > 0 && elapsed >= deadline {
                answer_and_exit(false);
                return;
            }
            let wait = if deadline == 0 {
                100
            } else {
                (deadline - elapsed).clamp(1, 100)
            };
            std::thread::park_timeout(Duration::from_millis(wait));
        });
        let _ = WATCHDOG.set(handle.thread().clone());
    });
}

/// The watchdog thread, woken when its deadline moves.
static WATCHDOG: std::sync::OnceLock<std::thread::Thread> = std::sync::OnceLock::new();

/// Moves the watchdog's deadline to `budget` after its start.
pub fn set_budget(budget: Duration) {
    DEADLINE_MS.store((budget.as_millis() as u64).max(1), Ordering::SeqCst);
    if let Some(watchdog) = WATCHDOG.get() {
        watchdog.unpark();
    }
}
