//! Hostile and broken mail: the corpus of tests/fixtures/hostile/ (made by
//! its make.py) and three big mails made here, each run through the whole
//! path after IMAP (`greffier::mail::handle_mail`: MIME, loop safety,
//! identity, RSVP matching, commands, storage, the queued answer) on a
//! fresh database, and checked against what SPEC.md and docs/architecture.md
//! say. Every answer is also composed into the mail the bot would send, to
//! check what a hostile mail could inject into it. The same corpus goes
//! through the real servers in `the_hostile_corpus_through_the_real_servers`.

use greffier::inbox::{Handled, Inbound, Inbox, Input};
use greffier::mail::auth::Proof;
use greffier::mail::outbound::Composer;
use greffier::mail::{Fate, Mailbox, handle_mail};
use greffier_commands::store::People as _;
use greffier_commands::store::{Identity, IdentityKind};
use greffier_commands::{Action, Channel, Context, Lang, Origin};
use greffier_storage::{Database, Export};
use mail_parser::{MessageParser, MimeHeaders};

pub(crate) const BOT: &str = "greffier@example.test";
pub(crate) const PAUL: &str = "paul.girard@example.test";
pub(crate) const ANNE: &str = "anne.martin@example.test";
pub(crate) const LUCIE: &str = "lucie.blanc@example.test";
pub(crate) const INTRUDER: &str = "intruder@example.test";

pub(crate) fn ctx() -> Context {
    Context {
        lang: Lang::Fr,
        prefix: "!".into(),
        // Anne is an admin with a linked address; "boss" is listed but
        // never linked an address: being listed gives rights, not an identity.
        admins: vec![ANNE.into(), "boss@example.test".into()],
        quorum: 3,
        timezone: jiff::tz::TimeZone::get("Europe/Paris").expect("tz"),
        now: "2026-11-23T09:00:00Z".parse().expect("ts"),
        mail_address: Some(BOT.into()),
        digest_rooms: Vec::new(),
        digest_lists: Vec::new(),
        create_rooms: false,
        lists_domain: None,
        web_url: None,
        review_days: 7,
    }
}

fn console(inbox: &Inbox, who: &str, line: &str) {
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
    let handled = inbox.run(&ctx(), &inbound).expect("seeding");
    assert!(matches!(handled, Handled::Queued(_)), "{line}: {handled:?}");
}

/// Anne (admin, Aix) and Paul (Arles) are invited to meeting n°1 and
/// members of "messagerie"; Lucie (Istres) came later and is invited to
/// nothing. The outbox is emptied, so what a mail queues is all there is.
pub(crate) fn world() -> Inbox {
    let inbox = Inbox::new(
        Database::open_in_memory().expect("db"),
        greffier::channels::routes(),
    );
    let now = ctx().now;
    for (name, email) in [("Anne Martin", ANNE), ("Paul Girard", PAUL)] {
        inbox
            .db()
            .write(now, |tx| {
                tx.create_person(
                    name,
                    None,
                    &Identity {
                        kind: IdentityKind::Email,
                        value: email.into(),
                    },
                )?;
                Ok(())
            })
            .expect("person");
    }
    console(&inbox, ANNE, "!moi organisation Aix");
    console(&inbox, PAUL, "!moi organisation Arles");
    console(&inbox, ANNE, &format!("!organisation accepter {PAUL}"));
    console(
        &inbox,
        PAUL,
        "!groupe proposer messagerie « Messagerie libre » initiative Arles",
    );
    console(&inbox, ANNE, "!groupe rejoindre messagerie");
    console(
        &inbox,
        ANNE,
        "!reunion creer « Conférence DSI » 2026-12-10 14:00 lieu « Arles »",
    );
    inbox
        .db()
        .write(now, |tx| {
            let id = tx.create_person(
                "Lucie Blanc",
                None,
                &Identity {
                    kind: IdentityKind::Email,
                    value: LUCIE.into(),
                },
            )?;
            let _ = id;
            Ok(())
        })
        .expect("person");
    console(&inbox, LUCIE, "!moi organisation Istres");
    let mut db = inbox.db();
    for item in db.pending(Channel::EMAIL, now, 1000).expect("pending") {
        db.mark_delivered(item.id, now, None).expect("delivered");
    }
    drop(db);
    inbox
}

