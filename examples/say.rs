//! Say something to the bot in a Matrix room and print its answer, as a
//! demo user would with a Matrix client:
//!
//!     cargo run --example say -- '!groupe liste'
//!     cargo run --example say -- --as bob --room '#demo:example.test' '!aide'
//!
//! It reads `.local/servers.env` (written by `scripts/servers start`), logs
//! in as the demo user (alice by default), creates the room if needed and
//! invites @greffier, sends the text and waits up to 30 s for the reply.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{Context as _, bail};
use matrix_sdk::Client;
use matrix_sdk::config::{SyncSettings, SyncToken};
use matrix_sdk::ruma::api::client::room::create_room::v3::{Request as CreateRoom, RoomPreset};
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use matrix_sdk::ruma::{OwnedRoomAliasId, OwnedUserId};

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut who, mut room, mut text) = ("alice".to_string(), None, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--as" => who = args.next().context("--as needs a user")?,
            "--room" => room = Some(args.next().context("--room needs an alias")?),
            _ => text = Some(a),
        }
    }
    let text = text.context("usage: say [--as alice|bob|carol] [--room #alias] TEXT")?;
    let env: HashMap<String, String> = std::fs::read_to_string(".local/servers.env")
        .context(".local/servers.env: run scripts/servers start (or scripts/run) first")?
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let server = env
        .get("MATRIX_SERVER_NAME")
        .context("MATRIX_SERVER_NAME")?;
    let password = env
        .get(&format!("{}_PASSWORD", who.to_uppercase()))
        .with_context(|| format!("no password for {who} in .local/servers.env"))?;
    let bot: OwnedUserId = format!("@greffier:{server}").try_into()?;
    let alias: OwnedRoomAliasId = room
        .unwrap_or_else(|| format!("#demo:{server}"))
        .try_into()?;

    let client = Box::pin(
        Client::builder()
            .homeserver_url(env.get("MATRIX_URL").context("MATRIX_URL")?)
            .build(),
    )
    .await?;
    client
        .matrix_auth()
        .login_username(&who, password)
        .initial_device_display_name("greffier say")
        .send()
        .await?;
    let mut since = Box::pin(client.sync_once(SyncSettings::default()))
        .await?
        .next_batch;

    let room_id = match client.resolve_room_alias(&alias).await {
        Ok(found) => {
            client.join_room_by_id(&found.room_id).await?;
            found.room_id
        }
        Err(_) => {
            let mut request = CreateRoom::new();
            request.room_alias_name = Some(alias.alias().to_string());
            request.name = Some("Démo greffier".into());
            // Public, so that the other demo users can join it too.
            request.preset = Some(RoomPreset::PublicChat);
            client.create_room(request).await?.room_id().to_owned()
        }
    };
    let room = client.get_room(&room_id).context("room")?;
    let membership = |m: Option<matrix_sdk::room::RoomMember>| m.map(|m| m.membership().clone());
    if membership(room.get_member(&bot).await?) != Some(MembershipState::Join) {
        if membership(room.get_member(&bot).await?) != Some(MembershipState::Invite) {
            room.invite_user_by_id(&bot).await?;
            println!("(invited {bot} to {alias})");
        }
        // What is said before the bot is in the room is history to it.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let settings = SyncSettings::default()
                .timeout(Duration::from_secs(2))
                .token(SyncToken::Specific(since.clone()));
            since = Box::pin(client.sync_once(settings)).await?.next_batch;
            if membership(room.get_member(&bot).await?) == Some(MembershipState::Join) {
                break;
            }
            if tokio::time::Instant::now() > deadline {
                bail!("{bot} did not join {alias} within 30 s: is the bot running (scripts/run)?");
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
    let sent = room
        .send(RoomMessageEventContent::text_plain(&text))
        .await?
        .response
        .event_id;
    println!("{who}> {text}");

    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while tokio::time::Instant::now() < deadline {
        let settings = SyncSettings::default()
            .timeout(Duration::from_secs(5))
            .token(SyncToken::Specific(since.clone()));
        let response = Box::pin(client.sync_once(settings)).await?;
        since = response.next_batch;
        let Some(update) = response.rooms.joined.get(&room_id) else {
            continue;
        };
        for event in &update.timeline.events {
            let json: serde_json::Value = serde_json::from_str(event.raw().json().get())?;
            let reply_to = &json["content"]["m.relates_to"]["m.in_reply_to"]["event_id"];
            if json["sender"] == bot.as_str() && reply_to == sent.as_str() {
                println!(
                    "greffier> {}",
                    json["content"]["body"].as_str().unwrap_or("")
                );
                return Ok(());
            }
        }
    }
    bail!("no answer from {bot} within 30 s: is the bot running (scripts/run)?")
}
