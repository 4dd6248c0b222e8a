//! `!personne info <personne>` — what the directory knows of someone: their
//! organisation and its state, and, to those who may tend their entry
//! (admins, confirmed members of their organisation, themselves), their
//! identities, verified or declared.

use crate::exec::{Exec, Outcome};
use crate::membership::find_person;
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{IdentityKind, Membership};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!personne info <personne>",
    en: "!person info <person>",
    help_fr: "ce que l'annuaire sait d'une personne",
    help_en: "what the directory knows of someone",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub person: String,
}

impl Info {
    pub fn parse(args: &mut Args) -> Result<Info, ParseErrorKind> {
        Ok(Info {
            person: args.rest(Arg::Person)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let target = find_person(ex, &self.person)?;
        let org = ex.org_name(target.organisation)?;
        let mut lines = vec![target.name.clone()];
        lines.push(match (org, target.membership) {
            (None, _) => tr!(
                lang,
                "Organisation : aucune déclarée",
                "Organisation: none given"
            ),
            (Some(o), Membership::Confirmed) => {
                tr!(lang, "Organisation : {o}", "Organisation: {o}")
            }
            (Some(o), Membership::Pending) => tr!(
                lang,
                "Organisation : {o} (demande en attente)",
                "Organisation: {o} (request pending)"
            ),
            (Some(o), Membership::Refused) => tr!(
                lang,
                "Organisation : {o} (demande refusée)",
                "Organisation: {o} (request refused)"
            ),
        });
        if !super::may_tend(ex, &target)? {
            return Ok(lines.join("\n"));
        }
        let identities = ex.store.identities(target.id)?;
        if identities.is_empty() {
            lines.push(tr!(
                lang,
                "Aucune adresse ni identifiant Matrix : le greffier ne peut pas la joindre ({}personne adresse …).",
                "No address and no Matrix ID: greffier cannot reach them ({}person address …).",
                ex.prefix()
            ));
        }
        for (identity, verified) in identities {
            let kind = match identity.kind {
                IdentityKind::Email => tr!(lang, "Adresse", "Address"),
                IdentityKind::Matrix => tr!(lang, "Matrix", "Matrix"),
            };
            let state = match verified {
                true => tr!(lang, "vérifiée", "verified"),
                false => tr!(
                    lang,
                    "déclarée, pas encore vérifiée",
                    "declared, not verified yet"
                ),
            };
            lines.push(tr!(
                lang,
                "{kind} : {} ({state})",
                "{kind}: {} ({state})",
                identity.value
            ));
        }
        Ok(lines.join("\n"))
    }
}
