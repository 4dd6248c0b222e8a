//! The directory against the real mail servers: from the seed minutes'
//! import, an admin gives Louis MORALES (Ouest Provence) an address;
//! greffier writes to it at once (its welcome mail, a meeting's
//! invitation); a signed command from it before he answered the welcome
//! mail is held as unproven mail is; his "Je serai présent" in reply to
//! the invitation counts, and proves the address.

use crate::mailserver::{Account, MAIL_SERVER, MailBot, answering, new_id, send, thunderbird};
use crate::support::assert_clean;

#[tokio::test]
async fn a_person_of_the_minutes_is_reached_at_the_address_an_admin_gives() {
    let _server = MAIL_SERVER.read().await;
    let mut bot = MailBot::new("directory-louis").await;
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/minutes/2007-06-11-conference-dsi-13.txt"
    );
    assert_clean(&bot.scratch.run(&["import-minutes", seed], b""));
    bot.start();
    let louis = Account::new("louis").await;
    let out = bot.scratch.console(
        "@admin:example.test",
        &[&format!(
            "!personne adresse Louis MORALES {}",
            louis.address
        )],
    );
    assert!(
        out.contains(&format!(
            "Adresse {} déclarée pour Louis MORALES",
            louis.address.to_lowercase()
        )),
        "{out}"
    );
    let welcome = louis
        .wait_for("the welcome mail", |m| m.subject().starts_with("Bienvenue"))
        .await;
    assert!(
        welcome.body().contains("répondez simplement à ce message")
            && !welcome.body().contains("Matrix"),
        "{}",
        welcome.body()
    );

    // A signed command before he answered the welcome mail: held.
    let held = bot.ask(&louis, "!groupe rejoindre messagerie").await;
    assert!(
        held.body().contains("Rien n'a encore été fait pour"),
        "{}",
        held.body()
    );

    // A meeting of the network invites him at that address.
    let out = bot.scratch.console(
        "@admin:example.test",
        &["!reunion creer « Conférence DSI » 2030-12-03 09:30"],
    );
    assert!(out.contains("invitation(s) envoyée(s)"), "{out}");
    let invitation = louis
        .wait_for("the invitation", |m| m.subject().starts_with("Invitation"))
        .await;
    let invitation_id = invitation.message_id().expect("a Message-ID");
    // He answers it as Thunderbird writes a reply: it counts.
    let asked = new_id("louis-rsvp");
    send(
        Some(&louis.address),
        &bot.account.address,
        &answering(
            thunderbird(
                &format!("Louis MORALES <{}>", louis.address),
                &bot.account.address,
                "Re: Invitation : Conférence DSI",
                &asked,
                "Je serai présent.\n\nLouis",
            ),
            &format!("<{invitation_id}>"),
        ),
    )
    .await;
    let answer = louis.answer_to(&asked).await;
    assert!(answer.body().contains("présent"), "{}", answer.body());
    let export = bot.export();
    let meeting = export["meetings"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["title"] == "Conférence DSI"))
        .expect("the meeting")
        .clone();
    let rsvp = meeting["rsvps"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["person"] == "Louis MORALES"))
        .expect("Louis's answer")
        .clone();
    assert_eq!(rsvp["status"], "present", "{rsvp}");
    // The address is now his, verified: `!personne info` says so.
    let out = bot
        .scratch
        .console("@admin:example.test", &["!personne info Louis MORALES"]);
    assert!(
        out.contains(&format!(
            "Adresse : {} (vérifiée)",
            louis.address.to_lowercase()
        )),
        "{out}"
    );
    bot.stop().await;
}

/// A member who only reads mail joins the network, is confirmed, joins a
/// group and answers an invitation, all by mail: no answer speaks of
/// Matrix or of rooms.
#[tokio::test]
async fn a_member_by_mail_only_joins_and_answers_without_hearing_of_matrix() {
    let _server = MAIL_SERVER.read().await;
    let mut bot = MailBot::new("directory-mail-only").await;
    bot.start();
    let claire = Account::new("claire").await;
    // Who she is, by mail: held until she confirms by replying.
    let asked = bot
        .mail_command(&claire, "!moi nom « Claire FABRE » organisation Berre")
        .await;
    let held = claire.answer_to(&asked).await;
    assert!(
        held.body().contains("Rien n'a encore été fait pour")
            && held
                .body()
                .contains("!moi nom « Claire FABRE » organisation Berre"),
        "{}",
        held.body()
    );
    let confirm_id = held.message_id().expect("a Message-ID");
    let asked = new_id("claire-confirm");
    send(
        Some(&claire.address),
        &bot.account.address,
        &answering(
            thunderbird(
                &format!("Claire FABRE <{}>", claire.address),
                &bot.account.address,
                &format!("Re: {}", held.subject()),
                &asked,
                "Oui, c'est bien moi.",
            ),
            &format!("<{confirm_id}>"),
        ),
    )
    .await;
    let welcomed = claire.answer_to(&asked).await;
    assert!(
        welcomed.body().contains("Bienvenue, Claire FABRE")
            && welcomed
                .body()
                .contains("vous vous déclarez membre de Berre"),
        "{}",
        welcomed.body()
    );
    // An admin confirms her; she is told by mail.
    let out = bot.scratch.console(
        "@admin:example.test",
        &[&format!("!organisation accepter {}", claire.address)],
    );
    assert!(out.contains("membre confirmé(e) de Berre"), "{out}");
    claire
        .wait_for("her confirmation", |m| m.body().contains("confirm"))
        .await;
    // She joins the group, and answers its meeting's invitation.
    let joined = bot.ask(&claire, "!groupe rejoindre messagerie").await;
    assert!(
        !joined.body().starts_with("Refusé") && joined.body().contains("messagerie"),
        "{}",
        joined.body()
    );
    let out = bot.scratch.console(
        "@admin:example.test",
        &["!reunion creer « Atelier messagerie » 2030-12-04 10:00 groupe messagerie"],
    );
    assert!(out.contains("invitation(s) envoyée(s)"), "{out}");
    let invitation = claire
        .wait_for("the invitation", |m| m.subject().starts_with("Invitation"))
        .await;
    let asked = new_id("claire-rsvp");
    send(
        Some(&claire.address),
        &bot.account.address,
        &answering(
            thunderbird(
                &format!("Claire FABRE <{}>", claire.address),
                &bot.account.address,
                "Re: Invitation : Atelier messagerie",
                &asked,
                "Je serai présente.",
            ),
            &format!("<{}>", invitation.message_id().expect("a Message-ID")),
        ),
    )
    .await;
    let answered = claire.answer_to(&asked).await;
    assert!(answered.body().contains("présent"), "{}", answered.body());
    let export = bot.export();
    let rsvp = export["meetings"][0]["rsvps"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["person"] == "Claire FABRE"))
        .expect("Claire's answer")
        .clone();
    assert_eq!(rsvp["status"], "present", "{rsvp}");
    // Nothing she received speaks of Matrix or of rooms.
    for raw in claire.mails("INBOX").await {
        let mail = greffier_testkit::mail::Mail::new(raw);
        let text = format!("{}\n{}", mail.subject(), mail.body());
        assert!(
            !text.contains("Matrix") && !text.contains("salon"),
            "{text}"
        );
    }
    bot.stop().await;
}
