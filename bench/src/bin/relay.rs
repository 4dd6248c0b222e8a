//! The do-nothing relay: the floor any bot can reach on a homeserver. It
//! answers every `!` text message with an `m.notice` in reply to it, the
//! way greffier answers, and does nothing else: no parsing, no storage.
//! bench/ measures greffier's round trip against it.
//!
//! `greffier-relay` reads GREFFIER_RELAY_HOMESERVER, GREFFIER_RELAY_USER and
//! GREFFIER_RELAY_PASSWORD; it joins the rooms it is invited to.

use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::events::relation::Reply;
use matrix_sdk::ruma::events::room::member::StrippedRoomMemberEvent;
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, Relation, RoomMessageEventContent,
};
use matrix_sdk::{Client, Room};

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
    // What was said before it started is not answered.
    let first = client.sync_once(SyncSettings::default()).await?;
    client.add_event_handler(
        |event: StrippedRoomMemberEvent, room: Room, client: Client| async move {
            if client.user_id() == Some(event.state_key.as_ref()) {
                let _ = room.join().await;
            }
        },
    );
    client.add_event_handler(
        |event: OriginalSyncRoomMessageEvent, room: Room| async move {
            if let MessageType::Text(text) = &event.content.msgtype
                && text.body.starts_with('!')
            {
                let seen = std::time::Instant::now();
                let mut reply = RoomMessageEventContent::notice_plain("ok");
                reply.relates_to = Some(Relation::Reply(Reply::with_event_id(
                    event.event_id.clone(),
                )));
                match room.send(reply).await {
                    // What the bench reads to tell where the time goes.
                    Ok(_) => eprintln!(
                        "relay: answered {} (sent {} ms ago) in {} ms",
                        event.event_id,
                        now_ms().saturating_sub(event.origin_server_ts.0.into()),
                        seen.elapsed().as_millis()
                    ),
                    Err(e) => eprintln!("relay: cannot answer: {e}"),
                }
            }
        },
    );
    eprintln!("relay ready");
    client
        .sync(SyncSettings::default().token(first.next_batch))
        .await?;
    Ok(())
}
