//! Tests of every input format: records, skips, warnings, blocks, unclosed quotes.

use super::jsonl::JSONL_BLOCK;
use super::*;
use std::io::Write;

fn items(name: &str, content: &[u8]) -> (Vec<Item>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path).unwrap().write_all(content).unwrap();
    let mut reader = InputReader::new(InputSource::resolve(&[path]).unwrap());
    let mut out = Vec::new();
    while let Some(item) = reader.next_item().unwrap() {
        out.push(item);
    }
    (out, reader.take_warnings())
}

fn record(item: &Item) -> (&str, &str) {
    match item {
        Item::Record(r) => (r.id.as_str(), r.text.as_str()),
        Item::Skip(s) => panic!("unexpected skip: {s:?}"),
    }
}

#[test]
fn jsonl_bad_lines_are_skipped_and_good_lines_kept() {
    let (items, _) = items(
        "in.jsonl",
        b"{\"id\":\"a\",\"text\":\"One.\"}\nnot json\n\n{\"id\":7}\n{\"text\":\"No id.\"}\n",
    );
    assert_eq!(items.len(), 4);
    assert_eq!(record(&items[0]), ("a", "One."));
    assert!(matches!(&items[1], Item::Skip(s) if s.origin.line == Some(2)));
    assert!(matches!(&items[2], Item::Skip(s) if s.reason.contains("no \"text\"")));
    let (id, text) = record(&items[3]);
    assert!(id.ends_with("in.jsonl:5") && text == "No id.", "{id}");
}

#[test]
fn csv_records_with_and_without_ids() {
    let (items, _) = items("in.csv", b"id,text\nx,\"Hello, world.\"\n,Second.\n");
    assert_eq!(record(&items[0]), ("x", "Hello, world."));
    assert!(record(&items[1]).0.ends_with("in.csv:3"));
}

#[test]
fn invalid_utf8_is_replaced_with_a_warning() {
    let (items, warnings) = items("a.txt", b"Caf\xe9 news.");
    assert_eq!(record(&items[0]).1, "Caf\u{fffd} news.");
    assert_eq!(warnings.len(), 1);
}

#[test]
fn empty_and_binary_files_are_skipped() {
    assert!(matches!(&items("e.txt", b"  \n").0[0], Item::Skip(s) if s.reason == "empty file"));
    assert!(
        matches!(&items("b.txt", b"\x00\x01ELF").0[0], Item::Skip(s) if s.reason.contains("binary"))
    );
}

fn skip(item: &Item) -> &Skip {
    match item {
        Item::Skip(s) => s,
        Item::Record(r) => panic!("unexpected record: {r:?}"),
    }
}

#[test]
fn jsonl_bom_empty_text_wrong_types_and_binary_lines() {
    let (items, _) = items(
        "in.jsonl",
        b"\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"One.\"}\n{\"id\":\"b\",\"text\":\"  \"}\n{\"id\":\"c\",\"text\":5}\n{\"text\":\"x\\u0000\"}\n\x00\x01\x02\n[1,2]\n",
    );
    assert_eq!(record(&items[0]), ("a", "One."));
    assert_eq!(skip(&items[1]).reason, "empty \"text\"");
    assert_eq!(skip(&items[1]).id.as_deref(), Some("b"));
    assert!(skip(&items[2]).reason.contains("is a number"), "{:?}", items[2]);
    // An escaped NUL inside a JSON string is text, not binary data.
    assert_eq!(record(&items[3]).1, "x\u{0}");
    assert!(skip(&items[4]).reason.contains("binary"));
    assert!(skip(&items[5]).reason.contains("not a JSON object"));
    assert_eq!(skip(&items[5]).origin.line, Some(6));
    assert_eq!(items.len(), 6);
}

#[test]
fn empty_jsonl_and_csv_files_warn_and_yield_nothing() {
    for name in ["e.jsonl", "e.csv"] {
        let (items, warnings) = items(name, b"");
        assert!(items.is_empty(), "{name}");
        assert_eq!(warnings.len(), 1, "{name}");
        assert!(warnings[0].contains("empty file, no records"), "{warnings:?}");
    }
}

