//! The mail adapter: the bot's mailbox over IMAP, its answers over SMTP.
//!
//! - [`imap`]: the connection (plaintext on loopback, STARTTLS, implicit TLS).
//! - The reading loop (here): every mail of INBOX is read, handled in one
//!   transaction (its commands, its answer queued, its Message-ID recorded)
//!   and then moved to `mail.done_folder`; a mail that cannot be read goes
//!   to `mail.quarantine_folder`. UIDVALIDITY and the last handled UID are
//!   stored: a mail still in INBOX at or below that UID was handled before
//!   a crash and is only moved. Between rounds the adapter waits in IMAP
//!   IDLE (or sleeps `mail.poll_seconds` if the server has no IDLE).
//! - [`parse`]: what a mail says; [`outbound`]: the answers, by SMTP.
//!
//! Only known senders are obeyed: an address linked and verified with
//! `!moi lier` / `!moi confirmer` (an admin's address too: being listed in
//! bot.toml gives rights, not an identity). Others get one polite refusal
//! per hour at most. Automatic mail (RFC 3834)
//! is never answered.

pub mod ical;
pub mod imap;
pub mod outbound;
pub mod parse;
pub mod rsvp;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use futures_util::TryStreamExt;
use greffier_commands::store::{Identity, IdentityKind};
use greffier_commands::{Action, Context, Origin, Request, tr};
use greffier_storage::Database;
use jiff::Timestamp;
use tokio::sync::Notify;

use crate::App;
use crate::config::MailConfig;
use crate::dispatch::{self, Handled};
use crate::run::{SharedDb, lock};
use crate::{failpoint, outbox};
use imap::{Imap, Tls};
use parse::Incoming;

const UIDVALIDITY: &str = "mail.uidvalidity";
const LAST_UID: &str = "mail.last_uid";
const INSTANCE: &str = "mail.instance";

pub async fn serve(app: Arc<App>, db: SharedDb) -> anyhow::Result<()> {
    let cfg = app
        .loaded
        .config
        .mail
        .as_ref()
        .context("no [mail] section")?;
    let loaded = &app.loaded;
    let imap_password = loaded
        .secret(
            "mail.imap_password",
            &cfg.imap_password,
            &cfg.imap_password_env,
            &cfg.imap_password_file,
        )?
        .context("[mail] needs imap_password (or imap_password_env / _file)")?;
    let smtp_password = loaded.secret(
        "mail.smtp_password",
        &cfg.smtp_password,
        &cfg.smtp_password_env,
        &cfg.smtp_password_file,
    )?;
    let credentials = match (&cfg.smtp_user, smtp_password) {
        (Some(user), Some(password)) => Some((user.clone(), password)),
        (Some(_), None) => anyhow::bail!("[mail] smtp_user needs smtp_password (or _env / _file)"),
        _ => None,
    };
    let instance =
        lock(&db).cursor_or_init(INSTANCE, Timestamp::now(), crate::matrix::instance_id)?;
    let smtp_ca =
        match &cfg.smtp_ca_file {
            Some(f) => {
                let path = loaded.resolve(f);
                Some(std::fs::read(&path).with_context(|| {
                    format!("mail.smtp_ca_file: cannot read {}", path.display())
                })?)
            }
            None => None,
        };
    let login = imap::Login {
        host: cfg.imap_host.clone(),
        port: cfg.imap_port,
        tls: Tls::parse(&cfg.imap_tls).context("mail.imap_tls")?,
        ca: cfg.imap_ca_file.as_ref().map(|f| loaded.resolve(f)),
        user: cfg.imap_user.clone(),
        password: imap_password,
    };
    let smtp = Arc::new(outbound::Smtp::new(
        outbound::Server {
            host: &cfg.smtp_host,
            port: cfg.smtp_port,
            tls: Tls::parse(&cfg.smtp_tls).context("mail.smtp_tls")?,
            ca_pem: smtp_ca.as_deref(),
        },
        credentials,
        &cfg.address,
        instance,
        outbound::OwnMailbox {
            login: login.clone(),
            done_folder: cfg.done_folder.clone(),
        },
    )?);
    let wake = Arc::new(Notify::new());
    tokio::spawn(outbox::pump(
        db.clone(),
        "email",
        wake.clone(),
        move |item| {
            let smtp = smtp.clone();
            async move {
                let sent = smtp.deliver(&item).await;
                if sent.is_ok() {
                    failpoint("mail-after-smtp");
                }
                sent
            }
        },
    ));

    let reader = Reader {
        app: app.clone(),
        db,
        wake,
        login,
    };
    let mut delay = Duration::from_secs(1);
    loop {
        match reader.session(cfg).await {
            Ok(()) => delay = Duration::from_secs(1),
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), retry_in = ?delay, "IMAP session ended");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(60));
            }
        }
    }
}

