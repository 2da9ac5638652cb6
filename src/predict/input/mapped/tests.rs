//! A mapped JSONL file gives what reading it gives: the same blocks, skips and errors.

use super::super::jsonl::JSONL_BLOCK;
use super::super::{InputReader, InputSource, Item, RawItem};

/// Everything `next_raw` yields for `content` as a file, mapped or read, with the error that
/// ends it, if any.
fn raw_items(content: &[u8], max: u64, map: bool) -> (Vec<RawItem>, Option<String>, Vec<String>) {
    // One path for every file, so that blocks of two runs compare equal.
    let path = std::env::temp_dir().join(format!("newsstance-mapped-{}", std::process::id()));
    std::fs::create_dir_all(&path).unwrap();
    let path = path.join(format!("{:?}.jsonl", std::thread::current().id()));
    std::fs::write(&path, content).unwrap();
    let mut reader = InputReader::new(InputSource::resolve(std::slice::from_ref(&path)).unwrap())
        .with_max_record_bytes(max)
        .with_mapped_files(map);
    let mut items = Vec::new();
    let error = loop {
        match reader.next_raw() {
            Ok(Some(raw)) => items.push(raw),
            Ok(None) => break None,
            Err(e) => break Some(e.to_string()),
        }
    };
    std::fs::remove_file(&path).unwrap();
    (items, error, reader.take_warnings())
}

fn assert_same(content: &[u8], max: u64) -> (Vec<RawItem>, Option<String>) {
    let read = raw_items(content, max, false);
    let mapped = raw_items(content, max, true);
    assert!(read == mapped, "{} bytes, limit {max}: mapped and read differ", content.len());
    (read.0, read.1)
}

fn line(i: usize, len: usize) -> String {
    format!("{{\"id\":\"r{i}\",\"text\":\"{}\"}}\n", "x".repeat(len))
}

#[test]
fn mapped_and_read_files_give_the_same_blocks() {
    let mut content = String::new();
    for i in 0..4000 {
        content.push_str(&line(i, [5, 80, 3000][i % 3]));
        if i % 997 == 0 {
            content.push_str(&line(i, 3 * JSONL_BLOCK));
        }
    }
    let (items, error) = assert_same(content.as_bytes(), 1 << 30);
    assert!(error.is_none() && items.len() > 10);
    // The last line without a line end.
    content.push_str("{\"text\":\"last\"}");
    let (items, _) = assert_same(content.as_bytes(), 1 << 30);
    let RawItem::JsonLines(last) = items.last().unwrap() else { panic!("a block") };
    assert!(last.bytes().ends_with(b"{\"text\":\"last\"}"));
}

#[test]
fn mapped_and_read_files_skip_the_same_long_lines() {
    let mut content = String::new();
    for i in 0..300 {
        content.push_str(&line(i, [10, 5000, 70_000, 600_000][i % 4]));
    }
    for max in [1000, 60_000, 100_000, 1 << 20] {
        let (items, error) = assert_same(content.as_bytes(), max);
        // A line of 600,000 bytes goes on for more than 16 times 1000: the reading stops.
        assert_eq!(error.is_some(), max == 1000, "limit {max}");
        let skips = items.iter().filter(|r| matches!(r, RawItem::Item(Item::Skip(_)))).count();
        assert!(max > 600_100 || skips > 0, "limit {max}");
    }
    // A last line over the limit, without a line end.
    content.push_str(&"y".repeat(70_000));
    assert_same(content.as_bytes(), 60_000);
}

#[test]
fn a_line_that_never_ends_is_the_same_error_mapped_or_read() {
    let mut content = line(0, 10).into_bytes();
    content.extend(std::iter::repeat_n(b'z', 40 * JSONL_BLOCK));
    let (_, error) = assert_same(&content, 1000);
    assert!(error.unwrap().contains("without a line feed"));
}

#[test]
fn an_empty_file_is_not_mapped_and_warns_as_before() {
    let (items, error, warnings) = raw_items(b"", 1 << 20, true);
    assert!(items.is_empty() && error.is_none());
    assert!(warnings.iter().any(|w| w.contains("empty file")), "{warnings:?}");
    assert_eq!(raw_items(b"", 1 << 20, false).2, warnings);
}

