//! `!moi confirmer <code>` — confirm the code mailed by `!moi lier`.
//! Executed with the Mail capability.

use crate::cmd::not_yet;
use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};

pub const USAGE: Usage = Usage {
    fr: "!moi confirmer <code>",
    en: "!me confirm <code>",
    help_fr: "confirmer le code reçu par email",
    help_en: "confirm the code received by email",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmer {
    pub code: String,
}

impl Confirmer {
    pub fn parse(args: &mut Args) -> Result<Confirmer, ParseErrorKind> {
        let code = args.required(Arg::Code)?.text;
        args.end()?;
        Ok(Confirmer { code })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        not_yet(ex, &USAGE)
    }
}
