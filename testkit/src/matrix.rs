//! The real Synapse started by `scripts/servers start`: its address and
//! shared secret from `.local/servers.env`, fresh accounts (so that tests
//! and benchmarks running side by side never see each other's bots), and a
//! matrix-sdk client playing a user.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use matrix_sdk::Client;
use matrix_sdk::config::{SyncSettings, SyncToken};
use matrix_sdk::deserialized_responses::TimelineEventKind;
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoom;
use matrix_sdk::ruma::events::InitialStateEvent;
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId, RoomId};
use serde_json::Value;
use tokio::process::Command;

use crate::PATIENCE;

pub struct Servers {
    pub root: PathBuf,
    pub env: HashMap<String, String>,
}

impl Servers {
    pub fn get() -> &'static Servers {
        static SERVERS: OnceLock<Servers> = OnceLock::new();
        SERVERS.get_or_init(|| {
            // This crate lives in the repository's testkit/.
            let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
            let file = root.join(".local/servers.env");
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
                panic!(
                    "{}: {e}: the Matrix tests need the local servers: run `scripts/servers start` (scripts/test does it)",
                    file.display()
                )
            });
            let env = text
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
            Servers { root, env }
        })
    }

    pub fn var(&self, key: &str) -> &str {
        self.env
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing from .local/servers.env"))
    }

    pub fn url(&self) -> &str {
        self.var("MATRIX_URL")
    }

    /// `scripts/servers ARGS`, which must succeed.
    pub async fn script(&self, args: &[&str]) {
        let out = Command::new("bash")
            .arg(self.root.join("scripts/servers"))
            .args(args)
            .output()
            .await
            .expect("scripts/servers");
        assert!(
            out.status.success(),
            "scripts/servers {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A new account on the test homeserver: (user id, password).
pub async fn register(prefix: &str) -> (OwnedUserId, String) {
    register_as(prefix, false).await
}

/// The same, a server admin when `admin` (Synapse's admin API answers it).
pub async fn register_as(prefix: &str, admin: bool) -> (OwnedUserId, String) {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let s = Servers::get();
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("{prefix}{}x{n}", std::process::id());
    let password = format!("pw-{name}-secret");
    let out = Command::new(format!(
        "{}/bin/register_new_matrix_user",
        s.var("SYNAPSE_VENV")
    ))
    .args(["-k", s.var("SYNAPSE_REGISTRATION_SECRET")])
    .args(["-u", &name, "-p", &password])
    .arg(if admin { "--admin" } else { "--no-admin" })
    .arg(s.url())
    .output()
    .await
    .expect("register_new_matrix_user");
    assert!(
        out.status.success(),
        "registering {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = format!("@{name}:{}", s.var("MATRIX_SERVER_NAME"));
    (id.try_into().expect("user id"), password)
}

/// One event as a user's client saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub room: OwnedRoomId,
    pub json: Value,
    /// It arrived encrypted and was decrypted.
    pub encrypted: bool,
}

impl Seen {
    pub fn sender(&self) -> &str {
        self.json["sender"].as_str().unwrap_or_default()
    }
    pub fn msgtype(&self) -> &str {
        self.json["content"]["msgtype"].as_str().unwrap_or_default()
    }
    pub fn body(&self) -> &str {
        self.json["content"]["body"].as_str().unwrap_or_default()
    }
    /// A notice that answers nothing (the bot's greeting, a digest).
    pub fn is_post(&self) -> bool {
        self.msgtype() == "m.notice" && self.in_reply_to().is_none()
    }
    pub fn kind(&self) -> &str {
        self.json["type"].as_str().unwrap_or_default()
    }
    pub fn in_reply_to(&self) -> Option<&str> {
        self.json["content"]["m.relates_to"]["m.in_reply_to"]["event_id"].as_str()
    }
}

/// A person with a Matrix client (matrix-sdk, in-memory store).
pub struct User {
    pub id: OwnedUserId,
    pub client: Client,
    since: Option<String>,
    /// Every timeline event seen so far, in order.
    pub seen: Vec<Seen>,
}

impl User {
    pub async fn new() -> User {
        let (id, password) = register("user").await;
        let client = Box::pin(
            Client::builder()
                .homeserver_url(Servers::get().url())
                .build(),
        )
        .await
        .expect("client");
        client
            .matrix_auth()
            .login_username(&id, &password)
            .send()
            .await
            .expect("login");
        let mut user = User {
            id,
            client,
            since: None,
            seen: Vec::new(),
        };
        user.sync(Duration::ZERO).await.expect("first sync");
        user
    }

    /// One sync; what it brings is added to `seen`.
    pub async fn sync(&mut self, timeout: Duration) -> matrix_sdk::Result<()> {
        let token = self
            .since
            .clone()
            .map_or(SyncToken::NoToken, SyncToken::Specific);
        let settings = SyncSettings::default().timeout(timeout).token(token);
        let response = Box::pin(self.client.sync_once(settings)).await?;
        for (room, update) in response.rooms.joined {
            for event in update.timeline.events {
                let encrypted = matches!(event.kind, TimelineEventKind::Decrypted(_));
                let json = serde_json::from_str(event.raw().json().get()).expect("event JSON");
                self.seen.push(Seen {
                    room: room.clone(),
                    json,
                    encrypted,
                });
            }
        }
        self.since = Some(response.next_batch);
        Ok(())
    }

    /// Syncs until an event matches, or fails after `PATIENCE`.
    pub async fn wait_for(&mut self, what: &str, pred: impl Fn(&Seen) -> bool) -> Seen {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let mut checked = 0;
        loop {
            if let Some(found) = self.seen[checked..].iter().find(|s| pred(s)) {
                return found.clone();
            }
            checked = self.seen.len();
            assert!(
                tokio::time::Instant::now() < deadline,
                "waited {PATIENCE:?} for {what}; seen: {:#?}",
                self.seen
                    .iter()
                    .map(|s| (&s.room, s.sender(), s.body()))
                    .collect::<Vec<_>>()
            );
            if let Err(e) = self.sync(Duration::from_secs(2)).await {
                // The homeserver may be restarting.
                eprintln!("user sync failed: {e}");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }

    /// The bot's notice in reply to `event`.
    pub async fn reply_to(&mut self, bot: &OwnedUserId, event: &OwnedEventId) -> Seen {
        let (bot, event) = (bot.as_str().to_string(), event.as_str().to_string());
        self.wait_for(&format!("the reply to {event}"), |s| {
            s.sender() == bot && s.in_reply_to() == Some(event.as_str())
        })
        .await
    }

    /// Waits until the bot greets the room, which it does once joined.
    pub async fn welcome(&mut self, bot: &OwnedUserId, room: &RoomId) -> Seen {
        let bot = bot.as_str().to_string();
        self.wait_for("the bot's arrival", |s| {
            s.room == room && s.sender() == bot && s.is_post()
        })
        .await
    }

    pub async fn create_room(&self, encrypted: bool, invite: &[&OwnedUserId]) -> OwnedRoomId {
        self.create_room_with(encrypted, invite, |_| {}).await
    }

    /// A room made with a request `shape` adjusts (alias, room version…).
    pub async fn create_room_with(
        &self,
        encrypted: bool,
        invite: &[&OwnedUserId],
        shape: impl FnOnce(&mut CreateRoom),
    ) -> OwnedRoomId {
        let mut request = CreateRoom::new();
        shape(&mut request);
        request.invite = invite.iter().map(|u| (*u).clone()).collect();
        if encrypted {
            request.initial_state = vec![
                InitialStateEvent::with_empty_state_key(
                    RoomEncryptionEventContent::with_recommended_defaults(),
                )
                .to_raw_any(),
            ];
        }
        let room = self.client.create_room(request).await.expect("create room");
        room.room_id().to_owned()
    }

    pub async fn invite_bot(&self, room: &RoomId, bot: &OwnedUserId) {
        let room = self.client.get_room(room).expect("room");
        room.invite_user_by_id(bot).await.expect("invite");
    }

    async fn send(&self, room: &RoomId, content: RoomMessageEventContent) -> OwnedEventId {
        let room = self.client.get_room(room).expect("room");
        room.send(content).await.expect("send").response.event_id
    }

    /// An emoji on an event; returns the reaction's event id.
    pub async fn react(&self, room: &RoomId, target: &OwnedEventId, key: &str) -> OwnedEventId {
        use matrix_sdk::ruma::events::reaction::ReactionEventContent;
        use matrix_sdk::ruma::events::relation::Annotation;
        let room = self.client.get_room(room).expect("room");
        room.send(ReactionEventContent::new(Annotation::new(
            target.clone(),
            key.to_string(),
        )))
        .await
        .expect("react")
        .response
        .event_id
    }

    /// A click on a native poll, as Element sends it: an
    /// `org.matrix.msc3381.poll.response` selecting `answers` (their ids;
    /// none withdraws); returns its event id.
    pub async fn respond_to_poll(
        &self,
        room: &RoomId,
        start: &OwnedEventId,
        answers: &[&str],
    ) -> OwnedEventId {
        use matrix_sdk::ruma::events::poll::unstable_response::UnstablePollResponseEventContent;
        let room = self.client.get_room(room).expect("room");
        let answers = answers.iter().map(|a| a.to_string()).collect();
        room.send(UnstablePollResponseEventContent::new(
            answers,
            start.clone(),
        ))
        .await
        .expect("poll response")
        .response
        .event_id
    }

    /// Takes an event back (a reaction, say).
    pub async fn redact(&self, room: &RoomId, event: &OwnedEventId) {
        let room = self.client.get_room(room).expect("room");
        room.redact(event, None, None).await.expect("redact");
    }

    pub async fn say(&self, room: &RoomId, text: &str) -> OwnedEventId {
        self.send(room, RoomMessageEventContent::text_plain(text))
            .await
    }

    /// The room's whole timeline as the homeserver keeps it (`/messages`,
    /// page by page): unlike a sync, which gives only the latest events of
    /// a busy room, nothing is skipped.
    pub async fn history(&self, room: &RoomId) -> matrix_sdk::Result<Vec<Seen>> {
        use matrix_sdk::room::MessagesOptions;
        let handle = self.client.get_room(room).expect("room");
        let mut all = Vec::new();
        let mut from = None;
        loop {
            let mut options = MessagesOptions::backward();
            options.limit = 500u32.into();
            options.from = from;
            let page = handle.messages(options).await?;
            for event in &page.chunk {
                let json = serde_json::from_str(event.raw().json().get()).expect("event JSON");
                all.push(Seen {
                    room: room.to_owned(),
                    json,
                    encrypted: matches!(event.kind, TimelineEventKind::Decrypted(_)),
                });
            }
            match page.end {
                Some(end) if !page.chunk.is_empty() => from = Some(end),
                _ => break,
            }
        }
        all.reverse();
        Ok(all)
    }

    /// A message whose HTML (`formatted_body`) says something else than its
    /// plain body.
    pub async fn say_html(&self, room: &RoomId, plain: &str, html: &str) -> OwnedEventId {
        self.send(room, RoomMessageEventContent::text_html(plain, html))
            .await
    }

    pub async fn notice(&self, room: &RoomId, text: &str) -> OwnedEventId {
        self.send(room, RoomMessageEventContent::notice_plain(text))
            .await
    }

    /// The bot's membership in `room`, as the room's state says.
    pub async fn membership_of(&self, room: &RoomId, who: &OwnedUserId) -> Option<String> {
        let room = self.client.get_room(room)?;
        let member = room.get_member(who).await.ok()??;
        Some(member.membership().to_string())
    }
}
