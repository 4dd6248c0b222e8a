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
        let (active, proposed): (Vec<_>, Vec<_>) = groups
            .into_iter()
            .filter(|g| g.status != GroupStatus::Archived)
            .partition(|g| g.status == GroupStatus::Active);
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
            for g in active.iter().take(SHOWN) {
                let n = crate::words::count(
                    lang,
                    ex.store.member_organisations(g.id)?.len(),
                    ("organisation", "organisations"),
                    ("organisation", "organisations"),
                );
                let lead = ex
                    .org_name(g.lead)?
                    .unwrap_or_else(|| tr!(lang, "aucun", "none"));
                out.push(tr!(
                    lang,
                    "• {} — {} (chef de projet : {lead} ; {n})",
                    "• {} — {} (lead: {lead}; {n})",
                    g.slug,
                    g.theme
                ));
            }
            out.extend(more(ex, active.len()));
        }
        if !proposed.is_empty() {
            out.push(tr!(lang, "Propositions :", "Proposals:"));
            let q = ex.ctx.quorum;
            for g in proposed.iter().take(SHOWN) {
                let n = ex.store.supporters(g.id)?.len();
                let lead = ex.org_name(g.lead)?.unwrap_or_else(|| "?".into());
                out.push(tr!(
                    lang,
                    "• {} — {} (initialisation : {lead} ; soutiens {n}/{q})",
                    "• {} — {} (initiated by {lead}; supports {n}/{q})",
                    g.slug,
                    g.theme
                ));
            }
            out.extend(more(ex, proposed.len()));
        }
        Ok(out.join("\n"))
    }
}

/// Groups listed per section: a network of thousands of groups would make
/// an answer too long to read, and too large for one Matrix event.
pub const SHOWN: usize = 50;

/// The line that says how many more a section holds, if it holds more.
fn more(ex: &Exec<'_>, total: usize) -> Option<String> {
    let rest = total.checked_sub(SHOWN).filter(|r| *r > 0)?;
    let p = ex.prefix();
    let lang = ex.lang();
    let rest = crate::words::count(lang, rest, ("autre", "autres"), ("more", "more"));
    Some(tr!(
        lang,
        "… et {rest} : {p}groupe info <groupe> pour le détail d'un groupe",
        "… and {rest}: {p}group info <group> for one group's details"
    ))
}
