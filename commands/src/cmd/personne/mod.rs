//! `!personne …` — the directory: the identities an admin (or a member of
//! the same organisation) declares for someone, so that greffier can reach
//! them, and what is known of a person.

pub mod declarer;
pub mod fusionner;
pub mod info;
pub mod renommer;

use crate::cmd::Command;
use crate::exec::{Exec, Failure, Outcome};
use crate::parse::{Entry, Kind, Usage};
use crate::store::{IdentityKind, Person};
use crate::tr;

/// The family's usage, for `!personne` without a known subcommand.
pub const USAGE: Usage = Usage {
    fr: "!personne adresse|matrix|info|renommer|fusionner …",
    en: "!person address|matrix|info|rename|merge …",
    help_fr: "l'annuaire : joindre une personne",
    help_en: "the directory: reaching someone",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Personne {
    Declarer(declarer::Declarer),
    Info(info::Info),
    Renommer(renommer::Renommer),
    Fusionner(fusionner::Fusionner),
}

/// `!personne` and its subcommands, with their aliases.
pub const COMMAND: Entry = Entry {
    words: &["personne", "personnes", "person", "people"],
    kind: Kind::Family {
        usage: &USAGE,
        bare: None,
        subs: &[
            Entry::one(
                &["adresse", "address", "email", "courriel"],
                &declarer::USAGE_ADRESSE,
                |a| {
                    Ok(cmd(Personne::Declarer(declarer::Declarer::parse(
                        IdentityKind::Email,
                        a,
                    )?)))
                },
            ),
            Entry::one(&["matrix"], &declarer::USAGE_MATRIX, |a| {
                Ok(cmd(Personne::Declarer(declarer::Declarer::parse(
                    IdentityKind::Matrix,
                    a,
                )?)))
            }),
            Entry::one(&["info", "infos", "fiche"], &info::USAGE, |a| {
                Ok(cmd(Personne::Info(info::Info::parse(a)?)))
            }),
            Entry::one(&["renommer", "rename"], &renommer::USAGE, |a| {
                Ok(cmd(Personne::Renommer(renommer::Renommer::parse(a)?)))
            }),
            Entry::one(&["fusionner", "merge"], &fusionner::USAGE, |a| {
                Ok(cmd(Personne::Fusionner(fusionner::Fusionner::parse(a)?)))
            }),
        ],
    },
};

fn cmd(p: Personne) -> Command {
    Command::Personne(p)
}

impl Personne {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Personne::Declarer(c) => c.apply(ex),
            Personne::Info(c) => c.apply(ex),
            Personne::Renommer(c) => c.apply(ex),
            Personne::Fusionner(c) => c.apply(ex),
        }
    }
}

/// May the sender tend `person`'s entry in the directory? Admins, the
/// confirmed members of the person's organisation, and the person.
pub(crate) fn may_tend(ex: &mut Exec<'_>, person: &Person) -> Result<bool, Failure> {
    if ex.is_admin() {
        return Ok(true);
    }
    let Some(me) = ex.me()? else {
        return Ok(false);
    };
    Ok(me.id == person.id
        || (me.confirmed() && me.organisation.is_some() && me.organisation == person.organisation))
}

/// The refusal for whoever may not tend `person`.
pub(crate) fn not_allowed<T>(ex: &mut Exec<'_>, person: &Person) -> Result<T, Failure> {
    let lang = ex.lang();
    let org = ex.org_name(person.organisation)?;
    let whom = match org {
        Some(org) => {
            let de_org = crate::words::de(&org);
            tr!(
                lang,
                "aux administrateurs et aux membres confirmés {de_org}",
                "admins and confirmed members of {org}"
            )
        }
        None => tr!(lang, "aux administrateurs", "admins"),
    };
    ex.refuse_not_allowed(&whom)
}
