//! `!digest [groupe]` — post the digest now (admins).

use crate::action::Action;
use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::GroupStatus;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!digest [groupe]",
    en: "!digest [group]",
    help_fr: "publier le digest maintenant (administrateurs)",
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

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        if !ex.is_admin() {
            return ex.refuse_not_allowed(&tr!(lang, "aux administrateurs", "admins"));
        }
        let groups = match &self.group {
            Some(name) => vec![ex.find_group(name)?],
            None => ex
                .store
                .groups()?
                .into_iter()
                .filter(|g| g.status != GroupStatus::Archived)
                .collect(),
        };
        let since = ex
            .ctx
            .now
            .checked_sub(jiff::SignedDuration::from_hours(24 * 7))
            .unwrap_or(ex.ctx.now);
        let mut posted = Vec::new();
        let mut nowhere = Vec::new();
        for g in groups {
            if g.room.is_none() && g.list.is_none() {
                nowhere.push(g.slug.clone());
                continue;
            }
            let digest = crate::digest::group_digest(ex.store, ex.ctx, &g, since)?;
            ex.actions.push(Action::PostToGroup {
                group: g.slug.clone(),
                text: digest.plain,
                meeting: None,
                html: None,
            });
            posted.push(g.slug);
        }
        if posted.is_empty() {
            return ex.refuse(tr!(
                lang,
                "Aucun digest publié : {} n'a ni salon ni liste (liez un salon avec {}groupe lier <groupe>).",
                "No digest posted: {} has no room and no list (link a room with {}group link <group>).",
                nowhere.join(", "),
                ex.prefix()
            ));
        }
        Ok(tr!(
            lang,
            "Digest publié pour : {}.",
            "Digest posted for: {}.",
            posted.join(", ")
        ))
    }
}
