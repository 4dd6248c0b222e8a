//! The do-nothing relay: the floor any bot can reach on a homeserver. It
//! answers every `!` text message with an `m.notice` in reply to it, the
//! way greffier answers, and does nothing else: no parsing, no storage.
//! bench/ measures greffier's round trip against it.
//!
//! It syncs the way greffier does (`sync_once` in a loop, 30 s long polls,
//! the same timeline limit) and sends each answer in a task of its own, so
//! that the two differ only by what greffier does with a command. (A first
//! version used matrix-sdk's `sync` with event handlers: its handlers saw
//! each message about 450 ms after it was sent, several times the
//! homeserver's one-hop echo; see docs/benchmarks.md.)
//!
//! `greffier-relay` reads GREFFIER_RELAY_HOMESERVER, GREFFIER_RELAY_USER and
//! GREFFIER_RELAY_PASSWORD; it joins the rooms it is invited to.

use std::time::Duration;

use matrix_sdk::Client;
use matrix_sdk::config::RequestConfig;
use matrix_sdk::ruma::OwnedEventId;
use matrix_sdk::ruma::events::relation::Reply;
use matrix_sdk::ruma::events::room::message::{Relation, RoomMessageEventContent};

// The benchmark's users sync with the same settings.
#[path = "../long_poll.rs"]
mod long_poll;

/// Milliseconds since the epoch, to compare with an event's timestamp.
fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let var = |k: &str| std::env::var(k).map_err(|_| anyhow::anyhow!("{k} is not set"));
    let client = Client::builder()
        .homeserver_url(var("GREFFIER_RELAY_HOMESERVER")?)
        .request_config(RequestConfig::new().timeout(Duration::from_secs(60)))
        .build()
        .await?;
    client
        .matrix_auth()
        .login_username(
            &var("GREFFIER_RELAY_USER")?,
            &var("GREFFIER_RELAY_PASSWORD")?,
        )
        .send()
        .await?;
    let mut since: Option<String> = None;
    loop {
        let settings = long_poll::settings(since.as_deref());
        let response = match client.sync_once(settings).await {
            Ok(r) => r,
            Err(e) => {
                eprintln!("relay: sync failed: {e}");
                tokio::time::sleep(Duration::from_millis(500)).await;
                continue;
            }
        };
        for room_id in response.rooms.invited.keys() {
            if let Some(room) = client.get_room(room_id) {
                let _ = room.join().await;
            }
        }
        // What was said before it started is not answered.
        if since.is_some() {
            for (room_id, update) in &response.rooms.joined {
                for event in &update.timeline.events {
                    let Ok(json) =
                        serde_json::from_str::<serde_json::Value>(event.raw().json().get())
                    else {
                        continue;
                    };
                    let is_command = json["type"] == "m.room.message"
                        && json["content"]["msgtype"] == "m.text"
                        && json["content"]["body"]
                            .as_str()
                            .is_some_and(|b| b.starts_with('!'));
                    let Some(id) = json["event_id"]
                        .as_str()
                        .and_then(|id| OwnedEventId::try_from(id).ok())
                    else {
                        continue;
                    };
                    let Some(room) = client.get_room(room_id) else {
                        continue;
                    };
                    if !is_command {
                        continue;
                    }
                    let sent_at = json["origin_server_ts"].as_u64().unwrap_or(0);
                    tokio::spawn(async move {
                        let seen = std::time::Instant::now();
                        let late = now_ms().saturating_sub(sent_at);
                        let mut reply = RoomMessageEventContent::notice_plain("ok");
                        reply.relates_to = Some(Relation::Reply(Reply::with_event_id(id.clone())));
                        match room.send(reply).await {
                            // What the bench reads to tell where the time goes.
                            Ok(_) => eprintln!(
                                "relay: answered {id} (sent {late} ms before) in {} ms",
                                seen.elapsed().as_millis()
                            ),
                            Err(e) => eprintln!("relay: cannot answer: {e}"),
                        }
                    });
                }
            }
        } else {
            eprintln!("relay ready");
        }
        since = Some(response.next_batch);
    }
}
