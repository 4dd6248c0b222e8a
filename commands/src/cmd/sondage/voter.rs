//! `!sondage voter <id> <n> [<n> …]` or `!sondage voter <id> aucun` —
//! the dates you can attend (a later answer replaces an earlier one).

use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::text;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!sondage voter <id> <n> [<n> …] | aucun",
    en: "!poll vote <id> <n> [<n> …] | none",
    help_fr: "les dates qui vous conviennent (par leur numéro)",
    help_en: "the dates that suit you (by number)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    pub poll: i64,
    /// Empty: none suits.
    pub choices: Vec<usize>,
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
        Ok(Voter { poll, choices })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let poll = super::find(ex, self.poll)?;
        let shown = super::describe(&poll);
        if poll.closed {
            return ex.refuse(tr!(
                lang,
                "Le sondage {shown} est clos.",
                "The poll {shown} is closed."
            ));
        }
        let Some(me) = ex.me()? else {
            return ex.refuse(tr!(
                lang,
                "Vous n'êtes pas interrogé(e) par le sondage {shown}.",
                "You are not asked by the poll {shown}."
            ));
        };
        if !ex
            .store
            .poll_invitees(poll.id)?
            .iter()
            .any(|p| p.id == me.id)
        {
            return ex.refuse(tr!(
                lang,
                "Vous n'êtes pas interrogé(e) par le sondage {shown}.",
                "You are not asked by the poll {shown}."
            ));
        }
        if let Some(bad) = self.choices.iter().find(|n| **n > poll.dates.len()) {
            let max = poll.dates.len();
            return ex.refuse(tr!(
                lang,
                "Le sondage {shown} n'a pas de date n°{bad} (1 à {max}).",
                "The poll {shown} has no date #{bad} (1 to {max})."
            ));
        }
        let channel = ex.req.origin.channel().as_str().to_string();
        ex.store
            .record_vote(poll.id, me.id, &self.choices, &channel)?;
        if self.choices.is_empty() {
            return Ok(tr!(
                lang,
                "C'est noté, {} : aucune date ne vous convient ({shown}).",
                "Noted, {}: no date suits you ({shown}).",
                me.name
            ));
        }
        let days: Vec<String> = self
            .choices
            .iter()
            .map(|n| crate::cmd::reunion::day_in(lang, poll.dates[n - 1]))
            .collect();
        Ok(tr!(
            lang,
            "C'est noté, {} : {} ({shown}).",
            "Noted, {}: {} ({shown}).",
            me.name,
            days.join(", ")
        ))
    }
}
