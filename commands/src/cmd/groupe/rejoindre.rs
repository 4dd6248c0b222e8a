//! `!groupe rejoindre <groupe>` — the sender joins; their organisation
//! becomes one of the group's members.

use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::GroupStatus;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!groupe rejoindre <groupe>",
    en: "!group join <group>",
    help_fr: "rejoindre un groupe (votre organisation en devient membre)",
    help_en: "join a group (your organisation becomes a member)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejoindre {
    pub group: String,
}

impl Rejoindre {
    pub fn parse(args: &mut Args) -> Result<Rejoindre, ParseErrorKind> {
        Ok(Rejoindre {
            group: args.rest(Arg::Group)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let g = ex.find_group(&self.group)?;
        let (person, org) = ex.member()?;
        if g.status == GroupStatus::Archived {
            return ex.refuse(tr!(
                lang,
                "Le groupe « {} » est archivé : on ne peut plus le rejoindre.",
                "The group “{}” is archived: it cannot be joined any more.",
                g.theme
            ));
        }
        if !ex.store.add_member(g.id, org.id, Some(person.id))? {
            return ex.refuse(tr!(
                lang,
                "Vous êtes déjà membre du groupe « {} » ({}).",
                "You are already a member of “{}” ({}).",
                g.theme,
                g.slug
            ));
        }
        Ok(tr!(
            lang,
            "Bienvenue dans le groupe « {} » ({}), {} ! {} en est membre.",
            "Welcome to “{}” ({}), {}! {} is a member.",
            g.theme,
            g.slug,
            person.name,
            org.name
        ))
    }
}
