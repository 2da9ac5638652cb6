use super::*;

#[test]
fn word_keys_look_up_as_the_tables_do() {
    let tables = [
        (MONTHS, &MONTH_KEYS[..]),
        (WEEKDAYS, &WEEKDAY_KEYS[..]),
        (DATE_CONNECTORS, &CONNECTOR_KEYS[..]),
    ];
    let words = MONTHS.iter().chain(WEEKDAYS).chain(DATE_CONNECTORS).copied().chain([
        "MAY",
        "Sept",
        "the",
        "a",
        "junee",
        "jun",
        "marchmarchmarch",
        "mayday",
        "z",
        "UTC",
    ]);
    for word in words {
        let letters: String = word.chars().filter(char::is_ascii_alphabetic).collect();
        for (table, keys) in tables {
            assert_eq!(
                in_keys(word_key(letters.as_bytes()), keys),
                in_table(letters.as_bytes(), table),
                "{letters:?}"
            );
        }
    }
}