/// The meeting's iCalendar UID, for the iTIP cases.
fn meeting_uid(inbox: &Inbox) -> String {
    inbox
        .db()
        .read(ctx().now, |tx| {
            use greffier_commands::store::Meetings;
            Ok(tx
                .meeting(greffier_commands::store::MeetingId(1))?
                .expect("meeting 1")
                .uid)
        })
        .expect("uid")
}

/// What a mail leaves behind.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) fate: Fate,
    /// The answers queued, as (to, text).
    pub(crate) answers: Vec<(String, String)>,
    /// Each mail the bot would send for it (answers, confirmation
    /// requests), as it would send it.
    pub(crate) composed: Vec<Vec<u8>>,
    pub(crate) before: Export,
    pub(crate) after: Export,
}

fn run(inbox: &Inbox, raw: &[u8]) -> Outcome {
    run_proven(inbox, raw, &Proof::Believed)
}

/// [`run`] with what the sender's check proved.
pub(crate) fn run_proven(inbox: &Inbox, raw: &[u8], proof: &Proof) -> Outcome {
    let ctx = ctx();
    let before = inbox.db().export().expect("export");
    let fate = handle_mail(
        inbox,
        &ctx,
        &Mailbox {
            address: BOT,
            max_size: 10 << 20,
        },
        raw,
        proof,
    )
    .expect("no storage error");
    let mut db = inbox.db();
    let composer = Composer::new(BOT, "test".into()).expect("composer");
    let mut answers = Vec::new();
    let mut composed = Vec::new();
    for item in db.pending(Channel::EMAIL, ctx.now, 1000).expect("pending") {
        if let Action::Reply {
            origin: Origin::Email { from, .. },
            text,
        } = &item.action
        {
            answers.push((from.clone(), text.clone()));
        }
        composed.push(
            composer
                .message(&item, &[])
                .expect("an answer can be composed")
                .formatted(),
        );
        db.mark_delivered(item.id, ctx.now, None)
            .expect("delivered");
    }
    let problems = db.problems().expect("integrity check");
    assert!(problems.is_empty(), "{problems:?}");
    Outcome {
        fate,
        answers,
        composed,
        before,
        after: db.export().expect("export"),
    }
}

