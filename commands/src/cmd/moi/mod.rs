//! `!moi …` — who the bot thinks you are, your organisation, your linked
//! email addresses.

pub mod confirmer;
pub mod lier;
pub mod montrer;
pub mod organisation;

use crate::exec::{Exec, Outcome};
use crate::parse::{Args, ParseError, ParseErrorKind};

pub use confirmer::USAGE as USAGE_CONFIRMER;
pub use lier::USAGE as USAGE_LIER;
pub use montrer::USAGE;
pub use organisation::USAGE as USAGE_ORGANISATION;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moi {
    Montrer,
    Organisation(organisation::Organisation),
    Lier(lier::Lier),
    Confirmer(confirmer::Confirmer),
}

impl Moi {
    pub fn parse(args: &mut Args) -> Result<Moi, ParseError> {
        let Some(word) = args.next_keyword() else {
            return match args.is_empty() {
                true => Ok(Moi::Montrer),
                false => Err(ParseError {
                    kind: ParseErrorKind::UnknownSubcommand(String::new()),
                    usage: Some(&USAGE),
                }),
            };
        };
        let (usage, parsed) = match word.as_str() {
            "organisation" | "organization" | "org" => (
                &USAGE_ORGANISATION,
                organisation::Organisation::parse(args).map(Moi::Organisation),
            ),
            "lier" | "link" => (&USAGE_LIER, lier::Lier::parse(args).map(Moi::Lier)),
            "confirmer" | "confirm" => (
                &USAGE_CONFIRMER,
                confirmer::Confirmer::parse(args).map(Moi::Confirmer),
            ),
            other => {
                return Err(ParseError {
                    kind: ParseErrorKind::UnknownSubcommand(crate::text::excerpt(other, 40)),
                    usage: Some(&USAGE),
                });
            }
        };
        parsed.map_err(|kind| ParseError {
            kind,
            usage: Some(usage),
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Moi::Montrer => montrer::apply(ex),
            Moi::Organisation(c) => c.apply(ex),
            Moi::Lier(c) => c.apply(ex),
            Moi::Confirmer(c) => c.apply(ex),
        }
    }
}
