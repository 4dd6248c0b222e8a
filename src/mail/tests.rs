//! The mailbox's limits as the inbox applies them from this channel's
//! route: sixty command lines an hour per sender.

use super::ROUTE;
use crate::inbox::{Handled, Inbound, Inbox, Input};
use greffier_commands::Lang;
use greffier_commands::store::Identity;
use greffier_commands::store::IdentityKind;
use greffier_commands::{Action, Context, Origin};
use jiff::Timestamp;

fn ctx(now: Timestamp) -> Context {
    Context {
        lang: Lang::Fr,
        prefix: "!".into(),
        admins: Vec::new(),
        quorum: 3,
        timezone: jiff::tz::TimeZone::UTC,
        now,
        mail_address: Some("greffier@example.test".into()),
        digest_rooms: Vec::new(),
        digest_lists: Vec::new(),
        create_rooms: false,
        lists_domain: None,
        web_url: None,
        review_days: 7,
    }
}

fn mail(n: usize, lines: usize) -> Inbound {
    let from = "anne@example.test";
    Inbound {
        origin: Origin::Email {
            from: from.into(),
            message_id: Some(format!("m{n}@example.test")),
            subject: "commandes".into(),
            references: Vec::new(),
        },
        key: Some(format!("m{n}@example.test")),
        sender: Identity {
            kind: IdentityKind::Email,
            value: from.into(),
        },
        display_name: None,
        authenticated: true,
        input: Input::Lines(vec!["!aide".into(); lines]),
    }
}

/// Sixty command lines an hour by mail; the sixty-first gets one
/// notice, the later ones nothing, and an hour later they run again.
#[test]
fn a_mail_sender_is_limited_to_sixty_commands_an_hour() {
    use greffier_commands::store::People as _;
    let inbox = Inbox::in_memory(&[&ROUTE]).expect("db");
    let t0 = Timestamp::from_second(1_800_000_000).expect("ts");
    inbox
        .write(t0, |tx| {
            tx.create_person(
                "Anne",
                None,
                &Identity {
                    kind: IdentityKind::Email,
                    value: "anne@example.test".into(),
                },
            )?;
            Ok(())
        })
        .expect("a linked sender");
    let replies = |handled: Handled| -> Vec<String> {
        let Handled::Queued(ids) = handled else {
            panic!("{handled:?}");
        };
        inbox
            .queued(&ids)
            .expect("items")
            .into_iter()
            .filter_map(|action| match action {
                Action::Reply { text, .. } => Some(text),
                _ => None,
            })
            .collect()
    };
    for n in 0..3 {
        let got = replies(inbox.run(&ctx(t0), &mail(n, 20)).expect("run"));
        assert!(got[0].contains("Commandes de greffier"), "{got:?}");
    }
    let limited = replies(inbox.run(&ctx(t0), &mail(3, 1)).expect("run"));
    assert!(limited[0].contains("plus de 60 commandes"), "{limited:?}");
    let silent = replies(inbox.run(&ctx(t0), &mail(4, 1)).expect("run"));
    assert!(silent.is_empty(), "{silent:?}");
    let later = t0 + jiff::SignedDuration::from_secs(3601);
    let again = replies(inbox.run(&ctx(later), &mail(5, 1)).expect("run"));
    assert!(again[0].contains("Commandes de greffier"), "{again:?}");
}

