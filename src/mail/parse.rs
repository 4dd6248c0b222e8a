//! What a received mail says to the bot: who sent it, in which thread, whether
//! it must never be answered (RFC 3834), and its command lines. Pure
//! functions over the raw bytes (mail-parser does the MIME, the charsets and
//! the HTML), tested on the fixtures in `tests/fixtures/`.
//!
//! Only the new text counts: quoted lines (`>`), the quoted original after
//! "Le … a écrit :" / "On … wrote:" / Outlook's "De : … Envoyé : …" block or
//! "-----Original Message-----", and the signature after `-- ` are dropped.
//! Commands are the body lines that start with the prefix; when there are
//! none, the subject, unless the mail is a reply (a "Re: !groupe …" subject
//! answered with "Merci" must not run the command again).

use greffier_commands::text::new_text;
use mail_parser::{Message, MessageParser, MimeHeaders};

/// At most this many command lines are applied from one mail.
pub const MAX_COMMANDS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming {
    pub message_id: Option<String>,
    /// The sender's address, lower-cased.
    pub from: String,
    /// The bot's address is among To and Cc: the mail was written to the
    /// bot, not forwarded to it from someone else's mailbox (issue 34,
    /// case 5). Only then can its signature vouch for what it asks.
    pub addressed: bool,
    pub display_name: Option<String>,
    pub subject: String,
    /// The Message-IDs this mail answers (In-Reply-To, then References).
    pub references: Vec<String>,
    pub is_reply: bool,
    /// Why this mail must not be answered at all, if it must not.
    pub automatic: Option<Automatic>,
    /// The command lines, in order.
    pub commands: Vec<String>,
    /// More command lines than [`MAX_COMMANDS`] were found.
    pub too_many: bool,
    /// The body as text (HTML reduced), quotes included.
    pub text: String,
    /// A text/calendar part, inline or attached.
    pub calendar: Option<String>,
}

/// Mail that is never answered, so that the bot cannot loop with another
/// robot (RFC 3834).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Automatic {
    /// `Auto-Submitted` other than `no` (out-of-office, robots).
    AutoSubmitted,
    /// `Precedence: bulk | junk | list`.
    Precedence,
    /// `X-Autoreply` or `X-Autorespond`: responders that do not say
    /// `Auto-Submitted`.
    Autoresponder,
    /// An empty return path, or a delivery report: a bounce.
    Bounce,
    /// Sent by the bot itself.
    OwnAddress,
}

impl Automatic {
    pub fn as_str(self) -> &'static str {
        match self {
            Automatic::AutoSubmitted => "Auto-Submitted",
            Automatic::Precedence => "Precedence",
            Automatic::Autoresponder => "X-Autoreply",
            Automatic::Bounce => "bounce",
            Automatic::OwnAddress => "own address",
        }
    }
}

/// Why a mail could not be read: it goes to quarantine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// Reads one mail. mail-parser can panic on some broken MIME (found by the
/// `mail` fuzz target: "Invalid part ID, could not find multipart"); such
/// a mail is unreadable, like any other that cannot be parsed, and goes to
/// quarantine instead of stopping the mail adapter.
pub fn parse(raw: &[u8], prefix: &str, own_address: &str) -> Result<Incoming, Unreadable> {
    std::panic::catch_unwind(|| read(raw, prefix, own_address))
        .unwrap_or_else(|_| Err(Unreadable("the MIME parser failed on this mail".into())))
}

/// The one parse of a mail that both the sender's check ([`super::auth`])
/// and [`parse`] read: its header block checked first (every line a field
/// or a folded continuation: a form feed or a blank line inside the header
/// made two parsers disagree on From, issue 34 case 3), then mail-parser.
pub fn message(raw: &[u8]) -> Result<Message<'_>, Unreadable> {
    header_block_is_plain(raw)?;
    std::panic::catch_unwind(|| MessageParser::default().parse(raw))
        .map_err(|_| Unreadable("the MIME parser failed on this mail".into()))?
        .ok_or_else(|| Unreadable("not a mail message".into()))
}

/// Every line of the header block (up to the first empty line) is a field
/// (`name:` with a name of printable ASCII) or a continuation (space or tab
/// then something else than white space).
fn header_block_is_plain(raw: &[u8]) -> Result<(), Unreadable> {
    let odd = |why: &str| Err(Unreadable(format!("header block: {why}")));
    for (n, line) in raw.split(|b| *b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return Ok(());
        }
        match line[0] {
            b' ' | b'\t' => {
                if n == 0 {
                    return odd("a continuation before any field");
                }
                if line.iter().all(|b| matches!(b, b' ' | b'\t')) {
                    return odd("a line of white space only");
                }
            }
            _ => {
                let Some(colon) = line.iter().position(|b| *b == b':') else {
                    return odd("a line that is neither a field nor a continuation");
                };
                // (White space before the colon is RFC 5322's obsolete
                // but harmless form.)
                let name = line[..colon].trim_ascii_end();
                if name.is_empty() || !name.iter().all(|b| (33..=126).contains(b)) {
                    return odd("a field name that is not printable ASCII");
                }
            }
        }
    }
    // No body: the header block is the whole mail.
    Ok(())
}

