//! `!logiciel …` — the catalogue: which organisation runs which free
//! software, and how far it is (production, projet, étude, abandon).

pub mod ajouter;
pub mod liste;
pub mod qui;
pub mod retirer;
pub mod supprimer;

use crate::cmd::Command;
use crate::exec::{Exec, Failure, Outcome, did_you_mean};
use crate::parse::{Entry, Kind, Usage};
use crate::store::{Organisation, Software};
use crate::text;
use crate::tr;

/// The family's usage, for `!logiciel` without a known subcommand.
pub const USAGE: Usage = Usage {
    fr: "!logiciel ajouter|retirer|qui|liste|supprimer …",
    en: "!software add|remove|who|list|delete …",
    help_fr: "qui utilise quel logiciel libre",
    help_en: "who runs which free software",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Logiciel {
    Ajouter(ajouter::Ajouter),
    Retirer(retirer::Retirer),
    Qui(qui::Qui),
    Liste(liste::Liste),
    Supprimer(supprimer::Supprimer),
}

/// `!logiciel` and its subcommands, with their aliases.
pub const COMMAND: Entry = Entry {
    words: &["logiciel", "logiciels", "software", "sw"],
    kind: Kind::Family {
        usage: &USAGE,
        bare: None,
        subs: &[
            Entry::one(&["ajouter", "add", "declarer"], &ajouter::USAGE, |a| {
                Ok(cmd(Logiciel::Ajouter(ajouter::Ajouter::parse(a)?)))
            }),
            Entry::one(&["retirer", "remove"], &retirer::USAGE, |a| {
                Ok(cmd(Logiciel::Retirer(retirer::Retirer::parse(a)?)))
            }),
            Entry::one(&["qui", "who"], &qui::USAGE, |a| {
                Ok(cmd(Logiciel::Qui(qui::Qui::parse(a)?)))
            }),
            Entry::one(&["liste", "list", "ls"], &liste::USAGE, |a| {
                Ok(cmd(Logiciel::Liste(liste::Liste::parse(a)?)))
            }),
            Entry::one(&["supprimer", "delete"], &supprimer::USAGE, |a| {
                Ok(cmd(Logiciel::Supprimer(supprimer::Supprimer::parse(a)?)))
            }),
        ],
    },
};

fn cmd(l: Logiciel) -> Command {
    Command::Logiciel(l)
}

impl Logiciel {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Logiciel::Ajouter(c) => c.apply(ex),
            Logiciel::Retirer(c) => c.apply(ex),
            Logiciel::Qui(c) => c.apply(ex),
            Logiciel::Liste(c) => c.apply(ex),
            Logiciel::Supprimer(c) => c.apply(ex),
        }
    }
}

/// Closest known software names to `name`, for a suggestion.
pub fn suggestions(known: &[Software], name: &str) -> Vec<String> {
    text::closest(
        name,
        known
            .iter()
            .map(|s| (text::name_key(&s.name), s.name.as_str())),
    )
}

/// The software named `name` (compared by [`text::software_key`]), or a
/// refusal with the closest names.
pub fn find(ex: &mut Exec<'_>, name: &str) -> Result<Software, Failure> {
    if let Some(s) = ex.store.software_by_key(&text::software_key(name))? {
        return Ok(s);
    }
    let known = ex.store.all_software()?;
    let lang = ex.lang();
    let shown = text::excerpt(name, 60);
    let mut msg = tr!(
        lang,
        "Logiciel inconnu « {shown} »",
        "Unknown software “{shown}”"
    );
    msg.push_str(&did_you_mean(lang, &suggestions(&known, name)));
    let p = ex.prefix();
    msg.push_str(&tr!(
        lang,
        " — tapez {p}logiciel liste",
        " — type {p}software list"
    ));
    ex.refuse(msg)
}

/// The organisation a catalogue change is for: the sender's, as a
/// confirmed member; another one (`pour`) for admins only.
pub fn for_organisation(ex: &mut Exec<'_>, named: Option<&str>) -> Result<Organisation, Failure> {
    let lang = ex.lang();
    match named {
        Some(name) if ex.is_admin() => ex.find_org(name),
        Some(name) => {
            let (_, own) = ex.confirmed_member()?;
            let org = ex.find_org(name)?;
            if org.id != own.id {
                return ex.refuse(tr!(
                    lang,
                    "Refusé : seul un administrateur peut déclarer les logiciels d'une autre organisation que la vôtre ({}).",
                    "Refused: only an admin may record the software of another organisation than yours ({}).",
                    own.name
                ));
            }
            Ok(org)
        }
        None => Ok(ex.confirmed_member()?.1),
    }
}
