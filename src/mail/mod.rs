//! The mail adapter: the bot's mailbox over IMAP, its answers over SMTP.
//!
//! - [`imap`]: the connection (plaintext on loopback, STARTTLS, implicit
//!   TLS) and the batch commands.
//! - The reading loop (here): every mail of INBOX is read and handed to
//!   the [`Inbox`] as one [`Inbound`] (its commands, or what it answers, and
//!   its Message-ID as the once-only key), then moved to
//!   `mail.done_folder`; a mail that cannot be read goes to
//!   `mail.quarantine_folder`. UIDVALIDITY and the last handled UID are
//!   stored: a mail still in INBOX at or below that UID was handled before
//!   a crash and is only moved. Between rounds the adapter waits in IMAP
//!   IDLE (or sleeps `mail.poll_seconds` if the server has no IDLE).
//!   A mail whose handling fails three times (a storage error, a panic)
//!   goes to quarantine: one mail cannot stall the mailbox for good.
//! - [`parse`]: what a mail says; [`ical`]: the calendar parts;
//!   [`outbound`]: the answers, by SMTP.
//!
//! Only known senders are obeyed: an address linked and verified with
//! `!moi lier` / `!moi confirmer` (an admin's address too: being listed in
//! bot.toml gives rights, not an identity). The inbox gives others one
//! polite refusal per hour at most. And a From header proves nothing:
//! [`auth`] checks the DKIM signature (or the mailbox server's own
//! results); what an unproven mail asks to change waits for the sender's
//! confirmation. Automatic mail (RFC 3834) is never answered.

pub mod attach;
pub mod auth;
mod confirm;
pub mod dkim;
pub mod ical;
pub mod imap;
mod online;
pub mod outbound;
pub mod parse;
mod settings;

pub use settings::Settings;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use greffier_commands::answer;
use greffier_commands::store::{Identity, IdentityKind};
use greffier_commands::{Action, Channel, Context, Origin, tr};
use jiff::SignedDuration;

use crate::app::App;
use crate::config::{self, Config};
use crate::inbox::{Handled, Inbound, Inbox, Input};
use crate::plugin::{Checkup, Plugin, Said, age};
use crate::route::{self, Route};
use crate::{failpoint, outbox};
use imap::Imap;

const UIDVALIDITY: &str = "mail.uidvalidity";
const LAST_UID: &str = "mail.last_uid";
/// The UID of the mail that last failed, and how many times: "<uid> <n>".
const FAILING: &str = "mail.failing";
/// A mail that fails this many times is quarantined.
const MAX_TRIES: u32 = 3;
/// The key of the bot's Message-IDs (see `outbound::Composer`).
const MESSAGE_KEY: &str = "mail.message_key";

/// The bot's mailbox: commands and answers by mail, replies, invitations,
/// polls and digests sent.
pub const PLUGIN: Plugin = Plugin {
    name: "mail",
    section: Some(config::reader::<Settings>()),
    serve: Some(|app, inbox| Box::pin(serve(app, inbox))),
    takes_commands: true,
    route: Some(&ROUTE),
    own_connection: false,
    health: Some(health),
    online: Some(online::checks),
};

/// What the mailbox delivers: the replies to mail, and every mail the bot
/// writes. A sender it does not know is not obeyed (a From proves
/// nothing until the address is linked), and counted: sixty command lines
/// an hour, each a mail the bot writes back.
pub const ROUTE: Route = Route {
    channel: Channel::EMAIL,
    carries,
    lane,
    parallel: outbox::PARALLEL,
    takes_newcomers: false,
    commands_per_hour: Some(60),
    confirmation: Some(&confirm::CONFIRMATION),
};

fn carries(action: &Action) -> bool {
    route::answers_on(action, Channel::EMAIL)
        || matches!(
            action,
            Action::PostToList { .. }
                | Action::SendMail { .. }
                | Action::SendRecord { .. }
                | Action::AskByMail { .. }
                | Action::SendInvitation(_)
        )
}

/// The mails to one address in order (its letter case aside).
fn lane(action: &Action) -> String {
    let to = match action {
        Action::Reply { origin, .. } | Action::Confirm { origin, .. } => {
            return route::reply_lane(origin);
        }
        Action::AskByMail { to, .. }
        | Action::SendMail { to, .. }
        | Action::SendRecord { to, .. } => to,
        Action::PostToList { list, .. } => list,
        Action::SendInvitation(invitation) => &invitation.to,
        _ => return String::new(),
    };
    format!("mail {}", to.to_lowercase())
}

