//! The real Dovecot and Postfix started by `scripts/servers start`, as the
//! mail tests use them: fresh accounts per test (lines added to Dovecot's
//! passwd file), mail sent over SMTP the way clients send it, mailboxes read
//! over IMAP, and the bot with its own mailbox.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::TryStreamExt;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tokio::net::TcpStream;

use crate::support::BotProcess;
use crate::synapse::Servers;

/// An SMTP outage (one test makes it) excludes the other mail tests.
pub static MAIL_SERVER: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// How long a test waits for a mail.
pub const PATIENCE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct Account {
    pub address: String,
    pub password: String,
}

impl Account {
    /// A new mailbox on example.test, ready: Dovecot rereads its passwd
    /// file at most once a second, and mail to an account it does not know
    /// yet bounces, so this waits until the account can log in.
    pub async fn new(prefix: &str) -> Account {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let local = format!("{prefix}{}x{n}", std::process::id());
        let account = Account {
            address: format!("{local}@example.test"),
            password: format!("pw-{local}"),
        };
        let passwd = Servers::get().var("MAIL_PASSWD").to_string();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&passwd)
            .unwrap_or_else(|e| panic!("{passwd}: {e}: run scripts/servers start"));
        // One write of one line: appends from parallel tests do not mix.
        f.write_all(format!("{}:{{PLAIN}}{}\n", account.address, account.password).as_bytes())
            .expect("passwd line");
        let _ = account.imap().await.logout().await;
        account
    }

    pub async fn imap(&self) -> async_imap::Session<TcpStream> {
        let port: u16 = Servers::get().var("IMAP_PORT").parse().expect("IMAP_PORT");
        // Dovecot rereads its passwd file at most once a second: a brand-new
        // account may need a second try.
        let mut tries = 0;
        loop {
            let tcp = TcpStream::connect(("127.0.0.1", port)).await.expect("IMAP");
            let mut client = async_imap::Client::new(tcp);
            client
                .read_response()
                .await
                .expect("greeting")
                .expect("greeting");
            match client.login(&self.address, &self.password).await {
                Ok(session) => return session,
                Err((e, _)) if tries >= 10 => panic!("IMAP login as {}: {e}", self.address),
                Err(_) => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            }
        }
    }

    /// The raw mails of `folder`, oldest first.
    pub async fn mails(&self, folder: &str) -> Vec<Vec<u8>> {
        let mut imap = self.imap().await;
        let mailbox = imap.select(folder).await.expect("select");
        if mailbox.exists == 0 {
            return Vec::new();
        }
        let fetched: Vec<_> = imap
            .fetch("1:*", "BODY.PEEK[]")
            .await
            .expect("fetch")
            .try_collect()
            .await
            .expect("fetch");
        let _ = imap.logout().await;
        fetched
            .iter()
            .filter_map(|f| f.body().map(<[u8]>::to_vec))
            .collect()
    }

    /// Waits for a mail of INBOX that `pred` accepts.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Mail) -> bool) -> Mail {
        self.wait_for_within(what, PATIENCE, pred).await
    }

    pub async fn wait_for_within(
        &self,
        what: &str,
        patience: Duration,
        pred: impl Fn(&Mail) -> bool,
    ) -> Mail {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let mails: Vec<Mail> = self
                .mails("INBOX")
                .await
                .into_iter()
                .map(Mail::new)
                .collect();
            if let Some(m) = mails.into_iter().find(|m| pred(m)) {
                return m;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{}: waited {patience:?} for {what}",
                self.address
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// The code of the `!moi lier` mail this mailbox received.
    pub async fn link_code(&self) -> String {
        let mail = self
            .wait_for("the code mail", |m| m.body().contains("moi confirmer"))
            .await;
        let body = mail.body();
        body.lines()
            .find(|l| l.contains("moi confirmer"))
            .and_then(|l| l.split_whitespace().last())
            .expect("a code")
            .to_string()
    }

    /// The bot's answer to the mail with this Message-ID.
    pub async fn answer_to(&self, message_id: &str) -> Mail {
        self.wait_for(&format!("the answer to {message_id}"), |m| {
            m.in_reply_to().as_deref() == Some(message_id)
        })
        .await
    }

    /// Puts a mail straight into `folder`, as a delivery would.
    pub async fn append(&self, folder: &str, raw: &[u8]) {
        let mut imap = self.imap().await;
        imap.append(folder, None, None, raw).await.expect("append");
        let _ = imap.logout().await;
    }
}

/// A received mail, parsed.
#[derive(Debug, Clone)]
pub struct Mail {
    pub raw: Vec<u8>,
}

impl Mail {
    fn new(raw: Vec<u8>) -> Mail {
        Mail { raw }
    }

    fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.raw)
            .expect("a mail")
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed().header_raw(name).map(|v| v.trim().to_string())
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_string()
    }

    pub fn from(&self) -> String {
        let m = self.parsed();
        m.from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_lowercase()
    }

    pub fn body(&self) -> String {
        self.parsed().body_text(0).unwrap_or_default().to_string()
    }

    /// The HTML body, if the mail has one.
    pub fn html(&self) -> Option<String> {
        let m = self.parsed();
        (m.html_body_count() > 0 && m.text_body_count() > 0)
            .then(|| m.body_html(0).map(|h| h.to_string()))
            .flatten()
    }

    /// The bytes of the first part of that type.
    pub fn part_of_type(&self, kind: &str, subtype: &str) -> Option<Vec<u8>> {
        use mail_parser::MimeHeaders;
        let m = self.parsed();
        m.parts.iter().find_map(|p| {
            let ct = p.content_type()?;
            (ct.ctype() == kind && ct.subtype() == Some(subtype)).then(|| p.contents().to_vec())
        })
    }

    /// The text/calendar part and its Content-Type header.
    pub fn calendar(&self) -> Option<(String, String)> {
        use mail_parser::MimeHeaders;
        let m = self.parsed();
        m.parts.iter().find_map(|p| {
            let ct = p.content_type()?;
            if ct.ctype() != "text" || ct.subtype() != Some("calendar") {
                return None;
            }
            let header = p
                .headers
                .iter()
                .find(|h| h.name.as_str().eq_ignore_ascii_case("Content-Type"))
                .map(|h| {
                    String::from_utf8_lossy(
                        &self.raw[h.offset_start as usize..h.offset_end as usize],
                    )
                    .trim()
                    .to_string()
                })
                .unwrap_or_default();
            Some((String::from_utf8_lossy(p.contents()).into_owned(), header))
        })
    }

    pub fn message_id(&self) -> Option<String> {
        self.parsed().message_id().map(str::to_string)
    }

    /// The Message-ID this mail answers.
    pub fn in_reply_to(&self) -> Option<String> {
        self.parsed().in_reply_to().as_text().map(str::to_string)
    }
}

