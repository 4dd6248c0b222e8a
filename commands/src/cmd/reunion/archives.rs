//! `!reunion archives [<groupe>]` — past meetings (a group's, or all), the
//! latest first, each with where its compte rendu stands (brouillon,
//! approuvé, rectifié).

use crate::exec::{Exec, Outcome};
use crate::minutes::record;
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!reunion archives [<groupe>]",
    en: "!meeting archive [<group>]",
    help_fr: "les réunions passées et l'état de leur compte rendu",
    help_en: "past meetings and the state of their minutes",
};

/// Meetings listed at most; the rest are counted.
pub const SHOWN: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archives {
    pub group: Option<String>,
}

impl Archives {
    pub fn parse(args: &mut Args) -> Result<Archives, ParseErrorKind> {
        let group = match args.is_empty() {
            true => None,
            false => Some(args.rest(crate::parse::Arg::Group)?),
        };
        Ok(Archives { group })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let group = match &self.group {
            Some(name) => Some(ex.find_group(name)?),
            None => None,
        };
        let mut past = ex.store.past_meetings(ex.ctx.now, usize::MAX)?;
        if let Some(g) = &group {
            past.retain(|m| m.group == Some(g.id));
        }
        past.sort_by_key(|m| std::cmp::Reverse(m.starts_at));
        let heading = match &group {
            Some(g) => tr!(
                lang,
                "Réunions passées du groupe « {} » :",
                "Past meetings of “{}”:",
                g.theme
            ),
            None => tr!(lang, "Réunions passées :", "Past meetings:"),
        };
        if past.is_empty() {
            return Ok(tr!(
                lang,
                "{heading} aucune pour l'instant.",
                "{heading} none yet."
            ));
        }
        let mut lines = vec![heading];
        for m in past.iter().take(SHOWN) {
            let records = ex.store.records(m.id)?;
            let state = record::state_in(lang, &records);
            let cancelled = m.status == crate::meeting::MeetingStatus::Cancelled;
            lines.push(match cancelled {
                true => tr!(
                    lang,
                    "• {} — annulée",
                    "• {} — cancelled",
                    super::describe(ex, m)
                ),
                false => tr!(
                    lang,
                    "• {} — compte rendu : {state}",
                    "• {} — minutes: {state}",
                    super::describe(ex, m)
                ),
            });
        }
        if past.len() > SHOWN {
            lines.push(tr!(
                lang,
                "… et {}.",
                "… and {}.",
                crate::words::count(
                    lang,
                    past.len() - SHOWN,
                    ("réunion plus ancienne", "réunions plus anciennes"),
                    ("older meeting", "older meetings")
                )
            ));
        }
        Ok(lines.join("\n"))
    }
}
