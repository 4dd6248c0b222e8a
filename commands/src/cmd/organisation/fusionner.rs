//! `!organisation fusionner <a> <b>` — one organisation known under two
//! names ("Mairie AIX" and "C.A. Aix"): b's members, groups, supports,
//! answers, catalogue, domains and history become a's, and b's name, typed,
//! finds a. Admins. Two names of several words are told apart by quotes,
//! or by the only way to cut the words into two known organisations.

use crate::exec::{Exec, Outcome, two_names};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::Organisation;
use crate::text::Token;
use crate::{text, tr};

pub const USAGE: Usage = Usage {
    fr: "!organisation fusionner <organisation gardée> <organisation fusionnée>",
    en: "!org merge <organisation kept> <organisation merged>",
    help_fr: "réunir deux noms d'une même organisation sous le premier",
    help_en: "merge two names of one organisation under the first",
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
            0 => Err(ParseErrorKind::Missing(Arg::Organisation)),
            1 => Err(ParseErrorKind::Missing(Arg::Organisation)),
            _ => Ok(Fusionner { tokens }),
        }
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        if !ex.is_admin() {
            return ex.refuse_not_allowed(&tr!(lang, "aux administrateurs", "admins"));
        }
        let (kept, merged) = match self.tokens.as_slice() {
            [a, b] => (ex.find_org(&a.text)?, ex.find_org(&b.text)?),
            _ => match two_names(ex, &self.tokens, known)? {
                Some(pair) => pair,
                None => {
                    let p = ex.prefix();
                    return ex.refuse(tr!(
                        lang,
                        "Je ne sais pas où finit le premier nom : mettez chacun entre guillemets, par exemple {p}organisation fusionner « C.A. Aix » « Mairie AIX ».",
                        "I cannot tell where the first name ends: quote each, for instance {p}org merge “C.A. Aix” “Mairie AIX”."
                    ));
                }
            },
        };
        if kept.id == merged.id {
            return ex.refuse(tr!(
                lang,
                "Ces deux noms désignent déjà la même organisation, {}.",
                "These two names are the same organisation already, {}.",
                kept.name
            ));
        }
        let members = crate::words::count(
            lang,
            ex.store.organisation_people(merged.id)?.len(),
            ("personne rattachée", "personnes rattachées"),
            ("person moved", "people moved"),
        );
        ex.store.merge_organisations(kept.id, merged.id)?;
        let (kept, merged) = (kept.name, merged.name);
        Ok(tr!(
            lang,
            "C'est fait : {merged} est réunie à {kept} ({members}, avec ses groupes, ses réponses, ses logiciels et ses domaines). Le nom {merged} désigne désormais {kept}.",
            "Done: {merged} is merged into {kept} ({members}, with its groups, answers, software and domains). The name {merged} now finds {kept}."
        ))
    }
}

/// The organisation a name (or a former name) finds, quietly.
fn known(ex: &mut Exec<'_>, name: &str) -> Result<Option<Organisation>, crate::exec::Failure> {
    Ok(ex.store.organisation_by_key(&text::name_key(name))?)
}
