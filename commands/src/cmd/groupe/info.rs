//! `!groupe info <groupe>` — theme, status, lead, members by organisation,
//! project status, next milestone, room and list, and who runs the
//! group's software (the catalogue).

use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{GroupStatus, UseStatus};
use crate::tr;
use crate::words::{group_status, use_status};

pub const USAGE: Usage = Usage {
    fr: "!groupe info <groupe>",
    en: "!group info <group>",
    help_fr: "thème, statut, chef de projet, membres, avancement, prochain jalon",
    help_en: "theme, status, lead, members, progress, next milestone",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    pub group: String,
}

impl Info {
    pub fn parse(args: &mut Args) -> Result<Info, ParseErrorKind> {
        Ok(Info {
            group: args.rest(Arg::Group)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let g = ex.find_group(&self.group)?;
        let status = group_status(lang, g.status);
        let mut out = vec![format!("{} ({}) — {status}", g.theme, g.slug)];

        let lead = ex.org_name(g.lead)?.unwrap_or_else(|| "—".into());
        out.push(match g.status {
            GroupStatus::Proposed => tr!(lang, "Initialisation : {lead}", "Initiated by: {lead}"),
            _ => tr!(lang, "Chef de projet : {lead}", "Lead: {lead}"),
        });

        // Members by organisation: "Arles (Nicolas Issart, François
        // Raynaud)"; names for the network's confirmed members only.
        let orgs = ex.store.member_organisations(g.id)?;
        let people = match ex.sees_names()? {
            true => ex.store.member_people(g.id)?,
            false => Vec::new(),
        };
        let members: Vec<String> = orgs
            .iter()
            .map(|o| {
                let names: Vec<&str> = people
                    .iter()
                    .filter(|p| p.organisation == Some(o.id) && p.confirmed())
                    .map(|p| p.name.as_str())
                    .collect();
                if names.is_empty() {
                    o.name.clone()
                } else {
                    format!("{} ({})", o.name, names.join(", "))
                }
            })
            .collect();
        let members = if members.is_empty() {
            "—".to_string()
        } else {
            members.join(", ")
        };
        out.push(tr!(lang, "Membres : {members}", "Members: {members}"));

        // Who runs the group's software, from the catalogue.
        for software in ex.store.all_software()? {
            if software.group != Some(g.id) {
                continue;
            }
            let mut by_status = Vec::new();
            let uses = ex.store.software_uses(software.id)?;
            for status in UseStatus::ALL {
                let mut orgs = Vec::new();
                for u in uses.iter().filter(|u| u.status == status) {
                    orgs.push(ex.store.organisation(u.organisation)?.name);
                }
                if !orgs.is_empty() {
                    by_status.push(format!(
                        "{} : {}",
                        use_status(lang, status),
                        orgs.join(", ")
                    ));
                }
            }
            let users = match by_status.is_empty() {
                true => tr!(lang, "personne pour l'instant", "no one yet"),
                false => by_status.join(" ; "),
            };
            out.push(tr!(
                lang,
                "Logiciel {} — {users}",
                "Software {} — {users}",
                software.name
            ));
        }

        if g.status == GroupStatus::Proposed {
            let supporters: Vec<String> = ex
                .store
                .supporters(g.id)?
                .into_iter()
                .map(|o| o.name)
                .collect();
            let (n, q) = (supporters.len(), ex.ctx.quorum);
            let list = supporters.join(", ");
            out.push(tr!(
                lang,
                "Soutiens ({n}/{q}) : {list}",
                "Supports ({n}/{q}): {list}"
            ));
        }
        if let Some(s) = ex.store.latest_status(g.id)? {
            let date = s.at.to_zoned(ex.ctx.timezone.clone()).date();
            out.push(match s.version {
                Some(v) => tr!(
                    lang,
                    "Version {v} — {} (le {date})",
                    "Version {v} — {} ({date})",
                    s.text
                ),
                None => tr!(
                    lang,
                    "Avancement : {} (le {date})",
                    "Status: {} ({date})",
                    s.text
                ),
            });
        }
        let today = ex.ctx.today();
        if let Some(m) = ex
            .store
            .milestones(g.id)?
            .into_iter()
            .find(|m| m.date >= today)
        {
            let days = (m.date - today).get_days();
            let days = crate::words::count(
                lang,
                usize::try_from(days).unwrap_or(0),
                ("jour", "jours"),
                ("day", "days"),
            );
            out.push(tr!(
                lang,
                "Prochain jalon : {} — {} (dans {days})",
                "Next milestone: {} — {} (in {days})",
                m.date,
                m.text
            ));
        }
        if let Some(a) = &g.action {
            out.push(tr!(lang, "Action : {a}", "Action: {a}"));
        }
        if let Some(r) = &g.room {
            out.push(tr!(lang, "Salon : {r}", "Room: {r}"));
        }
        if let Some(l) = &g.list {
            out.push(tr!(lang, "Liste : {l}", "List: {l}"));
        }
        Ok(out.join("\n"))
    }
}
