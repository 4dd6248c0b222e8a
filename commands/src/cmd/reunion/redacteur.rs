//! `!reunion redacteur <id> <personne>` — who writes the meeting's record:
//! the rédacteur may hold its séance (notes, decisions, actions,
//! attendance). Set by admins, the group's lead and the organising
//! organisation.

use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!reunion redacteur <id> <personne>",
    en: "!meeting minute-taker <id> <person>",
    help_fr: "désigner le rédacteur d'une réunion",
    help_en: "name a meeting's minute-taker",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacteur {
    pub id: i64,
    pub person: String,
}

impl Redacteur {
    pub fn parse(args: &mut Args) -> Result<Redacteur, ParseErrorKind> {
        let id = super::meeting_id(args)?;
        let person = args.rest(Arg::Person)?;
        Ok(Redacteur { id, person })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let meeting = super::find_meeting(ex, self.id)?;
        super::may_keep_record(ex, &meeting)?;
        let person = crate::membership::find_person(ex, &self.person)?;
        let (_, next) = ex.store.meeting_record(meeting.id)?;
        ex.store
            .set_meeting_record(meeting.id, Some(person.id), next.as_deref())?;
        let described = super::describe(ex, &meeting);
        Ok(tr!(
            lang,
            "Rédacteur de la réunion {described} : {}.",
            "Minute-taker of meeting {described}: {}.",
            person.name
        ))
    }
}
