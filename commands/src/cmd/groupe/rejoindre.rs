//! `!groupe rejoindre <groupe>` — the sender joins; their organisation
//! becomes one of the group's members once their membership of it is
//! confirmed (a pending member joins as a person meanwhile).

use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{GroupStatus, Membership};
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
        if let Some(invite) = crate::rooms::invite(ex, &g, &person)? {
            ex.actions.push(invite);
        }
        let subscriptions = crate::lists::subscribe(ex, &g, &person)?;
        ex.actions.extend(subscriptions);
        let welcome = tr!(
            lang,
            "Bienvenue dans le groupe « {} » ({}), {} !",
            "Welcome to “{}” ({}), {}!",
            g.theme,
            g.slug,
            person.name
        );
        let name = &org.name;
        if person.membership == Membership::Confirmed {
            return Ok(tr!(
                lang,
                "{welcome} {name} en est membre.",
                "{welcome} {name} is a member."
            ));
        }
        let who = ex.who_can_confirm(&org)?;
        Ok(tr!(
            lang,
            "{welcome} {name} en deviendra membre quand votre appartenance à {name} sera confirmée ({who} peut la confirmer).",
            "{welcome} {name} becomes a member when your membership of {name} is confirmed ({who} can confirm it)."
        ))
    }
}
