//! `!reunion presences [<id>]` — présents, excusés and sans réponse by
//! organisation, as the minutes list them.

use crate::parse::{Args, ParseErrorKind, Usage};

pub const USAGE: Usage = Usage {
    fr: "!reunion presences [<id>]",
    en: "!meeting attendance [<id>]",
    help_fr: "présents, excusés et sans réponse, par organisation",
    help_en: "attending, excused and no answer, by organisation",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presences {
    pub id: Option<i64>,
}

impl Presences {
    pub fn parse(args: &mut Args) -> Result<Presences, ParseErrorKind> {
        let id = if args.is_empty() {
            None
        } else {
            Some(super::meeting_id(args)?)
        };
        args.end()?;
        Ok(Presences { id })
    }
}
