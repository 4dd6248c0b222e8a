//! `!moi lier <email>` — link an email address: a code is mailed to it.
//! Executed with the Mail capability.

use crate::cmd::not_yet;
use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{Identity, IdentityKind};
use crate::text;

pub const USAGE: Usage = Usage {
    fr: "!moi lier <email>",
    en: "!me link <email>",
    help_fr: "lier une adresse email : un code y est envoyé",
    help_en: "link an email address: a code is sent to it",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lier {
    pub email: String,
}

impl Lier {
    pub fn parse(args: &mut Args) -> Result<Lier, ParseErrorKind> {
        let t = args.required(Arg::Email)?;
        args.end()?;
        let raw = t.text.trim_start_matches("mailto:");
        match Identity::parse(raw) {
            Some(id) if id.kind == IdentityKind::Email => Ok(Lier { email: id.value }),
            _ => Err(ParseErrorKind::BadEmail(text::excerpt(&t.text, 60))),
        }
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        not_yet(ex, &USAGE)
    }
}
