//! A channel as the rest of the bot sees it: a [`Plugin`]. Each adapter
//! folder (`matrix/`, `mail/`, `lists/`, `web/`, `console.rs`) defines its
//! own `PLUGIN`; the table of channels (`crate::channels::TABLE`) lists
//! them, and start-up (`greffier run`), `check-config` and `greffier
//! status` go through that table, not through the adapters by name.

use std::sync::Arc;

use futures_util::future::BoxFuture;
use jiff::{SignedDuration, Timestamp};

use greffier_commands::{Lang, tr};

use crate::app::App;
use crate::config::{Config, Reader};
use crate::inbox::Inbox;
use crate::route::Route;

pub use greffier_storage::outbox::Health;

/// A channel's serve loop: it runs until the bot stops (an error stops
/// the bot).
pub type Serve = fn(Arc<App>, Arc<Inbox>) -> BoxFuture<'static, anyhow::Result<()>>;

pub struct Plugin {
    /// Its name: its section in bot.toml, its line in `check-config`.
    pub name: &'static str,
    /// How it reads its section of bot.toml (`config::reader::<Settings>()`);
    /// `None`: it has none and is always there (the console).
    pub section: Option<Reader>,
    /// What `greffier run` starts when its section is present; `None`: it
    /// is no part of `run` (the console).
    pub serve: Option<Serve>,
    /// People type commands through it (`greffier run` needs one such
    /// channel at least).
    pub takes_commands: bool,
    /// What it delivers of the outbox, and what it says of its senders;
    /// `None`: it delivers nothing (the web pages).
    pub route: Option<&'static Route>,
    /// `serve` reads the database on a connection of its own (the web
    /// pages, which read while the bot writes), not the bot's inbox.
    pub own_connection: bool,
    /// Its lines (and problems) in `greffier status`, when its section is
    /// present.
    pub health: Option<fn(&Config, &Checkup<'_>) -> Vec<Said>>,
    /// What `check-config --online` asks its server (a login, say), when
    /// its section is present.
    pub online: Option<Online>,
}

/// A channel's checks against its server, for `check-config --online`.
pub type Online = for<'a> fn(&'a App) -> BoxFuture<'a, Vec<Checked>>;

/// One check of `check-config --online`: how it went, in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub verdict: Verdict,
    pub line: String,
}

/// Each check's verdict, in the monitoring plugins' order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Ok,
    Warning,
    Critical,
}

impl Checked {
    pub fn ok(line: String) -> Checked {
        Checked {
            verdict: Verdict::Ok,
            line,
        }
    }
    pub fn warning(line: String) -> Checked {
        Checked {
            verdict: Verdict::Warning,
            line,
        }
    }
    pub fn critical(line: String) -> Checked {
        Checked {
            verdict: Verdict::Critical,
            line,
        }
    }
}

impl Plugin {
    /// Whether the file turns it on.
    pub fn on(&self, config: &Config) -> bool {
        self.section.is_none_or(|s| config.has(s.name))
    }
}

/// What `greffier status` knows when it asks a channel how it is.
pub struct Checkup<'a> {
    pub health: &'a Health,
    pub now: Timestamp,
    /// The bot has given a sign of life lately.
    pub running: bool,
    /// For how long it has been up, when it said.
    pub up: Option<SignedDuration>,
    /// The language of the report (bot.language).
    pub lang: Lang,
}

impl Checkup<'_> {
    /// How long ago `at` (an RFC 3339 instant) was.
    pub fn since(&self, at: &Option<String>) -> Option<SignedDuration> {
        let at: Timestamp = at.as_deref()?.parse().ok()?;
        Some(self.now.duration_since(at))
    }

    /// Whether the bot has been up long enough to have reached a server
    /// that answers within `late`: a channel is judged only then.
    fn judged(&self, late: SignedDuration) -> bool {
        self.running && self.up.is_none_or(|u| u > late)
    }

    /// A channel silent for longer than `late` (`since`: its last news),
    /// once the bot has been up long enough to judge it: the critical
    /// problem it is, `silent_for("15 min")`, or `never` when it never
    /// had news.
    pub fn silence(
        &self,
        since: Option<SignedDuration>,
        late: SignedDuration,
        silent_for: impl FnOnce(&str) -> String,
        never: impl FnOnce() -> String,
    ) -> Option<Said> {
        (self.judged(late) && since.is_none_or(|s| s > late)).then(|| {
            Said::Critical(match since {
                Some(s) => silent_for(&age(self.lang, s)),
                None => never(),
            })
        })
    }
}

/// What a channel says of itself in `greffier status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// A line for the operator.
    Line(String),
    /// Something that makes the report critical (the channel is down).
    Critical(String),
}

/// `42 s`, `5 min`, `3 h 10 min`, `2 d 4 h`.
pub fn age(lang: Lang, d: SignedDuration) -> String {
    let s = d.as_secs().max(0);
    let day = tr!(lang, "j", "d");
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} {day} {} h", s / 86400, s % 86400 / 3600),
    }
}
