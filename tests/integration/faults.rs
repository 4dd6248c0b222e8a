//! The fault harness: room commands (milestones, and the notes of a
//! séance open in the room) and RSVP mails from many users flow
//! while the bot is killed with SIGKILL, or while Synapse, Dovecot and
//! Postfix are stopped and started again; afterwards every command is
//! applied exactly once, every RSVP recorded once, every answer delivered,
//! no answer shows twice in the room and no mail is answered twice (two
//! answers, two Message-IDs). An answer that the SMTP server was accepting
//! at the moment of a SIGKILL is sent again after the restart with the same
//! Message-ID (SMTP cannot say whether it got it); such copies are counted
//! apart and reported (docs/reliability.md).
//!
//! In the SIGKILL run, `greffier backup` is also taken in the middle of the
//! traffic: restored (stopped, copied back, started), the copy passes the
//! integrity checks, holds every command and RSVP acknowledged before the
//! backup began, and the bot runs on it.
//!
//! The test command runs a short form; `scripts/faults` runs the full one
//! (`GREFFIER_FAULTS=full`: 20 users, 300 room commands, 300 RSVP mails, 5
//! kills; each server stopped for 60 s) and docs/reliability.md has its
//! figures.
//!
//! Each room command adds a milestone with a text of its own, so the
//! database says how many times it was applied; each RSVP mail answers one
//! invitation (In-Reply-To), and the RSVP history keeps the Message-ID it
//! came from. Senders behave as clients do: a room message that could not
//! be sent is sent again with the same transaction id, a mail with the same
//! Message-ID.

use std::collections::HashMap;
use std::time::Duration;

use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedTransactionId};

use crate::mailserver::{Account, MAIL_SERVER, MailBot, answering, thunderbird, try_send};
use crate::synapse::{SERVER, Servers, User};

/// What can go wrong while the traffic flows.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// SIGKILL the bot, start it again a moment later.
    Kill,
    /// Stop a server (a `scripts/servers` target) for this long.
    Outage(&'static str, Duration),
    /// `greffier backup` while the traffic flows.
    Backup,
}

/// A backup taken during the traffic, and what had been acknowledged
/// before it began: the room commands the bot had answered (their
/// numbers) and the RSVP mails it had confirmed (their Message-IDs).
#[derive(Debug)]
struct TakenBackup {
    path: std::path::PathBuf,
    commands: Vec<usize>,
    rsvps: Vec<String>,
}

struct Plan {
    name: &'static str,
    users: usize,
    commands: usize,
    /// Meetings every user is invited to: users × meetings RSVP mails.
    meetings: usize,
    /// How long the traffic takes.
    window: Duration,
    faults: Vec<Fault>,
    /// How long to wait for the last answers after the traffic.
    patience: Duration,
}

/// greffier's debug lines (each sync, each message) for the report of a
/// failed run.
const DEBUG_LOG: &str =
    "info,greffier=debug,matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=error";

fn full() -> bool {
    std::env::var("GREFFIER_FAULTS").is_ok_and(|v| v == "full")
}

/// A small deterministic generator (xorshift), seeded from the clock
/// unless GREFFIER_FAULTS_SEED says otherwise; the seed is printed.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("GREFFIER_FAULTS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| jiff::Timestamp::now().as_nanosecond() as u64 | 1);
        println!("faults: seed {seed}");
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// A fraction in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() % 1_000_000) as f64 / 1_000_000.0
    }
}

/// The counts the harness reports.
#[derive(Debug, Default)]
struct Figures {
    commands_sent: usize,
    mails_sent: usize,
    kills: usize,
    outages: Vec<String>,
    lost: usize,
    duplicated: usize,
    /// Answers delivered a second time with the same Message-ID.
    copies: usize,
    problems: Vec<String>,
    backup: Option<TakenBackup>,
}

struct Participant {
    user: User,
    mail: Account,
}

