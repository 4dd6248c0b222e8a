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
            false => tr!(
                lang,
                "ouvert jusqu'au {}",
                "open until {}",
                crate::words::date_near(lang, poll.closes_on, ex.ctx.today())
            ),
        };
        let mut out = vec![tr!(
            lang,
            "Sondage {} — {state} — {}",
            "Poll {} — {state} — {}",
            super::describe(&poll),
            crate::words::answers(lang, answered, asked)
        )];
        for t in crate::tally::tally(ex.store, &poll)? {
            let day = crate::words::day_in(lang, t.date);
            let orgs: Vec<String> = t.organisations.iter().cloned().collect();
            let who = match t.people {
                0 => tr!(lang, "personne", "nobody"),
                _ => format!(
                    "{} ({})",
                    crate::words::count(
                        lang,
                        t.people,
                        ("personne", "personnes"),
                        ("person", "people")
                    ),
                    crate::words::list(lang, &orgs)
                ),
            };
            out.push(tr!(lang, "{}. {day} : {who}", "{}. {day}: {who}", t.n));
        }
        Ok(out.join("\n"))
    }
}
