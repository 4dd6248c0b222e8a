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
        review_days: 7,
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
    let inbox = Inbox::new(
        Database::open_in_memory().expect("an in-memory database"),
        greffier::channels::routes(),
    );
    let ctx = context();
    let orgs = ["Arles", "Istres", "Martigues", "Atreal", "Gardanne", "Aix"];
    for ((name, email), org) in KNOWN.iter().zip(orgs) {
        inbox.db().write(ctx.now, |tx| {
            use greffier_commands::store::People as _;
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
    let started = std::time::Instant::now();
    // What the sender's check reads first: the same parse.
    if let Ok(message) = greffier::mail::parse::message(raw) {
        let _ = greffier::mail::parse::sender(&message);
    }
    greffier::mail::handle_mail(
        inbox,
        &ctx,
        &mailbox,
        raw,
        &greffier::mail::auth::Proof::Believed,
    )
    .expect("no storage error");
    // A slow input is a failure (issue 34: one mail of a long run of
    // letters took 47 s), well before libFuzzer's own -timeout.
    let took = started.elapsed();
    assert!(
        took < MAIL_BUDGET,
        "slow input: {took:?} for {} bytes",
        raw.len()
    );
}

/// The time one mail may take in the `mail` target (a release build on one
/// core handles an ordinary mail in well under a millisecond).
pub const MAIL_BUDGET: std::time::Duration = std::time::Duration::from_secs(1);

/// The `rest_path` target: the lines of `input` as the segments of a
/// Mailman REST path. Either refused, or a path whose segments, split on
/// `/` and percent-decoded as a server decodes them, are exactly the ones
/// given, none a dot segment, and which holds nothing but unreserved
/// characters and escapes (no `?`, `#` or `%2e` a URL parser would act on).
pub fn rest_path(input: &str) {
    let segments: Vec<&str> = input.split('\n').take(6).collect();
    let Ok(path) = greffier::lists::mailman::path(&segments) else {
        return;
    };
    assert!(path.starts_with('/'), "{path}");
    assert!(
        path.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%/".contains(&b)),
        "{path}"
    );
    let read: Vec<Vec<u8>> = path[1..].split('/').map(decode).collect();
    assert_eq!(read.len(), segments.len(), "{path}");
    for (got, want) in read.iter().zip(&segments) {
        assert_eq!(got, want.as_bytes(), "{path}");
        assert!(got != b"." && got != b"..", "{path}");
    }
    let lower = path.to_ascii_lowercase();
    assert!(!lower.contains("%2e") && !lower.contains("%2f"), "{path}");
}

/// Percent-decoding, as a server does it.
fn decode(segment: &str) -> Vec<u8> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(hex) = std::str::from_utf8(hex)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
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
