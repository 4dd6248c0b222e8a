//! The red team's nine reproductions of issue 34, replayed as they were
//! written, each shown refused. They run through the same path as a mail
//! read from IMAP (`greffier::mail::handle_mail`, on the hostile corpus's
//! world: Anne the admin and Paul invited to meeting n°1) or through the
//! commands as typed; the cases about a real server are also proven
//! against it elsewhere, named at each case.

use greffier::inbox::{Inbound, Inbox, Input};
use greffier::mail::Fate;
use greffier::mail::auth::{Authentication, Proof, Verifier};
use greffier_commands::store::People as _;
use greffier_commands::store::{Identity, IdentityKind};
use greffier_commands::{Action, Channel, Context, Origin};
use greffier_storage::Database;

use crate::hostile::{ANNE, BOT, Outcome, PAUL, ctx, run_proven, world};

/// A mail from Paul, as a client writes it.
fn mail(id: &str, to: &str, subject: &str, body: &str) -> Vec<u8> {
    mail_from(PAUL, id, to, subject, body)
}

fn mail_from(from: &str, id: &str, to: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: Paul Girard <{from}>\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{id}@example.test>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// Paul's answer to meeting n°1, as the export says.
fn pauls_answer(o: &Outcome) -> Option<String> {
    let rsvps = |e: &greffier_storage::Export| {
        e.meetings
            .iter()
            .flat_map(|m| m.rsvps.iter())
            .find(|r| r.person == "Paul Girard")
            .map(|r| r.status.clone())
    };
    assert_eq!(rsvps(&o.before), rsvps(&o.after), "Paul's answer changed");
    rsvps(&o.after)
}

/// Case 1: an address that is a path (`%2e%2e/…#@attacker.org`) cannot be
/// linked. (Against the real Mailman, with such an address already stored:
/// lists::an_address_made_of_a_path_deletes_no_list.)
#[test]
fn case_1_an_address_made_of_a_path_is_refused() {
    let inbox = world();
    let line = "!moi lier %2e%2e/%2e%2e/victime.lists.example.test#@attacker.org";
    let reply = console(&inbox, &ctx(), "@mallory:example.test", line);
    assert!(reply.contains("adresse électronique invalide"), "{reply}");
    assert!(Identity::parse("%2e%2e/%2e%2e/victime.lists.example.test#@attacker.org").is_none());
}

/// Case 2: one mail of a 16 KB line of "e" from an invitee, before any
/// hold. It is read as an answer that says nothing (the sender is asked
/// for présent or excusé), and so is a mail of 5 MB of one word. (Against
/// the real servers: mail::a_mail_of_one_word_repeated_does_not_stall_the_mailbox.)
#[test]
fn case_2_a_long_run_of_letters_is_read_as_nothing() {
    let inbox = world();
    for (n, size) in [16 * 1024, 5 << 20].into_iter().enumerate() {
        let raw = mail(
            &format!("eee-{n}"),
            BOT,
            "Conférence DSI",
            &"e".repeat(size),
        );
        let o = run_proven(&inbox, &raw, &Proof::Believed);
        assert_eq!(o.fate, Fate::Done);
        assert_eq!(pauls_answer(&o).as_deref(), Some("no_answer"));
        assert!(
            o.answers.iter().any(|(_, text)| text.contains("présent")),
            "{:?}",
            o.answers
        );
    }
}

/// Case 3: a header block with a form-feed line and a lone-space line,
/// where mail-auth read `attacker@evil.example` (signed: pass) and
/// greffier acted as the victim. It is quarantined; and a proof made for
/// another From than the one greffier reads vouches for nothing.
#[test]
fn case_3_two_readings_of_from_are_refused() {
    let inbox = world();
    let raw = format!(
        "From: Paul Girard <{PAUL}>\r\n\x0c\r\n \r\nFrom: attacker@evil.example\r\nTo: {BOT}\r\nSubject: !reunion annuler 1\r\nMessage-ID: <ff@evil.example>\r\n\r\n!reunion annuler 1\r\n"
    );
    let evil = Proof::Signed {
        domain: "evil.example".into(),
        from: "attacker@evil.example".into(),
    };
    let o = run_proven(&inbox, raw.as_bytes(), &evil);
    assert_eq!(o.fate, Fate::Quarantine);
    assert!(o.answers.is_empty() && o.before == o.after);
    // The same proof on a plain mail from Paul: quarantined too.
    let raw = mail("plain", BOT, "!reunion annuler 1", "!reunion annuler 1");
    let o = run_proven(&inbox, &raw, &evil);
    assert_eq!(o.fate, Fate::Quarantine);
    assert!(o.before == o.after);
}

/// Case 4: 200 forged mails with no command ("Je ne pourrai pas venir")
/// give at most one confirmation mail to their victim, and at most one
/// held request.
#[test]
fn case_4_a_flood_of_forged_mail_makes_one_confirmation() {
    let inbox = world();
    let mut mails = 0;
    for n in 0..200 {
        let raw = mail(
            &format!("flood-{n}"),
            BOT,
            "Re: Conférence DSI",
            "Je ne pourrai pas venir",
        );
        let o = run_proven(&inbox, &raw, &Proof::Unproven("forged"));
        assert_eq!(pauls_answer(&o).as_deref(), Some("no_answer"));
        mails += o.composed.len();
    }
    assert_eq!(mails, 1, "one confirmation request, then silence");
    let held: i64 = inbox
        .db()
        .read(ctx().now, |tx| {
            use greffier_commands::store::HeldRequests as _;
            Ok(tx
                .held_since(PAUL, ctx().now - jiff::SignedDuration::from_hours(24))?
                .1 as i64)
        })
        .expect("held");
    assert_eq!(held, 1);
}

/// Case 5: a DKIM-signed mail Paul sent to a colleague ("Je ne pourrai pas
/// venir, je suis en congés"), forwarded to the bot as it was: it changes
/// nothing (the bot's address is in neither To nor Cc). And a signature
/// older than three days proves nothing (against the real DNS server).
#[tokio::test]
async fn case_5_a_replayed_signed_mail_changes_nothing() {
    let inbox = world();
    let raw = mail(
        "to-colleague",
        "colleague@example.test",
        "Re: Conférence DSI",
        "Je ne pourrai pas venir, je suis en congés",
    );
    let signed = Proof::Signed {
        domain: "example.test".into(),
        from: PAUL.into(),
    };
    let o = run_proven(&inbox, &raw, &signed);
    assert_eq!(pauls_answer(&o).as_deref(), Some("no_answer"));

    // Signed today by example.test's key (published by the local DNS
    // server): proven now, not four days from now.
    let servers = greffier_testkit::matrix::Servers::get();
    let dns: std::net::SocketAddr = servers.var("DNS_ADDR").parse().expect("DNS_ADDR");
    let verifier = Verifier::new(Authentication::Dkim, Some(dns), None).expect("verifier");
    let from = format!("paul.girard@{}", servers.var("DKIM_DOMAIN"));
    let raw = mail_from(&from, "aged", BOT, "Re: Conférence DSI", "Excusé");
    let raw = greffier_testkit::mail::sign(&raw);
    let now = jiff::Timestamp::now();
    let proof = verifier.check_at(&raw, now).await;
    assert!(proof.vouches_for(&from), "{proof:?}");
    let later = now + jiff::SignedDuration::from_hours(96);
    let proof = verifier.check_at(&raw, later).await;
    assert_eq!(
        proof,
        Proof::Unproven("the only signature for the From domain is too old")
    );
}

/// Case 6: with lists on, `!moi oublier confirmer` queued the
/// unsubscriptions after erasing, with the address, kept for 90 days once
/// delivered and for ever once failed. Settled, they keep nothing of it,
/// and no byte of the address is left in the database's files. (Against
/// the real Mailman: lists::a_group_that_becomes_active_gets_its_list_on_mailman.)
#[test]
fn case_6_an_erased_address_leaves_the_database_once_unsubscribed() {
    let dir = std::env::temp_dir().join(format!("greffier-red-team-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let path = dir.join("greffier.db");
    let ctx = Context {
        lists_domain: Some("lists.example.test".into()),
        ..ctx()
    };
    let paul = "paul.erased@example.test";
    {
        let inbox = Inbox::new(
            Database::open(&path).expect("database"),
            greffier::channels::routes(),
        );
        inbox
            .db()
            .write(ctx.now, |tx| {
                tx.create_person("Paul Girard", None, &email(paul))?;
                Ok(())
            })
            .expect("Paul");
        console(&inbox, &ctx, paul, "!moi oublier");
        let reply = console(&inbox, &ctx, paul, "!moi oublier confirmer");
        assert!(reply.contains("C'est fait"), "{reply}");
        let db = inbox.db();
        let items = db.pending(Channel::LISTS, ctx.now, 100).expect("pending");
        assert_eq!(items.len(), 1, "{items:?}");
        // Delivered, or failed for good: either way nothing stays.
        db.mark_failed(
            items[0].id,
            ctx.now,
            &format!("Mailman: unsubscribe {paul}: HTTP 400"),
        )
        .expect("failed");
        let item = db.outbox_item(items[0].id).expect("item").expect("kept");
        assert!(
            matches!(&item.action, Action::UnsubscribeEverywhere { address } if address.is_empty()),
            "{item:?}"
        );
    }
    for name in ["greffier.db", "greffier.db-wal"] {
        let Ok(bytes) = std::fs::read(dir.join(name)) else {
            continue;
        };
        assert!(
            !bytes.windows(paul.len()).any(|w| w == paul.as_bytes()),
            "{name} holds the address"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Case 7: after an admin's `!organisation refuser @x`, a confirmed member's
/// `!organisation accepter @x` confirmed x. Now refused.
#[test]
fn case_7_a_member_cannot_overturn_an_admins_refusal() {
    let inbox = world();
    console(&inbox, &ctx(), "@x:example.test", "!moi organisation Arles");
    let reply = console(
        &inbox,
        &ctx(),
        ANNE,
        "!organisation refuser @x:example.test",
    );
    assert!(reply.contains("refusée"), "{reply}");
    let reply = console(
        &inbox,
        &ctx(),
        PAUL,
        "!organisation accepter @x:example.test",
    );
    assert_eq!(
        reply,
        "Refusé : réservé aux administrateurs de revenir sur un refus."
    );
}

/// Case 8: `dmarc=pass` believed without its `header.from`, in the
/// Authentication-Results of the trusted mailbox server.
#[tokio::test]
async fn case_8_dmarc_pass_needs_its_header_from() {
    let verifier = Verifier::new(
        Authentication::Dkim,
        Some("127.0.0.1:9".parse().expect("addr")),
        Some("mx.example.test".into()),
    )
    .expect("verifier");
    let with = |results: &str| {
        let mut raw = format!("Authentication-Results: {results}\r\n").into_bytes();
        raw.extend(mail("ar", BOT, "!reunion annuler 1", "!reunion annuler 1"));
        raw
    };
    for results in [
        "mx.example.test; dmarc=pass",
        "mx.example.test; dmarc=pass header.from=evil.example",
    ] {
        let proof = verifier.check(&with(results)).await;
        assert!(!proof.vouches_for(PAUL), "{results}: {proof:?}");
    }
    let proof = verifier
        .check(&with(
            "mx.example.test; dmarc=pass header.from=example.test",
        ))
        .await;
    assert!(proof.vouches_for(PAUL), "{proof:?}");
}

/// Case 9: `!moi lier x@y` said "déjà liée à quelqu'un d'autre", which told
/// anyone which addresses to forge. Now the answer is the one a free
/// address gets.
#[test]
fn case_9_linked_addresses_cannot_be_enumerated() {
    let inbox = world();
    let linked = console(
        &inbox,
        &ctx(),
        "@mallory:example.test",
        &format!("!moi lier {PAUL}"),
    );
    let free = console(
        &inbox,
        &ctx(),
        "@mallory:example.test",
        "!moi lier personne@example.test",
    );
    assert_eq!(linked, free.replace("personne@example.test", PAUL));
}

fn email(address: &str) -> Identity {
    Identity {
        kind: IdentityKind::Email,
        value: address.into(),
    }
}

/// `who` types `line` at the console: the reply.
fn console(inbox: &Inbox, ctx: &Context, who: &str, line: &str) -> String {
    let sender = Identity::parse(who).expect("an identity");
    let inbound = Inbound {
        origin: Origin::Console,
        key: None,
        sender,
        display_name: None,
        authenticated: true,
        input: Input::Lines(vec![line.into()]),
    };
    let greffier::inbox::Handled::Queued(ids) = inbox.run(ctx, &inbound).expect("run") else {
        panic!("{line}: not handled");
    };
    let db = inbox.db();
    ids.iter()
        .filter_map(|id| db.outbox_item(*id).expect("item"))
        .find_map(|i| match i.action {
            Action::Reply { text, .. } => Some(text),
            _ => None,
        })
        .unwrap_or_default()
}
