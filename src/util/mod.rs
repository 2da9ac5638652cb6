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
