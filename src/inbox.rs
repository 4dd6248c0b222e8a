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

use greffier_commands::store::{Groups as _, Identities as _};
use std::sync::{Mutex, MutexGuard};

use greffier_commands::answer::{self, Decision};
use greffier_commands::store::{GroupId, Identity};
use greffier_commands::{Action, Channel, Command, Context, Executed, Notice, Origin, Request};

use crate::route::{self, Confirmed, Route, Routes};
use greffier_storage::inbound::SenderLoad;
use greffier_storage::{Database, Tx};
use jiff::Timestamp;
use tokio::sync::Notify;

/// Something that arrived, as the adapter understood it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    /// Where it came from, and so where the answer goes (and through which
    /// channel: `origin.channel_name()`).
    pub origin: Origin,
    /// Its identity in the channel (event id, Message-ID): what is seen
    /// again (a sync replayed after a crash, a mail copied back) is handled
    /// once. `None`: no such identity (the console, a greeting).
    pub key: Option<String>,
    pub sender: Identity,
    /// The name the channel shows, used the first time the bot meets them.
    pub display_name: Option<String>,
    /// Whether the channel proved who the sender is: a Matrix ID by its
    /// homeserver, the console's `--as` by the operator, a mail by a DKIM
    /// signature aligned with its From (`mail::auth`). What an unproven
    /// mail asks to change waits for the sender's confirmation.
    pub authenticated: bool,
    pub input: Input,
}

/// What it says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Input {
    /// Lines typed by a person: one from a room or the console, up to
    /// twenty from a mail.
    Lines(Vec<String>),
    /// A command the channel already understood: an emoji on a meeting's
    /// announcement, a reaction taken back. Nothing is printed and parsed
    /// again. (Never held for a confirmation: only mail is.)
    #[serde(skip)]
    Command(Command),
    /// A mail with no command line: maybe an answer to an invitation
    /// (a calendar button, a sentence), decided by
    /// [`greffier_commands::answer::decide`].
    Message(answer::Message),
    /// Only a notice to the sender (the greeting in a room the bot joins).
    #[serde(skip)]
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

/// The database, shared by the adapters' tasks; the routes of the
/// channels (which one delivers what is queued, what each says of its
/// senders); and the outbox pumps' wake-ups.
pub struct Inbox {
    db: Mutex<Database>,
    routes: Routes,
    /// One per route, in the same order; the last for no channel.
    wakes: Vec<Notify>,
}

impl Inbox {
    /// `routes`: the channels' (`greffier::channels::routes()`).
    pub fn new(db: Database, routes: Routes) -> Inbox {
        Inbox {
            db: Mutex::new(db),
            routes,
            wakes: (0..=routes.len()).map(|_| Notify::new()).collect(),
        }
    }

    /// An inbox on a fresh database in memory (the adapters' tests).
    pub fn in_memory(routes: Routes) -> greffier_storage::Result<Inbox> {
        Ok(Inbox::new(Database::open_in_memory()?, routes))
    }

    /// The actions queued under `ids`, in order (those still kept).
    pub fn queued(&self, ids: &[i64]) -> greffier_storage::Result<Vec<Action>> {
        let db = self.db();
        let mut actions = Vec::new();
        for id in ids {
            actions.extend(db.outbox_item(*id)?.map(|i| i.action));
        }
        Ok(actions)
    }

