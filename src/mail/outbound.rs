//! Delivering the outbox's "email" items over SMTP (lettre): answers in the
//! sender's thread (In-Reply-To, References, "Re:" subject), codes and list
//! posts. Every mail says it is automatic (`Auto-Submitted`, RFC 3834), so
//! that well-behaved robots never answer it, and carries a Message-ID made
//! from the outbox id: the same at every try (the copy of a delivery in
//! doubt is found by it) and unguessable (a keyed hash: quoting it proves
//! the mail was read, see SECURITY.md).

use greffier_commands::action::Invitation;
use greffier_commands::{Action, Origin};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, Message, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{
    Certificate, CertificateStore, Tls as SmtpTls, TlsParameters,
};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::attach::File;
use super::imap::Tls;
use super::parse::strip_subject_prefixes;
use crate::outbox::{OutboxItem, SendError};

pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    composer: Composer,
    /// Signs every mail with DKIM (`mail.dkim`), when configured.
    signer: Option<super::dkim::Signer>,
    /// Where the bot's own copy of each mail lands.
    mailbox: OwnMailbox,
}

/// The bot's mailbox, searched for its own copy of a mail whose delivery
/// was interrupted: every mail also goes to the bot's address (an envelope
/// recipient, not a header), and SMTP accepts a mail for all its
/// recipients or for none, so the copy proves the mail went.
pub struct OwnMailbox {
    pub login: super::imap::Login,
    /// Where the reader moves handled mail (the copies too).
    pub done_folder: String,
}

/// How long a copy may take to arrive before the mail is sent again.
const COPY_PATIENCE: jiff::SignedDuration = jiff::SignedDuration::from_secs(60);

impl OwnMailbox {
    /// Is there a mail with this Message-ID in INBOX or the done folder?
    async fn holds(&self, message_id: &str) -> anyhow::Result<bool> {
        let mut imap = self.login.connect().await?;
        let query = format!("HEADER Message-ID \"{}\"", message_id.replace('"', ""));
        let mut found = false;
        for folder in [
            "INBOX".to_string(),
            super::imap::mailbox_name(&self.done_folder),
        ] {
            if imap.examine(&folder).await.is_ok() && !imap.uid_search(&query).await?.is_empty() {
                found = true;
                break;
            }
        }
        let _ = imap.logout().await;
        Ok(found)
    }
}

/// Where and how to reach the SMTP server.
pub struct Server<'a> {
    pub host: &'a str,
    pub port: u16,
    pub tls: Tls,
    /// A PEM certificate to trust instead of the system's roots.
    pub ca_pem: Option<&'a [u8]>,
}

impl Smtp {
    pub fn new(
        server: Server<'_>,
        credentials: Option<(String, String)>,
        address: &str,
        message_key: String,
        mailbox: OwnMailbox,
        signer: Option<super::dkim::Signer>,
    ) -> anyhow::Result<Smtp> {
        Ok(Smtp {
            transport: transport(&server, credentials)?,
            composer: Composer::new(address, message_key)?,
            mailbox,
            signer,
        })
    }

    pub async fn deliver(&self, item: &OutboxItem, files: &[File]) -> Result<(), SendError> {
        let message = self
            .composer
            .message(item, files)
            .map_err(|e| SendError::permanent(format!("cannot build the mail: {e}")))?;
        let message_id = message
            .headers()
            .get_raw("Message-ID")
            .unwrap_or_default()
            .trim()
            .to_string();
        if let Some(since) = item.in_doubt_since {
            // A delivery began before and was not confirmed: look for the
            // copy before sending again.
            match self.mailbox.holds(&message_id).await {
                Ok(true) => {
                    tracing::info!(id = item.id, %message_id, "an interrupted delivery had gone through: not sent again");
                    return Ok(());
                }
                Ok(false) if jiff::Timestamp::now().duration_since(since) < COPY_PATIENCE => {
                    return Err(SendError::in_doubt(
                        "delivery in doubt: waiting for the bot's own copy",
                    ));
                }
                Ok(false) => {}
                Err(e) => {
                    return Err(SendError::in_doubt(format!(
                        "delivery in doubt, and the bot's mailbox cannot be searched: {e:#}"
                    )));
                }
            }
        }
        let envelope = message.envelope();
        let mut to = envelope.to().to_vec();
        to.push(self.composer.from.email.clone());
        let envelope = lettre::address::Envelope::new(envelope.from().cloned(), to)
            .map_err(|e| SendError::permanent(format!("cannot address the mail: {e}")))?;
        let raw = match &self.signer {
            Some(signer) => signer
                .sign(&message.formatted())
                .map_err(|e| SendError::permanent(format!("{e:#}")))?,
            None => message.formatted(),
        };
        match self.transport.send_raw(&envelope, &raw).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::permanent(e.to_string())),
            Err(e) => Err(SendError::transient(e.to_string())),
        }
    }
}

