//! Mail you can trust, against the real servers and the local DNS server
//! that publishes example.test's DKIM key: a forged From changes nothing
//! until the owner of the address confirms by replying; a signed mail is
//! applied; a tampered one is not; only the mailbox server's own
//! Authentication-Results count; a reply to one's invitation is proof
//! enough for its answer.

use greffier_testkit::mail::{send_unsigned, sign};

use crate::mailserver::{Account, MAIL_SERVER, MailBot, new_id, send, thunderbird};

/// A mail as Thunderbird writes it, in the thread of `answering` if given.
fn mail(from: &str, to: &str, id: &str, body: &str, answering: Option<&str>) -> Vec<u8> {
    let raw = thunderbird(from, to, "Commandes", id, body);
    match answering {
        Some(previous) => greffier_testkit::mail::answering(raw, &format!("<{previous}>")),
        None => raw,
    }
}

/// An unsigned mail from `from` to the bot (a forger's, or a client's that
/// signs nothing), in the thread of `answering` if given; its Message-ID.
async fn unsigned(
    bot: &MailBot,
    from: &Account,
    tag: &str,
    body: &str,
    answering: Option<&str>,
) -> String {
    let id = new_id(tag);
    let raw = mail(&from.address, &bot.account.address, &id, body, answering);
    send_unsigned(Some(&from.address), &bot.account.address, &raw).await;
    id
}

/// The status, lead and alice's answer, as the export says.
fn state(bot: &MailBot) -> (String, String, String) {
    let export = bot.export();
    let meeting = &export["meetings"][0];
    let status = if meeting["cancelled"].as_bool() == Some(true) {
        "cancelled"
    } else {
        "scheduled"
    };
    let lead = export["groups"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["slug"] == "messagerie"))
        .and_then(|g| g["lead"].as_str())
        .unwrap_or_default()
        .to_string();
    let answer = meeting["rsvps"][0]["status"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (status.to_string(), lead, answer)
}

/// Alice, of Berre (the lead of "messagerie"), member of the group and
/// invited to its meeting n°1; and the organisation Arles.
async fn alice(bot: &MailBot) -> Account {
    // Arles, the lead the forged mail names.
    let out = bot
        .scratch
        .console("@admin:example.test", &["!moi organisation Arles nouvelle"]);
    assert!(out.contains("Arles"), "{out}");
    let (alice, id) = bot.member_with_id("Berre").await;
    let out = bot.scratch.console(&id, &["!groupe rejoindre messagerie"]);
    assert!(out.contains("Bienvenue"), "{out}");
    let out = bot.scratch.console(
        "@admin:example.test",
        &["!reunion creer « Conseil » 2030-12-03 09:30 groupe messagerie"],
    );
    assert!(out.contains("par courriel"), "{out}");
    alice
        .wait_for("the invitation", |m| m.subject().starts_with("Invitation"))
        .await;
    alice
}

const FORGED: &str = "!excuse 1 \"malade\"\n!reunion annuler 1\n!groupe chef messagerie Arles";

#[tokio::test]
async fn a_forged_mail_changes_nothing_until_its_owner_confirms() {
    let _server = MAIL_SERVER.read().await;
    let mut bot = MailBot::new("trust-forged").await;
    bot.start();
    let alice = alice(&bot).await;
    let before = state(&bot);
    assert_eq!(
        before,
        ("scheduled".into(), "Berre".into(), "no_answer".into())
    );

    // Someone writes as alice, unsigned.
    let forged = unsigned(&bot, &alice, "forged", FORGED, None).await;
    let request = alice.answer_to(&forged).await;
    let body = request.body();
    assert!(body.contains("Rien n'a encore été fait pour"), "{body}");
    for line in FORGED.lines() {
        assert!(body.contains(line), "{line} in {body}");
    }
    assert_eq!(state(&bot), before, "nothing changed");
    let confirm_id = request.message_id().expect("a Message-ID");
    assert!(confirm_id.starts_with("confirm."), "{confirm_id}");

    // Alice replies to it (any words, unsigned: quoting the request's
    // Message-ID, which only her mailbox got, is the proof).
    let reply = unsigned(
        &bot,
        &alice,
        "confirm",
        "Oui, c'est bien moi.",
        Some(&confirm_id),
    )
    .await;
    let applied = alice.answer_to(&reply).await;
    assert!(
        applied.body().contains("absence excusée"),
        "{}",
        applied.body()
    );
    assert_eq!(
        state(&bot),
        ("cancelled".into(), "Arles".into(), "excused".into())
    );
    let export = bot.export();
    assert_eq!(export["meetings"][0]["rsvps"][0]["reason"], "malade");

    // A second reply changes nothing.
    let again = unsigned(&bot, &alice, "again", "Oui", Some(&confirm_id)).await;
    let told = alice.answer_to(&again).await;
    assert!(told.body().contains("déjà confirmé"), "{}", told.body());
    assert_eq!(bot.export(), export, "applied once");
    bot.assert_running();
    bot.stop().await;
}

