//! Meetings against the real mail servers: invitations with an iTIP part
//! that real parsers read, and answers from a calendar button, from a
//! French sentence in ISO-8859-1, from a reaction in the group's room, and
//! from someone who was not invited.

use icalendar::{Component, EventLike};

use crate::mailserver::{MAIL_SERVER, MailBot, send, thunderbird_accept};
use crate::synapse::{SERVER, User};

fn id(tag: &str) -> String {
    crate::mailserver::new_id(tag)
}

/// A French answer in ISO-8859-1 quoted-printable, the invitation quoted.
fn latin1_excuse(from: &str, to: &str, invitation: &str, message_id: &str) -> Vec<u8> {
    let mut raw = format!(
        "Message-ID: <{message_id}>\r\nDate: Mon, 23 Nov 2026 10:05:00 +0100\r\nFrom: {from}\r\nTo: {to}\r\nSubject: RE: Invitation : Conf=?ISO-8859-1?Q?=E9rence?= DSI\r\nIn-Reply-To: <{invitation}>\r\nReferences: <{invitation}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    .into_bytes();
    raw.extend_from_slice(
        b"Je ne pourrai pas =EAtre pr=E9sent, je suis en r=E9union =E0 la M=E9tropole\r\n\r\nLe 22/11/2026 =E0 19:50, greffier a =E9crit :\r\n> Vous =EAtes invit=E9(e) =E0 =AB Conf=E9rence DSI =BB.\r\n> R=E9pondez par =AB pr=E9sent =BB ou =AB excus=E9 =BB.\r\n",
    );
    raw
}

#[tokio::test]
async fn invitations_and_answers_from_every_channel() {
    let _mail = MAIL_SERVER.read().await;
    let _matrix = SERVER.read().await;
    // Alice, the admin, lives in Matrix; the others answer by mail.
    let mut alice = User::new().await;
    let mut bot = MailBot::with_matrix("meetings", &alice.id).await;
    bot.start();
    let bot_matrix = bot.matrix_id.clone().expect("a Matrix bot");
    let (anne, anne_id) = bot.member_with_id("Arles").await;
    let (jp, jp_id) = bot.member_with_id("Vitrolles").await;
    let (dora, _) = bot.member_with_id("Fos").await;
    for who in [&anne_id, &jp_id] {
        let out = bot.scratch.console(who, &["!groupe rejoindre messagerie"]);
        assert!(out.contains("Bienvenue"), "{out}");
    }
    let room = alice.create_room(false, &[&bot_matrix]).await;
    alice.welcome(&bot_matrix, &room).await;
    for line in [
        "!groupe lier messagerie",
        "!moi organisation Istres",
        "!groupe rejoindre messagerie",
    ] {
        let asked = alice.say(&room, line).await;
        alice.reply_to(&bot_matrix, &asked).await;
    }
    // French as a clerk writes it, in a real room (issue 38): an
    // impossible date named as such; below, the date and hour in words.
    let asked = alice
        .say(&room, "!sondage creer « Choix » 2030-02-30 2030-03-02")
        .await;
    let refused = alice.reply_to(&bot_matrix, &asked).await;
    assert!(
        refused
            .body()
            .contains("la date « 2030-02-30 » n'existe pas"),
        "{}",
        refused.body()
    );
    let asked = alice
        .say(
            &room,
            "!reunion creer « Conférence DSI » 2030-12-03 09:30 lieu « Mairie d'Arles » groupe messagerie",
        )
        .await;
    let created = alice.reply_to(&bot_matrix, &asked).await;
    assert!(
        created
            .body()
            .contains("mardi 3 décembre 2030 à 9 h 30, Mairie d'Arles créée : 3 invités, 2 invitations envoyées"),
        "{}",
        created.body()
    );

    // Each invitee with an address gets an invitation whose calendar part
    // a real parser reads.
    let mut invitations = Vec::new();
    for who in [&anne, &jp] {
        let mail = who
            .wait_for("the invitation", |m| m.subject().starts_with("Invitation"))
            .await;
        let (ics, content_type) = mail.calendar().expect("a calendar part");
        assert!(
            content_type.to_lowercase().contains("method=request"),
            "{content_type}"
        );
        let calendar: icalendar::Calendar = ics.parse().expect("iCalendar");
        assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));
        let event = calendar.events().next().expect("an event");
        assert_eq!(event.get_summary(), Some("Conférence DSI"));
        assert_eq!(event.get_location(), Some("Mairie d'Arles"));
        assert_eq!(event.get_sequence(), Some(0));
        assert!(event.get_start().is_some() && event.get_end().is_some());
        assert!(ics.contains(&format!(
            "ORGANIZER;CN=greffier:mailto:{}",
            bot.account.address
        )));
        assert!(ics.replace("\r\n ", "").contains(&format!(
            "PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{}",
            who.address
        )));
        invitations.push((
            mail.message_id().expect("Message-ID"),
            event.get_uid().expect("UID").to_string(),
        ));
    }
    let uid = invitations[0].1.clone();
    assert!(
        invitations.iter().all(|(_, u)| *u == uid),
        "one UID for all"
    );

    // Anne clicks Accept in Thunderbird.
    let accept = id("accept");
    send(
        Some(&anne.address),
        &bot.account.address,
        &thunderbird_accept(&anne.address, &bot.account.address, &uid, &accept),
    )
    .await;
    let ok = anne.answer_to(&accept).await;
    assert!(ok.body().contains("présence annoncée"), "{}", ok.body());

    // Jean-Pierre answers in French, from an old client.
    let excuse = id("excuse");
    send(
        Some(&jp.address),
        &bot.account.address,
        &latin1_excuse(
            &jp.address,
            &bot.account.address,
            &invitations[1].0,
            &excuse,
        ),
    )
    .await;
    let ok = jp.answer_to(&excuse).await;
    assert!(
        ok.body().contains("je suis en réunion à la Métropole"),
        "{}",
        ok.body()
    );

    // Alice reacts ❌ to the announcement in the group's room.
    let bot_id = bot_matrix.as_str().to_string();
    let announcement = alice
        .wait_for("the announcement", |s| {
            s.room == room
                && s.sender() == bot_id
                && s.is_post()
                && s.body().contains("Conférence DSI")
        })
        .await;
    let announcement: matrix_sdk::ruma::OwnedEventId = announcement.json["event_id"]
        .as_str()
        .expect("event id")
        .try_into()
        .expect("event id");
    let no = alice.react(&room, &announcement, "❌").await;
    let ok = alice.reply_to(&bot_matrix, &no).await;
    assert!(ok.body().contains("absence excusée"), "{}", ok.body());

    // Dora answers Anne's invitation: nothing changes, she is told why.
    let stray = id("stray");
    send(
        Some(&dora.address),
        &bot.account.address,
        &format!(
            "Message-ID: <{stray}>\r\nFrom: {}\r\nTo: {}\r\nSubject: Re: Invitation\r\nIn-Reply-To: <{}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPrésent\r\n",
            dora.address, bot.account.address, invitations[0].0
        )
        .into_bytes(),
    )
    .await;
    let told = dora.answer_to(&stray).await;
    assert!(
        told.body().contains("ne vous était pas adressée"),
        "{}",
        told.body()
    );

    let out = bot
        .scratch
        .console("@admin:example.test", &["!reunion presences 1"]);
    assert!(out.contains("Présents (1) :\n• Arles : "), "{out}");
    assert!(out.contains("Excusés (2) :\n• Istres : "), "{out}");
    assert!(
        out.contains("• Vitrolles : ") && out.contains("(je suis en réunion à la Métropole)"),
        "{out}"
    );
    assert!(out.contains("Sans réponse (0) :"), "{out}");

    // A change reaches the invitees as an update of the same event.
    let asked = alice.say(&room, "!reunion modifier 1 heure 10:00").await;
    let changed = alice.reply_to(&bot_matrix, &asked).await;
    assert!(changed.body().contains("à 10 h"), "{}", changed.body());
    let update = anne
        .wait_for("the update", |m| m.subject().starts_with("Modifié"))
        .await;
    let (ics, _) = update.calendar().expect("a calendar part");
    let calendar: icalendar::Calendar = ics.parse().expect("iCalendar");
    let event = calendar.events().next().expect("an event");
    assert_eq!(event.get_uid(), Some(uid.as_str()));
    assert_eq!(event.get_sequence(), Some(1));
    bot.stop().await;
    let export = bot.export();
    let rsvps: Vec<(String, String, String, Option<String>)> = export["meetings"][0]["rsvps"]
        .as_array()
        .expect("rsvps")
        .iter()
        .map(|r| {
            (
                r["organisation"].as_str().unwrap_or_default().to_string(),
                r["status"].as_str().unwrap_or_default().to_string(),
                r["channel"].as_str().unwrap_or_default().to_string(),
                r["reason"].as_str().map(str::to_string),
            )
        })
        .collect();
    assert_eq!(
        rsvps,
        [
            ("Arles".into(), "present".into(), "itip".into(), None),
            ("Istres".into(), "excused".into(), "reaction".into(), None),
            (
                "Vitrolles".into(),
                "excused".into(),
                "email".into(),
                Some("je suis en réunion à la Métropole".into())
            ),
        ]
    );
}

