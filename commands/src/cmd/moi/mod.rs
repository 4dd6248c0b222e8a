//! `!moi …` — who the bot thinks you are, your organisation, your linked
//! email addresses, and forgetting you.

pub mod confirmer;
pub mod lier;
pub mod montrer;
pub mod nom;
pub mod organisation;
pub mod oublier;

use crate::cmd::Command;
use crate::exec::{Exec, Outcome};
use crate::parse::{Entry, Kind};

pub use confirmer::USAGE as USAGE_CONFIRMER;
pub use lier::USAGE as USAGE_LIER;
pub use montrer::USAGE;
pub use organisation::USAGE as USAGE_ORGANISATION;
pub use oublier::USAGE as USAGE_OUBLIER;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moi {
    Montrer,
    Nom(nom::Nom),
    Organisation(organisation::Organisation),
    Lier(lier::Lier),
    Confirmer(confirmer::Confirmer),
    Oublier(oublier::Oublier),
}

/// `!moi` (who the bot thinks you are) and its subcommands, with their
/// aliases.
pub const COMMAND: Entry = Entry {
    words: &["moi", "me", "whoami"],
    kind: Kind::Family {
        usage: &USAGE,
        bare: Some(|| Command::Moi(Moi::Montrer)),
        subs: &[
            Entry::one(
                &["organisation", "organization", "org"],
                &USAGE_ORGANISATION,
                |a| {
                    Ok(Command::Moi(Moi::Organisation(
                        organisation::Organisation::parse(a)?,
                    )))
                },
            ),
            Entry::one(&["nom", "name"], &nom::USAGE, |a| {
                Ok(Command::Moi(Moi::Nom(nom::Nom::parse(a)?)))
            }),
            Entry::one(&["lier", "link"], &USAGE_LIER, |a| {
                Ok(Command::Moi(Moi::Lier(lier::Lier::parse(a)?)))
            }),
            Entry::one(&["confirmer", "confirm"], &USAGE_CONFIRMER, |a| {
                Ok(Command::Moi(Moi::Confirmer(confirmer::Confirmer::parse(
                    a,
                )?)))
            }),
            Entry::one(&["oublier", "forget"], &USAGE_OUBLIER, |a| {
                Ok(Command::Moi(Moi::Oublier(oublier::Oublier::parse(a)?)))
            }),
        ],
    },
};

impl Moi {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Moi::Montrer => montrer::apply(ex),
            Moi::Nom(c) => c.apply(ex),
            Moi::Organisation(c) => c.apply(ex),
            Moi::Lier(c) => c.apply(ex),
            Moi::Confirmer(c) => c.apply(ex),
            Moi::Oublier(c) => c.apply(ex),
        }
    }
}
