//! `!reunion creer "<titre>" <AAAA-MM-JJ> <HH:MM> [lieu "<lieu>"] [groupe <groupe>]`
//! — create a meeting and send the invitations (admins or a group's lead);
//! without `groupe`, every known person is invited.

use crate::parse::{self, Arg, Args, Arity, OptSpec, ParseErrorKind, Usage};
use jiff::civil::{Date, Time};

pub const USAGE: Usage = Usage {
    fr: "!reunion creer \"<titre>\" <AAAA-MM-JJ> <HH:MM> [lieu \"<lieu>\"] [groupe <groupe>]",
    en: "!meeting create \"<title>\" <YYYY-MM-DD> <HH:MM> [place \"<place>\"] [group <group>]",
    help_fr: "créer une réunion et envoyer les invitations",
    help_en: "create a meeting and send the invitations",
};

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "lieu",
        keywords: &["lieu", "place"],
        arity: Arity::Rest,
    },
    OptSpec {
        name: "groupe",
        keywords: &["groupe", "group"],
        arity: Arity::Rest,
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creer {
    pub title: String,
    pub date: Date,
    pub time: Time,
    pub place: Option<String>,
    pub group: Option<String>,
}

impl Creer {
    pub fn parse(args: &mut Args) -> Result<Creer, ParseErrorKind> {
        let split = args.split(OPTIONS);
        let pos = &split.positional;
        // The title is everything before the last two positional tokens.
        let (title, when) = match pos.len() {
            0 => return Err(ParseErrorKind::Missing(Arg::Title)),
            1 => return Err(ParseErrorKind::Missing(Arg::Date)),
            2 => return Err(ParseErrorKind::Missing(Arg::Time)),
            n => pos.split_at(n - 2),
        };
        let title = parse::bounded(parse::join(title), Arg::Title)?;
        let date = parse::date(&when[0].text)?;
        let time = parse::time(&when[1].text)?;
        let place = split
            .get("lieu")
            .map(|s| parse::bounded(s, Arg::Place))
            .transpose()?;
        let group = split
            .get("groupe")
            .map(|s| parse::bounded(s, Arg::Group))
            .transpose()?;
        Ok(Creer {
            title,
            date,
            time,
            place,
            group,
        })
    }
}