#[tokio::test]
async fn a_signed_mail_is_applied_and_a_tampered_one_is_not() {
    let _server = MAIL_SERVER.read().await;
    let mut bot = MailBot::new("trust-signed").await;
    bot.start();
    let alice = alice(&bot).await;

    // Signed by example.test's outgoing server (what `send` does).
    let signed = new_id("signed");
    send(
        Some(&alice.address),
        &bot.account.address,
        &mail(
            &alice.address,
            &bot.account.address,
            &signed,
            "!excuse 1 \"en congés\"",
            None,
        ),
    )
    .await;
    let ok = alice.answer_to(&signed).await;
    assert!(ok.body().contains("absence excusée"), "{}", ok.body());
    assert_eq!(state(&bot).2, "excused");

    // The same kind of mail, signed, then one body line changed on the way.
    let tampered = new_id("tampered");
    let raw = sign(&mail(
        &alice.address,
        &bot.account.address,
        &tampered,
        "!present 1",
        None,
    ));
    let raw = String::from_utf8(raw)
        .expect("utf-8")
        .replace("!present 1", "!reunion annuler 1")
        .into_bytes();
    send_unsigned(Some(&alice.address), &bot.account.address, &raw).await;
    let held = alice.answer_to(&tampered).await;
    assert!(
        held.body().contains("Rien n'a encore été fait pour")
            && held.body().contains("!reunion annuler 1"),
        "{}",
        held.body()
    );
    assert_eq!(state(&bot).0, "scheduled");
    bot.stop().await;
}

/// Issue 34, case 5, on the real servers: a mail Alice signed and sent to
/// a colleague ("Je ne pourrai pas venir, je suis en congés"), which the
/// colleague then sends on to the bot as it was. Its signature still
/// verifies, but it was not written to the bot: nothing changes, and Alice
/// is asked to confirm.
#[tokio::test]
async fn a_signed_mail_to_someone_else_forwarded_changes_nothing() {
    let _server = MAIL_SERVER.read().await;
    let mut bot = MailBot::new("trust-forwarded").await;
    bot.start();
    let alice = alice(&bot).await;
    let colleague = Account::new("colleague").await;
    let before = state(&bot);
    let id = new_id("to-colleague");
    let raw = sign(&thunderbird(
        &alice.address,
        &colleague.address,
        "Re: Réunion",
        &id,
        "Je ne pourrai pas venir, je suis en congés",
    ));
    send_unsigned(Some(&colleague.address), &bot.account.address, &raw).await;
    let held = alice.answer_to(&id).await;
    assert!(
        held.body().contains("Rien n'a encore été fait pour"),
        "{}",
        held.body()
    );
    assert_eq!(state(&bot), before, "nothing changed");
    assert!(
        bot.logs().contains("not addressed to the bot"),
        "{}",
        bot.logs()
    );
    bot.assert_running();
    bot.stop().await;
}

#[tokio::test]
async fn only_the_mailbox_servers_own_results_are_believed() {
    let _server = MAIL_SERVER.read().await;
    let mut bot = MailBot::with_mail("trust-results", "authserv_id = \"mx.example.test\"").await;
    bot.start();
    let alice = alice(&bot).await;
    let with_results = |id: &str, results: &str, body: &str| {
        let mut raw = format!("Authentication-Results: {results}\r\n").into_bytes();
        raw.extend(mail(&alice.address, &bot.account.address, id, body, None));
        raw
    };

    // Another server's word: ignored.
    let forged = new_id("evil");
    send_unsigned(
        Some(&alice.address),
        &bot.account.address,
        &with_results(
            &forged,
            "evil.example; dmarc=pass header.from=example.test",
            "!reunion annuler 1",
        ),
    )
    .await;
    let held = alice.answer_to(&forged).await;
    assert!(
        held.body().contains("Rien n'a encore été fait pour"),
        "{}",
        held.body()
    );
    assert_eq!(state(&bot).0, "scheduled");

    // The mailbox server's own, as it writes it at the top.
    let own = new_id("own");
    send_unsigned(
        Some(&alice.address),
        &bot.account.address,
        &with_results(
            &own,
            "mx.example.test;\r\n\tdkim=pass (signature verified) header.d=example.test;\r\n\tdmarc=pass (p=reject) header.from=example.test",
            "!excuse 1",
        ),
    )
    .await;
    let ok = alice.answer_to(&own).await;
    assert!(ok.body().contains("absence excusée"), "{}", ok.body());
    assert_eq!(state(&bot).2, "excused");
    bot.stop().await;
}

#[tokio::test]
async fn a_reply_to_ones_invitation_is_proof_enough_for_its_answer() {
    let _server = MAIL_SERVER.read().await;
    let mut bot = MailBot::new("trust-rsvp").await;
    bot.start();
    let (alice, _) = bot.member_with_id("Berre").await;
    let out = bot.scratch.console(
        "@admin:example.test",
        &["!reunion creer « Conseil » 2030-12-03 09:30"],
    );
    assert!(out.contains("par courriel"), "{out}");
    let invitation = alice
        .wait_for("the invitation", |m| m.subject().starts_with("Invitation"))
        .await;
    let invitation_id = invitation.message_id().expect("a Message-ID");

    // The same words in a new mail, unsigned: held.
    let fresh = unsigned(&bot, &alice, "fresh", "Je serai présente.", None).await;
    let held = alice.answer_to(&fresh).await;
    assert!(
        held.body().contains("Rien n'a encore été fait pour")
            && held.body().contains("présence pour la réunion n°1"),
        "{}",
        held.body()
    );
    assert_eq!(
        bot.export()["meetings"][0]["rsvps"][0]["status"],
        "no_answer"
    );

    // A reply to her invitation, unsigned: applied.
    let reply = unsigned(
        &bot,
        &alice,
        "reply",
        "Je serai présente.",
        Some(&invitation_id),
    )
    .await;
    let ok = alice.answer_to(&reply).await;
    assert!(ok.body().contains("présence annoncée"), "{}", ok.body());
    assert_eq!(bot.export()["meetings"][0]["rsvps"][0]["status"], "present");
    bot.stop().await;
}