/// Sends raw bytes over SMTP as a client does; `from` None is the empty
/// return path of a bounce.
pub async fn send(from: Option<&str>, to: &str, raw: &[u8]) {
    try_send(from, to, raw).await.expect("SMTP send");
}

/// The same; an error when Postfix does not take the mail (it is down).
pub async fn try_send(from: Option<&str>, to: &str, raw: &[u8]) -> Result<(), String> {
    let port: u16 = Servers::get().var("SMTP_PORT").parse().expect("SMTP_PORT");
    let smtp = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port)
        .timeout(Some(Duration::from_secs(10)))
        .build();
    let envelope = Envelope::new(
        from.map(|f| f.parse().expect("from")),
        vec![to.parse().expect("to")],
    )
    .expect("envelope");
    smtp.send_raw(&envelope, raw)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A fresh Message-ID for a test mail.
pub fn new_id(tag: &str) -> String {
    format!(
        "{tag}-{}-{}@client.example.test",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    )
}

/// A plain mail the way Thunderbird writes one.
pub fn thunderbird(from: &str, to: &str, subject: &str, message_id: &str, body: &str) -> Vec<u8> {
    format!(
        "Message-ID: <{message_id}>\r\nDate: Mon, 23 Nov 2026 09:12:44 +0100\r\nMIME-Version: 1.0\r\nUser-Agent: Mozilla Thunderbird\r\nContent-Language: fr\r\nTo: {to}\r\nFrom: {from}\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=UTF-8; format=flowed\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
        body.replace('\n', "\r\n")
    )
    .into_bytes()
}

/// A fixture of `tests/fixtures/`, sent by `from` with a fresh Message-ID.
pub fn fixture_from(name: &str, from: &str, message_id: &str) -> Vec<u8> {
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
        if in_headers && lower.starts_with("from:") {
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
            .filter(|raw| Mail { raw: raw.clone() }.from().to_lowercase() != own)
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

    /// A member: a person of `organisation` with a Matrix ID, whose address
    /// is linked the way a user links it — `!moi lier` in the console, the
    /// code read in their mailbox, `!moi confirmer`. The bot must run.
    pub async fn member(&self, organisation: &str) -> Account {
        self.member_with_id(organisation).await.0
    }

    /// The same, with the member's Matrix ID (for the console).
    pub async fn member_with_id(&self, organisation: &str) -> (Account, String) {
        let account = Account::new("member").await;
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !self.logs().contains("reading the mailbox") {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the bot does not read its mailbox: {}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let matrix_id = format!(
            "@{}:example.test",
            account.address.split('@').next().unwrap_or("x")
        );
        let out = self.scratch.console(
            &matrix_id,
            &[
                &format!("!moi organisation « {organisation} » nouvelle"),
                &format!("!moi lier {}", account.address),
            ],
        );
        assert!(out.contains("Un code vient d'être envoyé"), "{out}");
        let code = account.link_code().await;
        let out = self
            .scratch
            .console(&matrix_id, &[&format!("!moi confirmer {code}")]);
        assert!(out.contains("C'est fait"), "{out}");
        (account, matrix_id)
    }
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