    /// The channels' routes.
    pub fn routes(&self) -> Routes {
        self.routes
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

    /// Wakes every pump: what was queued may be for any channel (a
    /// command's reply, the invitations it sends, the room it tells).
    fn wake_all(&self) {
        for wake in &self.wakes {
            wake.notify_one();
        }
    }

    /// What `channel`'s outbox pump waits on.
    pub fn waker(&self, channel: Channel) -> &Notify {
        let i = self
            .routes
            .iter()
            .position(|r| r.channel == channel)
            .unwrap_or(self.routes.len());
        &self.wakes[i]
    }

    /// Handles `inbound` in one transaction (see the module's doc).
    pub fn run(&self, ctx: &Context, inbound: &Inbound) -> anyhow::Result<Handled> {
        let name = inbound.origin.channel_name();
        let route = route::named(self.routes, name)
            .ok_or_else(|| anyhow::anyhow!("no channel {name:?} in the table of channels"))?;
        let channel = route.channel;
        let routes = self.routes;
        let key = inbound.key.as_deref();
        let step = self.db().transaction(ctx.now, |tx| {
            if let Some(key) = key
                && !tx.first_time(channel, key)?
            {
                return Ok((Handled::Duplicate, false));
            }
            let actions = match answer(tx, ctx, route, inbound)? {
                Some(actions) => actions,
                // Nothing recorded: not for the bot.
                None => return Ok((Handled::Ignored, false)),
            };
            Ok((Handled::Queued(route::enqueue(tx, routes, &actions)?), true))
        });
        let handled = match step {
            Ok(handled) => handled,
            Err(e) => {
                tracing::error!(%channel, error = %e, "command failed");
                let apology = say(ctx, inbound, Notice::Apology);
                // If the message was handled meanwhile, nothing is queued twice.
                let ids = self.db().write(ctx.now, |tx| {
                    if let Some(key) = key
                        && !tx.first_time(channel, key)?
                    {
                        return Ok(Vec::new());
                    }
                    route::enqueue(tx, routes, &apology)
                })?;
                Handled::Queued(ids)
            }
        };
        if matches!(&handled, Handled::Queued(ids) if !ids.is_empty()) {
            self.wake_all();
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
        self.wake_all();
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

    /// Changes when another connection wrote to the database since this
    /// one last looked (the web pages' cache).
    pub fn data_version(&self) -> greffier_storage::Result<i64> {
        self.db().data_version()
    }

    /// The queue and the adapters' positions (`/healthz`).
    pub fn health(&self) -> greffier_storage::Result<greffier_storage::outbox::Health> {
        self.db().health()
    }

    /// The mail adapter has read the mailbox (new mail or not): when it
    /// last did is what `greffier status` shows.
    pub fn mailbox_checked(&self) -> greffier_storage::Result<()> {
        let now = Timestamp::now();
        self.db().set_cursor(
            greffier_storage::outbox::MAIL_CHECKED,
            &now.to_string(),
            now,
        )
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

/// A notice to the sender of `inbound`, as its only answer.
fn say(ctx: &Context, inbound: &Inbound, notice: Notice) -> Vec<Action> {
    vec![reply(&inbound.origin, notice.text(ctx.lang, &ctx.prefix))]
}

/// What `inbound` produces, the reply first; `None` when it is not for the
/// bot (then nothing is recorded).
fn answer(
    tx: &mut Tx<'_>,
    ctx: &Context,
    route: &Route,
    inbound: &Inbound,
) -> greffier_storage::Result<Option<Vec<Action>>> {
    let speaks = !matches!(inbound.input, Input::Nothing | Input::Notice(_));
    // A reply (not an automatic one) to a confirmation request, or one that
    // proves a declared address (the channel's way, before anything else).
    if speaks
        && let Some(confirmation) = route.confirmation
        && let Some(confirmed) = (confirmation.confirm)(tx, ctx, &inbound.origin, &inbound.sender)?
    {
        return Ok(Some(match confirmed {
            Confirmed::Say(notice) => say(ctx, inbound, notice),
            Confirmed::Run(held) => {
                let confirmed = Inbound {
                    authenticated: true,
                    input: serde_json::from_str(&held)?,
                    ..inbound.clone()
                };
                run_input(tx, ctx, route, &confirmed)?.unwrap_or_default()
            }
        }));
    }
    // Who speaks. An identity declared for someone (`!personne adresse`)
    // is verified where the channel vouches for its senders (a Matrix
    // account speaking); elsewhere it speaks unproven until its holder
    // proves it (changes held for a confirmation). A sender the channel
    // cannot vouch for is otherwise obeyed only once known (a linked mail
    // address); others get one refusal an hour at most.
    let mut unproven = false;
    if speaks && tx.person_by_identity(&inbound.sender)?.is_none() {
        let declared = tx.declared_person(&inbound.sender)?.is_some();
        if declared && route.takes_newcomers {
            tx.verify_declared(&inbound.sender)?;
            tracing::info!(from = %inbound.sender.value, "a declared identity is verified: it speaks");
        } else if declared {
            unproven = true;
        } else if !route.takes_newcomers {
            // A newcomer may say who they are (`!moi nom`): held until they
            // confirm it by replying, which proves the address.
            if let Input::Lines(lines) = &inbound.input
                && route.confirmation.is_some()
                && lines.iter().all(|l| {
                    matches!(greffier_commands::parse(&ctx.prefix, l), Ok(Some(c)) if c.introduces())
                })
            {
                let shown = lines.iter().map(|l| l.trim().to_string()).collect();
                return Ok(Some(hold(
                    tx,
                    ctx,
                    route,
                    inbound,
                    &inbound.input,
                    shown,
                    None,
                )?));
            }
            let due = tx.refusal_due(&inbound.sender.value)?;
            tracing::info!(from = %inbound.sender.value, refusal_sent = due, "message from an unknown sender");
            let address = inbound.sender.value.clone();
            return Ok(Some(match due {
                true => say(ctx, inbound, Notice::UnknownSender { address }),
                false => Vec::new(),
            }));
        }
    }
    let unproven_copy;
    let inbound = if unproven {
        unproven_copy = Inbound {
            authenticated: false,
            ..inbound.clone()
        };
        &unproven_copy
    } else {
        inbound
    };
    // A sender's command lines per hour, where the channel counts them;
    // one notice when the limit is hit, then silence.
    if let (Input::Lines(lines), Some(per_hour)) = (&inbound.input, route.commands_per_hour) {
        let (channel, sender) = (route.channel, inbound.sender.value.as_str());
        let load = tx.sender_load(channel, sender)?;
        if load.commands + lines.len() > per_hour {
            tracing::warn!(%channel, %sender, per_hour, "too many commands: ignored");
            if load.notices > 0 {
                return Ok(Some(Vec::new()));
            }
            tx.count_sender(
                channel,
                sender,
                SenderLoad {
                    commands: 0,
                    notices: 1,
                },
            )?;
            return Ok(Some(say(
                ctx,
                inbound,
                Notice::TooManyCommands { per_hour },
            )));
        }
        let commands = lines.len();
        tx.count_sender(
            channel,
            sender,
            SenderLoad {
                commands,
                notices: 0,
            },
        )?;
    }
    run_input(tx, ctx, route, inbound)
}

/// Runs what `inbound` says; what changes state waits for a confirmation
/// when the sender is not proven.
fn run_input(
    tx: &mut Tx<'_>,
    ctx: &Context,
    route: &Route,
    inbound: &Inbound,
) -> greffier_storage::Result<Option<Vec<Action>>> {
    let req = Request {
        origin: inbound.origin.clone(),
        sender: inbound.sender.clone(),
        display_name: inbound.display_name.clone(),
    };
    Ok(match &inbound.input {
        Input::Nothing => Some(Vec::new()),
        Input::Notice(notice) => Some(say(ctx, inbound, notice.clone())),
        Input::Lines(lines) if !inbound.authenticated => {
            // Reading commands (and malformed lines) are answered now.
            let (later, now): (Vec<&String>, Vec<&String>) = lines.iter().partition(|l| {
                matches!(greffier_commands::parse(&ctx.prefix, l), Ok(Some(c)) if c.changes_state())
            });
            let steps: Vec<Step<'_>> = now.iter().map(|l| Step::Line(l)).collect();
            let ran = run_steps(tx, ctx, &req, steps)?;
            if later.is_empty() {
                return Ok(ran);
            }
            let shown: Vec<String> = later.iter().map(|l| l.trim().to_string()).collect();
            let held = Input::Lines(later.into_iter().cloned().collect());
            Some(hold(tx, ctx, route, inbound, &held, shown, ran)?)
        }
        Input::Lines(lines) => {
            let steps: Vec<Step<'_>> = lines.iter().map(|l| Step::Line(l)).collect();
            run_steps(tx, ctx, &req, steps)?
        }
        Input::Command(command) => run_steps(tx, ctx, &req, vec![Step::Command(command)])?,
        Input::Message(message) => match answer::decide(tx, ctx, &inbound.sender, message)? {
            Decision::Run { command, quoted } if inbound.authenticated || quoted => {
                run_steps(tx, ctx, &req, vec![Step::Command(&command)])?
            }
            Decision::Run { command, .. } => {
                let shown = command.summary(ctx.lang).into_iter().collect();
                Some(hold(tx, ctx, route, inbound, &inbound.input, shown, None)?)
            }
            Decision::Say(notice) => Some(say(ctx, inbound, notice)),
            Decision::Silence => Some(Vec::new()),
        },
    })
}

/// Keeps `held` until its unproven sender confirms it, the channel's way;
/// a channel without one refuses the changes (what `ran` answered stays).
fn hold(
    tx: &mut Tx<'_>,
    ctx: &Context,
    route: &Route,
    inbound: &Inbound,
    held: &Input,
    shown: Vec<String>,
    ran: Option<Vec<Action>>,
) -> greffier_storage::Result<Vec<Action>> {
    let Some(confirmation) = route.confirmation else {
        tracing::warn!(channel = %route.channel, from = %inbound.sender.value, "unproven sender: changes refused");
        return Ok(ran.unwrap_or_default());
    };
    Ok((confirmation.hold)(
        tx,
        ctx,
        &inbound.origin,
        &inbound.sender,
        serde_json::to_string(held)?,
        shown,
        ran,
    )?)
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
    let mut ran = false;
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
        ran = true;
        replies.extend(done.reply.map(|text| (asked, text)));
        if done.commit {
            besides.extend(done.effects);
        }
    }
    if !ran {
        return Ok(None);
    }
    if replies.is_empty() {
        // Run, and nothing to say (a click on a native poll).
        return Ok(Some(besides));
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
