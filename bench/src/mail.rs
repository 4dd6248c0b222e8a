//! RSVP mails against the local Dovecot and Postfix, in one run:
//!
//! 1. the reference: the same mails moved into a plain account's INBOX and
//!    read back over IMAP by a reader that does nothing else: one by one,
//!    by hundreds (greffier's way: a fetch, then a move, per batch), and in
//!    one bulk fetch; and the same number of short mails sent over SMTP,
//!    the way greffier sends its confirmations;
//! 2. greffier (release build, on a copy of the large network, members
//!    invited by mail to meetings) gets the mails in its INBOX at once, and
//!    the time until every answer is recorded is measured; then until every
//!    confirmation is sent and the bot's own copies are filed.
//!
//! The mails are put in a staging folder first (IMAP APPEND) and moved into
//! INBOX in one command, so that the clock measures the reader, not the
//! delivery.

use greffier_commands::store::People as _;
use std::path::Path;
use std::time::Duration;

use futures_util::TryStreamExt;
use futures_util::future::join_all;
use greffier_commands::meeting::NewMeeting;
use greffier_commands::store::Meetings;
use greffier_commands::store::{Identity, IdentityKind, OrgId};
use greffier_storage::Database;
use greffier_testkit::mail::{Account, answering, new_id, sign, thunderbird, thunderbird_accept};
use greffier_testkit::matrix::Servers;
use tokio::time::Instant;

use greffier::outbox::PARALLEL;

use crate::procs::{Child, mib, sibling};
use crate::scale::{self, Size};

/// How the mail benchmark runs: `members` people each invited to
/// `meetings` meetings, each answering every invitation once.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub members: usize,
    pub meetings: usize,
    pub size: Size,
}

pub const PLAN: Plan = Plan {
    members: 50,
    meetings: 20,
    size: scale::LARGE,
};

/// How long the answers are waited for.
const PATIENCE: Duration = Duration::from_secs(600);

/// Where the mails wait before they are moved into INBOX at once.
const STAGING: &str = "Arrivee";

/// One invitation: who, to which meeting (its UID), and the invitation
/// mail's Message-ID.
struct Invitation {
    member: usize,
    uid: String,
    message_id: String,
}

/// The three ways people answer, in turn: Thunderbird's Accept button (an
/// iTIP REPLY), a French sentence from Thunderbird's Reply, an excuse with
/// a reason from Gmail (HTML and text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    AcceptButton,
    Present,
    Excused,
}

impl Way {
    fn nth(i: usize) -> Way {
        [Way::AcceptButton, Way::Present, Way::Excused][i % 3]
    }
}

