//! `!sondage voter <id> <n> [<n> …]` or `!sondage voter <id> aucun` —
//! the dates you can attend (a later answer replaces an earlier one).
//!
//! The same command comes handed over by the adapters: a click on the
//! native Matrix poll (a poll response: the latest counts, an empty one
//! withdraws the answer) and a reply to the poll mail ("1 et 3", read by
//! [`crate::poll_reply`]). A click is answered by the poll itself, which
//! the client shows: the bot says nothing unless the click changes nothing
//! (poll closed, voter not asked), and then once per person and poll.

use crate::exec::{Exec, Failure, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{Poll, PollId};
use crate::text;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!sondage voter <id> <n> [<n> …] | aucun",
    en: "!poll vote <id> <n> [<n> …] | none",
    help_fr: "les dates qui vous conviennent (par leur numéro)",
    help_en: "the dates that suit you (by number)",
};

/// How the answer was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// `!sondage voter`, typed in a room, the console or a mail.
    Typed,
    /// A response to the native Matrix poll whose start event is `start`.
    PollResponse { start: String },
    /// A reply to the poll mail, which quoted its Message-ID.
    MailReply,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    /// The poll; `None` for a poll response, found by its start event.
    pub poll: Option<i64>,
    /// The dates' numbers (empty: none suits); `None` withdraws the
    /// answer (an empty poll response).
    pub choices: Option<Vec<usize>>,
    pub via: Via,
}

impl Voter {
    pub fn parse(args: &mut Args) -> Result<Voter, ParseErrorKind> {
        let poll = super::poll_id(args)?;
        let mut choices = Vec::new();
        let mut none = false;
        while let Some(t) = args.next_token() {
            for part in t.text.split([',', ' ']).filter(|p| !p.is_empty()) {
                match text::keyword(part).as_str() {
                    "aucun" | "aucune" | "none" => none = true,
                    "et" | "and" => {}
                    w => match w.parse::<usize>() {
                        Ok(n) if n > 0 => choices.push(n),
                        _ => return Err(ParseErrorKind::Unexpected(text::excerpt(part, 20))),
                    },
                }
            }
        }
        if none && !choices.is_empty() {
            return Err(ParseErrorKind::Unexpected("aucun".into()));
        }
        if !none && choices.is_empty() {
            return Err(ParseErrorKind::Missing(Arg::Choice));
        }
        choices.sort();
        choices.dedup();
        Ok(Voter {
            poll: Some(poll),
            choices: Some(choices),
            via: Via::Typed,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let poll = match (&self.via, self.poll) {
            (Via::PollResponse { start }, _) => match ex.store.poll_by_post(start)? {
                Some(id) => super::find(ex, id.0)?,
                // A response to a poll that is not the bot's.
                None => return Err(Failure::Ignored),
            },
            (_, Some(id)) => super::find(ex, id)?,
            (_, None) => return Err(Failure::Ignored),
        };
        match self.vote(ex, &poll) {
            Err(Failure::Refused(why)) if matches!(self.via, Via::PollResponse { .. }) => {
                // Said once per person and poll; the click changes nothing.
                let key = format!("poll-notice {} {}", poll.id.0, ex.req.sender.value);
                Ok(if ex.store.once(&key)? {
                    why
                } else {
                    String::new()
                })
            }
            done => done,
        }
    }

    fn vote(&self, ex: &mut Exec<'_>, poll: &Poll) -> Outcome {
        let lang = ex.lang();
        let shown = super::describe(poll);
        if poll.closed {
            return ex.refuse(tr!(
                lang,
                "Le sondage {shown} est clos.",
                "The poll {shown} is closed."
            ));
        }
        let me = match ex.me()? {
            Some(me) if invited(ex, poll.id, me.id)? => me,
            _ => {
                return ex.refuse(tr!(
                    lang,
                    "Le sondage {shown} ne vous interroge pas : votre réponse ne compte pas. Il interroge les membres du groupe (ou, sans groupe, toutes les personnes connues) au moment de sa création.",
                    "You are not asked by the poll {shown}: your answer does not count. It asks the group's members (or, without a group, everyone known) when it was created."
                ));
            }
        };
        let choices = self.choices.as_deref();
        if let Some(bad) = choices
            .unwrap_or_default()
            .iter()
            .find(|n| **n == 0 || **n > poll.dates.len())
        {
            let max = poll.dates.len();
            return ex.refuse(tr!(
                lang,
                "Le sondage {shown} n'a pas de date n°{bad} (1 à {max}).",
                "The poll {shown} has no date #{bad} (1 to {max})."
            ));
        }
        let channel = match self.via {
            Via::Typed => ex.req.origin.channel_name(),
            Via::PollResponse { .. } => "poll",
            Via::MailReply => "email",
        };
        ex.store.record_vote(poll.id, me.id, choices, channel)?;
        if matches!(self.via, Via::PollResponse { .. }) {
            // The poll shows the answer.
            return Ok(String::new());
        }
        Ok(match choices {
            None => tr!(
                lang,
                "C'est noté, {} : votre réponse au sondage {shown} est retirée.",
                "Noted, {}: your answer to the poll {shown} is withdrawn.",
                me.name
            ),
            Some([]) => tr!(
                lang,
                "C'est noté, {} : aucune date ne vous convient ({shown}).",
                "Noted, {}: no date suits you ({shown}).",
                me.name
            ),
            Some(choices) => {
                let days: Vec<String> = choices
                    .iter()
                    .map(|n| crate::words::day_in(lang, poll.dates[n - 1]))
                    .collect();
                tr!(
                    lang,
                    "C'est noté, {} : {} ({shown}).",
                    "Noted, {}: {} ({shown}).",
                    me.name,
                    days.join(", ")
                )
            }
        })
    }
}

fn invited(
    ex: &mut Exec<'_>,
    poll: PollId,
    person: crate::store::PersonId,
) -> Result<bool, Failure> {
    Ok(ex.store.poll_invitees(poll)?.iter().any(|p| p.id == person))
}