/// When the mailbox was last read, in `greffier status`: three polling
/// intervals (five minutes at least) without it is critical.
fn health(config: &Config, checkup: &Checkup<'_>) -> Vec<Said> {
    let Some(cfg) = config.section::<Settings>() else {
        return Vec::new();
    };
    let poll = SignedDuration::from_secs(i64::try_from(cfg.poll_seconds).unwrap_or(i64::MAX / 4));
    let late = (poll * 3).max(SignedDuration::from_secs(300));
    let health = checkup.health;
    let checked = checkup.since(&health.mail_checked_at);
    let lang = checkup.lang;
    let read = checkup
        .since(&health.mail_read_at)
        .map(|r| {
            let ago = age(lang, r);
            tr!(
                lang,
                " ; dernier courriel reçu il y a {ago}",
                "; last new mail {ago} ago"
            )
        })
        .unwrap_or_default();
    let mut said = vec![Said::Line(match checked {
        Some(c) => {
            let ago = age(lang, c);
            tr!(
                lang,
                "mail : boîte relevée il y a {ago}{read}",
                "mail: mailbox last read {ago} ago{read}"
            )
        }
        None => tr!(
            lang,
            "mail : boîte jamais relevée",
            "mail: mailbox never read"
        ),
    })];
    said.extend(checkup.silence(
        checked,
        late,
        |silent| {
            tr!(
                lang,
                "la boîte aux lettres n'a pas été relevée depuis {silent}",
                "the mailbox has not been read for {silent}"
            )
        },
        || {
            tr!(
                lang,
                "la boîte aux lettres n'a jamais été relevée",
                "the mailbox has never been read"
            )
        },
    ));
    said
}