/// The SMTP transport to `server`, with `credentials` (user, password).
fn transport(
    server: &Server<'_>,
    credentials: Option<(String, String)>,
) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let host = server.host;
    let parameters = || -> anyhow::Result<TlsParameters> {
        let mut b = TlsParameters::builder(host.into());
        if let Some(pem) = server.ca_pem {
            b = b
                .certificate_store(CertificateStore::None)
                .add_root_certificate(Certificate::from_pem(pem)?);
        }
        Ok(b.build()?)
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(server.port)
        .timeout(Some(std::time::Duration::from_secs(30)));
    builder = match server.tls {
        Tls::None => builder.tls(SmtpTls::None),
        Tls::Starttls => builder.tls(SmtpTls::Required(parameters()?)),
        Tls::Implicit => builder.tls(SmtpTls::Wrapper(parameters()?)),
    };
    if let Some((user, password)) = credentials {
        builder = builder.credentials(Credentials::new(user, password));
    }
    Ok(builder.build())
}

/// Whether `server` greets and takes `credentials` (`check-config
/// --online`): lettre's connection test (EHLO, TLS, AUTH).
pub async fn test(server: Server<'_>, credentials: Option<(String, String)>) -> anyhow::Result<()> {
    let ok = transport(&server, credentials)?.test_connection().await?;
    anyhow::ensure!(ok, "the server did not answer NOOP");
    Ok(())
}

/// Writes the mails, without I/O.
pub struct Composer {
    from: Mailbox,
    domain: String,
    /// 128 random bits of this database's: the key of the Message-IDs.
    key: String,
}

impl Composer {
    pub fn new(address: &str, key: String) -> anyhow::Result<Composer> {
        Ok(Composer {
            from: format!("greffier <{address}>").parse()?,
            domain: address
                .rsplit('@')
                .next()
                .unwrap_or("localhost")
                .to_string(),
            key,
        })
    }

    /// The Message-ID of an outbox item: SHA-256 of the key and the item
    /// ([`OutboxItem::unique`]), 128 bits of it. Nobody without the key can
    /// guess it, and every attempt to deliver the item uses the same one.
    pub fn message_id(&self, unique: &str) -> String {
        use sha2::{Digest, Sha256};
        let hash = Sha256::digest(format!("{}:{unique}", self.key));
        format!("<{}@{}>", super::hex(&hash[..16]), self.domain)
    }

