//! `!moi oublier [pour <personne>] [confirmer]` — erase a person: their
//! name, identities, link codes, absence reasons and group memberships.
//! Their answers to meetings stay, under "ancien membre" and their
//! organisation, so that attendance by organisation stays true. Asked
//! twice: the first time says what will be erased, `confirmer` does it.
//! An admin can do it for someone (`pour <personne>`).

use crate::exec::{Exec, Outcome};
use crate::membership;
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::text;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!moi oublier [pour <personne>] [confirmer]",
    en: "!me forget [for <person>] [confirm]",
    help_fr: "effacer votre nom et vos identités (vos réponses restent, anonymes)",
    help_en: "erase your name and identities (your answers stay, anonymous)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oublier {
    /// `pour <personne>`: an admin erasing someone else.
    pub person: Option<String>,
    pub confirm: bool,
}

impl Oublier {
    pub fn parse(args: &mut Args) -> Result<Oublier, ParseErrorKind> {
        let mut tokens = Vec::new();
        while let Some(t) = args.next_token() {
            tokens.push(t);
        }
        let confirm = tokens.last().is_some_and(|t| {
            !t.quoted && matches!(text::keyword(&t.text).as_str(), "confirmer" | "confirm")
        });
        if confirm {
            tokens.pop();
        }
        let person = match tokens.first() {
            None => None,
            Some(t) if !t.quoted && matches!(text::keyword(&t.text).as_str(), "pour" | "for") => {
                Some(parse::bounded(parse::join(&tokens[1..]), Arg::Person)?)
            }
            Some(t) => return Err(ParseErrorKind::Unexpected(text::excerpt(&t.text, 60))),
        };
        Ok(Oublier { person, confirm })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let p = ex.prefix().to_string();
        let target = match &self.person {
            Some(named) => {
                if !ex.is_admin() {
                    return ex.refuse_not_allowed(&tr!(
                        lang,
                        "aux administrateurs d'effacer quelqu'un d'autre",
                        "admins to erase someone else"
                    ));
                }
                membership::find_person(ex, named)?
            }
            None => match ex.me()? {
                Some(me) => me,
                None => {
                    return ex.refuse(tr!(
                        lang,
                        "Je ne vous connais pas : je n'ai rien à oublier de vous.",
                        "I do not know you: there is nothing of yours to forget."
                    ));
                }
            },
        };
        let org = ex
            .org_name(target.organisation)?
            .unwrap_or_else(|| tr!(lang, "sans organisation", "no organisation"));
        let placeholder = tr!(lang, "ancien membre", "former member");
        if !self.confirm {
            let identities: Vec<String> = ex
                .store
                .identities(target.id)?
                .into_iter()
                .map(|(i, _)| i.value)
                .collect();
            let groups: Vec<String> = ex
                .store
                .person_groups(target.id)?
                .into_iter()
                .map(|g| g.slug)
                .collect();
            let none = || tr!(lang, "aucun", "none");
            let ids = match identities.is_empty() {
                true => none(),
                false => identities.join(", "),
            };
            let groups = match groups.is_empty() {
                true => none(),
                false => groups.join(", "),
            };
            let again = match &self.person {
                Some(named) => tr!(
                    lang,
                    "{p}moi oublier pour {named} confirmer",
                    "{p}me forget for {named} confirm"
                ),
                None => tr!(lang, "{p}moi oublier confirmer", "{p}me forget confirm"),
            };
            return Ok(tr!(
                lang,
                "Seront effacés : le nom « {} », les identités ({ids}), les codes en cours, les motifs d'absence et l'appartenance aux groupes ({groups}). Les réponses aux réunions restent, sans motif, sous « {placeholder} ({org}) ». Rien d'autre ne sera demandé : pour confirmer, tapez {again}",
                "To be erased: the name “{}”, the identities ({ids}), pending codes, absence reasons and group memberships ({groups}). Answers to meetings stay, without reasons, as “{placeholder} ({org})”. Nothing else will be asked: to confirm, type {again}",
                target.name
            ));
        }
        // Off every list of the network, before the addresses go.
        let unsubscriptions = crate::lists::unsubscribe_everywhere(ex, target.id)?;
        let done = ex.store.forget_person(target.id, &placeholder)?;
        ex.actions.extend(unsubscriptions);
        // The reply names no one: it is written in the same transaction,
        // after the erasure.
        let ids = crate::words::count(
            lang,
            done.identities,
            ("identité", "identités"),
            ("identity", "identities"),
        );
        let answers = crate::words::count(
            lang,
            done.answers,
            ("réunion", "réunions"),
            ("meeting", "meetings"),
        );
        Ok(tr!(
            lang,
            "C'est fait : la personne est effacée ({ids}) ; ses réponses à {answers} restent sous « {placeholder} ({org}) ».",
            "Done: the person is erased ({ids}); their answers to {answers} stay as “{placeholder} ({org})”."
        ))
    }
}
