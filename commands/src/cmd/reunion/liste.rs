//! `!reunion liste` — upcoming meetings with their RSVP counts.

use crate::parse::{Args, ParseErrorKind, Usage};

pub const USAGE: Usage = Usage {
    fr: "!reunion liste",
    en: "!meeting list",
    help_fr: "les prochaines réunions et leurs réponses",
    help_en: "upcoming meetings and their answers",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Liste;

impl Liste {
    pub fn parse(args: &mut Args) -> Result<Liste, ParseErrorKind> {
        args.end()?;
        Ok(Liste)
    }
}