    /// The mail of an outbox item, with `files` attached (written by
    /// [`super::attach::files`] for the actions that carry some).
    pub fn message(&self, item: &OutboxItem, files: &[File]) -> anyhow::Result<Message> {
        let message_id = match &item.action {
            Action::SendInvitation(inv) => angle(&inv.message_id),
            Action::Confirm { message_id, .. } | Action::AskByMail { message_id, .. } => {
                angle(message_id)
            }
            _ => self.message_id(&item.unique()),
        };
        let builder = Message::builder()
            .from(self.from.clone())
            .message_id(Some(message_id))
            .user_agent("greffier".into());
        if let Action::SendInvitation(inv) = &item.action {
            return self.invitation(builder, inv);
        }
        let auto = |kind: &str| {
            HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                kind.into(),
            )
        };
        let (builder, text) = match &item.action {
            Action::Reply {
                origin:
                    Origin::Email {
                        from,
                        message_id,
                        subject,
                        references,
                    },
                text,
            }
            | Action::Confirm {
                origin:
                    Origin::Email {
                        from,
                        message_id,
                        subject,
                        references,
                    },
                text,
                ..
            } => {
                let mut b = builder
                    .to(from.parse()?)
                    .subject(reply_subject(subject))
                    .raw_header(auto("auto-replied"));
                if let Some(id) = message_id {
                    let id = angle(id);
                    let mut chain: Vec<String> = references.iter().map(|r| angle(r)).collect();
                    chain.retain(|r| r != &id);
                    chain.push(id.clone());
                    b = b.in_reply_to(id).references(chain.join(" "));
                }
                (b, text)
            }
            // A poll: it asks for a reply, so it is not marked automatic.
            Action::AskByMail {
                to,
                name,
                subject,
                text,
                ..
            } => (
                builder
                    .to(Mailbox::new(Some(name.clone()), to.parse()?))
                    .subject(subject),
                text,
            ),
            // The approved compte rendu: the text, then its PDF and ODT.
            Action::SendRecord {
                to,
                name,
                subject,
                text,
                ..
            } => {
                let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(text.clone()));
                for file in files {
                    parts = parts.singlepart(
                        Attachment::new(file.name.clone())
                            .body(file.bytes.clone(), ContentType::parse(file.mime)?),
                    );
                }
                return Ok(builder
                    .to(Mailbox::new(Some(name.clone()), to.parse()?))
                    .subject(subject)
                    .raw_header(auto("auto-generated"))
                    .multipart(parts)?);
            }
            Action::SendMail { to, subject, text } => (
                builder
                    .to(to.parse()?)
                    .subject(subject)
                    .raw_header(auto("auto-generated")),
                text,
            ),
            Action::PostToList {
                list,
                text,
                html,
                list_id,
                image,
            } => {
                let mut b = builder
                    .to(list.parse()?)
                    .subject(first_line(text))
                    .raw_header(auto("auto-generated"));
                if let Some(id) = list_id {
                    b = b.raw_header(HeaderValue::new(
                        HeaderName::new_from_ascii_str("List-Id"),
                        format!("<{id}.{}>", self.domain),
                    ));
                }
                if let Some(html) = html {
                    let page = format!("<html><body>{html}</body></html>");
                    if let Some(png) = image {
                        // The picture inline in the HTML (cid:chart).
                        use base64::Engine;
                        let bytes = base64::engine::general_purpose::STANDARD.decode(png)?;
                        let related = MultiPart::related()
                            .singlepart(SinglePart::html(page))
                            .singlepart(
                                Attachment::new_inline("chart".into())
                                    .body(bytes, ContentType::parse("image/png")?),
                            );
                        return Ok(b.multipart(
                            MultiPart::alternative()
                                .singlepart(SinglePart::plain(text.clone()))
                                .multipart(related),
                        )?);
                    }
                    return Ok(b.multipart(MultiPart::alternative_plain_html(text.clone(), page))?);
                }
                (b, text)
            }
            other => anyhow::bail!("not a mail action: {other:?}"),
        };
        Ok(builder.header(ContentType::TEXT_PLAIN).body(text.clone())?)
    }
}

impl Composer {
    /// multipart/alternative: the text, the same as HTML, and the iTIP
    /// calendar part (Content-Type with `method=`), so that clients show
    /// Accept / Decline. No Auto-Submitted: an invitation asks for answers.
    fn invitation(
        &self,
        builder: lettre::message::MessageBuilder,
        inv: &Invitation,
    ) -> anyhow::Result<Message> {
        let ics = super::ical::calendar(inv, self.from.email.as_ref(), jiff::Timestamp::now());
        let calendar_type = ContentType::parse(&format!(
            "text/calendar; charset=utf-8; method={}",
            inv.method
        ))?;
        let html = format!(
            "<html><body><p>{}</p></body></html>",
            greffier_commands::text::html_lines(&inv.text).replace("<br><br>", "</p><p>")
        );
        // Built from its parts, never parsed from "Name <address>": a name
        // like "Dupont, Jean (Mairie d'Arles)" is quoted, not misread.
        let to = Mailbox::new(Some(inv.attendee_name.clone()), inv.to.parse()?);
        Ok(builder.to(to).subject(&inv.subject).multipart(
            MultiPart::alternative()
                .singlepart(SinglePart::plain(inv.text.clone()))
                .singlepart(SinglePart::html(html))
                .singlepart(SinglePart::builder().header(calendar_type).body(ics)),
        )?)
    }
}

