//! The real Dovecot and Postfix started by `scripts/servers start`: fresh
//! accounts (lines added to Dovecot's passwd file), mail sent over SMTP the
//! way clients send it, mailboxes read over IMAP.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::TryStreamExt;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tokio::net::TcpStream;

use crate::PATIENCE;
use crate::matrix::Servers;

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
        self.answer_within(message_id, PATIENCE).await
    }

    /// The same, waited for `patience` at most.
    pub async fn answer_within(&self, message_id: &str, patience: Duration) -> Mail {
        self.wait_for_within(&format!("the answer to {message_id}"), patience, |m| {
            m.in_reply_to().as_deref() == Some(message_id)
        })
        .await
    }

    /// Puts a mail straight into `folder`, as a delivery would (signed as
    /// [`send`] signs it).
    pub async fn append(&self, folder: &str, raw: &[u8]) {
        let mut imap = self.imap().await;
        imap.append(folder, None, None, &sign(raw))
            .await
            .expect("append");
        let _ = imap.logout().await;
    }
}

/// A received mail, parsed.
#[derive(Debug, Clone)]
pub struct Mail {
    pub raw: Vec<u8>,
}

impl Mail {
    pub fn new(raw: Vec<u8>) -> Mail {
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

    /// The attached files: (file name, type/subtype, bytes), in order.
    pub fn attachments(&self) -> Vec<(String, String, Vec<u8>)> {
        use mail_parser::MimeHeaders;
        self.parsed()
            .attachments()
            .map(|a| {
                let kind = a
                    .content_type()
                    .map(|t| format!("{}/{}", t.ctype(), t.subtype().unwrap_or("")))
                    .unwrap_or_default();
                let name = a.attachment_name().unwrap_or_default().to_string();
                (name, kind, a.contents().to_vec())
            })
            .collect()
    }

    pub fn message_id(&self) -> Option<String> {
        self.parsed().message_id().map(str::to_string)
    }

    /// The Message-ID this mail answers.
    pub fn in_reply_to(&self) -> Option<String> {
        self.parsed().in_reply_to().as_text().map(str::to_string)
    }
}

/// Sends raw bytes over SMTP as a client does, through its domain's
/// outgoing server: a mail whose From is on example.test gets that
/// domain's DKIM signature ([`sign`]). `from` None is the empty return path
/// of a bounce.
pub async fn send(from: Option<&str>, to: &str, raw: &[u8]) {
    try_send(from, to, raw).await.expect("SMTP send");
}

/// The same; an error when Postfix does not take the mail (it is down).
pub async fn try_send(from: Option<&str>, to: &str, raw: &[u8]) -> Result<(), String> {
    send_raw(from, to, &sign(raw)).await
}

/// Sends the bytes as they are, unsigned: a forger's mail, whatever its
/// From says.
pub async fn send_unsigned(from: Option<&str>, to: &str, raw: &[u8]) {
    send_raw(from, to, raw).await.expect("SMTP send");
}

/// `raw` with a DKIM-Signature of example.test (the key `scripts/servers`
/// made and its DNS server publishes) when its one From address is on
/// example.test; as it is otherwise.
pub fn sign(raw: &[u8]) -> Vec<u8> {
    use base64::Engine;
    use mail_auth::common::crypto::Ed25519Key;
    use mail_auth::common::headers::HeaderWriter;
    use mail_auth::dkim::DkimSigner;
    let servers = Servers::get();
    let domain = servers.var("DKIM_DOMAIN");
    let from = mail_parser::MessageParser::default()
        .parse_headers(raw)
        .and_then(|m| {
            m.from()
                .and_then(|f| f.first())
                .and_then(|a| a.address())
                .map(str::to_ascii_lowercase)
        });
    if !from.is_some_and(|f| f.ends_with(&format!("@{domain}"))) {
        return raw.to_vec();
    }
    let pem = std::fs::read_to_string(servers.var("DKIM_KEY")).expect("the DKIM key");
    let der: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(der)
        .expect("a PEM key");
    let key = Ed25519Key::from_pkcs8_der(&der).expect("an Ed25519 key");
    let signature = DkimSigner::from_key(key)
        .domain(domain)
        .selector(servers.var("DKIM_SELECTOR"))
        .headers([
            "From",
            "To",
            "Subject",
            "Date",
            "Message-ID",
            "In-Reply-To",
            "References",
            "MIME-Version",
            "Content-Type",
        ])
        .sign(raw)
        .expect("a DKIM signature");
    let mut signed = signature.to_header().into_bytes();
    signed.extend_from_slice(raw);
    signed
}

async fn send_raw(from: Option<&str>, to: &str, raw: &[u8]) -> Result<(), String> {
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

/// A Thunderbird iMIP reply: the Accept button.
pub fn thunderbird_accept(from: &str, to: &str, uid: &str, message_id: &str) -> Vec<u8> {
    format!(
        "Message-ID: <{message_id}>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\nUser-Agent: Mozilla Thunderbird\r\nFrom: Anne <{from}>\r\nTo: {to}\r\nSubject: =?UTF-8?Q?Accept=C3=A9=3A_Conf=C3=A9rence_DSI?=\r\nContent-Type: multipart/mixed; boundary=\"------------b1\"\r\n\r\nThis is a multi-part message in MIME format.\r\n--------------b1\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nAnne a accepté votre invitation à l'événement : Conférence DSI\r\n\r\n--------------b1\r\nContent-Type: text/calendar; charset=UTF-8; method=REPLY\r\nContent-Transfer-Encoding: 8bit\r\n\r\nBEGIN:VCALENDAR\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nCREATED:20261123T090000Z\r\nLAST-MODIFIED:20261123T090000Z\r\nDTSTAMP:20261123T090000Z\r\nUID:{uid}\r\nSUMMARY:Conférence DSI\r\nORGANIZER;CN=greffier:mailto:{to}\r\nATTENDEE;CN=Anne;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=TRUE:mailto:{from}\r\nSEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n\r\n--------------b1--\r\n"
    )
    .into_bytes()
}

/// `raw` made an answer to the mail with this Message-ID (angle brackets
/// included), as a client's Reply button does.
pub fn answering(raw: Vec<u8>, message_id: &str) -> Vec<u8> {
    let mut out = format!("In-Reply-To: {message_id}\r\nReferences: {message_id}\r\n").into_bytes();
    out.extend(raw);
    out
}

/// A plain mail the way Thunderbird writes one.
pub fn thunderbird(from: &str, to: &str, subject: &str, message_id: &str, body: &str) -> Vec<u8> {
    format!(
        "Message-ID: <{message_id}>\r\nDate: Mon, 23 Nov 2026 09:12:44 +0100\r\nMIME-Version: 1.0\r\nUser-Agent: Mozilla Thunderbird\r\nContent-Language: fr\r\nTo: {to}\r\nFrom: {from}\r\nSubject: {subject}\r\nContent-Type: text/plain; charset=UTF-8; format=flowed\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
        body.replace('\n', "\r\n")
    )
    .into_bytes()
}
