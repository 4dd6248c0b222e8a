//! `!reunion modifier <id> [date <AAAA-MM-JJ>] [heure <HH:MM>] [lieu "<lieu>"]`
//! — change a meeting; the invitees get an update.

use crate::parse::{self, Arg, Args, Arity, OptSpec, ParseErrorKind, Usage};
use jiff::civil::{Date, Time};

pub const USAGE: Usage = Usage {
    fr: "!reunion modifier <id> [date <AAAA-MM-JJ>] [heure <HH:MM>] [lieu \"<lieu>\"]",
    en: "!meeting update <id> [date <YYYY-MM-DD>] [time <HH:MM>] [place \"<place>\"]",
    help_fr: "modifier une réunion (les invités sont prévenus)",
    help_en: "change a meeting (invitees are told)",
};

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "date",
        keywords: &["date"],
        arity: Arity::One,
    },
    OptSpec {
        name: "heure",
        keywords: &["heure", "time"],
        arity: Arity::One,
    },
    OptSpec {
        name: "lieu",
        keywords: &["lieu", "place"],
        arity: Arity::Rest,
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modifier {
    pub id: i64,
    pub date: Option<Date>,
    pub time: Option<Time>,
    pub place: Option<String>,
}

impl Modifier {
    pub fn parse(args: &mut Args) -> Result<Modifier, ParseErrorKind> {
        let id = super::meeting_id(args)?;
        let split = args.split(OPTIONS);
        if let Some(t) = split.positional.first() {
            return Err(ParseErrorKind::Unexpected(crate::text::excerpt(
                &t.text, 40,
            )));
        }
        let date = split.get("date").map(|d| parse::date(&d)).transpose()?;
        let time = split.get("heure").map(|t| parse::time(&t)).transpose()?;
        let place = split
            .get("lieu")
            .map(|s| parse::bounded(s, Arg::Place))
            .transpose()?;
        if date.is_none() && time.is_none() && place.is_none() {
            return Err(ParseErrorKind::NothingToChange);
        }
        Ok(Modifier {
            id,
            date,
            time,
            place,
        })
    }
}
