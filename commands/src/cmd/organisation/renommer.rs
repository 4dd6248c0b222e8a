//! `!organisation renommer <organisation> "<nom>"` — write an
//! organisation's name as it should be ("Sete" → "Sète"), everywhere it
//! shows (digests, drafts, web, export; an approved compte rendu keeps its
//! text). The former name, typed, still finds it. Admins.

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::{text, tr};

pub const USAGE: Usage = Usage {
    fr: "!organisation renommer <organisation> \"<nom>\"",
    en: "!org rename <organisation> \"<name>\"",
    help_fr: "écrire le nom d'une organisation tel qu'il doit l'être",
    help_en: "write an organisation's name as it should be",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renommer {
    pub organisation: String,
    pub name: String,
}

impl Renommer {
    pub fn parse(args: &mut Args) -> Result<Renommer, ParseErrorKind> {
        let name = parse::bounded(args.last(Arg::Organisation)?.text, Arg::Organisation)?;
        if name.chars().count() > 100 {
            return Err(ParseErrorKind::TooLongArg(Arg::Organisation));
        }
        let organisation = args.rest(Arg::Organisation)?;
        Ok(Renommer { organisation, name })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        if !ex.is_admin() {
            return ex.refuse_not_allowed(&tr!(lang, "aux administrateurs", "admins"));
        }
        let org = ex.find_org(&self.organisation)?;
        let (old, new) = (org.name.clone(), self.name.clone());
        if old == new {
            return Ok(tr!(
                lang,
                "L'organisation s'appelle déjà {new}.",
                "The organisation is called {new} already."
            ));
        }
        if let Some(other) = ex.store.organisation_by_key(&text::name_key(&new))?
            && other.id != org.id
        {
            let p = ex.prefix();
            let other = other.name;
            return ex.refuse(tr!(
                lang,
                "« {new} » est déjà le nom de l'organisation {other} : si ce sont les mêmes, {p}organisation fusionner « {other} » « {old} ».",
                "“{new}” is the name of the organisation {other} already: if they are the same, {p}org merge “{other}” “{old}”."
            ));
        }
        ex.store.rename_organisation(org.id, &new)?;
        Ok(tr!(
            lang,
            "C'est noté : l'organisation {old} s'appelle désormais {new}. Le nom {old} la désigne encore.",
            "Noted: the organisation {old} is now called {new}. The name {old} still finds it."
        ))
    }
}
