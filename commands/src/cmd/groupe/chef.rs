//! `!groupe chef <groupe> <organisation>` — set the lead organisation
//! (admins, or members of the current lead organisation). The lead becomes
//! a member if it was not; the group's list (one the bot made) gets its
//! confirmed members as owners in place of the former lead's.

use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!groupe chef <groupe> <organisation>",
    en: "!group lead <group> <organisation>",
    help_fr: "désigner l'organisation chef de projet (administrateurs ou chef actuel)",
    help_en: "set the lead organisation (admins or current lead)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chef {
    pub group: String,
    pub organisation: String,
}

impl Chef {
    pub fn parse(args: &mut Args) -> Result<Chef, ParseErrorKind> {
        let group = args.required(Arg::Group)?.text;
        let organisation = args.rest(Arg::Organisation)?;
        Ok(Chef {
            group,
            organisation,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let g = ex.find_group(&self.group)?;
        let org = ex.find_org(&self.organisation)?;
        if !ex.leads(&g)? {
            return ex.refuse_not_allowed(&tr!(
                lang,
                "aux administrateurs et aux membres de l'organisation chef de projet",
                "admins and members of the lead organisation"
            ));
        }
        if g.lead == Some(org.id) {
            return ex.refuse(tr!(
                lang,
                "{} est déjà chef de projet du groupe « {} ».",
                "{} already leads “{}”.",
                org.name,
                g.theme
            ));
        }
        let me = ex.me()?.map(|p| p.id);
        // The list's owners follow the lead (computed from the former one
        // before it changes).
        let owners = crate::lists::lead_changed(ex, &g, org.id)?;
        ex.store.set_group_lead(g.id, org.id, me)?;
        ex.actions.extend(owners);
        if !ex
            .store
            .member_organisations(g.id)?
            .iter()
            .any(|o| o.id == org.id)
        {
            ex.store.add_member(g.id, org.id, None)?;
        }
        Ok(tr!(
            lang,
            "Chef de projet du groupe « {} » : {}.",
            "Lead of “{}”: {}.",
            g.theme,
            org.name
        ))
    }
}