#[tokio::test]
async fn a_reminder_goes_once_even_across_restarts() {
    let _mail = MAIL_SERVER.read().await;
    let mut bot =
        MailBot::with_tables("meetings-remind", "[meetings]\nremind_days_before = 3\n").await;
    bot.start();
    let (member, member_id) = bot.member_with_id("Arles").await;
    let out = bot
        .scratch
        .console(&member_id, &["!groupe rejoindre messagerie"]);
    assert!(out.contains("Bienvenue"), "{out}");
    // A meeting in two days: within the three days of the reminders.
    let day = jiff::Zoned::now()
        .checked_add(jiff::SignedDuration::from_hours(48))
        .expect("date")
        .date();
    let out = bot.scratch.console(
        "@admin:example.test",
        &[&format!(
            "!reunion creer « Point rapide » {day} 18:00 groupe messagerie"
        )],
    );
    assert!(out.contains("créée"), "{out}");
    // The scheduler runs at start and every minute: restart it for a new
    // run at once.
    bot.stop().await;
    bot.start();
    member
        .wait_for("the reminder", |m| m.subject().starts_with("Rappel"))
        .await;
    crate::mailserver::no_second_reminder(&mut bot, &member).await;
}

/// Outlook's Decline with a comment: a COMMENT with a language parameter,
/// folded, on two lines, with quotes of both kinds and escaped punctuation.
fn outlook_decline(from: &str, to: &str, uid: &str, message_id: &str) -> Vec<u8> {
    format!(
        "Message-ID: <{message_id}>\r\nDate: Mon, 23 Nov 2026 11:00:00 +0100\r\nFrom: Anne <{from}>\r\nTo: {to}\r\nSubject: =?utf-8?Q?Refus=C3=A9_=3A_Conseil?=\r\nMIME-Version: 1.0\r\nX-Mailer: Microsoft Outlook 16.0\r\nContent-Type: multipart/alternative; boundary=\"_000_outlook_\"\r\n\r\n--_000_outlook_\r\nContent-Type: text/plain; charset=\"utf-8\"\r\nContent-Transfer-Encoding: 8bit\r\n\r\nDésolée, je serai au « conseil municipal »\r\nqui finit \"tard\" ; vraiment désolée.\r\n\r\n--_000_outlook_\r\nContent-Type: text/calendar; charset=\"utf-8\"; method=REPLY\r\nContent-Transfer-Encoding: 8bit\r\n\r\nBEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nPRODID:Microsoft Exchange Server 2010\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT=DECLINED;CN=Anne:mailto:{from}\r\nCOMMENT;LANGUAGE=fr-FR:Désolée\\, je serai au « conseil municipal »\\nqui fin\r\n it \"tard\" \\; vraiment désolée.\r\nUID:{uid}\r\nSUMMARY;LANGUAGE=fr-FR:Refusé : Conseil\r\nDTSTAMP:20261123T100000Z\r\nSEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n\r\n--_000_outlook_--\r\n"
    )
    .into_bytes()
}

