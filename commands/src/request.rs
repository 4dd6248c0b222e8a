//! What an adapter hands to the commands: who speaks and where (the
//! [`Request`]), through which [`Channel`]; and the context the bot runs in
//! (admins, quorum, language, clock, digest destinations).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

pub use crate::lang::Lang;
use crate::store::{Identity, IdentityKind};

/// A way in and out of the bot, by name: the outbox has a queue per
/// channel, and each channel's adapter delivers its queue. Which channels
/// exist is the binary's table of channels; the commands name the four
/// they speak of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Channel(&'static str);

impl Channel {
    /// `greffier console`: replies are printed.
    pub const CONSOLE: Channel = Channel("console");
    /// Matrix rooms.
    pub const MATRIX: Channel = Channel("matrix");
    /// The bot's mailbox (IMAP in, SMTP out).
    pub const EMAIL: Channel = Channel("email");
    /// The network's list server (Mailman 3 or Sympa): out only.
    pub const LISTS: Channel = Channel("lists");

    /// A channel the commands do not name (one a plug-in adds).
    pub const fn named(name: &'static str) -> Channel {
        Channel(name)
    }

    /// The name stored in the outbox and in the once-only keys.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a request came from, so that its reply goes back there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum Origin {
    /// `greffier console`: the reply is printed.
    Console,
    /// A room event; the reply is an `m.notice` in the room, in reply to
    /// `event` when there is one (a withdrawn reaction has nothing left to
    /// reply to). `direct`: only the sender and the bot are in the room,
    /// so the reply is private.
    Matrix {
        room: String,
        event: Option<String>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        direct: bool,
    },
    /// A mail; the reply goes to `from` in the same thread.
    Email {
        from: String,
        message_id: Option<String>,
        subject: String,
        references: Vec<String>,
    },
    /// A channel the commands know only by its name (one a plug-in adds:
    /// the tests' own): the reply goes back to `to` on it, to the sender
    /// alone.
    Other { name: String, to: String },
}

impl Origin {
    /// The name of the channel it came through.
    pub fn channel_name(&self) -> &str {
        match self {
            Origin::Console => Channel::CONSOLE.as_str(),
            Origin::Matrix { .. } => Channel::MATRIX.as_str(),
            Origin::Email { .. } => Channel::EMAIL.as_str(),
            Origin::Other { name, .. } => name,
        }
    }

    /// The Matrix room the request was typed in.
    pub fn room(&self) -> Option<&str> {
        match self {
            Origin::Matrix { room, .. } => Some(room),
            _ => None,
        }
    }

    /// Whether the reply reaches the sender alone (a mail, the console, a
    /// direct room): personal data such as absence reasons are shown there
    /// only.
    pub fn private(&self) -> bool {
        match self {
            Origin::Matrix { direct, .. } => *direct,
            Origin::Console | Origin::Email { .. } | Origin::Other { .. } => true,
        }
    }

    /// The id of the message it came from (event id, Message-ID): where an
    /// answer given through it was "said".
    pub fn message(&self) -> Option<&str> {
        match self {
            Origin::Matrix { event, .. } => event.as_deref(),
            Origin::Email { message_id, .. } => message_id.as_deref(),
            Origin::Console | Origin::Other { .. } => None,
        }
    }
}

/// Who speaks, and where: what every command runs for, whether it was typed
/// (a line) or handed over already understood (a reaction, a calendar
/// button).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub origin: Origin,
    /// The sender's Matrix ID (authenticated by the homeserver), email address
    /// (trusted only if verified), or the console's `--as` (trusted).
    pub sender: Identity,
    /// The display name the channel gives, used the first time we meet them.
    pub display_name: Option<String>,
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
    /// Where the overall digest goes (`[digest]` rooms and lists).
    pub digest_rooms: Vec<String>,
    pub digest_lists: Vec<String>,
    /// The bot makes a room for each group that becomes active (Matrix on,
    /// `matrix.create_rooms`).
    pub create_rooms: bool,
    /// The lists' domain when the bot makes the groups' lists (`[lists]`):
    /// a group's list is `<group>@<domain>`.
    pub lists_domain: Option<String>,
    /// The web pages' address (`web.public_url`, without a trailing
    /// slash): digests and invitations link to them.
    pub web_url: Option<String>,
    /// Days the participants have to send remarks on a draft compte rendu
    /// (`[minutes] review_days`).
    pub review_days: u32,
}

impl Context {
    /// The public address of a page (`/groupes/messagerie`), if the pages
    /// have one.
    pub fn page(&self, path: &str) -> Option<String> {
        self.web_url.as_ref().map(|u| format!("{u}{path}"))
    }
}

impl Context {
    pub fn is_admin(&self, who: &Identity) -> bool {
        self.admins.iter().any(|a| match who.kind {
            IdentityKind::Matrix => a == &who.value,
            IdentityKind::Email => a.eq_ignore_ascii_case(&who.value),
        })
    }

    /// The domain of the bot's mail address: the right-hand side of the
    /// Message-IDs it writes.
    pub fn mail_domain(&self) -> Option<&str> {
        let address = self.mail_address.as_deref()?;
        address.rsplit_once('@').map(|(_, domain)| domain)
    }

    pub fn today(&self) -> jiff::civil::Date {
        self.now.to_zoned(self.timezone.clone()).date()
    }
}
