//! Periods that do not end a sentence: titles, abbreviations, acronyms, times, initials,
//! numbers and list markers.

use super::*;

#[test]
fn titles_never_end_a_sentence() {
    for title in [
        "Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Lt.", "Col.", "Sgt.", "Capt.", "Maj.", "Gov.",
        "Sen.", "Rep.", "Rev.", "Prof.", "St.",
    ] {
        let text = format!("Reporters met {title} Smith today. It went well.");
        let first = format!("Reporters met {title} Smith today.");
        assert_split(&text, &[&first, "It went well."]);
    }
    assert_split(
        "“Mr. Smith is here,” (Gen. Lee) said.",
        &["“Mr. Smith is here,” (Gen. Lee) said."],
    );
    assert_split("Roe vs. Wade and Roe v. Wade.", &["Roe vs. Wade and Roe v. Wade."]);
}

#[test]
fn company_and_name_suffixes_are_weak() {
    for suffix in ["Inc.", "Corp.", "Co.", "Ltd.", "Jr.", "Sr."] {
        let whole = format!("Shares of Acme {suffix} Chief Executive Bob Roe rose.");
        assert_split(&whole, &[&whole]);
        let text = format!("He works for Acme {suffix} The firm is big.");
        let first = format!("He works for Acme {suffix}");
        assert_split(&text, &[&first, "The firm is big."]);
    }
    assert_split(
        "He lives on Main St. The house is old. St. Louis is near.",
        &["He lives on Main St.", "The house is old.", "St. Louis is near."],
    );
}

#[test]
fn numbered_abbreviations() {
    assert_split(
        "He is No. 1 in the world. She said No. The end.",
        &["He is No. 1 in the world.", "She said No.", "The end."],
    );
    assert_split("See p. 12 and Vol. 3 now.", &["See p. 12 and Vol. 3 now."]);
}

#[test]
fn month_abbreviations() {
    for month in [
        "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.",
        "Dec.",
    ] {
        let text = format!("It began {month} 15 in Geneva.");
        assert_split(&text, &[&text]);
    }
    assert_split("It began in Jan. The end came.", &["It began in Jan.", "The end came."]);
}

#[test]
fn etc_splits_only_before_a_sentence_start() {
    assert_split("Guns, tanks, etc. were seized.", &["Guns, tanks, etc. were seized."]);
    assert_split(
        "Guns, tanks, etc. The haul was big.",
        &["Guns, tanks, etc.", "The haul was big."],
    );
}

#[test]
fn latin_abbreviations() {
    assert_split(
        "Some states, e.g. Texas, agree. Others, i.e. California, do not.",
        &["Some states, e.g. Texas, agree.", "Others, i.e. California, do not."],
    );
}

#[test]
fn dotted_acronyms() {
    assert_split(
        "U.S. officials said the U.N. General Assembly and the U.K. and E.U. agreed.",
        &["U.S. officials said the U.N. General Assembly and the U.K. and E.U. agreed."],
    );
    assert_split(
        "Russia agreed with the U.S. The talks begin soon.",
        &["Russia agreed with the U.S.", "The talks begin soon."],
    );
    assert_split(
        "He flew to Washington, D.C. On Monday he spoke. He met U.S. President Obama.",
        &["He flew to Washington, D.C.", "On Monday he spoke.", "He met U.S. President Obama."],
    );
    assert_split(
        "A U.S.-led coalition (U.S. and U.K.) struck.",
        &["A U.S.-led coalition (U.S. and U.K.) struck."],
    );
    // Documented trade-off: a capitalised noun after U.S. keeps one sentence.
    assert_split(
        "Russia agreed with the U.S. Officials were pleased.",
        &["Russia agreed with the U.S. Officials were pleased."],
    );
    assert_split(
        "He said the U.S. “We are ready,” he added.",
        &["He said the U.S.", "“We are ready,” he added."],
    );
}

#[test]
fn times_of_day() {
    assert_split(
        "The deal is worth $3.5 billion. Talks resume at 10 a.m. Monday in Geneva.",
        &["The deal is worth $3.5 billion.", "Talks resume at 10 a.m. Monday in Geneva."],
    );
    assert_split(
        "The meeting ended at 11 p.m. The next day was calm.",
        &["The meeting ended at 11 p.m.", "The next day was calm."],
    );
}

#[test]
fn initials() {
    assert_split(
        "Jonathan S. Landay wrote it. George W. Bush and J. R. R. Tolkien agree. A. B. Smith left.",
        &[
            "Jonathan S. Landay wrote it.",
            "George W. Bush and J. R. R. Tolkien agree.",
            "A. B. Smith left.",
        ],
    );
    assert_split("They chose Plan B. It failed.", &["They chose Plan B.", "It failed."]);
}

#[test]
fn decimals_and_numbers() {
    assert_split(
        "About 3.5 million fled, costing $1.2bn. Version 2.0 shipped in 2015. It sold 4.5m.",
        &[
            "About 3.5 million fled, costing $1.2bn.",
            "Version 2.0 shipped in 2015.",
            "It sold 4.5m.",
        ],
    );
    assert_split(
        "They use version 2.0. The rest is old.",
        &["They use version 2.0.", "The rest is old."],
    );
}

#[test]
fn list_markers_at_sentence_start() {
    assert_split("1. The first point is clear.", &["1. The first point is clear."]);
}
