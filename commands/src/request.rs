//! What an adapter hands to the commands: who speaks, where, and what they
//! typed; and the context the bot runs in (admins, quorum, language, clock).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::store::{Identity, IdentityKind};

/// Where a request came from, so that its reply goes back there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum Origin {
    /// `greffier console`: the reply is printed.
    Console,
    /// A room message; the reply is an `m.notice` in reply to `event`.
    Matrix { room: String, event: String },
    /// A mail; the reply goes to `from` in the same thread.
    Email {
        from: String,
        message_id: Option<String>,
        subject: String,
        references: Vec<String>,
    },
}

impl Origin {
    pub fn channel(&self) -> &'static str {
        match self {
            Origin::Console => "console",
            Origin::Matrix { .. } => "matrix",
            Origin::Email { .. } => "email",
        }
    }

    /// The Matrix room the request was typed in.
    pub fn room(&self) -> Option<&str> {
        match self {
            Origin::Matrix { room, .. } => Some(room),
            _ => None,
        }
    }
}

/// One command line from one sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub origin: Origin,
    /// The sender's Matrix ID (authenticated by the homeserver), email address
    /// (trusted only if verified), or the console's `--as` (trusted).
    pub sender: Identity,
    /// The display name the channel gives, used the first time we meet them.
    pub display_name: Option<String>,
    pub text: String,
    /// How an answer was given when it was not typed: "itip" (a calendar
    /// button), "reaction" (an emoji in a room).
    pub via: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

/// The bot's settings the commands need, and the clock.
#[derive(Debug, Clone)]
pub struct Context {
    pub lang: Lang,
    pub prefix: String,
    /// Matrix IDs and email addresses of the admins.
    pub admins: Vec<String>,
    /// Distinct supporting organisations that make a proposal active.
    pub quorum: usize,
    pub timezone: TimeZone,
    pub now: Timestamp,
    /// The bot's mail address, when mail is on: the organiser of
    /// invitations and the domain of their Message-IDs.
    pub mail_address: Option<String>,
}

impl Context {
    pub fn is_admin(&self, who: &Identity) -> bool {
        self.admins.iter().any(|a| match who.kind {
            IdentityKind::Matrix => a == &who.value,
            IdentityKind::Email => a.eq_ignore_ascii_case(&who.value),
        })
    }

    pub fn today(&self) -> jiff::civil::Date {
        self.now.to_zoned(self.timezone.clone()).date()
    }
}