/// The one From address of a mail, lower-cased, and its display name.
/// (RFC 5322 §3.6: one From header with one address; with two, which one a
/// parser picks decides who is obeyed, so neither is.)
pub fn sender(message: &Message<'_>) -> Result<(String, Option<String>), Unreadable> {
    if message.header_values("From").count() > 1 {
        return Err(Unreadable("more than one From header".into()));
    }
    let senders = message
        .from()
        .ok_or_else(|| Unreadable("no From address".into()))?;
    if senders.iter().count() > 1 {
        return Err(Unreadable("more than one From address".into()));
    }
    let sender = senders
        .first()
        .ok_or_else(|| Unreadable("no From address".into()))?;
    let from = sender
        .address()
        .filter(|a| a.contains('@'))
        .ok_or_else(|| Unreadable("no From address".into()))?
        .trim()
        .to_lowercase();
    let display_name = sender
        .name()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    Ok((from, display_name))
}

fn read(raw: &[u8], prefix: &str, own_address: &str) -> Result<Incoming, Unreadable> {
    let message = message(raw)?;
    let (from, display_name) = sender(&message)?;
    let own = own_address.to_lowercase();
    let addressed = [message.to(), message.cc()]
        .into_iter()
        .flatten()
        .any(|list| {
            list.iter().any(|a| {
                a.address()
                    .is_some_and(|a| a.trim().eq_ignore_ascii_case(&own))
            })
        });
    let subject = message.subject().unwrap_or_default().trim().to_string();
    let mut references: Vec<String> = Vec::new();
    for value in [message.in_reply_to(), message.references()] {
        for id in value.as_text_list().unwrap_or_default() {
            if !references.iter().any(|r| r == id.as_ref()) {
                references.push(id.to_string());
            }
        }
    }
    let is_reply = !message.in_reply_to().is_empty() || strip_subject_prefixes(&subject) != subject;

    let raw_header = |name: &str| message.header_raw(name).map(|v| v.trim().to_lowercase());
    let automatic = if from == own {
        Some(Automatic::OwnAddress)
    } else if raw_header("Return-Path").is_some_and(|v| v == "<>")
        || raw_header("Content-Type").is_some_and(|v| v.starts_with("multipart/report"))
    {
        Some(Automatic::Bounce)
    } else if raw_header("Auto-Submitted")
        .is_some_and(|v| v.split(';').next().is_some_and(|v| v.trim() != "no"))
    {
        Some(Automatic::AutoSubmitted)
    } else if raw_header("X-Autoreply").is_some() || raw_header("X-Autorespond").is_some() {
        Some(Automatic::Autoresponder)
    } else if raw_header("Precedence")
        .is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list"))
    {
        Some(Automatic::Precedence)
    } else {
        None
    };

    let body = message.body_text(0).unwrap_or_default();
    let mut commands: Vec<String> = new_text(&body)
        .into_iter()
        .map(|l| l.trim().to_string())
        .filter(|l| l.starts_with(prefix))
        .collect();
    if commands.is_empty() && !is_reply && subject.starts_with(prefix) {
        commands.push(subject.clone());
    }
    let too_many = commands.len() > MAX_COMMANDS;
    let calendar = message.parts.iter().find_map(|part| {
        let is_calendar = part.content_type().is_some_and(|ct| {
            ct.ctype().eq_ignore_ascii_case("text")
                && ct
                    .subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("calendar"))
        }) || part
            .attachment_name()
            .is_some_and(|n| n.to_ascii_lowercase().ends_with(".ics"));
        is_calendar.then(|| String::from_utf8_lossy(part.contents()).into_owned())
    });
    commands.truncate(MAX_COMMANDS);
    Ok(Incoming {
        message_id: message.message_id().map(str::to_string),
        from,
        addressed,
        display_name,
        subject,
        references,
        is_reply,
        automatic,
        commands,
        too_many,
        text: body.to_string(),
        calendar,
    })
}

