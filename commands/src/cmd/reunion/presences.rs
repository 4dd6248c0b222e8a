//! `!reunion presences [<id>]` — présents, excusés and sans réponse by
//! organisation, as the minutes list them.

use std::collections::BTreeMap;

use crate::exec::{Exec, Outcome};
use crate::meeting::{Invitee, RsvpStatus};
use crate::parse::{Args, ParseErrorKind, Usage};
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
                let name = match &i.reason {
                    Some(r) if status == RsvpStatus::Excused => {
                        format!("{} ({})", i.person.name, crate::text::one_line(r))
                    }
                    _ => i.person.name.clone(),
                };
                by_org.entry(org).or_default().push(name);
            }
            for (org, names) in by_org {
                out.push(format!("• {org} : {}", names.join(", ")));
            }
        }
        Ok(out.join("\n"))
    }
}
