//! The crate's error type: every failure names what went wrong, where, and what to do.

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in an input file, for messages that point at the offending line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file (or `-` for standard input).
    pub path: PathBuf,
    /// 1-based line number, when known.
    pub line: Option<u64>,
    /// 1-based column (field number for CSV), when known.
    pub column: Option<u64>,
}

impl Location {
    /// A location covering a whole file.
    pub fn file(path: impl AsRef<Path>) -> Self {
        Location { path: path.as_ref().to_path_buf(), line: None, column: None }
    }

    /// A location at one line of a file.
    pub fn line(path: impl AsRef<Path>, line: u64) -> Self {
        Location { path: path.as_ref().to_path_buf(), line: Some(line), column: None }
    }

    /// The same location, at a column (or CSV field).
    pub fn with_column(mut self, column: u64) -> Self {
        self.column = Some(column);
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// Broad classes of failure; binaries map them to exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user's input (CSV, articles, flags) cannot be used as given.
    Input,
    /// The model bundle is missing, damaged or incompatible.
    Model,
    /// Training could not produce a model (too few rows, one class, solver failure).
    Training,
    /// The operating system refused a read or write.
    Io,
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file has a problem at a known place.
    #[error("{location}: {message}\n  hint: {hint}")]
    BadInput {
        /// Where the problem is.
        location: Location,
        /// What is wrong.
        message: String,
        /// What the user can do about it.
        hint: String,
    },
    /// A setting or flag is invalid.
    #[error("invalid setting: {message}\n  hint: {hint}")]
    BadSetting {
        /// What is wrong.
        message: String,
        /// What the user can do about it.
        hint: String,
    },
    /// The model bundle cannot be used.
    #[error("model {path}: {message}\n  hint: {hint}")]
    BadModel {
        /// The bundle directory or file.
        path: PathBuf,
        /// What is wrong.
        message: String,
        /// What the user can do about it.
        hint: String,
    },
    /// A task cannot be trained.
    #[error("task '{task}': {message}\n  hint: {hint}")]
    Training {
        /// The task (CSV column) concerned.
        task: String,
        /// What is wrong.
        message: String,
        /// What the user can do about it.
        hint: String,
    },
    /// An operating-system I/O error on a known path.
    #[error("{path}: {source}\n  hint: {}", io_hint(source))]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The broad class of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::BadInput { .. } | Error::BadSetting { .. } => ErrorKind::Input,
            Error::BadModel { .. } => ErrorKind::Model,
            Error::Training { .. } => ErrorKind::Training,
            Error::Io { .. } => ErrorKind::Io,
        }
    }

    /// Shorthand for [`Error::BadInput`].
    pub fn input(location: Location, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::BadInput { location, message: message.into(), hint: hint.into() }
    }

    /// Shorthand for [`Error::BadSetting`].
    pub fn setting(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::BadSetting { message: message.into(), hint: hint.into() }
    }

    /// Shorthand for [`Error::BadModel`].
    pub fn model(
        path: impl AsRef<Path>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Error::BadModel {
            path: path.as_ref().to_path_buf(),
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// Shorthand for [`Error::Training`].
    pub fn training(
        task: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Error::Training { task: task.into(), message: message.into(), hint: hint.into() }
    }

    /// Shorthand for [`Error::Io`].
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io { path: path.as_ref().to_path_buf(), source }
    }

    /// True when this is a write to a closed pipe (e.g. `predict | head -1`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// What to do about an operating-system error.
fn io_hint(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "check the path",
        K::PermissionDenied => "check the permissions of the file and its directory",
        K::StorageFull => "free disk space, then run again",
        K::BrokenPipe => "the reader of the output went away",
        K::IsADirectory => "give a file, not a directory",
        K::NotADirectory => "a part of the path is a file, not a directory",
        _ => "check the path, the disk and the permissions, then run again",
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
