//! greffier's command language, without I/O.
//!
//! An adapter (Matrix, mail, console) turns what it received into a
//! [`Request`]; [`execute`] parses it ([`parse::parse`]), runs the
//! [`cmd::Command`] against a [`Store`] and returns the [`Action`]s to
//! deliver, the reply first. The caller runs this inside one storage
//! transaction and writes the actions to the outbox in it; when
//! [`Executed::commit`] is false (a malformed or refused command) it rolls
//! the state back and keeps only the reply, so a refused command changes
//! nothing.
//!
//! This crate knows no protocol and no database: no tokio, no matrix-sdk, no
//! rusqlite. User errors are values that become replies; storage errors are
//! returned for the caller to log.

pub mod action;
pub mod cmd;
pub mod digest;
pub mod exec;
pub mod lang;
pub mod meeting;
pub mod minutes;
pub mod parse;
pub mod reminders;
pub mod request;
pub mod rsvp_text;
pub mod store;
pub mod text;

pub use action::Action;
pub use cmd::Command;
pub use lang::Lang;
pub use request::{Context, Origin, Request};
pub use store::{Store, StoreError};

use exec::{Exec, Failure};

/// What running one request produced.
#[derive(Debug)]
pub struct Executed {
    /// The reply first, then what the command asks besides.
    pub actions: Vec<Action>,
    /// False when the command was malformed or refused: keep the reply,
    /// roll back everything else.
    pub commit: bool,
}

/// Parses and runs one request. `Ok(None)`: the text is not a command (no
/// prefix) and must be ignored.
pub fn execute(
    store: &mut dyn Store,
    ctx: &Context,
    req: &Request,
) -> Result<Option<Executed>, StoreError> {
    let reply = |text: String| Action::Reply {
        origin: req.origin.clone(),
        text,
    };
    let command = match parse::parse(&ctx.prefix, &req.text) {
        Ok(None) => return Ok(None),
        Ok(Some(c)) => c,
        Err(e) => {
            return Ok(Some(Executed {
                actions: vec![reply(e.render(ctx.lang, &ctx.prefix))],
                commit: false,
            }));
        }
    };
    let mut ex = Exec {
        store,
        ctx,
        req,
        actions: Vec::new(),
    };
    match command.apply(&mut ex) {
        Ok(text) => {
            let mut actions = vec![reply(text)];
            actions.append(&mut ex.actions);
            Ok(Some(Executed {
                actions,
                commit: true,
            }))
        }
        Err(Failure::Refused(text)) => Ok(Some(Executed {
            actions: vec![reply(text)],
            commit: false,
        })),
        Err(Failure::Store(e)) => Err(e),
    }
}

/// The short apology a user gets when the bot itself failed.
pub fn apology(lang: Lang) -> String {
    tr!(
        lang,
        "Désolé, une erreur interne m'empêche de traiter cette commande. Elle est consignée ; réessayez plus tard.",
        "Sorry, an internal error prevents me from handling this command. It has been logged; please try again later."
    )
}

/// Whether a message is addressed to the bot at all (starts with the
/// prefix); adapters skip the rest without opening a transaction.
pub fn is_command(prefix: &str, text: &str) -> bool {
    text.trim_start().starts_with(prefix)
}

/// What the bot says when it arrives in a room.
pub fn welcome(lang: Lang, prefix: &str) -> String {
    tr!(
        lang,
        "Bonjour, je suis greffier, le greffier des groupes de travail. Tapez {prefix}aide pour la liste des commandes.",
        "Hello, I am greffier, the clerk of the working groups. Type {prefix}help for the list of commands."
    )
}
