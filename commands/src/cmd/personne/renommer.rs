//! `!personne renommer <personne> "<nom>"` — write someone's name as it
//! should be ("Sipi" → "Jean SIPI"), everywhere it shows but in approved
//! comptes rendus. Admins (one's own name: `!moi nom`).

use crate::exec::{Exec, Outcome};
use crate::membership::find_person;
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!personne renommer <personne> \"<nom>\"",
    en: "!person rename <person> \"<name>\"",
    help_fr: "écrire le nom d'une personne tel qu'il doit l'être",
    help_en: "write someone's name as it should be",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renommer {
    pub person: String,
    pub name: String,
}

impl Renommer {
    pub fn parse(args: &mut Args) -> Result<Renommer, ParseErrorKind> {
        let name = parse::bounded(args.last(Arg::Person)?.text, Arg::Person)?;
        if name.chars().count() > 100 {
            return Err(ParseErrorKind::TooLongArg(Arg::Person));
        }
        let person = args.rest(Arg::Person)?;
        Ok(Renommer { person, name })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        if !ex.is_admin() {
            let p = ex.prefix();
            return ex.refuse(tr!(
                lang,
                "Refusé : réservé aux administrateurs. Pour votre propre nom : {p}moi nom « Prénom NOM ».",
                "Refused: admins only. For your own name: {p}me name “First LAST”."
            ));
        }
        let target = find_person(ex, &self.person)?;
        let (old, new) = (target.name.clone(), self.name.clone());
        if old == new {
            return Ok(tr!(
                lang,
                "{new} s'appelle déjà ainsi.",
                "{new} is called so already."
            ));
        }
        ex.store.rename_person(target.id, &new)?;
        Ok(tr!(
            lang,
            "C'est noté : {old} s'appelle désormais {new}.",
            "Noted: {old} is now called {new}."
        ))
    }
}
