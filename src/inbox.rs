//! One way in. Every inbound thing, whatever its channel — a line typed in
//! a room or the console, a mail, an emoji on an announcement, a calendar
//! button — becomes an [`Inbound`] and goes through [`Inbox::run`]: one
//! transaction that checks it was not handled before (its once-only key),
//! runs what it asks, records it as handled and queues what it produces in
//! the outbox, the reply first. The adapters hold no transaction of their
//! own: they make `Inbound` values, deliver the outbox, and ask the inbox
//! the few other things they need (a stored position, whether a sender is
//! known).
//!
//! A malformed or refused command is undone (it runs inside a savepoint)
//! and only its reply is kept. A mail may hold several command lines: they
//! run in order, each in its own savepoint, and get one answer that quotes
//! each command before its reply. A storage failure is logged and the
//! sender gets an apology.
//!
//! The inbox also holds the wake-ups of the outbox pumps: what it queues is
//! delivered at once, not at the pumps' next look.

use std::sync::{Mutex, MutexGuard};

use greffier_commands::Store as _;
use greffier_commands::answer::{self, Decision};
use greffier_commands::store::{GroupId, Identity};
use greffier_commands::{Action, Channel, Command, Context, Executed, Notice, Origin, Request};
use greffier_storage::{Database, Tx};
use jiff::Timestamp;
use tokio::sync::Notify;

/// Something that arrived, as the adapter understood it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// Where it came from, and so where the answer goes; its channel is
    /// `origin.channel()`.
    pub origin: Origin,
    /// Its identity in the channel (event id, Message-ID): what is seen
    /// again (a sync replayed after a crash, a mail copied back) is handled
    /// once. `None`: no such identity (the console, a greeting).
    pub key: Option<String>,
    pub sender: Identity,
    /// The name the channel shows, used the first time the bot meets them.
    pub display_name: Option<String>,
    pub input: Input,
}

impl Inbound {
    pub fn channel(&self) -> Channel {
        self.origin.channel()
    }
}

/// What it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Lines typed by a person: one from a room or the console, up to
    /// twenty from a mail.
    Lines(Vec<String>),
    /// A command the channel already understood: an emoji on a meeting's
    /// announcement, a reaction taken back. Nothing is printed and parsed
    /// again.
    Command(Command),
    /// A mail with no command line: maybe an answer to an invitation
    /// (a calendar button, a sentence), decided by
    /// [`greffier_commands::answer::decide`].
    Message(answer::Message),
    /// Only a notice to the sender (the greeting in a room the bot joins).
    Notice(Notice),
    /// Nothing to do but remember it was seen (automatic mail).
    Nothing,
}

/// What became of an inbound thing.
#[derive(Debug, PartialEq, Eq)]
pub enum Handled {
    /// Not for the bot (no command in it): nothing recorded.
    Ignored,
    /// Handled before: nothing done again.
    Duplicate,
    /// Recorded; the outbox ids of what was queued for it, the reply first
    /// (none for automatic mail).
    Queued(Vec<i64>),
}

/// The database, shared by the adapters' tasks, and the outbox pumps'
/// wake-ups.
pub struct Inbox {
    db: Mutex<Database>,
    wakes: [Notify; Channel::ALL.len()],
}

impl Inbox {
    pub fn new(db: Database) -> Inbox {
        Inbox {
            db: Mutex::new(db),
            wakes: Default::default(),
        }
    }

    /// The database. The lock is never held across an `.await`; a panic
    /// elsewhere while it was held does not make it unusable (every change
    /// is a transaction).
    pub fn db(&self) -> MutexGuard<'_, Database> {
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Wakes `channel`'s outbox pump.
    pub fn wake(&self, channel: Channel) {
        self.waker(channel).notify_one();
    }

    /// What `channel`'s outbox pump waits on.
    pub fn waker(&self, channel: Channel) -> &Notify {
        let i = Channel::ALL
            .iter()
            .position(|c| *c == channel)
            .unwrap_or_default();
        &self.wakes[i]
    }

