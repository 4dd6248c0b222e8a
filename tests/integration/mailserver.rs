//! The real Dovecot and Postfix, as the mail tests use them: accounts, SMTP
//! and IMAP come from greffier-testkit (shared with the benchmarks); here,
//! the fixtures and the bot with its own mailbox.

use std::time::Duration;

pub use greffier_testkit::PATIENCE;
pub use greffier_testkit::mail::{
    Account, Mail, answering, new_id, send, send_unsigned, thunderbird, thunderbird_accept,
    try_send,
};

use crate::support::BotProcess;
use crate::synapse::Servers;

/// An SMTP outage (one test makes it) excludes the other mail tests.
pub static MAIL_SERVER: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// A fixture of `tests/fixtures/`, sent by `from` to `to` (the fixtures
/// write to greffier@example.test: that address in To and Cc becomes `to`)
/// with a fresh Message-ID.
pub fn fixture_from(name: &str, from: &str, to: &str, message_id: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let raw = std::fs::read(&path).expect("fixture");
    let mut out = Vec::with_capacity(raw.len());
    let mut in_headers = true;
    for line in raw.split_inclusive(|b| *b == b'\n') {
        if in_headers && (line == b"\r\n" || line == b"\n") {
            in_headers = false;
        }
        let lower = String::from_utf8_lossy(line).to_lowercase();
        if in_headers && (lower.starts_with("to:") || lower.starts_with("cc:")) {
            let line = String::from_utf8_lossy(line).replace("greffier@example.test", to);
            out.extend_from_slice(line.as_bytes());
        } else if in_headers && lower.starts_with("from:") {
            out.extend_from_slice(format!("From: {from}\r\n").as_bytes());
        } else if in_headers && lower.starts_with("message-id:") {
            out.extend_from_slice(format!("Message-ID: <{message_id}>\r\n").as_bytes());
        } else if in_headers && lower.starts_with("return-path:") {
            // The delivering server writes it from the envelope.
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

/// The bot on the mail servers only, with its own mailbox.
pub struct MailBot {
    pub account: Account,
    pub process: BotProcess,
    /// Its Matrix account, when it is in rooms too.
    pub matrix_id: Option<matrix_sdk::ruma::OwnedUserId>,
}

impl std::ops::Deref for MailBot {
    type Target = BotProcess;
    fn deref(&self) -> &BotProcess {
        &self.process
    }
}

impl std::ops::DerefMut for MailBot {
    fn deref_mut(&mut self) -> &mut BotProcess {
        &mut self.process
    }
}

impl MailBot {
    pub async fn new(name: &str) -> MailBot {
        MailBot::with_transport(name, "", None).await
    }

    /// The bot with more bot.toml tables (`[meetings]`, say).
    pub async fn with_tables(name: &str, tables: &str) -> MailBot {
        let mut bot = MailBot::with_transport(name, "", None).await;
        bot.append_config(tables);
        bot
    }

    /// More bot.toml text (before the first start).
    pub fn append_config(&mut self, tables: &str) {
        let path = self.scratch.config();
        let mut config = std::fs::read_to_string(&path).expect("bot.toml");
        config.push('\n');
        config.push_str(tables);
        std::fs::write(&path, config).expect("bot.toml");
    }

    /// The bot on the mail servers and in Matrix rooms, `admin` its admin.
    pub async fn with_matrix(name: &str, admin: &matrix_sdk::ruma::OwnedUserId) -> MailBot {
        MailBot::with_transport(name, "", Some(admin)).await
    }

    /// The bot with more `[mail]` settings (`authserv_id = "…"`, say).
    pub async fn with_mail(name: &str, settings: &str) -> MailBot {
        let s = Servers::get();
        let transport = format!(
            "imap_tls = \"none\"\nimap_port = {}\nsmtp_tls = \"none\"\n{settings}\n",
            s.var("IMAP_PORT")
        );
        MailBot::with_transport(name, &transport, None).await
    }

    /// The bot reading IMAP over TLS (`implicit` or `starttls`) and sending
    /// over STARTTLS with SMTP AUTH, trusting the test servers' CA.
    pub async fn with_tls(name: &str, imap_tls: &str) -> MailBot {
        let s = Servers::get();
        let port = if imap_tls == "implicit" {
            s.var("IMAPS_PORT")
        } else {
            s.var("IMAP_PORT")
        };
        let transport = format!(
            r#"imap_tls = "{imap_tls}"
imap_port = {port}
imap_ca_file = "{ca}"
smtp_tls = "starttls"
smtp_ca_file = "{ca}"
smtp_user = "BOT"
smtp_password_env = "GREFFIER_TEST_BOT_PASSWORD"
"#,
            ca = s.var("MAIL_CA"),
        );
        MailBot::with_transport(name, &transport, None).await
    }

    /// `transport` replaces the plaintext IMAP and SMTP settings; with
    /// `matrix_admin`, the bot also gets a Matrix account.
    async fn with_transport(
        name: &str,
        transport: &str,
        matrix_admin: Option<&matrix_sdk::ruma::OwnedUserId>,
    ) -> MailBot {
        let account = Account::new("bot").await;
        let s = Servers::get();
        let plain = format!(
            "imap_tls = \"none\"\nimap_port = {}\nsmtp_tls = \"none\"\n",
            s.var("IMAP_PORT")
        );
        let transport = if transport.is_empty() {
            plain
        } else {
            transport.replace("\"BOT\"", &format!("{:?}", account.address))
        };
        let config = format!(
            r#"[bot]
database = "greffier.db"
admins = ["@admin:example.test"]

[mail]
address = "{address}"
imap_host = "127.0.0.1"
imap_user = "{address}"
imap_password_env = "GREFFIER_TEST_BOT_PASSWORD"
smtp_host = "127.0.0.1"
smtp_port = {smtp}
poll_seconds = 2
dns = "{dns}"
{transport}

[[groups.seed]]
slug = "messagerie"
theme = "Messagerie libre"
status = "active"
lead = "Berre"
members = ["Berre"]
"#,
            address = account.address,
            smtp = s.var("SMTP_PORT"),
            dns = s.var("DNS_ADDR"),
        );
        let mut config = config;
        let mut env = vec![(
            "GREFFIER_TEST_BOT_PASSWORD".to_string(),
            account.password.clone(),
        )];
        let mut matrix_id = None;
        if let Some(admin) = matrix_admin {
            let (id, password) = crate::synapse::register("bot").await;
            config = config.replace(
                "admins = [\"@admin:example.test\"]",
                &format!("admins = [\"@admin:example.test\", \"{admin}\"]"),
            );
            config.push_str(&format!(
                "\n[matrix]\nhomeserver = \"{}\"\nuser = \"{id}\"\npassword_env = \"GREFFIER_TEST_MATRIX_PASSWORD\"\nstore = \"matrix-store\"\n",
                s.url()
            ));
            env.push(("GREFFIER_TEST_MATRIX_PASSWORD".into(), password));
            matrix_id = Some(id);
        }
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let process = BotProcess::new(name, &config, &env);
        MailBot {
            account,
            process,
            matrix_id,
        }
    }

    /// The mails of one of the bot's folders that others sent: the bot also
    /// gets a copy of what it sends (see src/mail/outbound.rs), filed in
    /// the done folder.
    pub async fn received(&self, folder: &str) -> Vec<Vec<u8>> {
        let own = self.account.address.to_lowercase();
        self.account
            .mails(folder)
            .await
            .into_iter()
            .filter(|raw| Mail::new(raw.clone()).from().to_lowercase() != own)
            .collect()
    }

    /// Mails `command` as the subject of a Thunderbird-shaped mail from
    /// `from`; returns its Message-ID.
    pub async fn mail_command(&self, from: &Account, command: &str) -> String {
        let asked = new_id("cmd");
        let mail = thunderbird(&from.address, &self.account.address, command, &asked, "");
        send(Some(&from.address), &self.account.address, &mail).await;
        asked
    }

    /// The same, then the bot's answer in the thread.
    pub async fn ask(&self, from: &Account, command: &str) -> Mail {
        let asked = self.mail_command(from, command).await;
        from.answer_to(&asked).await
    }

    /// A member: a confirmed member of `organisation` (the admin accepts
    /// them) with a Matrix ID, whose address is linked the way a user links it — `!moi lier` in the console, the
    /// code read in their mailbox, `!moi confirmer`. The bot must run.
    pub async fn member(&self, organisation: &str) -> Account {
        self.member_with_id(organisation).await.0
    }

    /// The same, with the member's Matrix ID (for the console).
    pub async fn member_with_id(&self, organisation: &str) -> (Account, String) {
        let account = Account::new("member").await;
        let matrix_id = format!(
            "@{}:example.test",
            account.address.split('@').next().unwrap_or("x")
        );
        self.link(&matrix_id, &account, organisation).await;
        (account, matrix_id)
    }

    /// A Matrix user (a real one, say) made a confirmed member of
    /// `organisation` with a new linked mailbox.
    pub async fn member_as(&self, matrix_id: &str, organisation: &str) -> Account {
        let account = Account::new("member").await;
        self.link(matrix_id, &account, organisation).await;
        account
    }

    async fn link(&self, matrix_id: &str, account: &Account, organisation: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !self.logs().contains("reading the mailbox") {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the bot does not read its mailbox: {}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let out = self.scratch.console(
            matrix_id,
            &[
                &format!("!moi organisation « {organisation} » nouvelle"),
                &format!("!moi lier {}", account.address),
            ],
        );
        assert!(out.contains("Un code vient d'être envoyé"), "{out}");
        // A confirmed member: the admin accepts them.
        let out = self.scratch.console(
            "@admin:example.test",
            &[&format!("!organisation accepter {matrix_id}")],
        );
        assert!(out.contains("confirmée"), "{out}");
        let code = account.link_code().await;
        let out = self
            .scratch
            .console(matrix_id, &[&format!("!moi confirmer {code}")]);
        assert!(out.contains("C'est fait"), "{out}");
    }
}

/// After a reminder reached `member`: the bot restarted once more, its
/// third scheduler run done, no second reminder reaches them.
pub async fn no_second_reminder(bot: &mut MailBot, member: &Account) {
    bot.stop().await;
    bot.start();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while bot.logs().matches("reminders checked").count() < 3 {
        assert!(tokio::time::Instant::now() < deadline, "{}", bot.logs());
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // Anything it queued would be sent within a second or two.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let reminders = member
        .mails("INBOX")
        .await
        .into_iter()
        .filter(|raw| String::from_utf8_lossy(raw).contains("Subject: Rappel"))
        .count();
    assert_eq!(reminders, 1, "{}", bot.logs());
    bot.stop().await;
}

/// The group "courrier" (active, lead Arles, members `members`) with a list
/// mailbox, and Alice, the bot's admin, in a room she linked to it after
/// typing `commands` there; the bot in Matrix and on the mail servers.
pub struct GroupSetup {
    pub alice: crate::synapse::User,
    pub bot: MailBot,
    pub bot_matrix: matrix_sdk::ruma::OwnedUserId,
    pub room: matrix_sdk::ruma::OwnedRoomId,
    pub list: Account,
}

impl GroupSetup {
    pub async fn new(name: &str, members: &[&str], commands: &[&str]) -> GroupSetup {
        GroupSetup::with_config(name, members, commands, "").await
    }

    /// The same, with more bot.toml tables (a `[digest]`, say).
    pub async fn with_config(
        name: &str,
        members: &[&str],
        commands: &[&str],
        extra: &str,
    ) -> GroupSetup {
        let mut alice = crate::synapse::User::new().await;
        let list = Account::new("list").await;
        let mut bot = MailBot::with_matrix(name, &alice.id).await;
        bot.append_config(extra);
        let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
        bot.append_config(&format!(
            "[[groups.seed]]\nslug = \"courrier\"\ntheme = \"Gestion du courrier\"\nstatus = \"active\"\nlead = \"Arles\"\nmembers = [{}]\nlist = \"{}\"\n",
            members.join(", "),
            list.address
        ));
        bot.start();
        let bot_matrix = bot.matrix_id.clone().expect("a Matrix bot");
        let room = alice.create_room(false, &[&bot_matrix]).await;
        alice.welcome(&bot_matrix, &room).await;
        for line in std::iter::once(&"!groupe lier courrier").chain(commands) {
            let asked = alice.say(&room, line).await;
            let reply = alice.reply_to(&bot_matrix, &asked).await;
            assert!(!reply.body().contains("Erreur"), "{line}: {}", reply.body());
        }
        GroupSetup {
            alice,
            bot,
            bot_matrix,
            room,
            list,
        }
    }
}
