//! `!logiciel supprimer <logiciel>` — a name typed by mistake ("koah")
//! leaves the catalogue with its history: who was said to run it, and
//! when. Admins. (An organisation that no longer runs a real software
//! says `!logiciel retirer`, and the history keeps that it did.)

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!logiciel supprimer <logiciel>",
    en: "!software delete <software>",
    help_fr: "ôter du catalogue un nom de logiciel saisi par erreur, avec son historique (administrateurs)",
    help_en: "take a software name typed by mistake out of the catalogue, with its history (admins)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supprimer {
    pub software: String,
}

impl Supprimer {
    pub fn parse(args: &mut Args) -> Result<Supprimer, ParseErrorKind> {
        Ok(Supprimer {
            software: parse::bounded(args.rest(Arg::Software)?, Arg::Software)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        if !ex.is_admin() {
            let p = ex.prefix();
            return ex.refuse(tr!(
                lang,
                "Refusé : réservé aux administrateurs. Si votre organisation n'utilise plus ce logiciel : {p}logiciel retirer <logiciel>.",
                "Refused: admins only. If your organisation no longer runs it: {p}software remove <software>."
            ));
        }
        let software = super::find(ex, &self.software)?;
        let uses = crate::words::count(
            lang,
            ex.store.software_uses(software.id)?.len(),
            (
                "organisation l'avait déclaré",
                "organisations l'avaient déclaré",
            ),
            (
                "organisation had recorded it",
                "organisations had recorded it",
            ),
        );
        ex.store.delete_software(software.id)?;
        let name = software.name;
        Ok(tr!(
            lang,
            "« {name} » est ôté du catalogue, avec son historique ({uses}).",
            "“{name}” is taken out of the catalogue, with its history ({uses})."
        ))
    }
}
