//! The bot's own sections: every problem named by its line and key.

use super::*;

fn own(src: &str) -> Result<Config, Vec<Problem>> {
    parse(src, &[])
}

#[test]
fn the_root_bot_toml_is_valid_without_its_channels() {
    let src = include_str!("../../bot.toml");
    let mut table: toml::Table = toml::from_str(src).expect("toml");
    for channel in ["matrix", "mail", "lists", "web"] {
        table.remove(channel);
    }
    if let Err(p) = own(&toml::to_string(&table).expect("toml")) {
        panic!("bot.toml: {p:?}");
    }
}

#[test]
fn unknown_key_names_line_and_key() {
    let src = "[bot]\nlanguage = \"fr\"\ncolour = \"blue\"\n";
    let p = own(src).expect_err("unknown key");
    assert_eq!(p[0].line, Some(3));
    assert_eq!(p[0].key, "colour");
    let p = own("[bot]\nprefix = \"!\"\n\n[colour]\nblue = 1\n").expect_err("section");
    assert_eq!((p[0].key.as_str(), p[0].line), ("colour", Some(4)));
}

#[test]
fn a_wrong_type_names_its_key_and_line() {
    let p = own("[bot]\nprefix = \"!\"\nretention_days = \"ninety\"\n").expect_err("type");
    assert_eq!(
        (p[0].key.as_str(), p[0].line),
        ("bot.retention_days", Some(3))
    );
}

#[test]
fn bad_values_name_line_and_key() {
    let src = "[bot]\nlanguage = \"de\"\ntimezone = \"Europe/Pariss\"\n\n[digest]\nweekday = \"funday\"\ntime = \"25:00\"\n";
    let p = own(src).expect_err("bad values");
    let got: Vec<(Option<usize>, &str)> = p.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        got,
        [
            (Some(2), "bot.language"),
            (Some(3), "bot.timezone"),
            (Some(6), "digest.weekday"),
            (Some(7), "digest.time"),
        ]
    );
}

#[test]
fn a_wrong_value_does_not_hide_an_unknown_key() {
    let src = "[bot]\ntimezone = \"Europe/Marseille\"\n\n[groups]\nquorom = 4\n";
    let p = own(src).expect_err("two problems");
    let got: Vec<(Option<usize>, &str)> = p.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(got, [(Some(2), "bot.timezone"), (Some(5), "quorom")]);
}

#[test]
fn values_are_read_into_their_types_once() {
    let src = "[bot]\nlanguage = \"en\"\ntimezone = \"America/Montreal\"\n\n[digest]\nweekday = \"Friday\"\ntime = \"17h30\"\n\n[[groups.seed]]\nslug = \"ok\"\ntheme = \"A\"\nstatus = \"proposed\"\n";
    let c = own(src).expect("valid");
    assert_eq!(c.bot.language, Lang::En);
    assert_eq!(c.bot.timezone.iana_name(), Some("America/Montreal"));
    assert_eq!(c.digest.weekday, Weekday::Friday);
    assert_eq!(c.digest.time, Time::constant(17, 30, 0, 0));
    assert_eq!(
        c.groups.seed[0].status,
        greffier_commands::store::GroupStatus::Proposed
    );
}

#[test]
fn the_review_of_a_draft_lasts_what_minutes_says() {
    let now = jiff::Timestamp::UNIX_EPOCH;
    assert_eq!(own("").expect("valid").context(now).review_days, 7);
    let c = own("[minutes]\nreview_days = 3\n").expect("valid");
    assert_eq!(c.context(now).review_days, 3);
    let problems = own("[minutes]\nreview_days = \"une semaine\"\n").expect_err("refused");
    assert_eq!(problems[0].line, Some(2), "{problems:?}");
}

#[test]
fn seed_problems_point_at_their_table() {
    let src = "[[groups.seed]]\nslug = \"ok\"\ntheme = \"A\"\n\n[[groups.seed]]\nslug = \"Not OK\"\ntheme = \"B\"\n";
    let p = own(src).expect_err("bad slug");
    assert_eq!(p[0].line, Some(6));
    assert_eq!(p[0].key, "groups.seed[1].slug");
}

#[test]
fn syntax_error_has_a_line() {
    let p = own("[bot]\nlanguage = \n").expect_err("syntax");
    assert_eq!(p[0].line, Some(2));
}

#[test]
fn a_section_no_channel_reads_is_unknown() {
    let p = own("[matrix]\nhomeserver = \"http://x\"\n").expect_err("no reader");
    assert_eq!((p[0].key.as_str(), p[0].line), ("matrix", Some(1)));
}