#[test]
fn files_are_mapped_and_streams_read_with_the_same_records() {
    let content = format!("{}{}", line(1, 20), line(2, 30));
    let (mapped, _, _) = raw_items(content.as_bytes(), 1 << 20, true);
    let (read, _, _) = raw_items(content.as_bytes(), 1 << 20, false);
    let cursor = std::io::Cursor::new(content.clone().into_bytes());
    let mut stream = InputReader::from_reader(super::super::InputFormat::Jsonl, "s", cursor);
    let streamed = stream.next_raw().unwrap().unwrap();
    let texts = |raw: &RawItem| {
        let RawItem::JsonLines(lines) = raw else { panic!("a block") };
        let mut texts = Vec::new();
        lines.parse(&mut Vec::new(), |item| match item {
            Item::Record(r) => texts.push((r.id, r.text)),
            Item::Skip(s) => panic!("{s:?}"),
        });
        (lines.is_mapped(), texts)
    };
    let (is_mapped, expected) = texts(&streamed);
    assert!(!is_mapped && expected.len() == 2);
    assert_eq!(texts(&mapped[0]), (true, expected.clone()));
    assert_eq!(texts(&read[0]), (false, expected));
}

/// The records, skips and warnings of each item, each block parsed on its own.
fn parsed(items: &[RawItem]) -> Vec<(Vec<Item>, Vec<String>)> {
    let parse = |raw: &RawItem| match raw {
        RawItem::Item(item) => (vec![item.clone()], Vec::new()),
        RawItem::JsonLines(lines) => {
            let (mut items, mut warnings) = (Vec::new(), Vec::new());
            lines.parse(&mut warnings, |item| items.push(item));
            (items, warnings)
        }
    };
    items.iter().map(parse).collect()
}

#[test]
fn line_numbers_of_a_mapped_file_are_found_in_any_order() {
    let mut content = Vec::new();
    for i in 0..3000 {
        match i % 7 {
            0 => content.extend(format!("{{\"text\":\"Line {i}. No id.\"}}\n").bytes()),
            1 if i % 97 == 1 => content.extend(b"not json\n"),
            2 if i % 131 == 2 => content.extend(b"{\"text\":\"bad \xff byte\"}\n"),
            3 if i % 700 == 3 => content.extend(line(i, 400_000).bytes()),
            _ => content.extend(line(i, [10, 900, 4000][i % 3]).bytes()),
        }
    }
    let (read, error, _) = raw_items(&content, 300_000, false);
    assert!(error.is_none(), "{error:?}");
    let (mapped, ..) = raw_items(&content, 300_000, true);
    assert!(mapped.iter().any(|r| matches!(r, RawItem::JsonLines(l) if l.is_mapped())));
    // Later blocks first: their line numbers count the lines of the blocks before them.
    let mut backwards: Vec<RawItem> = mapped.iter().rev().cloned().collect();
    let mut from_mapped = parsed(&backwards);
    from_mapped.reverse();
    let expected = parsed(&read);
    assert_eq!(from_mapped, expected);
    // The ids made from line numbers, the skips and the warnings name the right lines.
    let all: Vec<&Item> = expected.iter().flat_map(|(items, _)| items).collect();
    let ids: Vec<&str> = all
        .iter()
        .filter_map(|i| match i {
            Item::Record(r) => Some(r.id.as_str()),
            Item::Skip(_) => None,
        })
        .collect();
    assert!(ids.iter().any(|id| id.ends_with(":2997")), "{:?}", &ids[ids.len() - 3..]);
    assert!(all.iter().any(|i| matches!(i, Item::Skip(s) if s.origin.line == Some(2104))));
    assert!(all.iter().any(|i| matches!(i, Item::Skip(s) if s.origin.line == Some(681))));
    assert!(expected.iter().any(|(_, w)| w.iter().any(|w| w.contains(":920:"))));
    // In order, and again after that (counts noted by the first parse).
    backwards.reverse();
    assert_eq!(parsed(&backwards), expected);
    assert_eq!(parsed(&mapped), expected);
}
