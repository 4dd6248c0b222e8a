//! `!logiciel ajouter <logiciel> [statut <statut>] [note "<texte>"] [pour
//! <organisation>] [nouveau]` — your organisation runs (or studies, or
//! moves to, or dropped) a software: a confirmed member for their
//! organisation, admins for any. A software nobody named yet is added to
//! the catalogue unless its name is close to a known one: then the bot
//! suggests that one, and `nouveau` (`new`) says it really is another.

use crate::exec::{Exec, Outcome, did_you_mean};
use crate::parse::{self, Arg, Args, Arity, OptSpec, ParseErrorKind, Usage};
use crate::store::{Software, UseStatus};
use crate::text;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!logiciel ajouter <logiciel> [statut production|projet|etude|abandon] [note \"<texte>\"] [pour <organisation>]",
    en: "!software add <software> [status production|project|study|abandoned] [note \"<text>\"] [for <organisation>]",
    help_fr: "déclarer un logiciel que votre organisation utilise (membres confirmés ; administrateurs pour toute organisation)",
    help_en: "record a software your organisation runs (confirmed members; admins for any organisation)",
};

pub(super) const OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "statut",
        keywords: &["statut", "status", "etat"],
        arity: Arity::One,
    },
    OptSpec {
        name: "note",
        keywords: &["note", "remarque"],
        arity: Arity::Rest,
    },
    OptSpec {
        name: "pour",
        keywords: &["pour", "for"],
        arity: Arity::Rest,
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ajouter {
    pub software: String,
    pub status: UseStatus,
    pub note: Option<String>,
    pub organisation: Option<String>,
    /// `nouveau`: add it even if its name is close to a known one.
    pub new: bool,
}

impl Ajouter {
    pub fn parse(args: &mut Args) -> Result<Ajouter, ParseErrorKind> {
        let split = args.split(OPTIONS);
        let mut positional = split.positional.clone();
        let new = positional.len() > 1
            && positional.last().is_some_and(|t| {
                !t.quoted && matches!(text::keyword(&t.text).as_str(), "nouveau" | "new")
            });
        if new {
            positional.pop();
        }
        let software = parse::bounded(parse::join(&positional), Arg::Software)?;
        if software.chars().count() > 100 {
            return Err(ParseErrorKind::TooLongArg(Arg::Software));
        }
        let status = match split.get("statut") {
            Some(s) => UseStatus::parse(&s)
                .ok_or_else(|| ParseErrorKind::BadStatus(text::excerpt(&s, 40)))?,
            None => UseStatus::Production,
        };
        let note = split
            .get("note")
            .map(|s| parse::bounded(s, Arg::Text))
            .transpose()?;
        let organisation = split
            .get("pour")
            .map(|s| parse::bounded(s, Arg::Organisation))
            .transpose()?;
        Ok(Ajouter {
            software,
            status,
            note,
            organisation,
            new,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let org = super::for_organisation(ex, self.organisation.as_deref())?;
        let by = ex.me()?.map(|p| p.id);
        let key = text::software_key(&self.software);
        let (software, created) = match ex.store.software_by_key(&key)? {
            Some(s) => (s, false),
            None => {
                let known = ex.store.all_software()?;
                let close = super::suggestions(&known, &self.software);
                if !close.is_empty() && !self.new {
                    let name = &self.software;
                    let p = ex.prefix();
                    let mut msg = tr!(
                        lang,
                        "Logiciel inconnu « {name} »",
                        "Unknown software “{name}”"
                    );
                    msg.push_str(&did_you_mean(lang, &close));
                    msg.push_str(&tr!(
                        lang,
                        " S'il s'agit bien d'un autre logiciel : {p}logiciel ajouter {name} nouveau",
                        " If it really is another software: {p}software add {name} new"
                    ));
                    return ex.refuse(msg);
                }
                // The working group about it, if its slug or theme is the
                // software's name (OpenElec, OCS Inventory).
                let group = ex.store.groups()?.into_iter().find(|g| {
                    text::software_key(&g.slug) == key || text::software_key(&g.theme) == key
                });
                let group = group.map(|g| g.id);
                let id = ex.store.create_software(&self.software, group)?;
                let software = Software {
                    id,
                    name: self.software.clone(),
                    group,
                };
                (software, true)
            }
        };
        let changed = ex.store.record_use(
            software.id,
            org.id,
            Some(self.status),
            self.note.as_deref(),
            by,
        )?;
        let (name, org_name) = (&software.name, &org.name);
        let status = crate::words::use_status(lang, self.status);
        // The same as a compte rendu read: now confirmed.
        if !changed && ex.store.confirm_use(software.id, org.id)? {
            return Ok(tr!(
                lang,
                "C'est confirmé : {org_name} — {name}, {status} (lu dans un compte rendu).",
                "Confirmed: {org_name} — {name}, {status} (read in minutes)."
            ));
        }
        if !changed {
            return ex.refuse(tr!(
                lang,
                "C'est déjà noté : {org_name} — {name}, {status}.",
                "Already recorded: {org_name} — {name}, {status}."
            ));
        }
        let mut reply = tr!(
            lang,
            "C'est noté : {org_name} — {name}, {status}.",
            "Noted: {org_name} — {name}, {status}."
        );
        if created {
            reply.push_str(&tr!(
                lang,
                " (nouveau logiciel au catalogue)",
                " (new software in the catalogue)"
            ));
        }
        let others = ex
            .store
            .software_uses(software.id)?
            .into_iter()
            .filter(|u| u.organisation != org.id)
            .count();
        if others > 0 {
            let p = ex.prefix();
            let (fr_verb, en_verb) = match others {
                1 => ("l'utilise", "runs"),
                _ => ("l'utilisent", "run"),
            };
            let count = crate::words::count(
                lang,
                others,
                ("autre organisation", "autres organisations"),
                ("other organisation", "other organisations"),
            );
            reply.push_str(&tr!(
                lang,
                " {count} {fr_verb} : {p}logiciel qui {name}",
                " {count} {en_verb} it: {p}software who {name}"
            ));
        }
        Ok(reply)
    }
}
