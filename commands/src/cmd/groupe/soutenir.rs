//! `!groupe soutenir <groupe>` — the sender's organisation supports a
//! proposal. When `groups.quorum` distinct organisations support it, it
//! becomes active, and its room and list are told (the bot makes its room
//! first when `matrix.create_rooms` is on and it has none). Only a
//! confirmed member speaks for their organisation.

use crate::exec::{Exec, Failure, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{Group, GroupStatus};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!groupe soutenir <groupe>",
    en: "!group support <group>",
    help_fr: "votre organisation soutient une proposition de groupe",
    help_en: "your organisation supports a proposed group",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Soutenir {
    pub group: String,
}

/// Activates a proposal that has reached the quorum; returns the sentence
/// that says so.
pub fn activate_if_quorum(ex: &mut Exec<'_>, g: &Group) -> Result<Option<String>, Failure> {
    let supporters = ex.store.supporters(g.id)?;
    if g.status != GroupStatus::Proposed || supporters.len() < ex.ctx.quorum {
        return Ok(None);
    }
    ex.store.set_group_status(g.id, GroupStatus::Active)?;
    if crate::rooms::wanted(ex, g) {
        let room = crate::rooms::create(ex, g)?;
        ex.actions.push(room);
    }
    if crate::lists::wanted(ex, g) {
        let list = crate::lists::create(ex, g)?;
        ex.actions.extend(list);
    }
    let lang = ex.lang();
    let names: Vec<String> = supporters.into_iter().map(|o| o.name).collect();
    let names = names.join(", ");
    ex.post_to_group(
        g,
        tr!(
            lang,
            "Le groupe « {} » ({}) est désormais actif, soutenu par {names}.",
            "The group “{}” ({}) is now active, supported by {names}.",
            g.theme,
            g.slug
        ),
    );
    Ok(Some(tr!(
        lang,
        "Quorum atteint ({}/{}) : le groupe « {} » est désormais actif !",
        "Quorum reached ({}/{}): the group “{}” is now active!",
        ex.ctx.quorum,
        ex.ctx.quorum,
        g.theme
    )))
}

impl Soutenir {
    pub fn parse(args: &mut Args) -> Result<Soutenir, ParseErrorKind> {
        Ok(Soutenir {
            group: args.rest(Arg::Group)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let g = ex.find_group(&self.group)?;
        let (person, org) = ex.confirmed_member()?;
        if g.status != GroupStatus::Proposed {
            return ex.refuse(tr!(
                lang,
                "Le groupe « {} » n'est pas une proposition : il est déjà {}.",
                "The group “{}” is not a proposal: it is {} already.",
                g.theme,
                crate::words::group_status(lang, g.status)
            ));
        }
        if !ex.store.add_support(g.id, org.id, Some(person.id))? {
            return ex.refuse(tr!(
                lang,
                "{} soutient déjà le groupe « {} ».",
                "{} already supports “{}”.",
                org.name,
                g.theme
            ));
        }
        if let Some(activated) = activate_if_quorum(ex, &g)? {
            return Ok(tr!(
                lang,
                "{} soutient le groupe « {} ». {activated}",
                "{} supports “{}”. {activated}",
                org.name,
                g.theme
            ));
        }
        let n = ex.store.supporters(g.id)?.len();
        Ok(tr!(
            lang,
            "{} soutient le groupe « {} » : {n}/{} soutiens.",
            "{} supports “{}”: {n}/{} supports.",
            org.name,
            g.theme,
            ex.ctx.quorum
        ))
    }
}
