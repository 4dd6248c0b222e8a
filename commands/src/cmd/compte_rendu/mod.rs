//! `!compte-rendu …` — the compte rendu of a meeting as a record:
//! approving it freezes its text.

pub mod approuver;
pub mod remarque;

use crate::cmd::Command;
use crate::exec::{Exec, Outcome};
use crate::parse::{Entry, Kind, Usage};

pub const USAGE: Usage = Usage {
    fr: "!compte-rendu approuver|remarque|remarques …",
    en: "!minutes approve|remark|remarks …",
    help_fr: "les comptes rendus des réunions",
    help_en: "meeting minutes",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompteRendu {
    Approuver(approuver::Approuver),
    Remarque(remarque::Remarque),
}

/// `!compte-rendu` and its subcommands, with their aliases.
pub const COMMAND: Entry = Entry {
    words: &["compterendu", "comptesrendus", "cr", "minutes"],
    kind: Kind::Family {
        usage: &USAGE,
        bare: None,
        subs: &[
            Entry::one(
                &["approuver", "approve", "valider"],
                &approuver::USAGE,
                |a| {
                    Ok(Command::CompteRendu(CompteRendu::Approuver(
                        approuver::Approuver::parse(a)?,
                    )))
                },
            ),
            Entry::one(&["remarque", "remark"], &remarque::USAGE, |a| {
                Ok(Command::CompteRendu(CompteRendu::Remarque(
                    remarque::Remarque::parse(a)?,
                )))
            }),
            Entry::one(&["remarques", "remarks"], &remarque::USAGE_LIST, |a| {
                Ok(Command::CompteRendu(CompteRendu::Remarque(
                    remarque::Remarque::parse_list(a)?,
                )))
            }),
        ],
    },
};

impl CompteRendu {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            CompteRendu::Approuver(c) => c.apply(ex),
            CompteRendu::Remarque(c) => c.apply(ex),
        }
    }
}
