//! JSONL files mapped into memory instead of read: a block of lines is then a range of the
//! mapping, shared by the blocks, and the file's bytes are never copied into blocks of their
//! own (that copy was about half of the reading thread's time in `predict --split-only`).
//!
//! The blocks are cut exactly where reading the file would cut them ([`MappedLines`] counts
//! the bytes each read would have returned), so a mapped file gives the same blocks, skips,
//! errors and output as a read one. Standard input, pipes and other streams are read.
//!
//! A mapped file must not be truncated while it is read: on most systems the process is then
//! stopped by a signal (`SIGBUS`) when it reaches the missing pages.

use std::ops::{Deref, Range};
use std::sync::Arc;

use super::jsonl::{Block, JSONL_BLOCK, SKIP_LIMIT};

/// Whole JSONL lines: read into a buffer of their own, or a range of a mapped file.
#[derive(Clone)]
pub(crate) enum LineBytes {
    /// Read from a stream.
    Owned(Vec<u8>),
    /// A range of a mapped file.
    Mapped(Arc<Mapping>, Range<usize>),
}

impl Deref for LineBytes {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        match self {
            LineBytes::Owned(bytes) => bytes,
            LineBytes::Mapped(map, range) => &map.bytes()[range.clone()],
        }
    }
}

impl From<Vec<u8>> for LineBytes {
    fn from(bytes: Vec<u8>) -> Self {
        LineBytes::Owned(bytes)
    }
}

impl PartialEq for LineBytes {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for LineBytes {}

impl std::fmt::Debug for LineBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self))
    }
}

/// A file mapped read-only into memory, unmapped when the last block holding it is dropped.
pub(crate) struct Mapping {
    #[cfg(unix)]
    ptr: *mut libc::c_void,
    #[cfg(unix)]
    len: usize,
    #[cfg(not(unix))]
    never: std::convert::Infallible,
}

// SAFETY: the mapping is read-only and only read through shared references; it is unmapped
// once, by `Drop`, when no reference to it is left.
#[cfg(unix)]
unsafe impl Send for Mapping {}
// SAFETY: as above.
#[cfg(unix)]
unsafe impl Sync for Mapping {}

impl Mapping {
    /// `file` mapped whole, when it is a regular file that is not empty and mapping works;
    /// `None` otherwise (it is then read).
    #[cfg(unix)]
    pub(crate) fn of(file: &std::fs::File) -> Option<Mapping> {
        use std::os::unix::io::AsRawFd;
        let meta = file.metadata().ok()?;
        let len = usize::try_from(meta.len()).ok()?;
        if !meta.is_file() || len == 0 {
            return None;
        }
        // SAFETY: a fresh read-only private mapping of an open file descriptor; the result
        // is checked before it is used.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return None;
        }
        // Read ahead: the file is read once, from start to end. Only a hint.
        // SAFETY: the range is the mapping just made.
        unsafe { libc::madvise(ptr, len, libc::MADV_SEQUENTIAL) };
        Some(Mapping { ptr, len })
    }

    /// Files are read, not mapped, where mapping is not written for the system.
    #[cfg(not(unix))]
    pub(crate) fn of(_file: &std::fs::File) -> Option<Mapping> {
        None
    }

    /// The file's bytes.
    #[cfg(unix)]
    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: `ptr` maps `len` readable bytes until `self` is dropped.
        unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) }
    }

    #[cfg(not(unix))]
    pub(crate) fn bytes(&self) -> &[u8] {
        match self.never {}
    }
}

#[cfg(unix)]
impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `Mapping::of`, unmapped once; no slice of it outlives
        // `self`.
        unsafe { libc::munmap(self.ptr, self.len) };
    }
}

/// A mapped JSONL file cut into blocks where reading it would cut them
/// ([`super::jsonl::read_lines_block`]): `read` is how far reading would have got, and
/// `carry..read` the start of a line that reading would hold over to the next block.
pub(super) struct MappedLines {
    map: Arc<Mapping>,
    carry: usize,
    read: usize,
}

impl MappedLines {
    pub(super) fn new(map: Mapping) -> Self {
        MappedLines { map: Arc::new(map), carry: 0, read: 0 }
    }

    /// The bytes a read of at most `want` bytes returns, from `read` on.
    fn read(&mut self, want: u64) -> u64 {
        let n = want.min((self.map.bytes().len() - self.read) as u64);
        self.read += n as usize;
        n
    }

    /// The next block, as [`super::jsonl::read_lines_block`] reads it from the same file.
    pub(super) fn next_block(&mut self, max_line: u64) -> std::io::Result<Option<Block>> {
        let start = self.carry;
        let mut target = JSONL_BLOCK.max(2 * (self.read - start));
        let mut searched = start;
        loop {
            let len = (self.read - start) as u64;
            if len > max_line {
                let dropped = len + self.skip_rest_of_line(max_line)?;
                return Ok(Some(Block::TooLong(dropped)));
            }
            let room = (max_line + 1).saturating_sub(len);
            let want = (target.saturating_sub(len as usize).max(4096) as u64).min(room.max(4096));
            let end_of_stream = self.read(want) < want;
            let bytes = &self.map.bytes()[..self.read];
            if end_of_stream {
                self.carry = self.read;
                let len = (bytes.len() - start) as u64;
                if memchr::memchr(b'\n', &bytes[start..]).is_none() && len > max_line {
                    return Ok(Some(Block::TooLong(len)));
                }
                return Ok((bytes.len() > start).then(|| self.lines(start..bytes.len())));
            }
            match memchr::memrchr(b'\n', &bytes[searched..]) {
                Some(i) => {
                    self.carry = searched + i + 1;
                    return Ok(Some(self.lines(start..self.carry)));
                }
                None => {
                    searched = self.read;
                    target = 2 * (self.read - start);
                }
            }
        }
    }

    /// The mapped file.
    pub(super) fn mapping(&self) -> Arc<Mapping> {
        Arc::clone(&self.map)
    }

    fn lines(&self, range: Range<usize>) -> Block {
        Block::Lines(LineBytes::Mapped(Arc::clone(&self.map), range))
    }

    /// As [`super::jsonl::skip_rest_of_line`]: past the next line feed, in reads of
    /// [`JSONL_BLOCK`] bytes, with the same error for a line that does not end.
    fn skip_rest_of_line(&mut self, max_line: u64) -> std::io::Result<u64> {
        let mut dropped = 0u64;
        loop {
            if dropped > max_line.saturating_mul(SKIP_LIMIT) {
                return Err(super::jsonl::endless_line(dropped, max_line));
            }
            let from = self.read;
            let n = self.read(JSONL_BLOCK as u64);
            if n == 0 {
                self.carry = self.read;
                return Ok(dropped);
            }
            match memchr::memchr(b'\n', &self.map.bytes()[from..self.read]) {
                Some(i) => {
                    self.carry = from + i + 1;
                    return Ok(dropped + i as u64);
                }
                None => dropped += n,
            }
        }
    }
}

#[cfg(test)]
mod tests;
