//! What both binaries share: exit codes and error reporting.

use std::process::ExitCode;

use newsstance::{Error, ErrorKind};

/// Exit codes, documented in the README.
pub const EXIT_INPUT: u8 = 1;
pub const EXIT_MODEL: u8 = 3;
pub const EXIT_TRAINING: u8 = 4;
pub const EXIT_IO: u8 = 5;

/// Prints `err` and maps it to the exit code of its kind; a closed stdout exits quietly.
pub fn report(program: &str, err: Error) -> ExitCode {
    if err.is_broken_pipe() {
        return ExitCode::SUCCESS;
    }
    eprintln!("{program}: error: {err}");
    ExitCode::from(match err.kind() {
        ErrorKind::Input => EXIT_INPUT,
        ErrorKind::Model => EXIT_MODEL,
        ErrorKind::Training => EXIT_TRAINING,
        ErrorKind::Io => EXIT_IO,
    })
}
