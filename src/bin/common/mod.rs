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
