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
