//! `!digest [groupe]` — post the digest now (admins): one group's, or every
//! group's with the overall digest and its picture, exactly what
//! `greffier digest [--group] --send` posts.

use crate::action::Action;
use crate::digest;
use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!digest [groupe]",
    en: "!digest [group]",
    help_fr: "publier la lettre hebdomadaire maintenant (administrateurs)",
    help_en: "post the digest now (admins)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub group: Option<String>,
}

impl Digest {
    pub fn parse(args: &mut Args) -> Result<Digest, ParseErrorKind> {
        let group = if args.is_empty() {
            None
        } else {
            Some(args.rest(Arg::Group)?)
        };
        Ok(Digest { group })
    }

    /// The same digest as `greffier digest --send` ([`digest::now`]).
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        if !ex.is_admin() {
            return ex.refuse_not_allowed(&tr!(lang, "aux administrateurs", "admins"));
        }
        let group = match &self.group {
            Some(name) => Some(ex.find_group(name)?),
            None => None,
        };
        let posts = digest::now(ex.store, ex.ctx, group.as_ref())?;
        let mut posted: Vec<String> = posts
            .iter()
            .filter_map(|a| match a {
                Action::PostToGroup { group, .. } => Some(group.clone()),
                _ => None,
            })
            .collect();
        let overall = posts.len() > posted.len();
        if overall {
            posted.push(tr!(
                lang,
                "la lettre hebdomadaire générale ({})",
                "the overall digest ({})",
                digest::overall_destinations(ex.ctx)
                    .iter()
                    .map(|d| d.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if posted.is_empty() {
            let nowhere = match &group {
                Some(g) => g.slug.clone(),
                None => tr!(lang, "aucun groupe", "no group"),
            };
            return ex.refuse(tr!(
                lang,
                "Aucun digest publié : {} n'a ni salon ni liste (liez un salon avec {}groupe lier <groupe>).",
                "No digest posted: {} has no room and no list (link a room with {}group link <group>).",
                nowhere,
                ex.prefix()
            ));
        }
        ex.actions.extend(posts);
        Ok(tr!(
            lang,
            "Lettre hebdomadaire publiée pour : {}.",
            "Digest posted for: {}.",
            posted.join(", ")
        ))
    }
}
