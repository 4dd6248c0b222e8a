//! The Matrix adapter: the bot in the rooms.
//!
//! - [`session`]: log in once, keep the session and the end-to-end keys in
//!   the SQLite store under `matrix.store`.
//! - The sync loop (here): its own `/sync` calls from the position stored in
//!   the database (`matrix.since`), which is written only after every event
//!   the response holds has been handled and its reply queued. The first
//!   sync of a fresh database, and a room's history before the bot joined,
//!   are not answered. Invites are accepted only from `allowed_servers`.
//! - [`inbound`]: which events are commands, and their text.
//! - [`outbound`]: the outbox's "matrix" items, sent as `m.notice` with a
//!   transaction id made from the outbox id.
//!
//! A homeserver that goes away is waited for with backoff; the adapter never
//! returns on a network error.

mod inbound;
mod outbound;
mod session;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use greffier_commands::store::{Identity, IdentityKind, MeetingId};
use greffier_commands::{Action, Origin, Request};
use jiff::Timestamp;
use matrix_sdk::config::{RequestConfig, SyncSettings, SyncToken};
use matrix_sdk::deserialized_responses::TimelineEvent;
use matrix_sdk::room::MessagesOptions;
use matrix_sdk::ruma::api::client::filter::{FilterDefinition, RoomEventFilter};
use matrix_sdk::ruma::api::client::sync::sync_events::v3::Filter;
use matrix_sdk::ruma::{OwnedRoomId, RoomAliasId, RoomId, UInt, UserId};
use matrix_sdk::sync::Timeline;
use matrix_sdk::{Client, RoomState};
use tokio::sync::Notify;

use crate::App;
use crate::dispatch::{self, Handled};
use crate::outbox;
use crate::run::{SharedDb, lock};
use inbound::Event;
use session::Credentials;

/// The stored sync position.
const SINCE: &str = "matrix.since";
/// A random id per database, part of every transaction id.
const INSTANCE: &str = "matrix.instance";
/// Events per room and per sync; more are a gap, logged.
const TIMELINE_LIMIT: u32 = 100;

pub async fn serve(app: Arc<App>, db: SharedDb) -> anyhow::Result<()> {
    let cfg = app
        .loaded
        .config
        .matrix
        .as_ref()
        .context("no [matrix] section")?;
    let loaded = &app.loaded;
    let credentials = match loaded.secret(
        "matrix.password",
        &cfg.password,
        &cfg.password_env,
        &cfg.password_file,
    )? {
        Some(p) => Credentials::Password(p),
        None => Credentials::AccessToken(
            loaded
                .secret(
                    "matrix.access_token",
                    &cfg.access_token,
                    &cfg.access_token_env,
                    &cfg.access_token_file,
                )?
                .context("[matrix] needs a password or an access_token")?,
        ),
    };
    let store = loaded.resolve(&cfg.store);
    let client = session::connect(&cfg.homeserver, &cfg.user, &store, &credentials).await?;
    let own = client
        .user_id()
        .context("no user id after login")?
        .to_owned();
    let allowed = if cfg.allowed_servers.is_empty() {
        vec![own.server_name().to_string()]
    } else {
        cfg.allowed_servers.clone()
    };
    let instance = lock(&db).cursor_or_init(INSTANCE, Timestamp::now(), instance_id)?;
    let bot = Bot {
        app,
        db,
        client,
        own,
        allowed,
        wake: Arc::new(Notify::new()),
    };
    bot.resolve_seed_rooms().await;
    let (client, db) = (bot.client.clone(), bot.db.clone());
    tokio::spawn(outbox::pump(
        bot.db.clone(),
        "matrix",
        bot.wake.clone(),
        move |item| {
            let (client, instance, db) = (client.clone(), instance.clone(), db.clone());
            async move {
                let (room, event) = outbound::deliver(&client, &item, &instance).await?;
                // A meeting's announcement: its reactions will answer.
                if let Action::PostToRoom {
                    meeting: Some(meeting),
                    html: None,
                    ..
                } = item.action
                {
                    let stored = lock(&db).write(Timestamp::now(), |tx| {
                        tx.record_announcement(event.as_str(), room.as_str(), MeetingId(meeting))
                    });
                    if let Err(e) = stored {
                        tracing::error!(error = %e, "cannot record the announcement");
                    }
                }
                Ok(())
            }
        },
    ));
    bot.sync_forever().await
}