    /// Handles `inbound` in one transaction (see the module's doc).
    pub fn run(&self, ctx: &Context, inbound: &Inbound) -> anyhow::Result<Handled> {
        let channel = inbound.channel();
        let key = inbound.key.as_deref();
        let step = self.db().transaction(ctx.now, |tx| {
            if let Some(key) = key
                && !tx.first_time(channel, key)?
            {
                return Ok((Handled::Duplicate, false));
            }
            let actions = match answer(tx, ctx, inbound)? {
                Some(actions) => actions,
                // Nothing recorded: not for the bot.
                None => return Ok((Handled::Ignored, false)),
            };
            Ok((Handled::Queued(tx.enqueue(&actions)?), true))
        });
        let handled = match step {
            Ok(handled) => handled,
            Err(e) => {
                tracing::error!(%channel, error = %e, "command failed");
                let apology = reply(&inbound.origin, Notice::Apology.text(ctx.lang, &ctx.prefix));
                // If the message was handled meanwhile, nothing is queued twice.
                let ids = self.db().write(ctx.now, |tx| {
                    if let Some(key) = key
                        && !tx.first_time(channel, key)?
                    {
                        return Ok(Vec::new());
                    }
                    tx.enqueue(&[apology])
                })?;
                Handled::Queued(ids)
            }
        };
        if matches!(&handled, Handled::Queued(ids) if !ids.is_empty()) {
            for channel in Channel::ALL {
                self.wake(channel);
            }
        }
        Ok(handled)
    }

