//! `!sondage resultats <id>` — for each date, the organisations that can
//! come and how many people, best first.

use crate::exec::{Exec, Outcome};
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!sondage resultats <id>",
    en: "!poll results <id>",
    help_fr: "les dates par nombre d'organisations et de personnes",
    help_en: "the dates by organisations and people who can come",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resultats {
    pub poll: i64,
}

impl Resultats {
    pub fn parse(args: &mut Args) -> Result<Resultats, ParseErrorKind> {
        let poll = super::poll_id(args)?;
        args.end()?;
        Ok(Resultats { poll })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let poll = super::find(ex, self.poll)?;
        let asked = ex.store.poll_invitees(poll.id)?.len();
        let answered = ex.store.poll_votes(poll.id)?.len();
        let state = match poll.closed {
            true => tr!(lang, "clos", "closed"),
            false => tr!(lang, "ouvert jusqu'au {}", "open until {}", poll.closes_on),
        };
        let mut out = vec![tr!(
            lang,
            "Sondage {} — {state} — {answered}/{asked} réponse(s)",
            "Poll {} — {state} — {answered}/{asked} answer(s)",
            super::describe(&poll)
        )];
        for t in crate::tally::tally(ex.store, &poll)? {
            let day = crate::words::day_in(lang, t.date);
            let orgs = match t.organisations.is_empty() {
                true => "—".to_string(),
                false => t
                    .organisations
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            out.push(tr!(
                lang,
                "{}. {day} : {} organisation(s), {} personne(s) — {orgs}",
                "{}. {day}: {} organisation(s), {} people — {orgs}",
                t.n,
                t.organisations.len(),
                t.people
            ));
        }
        Ok(out.join("\n"))
    }
}
