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
use greffier_commands::{Action, Context, Origin, Request, Store, tr};
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

    /// Handles and moves every mail of INBOX.
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
        for uid in uids {
            let fate = if uid <= last_uid {
                // Handled before a crash that came before the move.
                Fate::Done
            } else {
                let raw = fetch(imap, uid).await?;
                // A storage failure stops the round before the UID is
                // recorded: the mail stays in INBOX and is tried again.
                let fate = self.handle(&raw, &validity, uid)?;
                lock(&self.db).set_cursor(LAST_UID, &uid.to_string(), Timestamp::now())?;
                last_uid = uid;
                self.wake.notify_one();
                failpoint("mail-before-move");
                fate
            };
            let folder = match fate {
                Fate::Done => done,
                Fate::Quarantine => quarantine,
            };
            imap.uid_mv(uid.to_string(), folder)
                .await
                .with_context(|| format!("cannot move UID {uid} to {folder}"))?;
        }
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
    let known = db.write(ctx.now, |tx| Ok(tx.person_by_identity(&sender)?.is_some()))?;
    if !known {
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

async fn fetch(imap: &mut Imap, uid: u32) -> anyhow::Result<Vec<u8>> {
    let fetched: Vec<_> = imap
        .uid_fetch(uid.to_string(), "(UID BODY.PEEK[])")
        .await?
        .try_collect()
        .await?;
    fetched
        .iter()
        .find_map(|f| f.body().map(<[u8]>::to_vec))
        .with_context(|| format!("UID {uid} has no body"))
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
