//! `!present [<id>]`, `!excuse [<id>] ["motif"]`, `!peutetre [<id>]` — answer
//! a meeting invitation. Without an id: the next meeting the sender is
//! invited to. Aliases: `!oui`, `!absent`, `!non`, `!yes`, `!no`, `!maybe`.

use crate::exec::{Exec, Outcome};
use crate::meeting::{NewRsvp, RsvpStatus};
use crate::parse::{self, Arg, Args, ParseError, Usage};
use crate::request::Origin;
use crate::tr;

pub const USAGE_PRESENT: Usage = Usage {
    fr: "!present [<id>]",
    en: "!yes [<id>]",
    help_fr: "je serai présent (sans numéro : la prochaine réunion où vous êtes invité)",
    help_en: "I will attend (without a number: your next meeting)",
};

pub const USAGE_EXCUSE: Usage = Usage {
    fr: "!excuse [<id>] [\"motif\"]",
    en: "!no [<id>] [\"reason\"]",
    help_fr: "je serai excusé, avec un motif si vous le souhaitez",
    help_en: "I will be excused, with a reason if you like",
};

pub const USAGE_PEUTETRE: Usage = Usage {
    fr: "!peutetre [<id>]",
    en: "!maybe [<id>]",
    help_fr: "je ne sais pas encore",
    help_en: "I do not know yet",
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Present,
    Excused,
    Tentative,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rsvp {
    pub answer: Answer,
    pub meeting: Option<i64>,
    pub reason: Option<String>,
}

impl Rsvp {
    pub fn usage(answer: Answer) -> &'static Usage {
        match answer {
            Answer::Present => &USAGE_PRESENT,
            Answer::Excused => &USAGE_EXCUSE,
            Answer::Tentative => &USAGE_PEUTETRE,
        }
    }

    pub fn parse(answer: Answer, args: &mut Args) -> Result<Rsvp, ParseError> {
        let err = |kind| ParseError {
            kind,
            usage: Some(Rsvp::usage(answer)),
        };
        let mut probe = args.clone();
        let meeting = match probe.next_token() {
            Some(t) if !t.quoted => match parse::meeting_id(&t.text) {
                Some(id) => {
                    args.next_token();
                    Some(id)
                }
                None => None,
            },
            _ => None,
        };
        let reason = if args.is_empty() {
            None
        } else if answer == Answer::Excused {
            Some(args.rest(Arg::Text).map_err(err)?)
        } else {
            args.end().map_err(err)?;
            None
        };
        Ok(Rsvp {
            answer,
            meeting,
            reason,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let person = super::reunion::sender_person(ex)?;
        let meeting = match self.meeting {
            Some(id) => super::reunion::find_meeting(ex, id)?,
            None => {
                let next = ex.store.invited_upcoming(person.id, ex.ctx.now)?;
                match next.into_iter().next() {
                    Some(m) => m,
                    None => {
                        return ex.refuse(tr!(
                            lang,
                            "Vous n'êtes invité(e) à aucune réunion à venir.",
                            "You are not invited to any upcoming meeting."
                        ));
                    }
                }
            }
        };
        if !super::reunion::is_open(&meeting) {
            return ex.refuse(tr!(
                lang,
                "La réunion n°{} est annulée.",
                "Meeting #{} is cancelled.",
                meeting.id.0
            ));
        }
        if !ex.store.is_invited(meeting.id, person.id)? {
            return ex.refuse(tr!(
                lang,
                "Vous n'êtes pas invité(e) à la réunion n°{}.",
                "You are not invited to meeting #{}.",
                meeting.id.0
            ));
        }
        let status = match self.answer {
            Answer::Present => RsvpStatus::Present,
            Answer::Excused => RsvpStatus::Excused,
            Answer::Tentative => RsvpStatus::Tentative,
        };
        let source = match &ex.req.origin {
            Origin::Matrix { event, .. } => Some(event.clone()),
            Origin::Email { message_id, .. } => message_id.clone(),
            Origin::Console => None,
        };
        let channel = ex.req.via.unwrap_or(ex.req.origin.channel());
        ex.store.record_rsvp(&NewRsvp {
            meeting: meeting.id,
            person: person.id,
            status,
            reason: self.reason.as_deref(),
            channel,
            recorded_by: Some(person.id),
            source: source.as_deref(),
        })?;
        let described = super::reunion::describe(ex, &meeting);
        Ok(match (self.answer, &self.reason) {
            (Answer::Present, _) => tr!(
                lang,
                "C'est noté, {} : présent(e) à la réunion {described}.",
                "Noted, {}: attending meeting {described}.",
                person.name
            ),
            (Answer::Excused, Some(r)) => tr!(
                lang,
                "C'est noté, {} : excusé(e) pour la réunion {described} ({r}).",
                "Noted, {}: excused from meeting {described} ({r}).",
                person.name
            ),
            (Answer::Excused, None) => tr!(
                lang,
                "C'est noté, {} : excusé(e) pour la réunion {described}.",
                "Noted, {}: excused from meeting {described}.",
                person.name
            ),
            (Answer::Tentative, _) => tr!(
                lang,
                "C'est noté, {} : peut-être à la réunion {described}.",
                "Noted, {}: maybe attending meeting {described}.",
                person.name
            ),
        })
    }
}