/// A homeserver's answer that will not change on retry: a 4xx other than
/// 429 (rate limited). No answer at all (a network error) is transient.
fn is_permanent(status: Option<u16>) -> bool {
    matches!(status, Some(400..=499) if status != Some(429))
}

/// A random id for this database, part of transaction and Message-IDs.
pub(crate) fn instance_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{:x}{:x}", nanos, std::process::id())
}

struct Bot {
    app: Arc<App>,
    db: SharedDb,
    client: Client,
    own: matrix_sdk::ruma::OwnedUserId,
    allowed: Vec<String>,
    wake: Arc<Notify>,
}

impl Bot {
    async fn sync_forever(&self) -> anyhow::Result<()> {
        let mut since = lock(&self.db).cursor(SINCE)?;
        // matrix-sdk keeps its own position and returns an empty response
        // when the homeserver's matches it ("the same sync response
        // twice"): after a crash, or a failure to handle a response, what
        // it had processed and greffier had not is fetched with /messages.
        let mut catch_up = since.is_some();
        let mut delay = Duration::from_secs(1);
        let mut away = false;
        for room in self.client.invited_rooms() {
            self.answer_invite(room.room_id()).await;
        }
        loop {
            let token = since
                .clone()
                .map_or(SyncToken::NoToken, SyncToken::Specific);
            let settings = SyncSettings::default()
                .filter(filter())
                .timeout(Duration::from_secs(30))
                .token(token);
            let response = match Box::pin(self.client.sync_once(settings)).await {
                Ok(r) => r,
                Err(e) => {
                    if matches!(
                        e.client_api_error_kind(),
                        Some(matrix_sdk::ruma::api::error::ErrorKind::UnknownToken(_))
                    ) {
                        anyhow::bail!(
                            "the homeserver no longer accepts the bot's session ({e}): restart greffier to log in again"
                        );
                    }
                    tracing::warn!(error = %e, retry_in = ?delay, "Matrix sync failed");
                    away = true;
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(10));
                    continue;
                }
            };
            if away {
                tracing::info!("Matrix homeserver reachable again");
                away = false;
            }
            delay = Duration::from_secs(1);
            for room_id in response.rooms.invited.keys() {
                self.answer_invite(room_id).await;
            }
            if since.is_none() {
                tracing::info!("first Matrix sync: earlier messages are not answered");
            } else {
                if response
                    .rooms
                    .joined
                    .values()
                    .any(|u| !u.timeline.events.is_empty())
                {
                    // matrix-sdk has taken the response in, greffier not yet.
                    crate::failpoint("matrix-before-handling");
                }
                // A catch-up covers every joined room up to this response's
                // position, so the response's own timelines add nothing.
                let handled = match since.as_deref() {
                    Some(since) if catch_up => self.catch_up(since, &response.next_batch).await,
                    _ => {
                        self.handle_joined(&response.rooms.joined, since.as_deref())
                            .await
                    }
                };
                if let Err(e) = handled {
                    // The position is not stored: these events come again,
                    // and those already handled are recognised.
                    tracing::error!(error = %e, "cannot handle Matrix events; retrying");
                    catch_up = true;
                    tokio::time::sleep(delay).await;
                    continue;
                }
                catch_up = false;
            }
            tracing::debug!(since = since.as_deref().unwrap_or(""), next = %response.next_batch, rooms = response.rooms.joined.len(), "sync handled");
            lock(&self.db).set_cursor(SINCE, &response.next_batch, Timestamp::now())?;
            since = Some(response.next_batch);
            self.wake.notify_one();
        }
    }

    /// Each joined room's timeline of one sync response.
    async fn handle_joined(
        &self,
        joined: &std::collections::BTreeMap<OwnedRoomId, matrix_sdk::sync::JoinedRoomUpdate>,
        since: Option<&str>,
    ) -> anyhow::Result<()> {
        for (room_id, update) in joined {
            self.handle_timeline(room_id, &update.timeline, since)
                .await?;
        }
        Ok(())
    }

    /// The events of one room in one sync, and those a `limited` sync left
    /// out since `since` (fetched with `/messages`), in order.
    async fn handle_timeline(
        &self,
        room_id: &RoomId,
        timeline: &Timeline,
        since: Option<&str>,
    ) -> anyhow::Result<()> {
        let gap = match (timeline.limited, &timeline.prev_batch, since) {
            (true, Some(start), Some(since)) => self.gap(room_id, start, since).await?,
            _ => Vec::new(),
        };
        if !gap.is_empty() {
            tracing::info!(room = %room_id, events = gap.len(), "more events than one sync holds: the older ones were fetched");
        }
        self.handle_events(room_id, gap.iter().chain(&timeline.events))
            .await
    }

    /// Events of one room, oldest first: the commands, reactions and
    /// redactions among them are handled (each once: those seen before
    /// are recognised).
    async fn handle_events<'a>(
        &self,
        room_id: &RoomId,
        timeline: impl Iterator<Item = &'a TimelineEvent>,
    ) -> anyhow::Result<()> {
        // What the bot acts on, in order; its own arrival makes what came
        // before history.
        let mut events = Vec::new();
        for event in timeline {
            let json: serde_json::Value = match serde_json::from_str(event.raw().json().get()) {
                Ok(v) => v,
                Err(e) => {
                    tracing::warn!(room = %room_id, error = %e, "unreadable event skipped");
                    continue;
                }
            };
            match inbound::classify(&json, self.own.as_str()) {
                Event::OwnJoin => events.clear(),
                Event::Undecryptable { event_id } => {
                    tracing::warn!(room = %room_id, event = %event_id, "cannot decrypt an event: no key for it");
                }
                Event::Other => {}
                event => events.push(event),
            }
        }
        for event in events {
            match event {
                Event::Message {
                    event_id,
                    sender,
                    body,
                } => {
                    tracing::debug!(room = %room_id, event = %event_id, "message");
                    self.handle_message(room_id, event_id, sender, body).await?
                }
                Event::Reaction {
                    event_id,
                    sender,
                    target,
                    key,
                } => self.handle_reaction(room_id, event_id, sender, &target, &key)?,
                Event::Redaction {
                    event_id,
                    sender,
                    redacts,
                } => self.handle_redaction(room_id, &event_id, &sender, &redacts)?,
                _ => {}
            }
        }
        Ok(())
    }

    /// Every joined room's events between `since` and `next`, handled:
    /// what matrix-sdk may have taken in before a crash (see
    /// `sync_forever`). Events already handled are recognised.
    async fn catch_up(&self, since: &str, next: &str) -> anyhow::Result<()> {
        for room in self.client.joined_rooms() {
            let events = self.gap(room.room_id(), next, since).await?;
            if !events.is_empty() {
                tracing::info!(room = %room.room_id(), events = events.len(), "events since the last handled position fetched again");
            }
            self.handle_events(room.room_id(), events.iter()).await?;
        }
        Ok(())
    }

    /// What a `limited` sync left out: `/messages` backward from the start
    /// of its timeline down to the previous sync position, oldest first.
    /// An error makes the whole sync come again (its position is not
    /// stored).
    async fn gap(
        &self,
        room_id: &RoomId,
        start: &str,
        since: &str,
    ) -> anyhow::Result<Vec<TimelineEvent>> {
        const AT_MOST: usize = 20_000;
        let room = self
            .client
            .get_room(room_id)
            .with_context(|| format!("{room_id}: not a known room"))?;
        let mut events = Vec::new();
        let mut from = start.to_string();
        loop {
            let mut options = MessagesOptions::backward();
            options.from = Some(from.clone());
            options.to = Some(since.to_string());
            options.limit = UInt::from(100u32);
            let page = room.messages(options).await?;
            let got = page.chunk.len();
            events.extend(page.chunk);
            match page.end {
                Some(end) if got > 0 && events.len() < AT_MOST => from = end,
                _ => break,
            }
        }
        if events.len() >= AT_MOST {
            tracing::warn!(room = %room_id, "over {AT_MOST} events missed: the older ones are not answered");
        }
        events.reverse();
        Ok(events)
    }

    async fn handle_message(
        &self,
        room_id: &RoomId,
        event_id: String,
        sender: String,
        body: String,
    ) -> anyhow::Result<()> {
        let started = std::time::Instant::now();
        let ctx = self.app.context();
        if !greffier_commands::is_command(&ctx.prefix, &body) {
            return Ok(());
        }
        let mut req = request(room_id, &event_id, sender, body);
        // Only a new person's name needs the room's display name, a read of
        // matrix-sdk's store: skipped for the people the bot knows (see the
        // own cost in docs/benchmarks.md).
        let known = lock(&self.db).knows(ctx.now, &req.sender)?;
        if !known {
            req.display_name = self.display_name(room_id, &req.sender.value).await;
        }
        self.run(&ctx, &req, &event_id)?;
        // The bot's own cost per command, which bench/ reads.
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        tracing::debug!(event = %event_id, micros, "command handled");
        Ok(())
    }

    fn run(
        &self,
        ctx: &greffier_commands::Context,
        req: &Request,
        key: &str,
    ) -> anyhow::Result<()> {
        let handled = {
            let mut db = lock(&self.db);
            dispatch::handle(&mut db, ctx, req, Some(("matrix", key)))?
        };
        if let Handled::Queued(_) = handled {
            self.wake.notify_one();
        }
        Ok(())
    }

    /// ✅ or 👍 on a meeting's announcement answers present, ❌ excused:
    /// the reaction runs as the command it means, confirmed in the room.
    fn handle_reaction(
        &self,
        room_id: &RoomId,
        event_id: String,
        sender: String,
        target: &str,
        key: &str,
    ) -> anyhow::Result<()> {
        let command = match key.trim_end_matches('\u{fe0f}') {
            "✅" | "👍" | "✔" | "☑" => "present",
            "❌" | "✖" => "excuse",
            _ => return Ok(()),
        };
        let ctx = self.app.context();
        let Some(meeting) = lock(&self.db).write(ctx.now, |tx| tx.announced_meeting(target))?
        else {
            return Ok(());
        };
        let text = format!("{}{command} {}", ctx.prefix, meeting.0);
        let mut req = request(room_id, &event_id, sender, text);
        req.via = Some("reaction");
        self.run(&ctx, &req, &event_id)
    }

    /// A reaction taken back withdraws the answer it gave, if it is still
    /// the person's answer (history kept: a "no answer" row is added).
    fn handle_redaction(
        &self,
        room_id: &RoomId,
        event_id: &str,
        sender: &str,
        redacts: &str,
    ) -> anyhow::Result<()> {
        let ctx = self.app.context();
        let sender = Identity {
            kind: IdentityKind::Matrix,
            value: sender.to_string(),
        };
        let queued = lock(&self.db).write(ctx.now, |tx| {
            use greffier_commands::Store;
            use greffier_commands::meeting::{MeetingStore, NewRsvp, RsvpStatus};
            if !tx.first_time("matrix", event_id)? {
                return Ok(false);
            }
            let Some((meeting, person)) = tx.current_rsvp_from(redacts)? else {
                return Ok(false);
            };
            if tx.person_by_identity(&sender)?.map(|p| p.id) != Some(person) {
                return Ok(false);
            }
            tx.record_rsvp(&NewRsvp {
                meeting,
                person,
                status: RsvpStatus::NoAnswer,
                reason: None,
                channel: "reaction",
                recorded_by: Some(person),
                source: Some(event_id),
            })?;
            let name = tx.person(person)?.name;
            tx.enqueue(&[Action::PostToRoom {
                room: room_id.to_string(),
                meeting: None,
                html: None,
                text: greffier_commands::tr!(
                    ctx.lang,
                    "C'est noté, {} : votre réponse à la réunion n°{} est retirée.",
                    "Noted, {}: your answer to meeting #{} is withdrawn.",
                    name,
                    meeting.0
                ),
            }])?;
            Ok(true)
        })?;
        if queued {
            self.wake.notify_one();
        }
        Ok(())
    }

    async fn display_name(&self, room_id: &RoomId, sender: &str) -> Option<String> {
        let room = self.client.get_room(room_id)?;
        let user = UserId::parse(sender).ok()?;
        let member = room.get_member_no_sync(&user).await.ok()??;
        member.display_name().map(str::to_string)
    }

    /// Joins when the inviter is on an allowed server, declines otherwise.
    async fn answer_invite(&self, room_id: &RoomId) {
        let Some(room) = self.client.get_room(room_id) else {
            return;
        };
        if room.state() != RoomState::Invited {
            return;
        }
        let inviter = match room.invite_details().await {
            Ok(details) => details.inviter_id,
            Err(e) => {
                tracing::warn!(room = %room_id, error = %e, "invite without an inviter: ignored");
                return;
            }
        };
        if !self
            .allowed
            .iter()
            .any(|s| s.as_str() == inviter.server_name().as_str())
        {
            tracing::info!(room = %room_id, %inviter, "invite declined: server not in matrix.allowed_servers");
            if let Err(e) = room.leave().await {
                tracing::warn!(room = %room_id, error = %e, "cannot decline the invite");
            }
            return;
        }
        for attempt in 1..=3 {
            match room.join().await {
                Ok(()) => {
                    tracing::info!(room = %room_id, %inviter, "joined on invite");
                    self.queue_welcome(room_id);
                    return;
                }
                Err(e) => {
                    tracing::warn!(room = %room_id, error = %e, attempt, "cannot join");
                    tokio::time::sleep(Duration::from_secs(attempt)).await;
                }
            }
        }
    }

    fn queue_welcome(&self, room_id: &RoomId) {
        let ctx = self.app.context();
        let post = Action::PostToRoom {
            room: room_id.to_string(),
            text: greffier_commands::welcome(ctx.lang, &ctx.prefix),
            meeting: None,
            html: None,
        };
        if let Err(e) = lock(&self.db).write(ctx.now, |tx| tx.enqueue(&[post])) {
            tracing::error!(error = %e, "cannot queue the welcome message");
        }
        self.wake.notify_one();
    }

    /// Seed groups may name their room by alias: it is resolved to the
    /// room id (stored in its place, so that commands typed there find the
    /// group), and the bot joins the room if it is not in it yet (it must
    /// be public or the bot invited).
    async fn resolve_seed_rooms(&self) {
        let groups = match lock(&self.db).write(Timestamp::now(), |tx| {
            use greffier_commands::Store;
            Ok(tx.groups()?)
        }) {
            Ok(groups) => groups,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the groups");
                return;
            }
        };
        for g in groups {
            let Some(room) = g.room.filter(|r| r.starts_with('#')) else {
                continue;
            };
            match self.join_seed_room(&room).await {
                Ok(id) => {
                    let stored = lock(&self.db).write(Timestamp::now(), |tx| {
                        use greffier_commands::Store;
                        Ok(tx.set_group_room(g.id, id.as_str())?)
                    });
                    match stored {
                        Ok(()) => {
                            tracing::info!(group = %g.slug, %room, room_id = %id, "group room found")
                        }
                        Err(e) => {
                            tracing::error!(group = %g.slug, error = %e, "cannot store the room id")
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(group = %g.slug, %room, error = %e, "cannot join the group's room; will try again at the next start")
                }
            }
        }
    }

    async fn join_seed_room(&self, alias: &str) -> anyhow::Result<OwnedRoomId> {
        let alias = <&RoomAliasId>::try_from(alias)?;
        let id = self.client.resolve_room_alias(alias).await?.room_id;
        let joined = self
            .client
            .get_room(&id)
            .is_some_and(|r| r.state() == RoomState::Joined);
        if !joined {
            self.client.join_room_by_id(&id).await?;
            tracing::info!(room = %id, %alias, "joined a group's room");
            self.queue_welcome(&id);
        }
        Ok(id)
    }
}

/// What `sender` said in `room` (event `event`), as a request.
fn request(room: &RoomId, event: &str, sender: String, text: String) -> Request {
    Request {
        origin: Origin::Matrix {
            room: room.to_string(),
            event: event.to_string(),
        },
        sender: Identity {
            kind: IdentityKind::Matrix,
            value: sender,
        },
        display_name: None,
        text,
        via: None,
    }
}

fn filter() -> Filter {
    let mut timeline = RoomEventFilter::default();
    timeline.limit = Some(UInt::from(TIMELINE_LIMIT));
    let mut def = FilterDefinition::default();
    def.room.timeline = timeline;
    Filter::FilterDefinition(def)
}

/// Requests are not retried by matrix-sdk: the loops above retry, log the
/// outage and decide the backoff. The long poll needs more than its 30 s.
pub fn request_config() -> RequestConfig {
    RequestConfig::new()
        .disable_retry()
        .timeout(Duration::from_secs(60))
}
