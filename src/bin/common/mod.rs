//! What both binaries share: exit codes and error reporting.

use std::process::ExitCode;

use newsstance::{Error, ErrorKind};

/// Exit codes, documented in the README.
pub const EXIT_INPUT: u8 = 1;
pub const EXIT_MODEL: u8 = 3;
pub const EXIT_TRAINING: u8 = 4;
pub const EXIT_IO: u8 = 5;
/// `predict`: nothing at all was scored (no input record, or every record skipped).
#[allow(dead_code)]
pub const EXIT_NOTHING_SCORED: u8 = 6;

/// Prints `err` and maps it to the exit code of its kind; a closed stdout exits quietly.
pub fn report(program: &str, err: Error) -> ExitCode {
    if err.is_broken_pipe() {
        return ExitCode::SUCCESS;
    }
    eprint_line(&format!("{program}: error: {err}"));
    ExitCode::from(match err.kind() {
        ErrorKind::Input => EXIT_INPUT,
        ErrorKind::Model => EXIT_MODEL,
        ErrorKind::Training => EXIT_TRAINING,
        ErrorKind::Io => EXIT_IO,
    })
}

/// Writes one line to stderr, ignoring failure: a closed stderr (e.g. `2>&1 | head`) must not
/// turn a warning into a panic.
pub fn eprint_line(line: &str) {
    use std::io::Write;
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(line.as_bytes()).and_then(|()| stderr.write_all(b"\n"));
}

/// Most worker threads a run may ask for: far more is a typo, and would exhaust the machine.
pub const MAX_THREADS: usize = 1024;

/// Checks `--threads N`.
pub fn check_threads(n: usize) -> newsstance::Result<usize> {
    if n > MAX_THREADS {
        return Err(Error::setting(
            format!("--threads {n} is more than {MAX_THREADS}"),
            format!(
                "use at most the number of cores ({}), or leave --threads out",
                newsstance::predict::default_threads()
            ),
        ));
    }
    Ok(n.max(1))
}

/// Parses a size in bytes: a whole number with an optional suffix K, M or G (powers of 1024).
#[allow(dead_code)]
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 10),
        Some((i, 'm' | 'M')) => (&t[..i], 20),
        Some((i, 'g' | 'G')) => (&t[..i], 30),
        _ => (t, 0),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a size such as 1000000, 64K, 256M or 1G"))?;
    if n == 0 {
        return Err("the size must be at least 1 byte".into());
    }
    n.checked_mul(1 << shift).ok_or_else(|| format!("'{s}' is too large"))
}

/// The identity of the file standard output goes to, when it is a regular file.
#[allow(dead_code)]
pub fn stdout_id() -> Option<newsstance::FileId> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
        let file = std::fs::File::from(fd);
        let meta = file.metadata().ok()?;
        if !meta.is_file() {
            return None;
        }
        newsstance::FileId::of_file(&file)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The stop signals (SIGINT, SIGTERM), blocked in the calling thread and every thread it
/// starts after; [`on_signal`] then waits for them on a thread of its own.
#[allow(dead_code)]
pub struct StopSignals(#[cfg(unix)] libc::sigset_t);

/// Blocks SIGINT and SIGTERM: call first thing in `main`, before any thread starts.
#[allow(dead_code)]
pub fn block_stop_signals() -> StopSignals {
    #[cfg(unix)]
    // SAFETY: sigset_t is plain data initialized by sigemptyset; pthread_sigmask only changes
    // the calling thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        StopSignals(set)
    }
    #[cfg(not(unix))]
    StopSignals()
}

/// Starts a thread that waits for SIGINT or SIGTERM, runs `stop` with the signal's name, and
/// exits the process with 128 + the signal number (130, 143), as a shell reports a process
/// killed by it. Elsewhere than on Unix the default handling stays.
#[allow(dead_code)]
pub fn on_signal(signals: StopSignals, stop: impl FnOnce(&str) + Send + 'static) {
    #[cfg(unix)]
    {
        let set = signals.0;
        std::thread::spawn(move || {
            let mut sig: libc::c_int = 0;
            // SAFETY: `set` was filled by block_stop_signals; sigwait writes the signal number.
            let rc = unsafe { libc::sigwait(&set, &mut sig) };
            if rc != 0 {
                return;
            }
            stop(if sig == libc::SIGINT { "SIGINT" } else { "SIGTERM" });
            std::process::exit(128 + sig);
        });
    }
    #[cfg(not(unix))]
    {
        let _ = (signals, stop);
    }
}

/// Runs the global rayon pool on `n` threads (checked with [`check_threads`]); for the binaries
/// without a pool of their own (predict builds its own).
#[allow(dead_code)]
pub fn use_threads(n: usize) -> newsstance::Result<()> {
    let n = check_threads(n)?;
    rayon::ThreadPoolBuilder::new().num_threads(n).build_global().map_err(|e| {
        newsstance::Error::setting(format!("cannot start {n} threads: {e}"), "use fewer --threads")
    })
}
