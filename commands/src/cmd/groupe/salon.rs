//! `!groupe salon creer <groupe>` — an admin asks the bot to make the room
//! of an active group that has none (the bot does it by itself when a
//! group becomes active): named after the theme, its members invited, in
//! the network's Space.

use crate::exec::{Exec, Outcome};
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::store::GroupStatus;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!groupe salon creer <groupe>",
    en: "!group room create <group>",
    help_fr: "créer le salon Matrix d'un groupe actif qui n'en a pas (administrateurs)",
    help_en: "create the Matrix room of an active group that has none (admins)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Salon {
    pub group: String,
}

impl Salon {
    pub fn parse(args: &mut Args) -> Result<Salon, ParseErrorKind> {
        Ok(Salon {
            group: super::create_then_group(args)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let g = ex.find_group(&self.group)?;
        if !ex.is_admin() {
            return ex.refuse_not_allowed(&tr!(lang, "aux administrateurs", "admins"));
        }
        if !ex.ctx.create_rooms {
            return ex.refuse(tr!(
                lang,
                "Je ne crée pas de salons ici (Matrix n'est pas configuré, ou matrix.create_rooms vaut false).",
                "I do not create rooms here (Matrix is not configured, or matrix.create_rooms is false)."
            ));
        }
        if g.status != GroupStatus::Active {
            return ex.refuse(tr!(
                lang,
                "Le groupe « {} » n'est pas actif : son salon sera créé quand il le deviendra.",
                "The group “{}” is not active: its room is created when it becomes active.",
                g.theme
            ));
        }
        if let Some(room) = &g.room {
            return ex.refuse(tr!(
                lang,
                "Le groupe « {} » a déjà un salon : {room}.",
                "The group “{}” has a room already: {room}.",
                g.theme
            ));
        }
        let action = crate::rooms::create(ex, &g)?;
        let invited = match &action {
            crate::Action::CreateGroupRoom { invite, .. } => invite.len(),
            _ => 0,
        };
        ex.actions.push(action);
        Ok(tr!(
            lang,
            "Je crée le salon du groupe « {} » ({}) et j'y invite {}.",
            "I am creating the room of “{}” ({}) and inviting {}.",
            g.theme,
            g.slug,
            crate::words::count_or_none(
                lang,
                invited,
                "aucun",
                ("membre", "membres"),
                ("member", "members")
            )
        ))
    }
}
