//! `!organisation …` — who speaks for an organisation: its members and
//! pending requests, accepting or refusing a request, and the domains
//! whose addresses and Matrix IDs are its own.

pub mod decider;
pub mod domaine;
pub mod fusionner;
pub mod membres;
pub mod renommer;

use crate::cmd::Command;
use crate::exec::{Exec, Outcome};
use crate::parse::{Entry, Kind, Usage};
use crate::store::Membership;

/// The family's usage, for `!organisation` without a known subcommand.
pub const USAGE: Usage = Usage {
    fr: "!organisation membres|accepter|refuser|domaine|renommer|fusionner …",
    en: "!org members|accept|refuse|domain|rename|merge …",
    help_fr: "les membres des organisations",
    help_en: "organisations' members",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Organisation {
    Membres(membres::Membres),
    Decider(decider::Decider),
    Domaine(domaine::Domaine),
    Renommer(renommer::Renommer),
    Fusionner(fusionner::Fusionner),
}

/// `!organisation` and its subcommands, with their aliases.
pub const COMMAND: Entry = Entry {
    words: &[
        "organisation",
        "organisations",
        "organization",
        "org",
        "orga",
    ],
    kind: Kind::Family {
        usage: &USAGE,
        bare: None,
        subs: &[
            Entry::one(&["membres", "members"], &membres::USAGE, |a| {
                Ok(cmd(Organisation::Membres(membres::Membres::parse(a)?)))
            }),
            Entry::one(
                &["accepter", "accept", "confirmer", "confirm"],
                &decider::USAGE_ACCEPTER,
                |a| {
                    Ok(cmd(Organisation::Decider(decider::Decider::parse(
                        Membership::Confirmed,
                        a,
                    )?)))
                },
            ),
            Entry::one(
                &["refuser", "refuse", "reject"],
                &decider::USAGE_REFUSER,
                |a| {
                    Ok(cmd(Organisation::Decider(decider::Decider::parse(
                        Membership::Refused,
                        a,
                    )?)))
                },
            ),
            Entry::one(&["domaine", "domain"], &domaine::USAGE, |a| {
                Ok(cmd(Organisation::Domaine(domaine::Domaine::parse(a)?)))
            }),
            Entry::one(&["renommer", "rename"], &renommer::USAGE, |a| {
                Ok(cmd(Organisation::Renommer(renommer::Renommer::parse(a)?)))
            }),
            Entry::one(&["fusionner", "merge"], &fusionner::USAGE, |a| {
                Ok(cmd(Organisation::Fusionner(fusionner::Fusionner::parse(
                    a,
                )?)))
            }),
        ],
    },
};

fn cmd(o: Organisation) -> Command {
    Command::Organisation(o)
}

impl Organisation {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Organisation::Membres(c) => c.apply(ex),
            Organisation::Decider(c) => c.apply(ex),
            Organisation::Domaine(c) => c.apply(ex),
            Organisation::Renommer(c) => c.apply(ex),
            Organisation::Fusionner(c) => c.apply(ex),
        }
    }
}