    /// Queues actions that answer no one (the scheduler's reminders and
    /// digests, an operator's `--send`) and wakes the pumps.
    pub fn write<T>(
        &self,
        now: Timestamp,
        f: impl FnOnce(&mut Tx<'_>) -> greffier_storage::Result<T>,
    ) -> greffier_storage::Result<T> {
        let value = self.db().write(now, f)?;
        for channel in Channel::ALL {
            self.wake(channel);
        }
        Ok(value)
    }

    /// Reads, in a read transaction.
    pub fn read<T>(
        &self,
        now: Timestamp,
        f: impl FnOnce(&mut Tx<'_>) -> greffier_storage::Result<T>,
    ) -> greffier_storage::Result<T> {
        self.db().read(now, f)
    }

    /// Whether the bot knows this sender (the Matrix adapter then needs no
    /// display name).
    pub fn knows(&self, now: Timestamp, sender: &Identity) -> greffier_storage::Result<bool> {
        self.db().knows(now, sender)
    }

    /// An adapter's stored position (a sync token, a UID).
    pub fn position(&self, name: &str) -> greffier_storage::Result<Option<String>> {
        self.db().cursor(name)
    }

    pub fn set_position(&self, name: &str, value: &str) -> greffier_storage::Result<()> {
        self.db().set_cursor(name, value, Timestamp::now())
    }

    /// The groups whose room is named by an alias (`[[groups.seed]]`):
    /// (group, slug, alias), for the Matrix adapter to resolve.
    pub fn rooms_by_alias(&self) -> greffier_storage::Result<Vec<(GroupId, String, String)>> {
        let groups = self.read(Timestamp::now(), |tx| Ok(tx.groups()?))?;
        Ok(groups
            .into_iter()
            .filter_map(|g| Some((g.id, g.slug, g.room.filter(|r| r.starts_with('#'))?)))
            .collect())
    }

    /// The group's room, now known by its id.
    pub fn set_group_room(&self, group: GroupId, room: &str) -> greffier_storage::Result<()> {
        self.db()
            .write(Timestamp::now(), |tx| Ok(tx.set_group_room(group, room)?))
    }

    /// 128 random bits made once per database and kept under `name`.
    pub fn kept_random(&self, name: &str) -> greffier_storage::Result<String> {
        self.db().kept_random(name, Timestamp::now())
    }
}

fn reply(origin: &Origin, text: String) -> Action {
    Action::Reply {
        origin: origin.clone(),
        text,
    }
}

/// What `inbound` produces, the reply first; `None` when it is not for the
/// bot (then nothing is recorded).
fn answer(
    tx: &mut Tx<'_>,
    ctx: &Context,
    inbound: &Inbound,
) -> greffier_storage::Result<Option<Vec<Action>>> {
    let say = |notice: Notice| vec![reply(&inbound.origin, notice.text(ctx.lang, &ctx.prefix))];
    let req = Request {
        origin: inbound.origin.clone(),
        sender: inbound.sender.clone(),
        display_name: inbound.display_name.clone(),
    };
    // A sender the channel cannot vouch for is obeyed only once known (a
    // linked mail address); others get one refusal an hour at most.
    let speaks = !matches!(inbound.input, Input::Nothing | Input::Notice(_));
    if speaks
        && !inbound.channel().takes_newcomers()
        && tx.person_by_identity(&inbound.sender)?.is_none()
    {
        let due = tx.refusal_due(&inbound.sender.value)?;
        tracing::info!(from = %inbound.sender.value, refusal_sent = due, "message from an unknown sender");
        let address = inbound.sender.value.clone();
        return Ok(Some(match due {
            true => say(Notice::UnknownSender { address }),
            false => Vec::new(),
        }));
    }
    Ok(match &inbound.input {
        Input::Nothing => Some(Vec::new()),
        Input::Notice(notice) => Some(say(notice.clone())),
        Input::Lines(lines) => {
            let steps: Vec<Step<'_>> = lines.iter().map(|l| Step::Line(l)).collect();
            run_steps(tx, ctx, &req, steps)?
        }
        Input::Command(command) => run_steps(tx, ctx, &req, vec![Step::Command(command)])?,
        Input::Message(message) => match answer::decide(tx, ctx, &inbound.sender, message)? {
            Decision::Run(command) => run_steps(tx, ctx, &req, vec![Step::Command(&command)])?,
            Decision::Say(notice) => Some(say(notice)),
            Decision::Silence => Some(Vec::new()),
        },
    })
}

/// One thing to run: a typed line, or a command already understood.
enum Step<'a> {
    Line(&'a str),
    Command(&'a Command),
}

/// Runs the steps of one inbound thing (same origin), each in its own
/// savepoint, and makes one reply for all of them, then what the kept
/// commands asked besides. `None`: none of them was a command.
fn run_steps(
    tx: &mut Tx<'_>,
    ctx: &Context,
    req: &Request,
    steps: Vec<Step<'_>>,
) -> greffier_storage::Result<Option<Vec<Action>>> {
    let several = steps.len() > 1;
    let mut replies = Vec::new();
    let mut besides = Vec::new();
    for step in steps {
        let (asked, done) = tx.savepoint(|tx| {
            let done: Option<Executed> = match step {
                Step::Line(line) => greffier_commands::execute(tx, ctx, req, line)?,
                Step::Command(c) => greffier_commands::run(tx, ctx, req, c.clone())?,
            };
            let keep = done.as_ref().is_some_and(|d| d.commit);
            let asked = match step {
                Step::Line(line) => line.trim(),
                Step::Command(_) => "",
            };
            Ok(((asked, done), keep))
        })?;
        let Some(done) = done else { continue };
        for action in done.actions {
            match action {
                Action::Reply { text, .. } => replies.push((asked, text)),
                other if done.commit => besides.push(other),
                _ => {}
            }
        }
    }
    if replies.is_empty() {
        return Ok(None);
    }
    let text = if several {
        replies
            .iter()
            .map(|(asked, reply)| format!("» {asked}\n{reply}"))
            .collect::<Vec<_>>()
            .join("\n\n")
    } else {
        replies.remove(0).1
    };
    let mut actions = vec![reply(&req.origin, text)];
    actions.extend(besides);
    Ok(Some(actions))
}
