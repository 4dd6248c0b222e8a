//! The sync loop: greffier's own `sync_once` calls from the position stored
//! in the database, which is written only after every event of the response
//! has been handed to the inbox; what a `limited` sync left out, and what
//! matrix-sdk took in before a crash, fetched with `/messages`; and what
//! each event becomes for the inbox.

use std::time::Duration;

use anyhow::Context as _;
use greffier_commands::Sondage;
use greffier_commands::store::{Identity, IdentityKind};
use greffier_commands::{Answer, Given, Rsvp, Withdraw};
use greffier_commands::{Command, Origin};
use greffier_commands::{Via, Voter};
use matrix_sdk::config::{SyncSettings, SyncToken};
use matrix_sdk::deserialized_responses::TimelineEvent;
use matrix_sdk::room::MessagesOptions;
use matrix_sdk::ruma::api::client::filter::{
    Filter as EventFilter, FilterDefinition, RoomEventFilter,
};
use matrix_sdk::ruma::api::client::sync::sync_events::v3::Filter;
use matrix_sdk::ruma::{OwnedRoomId, RoomId, TransactionId, UInt, UserId};
use matrix_sdk::sync::{SyncResponse, Timeline};

use super::Bot;
use super::inbound::{self, Event};
use crate::failpoint;
use crate::inbox::{Inbound, Input};

/// The stored sync position.
const SINCE: &str = "matrix.since";
/// Events per room and per sync; more are a gap, fetched.
const TIMELINE_LIMIT: u32 = 100;

impl Bot {
    /// The run's first sync, made without a position: matrix-sdk keeps the
    /// rooms' state in memory (session.rs), and the homeserver sends it
    /// whole, with the pending invites. What reads a room (joining the seed
    /// rooms, delivering the outbox) starts after it. Its timelines are not
    /// read (one event per room): what happened since greffier's stored
    /// position is fetched with /messages (`sync_forever`).
    ///
    /// Synapse answers a request it has answered in the last two minutes
    /// from its cache (`sync_response_cache_duration`): a restart within
    /// them would get the previous run's first sync, rooms since joined
    /// still shown as invites. So the first sync's filter leaves out a room
    /// that does not exist, named anew at each run.
    pub(super) async fn first_sync(&self) -> anyhow::Result<SyncResponse> {
        let mut filter = sync_filter(1);
        filter.room.not_rooms = vec![OwnedRoomId::try_from(format!(
            "!{}:greffier.invalid",
            TransactionId::new()
        ))?];
        self.sync_patiently(SyncToken::NoToken, Filter::FilterDefinition(filter))
            .await
    }