/// "Re: Fwd: TR : sujet" → "sujet".
pub fn strip_subject_prefixes(subject: &str) -> &str {
    let mut s = subject.trim();
    loop {
        let lower = s.to_lowercase();
        let Some(colon) = lower.find(':') else {
            return s;
        };
        let head = lower[..colon].trim();
        if matches!(
            head,
            "re" | "fwd" | "fw" | "tr" | "réf" | "ref" | "aw" | "wg"
        ) {
            s = s[colon + 1..].trim_start();
        } else {
            return s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOT: &str = "greffier@example.test";

    /// Every fixture, with what it must yield: the commands, or why it is
    /// not answered, or that it is unreadable.
    #[derive(Debug, PartialEq)]
    enum Outcome {
        Commands(&'static [&'static str]),
        Automatic(Automatic),
        Unreadable,
    }

    const FIXTURES: &[(&str, Outcome)] = &[
        (
            "thunderbird-plain.eml",
            Outcome::Commands(&["!groupe rejoindre messagerie"]),
        ),
        (
            "thunderbird-reply-quoted.eml",
            Outcome::Commands(&["!groupe info courrier"]),
        ),
        (
            "outlook-html-only.eml",
            Outcome::Commands(&["!groupe rejoindre messagerie"]),
        ),
        (
            "gmail-alternative-reply.eml",
            Outcome::Commands(&["!groupe soutenir courrier", "!groupe info courrier"]),
        ),
        (
            "apple-mail-qp-utf8.eml",
            Outcome::Commands(&["!projet statut openfoncier « Version 2.1 déployée à Arles »"]),
        ),
        (
            "phone-base64-signature.eml",
            Outcome::Commands(&["!groupe liste"]),
        ),
        (
            "iso-8859-1-qp.eml",
            Outcome::Commands(&["!groupe rejoindre messagerie"]),
        ),
        (
            "windows-1252.eml",
            Outcome::Commands(&[
                "!groupe proposer gestion-salles « Réservation des salles – mairies »",
            ]),
        ),
        (
            "subject-only.eml",
            Outcome::Commands(&["!groupe info messagerie"]),
        ),
        ("reply-thanks.eml", Outcome::Commands(&[])),
        (
            "out-of-office.eml",
            Outcome::Automatic(Automatic::AutoSubmitted),
        ),
        ("dsn-bounce.eml", Outcome::Automatic(Automatic::Bounce)),
        (
            "precedence-list.eml",
            Outcome::Automatic(Automatic::Precedence),
        ),
        (
            "from-the-bot.eml",
            Outcome::Automatic(Automatic::OwnAddress),
        ),
        ("no-from.eml", Outcome::Unreadable),
    ];

    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn fixtures_yield_their_outcome() {
        for (name, expected) in FIXTURES {
            let got = match parse(&fixture(name), "!", BOT) {
                Err(_) => Outcome::Unreadable,
                Ok(m) => match m.automatic {
                    Some(a) => Outcome::Automatic(a),
                    None => {
                        let Outcome::Commands(want) = expected else {
                            panic!(
                                "{name}: expected {expected:?}, got commands {:?}",
                                m.commands
                            );
                        };
                        assert_eq!(m.commands, *want, "{name}");
                        Outcome::Commands(want)
                    }
                },
            };
            assert_eq!(&got, expected, "{name}");
        }
    }

    #[test]
    fn every_fixture_is_in_the_table() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for entry in std::fs::read_dir(dir).expect("fixtures") {
            let name = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .to_string();
            if name.ends_with(".eml") {
                assert!(
                    FIXTURES.iter().any(|(n, _)| *n == name),
                    "{name} has no expected outcome"
                );
            }
        }
    }

    #[test]
    fn threading_and_sender() {
        let m = parse(&fixture("thunderbird-reply-quoted.eml"), "!", BOT).expect("parse");
        assert_eq!(m.from, "anne.martin@example.test");
        assert_eq!(m.display_name.as_deref(), Some("Anne Martin"));
        assert!(m.is_reply);
        assert_eq!(
            m.references.first().map(String::as_str),
            Some("greffier-1@example.test")
        );
        assert!(m.message_id.is_some());
    }

    /// Issue 34, case 3: a header block with a form-feed line and a
    /// lone-space line let mail-auth read one From and greffier another.
    /// Such a block is unreadable; ordinary folding is not.
    #[test]
    fn a_header_block_with_odd_lines_is_unreadable() {
        let red_team = "DKIM-Signature: v=1; d=evil.example\r\nFrom: alice@example.org\r\n\x0c\r\n \r\nFrom: attacker@evil.example\r\nTo: greffier@example.test\r\nSubject: !groupe quitter messagerie\r\n\r\nx\r\n";
        let got = parse(red_team.as_bytes(), "!", BOT);
        assert!(
            matches!(&got, Err(Unreadable(why)) if why.starts_with("header block")),
            "{got:?}"
        );
        for odd in [
            " continued first\r\nFrom: a@example.test\r\n\r\nx",
            "From: a@example.test\r\nNo colon here\r\n\r\nx",
            "From: a@example.test\r\n\t \r\nTo: b@example.test\r\n\r\nx",
            "From: a@example.test\r\nBad\x01Name: x\r\n\r\nx",
        ] {
            assert!(parse(odd.as_bytes(), "!", BOT).is_err(), "{odd:?}");
        }
        let folded = "From: Anne\r\n Martin <a@example.test>\r\nSubject : !aide\r\nTo: greffier@example.test,\r\n\tautre@example.test\r\n\r\nx";
        let m = parse(folded.as_bytes(), "!", BOT).expect("folded fields are plain");
        assert_eq!(m.from, "a@example.test");
        assert!(m.addressed);
    }

    /// Issue 34, case 5: only mail written to the bot (To or Cc) is
    /// addressed to it; a mail to a colleague, forwarded as it was, is not.
    #[test]
    fn a_mail_is_addressed_to_the_bot_by_to_or_cc() {
        let with = |to: &str, cc: &str| {
            let raw = format!(
                "From: alice@example.test\r\nTo: {to}\r\nCc: {cc}\r\nSubject: x\r\n\r\nExcusé\r\n"
            );
            parse(raw.as_bytes(), "!", BOT).expect("parse").addressed
        };
        assert!(with("Greffier <GREFFIER@example.test>", "x@example.test"));
        assert!(with("colleague@example.test", "greffier@example.test"));
        assert!(with(
            "a@example.test, greffier@example.test",
            "b@example.test"
        ));
        assert!(!with("colleague@example.test", "b@example.test"));
        assert!(!with(
            "greffier@example.test.evil.example",
            "b@example.test"
        ));
    }

    #[test]
    fn subject_prefixes_are_stripped() {
        assert_eq!(strip_subject_prefixes("Re: TR : Fwd: sujet"), "sujet");
        assert_eq!(strip_subject_prefixes("!groupe liste"), "!groupe liste");
        assert_eq!(
            strip_subject_prefixes("RE: Réunion: ordre du jour"),
            "Réunion: ordre du jour"
        );
    }

    #[test]
    fn a_calendar_part_is_found_inline_or_attached() {
        let attached = "From: jp@example.test\r\nTo: greffier@example.test\r\nSubject: Accepté\r\nMessage-ID: <a@x>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAccepté\r\n--b\r\nContent-Type: application/ics; name=\"invite.ics\"\r\nContent-Disposition: attachment; filename=\"invite.ics\"\r\nContent-Transfer-Encoding: base64\r\n\r\nQkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVQTFkNCkVORDpWQ0FMRU5EQVINCg==\r\n--b--\r\n";
        let m = parse(attached.as_bytes(), "!", BOT).expect("parse");
        assert_eq!(
            m.calendar.as_deref(),
            Some("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n")
        );
        let plain = parse(&fixture("thunderbird-plain.eml"), "!", BOT).expect("parse");
        assert_eq!(plain.calendar, None);
    }

    #[test]
    fn many_commands_are_capped() {
        let body: String = (0..30).map(|i| format!("!aide {i}\n")).collect();
        let raw =
            format!("From: a@example.test\nTo: {BOT}\nSubject: x\nMessage-ID: <m@x>\n\n{body}");
        let m = parse(raw.as_bytes(), "!", BOT).expect("parse");
        assert_eq!(m.commands.len(), MAX_COMMANDS);
        assert!(m.too_many);
    }

    /// Fuzz regression (target `mail`): mail-parser 0.11.9 panics on this
    /// mail; it must be unreadable, not a crash of the mail adapter.
    #[test]
    fn a_mail_that_makes_the_mime_parser_panic_is_unreadable() {
        let raw = fixture("fuzz/mail-parser-invalid-part-id.eml");
        // Its first line is not a header field: the header check now stops
        // it before mail-parser. With that line made a field, mail-parser
        // still panics, and the panic is still caught.
        assert_eq!(
            parse(&raw, "!", BOT),
            Err(Unreadable(
                "header block: a line that is neither a field nor a continuation".into()
            ))
        );
        let text = String::from_utf8_lossy(&raw).replacen("Fromtest", "X-Fuzz: test", 1);
        assert_eq!(
            parse(text.as_bytes(), "!", BOT),
            Err(Unreadable("the MIME parser failed on this mail".into()))
        );
    }
}
