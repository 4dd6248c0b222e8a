//! `!digest [groupe]` — post the digest now (admins).

use super::not_yet;
use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};

pub const USAGE: Usage = Usage {
    fr: "!digest [groupe]",
    en: "!digest [group]",
    help_fr: "publier le digest maintenant (administrateurs)",
    help_en: "post the digest now (admins)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub group: Option<String>,
}

impl Digest {
    pub fn parse(args: &mut Args) -> Result<Digest, ParseErrorKind> {
        let group = if args.is_empty() {
            None
        } else {
            Some(args.rest(Arg::Group)?)
        };
        Ok(Digest { group })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        not_yet(ex, &USAGE)
    }
}
