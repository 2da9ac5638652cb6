use super::*;

#[test]
fn json_escapes_parse_back() {
    for s in
        ["plain", "quote \" and \\ back", "line\nbreak\ttab\u{1}", "curly “quotes” and ünïcode"]
    {
        let mut out = Vec::new();
        json_string(&mut out, s);
        let back: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, s);
    }
}

#[test]
fn json_escapes_are_found_at_every_offset() {
    // The byte-at-a-time escaping the word-at-a-time scan must match.
    fn reference(s: &str) -> Vec<u8> {
        let mut out = vec![b'"'];
        for b in s.bytes() {
            match b {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                b if b < 0x20 => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
                b => out.push(b),
            }
        }
        out.push(b'"');
        out
    }
    for special in [
        "\"", "\\", "\n", "\u{0}", "\u{1f}", "\u{7f}", " ", "!", "]", "é", "\u{2028}", "\"#",
        "\u{1} ", "\\]", "\"\"",
    ] {
        for len in 0..24 {
            for at in 0..=len {
                let s = format!("{}{special}{}", "a".repeat(at), "b".repeat(len - at));
                let twice = format!("{s}{special}{s}");
                for s in [s, twice] {
                    let mut out = Vec::new();
                    json_string(&mut out, &s);
                    assert_eq!(out, reference(&s), "{s:?}");
                }
            }
        }
    }
}

#[test]
fn decimals_are_written_in_full() {
    let mut out = Vec::new();
    for n in [0, 7, 10, 12345, usize::MAX] {
        decimal(&mut out, n);
        out.push(b' ');
    }
    assert_eq!(String::from_utf8(out).unwrap(), format!("0 7 10 12345 {} ", usize::MAX));
    let powers = (0..20).map(|k| 10usize.pow(k));
    for n in
        powers.flat_map(|p| [p - 1, p, p + 1, p.saturating_mul(3).saturating_add(7)]).chain(0..1000)
    {
        let mut out = b"x".to_vec();
        decimal(&mut out, n);
        assert_eq!(out, format!("x{n}").into_bytes());
    }
}

#[test]
fn probabilities_are_rounded_to_four_places() {
    let mut out = Vec::new();
    probability(&mut out, 0.123456);
    probability(&mut out, 1.0);
    probability(&mut out, 0.0);
    assert_eq!(out, b"0.12351.00000.0000");
}

#[test]
fn probability_digits_round_as_f64_round() {
    let reference = |p: f64| {
        let v = (p.clamp(0.0, 1.0) * 10_000.0).round() as u32;
        format!("{}.{:04}", v / 10_000, v % 10_000).into_bytes()
    };
    let mut values = vec![f64::NAN, -1.0, 2.0, 0.0, 1.0, 0.5, 0.00005, 0.99995, 0.12345];
    // Every step of a ten-thousandth, the halves between them and their neighbours.
    for k in 0..=20_000u32 {
        let half = f64::from(k) / 20_000.0;
        values.extend([half, half.next_down(), half.next_up()]);
    }
    let mut state = 7u64;
    for _ in 0..100_000 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        values.push((state >> 11) as f64 / (1u64 << 53) as f64);
    }
    for p in values {
        assert_eq!(probability_digits(p).to_vec(), reference(p), "{p:e}");
    }
}

#[test]
fn eight_digit_numbers_are_written_in_full() {
    // Every number of up to eight digits takes the word-at-a-time path; a step coprime with
    // ten reaches every digit at every place.
    let mut n = 0;
    while n < 100_000_000 {
        let mut out = b"x".to_vec();
        let digits = decimal(&mut out, n);
        assert_eq!(out, format!("x{n}").into_bytes());
        assert_eq!(digits.len(), n.to_string().len());
        n += 9_973;
    }
}

#[test]
fn copied_digits_are_the_digits_written() {
    for n in [0, 9, 10, 99_999, 12_345_678, 99_999_999, 100_000_000, usize::MAX] {
        // With and without eight bytes written after the number.
        for after in [&b""[..], b",\"end\":"] {
            let mut out = b"{".to_vec();
            let digits = decimal(&mut out, n);
            out.extend_from_slice(after);
            copy_digits(&mut out, digits);
            assert_eq!(out, format!("{{{n}{}{n}", String::from_utf8_lossy(after)).into_bytes());
        }
    }
}

#[test]
fn escapes_are_found_past_any_start() {
    let text = "a\"b\\c\u{1}d\u{1f}e".repeat(9);
    let bytes = text.as_bytes();
    for from in 0..=bytes.len() {
        let expected = (from..bytes.len()).find(|&i| matches!(bytes[i], 0..=0x1f | b'"' | b'\\'));
        assert_eq!(next_escape(bytes, from), expected, "{from}");
    }
    assert_eq!(next_escape(bytes, bytes.len() + 1), None);
}
