//! `!reunion presences [<id>]` — présents, excusés and sans réponse by
//! organisation, as the minutes list them.
//!
//! Personal data are shown to those who need them: people's names to the
//! network's confirmed members and admins (others see how many of each
//! organisation); absence reasons to admins, to confirmed members of the
//! meeting's organiser or of its group's lead, and to the person, and
//! only in a private answer (a mail, the console, a direct room).

use std::collections::BTreeMap;

use crate::exec::{Exec, Outcome};
use crate::meeting::{Invitee, Meeting, RsvpStatus};
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::store::{Person, StoreResult};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!reunion presences [<id>]",
    en: "!meeting attendance [<id>]",
    help_fr: "présents, excusés et sans réponse, par organisation",
    help_en: "attending, excused and no answer, by organisation",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presences {
    pub id: Option<i64>,
}

impl Presences {
    pub fn parse(args: &mut Args) -> Result<Presences, ParseErrorKind> {
        let id = if args.is_empty() {
            None
        } else {
            Some(super::meeting_id(args)?)
        };
        args.end()?;
        Ok(Presences { id })
    }
}

impl Presences {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let meeting = match self.id {
            Some(id) => super::find_meeting(ex, id)?,
            None => match ex.store.upcoming_meetings(ex.ctx.now)?.into_iter().next() {
                Some(m) => m,
                None => {
                    return ex.refuse(tr!(
                        lang,
                        "Aucune réunion à venir : précisez son numéro.",
                        "No upcoming meeting: give its number."
                    ));
                }
            },
        };
        let invitees = ex.store.invitees(meeting.id)?;
        let names = ex.sees_names()?;
        let me = ex.me()?;
        let entitled = reasons_for(ex, &meeting, me.as_ref())?;
        let private = ex.req.origin.private();
        let mut out = vec![super::describe(ex, &meeting)];
        let sections = [
            (RsvpStatus::Present, tr!(lang, "Présents", "Attending")),
            (RsvpStatus::Excused, tr!(lang, "Excusés", "Excused")),
            (RsvpStatus::Tentative, tr!(lang, "Peut-être", "Maybe")),
            (RsvpStatus::NoAnswer, tr!(lang, "Sans réponse", "No answer")),
        ];
        for (status, title) in sections {
            let of: Vec<&Invitee> = invitees.iter().filter(|i| i.status == status).collect();
            if of.is_empty() && status == RsvpStatus::Tentative {
                continue;
            }
            out.push(format!("{title} ({}) :", of.len()));
            // By organisation, as the minutes list them.
            let mut by_org: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for i in of {
                let org = ex
                    .org_name(i.person.organisation)?
                    .unwrap_or_else(|| tr!(lang, "(sans organisation)", "(no organisation)"));
                let own = me.as_ref().is_some_and(|m| m.id == i.person.id);
                let shown = match names || own {
                    true => i.person.name.clone(),
                    false => String::new(),
                };
                let reason = i
                    .reason
                    .as_deref()
                    .filter(|_| status == RsvpStatus::Excused && private && (entitled || own));
                let entry = match (shown.is_empty(), reason) {
                    (false, Some(r)) => format!("{shown} ({})", crate::text::one_line(r)),
                    (true, Some(r)) => format!("({})", crate::text::one_line(r)),
                    (_, None) => shown,
                };
                by_org.entry(org).or_default().push(entry);
            }
            for (org, entries) in by_org {
                let named: Vec<&String> = entries.iter().filter(|e| !e.is_empty()).collect();
                let count = entries.len();
                out.push(match named.len() == count {
                    true => format!(
                        "• {org} : {}",
                        named
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    false => format!("• {org} : {count}"),
                });
            }
        }
        if entitled && !private {
            out.push(tr!(
                lang,
                "(Les motifs d'absence ne sont donnés qu'en privé : par mail ou dans un salon direct avec greffier.)",
                "(Absence reasons are given in private only: by mail or in a direct room with greffier.)"
            ));
        }
        if !names {
            out.push(tr!(
                lang,
                "(Les noms sont montrés aux membres confirmés du réseau.)",
                "(Names are shown to the network's confirmed members.)"
            ));
        }
        Ok(out.join("\n"))
    }
}

/// May the sender read everyone's absence reasons for `meeting`? Admins,
/// and confirmed members of its organiser or of its group's lead.
fn reasons_for(ex: &mut Exec<'_>, meeting: &Meeting, me: Option<&Person>) -> StoreResult<bool> {
    if ex.is_admin() {
        return Ok(true);
    }
    let Some(me) = me.filter(|p| p.confirmed()) else {
        return Ok(false);
    };
    let lead = match meeting.group {
        Some(g) => ex.store.group(g)?.and_then(|g| g.lead),
        None => None,
    };
    Ok(me.organisation.is_some() && [meeting.organiser, lead].contains(&me.organisation))
}