pub async fn run(dir: &Path, plan: Plan) -> anyhow::Result<()> {
    let servers = Servers::get();
    let bot = Account::new("benchbot").await;
    let reference = Account::new("benchref").await;
    let members: Vec<Account> = join_all((0..plan.members).map(|_| Account::new("membre"))).await;

    let path = scale::database(dir, "mail.db", plan.size)?;
    let invitations = invite(&path, &members, plan)?;
    let mails: Vec<(Way, Vec<u8>)> = invitations
        .iter()
        .enumerate()
        .map(|(i, inv)| {
            let way = Way::nth(i + inv.member);
            (
                way,
                answer(way, &members[inv.member].address, &bot.address, inv),
            )
        })
        .collect();
    let bytes: usize = mails.iter().map(|(_, m)| m.len()).sum();
    println!(
        "{} answers from {} members to {} meetings ({} KiB in all); greffier's database: {} groups, {} people\n",
        mails.len(),
        plan.members,
        plan.meetings,
        bytes / 1024,
        plan.size.groups,
        plan.size.people
    );

    // 1. The reference: a plain IMAP reader.
    stage(&reference, &mails).await?;
    let plain = plain_reads(&reference, mails.len()).await?;
    let smtp_one = plain_sends(&reference, &members, mails.len(), 1).await?;
    let smtp_lanes = plain_sends(&reference, &members, mails.len(), PARALLEL).await?;

    // 2. greffier.
    stage(&bot, &mails).await?;
    std::fs::write(
        dir.join("mail.toml"),
        format!(
            "[bot]\ndatabase = \"mail.db\"\nadmins = [\"@admin:example.test\"]\n\n[mail]\naddress = \"{address}\"\nimap_host = \"127.0.0.1\"\nimap_port = {imap}\nimap_tls = \"none\"\nimap_user = \"{address}\"\nimap_password_env = \"GREFFIER_BENCH_MAIL_PASSWORD\"\nsmtp_host = \"127.0.0.1\"\nsmtp_port = {smtp}\nsmtp_tls = \"none\"\ndns = \"{dns}\"\n",
            address = bot.address,
            imap = servers.var("IMAP_PORT"),
            smtp = servers.var("SMTP_PORT"),
            dns = servers.var("DNS_ADDR"),
        ),
    )?;
    let mut greffier = Child::spawn(
        &sibling("greffier")?,
        &["--config", "mail.toml", "run"],
        &[
            ("GREFFIER_BENCH_MAIL_PASSWORD", &bot.password),
            ("RUST_LOG", "info,greffier=info"),
        ],
        dir,
        &dir.join("mail.log"),
    )?;
    greffier
        .wait_log("reading the mailbox", Duration::from_secs(120))
        .await?;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = greffier.memory();
    let watch =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    watch.busy_timeout(Duration::from_secs(5))?;
    let count = |sql: &str| -> anyhow::Result<usize> {
        Ok(watch.query_row(sql, [], |r| r.get::<_, i64>(0))? as usize)
    };
    let recorded = || count("SELECT count(*) FROM rsvps");
    let pending = || {
        count(
            "SELECT count(*) FROM outbox WHERE channel = 'email'
             AND delivered_at IS NULL AND failed_at IS NULL",
        )
    };
    let sent = || count("SELECT count(*) FROM outbox WHERE delivered_at IS NOT NULL");
    anyhow::ensure!(recorded()? == 0, "answers recorded before the mails came");

    let mut imap = bot.imap().await;
    imap.select(STAGING).await?;
    let start = Instant::now();
    imap.uid_mv("1:*", "INBOX").await?;
    let moved = start.elapsed();
    let deadline = start + PATIENCE;
    let (mut first, mut all, mut settled) = (None, None, None);
    let mut peak = 0;
    while settled.is_none() && Instant::now() < deadline {
        peak = peak.max(greffier.memory().rss_kib);
        let n = recorded()?;
        if n > 0 && first.is_none() {
            first = Some(start.elapsed());
        }
        if n >= mails.len() && all.is_none() {
            all = Some(start.elapsed());
        }
        // Settled: every answer recorded and confirmed, and the bot's own
        // copies of the confirmations read and filed (INBOX empty).
        if all.is_some() && pending()? == 0 && sent()? >= mails.len() {
            let inbox = imap.select("INBOX").await?;
            if inbox.exists == 0 {
                settled = Some(start.elapsed());
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = imap.logout().await;
    let by_status: Vec<(String, String, i64)> = watch
        .prepare(
            "SELECT status, channel, count(*) FROM rsvps GROUP BY status, channel ORDER BY 1, 2",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let errors = greffier
        .log()
        .lines()
        .filter(|l| l.contains(" ERROR ") || l.contains(" WARN "))
        .count();
    greffier.stop().await?;

    let n = mails.len();
    let rate = |d: Duration| format!("{:.0} mails/s", n as f64 / d.as_secs_f64());
    let secs =
        |d: Option<Duration>| d.map_or("never".into(), |d| format!("{:.2} s", d.as_secs_f64()));
    println!("| | time for {n} mails | mails per second |");
    println!("| --- | --- | --- |");
    for (name, took) in [
        (
            "one by one (a fetch, then a move, per mail)",
            plain.one_by_one,
        ),
        (
            "by hundreds (a fetch, then a move, per 100 mails: greffier's way)",
            plain.batches,
        ),
        ("one bulk fetch, nothing moved", plain.bulk),
    ] {
        println!(
            "| plain IMAP reader, {name} | {:.2} s | {} |",
            took.as_secs_f64(),
            rate(took)
        );
    }
    println!(
        "| plain SMTP sender, one at a time (each mail to a member, a copy to itself) | {:.2} s | {} |",
        smtp_one.as_secs_f64(),
        rate(smtp_one)
    );
    println!(
        "| plain SMTP sender, {PARALLEL} at a time (greffier's way) | {:.2} s | {} |",
        smtp_lanes.as_secs_f64(),
        rate(smtp_lanes)
    );
    println!(
        "| greffier: every answer recorded | {} | {} |",
        secs(all),
        all.map_or("–".into(), rate)
    );
    println!(
        "| greffier: every confirmation sent and its own copy filed | {} | {} |",
        secs(settled),
        settled.map_or("–".into(), rate)
    );
    println!(
        "\nThe move into INBOX took {:.0} ms; the first answer was recorded after {}.",
        moved.as_secs_f64() * 1000.0,
        secs(first)
    );
    if let Some(a) = all {
        println!(
            "greffier / plain reader by hundreds: {:.2}×; / one by one: {:.2}×",
            a.as_secs_f64() / plain.batches.as_secs_f64(),
            a.as_secs_f64() / plain.one_by_one.as_secs_f64()
        );
    }
    let expected = |way: Way| mails.iter().filter(|(w, _)| *w == way).count();
    println!(
        "\nRecorded (status, channel, count): {by_status:?}; sent: {} accepted with the button, {} present in words, {} excused.",
        expected(Way::AcceptButton),
        expected(Way::Present),
        expected(Way::Excused)
    );
    println!(
        "Warnings and errors in greffier's log: {errors}. greffier's RSS: idle {}, peak while reading {}.",
        mib(idle.rss_kib),
        mib(peak)
    );
    Ok(())
}

/// The members (each with their mail address, in an organisation of the
/// network) and their invitations, written the way `!reunion creer` writes
/// them: one invitation per member and meeting, with the Message-ID of
/// the invitation mail.
fn invite(path: &Path, members: &[Account], plan: Plan) -> anyhow::Result<Vec<Invitation>> {
    let mut db = Database::open(path)?;
    let now = jiff::Timestamp::now();
    let invitations = db.write(now, |tx| {
        let mut people = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let org = OrgId(1 + (i % plan.size.organisations) as i64);
            let id = tx.create_person(
                &format!("Invitée {i}"),
                Some(org),
                &Identity {
                    kind: IdentityKind::Email,
                    value: m.address.clone(),
                },
            )?;
            people.push(id);
        }
        let mut out = Vec::new();
        for k in 0..plan.meetings {
            let starts_at = now + jiff::SignedDuration::from_hours(24 * 30 + k as i64);
            let meeting = tx.create_meeting(&NewMeeting {
                title: format!("Comité de suivi {k}"),
                starts_at,
                ends_at: None,
                timezone: "Europe/Paris".into(),
                place: Some("Mairie d'Arles".into()),
                group: None,
                organiser: None,
                time_given: true,
            })?;
            let uid = tx.meeting(meeting)?.map(|m| m.uid).unwrap_or_default();
            for (member, person) in people.iter().enumerate() {
                let message_id = format!("invitation-{k}-{member}@bench.example.test");
                tx.invite(
                    meeting,
                    *person,
                    Some(&members[member].address),
                    Some(&message_id),
                    0,
                )?;
                out.push(Invitation {
                    member,
                    uid: uid.clone(),
                    message_id,
                });
            }
        }
        Ok(out)
    })?;
    Ok(invitations)
}

/// The answer to one invitation, as the member's mail client writes it and
/// example.test's outgoing server signs it (DKIM): greffier verifies each.
fn answer(way: Way, from: &str, bot: &str, inv: &Invitation) -> Vec<u8> {
    sign(&unsigned_answer(way, from, bot, inv))
}

fn unsigned_answer(way: Way, from: &str, bot: &str, inv: &Invitation) -> Vec<u8> {
    let id = new_id("rsvp");
    let invitation = format!("<{}>", inv.message_id);
    match way {
        Way::AcceptButton => thunderbird_accept(from, bot, &inv.uid, &id),
        Way::Present => answering(
            thunderbird(
                from,
                bot,
                "Re: Invitation : Comité de suivi",
                &id,
                "Je serai présent.\n\nLe 23/11/2026 à 10:00, greffier a écrit :\n> Vous êtes invité(e) à « Comité de suivi ».\n> Répondez par « présent » ou « excusé ».",
            ),
            &invitation,
        ),
        Way::Excused => gmail_excuse(from, bot, &id, &invitation),
    }
}

/// "Excusé" with a reason, as Gmail's Reply writes it: text and HTML,
/// quoted-printable, the invitation quoted.
fn gmail_excuse(from: &str, to: &str, message_id: &str, invitation: &str) -> Vec<u8> {
    format!(
        "MIME-Version: 1.0\r\nReferences: {invitation}\r\nIn-Reply-To: {invitation}\r\nFrom: Membre <{from}>\r\nDate: Mon, 23 Nov 2026 10:07:31 +0100\r\nMessage-ID: <{message_id}>\r\nSubject: Re: Invitation : =?UTF-8?Q?Comit=C3=A9_de_suivi?=\r\nTo: greffier <{to}>\r\nContent-Type: multipart/alternative; boundary=\"000000000000a1b2c3d4\"\r\n\r\n--000000000000a1b2c3d4\r\nContent-Type: text/plain; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nExcus=C3=A9, je suis en cong=C3=A9s cette semaine.\r\n\r\nLe lun. 23 nov. 2026 =C3=A0 10:00, greffier <{to}> a =C3=A9crit :\r\n\r\n> Vous =C3=AAtes invit=C3=A9(e) =C3=A0 =C2=AB Comit=C3=A9 de suivi =C2=BB.\r\n>\r\n\r\n--000000000000a1b2c3d4\r\nContent-Type: text/html; charset=\"UTF-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<div dir=3D\"ltr\">Excus=C3=A9, je suis en cong=C3=A9s cette semaine.</div><br><div class=3D\"gmail_quote\"><div dir=3D\"ltr\" class=3D\"gmail_attr\">Le lun. 23 nov. 2026 =C3=A0 10:00, greffier a =C3=A9crit :<br></div><blockquote class=3D\"gmail_quote\">Vous =C3=AAtes invit=C3=A9(e) =C3=A0 =C2=AB Comit=C3=A9 de suivi =C2=BB.</blockquote></div>\r\n\r\n--000000000000a1b2c3d4--\r\n"
    )
    .into_bytes()
}

/// Puts the mails in the account's staging folder (IMAP APPEND, one
/// session), INBOX and the staging folder empty before.
async fn stage(account: &Account, mails: &[(Way, Vec<u8>)]) -> anyhow::Result<()> {
    let mut imap = account.imap().await;
    let _ = imap.create(STAGING).await;
    for (_, raw) in mails {
        imap.append(STAGING, None, None, raw).await?;
    }
    let _ = imap.logout().await;
    Ok(())
}

/// A plain sender: `n` short mails over SMTP, each to a member with a copy
/// to the sender, as greffier sends its confirmations; `parallel` at once
/// over as many pooled connections (greffier: [`greffier::outbox::PARALLEL`]).
async fn plain_sends(
    from: &Account,
    members: &[Account],
    n: usize,
    parallel: usize,
) -> anyhow::Result<Duration> {
    use lettre::address::Envelope;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
    let port: u16 = Servers::get().var("SMTP_PORT").parse()?;
    let smtp = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .build();
    let start = Instant::now();
    let sent = join_all((0..parallel).map(|lane| {
        let smtp = smtp.clone();
        async move {
            for i in (lane..n).step_by(parallel) {
                let to = &members[i % members.len()].address;
                let envelope = Envelope::new(
                    Some(from.address.parse()?),
                    vec![to.parse()?, from.address.parse()?],
                )?;
                let raw = format!(
                    "Message-ID: <{}>\r\nFrom: {}\r\nTo: {to}\r\nSubject: Re: Invitation\r\nAuto-Submitted: auto-replied\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVotre réponse est enregistrée : présence annoncée à la réunion n°{i}.\r\n",
                    new_id("plain"),
                    from.address
                );
                smtp.send_raw(&envelope, raw.as_bytes()).await?;
            }
            anyhow::Ok(())
        }
    }))
    .await;
    sent.into_iter().collect::<anyhow::Result<()>>()?;
    Ok(start.elapsed())
}

/// What the plain reader took, for the same mails.
struct PlainReads {
    /// Each mail fetched, then moved: a command per mail and step.
    one_by_one: Duration,
    /// A hundred mails fetched by one command, then moved by one (what
    /// greffier does).
    batches: Duration,
    /// All of them fetched by one command, nothing moved.
    bulk: Duration,
}

/// A plain reader of the same mails, three ways; the mails are moved into
/// INBOX at once before each of the first two.
async fn plain_reads(account: &Account, n: usize) -> anyhow::Result<PlainReads> {
    let mut imap = account.imap().await;
    let mut timed = Vec::new();
    for batch in [1, 100] {
        let _ = imap.create("Lu").await;
        let from = if batch == 1 { STAGING } else { "Lu" };
        imap.select(from).await?;
        imap.uid_mv("1:*", "INBOX").await?;
        let start = Instant::now();
        imap.select("INBOX").await?;
        let mut uids: Vec<u32> = imap.uid_search("ALL").await?.into_iter().collect();
        uids.sort_unstable();
        let mut read = 0;
        for chunk in uids.chunks(batch) {
            let set = chunk
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let fetched: Vec<_> = imap
                .uid_fetch(&set, "(UID BODY.PEEK[])")
                .await?
                .try_collect()
                .await?;
            read += fetched.iter().filter(|f| f.body().is_some()).count();
            imap.uid_mv(&set, if batch == 1 { "Lu" } else { STAGING })
                .await?;
        }
        timed.push(start.elapsed());
        anyhow::ensure!(read == n, "the plain reader read {read} of {n} mails");
    }

    imap.select(STAGING).await?;
    let start = Instant::now();
    let fetched: Vec<_> = imap
        .uid_fetch("1:*", "(UID BODY.PEEK[])")
        .await?
        .try_collect()
        .await?;
    let bulk = start.elapsed();
    let read = fetched.iter().filter(|f| f.body().is_some()).count();
    anyhow::ensure!(read == n, "the bulk fetch read {read} of {n} mails");
    let _ = imap.logout().await;
    Ok(PlainReads {
        one_by_one: timed[0],
        batches: timed[1],
        bulk,
    })
}
