//! `!sondage …` — choosing the next meeting's date: a poll of candidate
//! dates, answered by the invitees, that ends in the meeting and its
//! invitations.

pub mod clore;
pub mod creer;
pub mod liste;
pub mod resultats;
pub mod voter;

use std::collections::BTreeSet;

use crate::cmd::Command;
use crate::exec::{Exec, Failure, Outcome};
use crate::parse::{Args, Entry, Kind, ParseErrorKind, Usage};
use crate::store::{Poll, PollId, StoreResult};
use crate::tr;

/// The family's usage, for `!sondage` without a known subcommand.
pub const USAGE: Usage = Usage {
    fr: "!sondage creer|voter|resultats|clore|liste …",
    en: "!poll create|vote|results|close|list …",
    help_fr: "choisir la date d'une réunion",
    help_en: "choose a meeting's date",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sondage {
    Creer(creer::Creer),
    Voter(voter::Voter),
    Resultats(resultats::Resultats),
    Clore(clore::Clore),
    Liste,
}

/// `!sondage` and its subcommands, with their aliases.
pub const COMMAND: Entry = Entry {
    words: &["sondage", "sondages", "poll", "polls"],
    kind: Kind::Family {
        usage: &USAGE,
        bare: None,
        subs: &[
            Entry::one(&["creer", "create", "new"], &creer::USAGE, |a| {
                Ok(cmd(Sondage::Creer(creer::Creer::parse(a)?)))
            }),
            Entry::one(&["voter", "vote"], &voter::USAGE, |a| {
                Ok(cmd(Sondage::Voter(voter::Voter::parse(a)?)))
            }),
            Entry::one(&["resultats", "results"], &resultats::USAGE, |a| {
                Ok(cmd(Sondage::Resultats(resultats::Resultats::parse(a)?)))
            }),
            Entry::one(&["clore", "close"], &clore::USAGE, |a| {
                Ok(cmd(Sondage::Clore(clore::Clore::parse(a)?)))
            }),
            Entry::one(&["liste", "list", "ls"], &liste::USAGE, |a| {
                a.end()?;
                Ok(cmd(Sondage::Liste))
            }),
        ],
    },
};

fn cmd(s: Sondage) -> Command {
    Command::Sondage(s)
}

impl Sondage {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Sondage::Creer(c) => c.apply(ex),
            Sondage::Voter(c) => c.apply(ex),
            Sondage::Resultats(c) => c.apply(ex),
            Sondage::Clore(c) => c.apply(ex),
            Sondage::Liste => liste::apply(ex),
        }
    }
}

/// A poll's number, the first argument of most subcommands.
fn poll_id(args: &mut Args) -> Result<i64, ParseErrorKind> {
    let t = args.required(crate::parse::Arg::PollId)?;
    crate::parse::meeting_id(&t.text)
        .ok_or_else(|| ParseErrorKind::BadPollId(crate::text::excerpt(&t.text, 20)))
}

/// Poll `id`, or a refusal naming the command that lists them.
fn find(ex: &mut Exec<'_>, id: i64) -> Result<Poll, Failure> {
    match ex.store.poll(PollId(id))? {
        Some(p) => Ok(p),
        None => ex.refuse(tr!(
            ex.lang(),
            "Il n'y a pas de sondage n°{id} (tapez {}sondage liste).",
            "There is no poll #{id} (type {}poll list).",
            ex.prefix()
        )),
    }
}

/// One candidate date's support: the organisations and people who can
/// come.
pub struct Tally {
    pub n: usize,
    pub date: jiff::civil::Date,
    pub organisations: BTreeSet<String>,
    pub people: usize,
}

/// Each date's support, best first: most organisations, then most people,
/// then the earliest.
pub fn tally(ex: &mut Exec<'_>, poll: &Poll) -> StoreResult<Vec<Tally>> {
    let votes = ex.store.poll_votes(poll.id)?;
    let mut out = Vec::new();
    for (i, date) in poll.dates.iter().enumerate() {
        let n = i + 1;
        let mut organisations = BTreeSet::new();
        let mut people = 0;
        for v in votes.iter().filter(|v| v.choices.contains(&n)) {
            people += 1;
            if let Some(org) = v.person.organisation {
                organisations.insert(ex.store.organisation(org)?.name);
            }
        }
        out.push(Tally {
            n,
            date: *date,
            organisations,
            people,
        });
    }
    out.sort_by(|a, b| {
        b.organisations
            .len()
            .cmp(&a.organisations.len())
            .then(b.people.cmp(&a.people))
            .then(a.date.cmp(&b.date))
    });
    Ok(out)
}

/// "n°2 « Prochaine rencontre »".
pub fn describe(poll: &Poll) -> String {
    format!("n°{} « {} »", poll.id.0, poll.title)
}
