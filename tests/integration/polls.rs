//! Date polls as their users answer them: a native poll in a Matrix room
//! (clicked in a second client, against the real Synapse), a poll mail
//! answered from an old Outlook in Windows-1252 (against the real mail
//! servers), and the clock's reminder and close across restarts.

use std::time::Duration;

use crate::mailserver::{MAIL_SERVER, MailBot};
use crate::synapse::{Bot, SERVER, User};

/// A poll closing tomorrow: its reminder goes once, across restarts; one
/// closing today is closed by the clock at start, into the meeting whose
/// invitation reaches the member.
#[tokio::test]
async fn a_polls_reminder_goes_once_and_the_clock_closes_it() {
    let _mail = MAIL_SERVER.read().await;
    let mut bot = MailBot::with_tables("meetings-poll", "").await;
    bot.start();
    let (member, member_id) = bot.member_with_id("Arles").await;
    let out = bot
        .scratch
        .console(&member_id, &["!groupe rejoindre messagerie"]);
    assert!(out.contains("Bienvenue"), "{out}");
    // The bot's today (Europe/Paris), not the machine's: after 23:00 UTC
    // they differ.
    let today = jiff::Timestamp::now()
        .in_tz("Europe/Paris")
        .expect("time zone")
        .date();
    let day = |n: i64| today.checked_add(jiff::Span::new().days(n)).expect("date");
    let out = bot.scratch.console(
        "@admin:example.test",
        &[
            &format!(
                "!sondage creer « Rappel demain » {} {} groupe messagerie cloture {}",
                day(5),
                day(6),
                day(1)
            ),
            &format!(
                "!sondage creer « Clos ce jour » {} {} heure 11:00 groupe messagerie cloture {}",
                day(7),
                day(8),
                day(0)
            ),
        ],
    );
    assert!(out.contains("Sondage n°2 « Clos ce jour »"), "{out}");
    // The member answers the second poll by mail-less console: date 2.
    let out = bot.scratch.console(&member_id, &["!sondage voter 2 2"]);
    assert!(out.contains("C'est noté"), "{out}");
    // New scheduler runs at once: restart twice, each time once the
    // scheduler has checked.
    for run in 2..=3 {
        bot.stop().await;
        bot.start();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        while bot.logs().matches("reminders checked").count() < run {
            assert!(tokio::time::Instant::now() < deadline, "{}", bot.logs());
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    }
    // A restart may have cut a delivery short: the bot then waits up to a
    // minute for its own copy before sending again (docs/reliability.md).
    member
        .wait_for_within(
            "the poll's reminder",
            std::time::Duration::from_secs(150),
            |m| {
                m.subject()
                    .starts_with("Rappel : sondage « Rappel demain »")
            },
        )
        .await;
    member
        .wait_for_within(
            "the invitation of the closed poll",
            std::time::Duration::from_secs(150),
            |m| m.subject() == "Invitation : Clos ce jour",
        )
        .await;
    // Anything the third run queued would be sent within a second or two.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let reminders = member
        .mails("INBOX")
        .await
        .into_iter()
        .filter(|raw| String::from_utf8_lossy(raw).contains("Subject: Rappel : sondage"))
        .count();
    assert_eq!(reminders, 1, "{}", bot.logs());
    bot.stop().await;
    let export = bot.export();
    let polls = export["polls"].as_array().expect("polls");
    assert_eq!(
        (
            polls[0]["closed"].as_bool(),
            polls[1]["closed"].as_bool(),
            polls[1]["meeting"].as_i64()
        ),
        (Some(false), Some(true), Some(1)),
        "{export}"
    );
    assert_eq!(export["meetings"][0]["title"], "Clos ce jour");
}

/// The poll's native Matrix event, read back by another member's client.
fn poll_start(seen: &crate::synapse::Seen) -> &serde_json::Value {
    &seen.json["content"]["org.matrix.msc3381.poll.start"]
}

/// A poll in the group's room: Element's buttons (poll responses, one
/// member changing her mind), a third member typing `!sondage voter`, a
/// stranger's click told once; results and export agree; closing ends
/// the poll in the room and creates the meeting.
#[tokio::test]
async fn a_native_poll_in_the_room_answered_with_its_buttons() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bob = User::new().await;
    let mut carol = User::new().await;
    let mut dave = User::new().await;
    let mut bot = Bot::new("p-room", &[&alice.id], &[]).await;
    bot.start();
    let room = alice
        .create_room(false, &[&bot.id, &bob.id, &carol.id, &dave.id])
        .await;
    alice.welcome(&bot.id, &room).await;
    for user in [&bob, &carol, &dave] {
        user.client.join_room_by_id(&room).await.expect("join");
    }
    // 0: Alice, 1: Bob, 2: Carol.
    for (who, line) in [
        (0, "!groupe lier messagerie"),
        (0, "!moi organisation Arles"),
        (1, "!moi organisation Berre"),
        (2, "!moi organisation Vitrolles"),
        (0, "!groupe rejoindre messagerie"),
        (1, "!groupe rejoindre messagerie"),
        (2, "!groupe rejoindre messagerie"),
    ] {
        let user = match who {
            0 => &mut alice,
            1 => &mut bob,
            _ => &mut carol,
        };
        let asked = user.say(&room, line).await;
        let reply = user.reply_to(&bot.id, &asked).await;
        assert!(!reply.body().contains("Refusé"), "{line}: {}", reply.body());
    }
    let asked = alice
        .say(
            &room,
            "!sondage creer « Prochaine rencontre » 2030-12-10 2030-12-11 2030-12-12 heure 14:00 groupe messagerie",
        )
        .await;
    let created = alice.reply_to(&bot.id, &asked).await;
    assert!(
        created
            .body()
            .contains("3 personnes interrogées, aucune par courriel ; sondage posté dans 1 salon"),
        "{}",
        created.body()
    );

    // Bob's client sees a poll it can show with buttons.
    let bot_id = bot.id.to_string();
    let poll = bob
        .wait_for("the native poll", |s| {
            s.room == room && s.sender() == bot_id && s.kind() == "org.matrix.msc3381.poll.start"
        })
        .await;
    let start = poll_start(&poll);
    assert_eq!(
        start["kind"], "org.matrix.msc3381.poll.disclosed",
        "{}",
        poll.json
    );
    assert_eq!(start["max_selections"], 3, "{}", poll.json);
    let answers: Vec<(&str, &str)> = start["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap_or_default(),
                a["org.matrix.msc1767.text"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        answers,
        [
            ("1", "mardi 10 décembre 2030"),
            ("2", "mercredi 11 décembre 2030"),
            ("3", "jeudi 12 décembre 2030")
        ]
    );
    assert!(
        start["question"]["org.matrix.msc1767.text"]
            .as_str()
            .is_some_and(|q| q.contains("Prochaine rencontre")),
        "{}",
        poll.json
    );
    assert_eq!(poll.json["content"]["m.poll"]["kind"], "m.disclosed");
    assert!(
        poll.json["content"]["org.matrix.msc1767.text"]
            .as_str()
            .is_some_and(|t| t.contains("1. mardi 10 décembre 2030")),
        "the fallback for clients without polls: {}",
        poll.json
    );
    let start_id: matrix_sdk::ruma::OwnedEventId = poll.json["event_id"]
        .as_str()
        .expect("event id")
        .try_into()
        .expect("event id");

    // Bob clicks 1 and 2, then changes his mind: 2 only. Carol clicks 1.
    bob.respond_to_poll(&room, &start_id, &["1", "2"]).await;
    bob.respond_to_poll(&room, &start_id, &["2"]).await;
    carol.respond_to_poll(&room, &start_id, &["1"]).await;
    // Alice types her answer.
    let asked = alice.say(&room, "!sondage voter 1 2 3").await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    assert!(reply.body().starts_with("C'est noté"), "{}", reply.body());
    // Dave was not asked: told once, his second click passes in silence.
    let first = dave.respond_to_poll(&room, &start_id, &["3"]).await;
    let told = dave.reply_to(&bot.id, &first).await;
    assert!(
        told.body().contains("ne vous interroge pas"),
        "{}",
        told.body()
    );
    let second = dave.respond_to_poll(&room, &start_id, &["1"]).await;

    let asked = alice.say(&room, "!sondage resultats 1").await;
    let results = alice.reply_to(&bot.id, &asked).await;
    assert_eq!(
        results.body(),
        "Sondage n°1 « Prochaine rencontre » — ouvert jusqu'au 9 décembre 2030 — 3 réponses sur 3\n\
         2. mercredi 11 décembre 2030 : 2 personnes (Arles et Berre)\n\
         1. mardi 10 décembre 2030 : 1 personne (Vitrolles)\n\
         3. jeudi 12 décembre 2030 : 1 personne (Arles)"
    );
    // The bot answers a room's events in order: nothing came for Dave's
    // second click, which it handled before the results.
    dave.sync(Duration::from_secs(1)).await.expect("sync");
    assert!(
        !dave
            .seen
            .iter()
            .any(|s| s.in_reply_to() == Some(second.as_str())),
        "a second notice to Dave"
    );

    let asked = alice.say(&room, "!sondage clore 1").await;
    let closed = alice.reply_to(&bot.id, &asked).await;
    assert!(
        closed.body().starts_with(
            "Sondage n°1 « Prochaine rencontre » clos sur la date n°2. Réunion n°1 « Prochaine rencontre » — mercredi 11 décembre 2030 à 14 h"
        ),
        "{}",
        closed.body()
    );
    let start_str = start_id.to_string();
    let end = bob
        .wait_for("the poll's end", |s| {
            s.sender() == bot_id
                && s.kind() == "org.matrix.msc3381.poll.end"
                && s.json["content"]["m.relates_to"]["event_id"] == start_str.as_str()
        })
        .await;
    assert_eq!(
        end.json["content"]["org.matrix.msc1767.text"],
        "Sondage clos : la réunion « Prochaine rencontre » aura lieu le mercredi 11 décembre 2030 (date n°2 : 2 organisations, 2 personnes)."
    );

    bot.assert_running();
    bot.stop().await;
    let export = bot.export();
    let poll = &export["polls"][0];
    assert_eq!(
        (poll["closed"].as_bool(), poll["meeting"].as_i64()),
        (Some(true), Some(1))
    );
    let voters = |n: usize| -> Vec<(String, String)> {
        poll["choices"][n]["voters"]
            .as_array()
            .expect("voters")
            .iter()
            .map(|v| {
                (
                    v["organisation"].as_str().unwrap_or_default().to_string(),
                    v["channel"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(voters(0), [("Vitrolles".to_string(), "poll".to_string())]);
    assert_eq!(
        voters(1),
        [
            ("Arles".to_string(), "matrix".to_string()),
            ("Berre".to_string(), "poll".to_string())
        ]
    );
    assert_eq!(voters(2), [("Arles".to_string(), "matrix".to_string())]);
    let meeting = &export["meetings"][0];
    assert_eq!(meeting["title"], "Prochaine rencontre");
    assert_eq!(
        meeting["rsvps"].as_array().map(Vec::len),
        Some(3),
        "{export}"
    );
}

/// A poll mail answered from Outlook in Windows-1252 quoted-printable, the
/// poll quoted below, unsigned: quoting the poll mail's Message-ID
/// authenticates it. A reply that names no date gets the dates again.
#[tokio::test]
async fn a_poll_mail_answered_from_outlook_in_windows_1252() {
    let _mail = MAIL_SERVER.read().await;
    let mut bot = MailBot::with_tables("poll-mail", "").await;
    bot.start();
    let (anne, anne_id) = bot.member_with_id("Arles").await;
    let out = bot
        .scratch
        .console(&anne_id, &["!groupe rejoindre messagerie"]);
    assert!(out.contains("Bienvenue"), "{out}");
    let out = bot.scratch.console(
        "@admin:example.test",
        &["!sondage creer « Prochaine rencontre » 2030-12-10 2030-12-11 2030-12-12 lieu « Istres » groupe messagerie"],
    );
    assert!(out.contains("1 par courriel"), "{out}");
    let poll = anne
        .wait_for("the poll mail", |m| {
            m.subject() == "Sondage : Prochaine rencontre"
        })
        .await;
    let body = poll.body().replace("\r\n", "\n");
    assert!(
        body.contains(
            "1. mardi 10 décembre 2030\n2. mercredi 11 décembre 2030\n3. jeudi 12 décembre 2030"
        ),
        "{body}"
    );
    assert!(
        poll.header("Auto-Submitted").is_none(),
        "it asks for a reply"
    );
    let poll_id = poll.message_id().expect("Message-ID");

    // "Merci" names no date: the question comes back, nothing changes.
    let thanks = crate::mailserver::new_id("merci");
    crate::mailserver::send_unsigned(
        Some(&anne.address),
        &bot.account.address,
        &outlook_1252(
            &anne.address,
            &bot.account.address,
            &poll_id,
            &thanks,
            b"Merci, je regarde mon agenda.",
        ),
    )
    .await;
    let asked = anne.answer_to(&thanks).await;
    assert!(
        asked
            .body()
            .contains("Je n'ai pas compris quelles dates vous conviennent pour le sondage n°1"),
        "{}",
        asked.body()
    );
    assert!(
        asked.body().contains("2. mercredi 11 décembre 2030"),
        "{}",
        asked.body()
    );

    let answer = crate::mailserver::new_id("vote");
    crate::mailserver::send_unsigned(
        Some(&anne.address),
        &bot.account.address,
        &outlook_1252(
            &anne.address,
            &bot.account.address,
            &poll_id,
            &answer,
            b"Je peux le 2 et le 3, pas le 1 (j=92ai conseil municipal).",
        ),
    )
    .await;
    let noted = anne.answer_to(&answer).await;
    assert!(
        noted.body().contains("C'est noté, ")
            && noted.body().contains(
                "mercredi 11 décembre 2030, jeudi 12 décembre 2030 (n°1 « Prochaine rencontre »)"
            ),
        "{}",
        noted.body()
    );
    bot.stop().await;
    let export = bot.export();
    let choices = export["polls"][0]["choices"].as_array().expect("choices");
    let channels: Vec<Vec<&str>> = choices
        .iter()
        .map(|c| {
            c["voters"]
                .as_array()
                .expect("voters")
                .iter()
                .map(|v| v["channel"].as_str().unwrap_or_default())
                .collect()
        })
        .collect();
    assert_eq!(channels, [vec![], vec!["email"], vec!["email"]], "{export}");
}

/// A reply as Outlook writes it in Windows-1252: the new text (`text`,
/// already quoted-printable), Anne's name, then the poll under "De :".
fn outlook_1252(from: &str, to: &str, poll: &str, message_id: &str, text: &[u8]) -> Vec<u8> {
    let mut raw = format!(
        "Message-ID: <{message_id}>\r\nDate: Mon, 30 Nov 2026 17:05:00 +0100\r\nFrom: Anne Dupont <{from}>\r\nTo: greffier <{to}>\r\nSubject: RE: Sondage : Prochaine rencontre\r\nThread-Topic: Sondage : Prochaine rencontre\r\nIn-Reply-To: <{poll}>\r\nReferences: <{poll}>\r\nX-Mailer: Microsoft Outlook 16.0\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"Windows-1252\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    .into_bytes();
    raw.extend_from_slice(text);
    raw.extend_from_slice(
        b"\r\n\r\nAnne\r\n\r\n-----Message d'origine-----\r\nDe=A0: greffier <greffier@example.test>\r\nEnvoy=E9=A0: lundi 30 novembre 2026 16:40\r\n=C0=A0: Anne Dupont\r\nObjet=A0: Sondage : Prochaine rencontre\r\n\r\nBonjour Anne,\r\n\r\nQuelles dates vous conviennent pour =AB Prochaine rencontre =BB (Istres) ?\r\n\r\n1. mardi 10 d=E9cembre 2030\r\n2. mercredi 11 d=E9cembre 2030\r\n3. jeudi 12 d=E9cembre 2030\r\n",
    );
    raw
}
