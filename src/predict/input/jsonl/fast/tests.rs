use super::*;
use crate::predict::output::has_control;

/// What serde reads from `line` as the default fields: both fields, when they are strings.
fn serde_fields(line: &str) -> Option<PlainRecord> {
    #[derive(serde::Deserialize)]
    struct Fields {
        #[serde(default)]
        id: Option<serde_json::Value>,
        #[serde(default)]
        text: Option<serde_json::Value>,
    }
    let f: Fields = serde_json::from_str(line).ok()?;
    let string = |v: Option<serde_json::Value>| match v {
        None => Some(None),
        Some(serde_json::Value::String(s)) => Some(Some(s)),
        Some(_) => None,
    };
    Some(PlainRecord { id: string(f.id)?, text: string(f.text)? })
}

/// The offsets of the characters of `text` a JSON string must escape.
fn to_escape(text: &str) -> Vec<usize> {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b < 0x20 || b == b'"' || b == b'\\')
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn plain_lines_are_read_as_serde_reads_them() {
    let lines = [
        r#"{"id":"a1","text":"Plain text."}"#,
        r#"{"text":"No id."}"#,
        r#"{"id":"only id"}"#,
        r#"{}"#,
        r#" { "text" : "spaced" , "id" : "x" } "#,
        "{\"text\":\"tab\\tand\\nlines\\r\\n\",\t\"id\":\"\\\"q\\\"\"}\r",
        r#"{"text":"slash \/ and \\ back \" quote \b\f"}"#,
        r#"{"text":"\u00e9\u0041\u0022\u005c\u0000\u001F end"}"#,
        r#"{"text":"curly “quotes” and ünïcode, 中文"}"#,
        r#"{"text":""}"#,
    ];
    for line in lines {
        let mut escapes = vec![99];
        let read = parse_default(line, has_control(line.as_bytes()), &mut escapes)
            .unwrap_or_else(|| panic!("{line}"));
        assert_eq!(Some(&read), serde_fields(line).as_ref(), "{line}");
        assert_eq!(escapes, to_escape(read.text.as_deref().unwrap_or("")), "{line}");
    }
}

#[test]
fn other_shapes_are_left_to_serde() {
    let lines = [
        r#"{"id":1,"text":"a number id"}"#,
        r#"{"id":null,"text":"a null id"}"#,
        r#"{"text":"another key","url":"u"}"#,
        r#"{"te\u0078t":"an escaped key"}"#,
        r#"{"text":"a","text":"duplicate"}"#,
        r#"{"text":"a lone surrogate \ud800"}"#,
        r#"{"text":"a pair \ud83d\ude00"}"#,
        r#"{"text":"a bad escape \x"}"#,
        r#"{"text":"a short \u12"}"#,
        "{\"text\":\"a raw\ttab\"}",
        r#"{"text":"trailing"} x"#,
        r#"{"text":"two"}{"text":"objects"}"#,
        r#"{"text":"unclosed}"#,
        r#"{"text":"no brace""#,
        r#"{"text" "no colon"}"#,
        r#"{"text":"a",}"#,
        r#"["text"]"#,
        "{\u{a0}\"text\":\"a no-break space\"}",
    ];
    for line in lines {
        assert_eq!(
            parse_default(line, has_control(line.as_bytes()), &mut Vec::new()),
            None,
            "{line}"
        );
    }
}

#[test]
fn every_cut_of_a_line_reads_as_serde_or_is_left_to_it() {
    // Cut a line with every kind of token at every byte: whatever the fast reader accepts,
    // serde reads the same.
    let line = r#" {"id" : "i\"d" ,"text":"A \"quote\",\nline\\ \u00e9 \/ “x”."} "#;
    for end in 0..=line.len() {
        let Some(cut) = line.get(..end) else { continue };
        for cut in [cut.to_string(), format!("{cut}\"}}"), format!("{cut}}}")] {
            let mut escapes = Vec::new();
            if let Some(read) = parse_default(&cut, has_control(cut.as_bytes()), &mut escapes) {
                assert_eq!(Some(&read), serde_fields(&cut).as_ref(), "{cut}");
                assert_eq!(escapes, to_escape(read.text.as_deref().unwrap_or("")), "{cut}");
            }
        }
    }
}
