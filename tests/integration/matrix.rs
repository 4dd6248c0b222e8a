//! The bot in Matrix rooms, against the real Synapse of `scripts/servers`:
//! a matrix-sdk client plays the user, types in a room and reads the reply.

use std::time::Duration;

use matrix_sdk::ruma::{OwnedUserId, RoomVersionId};

use crate::synapse::{Bot, SERVER, Servers, User};
use greffier_testkit::PATIENCE;

fn group<'a>(export: &'a serde_json::Value, slug: &str) -> &'a serde_json::Value {
    export["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["slug"] == slug)
        .unwrap_or_else(|| panic!("no group {slug} in {export}"))
}

#[tokio::test]
async fn joins_on_invite_and_answers_in_plain_and_encrypted_rooms() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bob = User::new().await;
    let mut bot = Bot::new("m-rooms", &[&alice.id], &[]).await;
    bot.start();

    // A plain room: the invite is accepted, the bot says hello.
    let plain = alice.create_room(false, &[&bot.id]).await;
    let hello = alice.welcome(&bot.id, &plain).await;
    assert_eq!(hello.msgtype(), "m.notice");
    assert!(hello.body().contains("!aide"), "{}", hello.body());

    let asked = alice.say(&plain, "!moi organisation Marseille").await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    assert_eq!(reply.msgtype(), "m.notice", "{:?}", reply.json);
    assert!(reply.body().contains("Marseille"), "{}", reply.body());
    let asked = alice.say(&plain, "!groupe rejoindre messagerie").await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    assert!(reply.body().starts_with("Bienvenue"), "{}", reply.body());
    assert_eq!(reply.json["content"]["format"], "org.matrix.custom.html");
    assert!(
        reply.json["content"]["formatted_body"]
            .as_str()
            .is_some_and(|h| h.contains("Messagerie libre")),
        "{:?}",
        reply.json
    );
    assert!(!reply.encrypted);

    // An encrypted room: the bot decrypts the command and answers encrypted.
    let secret = bob.create_room(true, &[&bot.id]).await;
    bob.welcome(&bot.id, &secret).await;
    let asked = bob
        .say(&secret, "!moi organisation « Ville de Vitrolles »")
        .await;
    let reply = bob.reply_to(&bot.id, &asked).await;
    assert!(
        reply.encrypted,
        "the reply in an encrypted room is encrypted"
    );
    let asked = bob.say(&secret, "!groupe rejoindre MESSAGERIE").await;
    let reply = bob.reply_to(&bot.id, &asked).await;
    assert!(reply.encrypted);
    assert!(reply.body().starts_with("Bienvenue"), "{}", reply.body());
    // Bob's organisation counts once alice, the admin, accepts him.
    let asked = alice
        .say(&plain, &format!("!organisation accepter {}", bob.id))
        .await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    assert!(reply.body().contains("confirmée"), "{}", reply.body());

    // Restarted, the bot knows the encrypted room again (its state is
    // rebuilt by the first sync) and still answers there, encrypted.
    bot.stop().await;
    bot.start();
    let asked = bob.say(&secret, "!moi").await;
    let reply = bob.reply_to(&bot.id, &asked).await;
    assert!(reply.encrypted, "{}", bot.logs());
    assert!(reply.body().contains("Vitrolles"), "{}", reply.body());

    bot.assert_running();
    bot.stop().await;
    let export = bot.export();
    let members = &group(&export, "messagerie")["members"];
    assert_eq!(
        members,
        &serde_json::json!(["Berre", "Marseille", "Ville de Vitrolles"]),
        "{export}"
    );
    let people = export["people"].as_array().expect("people");
    assert!(
        people
            .iter()
            .any(|p| p["matrix_ids"][0] == alice.id.as_str()),
        "{export}"
    );
}

/// One claim of the bot device's `signed_curve25519` key, as a peer
/// opening an Olm session does: `Some(true)` for the fallback key, `Some(false)`
/// for a one-time key, `None` when the server has none.
async fn claim_bot_key(user: &User, bot: &OwnedUserId, device: &str) -> Option<bool> {
    use matrix_sdk::ruma::{OneTimeKeyAlgorithm, api::client::keys::claim_keys::v3};
    let wanted = [(
        bot.clone(),
        [(device.into(), OneTimeKeyAlgorithm::SignedCurve25519)].into(),
    )]
    .into();
    let response = user
        .client
        .send(v3::Request::new(wanted))
        .await
        .expect("keys/claim");
    let keys = response.one_time_keys.get(bot)?.get(device)?;
    let key = keys.values().next()?;
    let key: serde_json::Value = key.deserialize_as().expect("key JSON");
    Some(key["fallback"] == true)
}