fn corpus_file(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hostile")
        .join(format!("{name}.eml"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What a mail must lead to.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// One answer, to this address, saying this; nothing stored changes.
    Answer(&'static str, &'static str),
    /// One answer to Paul saying this, and the state changes.
    Applied(&'static str),
    /// Read, and nothing: no answer, no change (RFC 3834, loops).
    Silent,
    /// Unreadable: to the quarantine folder, no answer, no change.
    Quarantine,
}
use Expect::{Answer, Applied, Quarantine, Silent};

const LIST: &str = "Propositions :\n• messagerie — Messagerie libre";
const INFO: &str = "Messagerie libre (messagerie) — proposé";
const ASK: &str = "Je n'ai pas compris votre réponse à la réunion n°1";
const UNKNOWN: &str = "Je ne connais pas encore l'adresse";
const NOT_YOURS: &str = "ne vous était pas adressée : votre réponse n'est pas enregistrée";
const NO_COMMAND: &str = "Je n'ai trouvé aucune commande dans votre message";
const TOO_LONG: &str = "Erreur : message trop long";
const BAD_SUBCOMMAND: &str = "Erreur : sous-commande inconnue";

/// Every file of tests/fixtures/hostile/ and what it must lead to.
const CASES: &[(&str, Expect)] = &[
    // Broken MIME: read as far as it goes, never a crash.
    ("truncated-multipart", Answer(PAUL, LIST)),
    ("truncated-headers", Answer(PAUL, ASK)),
    ("boundary-missing", Answer(PAUL, ASK)),
    ("boundary-never-appears", Answer(PAUL, ASK)),
    ("base64-invalid", Answer(PAUL, ASK)),
    ("quoted-printable-broken", Answer(PAUL, BAD_SUBCOMMAND)),
    ("unknown-transfer-encoding", Answer(PAUL, ASK)),
    ("empty-body", Answer(PAUL, ASK)),
    ("bare-lf", Answer(PAUL, LIST)),
    ("cr-only", Quarantine),
    ("many-headers", Answer(PAUL, LIST)),
    ("long-header-line", Answer(PAUL, LIST)),
    ("nested-rfc822", Answer(PAUL, ASK)),
    ("garbage-binary", Quarantine),
    ("empty", Quarantine),
    // NUL bytes and control characters are dropped, not echoed.
    ("nul-in-body", Answer(PAUL, INFO)),
    ("nul-in-subject", Answer(PAUL, BAD_SUBCOMMAND)),
    ("nul-in-from", Answer(PAUL, LIST)),
    (
        "control-characters",
        Answer(PAUL, "Groupe inconnu « [31mmessagerie[0m »"),
    ),
    (
        "rtl-override-theme",
        Applied("Groupe « gnp.exe Messagerie » (rtl) proposé"),
    ),
    // Lying or unknown charsets: read as well as possible.
    ("charset-says-ascii-is-utf8", Answer(PAUL, ASK)),
    ("charset-says-utf8-is-latin1", Answer(PAUL, ASK)),
    ("charset-unknown", Answer(PAUL, LIST)),
    (
        "charset-utf7",
        Answer(PAUL, "Erreur : argument en trop « é »"),
    ),
    ("charset-utf16-lying", Answer(PAUL, ASK)),
    ("subject-bad-encoded-word", Answer(PAUL, LIST)),
    // Header injection through what the answer echoes (see `composed_ok`).
    ("subject-injection-encoded", Answer(PAUL, INFO)),
    ("subject-injection-lf", Answer(PAUL, LIST)),
    ("display-name-injection", Answer(PAUL, LIST)),
    ("message-id-injection", Answer(PAUL, LIST)),
    ("references-injection", Answer(PAUL, LIST)),
    // Impersonation: only a verified address is obeyed, and only one.
    (
        "forged-admin-unlinked",
        Answer("boss@example.test", UNKNOWN),
    ),
    ("forged-admin-display-name", Answer(INTRUDER, UNKNOWN)),
    (
        "forged-admin-homoglyph",
        Answer("\u{430}nne.martin@example.test", UNKNOWN),
    ),
    ("forged-admin-reply-to", Answer(INTRUDER, UNKNOWN)),
    ("forged-admin-sender", Answer(INTRUDER, UNKNOWN)),
    ("two-from-addresses", Quarantine),
    ("two-from-headers", Quarantine),
    ("from-group-syntax", Quarantine),
    ("itip-reply-for-someone-else", Answer(PAUL, NOT_YOURS)),
    ("itip-reply-unknown-uid", Answer(PAUL, ASK)),
    ("itip-malformed", Answer(PAUL, ASK)),
    ("itip-reply-from-intruder", Answer(INTRUDER, UNKNOWN)),
    ("unknown-sender", Answer(INTRUDER, UNKNOWN)),
    // Loops: never answered.
    ("loop-own-address", Silent),
    ("loop-auto-replied", Silent),
    ("loop-auto-generated", Silent),
    ("loop-precedence-bulk", Silent),
    ("loop-precedence-junk", Silent),
    ("loop-empty-return-path", Silent),
    ("loop-x-autoreply", Silent),
    ("loop-x-autorespond", Silent),
    ("loop-reply-to-bot-answer", Silent),
    // HTML: what a reader does not see is not obeyed; markup is stored as
    // text and escaped wherever HTML is written.
    ("html-script-hides-command", Answer(PAUL, LIST)),
    ("html-style-hides-command", Answer(PAUL, LIST)),
    ("html-comment-hides-command", Answer(PAUL, LIST)),
    ("html-entities-command", Answer(PAUL, LIST)),
    (
        "html-injection-in-theme",
        Applied("Groupe « <script>alert(1)</script><img src=x onerror=alert(2)> » (xss) proposé"),
    ),
    // What a mail should not make the bot do.
    ("attachment-only", Answer(PAUL, ASK)),
    ("forwarded-mail-with-command", Silent),
    ("pgp-encrypted", Answer(PAUL, ASK)),
    ("too-many-commands", Answer(PAUL, LIST)),
    ("huge-subject", Answer(PAUL, TOO_LONG)),
    ("huge-argument", Answer(PAUL, TOO_LONG)),
    ("no-message-id", Answer(PAUL, LIST)),
    ("no-command-no-invitation", Answer(LUCIE, NO_COMMAND)),
    ("duplicate-message-id-1", Answer(PAUL, LIST)),
    ("duplicate-message-id-2", Answer(PAUL, LIST)),
];

/// The three big mails, made here rather than stored.
fn generated() -> Vec<(&'static str, Vec<u8>, Expect)> {
    let head = |extra: &str| {
        format!(
            "From: Paul Girard <{PAUL}>\r\n{extra}Subject: commande\r\nMessage-ID: <big-{}@example.test>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n",
            extra.len()
        )
    };
    // A 30 MB attachment beside the command.
    let mut big = head("To: greffier@example.test\r\n");
    big.push_str("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n!groupe liste\r\n--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"archive.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n";
    big.push_str(&line.repeat(30 * 1024 * 1024 / line.len()));
    big.push_str("--b--\r\n");
    // 10 000 recipients: the answer still goes to the sender only.
    let to: Vec<String> = (0..10_000)
        .map(|i| format!("person{i}@example.test"))
        .collect();
    let mut many = head(&format!(
        "To: greffier@example.test, {}\r\n",
        to.join(",\r\n ")
    ));
    many.push_str("Content-Type: text/plain; charset=UTF-8\r\n\r\n!groupe liste\r\n");
    // 100 nested multiparts around the command.
    let mut deep = head("To: greffier@example.test\r\n");
    for i in 0..100 {
        deep.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"n{i}\"\r\n\r\n--n{i}\r\n"
        ));
    }
    deep.push_str("Content-Type: text/plain; charset=UTF-8\r\n\r\n!groupe liste\r\n");
    for i in (0..100).rev() {
        deep.push_str(&format!("--n{i}--\r\n"));
    }
    vec![
        // Over mail.max_size (10 MiB): quarantined unread.
        ("attachment-30-mb", big.into_bytes(), Quarantine),
        ("recipients-10000", many.into_bytes(), Answer(PAUL, LIST)),
        ("multipart-100-deep", deep.into_bytes(), Answer(PAUL, LIST)),
    ]
}

/// What every answer must be, whatever the mail: one recipient (the
/// sender), no header a mail could inject, marked automatic, no markup
/// from the mail in its HTML, no control character in its text.
fn composed_ok(name: &str, o: &Outcome) -> Vec<String> {
    let mut wrong = Vec::new();
    for (to, text) in &o.answers {
        if text.chars().any(|c| c.is_control() && c != '\n') {
            wrong.push(format!("{name}: a control character in the answer to {to}"));
        }
    }
    for raw in &o.composed {
        let Some(m) = MessageParser::default().parse(raw) else {
            wrong.push(format!("{name}: the answer is not a mail"));
            continue;
        };
        let recipients = m.to().map(|a| a.iter().count()).unwrap_or(0)
            + m.cc().map(|a| a.iter().count()).unwrap_or(0)
            + m.bcc().map(|a| a.iter().count()).unwrap_or(0);
        if recipients != 1 {
            wrong.push(format!("{name}: the answer has {recipients} recipients"));
        }
        let headers = String::from_utf8_lossy(&raw[..m.root_part().offset_body as usize]);
        // What the mail put after a line break must not start a line.
        for line in headers.lines() {
            let lower = line.to_lowercase();
            if lower.starts_with("bcc:") || lower.starts_with("injected") {
                wrong.push(format!("{name}: an injected line in the answer: {line:?}"));
            }
        }
        if m.subject().is_some_and(|s| s.contains(['\r', '\n'])) {
            wrong.push(format!("{name}: a line break in the answer's subject"));
        }
        if m.header_raw("Auto-Submitted").map(str::trim) != Some("auto-replied") {
            wrong.push(format!("{name}: the answer is not marked Auto-Submitted"));
        }
        // Only real text/html parts: mail-parser also lists a text/plain
        // body among the HTML bodies.
        let html_parts = m.html_bodies().filter(|p| {
            p.content_type()
                .is_some_and(|ct| ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("html")))
        });
        for html in html_parts {
            let html = html.text_contents().unwrap_or_default();
            if html.contains("<script") || html.contains("<img") {
                wrong.push(format!("{name}: markup from the mail in the answer's HTML"));
            }
        }
    }
    wrong
}

fn check(name: &str, expect: Expect, o: &Outcome) -> Vec<String> {
    let changed = o.before != o.after;
    let answered = |to: &str, says: &str| {
        o.answers.len() == 1 && o.answers[0].0 == to && o.answers[0].1.contains(says)
    };
    let ok = match expect {
        Answer(to, says) => o.fate == Fate::Done && answered(to, says) && !changed,
        Applied(says) => o.fate == Fate::Done && answered(PAUL, says) && changed,
        Silent => o.fate == Fate::Done && o.answers.is_empty() && !changed,
        Quarantine => o.fate == Fate::Quarantine && o.answers.is_empty() && !changed,
    };
    let mut wrong = composed_ok(name, o);
    if !ok {
        wrong.push(format!(
            "{name}: expected {expect:?}, got {:?}, changed={changed}, answers {:?}",
            o.fate,
            o.answers
                .iter()
                .map(|(to, t)| format!("{to}: {}", t.chars().take(160).collect::<String>()))
                .collect::<Vec<_>>()
        ));
    }
    wrong
}

fn with_uid(raw: Vec<u8>, uid: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(&raw);
    if text.contains("{UID}") {
        text.replace("{UID}", uid).into_bytes()
    } else {
        raw
    }
}

/// Every mail of the corpus, on a fresh database each.
#[test]
fn each_hostile_mail_gets_the_specified_behaviour() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let stored = std::fs::read_dir(&dir)
        .expect("the corpus")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
        .count();
    assert_eq!(
        stored,
        CASES.len(),
        "every stored mail has its line in CASES"
    );
    let mut wrong = Vec::new();
    let mut cases: Vec<(&str, Vec<u8>, Expect)> = CASES
        .iter()
        .map(|&(name, expect)| (name, corpus_file(name), expect))
        .collect();
    cases.extend(generated());
    assert!(cases.len() >= 50, "{} mails", cases.len());
    for (name, raw, expect) in cases {
        let inbox = world();
        let uid = meeting_uid(&inbox);
        let o = run(&inbox, &with_uid(raw, &uid));
        wrong.extend(check(name, expect, &o));
        if name == "rtl-override-theme" || name == "html-injection-in-theme" {
            let theme = &o.after.groups.last().expect("the new group").theme;
            if theme.contains(['\u{202e}', '\u{202c}']) {
                wrong.push(format!("{name}: a bidi override was stored: {theme:?}"));
            }
        }
        if name == "too-many-commands" {
            let n = o.answers[0].1.matches("» !groupe liste").count();
            if n != 20 {
                wrong.push(format!("{name}: {n} commands applied, not 20"));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

/// The same Message-ID twice (a redelivery, or a replay): handled once.
#[test]
fn a_message_id_seen_before_is_not_handled_again() {
    let inbox = world();
    let first = run(&inbox, &corpus_file("duplicate-message-id-1"));
    assert!(
        check("first", Answer(PAUL, LIST), &first).is_empty(),
        "{first:?}"
    );
    let again = run(&inbox, &corpus_file("duplicate-message-id-2"));
    assert!(check("again", Silent, &again).is_empty(), "{again:?}");
}

/// A mail without Message-ID is known by its content: the same bytes seen
/// again (a copy back into INBOX, a new UIDVALIDITY) are handled once.
#[test]
fn a_mail_without_message_id_is_handled_once() {
    let inbox = world();
    let raw = format!(
        "From: Paul Girard <{PAUL}>\r\nTo: {BOT}\r\nSubject: commande\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n!groupe liste\r\n"
    );
    let first = run(&inbox, raw.as_bytes());
    assert!(
        check("first", Answer(PAUL, LIST), &first).is_empty(),
        "{first:?}"
    );
    let again = run(&inbox, raw.as_bytes());
    assert!(check("again", Silent, &again).is_empty(), "{again:?}");
}

/// Hostile room events, against the real Synapse: a 60 KB body, markup and
/// script in a group theme that later appears in the room's digest and in
/// the compte rendu, and formatted bodies that say something else than the
/// plain body (the plain body is what counts, as in every client's
/// notification).
#[tokio::test]
async fn hostile_room_events() {
    use crate::synapse::{Bot, SERVER, User};
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bot = Bot::new("m-hostile", &[&alice.id], &[]).await;
    let room = bot.start_in_a_room_of(&mut alice).await;
    let asked = alice.say(&room, "!moi organisation Arles").await;
    alice.reply_to(&bot.id, &asked).await;

    // 60 KB in one message: a clear refusal, and the bot goes on.
    let long = format!("!groupe info {}", "x".repeat(60_000));
    let asked = alice.say(&room, &long).await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    assert!(
        reply.body().contains("message trop long"),
        "{}",
        reply.body()
    );

    // The HTML says "quit", the text says nothing: nothing happens. The
    // HTML says hello, the text is a command: the command runs.
    let shown = alice
        .say_html(&room, "!groupe rejoindre messagerie", "<p>bonjour</p>")
        .await;
    let reply = alice.reply_to(&bot.id, &shown).await;
    assert!(reply.body().starts_with("Bienvenue"), "{}", reply.body());
    let hidden = alice
        .say_html(&room, "bonjour", "<p>!groupe quitter messagerie</p>")
        .await;

    // Markup in a theme: stored as text, escaped wherever HTML is written.
    let theme = "<script>alert(1)</script><img src=x onerror=alert(2)> & co";
    let asked = alice
        .say(&room, &format!("!groupe proposer xss « {theme} »"))
        .await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    assert!(reply.body().contains(theme), "{}", reply.body());
    let html = reply.json["content"]["formatted_body"]
        .as_str()
        .expect("formatted body");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script"),
        "{html}"
    );
    let asked = alice.say(&room, "!groupe lier xss").await;
    alice.reply_to(&bot.id, &asked).await;
    let asked = alice
        .say(
            &room,
            "!reunion creer « Réunion » 2027-01-15 10:00 groupe xss",
        )
        .await;
    alice.reply_to(&bot.id, &asked).await;
    let asked = alice.say(&room, "!digest xss").await;
    alice.reply_to(&bot.id, &asked).await;
    let digest = alice
        .wait_for("the digest", |s| {
            s.room == room && s.is_post() && s.body().contains("alert(1)")
        })
        .await;
    let html = digest.json["content"]["formatted_body"]
        .as_str()
        .expect("formatted digest");
    assert!(
        html.contains("&lt;script&gt;") && !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );

    // Nothing answered the hidden command (the bot handles a room's events
    // in order, and has answered everything after it), and it changed
    // nothing.
    assert!(
        !alice
            .seen
            .iter()
            .any(|s| s.in_reply_to() == Some(hidden.as_str())),
        "the command hidden in HTML was answered"
    );
    bot.assert_running();
    bot.stop().await;
    let export = bot.export();
    let messagerie = export["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["slug"] == "messagerie")
        .expect("messagerie");
    assert!(
        messagerie["members"]
            .as_array()
            .expect("members")
            .iter()
            .any(|m| m == "Arles"),
        "{export}"
    );

    // The compte rendu of the group's meeting, in HTML: the theme escaped.
    let out = bot.scratch.run(&["minutes", "1", "--format", "html"], b"");
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            && !page.contains("<script")
            && !page.contains("<img"),
        "{page}"
    );
    let problems = greffier_storage::Database::open(&bot.scratch.dir.join("greffier.db"))
        .expect("db")
        .problems()
        .expect("check");
    assert!(problems.is_empty(), "{problems:?}");
}
