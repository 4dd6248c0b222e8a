//! `!groupe liste` — active groups, then proposals.

use crate::exec::{Exec, Outcome};
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::store::GroupStatus;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!groupe liste",
    en: "!group list",
    help_fr: "les groupes actifs, puis les propositions",
    help_en: "active groups, then proposals",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Liste;

impl Liste {
    pub fn parse(args: &mut Args) -> Result<Liste, ParseErrorKind> {
        args.end()?;
        Ok(Liste)
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let groups = ex.store.groups()?;
        let mut active = Vec::new();
        let mut proposed = Vec::new();
        for g in &groups {
            let lead = ex.org_name(g.lead)?;
            match g.status {
                GroupStatus::Active => {
                    let n = ex.store.member_organisations(g.id)?.len();
                    let lead = lead.unwrap_or_else(|| tr!(lang, "aucun", "none"));
                    active.push(tr!(
                        lang,
                        "• {} — {} (chef de projet : {lead} ; {n} organisation(s))",
                        "• {} — {} (lead: {lead}; {n} organisation(s))",
                        g.slug,
                        g.theme
                    ));
                }
                GroupStatus::Proposed => {
                    let n = ex.store.supporters(g.id)?.len();
                    let q = ex.ctx.quorum;
                    let lead = lead.unwrap_or_else(|| "?".into());
                    proposed.push(tr!(
                        lang,
                        "• {} — {} (initialisation : {lead} ; soutiens {n}/{q})",
                        "• {} — {} (initiated by {lead}; supports {n}/{q})",
                        g.slug,
                        g.theme
                    ));
                }
                GroupStatus::Archived => {}
            }
        }
        if active.is_empty() && proposed.is_empty() {
            let p = ex.prefix();
            return Ok(tr!(
                lang,
                "Aucun groupe pour l'instant — proposez-en un : {p}groupe proposer <identifiant> \"<thème>\"",
                "No group yet — propose one: {p}group propose <short-name> \"<theme>\""
            ));
        }
        let mut out = Vec::new();
        if !active.is_empty() {
            out.push(tr!(lang, "Groupes actifs :", "Active groups:"));
            out.extend(active);
        }
        if !proposed.is_empty() {
            out.push(tr!(lang, "Propositions :", "Proposals:"));
            out.extend(proposed);
        }
        Ok(out.join("\n"))
    }
}