/// An address an admin declared for Louis: greffier may write to it, but
/// a command from it is held as any unproven mail is (even signed), until
/// Louis answers the welcome mail; that reply verifies it, and from then
/// on his signed mail is obeyed. A Matrix ID declared for him is verified
/// when that account speaks (the homeserver vouches).
#[test]
fn a_declared_address_is_obeyed_once_its_holder_answers_the_welcome_mail() {
    use greffier_commands::store::{Identities as _, People as _};
    // A room channel as the Matrix adapter's route has it: it vouches for
    // its senders (named here, not imported: an adapter uses no other).
    static ROOMS: crate::route::Route = crate::route::Route {
        channel: greffier_commands::Channel::MATRIX,
        carries: |a| crate::route::answers_on(a, greffier_commands::Channel::MATRIX),
        lane: |_| String::new(),
        parallel: 1,
        takes_newcomers: true,
        commands_per_hour: None,
        confirmation: None,
    };
    static ROUTES: [&crate::route::Route; 2] = [&ROUTE, &ROOMS];
    let inbox = Inbox::in_memory(&ROUTES).expect("db");
    let t0 = Timestamp::from_second(1_800_000_000).expect("ts");
    let louis_mail = Identity::parse("louis@ouest-provence.example").expect("id");
    let louis_matrix = Identity::parse("@louis:ouest-provence.example").expect("id");
    inbox
        .write(t0, |tx| {
            let louis = tx.create_contact("Louis MORALES", None)?;
            tx.declare_identity(louis, &louis_mail, "Anne")?;
            tx.declare_identity(louis, &louis_matrix, "Anne")?;
            tx.record_welcome_mail("welcome.t0@example.test", louis, &louis_mail.value)?;
            Ok(())
        })
        .expect("declared");
    let from_louis = |n: usize, references: Vec<String>, input: Input| Inbound {
        origin: Origin::Email {
            from: louis_mail.value.clone(),
            message_id: Some(format!("l{n}@ouest-provence.example")),
            subject: "Re: Bienvenue".into(),
            references,
        },
        key: Some(format!("l{n}@ouest-provence.example")),
        sender: louis_mail.clone(),
        display_name: None,
        authenticated: true,
        input,
    };
    let answered = |handled: Handled| -> Vec<Action> {
        let Handled::Queued(ids) = handled else {
            panic!("{handled:?}");
        };
        inbox.queued(&ids).expect("items")
    };
    let obeyed = |identity: &Identity| {
        inbox
            .read(t0, |tx| Ok(tx.person_by_identity(identity)?))
            .expect("read")
            .is_some()
    };
    // A signed command before the welcome reply: held for a confirmation.
    let held = answered(
        inbox
            .run(
                &ctx(t0),
                &from_louis(
                    1,
                    Vec::new(),
                    Input::Lines(vec!["!groupe proposer test « Essai »".into()]),
                ),
            )
            .expect("run"),
    );
    assert!(
        matches!(&held[..], [Action::Confirm { text, .. }] if text.contains("!groupe proposer test")),
        "{held:?}"
    );
    assert!(!obeyed(&louis_mail));
    // His reply to the welcome mail verifies the address.
    let verified = answered(
        inbox
            .run(
                &ctx(t0),
                &from_louis(
                    2,
                    vec!["welcome.t0@example.test".into()],
                    Input::Message(greffier_commands::answer::Message {
                        references: vec!["welcome.t0@example.test".into()],
                        text: "Merci, c'est bien moi.".into(),
                        is_reply: true,
                        ..Default::default()
                    }),
                ),
            )
            .expect("run"),
    );
    assert!(
        matches!(&verified[..], [Action::Reply { text, .. }]
            if text.starts_with("Merci : votre adresse louis@ouest-provence.example est vérifiée.") && !text.contains("Matrix")),
        "{verified:?}"
    );
    assert!(obeyed(&louis_mail));
    // Now his signed command runs at once.
    let ran = answered(
        inbox
            .run(
                &ctx(t0),
                &from_louis(3, Vec::new(), Input::Lines(vec!["!moi".into()])),
            )
            .expect("run"),
    );
    assert!(
        matches!(&ran[..], [Action::Reply { text, .. }] if text.contains("Louis MORALES")),
        "{ran:?}"
    );
    // The declared Matrix ID speaks: verified, and he is who speaks.
    assert!(!obeyed(&louis_matrix));
    let spoke = answered(
        inbox
            .run(
                &ctx(t0),
                &Inbound {
                    origin: Origin::Matrix {
                        room: "!salon:example.test".into(),
                        event: Some("$louis".into()),
                        direct: true,
                    },
                    key: Some("$louis".into()),
                    sender: louis_matrix.clone(),
                    display_name: Some("Louis".into()),
                    authenticated: true,
                    input: Input::Lines(vec!["!moi".into()]),
                },
            )
            .expect("run"),
    );
    assert!(
        matches!(&spoke[..], [Action::Reply { text, .. }] if text.contains("Louis MORALES")),
        "{spoke:?}"
    );
    assert!(obeyed(&louis_matrix));
}
