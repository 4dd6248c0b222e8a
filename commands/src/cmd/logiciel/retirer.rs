//! `!logiciel retirer <logiciel> [pour <organisation>]` — your organisation
//! no longer runs a software (the history keeps that it did): a confirmed
//! member for their organisation, admins for any.

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!logiciel retirer <logiciel> [pour <organisation>]",
    en: "!software remove <software> [for <organisation>]",
    help_fr: "votre organisation n'utilise plus ce logiciel",
    help_en: "your organisation no longer runs this software",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retirer {
    pub software: String,
    pub organisation: Option<String>,
}

impl Retirer {
    pub fn parse(args: &mut Args) -> Result<Retirer, ParseErrorKind> {
        let split = args.split(&super::ajouter::OPTIONS[2..]);
        let software = parse::bounded(parse::join(&split.positional), Arg::Software)?;
        let organisation = split
            .get("pour")
            .map(|s| parse::bounded(s, Arg::Organisation))
            .transpose()?;
        Ok(Retirer {
            software,
            organisation,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let org = super::for_organisation(ex, self.organisation.as_deref())?;
        let software = super::find(ex, &self.software)?;
        let by = ex.me()?.map(|p| p.id);
        let (name, org_name) = (&software.name, &org.name);
        if !ex.store.record_use(software.id, org.id, None, None, by)? {
            return ex.refuse(tr!(
                lang,
                "{org_name} n'utilise pas {name} d'après le catalogue.",
                "{org_name} does not run {name} according to the catalogue."
            ));
        }
        Ok(tr!(
            lang,
            "C'est noté : {org_name} n'utilise plus {name}.",
            "Noted: {org_name} no longer runs {name}."
        ))
    }
}
