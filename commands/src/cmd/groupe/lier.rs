//! `!groupe lier <groupe>` — typed in a room by an admin: this room is the
//! group's room (its digest and announcements go there).

use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!groupe lier <groupe>",
    en: "!group link <group>",
    help_fr: "dans un salon, par un administrateur : ce salon devient celui du groupe",
    help_en: "in a room, by an admin: this room becomes the group's room",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lier {
    pub group: String,
}

impl Lier {
    pub fn parse(args: &mut Args) -> Result<Lier, ParseErrorKind> {
        Ok(Lier {
            group: args.rest(Arg::Group)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let g = ex.find_group(&self.group)?;
        if !ex.is_admin() {
            return ex.refuse_not_allowed(&tr!(lang, "aux administrateurs", "admins"));
        }
        let Some(room) = ex.req.origin.room().map(str::to_string) else {
            return ex.refuse(tr!(
                lang,
                "Cette commande se tape dans le salon Matrix à lier au groupe.",
                "Type this command in the Matrix room to link to the group."
            ));
        };
        if let Some(other) = ex.store.group_by_room(&room)? {
            if other.id == g.id {
                return ex.refuse(tr!(
                    lang,
                    "Ce salon est déjà celui du groupe « {} ».",
                    "This room is already the room of “{}”.",
                    g.theme
                ));
            }
            return ex.refuse(tr!(
                lang,
                "Ce salon est déjà lié au groupe « {} » ({}).",
                "This room is already linked to “{}” ({}).",
                other.theme,
                other.slug
            ));
        }
        ex.store.set_group_room(g.id, &room)?;
        Ok(tr!(
            lang,
            "Ce salon est désormais celui du groupe « {} » ({}) : sa lettre hebdomadaire y sera publiée.",
            "This room is now the room of “{}” ({}): its digest will be posted here.",
            g.theme,
            g.slug
        ))
    }
}
