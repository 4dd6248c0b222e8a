//! `!present [<id>]`, `!excuse [<id>] ["motif"]`, `!peutetre [<id>]` — answer
//! a meeting invitation. Without an id: the next meeting the sender is
//! invited to. Aliases: `!oui`, `!absent`, `!non`, `!yes`, `!no`, `!maybe`.
//!
//! The same command records the answers that are not typed: a calendar
//! button (an iTIP REPLY), a sentence in a mail, an emoji on a meeting's
//! announcement. The channels hand these over already understood
//! ([`Given`]), with the reason as it was written. [`Withdraw`], which no
//! one can type, takes back the answer a reaction gave when the reaction is
//! removed.

use crate::exec::{Exec, Failure, Outcome};
use crate::meeting::{NewRsvp, RsvpStatus};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
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

/// How an answer was given; recorded as its channel.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Given {
    /// Typed as a command: the channel it was typed in.
    #[default]
    Typed,
    /// A calendar's Accept / Decline button (an iTIP REPLY): "itip".
    CalendarButton,
    /// An emoji on the room event `to`, which announces the meeting:
    /// "reaction". A reaction to anything else changes nothing.
    Reaction { to: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rsvp {
    pub answer: Answer,
    pub meeting: Option<i64>,
    /// Every character as given (a typed one is at most
    /// `parse::MAX_TEXT` long).
    pub reason: Option<String>,
    pub given: Given,
}

impl Rsvp {
    pub fn parse(answer: Answer, args: &mut Args) -> Result<Rsvp, ParseErrorKind> {
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
            Some(args.rest(Arg::Text)?)
        } else {
            args.end()?;
            None
        };
        Ok(Rsvp {
            answer,
            meeting,
            reason,
            given: Given::Typed,
        })
    }

    /// What the answer says, in a few words ("excuse pour la réunion n°3 :
    /// motif"), for a mail that asks to confirm it.
    pub fn summary(&self, lang: crate::Lang) -> String {
        let what = match self.answer {
            Answer::Present => tr!(lang, "présence", "attending"),
            Answer::Excused => tr!(lang, "excuse", "excused"),
            Answer::Tentative => tr!(lang, "présence incertaine", "maybe"),
        };
        let meeting = match self.meeting {
            Some(id) => tr!(lang, " pour la réunion n°{id}", " for meeting #{id}"),
            None => String::new(),
        };
        let reason = match &self.reason {
            Some(r) => format!(" : {}", crate::text::one_line(r)),
            None => String::new(),
        };
        format!("{what}{meeting}{reason}")
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        // An emoji on anything but a meeting's announcement means nothing.
        let announced = match &self.given {
            Given::Reaction { to } => match ex.store.announced_meeting(to)? {
                Some(m) => Some(m.0),
                None => return Err(Failure::Ignored),
            },
            _ => None,
        };
        // `!present` typed without a number where a séance is open: a
        // check-in, as `!ici`.
        if self.answer == Answer::Present
            && self.meeting.is_none()
            && announced.is_none()
            && matches!(self.given, Given::Typed)
            && let Ok(place) = super::seance::place(ex)
            && ex.store.open_seance_at(&place)?.is_some()
        {
            return super::seance::presence::Ici.apply(ex);
        }
        let person = super::reunion::sender_person(ex)?;
        let meeting = match announced.or(self.meeting) {
            Some(id) => super::reunion::find_meeting(ex, id)?,
            None => {
                let next = ex.store.invited_upcoming(person.id, ex.ctx.now)?;
                match next.into_iter().next() {
                    Some(m) => m,
                    None => {
                        return ex.refuse(tr!(
                            lang,
                            "Aucune réunion à venir ne vous compte parmi ses invités.",
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
                "Vous ne figurez pas parmi les invités de la réunion n°{}.",
                "You are not invited to meeting #{}.",
                meeting.id.0
            ));
        }
        let status = match self.answer {
            Answer::Present => RsvpStatus::Present,
            Answer::Excused => RsvpStatus::Excused,
            Answer::Tentative => RsvpStatus::Tentative,
        };
        let channel = match self.given {
            Given::Typed => ex.req.origin.channel_name(),
            Given::CalendarButton => "itip",
            Given::Reaction { .. } => "reaction",
        };
        ex.store.record_rsvp(&NewRsvp {
            meeting: meeting.id,
            person: person.id,
            status,
            reason: self.reason.as_deref(),
            channel,
            recorded_by: Some(person.id),
            source: ex.req.origin.message(),
        })?;
        let described = super::reunion::describe(ex, &meeting);
        Ok(match (self.answer, &self.reason) {
            (Answer::Present, _) => tr!(
                lang,
                "C'est noté, {} : présence annoncée à la réunion {described}.",
                "Noted, {}: attending meeting {described}.",
                person.name
            ),
            (Answer::Excused, Some(r)) => tr!(
                lang,
                "C'est noté, {} : absence excusée à la réunion {described} ({}).",
                "Noted, {}: excused from meeting {described} ({}).",
                person.name,
                crate::text::one_line(r)
            ),
            (Answer::Excused, None) => tr!(
                lang,
                "C'est noté, {} : absence excusée à la réunion {described}.",
                "Noted, {}: excused from meeting {described}.",
                person.name
            ),
            (Answer::Tentative, _) => tr!(
                lang,
                "C'est noté, {} : présence incertaine à la réunion {described}.",
                "Noted, {}: maybe attending meeting {described}.",
                person.name
            ),
        })
    }
}

/// Takes back the answer the reaction `reaction` gave, if it is still the
/// sender's answer: a "no answer" row is added (history kept). Handed over
/// by the Matrix adapter when a reaction is redacted; there is no command
/// word for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdraw {
    /// The event id of the reaction taken back.
    pub reaction: String,
    /// The event that took it back (the redaction): the new row's source.
    pub redaction: String,
}

impl Withdraw {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let Some((meeting, person)) = ex.store.current_rsvp_from(&self.reaction)? else {
            return Err(Failure::Ignored);
        };
        let me = ex.me()?;
        let Some(me) = me.filter(|p| p.id == person) else {
            return Err(Failure::Ignored);
        };
        ex.store.record_rsvp(&NewRsvp {
            meeting,
            person,
            status: RsvpStatus::NoAnswer,
            reason: None,
            channel: "reaction",
            recorded_by: Some(person),
            source: Some(&self.redaction),
        })?;
        Ok(tr!(
            ex.lang(),
            "C'est noté, {} : votre réponse à la réunion n°{} est retirée.",
            "Noted, {}: your answer to meeting #{} is withdrawn.",
            me.name,
            meeting.0
        ))
    }
}
