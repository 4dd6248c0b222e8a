//! `!groupe diffusion creer <groupe>` — an admin asks the bot to make the
//! mailing list ("liste de diffusion": `!groupe liste` already lists the
//! groups) of an active group that has none, on the network's list server
//! (the bot does it by itself when a group becomes active).

use crate::exec::{Exec, Outcome};
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::store::GroupStatus;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!groupe diffusion creer <groupe>",
    en: "!group mailinglist create <group>",
    help_fr: "créer la liste de diffusion d'un groupe actif qui n'en a pas (administrateurs)",
    help_en: "create the mailing list of an active group that has none (admins)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diffusion {
    pub group: String,
}

impl Diffusion {
    pub fn parse(args: &mut Args) -> Result<Diffusion, ParseErrorKind> {
        Ok(Diffusion {
            group: super::create_then_group(args)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let g = ex.find_group(&self.group)?;
        if !ex.is_admin() {
            return ex.refuse_not_allowed(&tr!(lang, "aux administrateurs", "admins"));
        }
        if g.status != GroupStatus::Active {
            return ex.refuse(tr!(
                lang,
                "Le groupe « {} » n'est pas actif : sa liste sera créée quand il le deviendra.",
                "The group “{}” is not active: its list is created when it becomes active.",
                g.theme
            ));
        }
        if let Some(list) = &g.list {
            return ex.refuse(tr!(
                lang,
                "Le groupe « {} » a déjà une liste de diffusion : {list}.",
                "The group “{}” has a mailing list already: {list}.",
                g.theme
            ));
        }
        let Some(action) = crate::lists::create(ex, &g)? else {
            return ex.refuse(tr!(
                lang,
                "Je ne crée pas de listes ici : aucun serveur de listes n'est configuré ([lists]).",
                "I do not create lists here: no list server is configured ([lists])."
            ));
        };
        let (list, subscribed) = match &action {
            crate::Action::CreateGroupList {
                list, subscribe, ..
            } => (list.clone(), subscribe.len()),
            _ => (String::new(), 0),
        };
        ex.actions.push(action);
        Ok(tr!(
            lang,
            "Je crée la liste de diffusion {list} du groupe « {} » et j'y abonne {}.",
            "I am creating the mailing list {list} of “{}” and subscribing {}.",
            g.theme,
            crate::words::count_or_none(
                lang,
                subscribed,
                "aucune",
                ("adresse", "adresses"),
                ("address", "addresses")
            )
        ))
    }
}
