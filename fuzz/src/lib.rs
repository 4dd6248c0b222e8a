//! The bodies of the fuzz targets that need a database, kept here so that
//! each target in `fuzz_targets/` stays one call. See `fuzz/README.md`.

use std::sync::Mutex;

use greffier::inbox::{Inbound, Inbox, Input};
use greffier_commands::minutes::{import, parse, render};
use greffier_commands::store::{Identity, IdentityKind};
use greffier_commands::{Context, Lang, Origin};
use greffier_storage::Database;

pub const BOT: &str = "greffier@example.test";
pub const ADMIN: &str = "anne.martin@example.test";
/// The senders of the fixtures in tests/fixtures: known, verified people.
pub const KNOWN: [(&str, &str); 6] = [
    ("Anne Martin", ADMIN),
    ("Paul Girard", "paul.girard@example.test"),
    ("Lucie Blanc", "lucie.blanc@example.test"),
    ("Gérard Fabre", "g.fabre@example.test"),
    ("François Petit", "francois.petit@example.test"),
    ("Sylvie Morel", "s.morel@example.test"),
];

pub fn context() -> Context {
    Context {
        lang: Lang::Fr,
        prefix: "!".into(),
        admins: vec![ADMIN.into()],
        quorum: 3,
        timezone: jiff::tz::TimeZone::get("Europe/Paris").expect("bundled tz"),
        now: "2026-11-22T09:00:00Z".parse().expect("a timestamp"),
        mail_address: Some(BOT.into()),
        digest_rooms: Vec::new(),
        digest_lists: Vec::new(),
        create_rooms: false,
        lists_domain: None,
        web_url: None,
    }
}

fn console(inbox: &Inbox, ctx: &Context, who: &str, line: &str) {
    let inbound = Inbound {
        origin: Origin::Console,
        key: None,
        sender: Identity {
            kind: IdentityKind::Email,
            value: who.into(),
        },
        display_name: None,
        authenticated: true,
        input: Input::Lines(vec![line.into()]),
    };
    inbox.run(ctx, &inbound).expect("seeding the fuzz database");
}

/// Known senders with their organisations, a group, and an upcoming meeting
/// to which all of them are invited (so RSVPs have something to match).
pub fn seeded_database() -> Inbox {
    let inbox = Inbox::new(Database::open_in_memory().expect("an in-memory database"));
    let ctx = context();
    let orgs = ["Arles", "Istres", "Martigues", "Atreal", "Gardanne", "Aix"];
    for ((name, email), org) in KNOWN.iter().zip(orgs) {
        inbox.db().write(ctx.now, |tx| {
            use greffier_commands::Store;
            tx.create_person(
                name,
                None,
                &Identity {
                    kind: IdentityKind::Email,
                    value: (*email).into(),
                },
            )?;
            Ok(())
        })
        .expect("a person");
        console(&inbox, &ctx, email, &format!("!moi organisation {org}"));
    }
    console(
        &inbox,
        &ctx,
        ADMIN,
        "!groupe proposer messagerie \"Messagerie libre\" initiative Arles",
    );
    console(
        &inbox,
        &ctx,
        ADMIN,
        "!reunion creer \"Conférence DSI\" 2026-12-10 14:00 lieu \"Arles\"",
    );
    inbox
}

static MAIL_DB: Mutex<Option<Inbox>> = Mutex::new(None);

static DEFAULT_HOOK: std::sync::Once = std::sync::Once::new();

/// The `mail` target: one raw mail through the whole path after IMAP.
pub fn mail(raw: &[u8]) {
    // libfuzzer-sys aborts in its panic hook, before any unwinding; the bot
    // catches mail-parser's own panics (src/mail/parse.rs), so here the
    // default hook comes back: a panic the bot does not catch still reaches
    // libfuzzer-sys's catch_unwind, which aborts and reports it.
    DEFAULT_HOOK.call_once(|| drop(std::panic::take_hook()));
    let mut guard = MAIL_DB.lock().unwrap_or_else(|e| e.into_inner());
    let inbox = guard.get_or_insert_with(seeded_database);
    let ctx = context();
    let mailbox = greffier::mail::Mailbox {
        address: BOT,
        max_size: 10 << 20,
    };
    greffier::mail::handle_mail(inbox, &ctx, &mailbox, raw, true).expect("no storage error");
}

/// The `minutes_import` target: import twice, the second changes nothing,
/// then every meeting is written back.
pub fn minutes_import(text: &str) {
    let ctx = context();
    let minutes = parse::parse(text);
    let mut db = Database::open_in_memory().expect("an in-memory database");
    db.write(ctx.now, |tx| {
        import::import(tx, &ctx, &minutes).map_err(Into::into)
    })
    .expect("the first import");
    let first = db.export().expect("an export");
    let again = db
        .write(ctx.now, |tx| {
            import::import(tx, &ctx, &minutes).map_err(Into::into)
        })
        .expect("the second import");
    assert!(
        again.created.is_empty(),
        "created again: {:?}",
        again.created
    );
    assert_eq!(
        first,
        db.export().expect("an export"),
        "a second import changed the state"
    );
    for meeting in &first.meetings {
        db.write(ctx.now, |tx| {
            render::render(
                tx,
                &ctx.timezone,
                greffier_commands::store::MeetingId(meeting.id),
            )
            .map_err(Into::into)
        })
        .expect("a compte rendu");
    }
}
