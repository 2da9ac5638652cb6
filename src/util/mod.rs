//! Small helpers shared by the stages: CSV quote scanning, SHA-256, shortened quotes of input.

pub(crate) mod quote;

/// Lowercase hex SHA-256 of `bytes`.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `s` cut to at most `max` bytes (on a char boundary) with "..." appended when cut, so that a
/// message quoting input (a binary file's "header") stays readable.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

pub(crate) mod lines;

/// Hints the CPU to bring the cache lines holding `values` into cache, so that the misses of
/// reads known in advance overlap instead of following one another (no effect where not
/// supported; never faults). One prefetch per cache line the values touch, from the line of
/// the first byte to the line of the last: a value row of 80 bytes takes two, not three.
#[inline(always)]
pub(crate) fn prefetch<T>(values: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let bytes = std::mem::size_of_val(values);
        if bytes == 0 {
            return;
        }
        let start = values.as_ptr().cast::<i8>();
        if bytes <= 64 {
            // At most two lines, those of the first and the last byte (the common case of one
            // value, whose size is known when compiling: no loop).
            // SAFETY: a prefetch does not access memory; both addresses are within `values`.
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(start);
                _mm_prefetch::<_MM_HINT_T0>(start.add(bytes - 1));
            }
            return;
        }
        // Bytes from the start of the first byte's line to the last byte.
        let lines_span = (start as usize % 64) + bytes - 1;
        let mut offset = 0;
        loop {
            // SAFETY: a prefetch does not access memory; the address is within `values` (the
            // first byte) or on a line that holds one of its bytes, and is never dereferenced.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset)) };
            offset += 64;
            if offset > lines_span {
                break;
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = values;
}

/// What a path names, told apart by identity rather than by spelling: on Unix the device and
/// inode of the file (so a symlink, a hard link, `./x` and `x` are one file), elsewhere the
/// canonical path. `None` when the path does not exist (or cannot be examined).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] std::path::PathBuf);

impl FileId {
    /// The identity of the file at `path` (symlinks followed).
    pub fn of(path: &std::path::Path) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = std::fs::metadata(path).ok()?;
            Some(FileId((meta.dev(), meta.ino())))
        }
        #[cfg(not(unix))]
        {
            std::fs::canonicalize(path).ok().map(FileId)
        }
    }

    /// The identity of an open file (on Unix; elsewhere `None`).
    pub fn of_file(file: &std::fs::File) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let meta = file.metadata().ok()?;
            Some(FileId((meta.dev(), meta.ino())))
        }
        #[cfg(not(unix))]
        {
            let _ = file;
            None
        }
    }
}

/// A path as it appears in record ids and dead-letter lines. On Unix every backslash is
/// doubled and each byte that is not UTF-8 is written `\xNN` (two hex digits), so two paths
/// that differ only in invalid bytes keep distinct ids (a lossy conversion would turn both into
/// U+FFFD), and no escape can be mistaken for a name that spells it. Elsewhere the path is
/// shown as the platform shows it.
pub fn path_id(path: &std::path::Path) -> String {
    #[cfg(unix)]
    {
        // Backslashes are doubled in every path, so that an escape stands only for a byte.
        if let Some(s) = path.to_str() {
            return s.replace('\\', "\\\\");
        }
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(&chunk.valid().replace('\\', "\\\\"));
            for b in chunk.invalid() {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}
