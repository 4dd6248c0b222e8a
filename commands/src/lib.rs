//! greffier's command language, without I/O.
//!
//! An adapter (Matrix, mail, console) says who speaks and where (a
//! [`Request`]) and hands over either a typed line — [`execute`] parses it
//! ([`parse()`]) — or a command it already understood (a reaction, a
//! calendar button: [`run`]). The [`Command`] runs against a [`Store`] and
//! returns its reply and its effects ([`Executed`]: the [`Action`]s to
//! deliver besides). The caller runs this inside one storage transaction
//! and writes the actions to the outbox in it; when [`Executed::commit`]
//! is false (a malformed or refused command) it rolls the state back and
//! keeps only the reply, so a refused command changes nothing.
//!
//! What the bot says outside any command lives here too ([`Notice`]), and
//! so do the documents it writes: the digest with its picture ([`digest`],
//! [`chart`]), the minutes ([`minutes`]), the calendar parts ([`ical`]).
//!
//! This crate knows no protocol and no database: no tokio, no matrix-sdk, no
//! rusqlite. User errors are values that become replies; storage errors are
//! returned for the caller to log.

// The face: the domain (`store`, `meeting`, `action`), what the
// adapters hand over and get back (the re-exports below), and the
// documents the bot writes (`digest`, `minutes`, `chart`, `ical`) with
// the words and text helpers they share with the web pages (`words`,
// `text`, `tally`).
pub mod action;
pub mod answer;
pub mod chart;
pub mod digest;
pub mod directory;
pub mod ical;
pub mod meeting;
pub mod minutes;
pub mod store;
pub mod tally;
pub mod text;
pub mod words;

// The command language itself: private.
mod action_clock;
mod cmd;
mod exec;
mod lang;
mod lists;
mod membership;
mod notices;
mod parse;
mod poll_clock;
mod poll_reply;
mod reminders;
mod request;
mod rooms;
mod rsvp_text;

pub use action::Action;
/// What is due by the clock: a poll's reminders and automatic close, a
/// meeting's reminders.
pub use action_clock::due as actions_due;
pub use cmd::Command;
/// The commands an adapter hands over already understood: an emoji on an
/// announcement, a reaction taken back, a click on a native poll.
pub use cmd::rsvp::{Answer, Given, Rsvp, Withdraw};
pub use cmd::sondage::Sondage;
pub use cmd::sondage::voter::{Via, Voter};
/// A group found by name as the commands find it, or the sentence that
/// says why not (with close names): for the command line.
pub use exec::{Unnamed, group_named};
pub use lang::Lang;
/// The owners of the list of a group `lead` leads: its confirmed members'
/// verified addresses (the drift check compares them with the list's).
pub use lists::owners as list_owners;
pub use membership::normalise_domain;
pub use notices::Notice;
pub use parse::{parse, slug, time};
pub use poll_clock::due as polls_due;
pub use reminders::due as reminders_due;
pub use request::{Channel, Context, Origin, Request};
/// An answer to an invitation, read from its words ("Je serai présent").
pub use rsvp_text::classify;
pub use store::{Store, StoreError};

use exec::{Exec, Failure};

/// What running one request produced: its reply, and what it asks
/// besides (its effects).
#[derive(Debug)]
pub struct Executed {
    /// What the sender is told; `None`: nothing (a click on a native poll,
    /// which the client shows itself).
    pub reply: Option<String>,
    /// What the command asks besides: posts, mails, rooms, lists (none
    /// when it was refused).
    pub effects: Vec<Action>,
    /// False when the command was malformed or refused: keep the reply,
    /// roll back everything else.
    pub commit: bool,
}

impl Executed {
    /// The actions to queue: the reply to `origin` first, then the effects.
    pub fn into_actions(self, origin: &Origin) -> Vec<Action> {
        let reply = self.reply.map(|text| Action::Reply {
            origin: origin.clone(),
            text,
        });
        reply.into_iter().chain(self.effects).collect()
    }
}

/// Parses and runs one line typed by `req`'s sender. `Ok(None)`: the text
/// is not a command (no prefix) and must be ignored.
pub fn execute(
    store: &mut dyn Store,
    ctx: &Context,
    req: &Request,
    line: &str,
) -> Result<Option<Executed>, StoreError> {
    match parse::parse(&ctx.prefix, line) {
        Ok(None) => Ok(None),
        Ok(Some(command)) => run(store, ctx, req, command),
        Err(e) => Ok(Some(Executed {
            reply: Some(e.render(ctx.lang, &ctx.prefix)),
            effects: Vec::new(),
            commit: false,
        })),
    }
}

/// Runs a command, typed or handed over already understood (a reaction,
/// a calendar button). `Ok(None)`: it concerns no one here (an emoji on an
/// ordinary message) and gets no reply.
pub fn run(
    store: &mut dyn Store,
    ctx: &Context,
    req: &Request,
    command: Command,
) -> Result<Option<Executed>, StoreError> {
    let mut ex = Exec {
        store,
        ctx,
        req,
        actions: Vec::new(),
    };
    match command.apply(&mut ex) {
        // An empty answer is none: a click on a native poll, which the
        // client shows itself.
        Ok(text) => Ok(Some(Executed {
            reply: (!text.is_empty()).then_some(text),
            effects: ex.actions,
            commit: true,
        })),
        Err(Failure::Refused(text)) => Ok(Some(Executed {
            reply: Some(text),
            effects: Vec::new(),
            commit: false,
        })),
        Err(Failure::Ignored) => Ok(None),
        Err(Failure::Store(e)) => Err(e),
    }
}

/// Whether a message is addressed to the bot at all (starts with the
/// prefix); adapters skip the rest without opening a transaction.
pub fn is_command(prefix: &str, text: &str) -> bool {
    text.trim_start().starts_with(prefix)
}

/// Whether any command of `text` answers with personal data that only a
/// private answer may hold ([`Command::shows_personal_data`]).
pub fn shows_personal_data(prefix: &str, text: &str) -> bool {
    text.lines()
        .any(|line| matches!(parse::parse(prefix, line), Ok(Some(c)) if c.shows_personal_data()))
}
