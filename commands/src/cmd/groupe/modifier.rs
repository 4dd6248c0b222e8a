//! `!groupe modifier <groupe> theme "<…>" | action "<…>" | identifiant <nouveau>`
//! — what was typed wrong when the group was proposed: its theme, its
//! next action, its short name. The room's name and topic follow (its
//! list and room alias keep the address they were made with). Admins and
//! the lead's confirmed members.

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::{text, tr};

pub const USAGE: Usage = Usage {
    fr: "!groupe modifier <groupe> theme \"<thème>\" | action \"<action>\" | identifiant <nouveau>",
    en: "!group edit <group> theme \"<theme>\" | action \"<action>\" | slug <new>",
    help_fr: "corriger le thème, l'action ou l'identifiant d'un groupe (administrateurs, chef de projet)",
    help_en: "correct a group's theme, action or short name (admins, lead)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    Theme(String),
    Action(String),
    Slug(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modifier {
    pub group: String,
    pub field: Field,
}

impl Modifier {
    pub fn parse(args: &mut Args) -> Result<Modifier, ParseErrorKind> {
        let group = args.required(Arg::Group)?.text;
        let field = match args.next_keyword().as_deref() {
            Some("theme" | "titre") => {
                Field::Theme(parse::bounded(args.rest(Arg::Theme)?, Arg::Theme)?)
            }
            Some("action") => Field::Action(parse::bounded(args.rest(Arg::Text)?, Arg::Text)?),
            Some("slug" | "identifiant" | "nom") => {
                let slug = parse::slug(&args.required(Arg::Slug)?.text)?;
                args.end()?;
                Field::Slug(slug)
            }
            Some(other) => return Err(ParseErrorKind::Unexpected(text::excerpt(other, 40))),
            None => return Err(ParseErrorKind::NothingToChange),
        };
        Ok(Modifier { group, field })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let mut g = ex.find_group(&self.group)?;
        if !ex.leads(&g)? {
            return ex.refuse_not_allowed(&tr!(
                lang,
                "aux administrateurs et aux membres de l'organisation chef de projet",
                "admins and members of the lead organisation"
            ));
        }
        let said = match &self.field {
            Field::Theme(theme) => {
                let said = tr!(
                    lang,
                    "Le thème du groupe « {} » est désormais « {theme} ».",
                    "The group “{}” is now themed “{theme}”.",
                    g.theme
                );
                g.theme = theme.clone();
                said
            }
            Field::Action(action) => {
                g.action = Some(action.clone());
                tr!(
                    lang,
                    "L'action du groupe « {} » est désormais : {action}",
                    "The group “{}”'s action is now: {action}",
                    g.theme
                )
            }
            Field::Slug(slug) => {
                if *slug == g.slug {
                    return Ok(tr!(
                        lang,
                        "Le groupe s'appelle déjà {slug}.",
                        "The group is {slug} already."
                    ));
                }
                if ex.store.group_by_slug(slug)?.is_some() {
                    return ex.refuse(tr!(
                        lang,
                        "L'identifiant {slug} est déjà celui d'un autre groupe.",
                        "The short name {slug} is another group's already."
                    ));
                }
                let said = tr!(
                    lang,
                    "Le groupe « {} » s'appelle désormais {slug} (son salon et sa liste gardent leur adresse).",
                    "The group “{}” is now {slug} (its room and list keep their address).",
                    g.theme
                );
                g.slug = slug.clone();
                said
            }
        };
        ex.store
            .update_group(g.id, &g.theme, g.action.as_deref(), &g.slug)?;
        if !matches!(self.field, Field::Slug(_))
            && let Some(named) = crate::rooms::name(ex, &g)?
        {
            ex.actions.push(named);
        }
        Ok(said)
    }
}