/// The bot's end-to-end account is written at a sync only when the key
/// counts change something (vendor/README.md): when peers have claimed its
/// one-time keys, the next sync still makes and uploads new ones.
#[tokio::test]
async fn one_time_keys_claimed_by_peers_are_replaced() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bot = Bot::new("m-otk", &[], &[]).await;
    let room = bot.start_in_a_room_of(&mut alice).await;
    let device = bot.device();

    // Peers claim every one-time key the bot uploaded (50, matrix-sdk's
    // maximum) until only its fallback key is left.
    let mut claimed = 0;
    while claim_bot_key(&alice, &bot.id, &device).await == Some(false) {
        claimed += 1;
        assert!(claimed <= 500, "the one-time keys never run out");
    }
    assert!(claimed >= 1, "the bot had uploaded one-time keys");

    // A command wakes the bot's sync, which reports the count at zero; the
    // bot makes new keys and uploads them (woken again until it has).
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let asked = alice.say(&room, "!aide").await;
        alice.reply_to(&bot.id, &asked).await;
        for _ in 0..10 {
            if claim_bot_key(&alice, &bot.id, &device).await == Some(false) {
                bot.assert_running();
                bot.stop().await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no new one-time key after {claimed} were claimed: {}",
            bot.logs()
        );
    }
}

#[tokio::test]
async fn an_invite_from_a_server_not_allowed_is_declined() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bot = Bot::new("m-refuse", &[], &["other.test"]).await;
    bot.start();
    let room = alice.create_room(false, &[&bot.id]).await;
    let bot_id = bot.id.as_str().to_string();
    alice
        .wait_for("the bot declining the invite", |s| {
            s.json["type"] == "m.room.member"
                && s.json["state_key"] == bot_id.as_str()
                && s.json["content"]["membership"] == "leave"
        })
        .await;
    assert_eq!(
        alice.membership_of(&room, &bot.id).await.as_deref(),
        Some("leave")
    );
    bot.assert_running();
    assert!(
        bot.logs().contains("invite declined"),
        "the refusal is logged: {}",
        bot.logs()
    );
    bot.stop().await;
}

#[tokio::test]
async fn other_bots_notices_are_not_answered() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bot = Bot::new("m-notice", &[], &[]).await;
    let room = bot.start_in_a_room_of(&mut alice).await;
    let notice = alice.notice(&room, "!aide").await;
    let text = alice.say(&room, "!groupe liste").await;
    let reply = alice.reply_to(&bot.id, &text).await;
    assert!(reply.body().contains("messagerie"), "{}", reply.body());
    // The notice came first: had it been answered, the answer would be here.
    alice.sync(Duration::from_secs(1)).await.expect("sync");
    let answered: Vec<_> = alice
        .seen
        .iter()
        .filter(|s| s.in_reply_to() == Some(notice.as_str()))
        .collect();
    assert!(answered.is_empty(), "a notice was answered: {answered:?}");
    bot.stop().await;
}

#[tokio::test]
async fn a_command_sent_while_the_bot_is_stopped_is_answered_once_after_restart() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bot = Bot::new("m-restart", &[], &[]).await;
    let room = bot.start_in_a_room_of(&mut alice).await;
    let first = alice.say(&room, "!groupe info messagerie").await;
    alice.reply_to(&bot.id, &first).await;
    let device = bot.device();

    bot.stop().await;
    let while_stopped = alice.say(&room, "!groupe liste").await;
    bot.start();
    let reply = alice.reply_to(&bot.id, &while_stopped).await;
    assert!(reply.body().contains("messagerie"), "{}", reply.body());
    assert_eq!(bot.device(), device, "the restart reuses the device");

    // Another restart, and a later command: the earlier ones stay answered once.
    bot.stop().await;
    bot.start();
    let later = alice.say(&room, "!aide").await;
    alice.reply_to(&bot.id, &later).await;
    alice.sync(Duration::from_secs(1)).await.expect("sync");
    for event in [&first, &while_stopped, &later] {
        let replies = alice
            .seen
            .iter()
            .filter(|s| s.in_reply_to() == Some(event.as_str()))
            .count();
        assert_eq!(
            replies,
            1,
            "{event} answered {replies} times: {}",
            bot.logs()
        );
    }
    let welcomes = alice
        .seen
        .iter()
        .filter(|s| s.sender() == bot.id.as_str() && s.is_post())
        .count();
    assert_eq!(welcomes, 1, "the bot greets the room once: {}", bot.logs());
    bot.stop().await;
}

