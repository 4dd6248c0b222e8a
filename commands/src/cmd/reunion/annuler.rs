//! `!reunion annuler <id>` — cancel a meeting; the invitees are told.

use crate::parse::{Args, ParseErrorKind, Usage};

pub const USAGE: Usage = Usage {
    fr: "!reunion annuler <id>",
    en: "!meeting cancel <id>",
    help_fr: "annuler une réunion (les invités sont prévenus)",
    help_en: "cancel a meeting (invitees are told)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annuler {
    pub id: i64,
}

impl Annuler {
    pub fn parse(args: &mut Args) -> Result<Annuler, ParseErrorKind> {
        let id = super::meeting_id(args)?;
        args.end()?;
        Ok(Annuler { id })
    }
}