    /// One sync with `filter`, tried again while the homeserver is away (1,
    /// 2, 4 … 10 s between tries).
    async fn sync_patiently(
        &self,
        token: SyncToken,
        filter: Filter,
    ) -> anyhow::Result<SyncResponse> {
        let mut delay = Duration::from_secs(1);
        let mut away = false;
        loop {
            let settings = SyncSettings::default()
                .filter(filter.clone())
                .timeout(Duration::from_secs(30))
                .token(token.clone());
            match Box::pin(self.client.sync_once(settings)).await {
                Ok(response) => {
                    if away {
                        tracing::info!("Matrix homeserver reachable again");
                    }
                    return Ok(response);
                }
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
                }
            }
        }
    }

    /// Handles `first` (from [`Bot::first_sync`]), then syncs from each
    /// response's position for ever.
    pub(super) async fn sync_forever(&self, first: SyncResponse) -> anyhow::Result<()> {
        let mut since = self.inbox.position(SINCE)?;
        // After the first sync of a run, and after a failure to handle a
        // response, what happened since greffier's stored position is
        // fetched with /messages. (Before the rooms' state moved to memory,
        // matrix-sdk kept its own position and returned an empty response
        // when the homeserver's matched it, "the same sync response twice":
        // what it had taken in before a crash and greffier had not was lost
        // but for this.)
        let mut catch_up = since.is_some();
        let mut first = Some(first);
        loop {
            let first_of_run = first.is_some();
            let response = match first.take() {
                Some(response) => response,
                None => {
                    let token = since
                        .clone()
                        .map_or(SyncToken::NoToken, SyncToken::Specific);
                    let filter = Filter::FilterDefinition(sync_filter(TIMELINE_LIMIT));
                    self.sync_patiently(token, filter).await?
                }
            };
            for room_id in response.rooms.invited.keys() {
                self.answer_invite(room_id).await;
            }
            if since.is_none() {
                tracing::info!("first Matrix sync: earlier messages are not answered");
            } else {
                if !first_of_run
                    && response
                        .rooms
                        .joined
                        .values()
                        .any(|u| !u.timeline.events.is_empty())
                {
                    // matrix-sdk has taken the response in, greffier not yet.
                    failpoint::reached("matrix-before-handling");
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
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
                catch_up = false;
            }
            tracing::debug!(since = since.as_deref().unwrap_or(""), next = %response.next_batch, rooms = response.rooms.joined.len(), "sync handled");
            self.inbox.set_position(SINCE, &response.next_batch)?;
            since = Some(response.next_batch);
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
            if let Some(sender) = event.sender()
                && !self.obeys(sender)
            {
                self.refuse_foreign(room_id, &event)?;
                continue;
            }
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
                Event::PollResponse {
                    event_id,
                    sender,
                    start,
                    answers,
                } => self.handle_poll_response(room_id, event_id, sender, start, &answers)?,
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
        let sender = matrix_id(sender);
        // Only a new person's name needs the room's display name, a read of
        // matrix-sdk's store: skipped for the people the bot knows (see the
        // own cost in docs/benchmarks.md).
        let display_name = match self.inbox.knows(ctx.now, &sender)? {
            true => None,
            false => self.display_name(room_id, &sender.value).await,
        };
        let inbound = Inbound {
            origin: Origin::Matrix {
                room: room_id.to_string(),
                event: Some(event_id.clone()),
                direct: greffier_commands::shows_personal_data(&ctx.prefix, &body)
                    && self.is_direct(room_id).await,
            },
            key: Some(event_id.clone()),
            sender,
            display_name,
            authenticated: true,
            input: Input::Lines(vec![body]),
        };
        self.run(&ctx, &inbound)?;
        // The bot's own cost per command, which bench/ reads.
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        tracing::debug!(event = %event_id, micros, "command handled");
        Ok(())
    }

    /// ✅ or 👍 on a meeting's announcement answers present, ❌ excused:
    /// the RSVP command itself, confirmed in the room (an emoji on any
    /// other event changes nothing).
    fn handle_reaction(
        &self,
        room_id: &RoomId,
        event_id: String,
        sender: String,
        target: &str,
        key: &str,
    ) -> anyhow::Result<()> {
        let answer = match key.trim_end_matches('\u{fe0f}') {
            "✅" | "👍" | "✔" | "☑" => Answer::Present,
            "❌" | "✖" => Answer::Excused,
            _ => return Ok(()),
        };
        let inbound = Inbound {
            origin: origin(room_id, Some(&event_id)),
            key: Some(event_id),
            sender: matrix_id(sender),
            display_name: None,
            authenticated: true,
            input: Input::Command(Command::Rsvp(Rsvp {
                answer,
                meeting: None,
                reason: None,
                given: Given::Reaction {
                    to: target.to_string(),
                },
            })),
        };
        self.run(&self.app.context(), &inbound)?;
        Ok(())
    }

    /// A click on a native poll: a vote for the dates whose numbers it
    /// selects, or, empty,
    /// the withdrawal of the person's answer. A response to a poll that is
    /// not the bot's changes nothing and gets no reply.
    fn handle_poll_response(
        &self,
        room_id: &RoomId,
        event_id: String,
        sender: String,
        start: String,
        answers: &[String],
    ) -> anyhow::Result<()> {
        // An id that is no date's number reads 0, which the vote refuses.
        let mut choices: Vec<usize> = answers.iter().map(|a| a.parse().unwrap_or(0)).collect();
        choices.sort_unstable();
        choices.dedup();
        let inbound = Inbound {
            origin: origin(room_id, Some(&event_id)),
            key: Some(event_id),
            sender: matrix_id(sender),
            display_name: None,
            authenticated: true,
            input: Input::Command(Command::Sondage(Sondage::Voter(Voter {
                poll: None,
                choices: (!answers.is_empty()).then_some(choices),
                via: Via::PollResponse { start },
            }))),
        };
        self.run(&self.app.context(), &inbound)?;
        Ok(())
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
        let inbound = Inbound {
            // Nothing left to reply to: a notice in the room.
            origin: origin(room_id, None),
            key: Some(event_id.to_string()),
            sender: matrix_id(sender.to_string()),
            display_name: None,
            authenticated: true,
            input: Input::Command(Command::Withdraw(Withdraw {
                reaction: redacts.to_string(),
                redaction: event_id.to_string(),
            })),
        };
        self.run(&self.app.context(), &inbound)?;
        Ok(())
    }

    /// Whether commands from `sender` are obeyed: users of
    /// `matrix.allowed_servers` (the bot's own server when empty) only.
    fn obeys(&self, sender: &str) -> bool {
        UserId::parse(sender).is_ok_and(|u| {
            self.allowed
                .iter()
                .any(|s| s.as_str() == u.server_name().as_str())
        })
    }

    /// An event from a server the bot does not listen to: a command gets
    /// one notice per room and day (the inbox's once-only key is the room
    /// and the date), the rest nothing.
    fn refuse_foreign(&self, room_id: &RoomId, event: &Event) -> anyhow::Result<()> {
        let ctx = self.app.context();
        let Event::Message {
            event_id,
            sender,
            body,
        } = event
        else {
            tracing::debug!(room = %room_id, "event from a server not in matrix.allowed_servers ignored");
            return Ok(());
        };
        if !greffier_commands::is_command(&ctx.prefix, body) {
            return Ok(());
        }
        let server = sender.split_once(':').map_or("", |(_, s)| s).to_string();
        tracing::info!(room = %room_id, %sender, "command from a server not in matrix.allowed_servers refused");
        let day = ctx.now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let inbound = Inbound {
            origin: origin(room_id, Some(event_id)),
            key: Some(format!("foreign-server {room_id} {day}")),
            sender: matrix_id(sender.clone()),
            display_name: None,
            authenticated: true,
            input: Input::Notice(greffier_commands::Notice::ForeignServer { server }),
        };
        self.run(&ctx, &inbound)?;
        Ok(())
    }

    /// A room of two at most, the sender and the bot: what is answered
    /// there is private (absence reasons are shown). Counted from the
    /// room's joined members in matrix-sdk's store (the summary's count is
    /// only sent with lazy-loaded members, which greffier does not ask
    /// for); unknown counts as shared.
    async fn is_direct(&self, room_id: &RoomId) -> bool {
        let Some(room) = self.client.get_room(room_id) else {
            return false;
        };
        match room.joined_user_ids().await {
            Ok(members) => members.len() <= 2,
            Err(e) => {
                tracing::warn!(room = %room_id, error = %e, "cannot count the room's members: answered as shared");
                false
            }
        }
    }

    async fn display_name(&self, room_id: &RoomId, sender: &str) -> Option<String> {
        let room = self.client.get_room(room_id)?;
        let user = UserId::parse(sender).ok()?;
        let member = room.get_member_no_sync(&user).await.ok()??;
        member.display_name().map(str::to_string)
    }
}

pub(super) fn matrix_id(sender: String) -> Identity {
    Identity {
        kind: IdentityKind::Matrix,
        value: sender,
    }
}

/// Where an answer goes: the room (shared), in reply to `event` if any.
fn origin(room: &RoomId, event: Option<&str>) -> Origin {
    Origin::Matrix {
        room: room.to_string(),
        event: event.map(str::to_string),
        direct: false,
    }
}

/// What greffier asks of each sync: the rooms' timelines (at most
/// `timeline_limit` events per room) and state, and what end-to-end
/// encryption needs (to-device messages, device lists, key counts, which
/// no filter touches). Not the rest, which it never reads: typing
/// notifications and read receipts (`ephemeral`), account data (global
/// and per room) and presence. The homeserver then skips those queries,
/// and a person typing or reading in a room no longer wakes the bot's
/// long poll with a response for it to take in (docs/architecture.md).
pub fn sync_filter(timeline_limit: u32) -> FilterDefinition {
    let mut def = FilterDefinition::default();
    def.room.timeline.limit = Some(UInt::from(timeline_limit));
    def.room.ephemeral = RoomEventFilter::ignore_all();
    def.room.account_data = RoomEventFilter::ignore_all();
    def.account_data = EventFilter::ignore_all();
    def.presence = EventFilter::ignore_all();
    def
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The filter as the homeserver reads it: `"types": []` is how Synapse
    /// tells a part blocked whole (`filters_all_types`), and skips it.
    #[test]
    fn the_filter_asks_for_timelines_and_state_only() {
        let json = serde_json::to_value(sync_filter(100)).expect("serialisable");
        assert_eq!(json["room"]["timeline"]["limit"], 100);
        for blocked in [
            &json["room"]["ephemeral"],
            &json["room"]["account_data"],
            &json["account_data"],
            &json["presence"],
        ] {
            assert_eq!(blocked["types"], serde_json::json!([]), "{json}");
        }
        assert!(json["room"]["timeline"].get("types").is_none(), "{json}");
        assert!(json["room"].get("state").is_none(), "{json}");
        assert!(json["room"].get("rooms").is_none(), "{json}");
    }
}