#[tokio::test]
async fn the_bot_survives_a_homeserver_restart() {
    let _server = SERVER.write().await;
    let mut alice = User::new().await;
    let mut bot = Bot::new("m-synapse", &[], &[]).await;
    let room = bot.start_in_a_room_of(&mut alice).await;

    let servers = Servers::get();
    servers.script(&["stop", "synapse"]).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    servers.script(&["start", "synapse"]).await;

    let asked = alice.say(&room, "!groupe info messagerie").await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    assert!(
        reply.body().contains("Messagerie libre"),
        "{}",
        reply.body()
    );
    bot.assert_running();
    assert!(
        bot.logs().contains("Matrix homeserver reachable again"),
        "the outage and the recovery are logged: {}",
        bot.logs()
    );
    bot.stop().await;
}

#[tokio::test]
async fn rooms_are_tied_to_groups_by_seed_alias_and_by_an_admin() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;

    // A room with the old id form (version 10: "!id:server"), named by alias
    // in a seed group; the bot is invited before it starts.
    let alias = format!("courrier{}", std::process::id());
    let seeded = alice
        .create_room_with(false, &[], |r| {
            r.room_alias_name = Some(alias.clone());
            r.room_version = Some(RoomVersionId::V10);
        })
        .await;
    assert!(seeded.as_str().contains(':'), "{seeded}");
    let seed = format!(
        r##"[groups]
quorum = 2

[[groups.seed]]
slug = "courrier"
theme = "Gestion du courrier"
status = "proposed"
lead = "Arles"
supporters = ["Arles"]
room = "#{alias}:example.test""##
    );
    let mut bot = Bot::with_config("m-link", &[&alice.id], &[], &seed).await;
    alice.invite_bot(&seeded, &bot.id).await;
    bot.start();
    alice.welcome(&bot.id, &seeded).await;

    // The room is the group's: its activation is announced there.
    let asked = alice.say(&seeded, "!moi organisation Marseille").await;
    alice.reply_to(&bot.id, &asked).await;
    let asked = alice.say(&seeded, "!groupe soutenir courrier").await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    assert!(reply.body().contains("actif"), "{}", reply.body());
    let bot_id = bot.id.as_str().to_string();
    let announce = alice
        .wait_for("the activation announced in the group's room", |s| {
            s.room == seeded
                && s.sender() == bot_id
                && s.is_post()
                && s.body().contains("désormais actif, soutenu par")
        })
        .await;
    assert!(
        announce.body().contains("Gestion du courrier"),
        "{}",
        announce.body()
    );
    let asked = alice.say(&seeded, "!groupe lier courrier").await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    assert!(
        reply.body().contains("déjà celui du groupe"),
        "{}",
        reply.body()
    );

    // A room of the default version (12: no server part), linked by an admin.
    let plain = alice.create_room(false, &[&bot.id]).await;
    assert!(!plain.as_str().contains(':'), "{plain}");
    alice.welcome(&bot.id, &plain).await;
    let asked = alice.say(&plain, "!groupe lier messagerie").await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    assert!(reply.body().contains("désormais celui"), "{}", reply.body());

    bot.stop().await;
    let export = bot.export();
    assert_eq!(group(&export, "courrier")["room"], seeded.as_str());
    assert_eq!(group(&export, "courrier")["status"], "active");
    assert_eq!(group(&export, "messagerie")["room"], plain.as_str());
}

