//! The rooms the bot makes for the groups, against the real Synapse: a
//! proposal reaching its quorum gets its room (name, alias, members,
//! moderators, in the network's Space), a later member is invited, and a
//! SIGKILL right after the homeserver made a room leaves one room.

use std::time::Duration;

use matrix_sdk::ruma::api::client::state::get_state_event_for_key;
use matrix_sdk::ruma::events::StateEventType;
use matrix_sdk::ruma::{OwnedRoomId, RoomAliasId};
use serde_json::Value;

use crate::synapse::{Bot, SERVER, User};

/// A state event's content as `user` reads it, if the room has one.
async fn state(user: &User, room: &OwnedRoomId, kind: &str, key: &str) -> Option<Value> {
    let request = get_state_event_for_key::v3::Request::new(
        room.clone(),
        StateEventType::from(kind),
        key.to_string(),
    );
    let response = user.client.send(request).await.ok()?;
    serde_json::from_str(response.event_or_content.get()).ok()
}

/// The group's room in the bot's export, once it has one.
async fn room_of(bot: &Bot, slug: &str) -> OwnedRoomId {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let export = bot.export();
        let room = export["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|g| g["slug"] == slug)
            .and_then(|g| g["room"].as_str())
            .map(str::to_string);
        if let Some(room) = room {
            return room.as_str().try_into().expect("room id");
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no room for {slug}: {}",
            bot.logs()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// Waits until `user` is invited to `room` (their client sees it).
async fn invited(user: &mut User, room: &OwnedRoomId) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !user
        .client
        .invited_rooms()
        .iter()
        .any(|r| r.room_id() == room)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} is not invited to {room}",
            user.id
        );
        user.sync(Duration::from_secs(1)).await.expect("sync");
    }
}