async fn say_until_sent(user: &User, room: &OwnedRoomId, text: &str, txn: &str) -> OwnedEventId {
    let room = user.client.get_room(room).expect("room");
    loop {
        let content = RoomMessageEventContent::text_plain(text);
        let txn = OwnedTransactionId::from(txn);
        match room.send(content).with_transaction_id(txn).await {
            Ok(r) => return r.response.event_id,
            Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
}

async fn mail_until_sent(from: &str, to: &str, raw: &[u8]) {
    while try_send(Some(from), to, raw).await.is_err() {
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn db(bot: &MailBot) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(bot.scratch.dir.join("greffier.db")).expect("the database");
    c.busy_timeout(Duration::from_secs(10))
        .expect("busy timeout");
    c
}

fn count(c: &rusqlite::Connection, sql: &str, arg: &str) -> usize {
    c.query_row(sql, [arg], |r| r.get::<_, i64>(0))
        .expect("count") as usize
}

async fn run(plan: Plan) -> Figures {
    let mut rng = Rng::new();
    let mut admin = User::new().await;
    let mut bot = MailBot::with_matrix(plan.name, &admin.id).await;
    bot.append_config(
        "[[groups.seed]]\nslug = \"harness\"\ntheme = \"Banc d'essai\"\nstatus = \"active\"\nlead = \"Harness\"\nmembers = [\"Harness\"]\n",
    );
    bot.start_with(&[("RUST_LOG", DEBUG_LOG)]);
    let bot_id = bot.matrix_id.clone().expect("Matrix");

    // The users: a Matrix account in the room and a linked mail address.
    let mut people = Vec::new();
    for _ in 0..plan.users {
        people.push(Participant {
            user: User::new().await,
            mail: Account::new("fault").await,
        });
    }
    let mut invited: Vec<&matrix_sdk::ruma::OwnedUserId> = vec![&bot_id];
    invited.extend(people.iter().map(|p| &p.user.id));
    let room = admin.create_room(false, &invited).await;
    // The welcome first: twenty joins would push it out of a sync's
    // latest events.
    admin.welcome(&bot_id, &room).await;
    for p in &people {
        p.user
            .client
            .join_room_by_id(&room)
            .await
            .expect("the user joins");
    }
    for p in &people {
        let out = bot.scratch.console(
            p.user.id.as_str(),
            &[
                "!moi organisation Harness",
                "!groupe rejoindre harness",
                &format!("!moi lier {}", p.mail.address),
            ],
        );
        assert!(out.contains("Un code vient d'être envoyé"), "{out}");
        // Confirmed members of Harness, the lead: their milestones count.
        let out = bot.scratch.console(
            admin.id.as_str(),
            &[&format!("!organisation accepter {}", p.user.id)],
        );
        assert!(out.contains("confirmée"), "{out}");
    }
    for p in &people {
        let code = p.mail.link_code().await;
        let out = bot
            .scratch
            .console(p.user.id.as_str(), &[&format!("!moi confirmer {code}")]);
        assert!(out.contains("C'est fait"), "{out}");
    }
    let creations: Vec<String> = (0..plan.meetings)
        .map(|k| {
            format!(
                "!reunion creer « Essai {k} » 2027-03-{:02} 10:00 groupe harness",
                k + 1
            )
        })
        .collect();
    let creations: Vec<&str> = creations.iter().map(String::as_str).collect();
    let out = bot.scratch.console(admin.id.as_str(), &creations);
    assert_eq!(out.matches("créée").count(), plan.meetings, "{out}");
    // A séance open in the room: half the commands are its notes.
    let asked = admin.say(&room, "!seance ouvrir 1").await;
    let opened = admin.reply_to(&bot_id, &asked).await;
    assert!(
        opened.body().starts_with("Séance ouverte"),
        "{}",
        opened.body()
    );

    // The RSVP mails, one per invitation, in reply to it.
    let mut mails: Vec<(usize, String, Vec<u8>)> = Vec::new();
    {
        let c = db(&bot);
        let mut st = c
            .prepare("SELECT email, message_id FROM invitations WHERE email IS NOT NULL ORDER BY meeting_id, email")
            .expect("invitations");
        let rows: Vec<(String, String)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("invitations")
            .collect::<Result<_, _>>()
            .expect("invitations");
        assert_eq!(rows.len(), plan.users * plan.meetings);
        for (n, (email, invitation)) in rows.into_iter().enumerate() {
            let who = people
                .iter()
                .position(|p| p.mail.address == email)
                .expect("an invitee");
            let id = format!("rsvp-{n}-{}@client.example.test", std::process::id());
            let answer = if n % 2 == 0 {
                "Je serai présent."
            } else {
                "Excusé, je suis en congés."
            };
            let raw = answering(
                thunderbird(&email, &bot.account.address, "Re: Invitation", &id, answer),
                &invitation,
            );
            mails.push((who, id, raw));
        }
    }

    // The traffic, and the faults while it flows.
    let start = tokio::time::Instant::now();
    let window = plan.window;
    let commands = plan.commands;
    let mut moments: Vec<(Duration, Fault)> = plan
        .faults
        .iter()
        .enumerate()
        .map(|(i, f)| {
            // Spread over the window, each at a random point of its slice.
            let slice = 0.8 / plan.faults.len() as f64;
            let at = 0.1 + slice * (i as f64 + rng.unit());
            (window.mul_f64(at), *f)
        })
        .collect();
    moments.sort_by_key(|m| m.0);
    let pauses: Vec<Duration> = moments
        .iter()
        .map(|_| Duration::from_millis(200 + rng.next() % 800))
        .collect();
    let bot_address = bot.account.address.clone();
    let servers = Servers::get();
    let mut figures = Figures {
        commands_sent: commands,
        mails_sent: mails.len(),
        ..Figures::default()
    };
    let (sent, (), ()) = tokio::join!(
        async {
            let mut sent = Vec::new();
            for i in 0..commands {
                tokio::time::sleep_until(start + window.mul_f64(i as f64 / commands as f64)).await;
                let p = &people[i % people.len()];
                // Even: a milestone; odd: a note of the séance.
                let text = match i % 2 {
                    0 => format!("!projet jalon harness 2027-04-01 « jalon-{i} »"),
                    _ => format!("!note « note-{i} »"),
                };
                let event = say_until_sent(&p.user, &room, &text, &format!("faults-{i}")).await;
                sent.push((i, event));
            }
            sent
        },
        async {
            let n = mails.len();
            for (k, (who, _, raw)) in mails.iter().enumerate() {
                tokio::time::sleep_until(start + window.mul_f64(k as f64 / n as f64)).await;
                mail_until_sent(&people[*who].mail.address, &bot_address, raw).await;
            }
        },
        async {
            for ((at, fault), pause) in moments.iter().zip(&pauses) {
                tokio::time::sleep_until(start + *at).await;
                match fault {
                    Fault::Kill => {
                        bot.kill().await;
                        figures.kills += 1;
                        tokio::time::sleep(*pause).await;
                        bot.start_with(&[("RUST_LOG", DEBUG_LOG)]);
                    }
                    Fault::Backup => {
                        figures.backup = Some(backup(&bot, &admin, &room, &people).await);
                    }
                    Fault::Outage(server, length) => {
                        servers.script(&["stop", server]).await;
                        figures
                            .outages
                            .push(format!("{server} {} s", length.as_secs()));
                        tokio::time::sleep(*length).await;
                        servers.script(&["start", server]).await;
                    }
                }
            }
        },
    );
    println!(
        "faults: traffic sent in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    // Every answer, within the patience; then a few seconds more, so that
    // a late duplicate would show.
    let deadline = tokio::time::Instant::now() + plan.patience;
    let replies = |timeline: &[crate::synapse::Seen]| -> HashMap<String, usize> {
        let mut n = HashMap::new();
        for s in timeline {
            if s.sender() == bot_id.as_str()
                && let Some(to) = s.in_reply_to()
            {
                *n.entry(to.to_string()).or_insert(0) += 1;
            }
        }
        n
    };
    // The answers to each RSVP mail: their Message-IDs (the same one twice
    // would be one answer delivered twice; two would be the RSVP handled
    // twice).
    let confirmations = |inboxes: &[Vec<Vec<u8>>]| -> HashMap<String, Vec<String>> {
        let mut n: HashMap<String, Vec<String>> = HashMap::new();
        for inbox in inboxes {
            for raw in inbox {
                if let Some(m) = mail_parser::MessageParser::default().parse(raw)
                    && let Some(id) = m.in_reply_to().as_text()
                {
                    n.entry(id.to_string())
                        .or_default()
                        .push(m.message_id().unwrap_or_default().to_string());
                }
            }
        }
        n
    };
    let mut settled: Option<tokio::time::Instant> = None;
    loop {
        let timeline = admin.history(&room).await.unwrap_or_default();
        let mut inboxes = Vec::new();
        for p in &people {
            inboxes.push(p.mail.mails("INBOX").await);
        }
        let seen_replies = replies(&timeline);
        let seen_confirmations = confirmations(&inboxes);
        let c = db(&bot);
        let mut lost = Vec::new();
        let mut duplicated = Vec::new();
        // A second copy of the same answer (same Message-ID): sent again
        // because greffier was killed while the SMTP server accepted it.
        let mut copies = 0;
        for (i, event) in &sent {
            let applied = match i % 2 {
                0 => count(
                    &c,
                    "SELECT count(*) FROM milestones WHERE text = ?1",
                    &format!("jalon-{i}"),
                ),
                _ => count(
                    &c,
                    "SELECT count(*) FROM seance_entries WHERE text = ?1 AND removed_at IS NULL",
                    &format!("note-{i}"),
                ),
            };
            let answered = seen_replies.get(event.as_str()).copied().unwrap_or(0);
            match applied {
                0 => lost.push(format!("command {i} ({event}) not applied")),
                1 => {}
                n => duplicated.push(format!("command {i} applied {n} times")),
            }
            match answered {
                0 => lost.push(format!("command {i} not answered")),
                1 => {}
                n => duplicated.push(format!("command {i} answered {n} times in the room")),
            }
        }
        for (_, id, _) in &mails {
            let recorded = count(&c, "SELECT count(*) FROM rsvps WHERE source_ref = ?1", id);
            let answers = seen_confirmations
                .get(id.as_str())
                .cloned()
                .unwrap_or_default();
            let mut distinct = answers.clone();
            distinct.sort();
            distinct.dedup();
            let confirmed = distinct.len();
            copies += answers.len() - distinct.len();
            match recorded {
                0 => lost.push(format!("RSVP {id} not recorded")),
                1 => {}
                n => duplicated.push(format!("RSVP {id} recorded {n} times")),
            }
            match confirmed {
                0 => lost.push(format!("RSVP {id} not confirmed")),
                1 => {}
                n => duplicated.push(format!("RSVP {id} confirmed {n} times: {answers:?}")),
            }
        }
        let problems = greffier_storage::Database::open(&bot.scratch.dir.join("greffier.db"))
            .expect("db")
            .problems()
            .expect("integrity");
        let now = tokio::time::Instant::now();
        if lost.is_empty() && settled.is_none() {
            settled = Some(now);
        }
        let done = settled.is_some_and(|t| now >= t + Duration::from_secs(5));
        if done || now >= deadline {
            figures.copies = copies;
            figures.lost = lost.len();
            figures.duplicated = duplicated.len();
            figures.problems = lost
                .into_iter()
                .chain(duplicated)
                .chain(problems)
                .take(20)
                .collect();
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    if !figures.problems.is_empty() {
        let logs = bot.logs();
        // greffier's own lines (matrix-sdk's key-backup warnings are noise).
        let noteworthy: Vec<&str> = logs
            .lines()
            .filter(|l| l.contains("greffier") || l.contains("ERROR") || l.contains("restart"))
            .collect();
        println!(
            "faults: the bot's log:\n{}",
            noteworthy[noteworthy.len().saturating_sub(120)..].join("\n")
        );
    }
    bot.assert_running();
    bot.stop().await;
    if let Some(taken) = &figures.backup {
        restore(&mut bot, &admin, &room, taken).await;
    }
    println!(
        "faults figures: {}: {} users, {} room commands + {} RSVP mails sent, {} SIGKILL(s), outages [{}], lost {}, duplicated {}, mail copies resent {}, in {:.0} s",
        plan.name,
        plan.users,
        figures.commands_sent,
        figures.mails_sent,
        figures.kills,
        figures.outages.join(", "),
        figures.lost,
        figures.duplicated,
        figures.copies,
        start.elapsed().as_secs_f64()
    );
    figures
}

/// What the bot has acknowledged so far, then `greffier backup`.
async fn backup(
    bot: &MailBot,
    admin: &User,
    room: &OwnedRoomId,
    people: &[Participant],
) -> TakenBackup {
    let timeline = admin.history(room).await.unwrap_or_default();
    let bot_id = bot.matrix_id.clone().expect("Matrix");
    let mut commands: Vec<usize> = timeline
        .iter()
        .filter(|s| s.sender() == bot_id.as_str() && s.in_reply_to().is_some())
        .filter_map(|s| {
            let (_, rest) = s.body().split_once("jalon-")?;
            rest.split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .collect();
    commands.sort_unstable();
    commands.dedup();
    let mut rsvps = Vec::new();
    for p in people {
        for raw in p.mail.mails("INBOX").await {
            if let Some(m) = mail_parser::MessageParser::default().parse(&raw)
                && let Some(id) = m.in_reply_to().as_text()
                && id.starts_with("rsvp-")
            {
                rsvps.push(id.to_string());
            }
        }
    }
    let path = bot.scratch.dir.join("backup.db");
    let out = bot
        .scratch
        .run(&["backup", path.to_str().expect("a UTF-8 path")], b"");
    crate::support::assert_clean(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("écrite et vérifiée (intégrité correcte"),
        "{said}"
    );
    println!(
        "faults: backup taken after {} acknowledged commands and {} confirmed RSVPs: {said}",
        commands.len(),
        rsvps.len()
    );
    TakenBackup {
        path,
        commands,
        rsvps,
    }
}

/// Restores the backup as README (Deploying) says: the bot stopped, the
/// copy put in place of the database (the old write-ahead log removed), the
/// bot started; then checks it and that the bot answers on it.
async fn restore(bot: &mut MailBot, admin: &User, room: &OwnedRoomId, taken: &TakenBackup) {
    let database = bot.scratch.dir.join("greffier.db");
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(bot.scratch.dir.join(format!("greffier.db{suffix}")));
    }
    std::fs::copy(&taken.path, &database).expect("the backup copied back");
    {
        let restored = greffier_storage::Database::open(&database).expect("the restored database");
        assert_eq!(
            restored.problems().expect("checks"),
            Vec::<String>::new(),
            "the restored database passes the integrity and foreign-key checks"
        );
    }
    let c = db(bot);
    for i in &taken.commands {
        let kept = count(
            &c,
            "SELECT count(*) FROM milestones WHERE text = ?1",
            &format!("jalon-{i}"),
        );
        assert_eq!(kept, 1, "command {i}, acknowledged before the backup");
    }
    for id in &taken.rsvps {
        let kept = count(&c, "SELECT count(*) FROM rsvps WHERE source_ref = ?1", id);
        assert_eq!(kept, 1, "RSVP {id}, confirmed before the backup");
    }
    drop(c);
    bot.start_with(&[("RUST_LOG", DEBUG_LOG)]);
    let bot_id = bot.matrix_id.clone().expect("Matrix");
    let event = admin
        .say(
            room,
            "!projet jalon harness 2027-05-01 « après-restauration »",
        )
        .await;
    // It first reads again what came after the backup, and applies it
    // again. Its answers, numbered again from the backup's outbox, must
    // not be taken for the lost ones by the homeserver (same transaction
    // id: nothing sent; `OutboxItem::unique`). An item it had begun to
    // send is waited for up to a minute, as after any restart.
    let patience = Duration::from_secs(150);
    let deadline = tokio::time::Instant::now() + patience;
    let reply = loop {
        let timeline = admin.history(room).await.unwrap_or_default();
        if let Some(reply) = timeline
            .iter()
            .find(|s| s.sender() == bot_id.as_str() && s.in_reply_to() == Some(event.as_str()))
        {
            break reply.clone();
        }
        if tokio::time::Instant::now() > deadline {
            let logs = bot.logs();
            let last_run = logs.rsplit("--- restart ---").next().unwrap_or_default();
            let tail: Vec<&str> = last_run
                .lines()
                .filter(|l| l.contains("greffier") && !l.contains("INBOX read"))
                .take(80)
                .collect();
            panic!(
                "no answer on the restored database; the bot's log after the restore:\n{}",
                tail.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    assert!(
        reply.body().contains("après-restauration"),
        "{}",
        reply.body()
    );
    println!(
        "faults: the restored bot answered {:.0} s after its start",
        (patience - (deadline - tokio::time::Instant::now())).as_secs_f64()
    );
    // `greffier status` sees the restarted bot.
    let pid = bot.pid().expect("running").to_string();
    let mut said = String::new();
    for _ in 0..30 {
        let out = bot.scratch.run(&["status"], b"");
        said = String::from_utf8_lossy(&out.stdout).into_owned();
        if said.contains(&format!("pid {pid},")) {
            assert!(said.contains("bot : en marche"), "{said}");
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    assert!(said.contains(&format!("pid {pid},")), "{said}");
    bot.stop().await;
}

fn assert_clean(f: &Figures) {
    assert!(
        f.lost == 0 && f.duplicated == 0 && f.problems.is_empty(),
        "{f:#?}"
    );
}

/// Room commands and RSVP mails while the bot is killed (SIGKILL) and
/// started again.
#[tokio::test]
async fn nothing_lost_nothing_twice_across_sigkills() {
    let _matrix = SERVER.read().await;
    let _mail = MAIL_SERVER.read().await;
    let plan = if full() {
        Plan {
            name: "faults-kills",
            users: 20,
            commands: 300,
            meetings: 15,
            window: Duration::from_secs(60),
            faults: vec![
                Fault::Kill,
                Fault::Kill,
                Fault::Backup,
                Fault::Kill,
                Fault::Kill,
                Fault::Kill,
            ],
            patience: Duration::from_secs(300),
        }
    } else {
        Plan {
            name: "faults-kills",
            users: 6,
            commands: 40,
            meetings: 5,
            window: Duration::from_secs(12),
            faults: vec![Fault::Kill, Fault::Backup, Fault::Kill],
            patience: Duration::from_secs(120),
        }
    };
    let figures = run(plan).await;
    assert_clean(&figures);
}

/// The same while Synapse, Dovecot and Postfix are each stopped and
/// started again: the bot recovers by itself.
#[tokio::test]
async fn nothing_lost_nothing_twice_across_server_outages() {
    let _matrix = SERVER.write().await;
    let _mail = MAIL_SERVER.write().await;
    let (length, window, users, commands, meetings) = if full() {
        (
            Duration::from_secs(60),
            Duration::from_secs(240),
            20,
            300,
            15,
        )
    } else {
        (Duration::from_secs(5), Duration::from_secs(24), 4, 24, 6)
    };
    let plan = Plan {
        name: "faults-outages",
        users,
        commands,
        meetings,
        window,
        faults: vec![
            Fault::Outage("synapse", length),
            Fault::Outage("dovecot", length),
            Fault::Outage("postfix", length),
        ],
        patience: Duration::from_secs(300),
    };
    let figures = run(plan).await;
    assert_clean(&figures);
}