/// The reason of a decline is the invitee's comment, every character of
/// it: line break, « » and " quotes, the comma and the semicolon that the
/// calendar escapes. (The answer used to be printed as `!excuse 1 "…"` and
/// parsed again: the quotes were dropped and a second line broke it.)
#[tokio::test]
async fn a_decline_keeps_its_multi_line_comment_whole() {
    let _mail = MAIL_SERVER.read().await;
    let mut bot = MailBot::new("meetings-comment").await;
    bot.start();
    let (anne, _) = bot.member_with_id("Arles").await;
    let out = bot.scratch.console(
        "@admin:example.test",
        &["!reunion creer « Conseil » 2030-12-03 09:30 lieu « Arles »"],
    );
    assert!(out.contains("par courriel"), "{out}");
    let invitation = anne
        .wait_for("the invitation", |m| m.subject().starts_with("Invitation"))
        .await;
    let (ics, _) = invitation.calendar().expect("a calendar part");
    let calendar: icalendar::Calendar = ics.parse().expect("iCalendar");
    let uid = calendar
        .events()
        .next()
        .and_then(|e| e.get_uid().map(str::to_string))
        .expect("a UID");

    let decline = id("decline");
    send(
        Some(&anne.address),
        &bot.account.address,
        &outlook_decline(&anne.address, &bot.account.address, &uid, &decline),
    )
    .await;
    let ok = anne.answer_to(&decline).await;
    let comment =
        "Désolée, je serai au « conseil municipal »\nqui finit \"tard\" ; vraiment désolée.";
    // Shown on one line; stored whole.
    assert!(
        ok.body().contains(
            "(Désolée, je serai au « conseil municipal » qui finit \"tard\" ; vraiment désolée.)"
        ),
        "{}",
        ok.body()
    );
    let roster = bot
        .scratch
        .console("@admin:example.test", &["!reunion presences 1"]);
    assert!(
        roster.contains("Excusés (1) :\n• Arles : ") && roster.contains("municipal » qui finit"),
        "{roster}"
    );
    bot.stop().await;
    let export = bot.export();
    let rsvp = &export["meetings"][0]["rsvps"][0];
    assert_eq!(rsvp["status"], "excused", "{rsvp}");
    assert_eq!(rsvp["channel"], "itip", "{rsvp}");
    assert_eq!(rsvp["reason"].as_str(), Some(comment), "{rsvp}");
}