fn angle(id: &str) -> String {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    format!("<{id}>")
}

/// "Re: " once, whatever the original had.
/// "Re: " and the subject of the mail answered, on one line: line breaks
/// and control characters a mail could slip into an encoded subject become
/// spaces.
pub fn reply_subject(subject: &str) -> String {
    let one_line: String = subject
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let base = strip_subject_prefixes(one_line.trim());
    if base.is_empty() {
        "Re: greffier".into()
    } else {
        format!("Re: {base}")
    }
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("greffier").trim();
    greffier_commands::text::excerpt(line, 90)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::MimeHeaders;

    fn composer() -> Composer {
        Composer::new("greffier@example.test", "i1".into()).expect("composer")
    }

    fn rendered(action: Action) -> String {
        let item = OutboxItem {
            id: 7,
            action,
            attempts: 0,
            in_doubt_since: None,
            queued_at: jiff::Timestamp::from_second(1_800_000_000).expect("ts"),
        };
        String::from_utf8(composer().message(&item, &[]).expect("message").formatted())
            .expect("utf-8")
    }

    #[test]
    fn a_poll_mail_has_its_own_message_id_and_asks_for_a_reply() {
        let mail = rendered(Action::AskByMail {
            to: "anne@arles.example".into(),
            name: "Dupont, Anne".into(),
            subject: "Sondage : Rencontre".into(),
            text: "1. mardi 15 décembre 2026".into(),
            message_id: "poll.0123@example.test".into(),
        });
        assert!(
            mail.contains("Message-ID: <poll.0123@example.test>\r\n"),
            "{mail}"
        );
        // The name with its comma, encoded whole: not read as two addresses.
        assert!(
            mail.contains("To: =?utf-8?b?RHVwb250LCBBbm5l?= <anne@arles.example>\r\n"),
            "{mail}"
        );
        assert!(!mail.contains("Auto-Submitted"), "{mail}");
    }

    #[test]
    fn a_reply_is_in_the_thread_and_says_it_is_automatic() {
        let mail = rendered(Action::Reply {
            origin: Origin::Email {
                from: "anne@example.test".into(),
                message_id: Some("m2@arles".into()),
                subject: "RE: Re: !groupe liste".into(),
                references: vec!["<m1@arles>".into(), "m2@arles".into()],
            },
            text: "Groupes actifs : …".into(),
        });
        assert!(mail.contains("Subject: Re: !groupe liste\r\n"), "{mail}");
        assert!(mail.contains("In-Reply-To: <m2@arles>\r\n"), "{mail}");
        assert!(
            mail.contains("References: <m1@arles> <m2@arles>\r\n"),
            "{mail}"
        );
        assert!(mail.contains("Auto-Submitted: auto-replied\r\n"), "{mail}");
        let id = composer().message_id("7-1800000000000");
        assert!(mail.contains(&format!("Message-ID: {id}\r\n")), "{mail}");
        // 128 bits, from the key: another key gives another id.
        assert_eq!(id.len(), "<@example.test>".len() + 32, "{id}");
        let other = Composer::new("greffier@example.test", "k2".into()).expect("composer");
        assert_ne!(other.message_id("7-1800000000000"), id);
        assert_ne!(composer().message_id("8-1800000000000"), id);
        // The same id queued at another time (after a restored backup).
        assert_ne!(composer().message_id("7-1800000000001"), id);
        assert!(mail.contains("To: anne@example.test\r\n"), "{mail}");
    }

    #[test]
    fn an_invitee_named_with_commas_and_parentheses_is_invited() {
        let item = OutboxItem {
            id: 8,
            action: Action::SendInvitation(Box::new(Invitation {
                to: "jean.dupont@example.test".into(),
                attendee_name: "Dupont, Jean (Mairie d'Arles) <x>".into(),
                method: "REQUEST".into(),
                uid: "u@greffier".into(),
                sequence: 0,
                title: "Conseil".into(),
                starts_at: "2030-12-03T08:30:00Z".into(),
                ends_at: "2030-12-03T10:30:00Z".into(),
                place: None,
                message_id: "invitation.0123@example.test".into(),
                subject: "Invitation : Conseil".into(),
                text: "Bonjour".into(),
                description: None,
            })),
            attempts: 0,
            in_doubt_since: None,
            queued_at: jiff::Timestamp::from_second(1_800_000_000).expect("ts"),
        };
        let mail = composer().message(&item, &[]).expect("an invitation");
        let to = mail.envelope().to().to_vec();
        assert_eq!(to.len(), 1);
        assert_eq!(to[0].to_string(), "jean.dupont@example.test");
        let raw = String::from_utf8(mail.formatted()).expect("utf-8");
        let parsed = mail_parser::MessageParser::default()
            .parse(raw.as_bytes())
            .expect("a mail");
        let first = parsed.to().and_then(|a| a.first()).expect("a To");
        assert_eq!(first.name(), Some("Dupont, Jean (Mairie d'Arles) <x>"));
        assert_eq!(first.address(), Some("jean.dupont@example.test"));
    }

    #[test]
    fn a_code_mail_is_auto_generated() {
        let mail = rendered(Action::SendMail {
            to: "anne@example.test".into(),
            subject: "Votre code greffier".into(),
            text: "123456".into(),
        });
        assert!(
            mail.contains("Auto-Submitted: auto-generated\r\n"),
            "{mail}"
        );
        assert!(!mail.contains("In-Reply-To"), "{mail}");
    }

    #[test]
    fn an_approved_compte_rendu_carries_its_files_read_back_as_they_were() {
        let item = OutboxItem {
            id: 8,
            action: Action::SendRecord {
                to: "anne@example.test".into(),
                name: "Anne Dupont".into(),
                subject: "Compte rendu approuvé : Conseil".into(),
                text: "Bonjour Anne Dupont,".into(),
                meeting: 3,
                version: 1,
            },
            attempts: 0,
            in_doubt_since: None,
            queued_at: jiff::Timestamp::from_second(1_800_000_000).expect("ts"),
        };
        let files = [
            File {
                name: "compte-rendu-2026-12-03.pdf".into(),
                mime: "application/pdf",
                bytes: b"%PDF-1.7 \xc3\xa9".to_vec(),
            },
            File {
                name: "compte-rendu-2026-12-03.odt".into(),
                mime: "application/vnd.oasis.opendocument.text",
                bytes: vec![0x50, 0x4b, 0x03, 0x04, 0, 255],
            },
        ];
        let raw = composer()
            .message(&item, &files)
            .expect("a mail")
            .formatted();
        let parsed = mail_parser::MessageParser::default()
            .parse(&raw)
            .expect("a mail");
        assert_eq!(parsed.body_text(0).as_deref(), Some("Bonjour Anne Dupont,"));
        let attached: Vec<(String, String, Vec<u8>)> = parsed
            .attachments()
            .map(|a| {
                let kind = a.content_type().expect("a type");
                (
                    a.attachment_name().expect("a name").to_string(),
                    format!("{}/{}", kind.ctype(), kind.subtype().unwrap_or("")),
                    a.contents().to_vec(),
                )
            })
            .collect();
        let expected: Vec<(String, String, Vec<u8>)> = files
            .iter()
            .map(|f| (f.name.clone(), f.mime.to_string(), f.bytes.clone()))
            .collect();
        assert_eq!(attached, expected);
        let text = String::from_utf8_lossy(&raw);
        assert!(
            text.contains("Auto-Submitted: auto-generated\r\n"),
            "{text}"
        );
    }
}