#[tokio::test]
async fn reactions_to_a_meeting_announcement_answer_it() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bot = Bot::new("m-react", &[&alice.id], &[]).await;
    let room = bot.start_in_a_room_of(&mut alice).await;
    for line in [
        "!groupe lier messagerie",
        "!moi organisation Arles",
        "!groupe rejoindre messagerie",
        "!reunion creer « Point messagerie » 2030-12-03 10:00 groupe messagerie",
    ] {
        let asked = alice.say(&room, line).await;
        let reply = alice.reply_to(&bot.id, &asked).await;
        assert!(!reply.body().contains("Erreur"), "{line}: {}", reply.body());
    }
    let bot_id = bot.id.as_str().to_string();
    let announcement = alice
        .wait_for("the announcement", |s| {
            s.room == room
                && s.sender() == bot_id
                && s.is_post()
                && s.body().contains("Point messagerie")
        })
        .await;
    let announcement_id: matrix_sdk::ruma::OwnedEventId = announcement.json["event_id"]
        .as_str()
        .expect("event id")
        .try_into()
        .expect("event id");

    let no = alice.react(&room, &announcement_id, "❌").await;
    let ok = alice.reply_to(&bot.id, &no).await;
    assert!(ok.body().contains("absence excusée"), "{}", ok.body());
    alice.redact(&room, &no).await;
    alice
        .wait_for("the withdrawal", |s| {
            s.sender() == bot_id && s.body().contains("retirée")
        })
        .await;
    let yes = alice.react(&room, &announcement_id, "👍").await;
    let ok = alice.reply_to(&bot.id, &yes).await;
    assert!(ok.body().contains("présence annoncée"), "{}", ok.body());

    bot.stop().await;
    let export = bot.export();
    let rsvp = &export["meetings"][0]["rsvps"][0];
    assert_eq!(rsvp["status"], "present", "{export}");
    assert_eq!(rsvp["channel"], "reaction", "{export}");
}

/// More commands than one sync holds (its timeline is `limited`) while the
/// bot is stopped: after the restart it fetches what the sync left out
/// (`/messages`) and answers every one, once. (Seen in CI on 2026-11-30:
/// the catch-up of the start fetched all 151 events, and the limited
/// sync's gap had nothing left to fetch; both are that fetch.)
#[tokio::test]
async fn a_backlog_larger_than_one_sync_is_answered_after_a_restart() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bot = Bot::new("m-backlog", &[], &[]).await;
    let room = bot.start_in_a_room_of(&mut alice).await;
    bot.stop().await;

    let mut asked = Vec::new();
    for i in 0..150 {
        asked.push(alice.say(&room, &format!("!aide groupe {i}")).await);
    }
    bot.start();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let history = alice.history(&room).await.expect("history");
        let answers: Vec<usize> = asked
            .iter()
            .map(|e| {
                history
                    .iter()
                    .filter(|s| {
                        s.sender() == bot.id.as_str() && s.in_reply_to() == Some(e.as_str())
                    })
                    .count()
            })
            .collect();
        if answers.iter().all(|n| *n >= 1) {
            assert!(
                answers.iter().all(|n| *n == 1),
                "answered twice: {answers:?}"
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} of 150 answered: {}",
            answers.iter().filter(|n| **n > 0).count(),
            bot.logs()
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    // What one sync left out came from `/messages`: through the limited
    // sync's gap, or (when the first sync after the start already held
    // the backlog) through the catch-up from the stored position, which
    // every start does. Which one depends on the homeserver's timing.
    let logs = bot.logs();
    assert!(
        logs.contains("more events than one sync holds: the older ones were fetched")
            || logs.contains("events since the last handled position fetched again"),
        "{logs}"
    );
    bot.assert_running();
    bot.stop().await;
}

/// greffier dies after a sync response came in, before handling it: after
/// the restart the command is answered, once. (matrix-sdk keeps the rooms'
/// state in memory: the first sync of the restarted bot has no position,
/// and greffier fetches what it had not handled with `/messages`;
/// docs/architecture.md.)
#[tokio::test]
async fn a_command_received_just_before_a_crash_is_answered_once() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bot = Bot::new("m-crash", &[], &[]).await;
    let room = bot.start_in_a_room_of(&mut alice).await;
    bot.stop().await;

    bot.start_with(&[("GREFFIER_FAILPOINT", "matrix-before-handling")]);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !bot.logs().contains("Matrix session restored") {
        assert!(tokio::time::Instant::now() < deadline, "{}", bot.logs());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let asked = alice.say(&room, "!aide").await;
    assert!(
        bot.wait_exit(60).await,
        "the failpoint was not reached: {}",
        bot.logs()
    );
    bot.start();
    alice.reply_to(&bot.id, &asked).await;
    let barrier = alice.say(&room, "!aide groupe").await;
    alice.reply_to(&bot.id, &barrier).await;
    let history = alice.history(&room).await.expect("history");
    let answers = history
        .iter()
        .filter(|s| s.in_reply_to() == Some(asked.as_str()))
        .count();
    assert_eq!(answers, 1, "{}", bot.logs());
    bot.assert_running();
    bot.stop().await;
}
