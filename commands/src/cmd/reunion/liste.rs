//! `!reunion liste` — upcoming meetings with their RSVP counts.

use crate::exec::{Exec, Outcome};
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!reunion liste",
    en: "!meeting list",
    help_fr: "les prochaines réunions et leurs réponses",
    help_en: "upcoming meetings and their answers",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Liste;

impl Liste {
    pub fn parse(args: &mut Args) -> Result<Liste, ParseErrorKind> {
        args.end()?;
        Ok(Liste)
    }
}

impl Liste {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let meetings = ex.store.upcoming_meetings(ex.ctx.now)?;
        if meetings.is_empty() {
            return Ok(tr!(lang, "Aucune réunion à venir.", "No upcoming meeting."));
        }
        let mut lines = vec![tr!(lang, "Réunions à venir :", "Upcoming meetings:")];
        for m in &meetings {
            let invitees = ex.store.invitees(m.id)?;
            let attendance = crate::words::attendance(lang, &invitees);
            lines.push(format!("• {} — {attendance}", super::describe(ex, m)));
        }
        Ok(lines.join("\n"))
    }
}
