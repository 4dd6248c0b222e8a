//! `!present [<id>]`, `!excuse [<id>] ["motif"]`, `!peutetre [<id>]` — answer
//! a meeting invitation. Without an id: the next meeting the sender is
//! invited to. Aliases: `!oui`, `!absent`, `!non`, `!yes`, `!no`, `!maybe`.

use super::not_yet;
use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, ParseError, Usage};

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
        not_yet(ex, Rsvp::usage(self.answer))
    }
}