pub async fn serve(app: Arc<App>, inbox: Arc<Inbox>) -> anyhow::Result<()> {
    let cfg = app
        .loaded
        .config
        .section::<Settings>()
        .context("no [mail] section")?;
    let loaded = &app.loaded;
    let imap_password = loaded
        .secret("mail.imap_password", &cfg.imap_password)?
        .context("[mail] needs imap_password (or imap_password_env / _file)")?;
    let smtp_password = loaded.secret("mail.smtp_password", &cfg.smtp_password)?;
    let credentials = match (&cfg.smtp_user, smtp_password) {
        (Some(user), Some(password)) => Some((user.clone(), password)),
        (Some(_), None) => anyhow::bail!("[mail] smtp_user needs smtp_password (or _env / _file)"),
        _ => None,
    };
    let message_key = outbox::instance(&inbox, MESSAGE_KEY)?;
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
        tls: cfg.imap_tls,
        ca: cfg.imap_ca_file.as_ref().map(|f| loaded.resolve(f)),
        user: cfg.imap_user.clone(),
        password: imap_password,
    };
    let smtp = Arc::new(outbound::Smtp::new(
        outbound::Server {
            host: &cfg.smtp_host,
            port: cfg.smtp_port,
            tls: cfg.smtp_tls,
            ca_pem: smtp_ca.as_deref(),
        },
        credentials,
        &cfg.address,
        message_key,
        outbound::OwnMailbox {
            login: login.clone(),
            done_folder: cfg.done_folder.clone(),
        },
        match &cfg.dkim {
            Some(d) => Some(dkim::Signer::load(
                &dkim::Settings {
                    key_file: loaded.resolve(&d.key_file),
                    ..d.clone()
                },
                &cfg.address,
            )?),
            None => None,
        },
    )?);
    let tz = app.context().timezone;
    let files_from = inbox.clone();
    tokio::spawn(outbox::pump(inbox.clone(), &ROUTE, move |item| {
        let smtp = smtp.clone();
        let files = attach::files(&files_from, &tz, &item.action);
        async move {
            let files = files.map_err(|e| {
                outbox::SendError::permanent(format!("cannot write the attachments: {e:#}"))
            })?;
            let sent = smtp.deliver(&item, &files).await;
            if sent.is_ok() {
                failpoint::reached("mail-after-smtp");
            }
            sent.map(|()| None)
        }
    }));

    let verifier = auth::Verifier::new(cfg.authentication, cfg.dns, cfg.authserv_id.clone())?;
    let reader = Reader {
        app: app.clone(),
        inbox,
        login,
        verifier,
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
    inbox: Arc<Inbox>,
    login: imap::Login,
    verifier: auth::Verifier,
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
    async fn session(&self, cfg: &Settings) -> anyhow::Result<()> {
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
            let handled = self.round(&mut imap, &done, &quarantine).await?;
            self.inbox.mailbox_checked()?;
            // Mail that came during the round is read now: IDLE would not
            // wake for it (found by the mail benchmark: the last copies of
            // a burst waited a whole poll_seconds).
            if handled > 0 || imap::new_mail_announced(&mut imap) {
                continue;
            }
            imap = imap::wait(imap, idle, Duration::from_secs(cfg.poll_seconds.max(1))).await?;
        }
    }

    /// Handles and moves every mail of INBOX, a batch at a time: one
    /// command fetches a batch, each mail is handled and its UID recorded,
    /// then one command per folder moves the batch (a command per mail
    /// made the IMAP round trips the bottleneck, see docs/benchmarks.md).
    /// Returns how many new mails it read.
    async fn round(&self, imap: &mut Imap, done: &str, quarantine: &str) -> anyhow::Result<usize> {
        let mailbox = imap.select("INBOX").await?;
        let validity = mailbox.uid_validity.unwrap_or(0).to_string();
        if self.inbox.position(UIDVALIDITY)?.as_deref() != Some(validity.as_str()) {
            tracing::info!(uidvalidity = %validity, "new UIDVALIDITY: UIDs start over");
            self.inbox.set_position(UIDVALIDITY, &validity)?;
            self.inbox.set_position(LAST_UID, "0")?;
        }
        let mut last_uid: u32 = self
            .inbox
            .position(LAST_UID)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut uids: Vec<u32> = imap.uid_search("ALL").await?.into_iter().collect();
        uids.sort_unstable();
        // Handled before a crash that came before the move: only moved.
        let (old, new): (Vec<u32>, Vec<u32>) = uids.into_iter().partition(|u| *u <= last_uid);
        imap::move_all(imap, &old, done).await?;
        // Larger than mail.max_size: to quarantine, unread.
        let max_size = self.max_size();
        let (too_large, sizes): (Vec<_>, Vec<_>) = imap::sizes(imap, &new)
            .await?
            .into_iter()
            .partition(|&(_, size): &(u32, u64)| size > max_size);
        for (uid, size) in &too_large {
            tracing::warn!(
                uid,
                size,
                max_size,
                "mail larger than mail.max_size: to quarantine, unread"
            );
        }
        let too_large: Vec<u32> = too_large.into_iter().map(|(uid, _)| uid).collect();
        imap::move_all(imap, &too_large, quarantine).await?;
        for batch in imap::batches(&sizes) {
            let mut raws = imap::fetch(imap, &batch).await?;
            let (mut handled, mut unreadable) = (Vec::new(), Vec::new());
            for uid in batch {
                let raw = raws
                    .remove(&uid)
                    .with_context(|| format!("UID {uid} has no body"))?;
                let proof = self.verifier.check(&raw).await;
                tracing::debug!(uid, ?proof, "sender checked");
                // A failure (storage, or a panic) stops the round before
                // the UID is recorded: the mail stays in INBOX and is tried
                // again, up to MAX_TRIES times; then it is quarantined, so
                // that one mail cannot stall the mailbox at every restart.
                let fate = match self.handle_caught(&raw, &proof) {
                    Ok(fate) => fate,
                    Err(e) => match self.failed(uid)? {
                        tries if tries < MAX_TRIES => return Err(e),
                        tries => {
                            tracing::error!(
                                uid,
                                tries,
                                error = format!("{e:#}"),
                                "a mail failed {tries} times: to quarantine"
                            );
                            Fate::Quarantine
                        }
                    },
                };
                self.inbox.set_position(LAST_UID, &uid.to_string())?;
                last_uid = uid;
                failpoint::reached("mail-before-move");
                match fate {
                    Fate::Done => handled.push(uid),
                    Fate::Quarantine => unreadable.push(uid),
                }
            }
            imap::move_all(imap, &handled, done).await?;
            imap::move_all(imap, &unreadable, quarantine).await?;
        }
        tracing::debug!(last_uid, "INBOX read");
        Ok(new.len())
    }

    /// [`Reader::handle`], a panic taken as a failure.
    fn handle_caught(&self, raw: &[u8], proof: &auth::Proof) -> anyhow::Result<Fate> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.handle(raw, proof)))
            .unwrap_or_else(|_| Err(anyhow::anyhow!("handling the mail panicked")))
    }

    /// Counts a failure of the mail at `uid`: how many times it failed.
    fn failed(&self, uid: u32) -> anyhow::Result<u32> {
        let tries = self
            .inbox
            .position(FAILING)?
            .and_then(|v| {
                let (at, tries) = v.split_once(' ')?;
                (at.parse::<u32>().ok()? == uid).then(|| tries.parse::<u32>().ok())?
            })
            .unwrap_or(0)
            + 1;
        self.inbox
            .set_position(FAILING, &format!("{uid} {tries}"))?;
        Ok(tries)
    }

    fn max_size(&self) -> u64 {
        let mail = self.app.loaded.config.section::<Settings>();
        mail.map_or(u64::MAX, |m| m.max_size)
    }

    fn handle(&self, raw: &[u8], proof: &auth::Proof) -> anyhow::Result<Fate> {
        failpoint::panics("mail-handle");
        let ctx = self.app.context();
        let cfg = self
            .app
            .loaded
            .config
            .section::<Settings>()
            .context("no [mail]")?;
        let mailbox = Mailbox {
            address: &cfg.address,
            max_size: cfg.max_size,
        };
        handle_mail(&self.inbox, &ctx, &mailbox, raw, proof)
    }
}

