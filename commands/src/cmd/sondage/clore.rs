//! `!sondage clore <id> [<n>]` — close the poll and create the meeting on
//! the best date (most organisations, then most people, then the
//! earliest) or on date n: the invitations go out as for `!reunion
//! creer`. Admins, the poll's creator, and for a group's poll its lead.

use crate::cmd::reunion;
use crate::exec::{Exec, Outcome};
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::store::Poll;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!sondage clore <id> [<n>]",
    en: "!poll close <id> [<n>]",
    help_fr: "clore le sondage et créer la réunion (la meilleure date, ou la date n)",
    help_en: "close the poll and create the meeting (the best date, or date n)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clore {
    pub poll: i64,
    pub choice: Option<usize>,
}

impl Clore {
    pub fn parse(args: &mut Args) -> Result<Clore, ParseErrorKind> {
        let poll = super::poll_id(args)?;
        let choice =
            match args.next_token() {
                None => None,
                Some(t) => Some(t.text.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(
                    || ParseErrorKind::Unexpected(crate::text::excerpt(&t.text, 20)),
                )?),
            };
        args.end()?;
        Ok(Clore { poll, choice })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let poll = super::find(ex, self.poll)?;
        may_close(ex, &poll)?;
        close(ex, &poll, self.choice)
    }
}

/// Closes `poll` on date `choice` (the best one when `None`) and creates
/// the meeting; whoever asks (the caller checked, or it is the clock).
pub fn close(ex: &mut Exec<'_>, poll: &Poll, choice: Option<usize>) -> Outcome {
    let lang = ex.lang();
    let shown = super::describe(poll);
    if poll.closed {
        return ex.refuse(tr!(
            lang,
            "Le sondage {shown} est déjà clos.",
            "The poll {shown} is closed already."
        ));
    }
    let best = crate::tally::tally(ex.store, poll)?;
    let n = match choice {
        Some(n) if n > poll.dates.len() => {
            let max = poll.dates.len();
            return ex.refuse(tr!(
                lang,
                "Le sondage {shown} n'a pas de date n°{n} (1 à {max}).",
                "The poll {shown} has no date #{n} (1 to {max})."
            ));
        }
        Some(n) => n,
        None => best.first().map_or(1, |t| t.n),
    };
    let date = poll.dates[n - 1];
    let group = match poll.group {
        Some(g) => ex.store.group(g)?,
        None => None,
    };
    let created = reunion::creer::Creer {
        title: poll.title.clone(),
        date,
        time: poll.time.unwrap_or(super::DEFAULT_TIME),
        place: poll.place.clone(),
        group: group.as_ref().map(|g| g.slug.clone()),
    }
    .create(ex, group)?;
    let starts_at = date
        .to_datetime(poll.time.unwrap_or(super::DEFAULT_TIME))
        .to_zoned(ex.ctx.timezone.clone())
        .map(|z| z.timestamp())
        .unwrap_or(ex.ctx.now);
    let meeting = ex.store.meeting_by_title_at(&poll.title, starts_at)?;
    ex.store
        .close_poll(poll.id, meeting.as_ref().map(|m| m.id))?;
    // The native polls end, with the result.
    let support = best.iter().find(|t| t.n == n);
    let (orgs, people) = support.map_or((0, 0), |t| (t.organisations.len(), t.people));
    let day = crate::words::day_in(lang, date);
    let result = tr!(
        lang,
        "Sondage clos : la réunion « {} » aura lieu le {day} (date n°{n} : {}, {}).",
        "Poll closed: the meeting “{}” will be on {day} (date #{n}: {}, {}).",
        poll.title,
        crate::words::count(
            lang,
            orgs,
            ("organisation", "organisations"),
            ("organisation", "organisations")
        ),
        crate::words::count(
            lang,
            people,
            ("personne", "personnes"),
            ("person", "people")
        ),
    );
    let ends = super::end_in_rooms(ex.store, poll, &result)?;
    ex.actions.extend(ends);
    Ok(tr!(
        lang,
        "Sondage {shown} clos sur la date n°{n}. {created}",
        "Poll {shown} closed on date #{n}. {created}"
    ))
}

/// Admins, the creator, and for a group's poll the lead's confirmed
/// members.
fn may_close(ex: &mut Exec<'_>, poll: &Poll) -> Result<(), crate::exec::Failure> {
    if ex.is_admin() {
        return Ok(());
    }
    let me = ex.me()?;
    if me.is_some() && me.map(|p| p.id) == poll.created_by {
        return Ok(());
    }
    if let Some(g) = poll.group
        && let Some(group) = ex.store.group(g)?
        && ex.leads(&group)?
    {
        return Ok(());
    }
    ex.refuse_not_allowed(&tr!(
        ex.lang(),
        "aux administrateurs, à qui a créé le sondage et au chef de projet du groupe",
        "admins, the poll's creator and the group's lead"
    ))
}
