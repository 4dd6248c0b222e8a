//! One module per command. Each has a `USAGE` (its grammar, shown on
//! errors and by `!aide`), a `parse` step from an [`Args`] cursor, and an
//! `apply` step that reads and writes through the [`Store`] trait and
//! returns the reply text (or a refusal).

pub mod aide;
pub mod digest;
pub mod groupe;
pub mod moi;
pub mod projet;
pub mod reunion;
pub mod rsvp;

use crate::exec::{Exec, Outcome};
use crate::parse::Usage;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Aide(aide::Aide),
    Groupe(groupe::Groupe),
    Projet(projet::Projet),
    Reunion(reunion::Reunion),
    Rsvp(rsvp::Rsvp),
    Digest(digest::Digest),
    Moi(moi::Moi),
}

impl Command {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Command::Aide(c) => c.apply(ex),
            Command::Groupe(c) => c.apply(ex),
            Command::Projet(c) => c.apply(ex),
            Command::Reunion(c) => c.apply(ex),
            Command::Rsvp(c) => c.apply(ex),
            Command::Digest(c) => c.apply(ex),
            Command::Moi(c) => c.apply(ex),
        }
    }
}

/// Every command's usage, in the order `!aide` lists them.
pub const ALL: &[&Usage] = &[
    &aide::USAGE,
    &groupe::liste::USAGE,
    &groupe::info::USAGE,
    &groupe::rejoindre::USAGE,
    &groupe::quitter::USAGE,
    &groupe::proposer::USAGE,
    &groupe::soutenir::USAGE,
    &groupe::chef::USAGE,
    &groupe::lier::USAGE,
    &projet::statut::USAGE,
    &projet::jalon::USAGE,
    &reunion::creer::USAGE,
    &reunion::modifier::USAGE,
    &reunion::annuler::USAGE,
    &reunion::liste::USAGE,
    &reunion::presences::USAGE,
    &rsvp::USAGE_PRESENT,
    &rsvp::USAGE_EXCUSE,
    &rsvp::USAGE_PEUTETRE,
    &digest::USAGE,
    &moi::USAGE,
    &moi::USAGE_ORGANISATION,
    &moi::USAGE_LIER,
    &moi::USAGE_CONFIRMER,
];