struct Reader {
    app: Arc<App>,
    db: SharedDb,
    wake: Arc<Notify>,
    login: imap::Login,
}

/// What became of one mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Handled (or rightly ignored): moved to `mail.done_folder`.
    Done,
    /// Unreadable: moved to `mail.quarantine_folder`.
    Quarantine,
}

impl Reader {
    /// One IMAP connection: read, handle, move, wait; until an error.
    async fn session(&self, cfg: &MailConfig) -> anyhow::Result<()> {
        let mut imap = self.login.connect().await?;
        let done = imap::mailbox_name(&cfg.done_folder);
        let quarantine = imap::mailbox_name(&cfg.quarantine_folder);
        for folder in [&done, &quarantine] {
            // "Already exists" is the usual answer.
            let _ = imap.create(folder).await;
        }
        let idle = imap.capabilities().await?.has_str("IDLE");
        tracing::info!(user = %cfg.imap_user, idle, "reading the mailbox");
        loop {
            self.round(&mut imap, &done, &quarantine).await?;
            imap = wait(imap, idle, Duration::from_secs(cfg.poll_seconds.max(1))).await?;
        }
    }

    /// Handles and moves every mail of INBOX, a batch at a time: one
    /// command fetches a batch, each mail is handled and its UID recorded,
    /// then one command per folder moves the batch (a command per mail
    /// made the IMAP round trips the bottleneck, see docs/benchmarks.md).
    async fn round(&self, imap: &mut Imap, done: &str, quarantine: &str) -> anyhow::Result<()> {
        let mailbox = imap.select("INBOX").await?;
        let validity = mailbox.uid_validity.unwrap_or(0).to_string();
        let mut last_uid: u32 = {
            let mut db = lock(&self.db);
            if db.cursor(UIDVALIDITY)?.as_deref() != Some(validity.as_str()) {
                tracing::info!(uidvalidity = %validity, "new UIDVALIDITY: UIDs start over");
                db.set_cursor(UIDVALIDITY, &validity, Timestamp::now())?;
                db.set_cursor(LAST_UID, "0", Timestamp::now())?;
            }
            db.cursor(LAST_UID)?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        let mut uids: Vec<u32> = imap.uid_search("ALL").await?.into_iter().collect();
        uids.sort_unstable();
        // Handled before a crash that came before the move: only moved.
        let (old, new): (Vec<u32>, Vec<u32>) = uids.into_iter().partition(|u| *u <= last_uid);
        move_all(imap, &old, done).await?;
        for batch in batches(&sizes(imap, &new).await?) {
            let mut raws = fetch(imap, &batch).await?;
            let (mut handled, mut unreadable) = (Vec::new(), Vec::new());
            for uid in batch {
                let raw = raws
                    .remove(&uid)
                    .with_context(|| format!("UID {uid} has no body"))?;
                // A storage failure stops the round before the UID is
                // recorded: the mail stays in INBOX and is tried again.
                let fate = self.handle(&raw, &validity, uid)?;
                lock(&self.db).set_cursor(LAST_UID, &uid.to_string(), Timestamp::now())?;
                last_uid = uid;
                self.wake.notify_one();
                failpoint("mail-before-move");
                match fate {
                    Fate::Done => handled.push(uid),
                    Fate::Quarantine => unreadable.push(uid),
                }
            }
            move_all(imap, &handled, done).await?;
            move_all(imap, &unreadable, quarantine).await?;
        }
        tracing::debug!(last_uid, "INBOX read");
        Ok(())
    }

    /// Everything about one mail happens in one transaction.
    fn handle(&self, raw: &[u8], validity: &str, uid: u32) -> anyhow::Result<Fate> {
        let ctx = self.app.context();
        let cfg = self.app.loaded.config.mail.as_ref().context("no [mail]")?;
        let fate = handle_mail(
            &mut lock(&self.db),
            &ctx,
            &cfg.address,
            raw,
            &format!("uid:{validity}:{uid}"),
        )?;
        Ok(fate)
    }
}

/// One received mail, from its raw bytes to the state change and the queued
/// answer, in the database's transactions: the whole path after IMAP (the
/// fuzz target `mail` runs it). `fallback_key` names the mail for the
/// "handled once" record when it has no Message-ID.
pub fn handle_mail(
    db: &mut Database,
    ctx: &Context,
    own_address: &str,
    raw: &[u8],
    fallback_key: &str,
) -> anyhow::Result<Fate> {
    let mail = match parse::parse(raw, &ctx.prefix, own_address) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(mail = fallback_key, reason = %e.0, "unreadable mail: to quarantine");
            return Ok(Fate::Quarantine);
        }
    };
    let key = mail
        .message_id
        .clone()
        .unwrap_or_else(|| fallback_key.to_owned());
    let origin = Origin::Email {
        from: mail.from.clone(),
        message_id: mail.message_id.clone(),
        subject: mail.subject.clone(),
        references: mail.references.clone(),
    };
    let sender = Identity {
        kind: IdentityKind::Email,
        value: mail.from.clone(),
    };
    if let Some(why) = mail.automatic {
        if why == parse::Automatic::OwnAddress {
            // Mostly the bot's own copies of what it sends (see outbound).
            tracing::debug!(from = %mail.from, "the bot's own mail: not answered");
        } else {
            tracing::info!(from = %mail.from, why = why.as_str(), "automatic mail: not answered");
        }
        db.write(ctx.now, |tx| tx.first_time("email", &key))?;
        return Ok(Fate::Done);
    }
    if !db.knows(ctx.now, &sender)? {
        let queued = db.write(ctx.now, |tx| {
            if !tx.first_time("email", &key)? || !tx.refusal_due(&mail.from)? {
                return Ok(false);
            }
            tx.enqueue(&[Action::Reply {
                origin: origin.clone(),
                text: unknown_sender(ctx.lang, &ctx.prefix, &mail.from),
            }])?;
            Ok(true)
        })?;
        tracing::info!(from = %mail.from, refusal_sent = queued, "mail from an unknown address");
        return Ok(Fate::Done);
    }
    let requests = if mail.commands.is_empty() {
        // No command: an answer to an invitation, or a hint.
        let decision = db.write(ctx.now, |tx| rsvp::decide(tx, ctx, &mail, &sender))?;
        match decision {
            rsvp::Decision::Answer { text, via } => vec![Request {
                origin: origin.clone(),
                sender: sender.clone(),
                display_name: mail.display_name.clone(),
                text,
                via,
            }],
            rsvp::Decision::Reply(text) => {
                db.write(ctx.now, |tx| {
                    if tx.first_time("email", &key)? {
                        tx.enqueue(&[Action::Reply {
                            origin: origin.clone(),
                            text,
                        }])?;
                    }
                    Ok(())
                })?;
                return Ok(Fate::Done);
            }
            rsvp::Decision::NotAnRsvp => {
                db.write(ctx.now, |tx| {
                    if tx.first_time("email", &key)? && !mail.is_reply {
                        tx.enqueue(&[Action::Reply {
                            origin: origin.clone(),
                            text: no_command(ctx.lang, &ctx.prefix),
                        }])?;
                    }
                    Ok(())
                })?;
                return Ok(Fate::Done);
            }
        }
    } else {
        requests(&mail, &origin, &sender)
    };
    let handled = dispatch::handle_all(db, ctx, &requests, Some(("email", &key)))?;
    if let Handled::Duplicate = handled {
        tracing::info!(message_id = %key, "mail seen before: not applied again");
    }
    if mail.too_many {
        tracing::warn!(from = %mail.from, "more than {} commands in one mail: the rest were ignored", parse::MAX_COMMANDS);
    }
    Ok(Fate::Done)
}

