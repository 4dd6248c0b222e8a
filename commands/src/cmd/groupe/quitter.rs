//! `!groupe quitter <groupe>` — the sender leaves. Their organisation stays
//! a member while another of its people is, or if it was a member by itself.

use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!groupe quitter <groupe>",
    en: "!group leave <group>",
    help_fr: "quitter un groupe",
    help_en: "leave a group",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quitter {
    pub group: String,
}

impl Quitter {
    pub fn parse(args: &mut Args) -> Result<Quitter, ParseErrorKind> {
        Ok(Quitter {
            group: args.rest(Arg::Group)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let g = ex.find_group(&self.group)?;
        let removed = match ex.me()? {
            Some(person) => ex.store.remove_member(g.id, person.id)?.then_some(person),
            None => None,
        };
        let Some(person) = removed else {
            return ex.refuse(tr!(
                lang,
                "Vous n'êtes pas membre du groupe « {} » ({}).",
                "You are not a member of “{}” ({}).",
                g.theme,
                g.slug
            ));
        };
        // Off the group's list; the room is the members' as much as the
        // bot's: nobody is kicked (the digest says who left).
        let unsubscriptions = crate::lists::unsubscribe(ex, &g, &person)?;
        ex.actions.extend(unsubscriptions);
        let mut reply = tr!(
            lang,
            "Vous avez quitté le groupe « {} » ({}).",
            "You left “{}” ({}).",
            g.theme,
            g.slug
        );
        if let Some(org) = person.organisation {
            let still = ex
                .store
                .member_organisations(g.id)?
                .iter()
                .any(|o| o.id == org);
            if !still {
                let name = ex.store.organisation(org)?.name;
                reply.push_str(&tr!(
                    lang,
                    " {name} n'en est plus membre.",
                    " {name} is no longer a member."
                ));
            }
        }
        Ok(reply)
    }
}
