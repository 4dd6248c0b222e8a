//! `!sondage liste` — the open polls with their answers.

use crate::exec::{Exec, Outcome};
use crate::parse::Usage;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!sondage liste",
    en: "!poll list",
    help_fr: "les sondages ouverts",
    help_en: "the open polls",
};

pub fn apply(ex: &mut Exec<'_>) -> Outcome {
    let lang = ex.lang();
    let polls = ex.store.polls(true)?;
    if polls.is_empty() {
        let p = ex.prefix();
        return Ok(tr!(
            lang,
            "Aucun sondage ouvert — {p}sondage creer \"<titre>\" <date> <date> …",
            "No open poll — {p}poll create \"<title>\" <date> <date> …"
        ));
    }
    let mut out = vec![tr!(lang, "Sondages ouverts :", "Open polls:")];
    for poll in polls {
        let asked = ex.store.poll_invitees(poll.id)?.len();
        let answered = ex.store.poll_votes(poll.id)?.len();
        let state = crate::words::poll_state(lang, &poll, answered, asked, Some(ex.ctx.today()));
        out.push(format!("• {} — {state}", super::describe(&poll)));
    }
    Ok(out.join("\n"))
}
