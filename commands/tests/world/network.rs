//! The small network the permission matrix and the corpus of sentences
//! share: one sender of each kind, a group with a room and a meeting, a
//! proposal, a software in the catalogue.
//!
//! The senders:
//! - admin: listed in `bot.admins` (organisation Aix, not a member);
//! - lead: a confirmed member of the lead organisation (Berre) of
//!   "messagerie";
//! - pending: someone who declared Berre too, not confirmed yet, who joined
//!   "messagerie" as a person;
//! - member: a confirmed member of "messagerie" from Arles;
//! - other: a confirmed member of another organisation (Vitrolles), not a
//!   member of the group;
//! - unknown: a Matrix user the bot has never seen.

use greffier_commands::{Action, Channel, Context, Lang, Origin};
use greffier_storage::Database;
use jiff::Timestamp;

use super::World;

pub const ADMIN: &str = "@admin:example.test";
pub const LEAD: &str = "@lead:example.test";
pub const PENDING: &str = "@pending:example.test";
pub const MEMBER: &str = "@member:example.test";
pub const OTHER: &str = "@other:example.test";
pub const UNKNOWN: &str = "@stranger:example.test";
pub const ROLES: [(&str, &str); 6] = [
    ("admin", ADMIN),
    ("lead", LEAD),
    ("pending", PENDING),
    ("member", MEMBER),
    ("other", OTHER),
    ("unknown", UNKNOWN),
];

/// The tests' context in `lang` with a quorum of 2, rooms made and lists
/// kept.
pub fn ctx(lang: Lang) -> Context {
    let mut c = super::context(ADMIN);
    c.lang = lang;
    c.quorum = 2;
    c.create_rooms = true;
    c.lists_domain = Some("lists.example.test".into());
    c
}

/// A line typed in `room`, in reply to an event.
pub fn room(room: &str) -> Origin {
    Origin::Matrix {
        room: room.into(),
        event: Some("$event".into()),
        direct: false,
    }
}

/// Four confirmed people of four organisations and a pending one of
/// Berre; "messagerie", active, led by Berre, with the lead, the pending
/// one and the member in it; "courrier", a proposal of Vitrolles; meeting
/// n°1 of "messagerie" (its three members invited); Berre runs SPIP.
pub fn network(lang: Lang) -> World {
    let mut w = World::new(ctx(lang)).typing_from(room("!room:example.test"));
    for (who, org) in [
        (ADMIN, "Aix"),
        (LEAD, "Berre"),
        (MEMBER, "Arles"),
        (OTHER, "Vitrolles"),
    ] {
        w.must(who, &format!("!moi organisation {org}"));
        if who != ADMIN {
            w.must(ADMIN, &format!("!organisation accepter {who}"));
        }
    }
    w.must(PENDING, "!moi organisation Berre");
    w.must(
        LEAD,
        "!groupe proposer messagerie « Messagerie libre » initiative Berre",
    );
    w.must(MEMBER, "!groupe soutenir messagerie");
    w.must(MEMBER, "!groupe rejoindre messagerie");
    w.must(PENDING, "!groupe rejoindre messagerie");
    w.must(OTHER, "!groupe proposer courrier « Gestion du courrier »");
    w.must(
        LEAD,
        "!reunion creer « Point messagerie » 2026-12-10 14:00 groupe messagerie",
    );
    let (reply, kept) = w.say_from(
        ADMIN,
        "!groupe lier messagerie",
        room("!messagerie:example.test"),
    );
    assert!(kept, "{reply}");
    w.must(MEMBER, &format!("!moi lier {MEMBER_EMAIL}"));
    w.must(LEAD, "!logiciel ajouter SPIP");
    w
}

pub const MEMBER_EMAIL: &str = "member@arles.example";

/// The code mailed to the member by `!moi lier`, read from the outbox.
pub fn member_code(db: &Database) -> String {
    let mails = db
        .pending(
            Channel::EMAIL,
            Timestamp::from_second(super::NOW).expect("ts"),
            100,
        )
        .expect("pending");
    mails
        .iter()
        .find_map(|i| match &i.action {
            Action::SendMail { to, text, .. } if to == MEMBER_EMAIL => text
                .lines()
                .find(|l| l.contains("moi confirmer"))
                .and_then(|l| l.split_whitespace().last())
                .map(str::to_string),
            _ => None,
        })
        .expect("the code mail")
}