fn requests(mail: &Incoming, origin: &Origin, sender: &Identity) -> Vec<Request> {
    mail.commands
        .iter()
        .map(|text| Request {
            origin: origin.clone(),
            sender: sender.clone(),
            display_name: mail.display_name.clone(),
            text: text.clone(),
            via: None,
        })
        .collect()
}

/// At most this many mails are fetched by one command, and at most this
/// many bytes (by their RFC822.SIZE; a larger mail comes alone), so that a
/// batch holds the bot's memory to a few MiB.
const BATCH_MAILS: usize = 100;
const BATCH_BYTES: u64 = 4 << 20;

/// The UIDs and sizes of these mails.
async fn sizes(imap: &mut Imap, uids: &[u32]) -> anyhow::Result<Vec<(u32, u64)>> {
    if uids.is_empty() {
        return Ok(Vec::new());
    }
    let fetched: Vec<_> = imap
        .uid_fetch(uid_set(uids), "(UID RFC822.SIZE)")
        .await?
        .try_collect()
        .await?;
    let mut sizes: Vec<(u32, u64)> = fetched
        .iter()
        .filter_map(|f| Some((f.uid?, u64::from(f.size.unwrap_or(0)))))
        .collect();
    sizes.sort_unstable();
    Ok(sizes)
}