#[test]
fn csv_unclosed_quote_in_the_last_record_becomes_a_skip() {
    let (got, _) = items(
        "q.csv",
        b"id,text\na,Fine.\nb,\"Opened, never closed.\nc,Swallowed.\nd,Also swallowed.\n",
    );
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(record(&got[0]), ("a", "Fine."));
    let s = skip(&got[1]);
    assert_eq!(s.id.as_deref(), Some("b"));
    assert_eq!(s.origin.line, Some(3));
    assert!(s.reason.contains("never closed") && s.reason.contains("cell 2"), "{}", s.reason);
    // A closed multi-line cell at the end is fine.
    let (ok, _) = items("ok.csv", b"id,text\na,\"Two\nlines.\"\n");
    assert_eq!(record(&ok[0]), ("a", "Two\nlines."));
}

#[test]
fn csv_binary_and_empty_cells_are_skipped() {
    let (items, _) = items("b.csv", b"id,text\na,\x00\x01\nb,\nc,Kept.\n");
    assert!(skip(&items[0]).reason.contains("binary"));
    assert!(skip(&items[1]).reason.contains("empty"));
    assert_eq!(record(&items[2]), ("c", "Kept."));
}

#[test]
fn from_reader_reads_like_a_file() {
    let bytes = b"{\"text\":\"One.\"}\nbad\n".to_vec();
    let mut reader =
        InputReader::from_reader(InputFormat::Jsonl, "net", std::io::Cursor::new(bytes));
    let first = reader.next_item().unwrap().unwrap();
    assert_eq!(record(&first), ("net:1", "One."));
    assert_eq!(skip(&reader.next_item().unwrap().unwrap()).origin.line, Some(2));
    assert!(reader.next_item().unwrap().is_none());
    let mut reader = InputReader::from_reader(
        InputFormat::Text,
        "doc",
        std::io::Cursor::new(b"\xEF\xBB\xBFText.".to_vec()),
    );
    assert_eq!(record(&reader.next_item().unwrap().unwrap()), ("doc", "Text."));
}

