//! `!groupe proposer <slug> "<thème>" [initiative <organisation>] [action "<texte>"]`
//! — propose a new group. The initiating organisation (the sender's, unless
//! an admin names another) is its first support and its "initialisation";
//! the sender becomes its first member. Proposing speaks for an
//! organisation: a confirmed membership is needed.

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, Arity, OptSpec, ParseErrorKind, Usage};
use crate::store::{GroupStatus, NewGroup};
use crate::text;
use crate::tr;

use super::soutenir;

pub const USAGE: Usage = Usage {
    fr: "!groupe proposer <identifiant> \"<thème>\" [initiative <organisation>] [action \"<texte>\"]",
    en: "!group propose <short-name> \"<theme>\" [initiative <organisation>] [action \"<text>\"]",
    help_fr: "proposer un nouveau groupe de travail",
    help_en: "propose a new working group",
};

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "initiative",
        keywords: &["initiative", "initiateur", "by"],
        arity: Arity::Rest,
    },
    OptSpec {
        name: "action",
        keywords: &["action"],
        arity: Arity::Rest,
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposer {
    pub slug: String,
    pub theme: String,
    pub initiative: Option<String>,
    pub action: Option<String>,
}

impl Proposer {
    pub fn parse(args: &mut Args) -> Result<Proposer, ParseErrorKind> {
        let first = args.required(Arg::Slug)?;
        let slug = parse::slug(&first.text)?;
        let split = args.split(OPTIONS);
        let theme = parse::bounded(parse::join(&split.positional), Arg::Theme)?;
        let initiative = split
            .get("initiative")
            .map(|s| parse::bounded(s, Arg::Organisation))
            .transpose()?;
        let action = split
            .get("action")
            .map(|s| parse::bounded(s, Arg::Text))
            .transpose()?;
        Ok(Proposer {
            slug,
            theme,
            initiative,
            action,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let (person, own_org) = ex.confirmed_member()?;
        let org = match &self.initiative {
            Some(name) => {
                let org = ex.find_org(name)?;
                if org.id != own_org.id && !ex.is_admin() {
                    return ex.refuse(tr!(
                        lang,
                        "Refusé : seul un administrateur peut proposer un groupe à l'initiative d'une autre organisation que la vôtre ({}).",
                        "Refused: only an admin may propose a group on behalf of another organisation than yours ({}).",
                        own_org.name
                    ));
                }
                org
            }
            None => own_org.clone(),
        };
        if let Some(g) = ex.store.group_by_slug(&self.slug)? {
            return ex.refuse(tr!(
                lang,
                "L'identifiant « {} » est déjà pris par le groupe « {} ».",
                "The short name “{}” is already taken by “{}”.",
                g.slug,
                g.theme
            ));
        }
        let key = text::name_key(&self.theme);
        if let Some(g) = ex
            .store
            .groups()?
            .into_iter()
            .find(|g| text::name_key(&g.theme) == key)
        {
            return ex.refuse(tr!(
                lang,
                "Le groupe « {} » ({}) existe déjà.",
                "The group “{}” ({}) exists already.",
                g.theme,
                g.slug
            ));
        }
        let id = ex.store.create_group(
            &NewGroup {
                slug: self.slug.clone(),
                theme: self.theme.clone(),
                status: GroupStatus::Proposed,
                lead: Some(org.id),
                action: self.action.clone(),
                room: None,
                list: None,
            },
            Some(person.id),
        )?;
        ex.store.add_member(id, own_org.id, Some(person.id))?;
        ex.store.add_support(id, org.id, Some(person.id))?;
        let p = ex.prefix().to_string();
        let (theme, slug, name) = (&self.theme, &self.slug, &org.name);
        let de_name = crate::words::de(name);
        let mut reply = tr!(
            lang,
            "Groupe « {theme} » ({slug}) proposé à l'initiative {de_name}.",
            "Group “{theme}” ({slug}) proposed, initiated by {name}."
        );
        let group = ex
            .store
            .group_by_slug(&self.slug)?
            .ok_or_else(|| crate::store::StoreError("group just created is missing".into()))?;
        match soutenir::activate_if_quorum(ex, &group)? {
            Some(activated) => reply.push_str(&format!(" {activated}")),
            None => {
                let (q, s) = (ex.ctx.quorum, &self.slug);
                reply.push_str(&tr!(
                lang,
                " Soutiens : 1/{q}. Les autres organisations peuvent le soutenir : {p}groupe soutenir {s}",
                " Supports: 1/{q}. Other organisations can support it: {p}group support {s}"
            ))
            }
        }
        Ok(reply)
    }
}