/// The mails cut in batches of at most [`BATCH_MAILS`] and [`BATCH_BYTES`].
fn batches(sizes: &[(u32, u64)]) -> Vec<Vec<u32>> {
    let mut out: Vec<Vec<u32>> = Vec::new();
    let mut bytes = 0;
    for &(uid, size) in sizes {
        match out.last_mut() {
            Some(batch) if batch.len() < BATCH_MAILS && bytes + size <= BATCH_BYTES => {
                batch.push(uid);
                bytes += size;
            }
            _ => {
                out.push(vec![uid]);
                bytes = size;
            }
        }
    }
    out
}

/// An IMAP sequence set of these UIDs, runs written as ranges ("3:7,9").
fn uid_set(uids: &[u32]) -> String {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        while i + 1 < sorted.len() && sorted[i + 1] == sorted[i] + 1 {
            i += 1;
        }
        parts.push(if sorted[i] == start {
            start.to_string()
        } else {
            format!("{start}:{}", sorted[i])
        });
        i += 1;
    }
    parts.join(",")
}

/// The raw mails of these UIDs, in one command.
async fn fetch(
    imap: &mut Imap,
    uids: &[u32],
) -> anyhow::Result<std::collections::HashMap<u32, Vec<u8>>> {
    let fetched: Vec<_> = imap
        .uid_fetch(uid_set(uids), "(UID BODY.PEEK[])")
        .await?
        .try_collect()
        .await?;
    Ok(fetched
        .iter()
        .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
        .collect())
}

/// Moves these mails to `folder`, in one command.
async fn move_all(imap: &mut Imap, uids: &[u32], folder: &str) -> anyhow::Result<()> {
    if uids.is_empty() {
        return Ok(());
    }
    let set = uid_set(uids);
    imap.uid_mv(&set, folder)
        .await
        .with_context(|| format!("cannot move UIDs {set} to {folder}"))
}

/// Waits for new mail: IDLE until the server says something or `poll`
/// passes; a plain sleep if the server has no IDLE.
async fn wait(imap: Imap, idle: bool, poll: Duration) -> anyhow::Result<Imap> {
    if !idle {
        tokio::time::sleep(poll).await;
        return Ok(imap);
    }
    let mut handle = imap.idle();
    handle.init().await?;
    let (wait, _stop) = handle.wait_with_timeout(poll);
    wait.await?;
    Ok(handle.done().await?)
}

fn unknown_sender(lang: greffier_commands::Lang, prefix: &str, from: &str) -> String {
    tr!(
        lang,
        "Bonjour,\n\nJe suis greffier, le greffier des groupes de travail. Je ne connais pas encore l'adresse {from} : je n'applique les commandes reçues par email que depuis une adresse liée à un compte.\n\nPour la lier, tapez dans un salon Matrix où je suis : {prefix}moi lier {from}\npuis confirmez avec le code que je vous enverrai.\n\n(Ce message n'est envoyé qu'une fois par heure au plus.)",
        "Hello,\n\nI am greffier, the clerk of the working groups. I do not know the address {from} yet: I only apply commands sent by email from an address linked to an account.\n\nTo link it, type in a Matrix room where I am: {prefix}me link {from}\nthen confirm with the code I will send you.\n\n(This message is sent at most once an hour.)"
    )
}

fn no_command(lang: greffier_commands::Lang, prefix: &str) -> String {
    tr!(
        lang,
        "Je n'ai trouvé aucune commande dans votre message : écrivez-les en début de ligne, par exemple {prefix}groupe liste, ou {prefix}aide pour la liste des commandes.",
        "I found no command in your message: write them at the start of a line, for instance {prefix}group list, or {prefix}help for the list of commands."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_write_runs_as_ranges() {
        assert_eq!(uid_set(&[7, 3, 4, 5, 9, 10, 12]), "3:5,7,9:10,12");
        assert_eq!(uid_set(&[42]), "42");
        assert_eq!(uid_set(&[2, 2, 1]), "1:2");
    }

    #[test]
    fn batches_are_bounded_by_count_and_size() {
        let small: Vec<(u32, u64)> = (1..=250).map(|u| (u, 1000)).collect();
        let cut = batches(&small);
        assert_eq!(cut.iter().map(Vec::len).collect::<Vec<_>>(), [100, 100, 50]);
        assert_eq!(cut.concat(), (1..=250).collect::<Vec<u32>>());
        // A mail larger than a batch comes alone; others fill up to the cap.
        let big = [
            (1, BATCH_BYTES * 2),
            (2, BATCH_BYTES / 2),
            (3, BATCH_BYTES / 2),
            (4, 1),
        ];
        assert_eq!(batches(&big), [vec![1], vec![2, 3], vec![4]]);
        assert!(batches(&[]).is_empty());
    }
}
