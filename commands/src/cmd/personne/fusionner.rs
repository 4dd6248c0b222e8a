//! `!personne fusionner <a> <b>` — one person known twice (imported from
//! the minutes, then arrived by Matrix): b's identities, answers,
//! invitations, memberships, attendance and actions become a's. Admins.
//! Two names of several words are told apart by quotes, an address or a
//! Matrix ID, or by the only way to cut the words into two known people.

use crate::exec::{Exec, Failure, Outcome, two_names};
use crate::membership::find_person;
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{Identity, Person};
use crate::text::Token;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!personne fusionner <personne gardée> <personne fusionnée>",
    en: "!person merge <person kept> <person merged>",
    help_fr: "réunir deux fiches d'une même personne sous la première",
    help_en: "merge two entries of one person under the first",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fusionner {
    pub tokens: Vec<Token>,
}

impl Fusionner {
    pub fn parse(args: &mut Args) -> Result<Fusionner, ParseErrorKind> {
        let mut tokens = Vec::new();
        while let Some(t) = args.next_token() {
            tokens.push(t);
        }
        match tokens.len() {
            0 | 1 => Err(ParseErrorKind::Missing(Arg::Person)),
            _ => Ok(Fusionner { tokens }),
        }
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        if !ex.is_admin() {
            return ex.refuse_not_allowed(&tr!(lang, "aux administrateurs", "admins"));
        }
        let (kept, merged) = match self.tokens.as_slice() {
            [a, b] => (find_person(ex, &a.text)?, find_person(ex, &b.text)?),
            _ => match two_names(ex, &self.tokens, quietly)? {
                Some(pair) => pair,
                None => {
                    let p = ex.prefix();
                    return ex.refuse(tr!(
                        lang,
                        "Je ne sais pas où finit le premier nom : mettez chacun entre guillemets, ou donnez une adresse ou un identifiant Matrix, par exemple {p}personne fusionner « François RAYNAUD » @francois:arles.fr.",
                        "I cannot tell where the first name ends: quote each, or give an address or a Matrix ID, for instance {p}person merge “François RAYNAUD” @francois:arles.fr."
                    ));
                }
            },
        };
        if kept.id == merged.id {
            return ex.refuse(tr!(
                lang,
                "Ces deux noms désignent déjà la même personne, {}.",
                "These two names are the same person already, {}.",
                kept.name
            ));
        }
        ex.store.merge_people(kept.id, merged.id)?;
        let (kept, merged) = (kept.name, merged.name);
        let (de_kept, de_merged) = (crate::words::de(&kept), crate::words::de(&merged));
        Ok(tr!(
            lang,
            "C'est fait : la fiche {de_merged} est réunie à celle {de_kept} (identités, réponses, invitations, groupes, présences et actions).",
            "Done: {merged}'s entry is merged into {kept}'s (identities, answers, invitations, groups, attendance and actions)."
        ))
    }
}

/// The one person `name` designates, if exactly one (no refusal).
fn quietly(ex: &mut Exec<'_>, name: &str) -> Result<Option<Person>, Failure> {
    if let Some(identity) = Identity::parse(name) {
        return Ok(match ex.store.person_by_identity(&identity)? {
            Some(p) => Some(p),
            None => ex.store.declared_person(&identity)?,
        });
    }
    let mut found = ex.store.people_named(&crate::text::name_key(name))?;
    Ok(match found.len() {
        1 => found.pop(),
        _ => None,
    })
}
