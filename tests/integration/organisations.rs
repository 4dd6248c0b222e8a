//! Who speaks for an organisation, as users meet it: in the console (the
//! binary, as an operator or a member types), and against the real Synapse
//! (a server not on `matrix.allowed_servers`; absence reasons in a direct
//! room and not in a shared one).

use matrix_sdk::ruma::api::client::room::create_room::v3::RoomPreset;

use crate::support::Scratch;
use crate::synapse::{Bot, SERVER, User};

const CONFIG: &str = r#"
[bot]
admins = ["@admin:example.test"]

[groups]
quorum = 3

[[groups.seed]]
slug = "messagerie"
theme = "Messagerie libre"
status = "active"
lead = "Arles"
members = ["Arles", "Berre"]
"#;

#[test]
fn a_newcomer_of_arles_acts_for_it_once_accepted_by_an_arles_member() {
    let s = Scratch::new("org-newcomer", CONFIG);
    let out = s.console(
        "@anne:example.test",
        &[
            "!moi organisation Arles",
            "!projet statut messagerie « En test »",
        ],
    );
    assert!(out.contains("vous vous déclarez membre d'Arles"), "{out}");
    assert!(out.contains("un administrateur"), "{out}");
    assert!(out.contains("Refusé pour l'instant"), "{out}");
    s.console(
        "@admin:example.test",
        &["!organisation accepter @anne:example.test"],
    );
    s.console(
        "@anne:example.test",
        &[
            "!reunion creer « Point » 2030-12-10 14:00 groupe messagerie",
            "!groupe proposer courrier « Gestion du courrier »",
        ],
    );

    // The newcomer: refused, and told what waits and who can confirm it.
    let lines = [
        "!groupe chef messagerie Berre",
        "!projet statut messagerie « Usurpé »",
        "!reunion annuler 1",
        "!groupe soutenir courrier",
    ];
    let out = s.console("@new:example.test", &["!moi organisation Arles"]);
    assert!(
        out.contains("un membre confirmé d'Arles ou un administrateur"),
        "{out}"
    );
    let out = s.console("@new:example.test", &lines);
    assert_eq!(
        out.matches("Refusé pour l'instant : votre appartenance à Arles attend confirmation")
            .count(),
        4,
        "{out}"
    );
    let before = s.export();
    assert_eq!(before["groups"][1]["lead"], "Arles", "{before}");

    // Anne, a confirmed member of Arles, accepts the newcomer by name.
    let out = s.console("@anne:example.test", &["!organisation membres Arles"]);
    assert!(
        out.contains("Demandes en attente (1) : new (@new:example.test)"),
        "{out}"
    );
    let out = s.console("@anne:example.test", &["!organisation accepter new"]);
    assert!(
        out.contains("l'appartenance de new à Arles est confirmée"),
        "{out}"
    );
    let out = s.console("@new:example.test", &["!moi"]);
    assert!(out.contains("Arles (membre confirmé)"), "{out}");
    let out = s.console(
        "@new:example.test",
        &[
            "!projet statut messagerie « En production »",
            "!reunion annuler 1",
            "!groupe chef messagerie Berre",
        ],
    );
    assert!(!out.contains("Refusé"), "{out}");
    let after = s.export();
    let messagerie = after["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["slug"] == "messagerie")
        .expect("messagerie");
    assert_eq!(messagerie["lead"], "Berre", "{after}");
    assert_eq!(messagerie["status_text"], "En production", "{after}");
    assert_eq!(after["meetings"][0]["cancelled"], true, "{after}");
}

#[test]
fn three_accounts_declaring_new_organisations_make_no_quorum_without_an_admin() {
    let s = Scratch::new("org-quorum", CONFIG);
    s.console("@admin:example.test", &["!moi organisation Aix"]);
    s.console(
        "@admin:example.test",
        &["!groupe proposer faux « Groupe de façade »"],
    );
    for (who, org) in [
        ("@one:example.test", "Alpha"),
        ("@two:example.test", "Beta"),
        ("@three:example.test", "Gamma"),
    ] {
        let out = s.console(
            who,
            &[&format!("!moi organisation {org}"), "!groupe soutenir faux"],
        );
        assert!(out.contains("Refusé pour l'instant"), "{out}");
    }
    let out = s.console(
        "@two:example.test",
        &["!organisation accepter @one:example.test"],
    );
    assert!(out.contains("Refusé"), "{out}");
    let export = s.export();
    let faux = export["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["slug"] == "faux")
        .expect("faux");
    assert_eq!(faux["status"], "proposed", "{export}");
    assert_eq!(faux["supporters"], serde_json::json!(["Aix"]), "{export}");
    let pending: Vec<&serde_json::Value> = export["people"]
        .as_array()
        .expect("people")
        .iter()
        .filter(|p| p["membership"] == "pending")
        .collect();
    assert_eq!(pending.len(), 3, "{export}");
}

/// The bot's config for the Matrix tests: the seed "courrier" in `alias`.
fn seed_room(alias: &str) -> String {
    format!(
        r##"[[groups.seed]]
slug = "courrier"
theme = "Gestion du courrier"
status = "proposed"
lead = "Arles"
supporters = ["Arles"]
room = "#{alias}:example.test""##
    )
}

/// One Synapse serves every account here; the bot is configured to listen
/// to another server only (`allowed_servers = ["elsewhere.example"]`), so
/// that the users of its own server are the "foreign" ones, while its own
/// account logs in, joins its group's public room and sends as usual.
#[tokio::test]
async fn a_user_of_a_server_not_allowed_is_not_obeyed_and_told_once() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let alias = format!("foreign{}", std::process::id());
    let room = alice
        .create_room_with(false, &[], |r| {
            r.room_alias_name = Some(alias.clone());
            r.preset = Some(RoomPreset::PublicChat);
        })
        .await;
    let mut bot = Bot::with_config(
        "o-foreign",
        &[&alice.id],
        &["elsewhere.example"],
        &seed_room(&alias),
    )
    .await;
    bot.start();
    alice.welcome(&bot.id, &room).await;

    let first = alice.say(&room, "!moi organisation Arles").await;
    let notice = alice.reply_to(&bot.id, &first).await;
    let server = alice.id.server_name().as_str().to_string();
    assert!(
        notice.body().contains(&format!(
            "Je ne prends pas de commandes des comptes du serveur {server}"
        )),
        "{}",
        notice.body()
    );
    // A second command: refused too (logged), with no second notice.
    let second = alice.say(&room, "!groupe soutenir courrier").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while bot
        .logs()
        .matches("command from a server not in matrix.allowed_servers refused")
        .count()
        < 2
    {
        assert!(tokio::time::Instant::now() < deadline, "{}", bot.logs());
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    alice
        .sync(std::time::Duration::from_secs(1))
        .await
        .expect("sync");
    let bot_id = bot.id.as_str();
    let answers: Vec<&str> = alice
        .seen
        .iter()
        .filter(|s| s.sender() == bot_id && s.msgtype() == "m.notice" && !s.is_post())
        .map(|s| s.in_reply_to().unwrap_or_default())
        .collect();
    assert_eq!(
        answers,
        [first.as_str()],
        "one notice, to the first command"
    );
    assert!(!answers.contains(&second.as_str()));

    bot.assert_running();
    bot.stop().await;
    let export = bot.export();
    assert_eq!(export["people"], serde_json::json!([]), "{export}");
    let courrier = export["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["slug"] == "courrier")
        .expect("courrier");
    assert_eq!(
        courrier["supporters"],
        serde_json::json!(["Arles"]),
        "{export}"
    );
}

/// Bob, of the lead, reads a meeting's attendance: in the group's room
/// (three people) without the reason Alice gave, in a room with only him
/// and the bot with it.
#[tokio::test]
async fn absence_reasons_are_given_in_a_direct_room_only() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bob = User::new().await;
    let mut bot = Bot::new("o-reasons", &[&alice.id], &[]).await;
    bot.start();
    let shared = alice.create_room(false, &[&bot.id, &bob.id]).await;
    alice.welcome(&bot.id, &shared).await;
    bob.client
        .join_room_by_id(&shared)
        .await
        .expect("bob joins");

    // Bob declares Berre: pending; the admin accepts him in the room.
    let asked = bob.say(&shared, "!moi organisation Berre").await;
    let reply = bob.reply_to(&bot.id, &asked).await;
    assert!(
        reply
            .body()
            .contains(&format!("!organisation accepter {}", bob.id)),
        "{}",
        reply.body()
    );
    let (bob_id, alice_is) = (bob.id.to_string(), true);
    for (by_alice, line) in [
        (alice_is, format!("!organisation accepter {bob_id}")),
        (alice_is, "!moi organisation Arles".to_string()),
        (alice_is, "!groupe rejoindre messagerie".to_string()),
        (!alice_is, "!groupe rejoindre messagerie".to_string()),
        (
            !alice_is,
            "!reunion creer « Point » 2030-12-03 10:00 groupe messagerie".to_string(),
        ),
        (alice_is, "!excuse 1 « rendez-vous médical »".to_string()),
    ] {
        // Whoever typed it reads the answer in the same room.
        let who = if by_alice { &mut alice } else { &mut bob };
        let asked = who.say(&shared, &line).await;
        let reply = who.reply_to(&bot.id, &asked).await;
        assert!(!reply.body().contains("Refusé"), "{line}: {}", reply.body());
    }

    let asked = bob.say(&shared, "!reunion presences 1").await;
    let shown = bob.reply_to(&bot.id, &asked).await;
    assert!(
        !shown.body().contains("médical") && shown.body().contains("qu'en privé"),
        "{}",
        shown.body()
    );
    let direct = bob.create_room(false, &[&bot.id]).await;
    bob.welcome(&bot.id, &direct).await;
    let asked = bob.say(&direct, "!reunion presences 1").await;
    let shown = bob.reply_to(&bot.id, &asked).await;
    assert!(
        shown.body().contains("(rendez-vous médical)"),
        "{}",
        shown.body()
    );
    bot.assert_running();
    bot.stop().await;
}
