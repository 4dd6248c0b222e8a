//! A date poll's results: each date's support, which the poll's answers,
//! its closing and its web page all show.

use std::collections::BTreeSet;

use crate::store::{Organisations, Poll, Polls, StoreResult};

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
pub fn tally(
    store: &mut (impl Polls + Organisations + ?Sized),
    poll: &Poll,
) -> StoreResult<Vec<Tally>> {
    let votes = store.poll_votes(poll.id)?;
    let mut out = Vec::new();
    for (i, date) in poll.dates.iter().enumerate() {
        let n = i + 1;
        let mut organisations = BTreeSet::new();
        let mut people = 0;
        for v in votes.iter().filter(|v| v.choices.contains(&n)) {
            people += 1;
            if let Some(org) = v.person.organisation {
                organisations.insert(store.organisation(org)?.name);
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