/// Bytes as lower-case hexadecimal (hashes in keys and Message-IDs).
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the path after IMAP needs of `[mail]`.
pub struct Mailbox<'a> {
    /// The bot's address: mail from it is its own copies.
    pub address: &'a str,
    /// Larger mails go to quarantine unread.
    pub max_size: u64,
}

/// One received mail, from its raw bytes to the state change and the queued
/// answer: the whole path after IMAP and the sender's check (the fuzz
/// target `mail` runs it). `proof`: what [`auth::Verifier`] proved of the
/// same bytes. The mail is authenticated when the proof vouches for the
/// From read here and the mail was written to the bot (its address in To
/// or Cc: a signed mail to someone else, forwarded, proves nothing).
pub fn handle_mail(
    inbox: &Inbox,
    ctx: &Context,
    mailbox: &Mailbox<'_>,
    raw: &[u8],
    proof: &auth::Proof,
) -> anyhow::Result<Fate> {
    // The "handled once" key of a mail without Message-ID: its content,
    // which no new UIDVALIDITY or copy to another folder changes.
    let content_key = || {
        use sha2::{Digest, Sha256};
        format!("sha256:{}", hex(&Sha256::digest(raw)))
    };
    if raw.len() as u64 > mailbox.max_size {
        tracing::warn!(mail = %content_key(), size = raw.len(), max_size = mailbox.max_size, "mail larger than mail.max_size: to quarantine, unread");
        return Ok(Fate::Quarantine);
    }
    let mail = match parse::parse(raw, &ctx.prefix, mailbox.address) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(mail = %content_key(), reason = %e.0, "unreadable mail: to quarantine");
            return Ok(Fate::Quarantine);
        }
    };
    let vouched = proof.vouches_for(&mail.from);
    if !vouched && let auth::Proof::Signed { from, .. } | auth::Proof::ServerSaid { from } = proof {
        // Two readings of one mail that disagree on its sender: neither
        // is trusted (issue 34, case 3).
        tracing::warn!(mail = %content_key(), proven = %from, read = %mail.from, "the proof speaks for another From: to quarantine");
        return Ok(Fate::Quarantine);
    }
    if vouched && !mail.addressed {
        tracing::info!(from = %mail.from, "signed, but not addressed to the bot (forwarded?): taken as unproven");
    }
    let authenticated = vouched && mail.addressed;
    let input = if let Some(why) = mail.automatic {
        if why == parse::Automatic::OwnAddress {
            // Mostly the bot's own copies of what it sends (see outbound).
            tracing::debug!(from = %mail.from, "the bot's own mail: not answered");
        } else {
            tracing::info!(from = %mail.from, why = why.as_str(), "automatic mail: not answered");
        }
        Input::Nothing
    } else if mail.commands.is_empty() {
        // No command: an answer to an invitation, or a hint.
        Input::Message(answer::Message {
            calendar: mail.calendar.as_deref().and_then(ical::parse_reply),
            references: mail.references.clone(),
            // What a person writes as an answer: the first lines of the new
            // text (the classifiers read no more).
            text: greffier_commands::text::answer_text(&mail.text),
            is_reply: mail.is_reply,
        })
    } else {
        if mail.too_many {
            tracing::warn!(from = %mail.from, "more than {} commands in one mail: the rest were ignored", parse::MAX_COMMANDS);
        }
        Input::Lines(mail.commands.clone())
    };
    let key = mail.message_id.clone().unwrap_or_else(content_key);
    let inbound = Inbound {
        origin: Origin::Email {
            from: mail.from.clone(),
            message_id: mail.message_id,
            subject: mail.subject,
            references: mail.references,
        },
        key: Some(key),
        sender: Identity {
            kind: IdentityKind::Email,
            value: mail.from,
        },
        display_name: mail.display_name,
        authenticated,
        input,
    };
    if let Handled::Duplicate = inbox.run(ctx, &inbound)? {
        tracing::info!(
            message_id = inbound.key.as_deref().unwrap_or(""),
            "mail seen before: not applied again"
        );
    }
    Ok(Fate::Done)
}

#[cfg(test)]
mod tests;
