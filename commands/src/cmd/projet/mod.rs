//! `!projet …` — where a group's project stands: status and milestones.

pub mod jalon;
pub mod statut;

use crate::cmd::Command;
use crate::exec::{Exec, Outcome};
use crate::parse::{Entry, Kind, Usage};

pub const USAGE: Usage = Usage {
    fr: "!projet statut|jalon …",
    en: "!project status|milestone …",
    help_fr: "l'avancement des projets",
    help_en: "project progress",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Projet {
    Statut(statut::Statut),
    Jalon(jalon::Jalon),
}

/// `!projet` and its subcommands, with their aliases.
pub const COMMAND: Entry = Entry {
    words: &["projet", "projets", "project", "projects"],
    kind: Kind::Family {
        usage: &USAGE,
        bare: None,
        subs: &[
            Entry::one(&["statut", "status", "etat"], &statut::USAGE, |a| {
                Ok(Command::Projet(Projet::Statut(statut::Statut::parse(a)?)))
            }),
            Entry::one(&["jalon", "milestone"], &jalon::USAGE, |a| {
                Ok(Command::Projet(Projet::Jalon(jalon::Jalon::parse(a)?)))
            }),
        ],
    },
};

impl Projet {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Projet::Statut(c) => c.apply(ex),
            Projet::Jalon(c) => c.apply(ex),
        }
    }
}
