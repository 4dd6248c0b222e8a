//! `!reunion …` — meetings: create, change, cancel, list, attendance.
//! Parsed here; executed with the Meetings capability (invitations by mail).

pub mod annuler;
pub mod creer;
pub mod liste;
pub mod modifier;
pub mod presences;

use super::not_yet;
use crate::exec::{Exec, Outcome};
use crate::parse::{Args, ParseError, ParseErrorKind, Usage};

pub const USAGE: Usage = Usage {
    fr: "!reunion creer|modifier|annuler|liste|presences …",
    en: "!meeting create|update|cancel|list|attendance …",
    help_fr: "les réunions",
    help_en: "meetings",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reunion {
    Creer(creer::Creer),
    Modifier(modifier::Modifier),
    Annuler(annuler::Annuler),
    Liste(liste::Liste),
    Presences(presences::Presences),
}

pub fn usage_of(word: &str) -> Option<&'static Usage> {
    Some(match word {
        "creer" | "create" | "new" | "nouvelle" => &creer::USAGE,
        "modifier" | "update" | "modify" | "edit" => &modifier::USAGE,
        "annuler" | "cancel" => &annuler::USAGE,
        "liste" | "list" | "ls" => &liste::USAGE,
        "presences" | "presence" | "attendance" => &presences::USAGE,
        _ => return None,
    })
}

impl Reunion {
    pub fn parse(args: &mut Args) -> Result<Reunion, ParseError> {
        let word = args.next_keyword().unwrap_or_default();
        let Some(usage) = usage_of(&word) else {
            return Err(ParseError {
                kind: ParseErrorKind::UnknownSubcommand(crate::text::excerpt(&word, 40)),
                usage: Some(&USAGE),
            });
        };
        let parsed = match word.as_str() {
            "creer" | "create" | "new" | "nouvelle" => {
                creer::Creer::parse(args).map(Reunion::Creer)
            }
            "modifier" | "update" | "modify" | "edit" => {
                modifier::Modifier::parse(args).map(Reunion::Modifier)
            }
            "annuler" | "cancel" => annuler::Annuler::parse(args).map(Reunion::Annuler),
            "liste" | "list" | "ls" => liste::Liste::parse(args).map(Reunion::Liste),
            _ => presences::Presences::parse(args).map(Reunion::Presences),
        };
        parsed.map_err(|kind| ParseError {
            kind,
            usage: Some(usage),
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let usage = match self {
            Reunion::Creer(_) => &creer::USAGE,
            Reunion::Modifier(_) => &modifier::USAGE,
            Reunion::Annuler(_) => &annuler::USAGE,
            Reunion::Liste(_) => &liste::USAGE,
            Reunion::Presences(_) => &presences::USAGE,
        };
        not_yet(ex, usage)
    }
}

/// `12`, `#12`, or a parse error.
pub(crate) fn meeting_id(args: &mut Args) -> Result<i64, ParseErrorKind> {
    let t = args.required(crate::parse::Arg::MeetingId)?;
    crate::parse::meeting_id(&t.text)
        .ok_or_else(|| ParseErrorKind::BadMeetingId(crate::text::excerpt(&t.text, 20)))
}
