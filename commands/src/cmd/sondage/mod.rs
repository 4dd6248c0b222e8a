//! `!sondage …` — choosing the next meeting's date: a poll of candidate
//! dates, answered by the invitees, that ends in the meeting and its
//! invitations.

pub mod clore;
pub mod creer;
pub mod liste;
pub mod resultats;
pub mod voter;

use crate::action::Action;
use crate::cmd::Command;
use crate::exec::{Exec, Failure, Outcome};
use crate::parse::{Args, Entry, Kind, ParseErrorKind, Usage};
use crate::store::{Poll, PollId, StoreResult};
use crate::tr;

/// The family's usage, for `!sondage` without a known subcommand.
/// The time of the meeting a poll without `heure` ends in (said when the
/// poll is created).
pub const DEFAULT_TIME: jiff::civil::Time = jiff::civil::Time::constant(9, 30, 0, 0);

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

/// "n°2 « Prochaine rencontre »".
pub fn describe(poll: &Poll) -> String {
    format!("n°{} « {} »", poll.id.0, poll.title)
}

/// The poll's dates, numbered, one per line: "1. mardi 15 décembre 2026".
pub fn numbered(lang: crate::Lang, poll: &Poll) -> String {
    poll.dates
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{}. {}", i + 1, crate::words::day_in(lang, *d)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rooms a poll is asked in: its group's room, or the overall rooms
/// (`[digest]`) for a poll without a group.
pub fn rooms(
    store: &mut dyn crate::Store,
    ctx: &crate::Context,
    poll: &Poll,
) -> StoreResult<Vec<String>> {
    Ok(match poll.group {
        Some(g) => store.group(g)?.and_then(|g| g.room).into_iter().collect(),
        None => ctx.digest_rooms.clone(),
    })
}

/// The native Matrix poll for `poll` in each of its rooms: one answer per
/// date, in the bot's language, with `text` as the fallback.
pub fn post_in_rooms(
    store: &mut dyn crate::Store,
    ctx: &crate::Context,
    poll: &Poll,
    text: &str,
) -> StoreResult<Vec<Action>> {
    let lang = ctx.lang;
    let at = poll
        .time
        .map(|t| tr!(lang, " ({})", " ({})", t.strftime("%H:%M")))
        .unwrap_or_default();
    let question = tr!(
        lang,
        "« {} »{at} : quelles dates vous conviennent ?",
        "“{}”{at}: which dates suit you?",
        poll.title
    );
    let answers: Vec<String> = poll
        .dates
        .iter()
        .map(|d| crate::words::day_in(lang, *d))
        .collect();
    Ok(rooms(store, ctx, poll)?
        .into_iter()
        .map(|room| Action::PostPoll {
            room,
            poll: poll.id.0,
            question: question.clone(),
            answers: answers.clone(),
            text: text.to_string(),
        })
        .collect())
}

/// The end of the poll's native Matrix polls, with the result.
pub fn end_in_rooms(
    store: &mut dyn crate::Store,
    poll: &Poll,
    text: &str,
) -> StoreResult<Vec<Action>> {
    Ok(store
        .poll_posts(poll.id)?
        .into_iter()
        .map(|(room, start)| Action::EndPoll {
            room,
            start,
            text: text.to_string(),
        })
        .collect())
}

/// The poll by mail to `person`, if they have a linked address and mail is
/// on: the numbered dates, and an unguessable Message-ID, recorded, that a
/// reply quotes (which authenticates it). `reminder`: the day before it
/// closes.
pub fn ask_by_mail(
    store: &mut dyn crate::Store,
    ctx: &crate::Context,
    poll: &Poll,
    person: &crate::store::Person,
    reminder: bool,
) -> StoreResult<Option<Action>> {
    let (Some(domain), Some(to)) = (ctx.mail_domain(), store.email_of(person.id)?) else {
        return Ok(None);
    };
    let lang = ctx.lang;
    let message_id = format!("poll.{}@{domain}", store.random_token()?);
    store.record_poll_mail(&message_id, poll.id, person.id)?;
    let (id, title, p) = (poll.id.0, &poll.title, &ctx.prefix);
    let closes = crate::words::date_near(lang, poll.closes_on, ctx.today());
    let dates = numbered(lang, poll);
    let details = match (&poll.time, &poll.place) {
        (Some(t), Some(place)) => tr!(
            lang,
            " ({}, {place})",
            " ({}, {place})",
            t.strftime("%H:%M")
        ),
        (Some(t), None) => format!(" ({})", t.strftime("%H:%M")),
        (None, Some(place)) => format!(" ({place})"),
        (None, None) => String::new(),
    };
    let (subject, opening) = if reminder {
        (
            tr!(
                lang,
                "Rappel : sondage « {title} »",
                "Reminder: poll “{title}”"
            ),
            tr!(
                lang,
                "Le sondage « {title} »{details} se clôt le {closes} et vous n'avez pas encore répondu.",
                "The poll “{title}”{details} closes on {closes} and you have not answered yet."
            ),
        )
    } else {
        (
            tr!(lang, "Sondage : {title}", "Poll: {title}"),
            tr!(
                lang,
                "Quelles dates vous conviennent pour « {title} »{details} ?",
                "Which dates suit you for “{title}”{details}?"
            ),
        )
    };
    // The room's way is said only to those who have a Matrix account: a
    // member who only reads mail hears of mail alone.
    let in_rooms = store
        .identities(person.id)?
        .iter()
        .any(|(i, _)| i.kind == crate::store::IdentityKind::Matrix);
    let also = match in_rooms {
        true => tr!(
            lang,
            " Vous pouvez aussi taper {p}sondage voter {id} <numéros> dans un salon.",
            " You may also type {p}poll vote {id} <numbers> in a room."
        ),
        false => String::new(),
    };
    let text = tr!(
        lang,
        "Bonjour {},\n\n{opening}\n\n{dates}\n\nRépondez à ce message avec les numéros des dates qui vous conviennent (par exemple « 1 et 3 ») ou leurs jours (« le 15 et le 17 »), ou « aucune ».{also} Réponses avant le {closes} (sondage n°{id}).\n\n— greffier",
        "Hello {},\n\n{opening}\n\n{dates}\n\nAnswer this message with the numbers of the dates that suit you (for instance “1 and 3”) or their days (“the 15th and the 17th”), or “none”.{also} Answers by {closes} (poll #{id}).\n\n— greffier",
        person.name
    );
    Ok(Some(Action::AskByMail {
        to,
        name: person.name.clone(),
        subject,
        text,
        message_id,
    }))
}