/// Waits until `who`'s membership of `room` (as `reader` sees it) is `want`.
async fn membership(reader: &User, room: &OwnedRoomId, who: &str, want: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let m = state(reader, room, "m.room.member", who).await;
        if m.as_ref().and_then(|m| m["membership"].as_str()) == Some(want) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{who} is not {want} in {room}: {m:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn a_group_that_becomes_active_gets_its_room_in_the_space() {
    let _server = SERVER.read().await;
    let pid = std::process::id();
    let space_alias = format!("#reseau{pid}:example.test");
    let mut alice = User::new().await;
    let mut bob = User::new().await;
    let mut carol = User::new().await;
    let mut bot = Bot::with_config(
        "r-make",
        &[&alice.id],
        &[],
        &format!("space = \"{space_alias}\"\n\n[groups]\nquorum = 2\n"),
    )
    .await;
    bot.start();
    let lobby = alice
        .create_room(false, &[&bot.id, &bob.id, &carol.id])
        .await;
    alice.welcome(&bot.id, &lobby).await;
    for user in [&bob, &carol] {
        user.client.join_room_by_id(&lobby).await.expect("join");
    }
    let (urba, cadastre) = (format!("urba{pid}"), format!("cadastre{pid}"));
    let bob_id = bob.id.to_string();
    // 0: Alice (admin, Arles), 1: Bob (Berre, the proposer), 2: Carol.
    let steps: Vec<(usize, String, &str)> = vec![
        (0, "!moi organisation Arles".into(), "Arles"),
        (1, "!moi organisation Berre".into(), "Berre"),
        (0, format!("!organisation accepter {bob_id}"), "confirmée"),
        (
            1,
            format!("!groupe proposer {urba} « Urbanisme {pid} »"),
            "proposé",
        ),
        (0, format!("!groupe rejoindre {urba}"), "Bienvenue"),
        (0, format!("!groupe soutenir {urba}"), "Quorum atteint"),
    ];
    for (who, line, expected) in steps {
        let user = match who {
            0 => &mut alice,
            1 => &mut bob,
            _ => &mut carol,
        };
        let asked = user.say(&lobby, &line).await;
        let reply = user.reply_to(&bot.id, &asked).await;
        assert!(reply.body().contains(expected), "{line}: {}", reply.body());
    }

    // The room: its name, alias, topic, the members invited, Bob (of the
    // lead organisation, confirmed) a moderator, in the Space.
    let room = room_of(&bot, &urba).await;
    invited(&mut alice, &room).await;
    alice
        .client
        .join_room_by_id(&room)
        .await
        .expect("alice joins");
    let name = state(&alice, &room, "m.room.name", "").await;
    assert_eq!(
        name.as_ref().and_then(|n| n["name"].as_str()),
        Some(format!("Urbanisme {pid}").as_str())
    );
    let alias = state(&alice, &room, "m.room.canonical_alias", "").await;
    assert_eq!(
        alias.as_ref().and_then(|a| a["alias"].as_str()),
        Some(format!("#{urba}:example.test").as_str())
    );
    let topic = state(&alice, &room, "m.room.topic", "").await;
    assert!(
        topic
            .as_ref()
            .and_then(|t| t["topic"].as_str())
            .is_some_and(|t| t.contains("Berre")),
        "{topic:?}"
    );
    let levels = state(&alice, &room, "m.room.power_levels", "")
        .await
        .expect("power levels");
    assert_eq!(levels["users"][bob_id.as_str()], 50, "{levels}");
    let space_alias: &RoomAliasId = space_alias.as_str().try_into().expect("alias");
    let space = alice
        .client
        .resolve_room_alias(space_alias)
        .await
        .expect("the Space exists")
        .room_id;
    alice
        .client
        .join_room_by_id(&space)
        .await
        .expect("the Space is open to join");
    let created = state(&alice, &space, "m.room.create", "").await;
    assert_eq!(
        created.as_ref().and_then(|c| c["type"].as_str()),
        Some("m.space")
    );
    let child = state(&alice, &space, "m.space.child", room.as_str()).await;
    assert!(
        child
            .as_ref()
            .is_some_and(|c| c["via"][0] == "example.test"),
        "{child:?}"
    );
    let parent = state(&alice, &room, "m.space.parent", space.as_str()).await;
    assert!(parent.is_some(), "the room names its Space");

    // Carol joins the group later: she is invited.
    for line in [
        "!moi organisation Vitrolles".to_string(),
        format!("!groupe rejoindre {urba}"),
    ] {
        let asked = carol.say(&lobby, &line).await;
        carol.reply_to(&bot.id, &asked).await;
    }
    membership(&alice, &room, &bob_id, "invite").await;
    membership(&alice, &room, carol.id.as_str(), "invite").await;

    // A second proposal; the bot dies right after Synapse made its room.
    let asked = bob
        .say(
            &lobby,
            &format!("!groupe proposer {cadastre} « Cadastre {pid} »"),
        )
        .await;
    bob.reply_to(&bot.id, &asked).await;
    let asked = alice
        .say(&lobby, &format!("!groupe rejoindre {cadastre}"))
        .await;
    alice.reply_to(&bot.id, &asked).await;
    bot.stop().await;
    bot.start_with(&[("GREFFIER_FAILPOINT", "matrix-room-created")]);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !bot.logs().contains("Matrix session restored") {
        assert!(tokio::time::Instant::now() < deadline, "{}", bot.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    alice
        .say(&lobby, &format!("!groupe soutenir {cadastre}"))
        .await;
    assert!(
        bot.wait_exit(60).await,
        "the failpoint was not reached: {}",
        bot.logs()
    );
    bot.start();
    let second = room_of(&bot, &cadastre).await;
    assert!(
        bot.logs().contains("was made before: not made again"),
        "{}",
        bot.logs()
    );
    // Alice is invited to one room named "Cadastre …", the one recorded.
    invited(&mut alice, &second).await;
    let theme = format!("Cadastre {pid}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let invited = loop {
        alice.sync(Duration::from_secs(1)).await.expect("sync");
        let mut named = Vec::new();
        for r in alice.client.invited_rooms() {
            if r.name().as_deref() == Some(theme.as_str()) {
                named.push(r.room_id().to_owned());
            }
        }
        if !named.is_empty() || tokio::time::Instant::now() > deadline {
            break named;
        }
    };
    assert_eq!(invited, std::slice::from_ref(&second));
    bot.assert_running();
    bot.stop().await;
}