/// Hands out at most `step` bytes per read, as a pipe or a socket may.
struct Trickle {
    bytes: Vec<u8>,
    at: usize,
    step: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn from_reader_finds_an_unclosed_quote_at_the_end_like_a_file() {
    // What an item says, whatever the path it was read from.
    fn seen(item: &Item) -> (bool, Option<u64>, String) {
        match item {
            Item::Record(r) => (true, r.origin.line, r.text.clone()),
            Item::Skip(s) => (false, s.origin.line, s.reason.clone()),
        }
    }
    let inputs: [&[u8]; 6] = [
        b"id,text\na,Fine.\nb,\"Opened, never closed.\nc,Swallowed.\nd,Also swallowed.\n",
        b"text\nFine.\n\"",
        b"id,text\r\na,\"Two\nlines.\"\r\nb,\"Say \"\"hi\"\"\"\n",
        b"id,text\na,Fine.\nb,\"Open \"\"quoted\"\" and\nnever closed\n\n",
        b"id,text\na,ab\"c\nb,\"x\"",
        b"id,text\n",
    ];
    for (n, content) in inputs.iter().enumerate() {
        let (from_file, _) = items("in.csv", content);
        let expected: Vec<_> = from_file.iter().map(seen).collect();
        if n < 2 || n == 3 {
            assert!(
                expected
                    .last()
                    .is_some_and(|(record, _, reason)| !record && reason.contains("never closed")),
                "input {n}: {expected:?}"
            );
        }
        for step in [1, 3, 64, 1 << 20] {
            let source = Trickle { bytes: content.to_vec(), at: 0, step };
            let mut reader = InputReader::from_reader(InputFormat::Csv, "net", source);
            let mut got = Vec::new();
            while let Some(item) = reader.next_item().unwrap() {
                got.push(seen(&item));
            }
            assert_eq!(got, expected, "input {n}, step {step}");
        }
    }
}

#[test]
fn jsonl_blocks_hold_whole_lines_and_keep_line_numbers() {
    // Short lines, blank lines, CRLF, a line longer than two blocks, no final line end.
    let long = "x".repeat(2 * JSONL_BLOCK + 17);
    let mut content = String::new();
    let mut expected = Vec::new();
    for i in 1..=3000u64 {
        match i % 500 {
            7 => content.push_str("   \n"),
            8 => content.push_str("{\"text\":\"crlf\"}\r\n"),
            9 => content.push_str(&format!("{{\"id\":\"long\",\"text\":\"{long}\"}}\n")),
            _ => content.push_str(&format!("{{\"id\":\"r{i}\",\"text\":\"Line {i}.\"}}\n")),
        }
        if i % 500 != 7 {
            expected.push(i);
        }
    }
    content.push_str("{\"text\":\"last\"}");
    expected.push(3001);
    for step in [1 << 20, 4096, 1000, 7] {
        let source = Trickle { bytes: content.clone().into_bytes(), at: 0, step };
        let mut reader = InputReader::from_reader(InputFormat::Jsonl, "s", source);
        let mut lines = Vec::new();
        let mut first = 1;
        while let Some(raw) = reader.next_raw().unwrap() {
            let RawItem::JsonLines(block) = raw else { panic!("JSONL comes in blocks") };
            assert_eq!(block.first_line(), first, "step {step}");
            assert!(block.bytes().ends_with(b"\n") || block.bytes().ends_with(b"}"));
            first += block.line_count();
            block.parse(&mut Vec::new(), |item| match item {
                Item::Record(r) => {
                    let line = r.origin.line.unwrap();
                    match line % 500 {
                        8 => assert_eq!(r.text, "crlf"),
                        9 => assert_eq!(r.text, long),
                        _ if line == 3001 => assert_eq!(r.id, "s:3001"),
                        _ => assert_eq!(r.text, format!("Line {line}.")),
                    }
                    lines.push(line);
                }
                Item::Skip(s) => panic!("unexpected skip {s:?}"),
            });
        }
        assert_eq!(first, 3002, "step {step}");
        assert_eq!(lines, expected, "step {step}");
    }
}

#[test]
fn skip_lines_are_json() {
    let s = Skip {
        id: None,
        origin: Location::line("a \"b\".jsonl", 3),
        reason: "no \"text\" field".into(),
    };
    let v: serde_json::Value = serde_json::from_slice(&s.to_json_line()).unwrap();
    assert_eq!(v["id"], serde_json::Value::Null);
    assert_eq!(v["source"], "a \"b\".jsonl");
    assert_eq!(v["line"], 3);
    assert_eq!(v["reason"], "no \"text\" field");
}

#[test]
fn a_binary_csv_is_refused_with_a_short_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.csv");
    let junk: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8 | 0x80).collect();
    std::fs::write(&path, junk).unwrap();
    let mut reader = InputReader::new(InputSource::resolve(&[path]).unwrap());
    let e = reader.next_item().unwrap_err().to_string();
    assert!(e.contains("b.csv:1: no 'text' column") && e.len() < 600, "{e}");
}

#[test]
fn an_unreadable_file_in_a_directory_is_a_skip() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "Text.").unwrap();
    std::os::unix::fs::symlink("/nonexistent/x", dir.path().join("b.txt")).unwrap();
    let mut reader = InputReader::new(InputSource::resolve(&[dir.path().into()]).unwrap());
    assert_eq!(record(&reader.next_item().unwrap().unwrap()).1, "Text.");
    let item = reader.next_item().unwrap().unwrap();
    assert!(skip(&item).reason.starts_with("cannot read the file"), "{item:?}");
    assert!(reader.next_item().unwrap().is_none());
}

#[test]
fn a_quote_opened_at_the_very_end_of_a_csv_is_a_skip() {
    let (got, _) = items("q.csv", b"text\nFine.\n\"");
    assert_eq!(record(&got[0]).1, "Fine.");
    assert!(skip(&got[1]).reason.contains("never closed"), "{got:?}");
}

#[test]
fn resolve_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let e = InputSource::resolve(&[dir.path().to_path_buf()]).unwrap_err().to_string();
    assert!(e.contains("no .txt files"), "{e}");
    let e = InputSource::resolve(&[dir.path().join("missing.txt")]).unwrap_err().to_string();
    assert!(e.contains("no such file"), "{e}");
    std::fs::write(dir.path().join("x.pdf"), b"%PDF").unwrap();
    let e = InputSource::resolve(&[dir.path().join("x.pdf")]).unwrap_err().to_string();
    assert!(e.contains("unknown input type"), "{e}");
}
