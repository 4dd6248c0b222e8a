//! The iTIP calendar parts (RFC 5545 / 5546): the REQUEST or CANCEL that an
//! invitation carries, so that mail clients show Accept / Decline, and the
//! REPLY that their buttons send back.

use greffier_commands::action::Invitation;
use greffier_commands::ical::{fold, param, text, utc};
use jiff::Timestamp;

/// The calendar of an invitation (METHOD:REQUEST) or cancellation
/// (METHOD:CANCEL); times in UTC.
pub fn calendar(inv: &Invitation, organizer: &str, now: Timestamp) -> String {
    let start: Timestamp = inv.starts_at.parse().unwrap_or(now);
    let end: Timestamp = inv.ends_at.parse().unwrap_or(start);
    let cancel = inv.method == "CANCEL";
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "PRODID:-//greffier//greffier//FR".into(),
        "VERSION:2.0".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("METHOD:{}", if cancel { "CANCEL" } else { "REQUEST" }),
        "BEGIN:VEVENT".into(),
        format!("UID:{}", inv.uid),
        format!("SEQUENCE:{}", inv.sequence),
        format!("DTSTAMP:{}", utc(now)),
        format!("DTSTART:{}", utc(start)),
        format!("DTEND:{}", utc(end)),
        format!("SUMMARY:{}", text(&inv.title)),
    ];
    if let Some(place) = &inv.place {
        lines.push(format!("LOCATION:{}", text(place)));
    }
    if let Some(description) = &inv.description {
        lines.push(format!("DESCRIPTION:{}", text(description)));
    }
    lines.push(format!("ORGANIZER;CN=greffier:mailto:{organizer}"));
    lines.push(format!(
        "ATTENDEE;CN={};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{}",
        param(&inv.attendee_name),
        inv.to
    ));
    lines.push(format!(
        "STATUS:{}",
        if cancel { "CANCELLED" } else { "CONFIRMED" }
    ));
    lines.push("TRANSP:OPAQUE".into());
    lines.push("END:VEVENT".into());
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold(l)).collect()
}

/// What a calendar button said.
pub use greffier_commands::answer::CalendarReply as Reply;

/// Unfolded content lines: (name with parameters, value).
fn content_lines(ics: &str) -> Vec<(String, String)> {
    let mut unfolded: Vec<String> = Vec::new();
    for raw in ics.split('\n') {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(cont) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = unfolded.last_mut()
        {
            last.push_str(cont);
            continue;
        }
        unfolded.push(raw.to_string());
    }
    unfolded
        .into_iter()
        .filter_map(|l| {
            // The value starts at the first ':' outside a quoted parameter.
            let mut quoted = false;
            let at = l.char_indices().find_map(|(i, c)| {
                if c == '"' {
                    quoted = !quoted;
                }
                (c == ':' && !quoted).then_some(i)
            })?;
            Some((l[..at].to_string(), l[at + 1..].to_string()))
        })
        .collect()
}

/// A TEXT value as written (RFC 5545 §3.3.11): `\n` or `\N` is a line
/// break, and a backslash keeps the character after it (`\,`, `\;`,
/// `\\`). One pass, so that an escaped backslash before an `n` stays a
/// backslash and an `n`.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Reads an iTIP REPLY (METHOD:REPLY, in any letter case; ORGANIZER may be
/// missing, as Outlook leaves it out).
pub fn parse_reply(ics: &str) -> Option<Reply> {
    let lines = content_lines(ics);
    let method = lines
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("METHOD"))
        .map(|(_, v)| v.trim().to_ascii_uppercase());
    if method.as_deref() != Some("REPLY") {
        return None;
    }
    let mut in_event = false;
    let (mut uid, mut attendee, mut partstat, mut comment) = (None, None, None, None);
    for (name, value) in &lines {
        let upper = name.to_ascii_uppercase();
        // The property's name, without its parameters (Outlook writes
        // `COMMENT;LANGUAGE=fr-FR:`).
        let property = upper.split(';').next().unwrap_or_default();
        match property {
            "BEGIN" if value.eq_ignore_ascii_case("VEVENT") => in_event = true,
            "END" if value.eq_ignore_ascii_case("VEVENT") => in_event = false,
            "UID" if in_event => uid = Some(value.trim().to_string()),
            "COMMENT" if in_event => comment = Some(unescape(value.trim())),
            "ATTENDEE" if in_event && attendee.is_none() => {
                let address = value.trim();
                let address = address
                    .get(..7)
                    .filter(|p| p.eq_ignore_ascii_case("mailto:"))
                    .map_or(address, |_| &address[7..]);
                attendee = Some(address.trim().to_lowercase());
                partstat = upper
                    .split(';')
                    .find_map(|p| p.strip_prefix("PARTSTAT="))
                    .map(|p| p.trim_matches('"').to_string());
            }
            _ => {}
        }
    }
    Some(Reply {
        uid: uid?,
        attendee: attendee?,
        partstat: partstat?,
        comment: comment.filter(|c| !c.trim().is_empty()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invitation() -> Invitation {
        Invitation {
            to: "anne@example.test".into(),
            attendee_name: "Anne Martin, DSI".into(),
            method: "REQUEST".into(),
            uid: "abc123@greffier".into(),
            sequence: 2,
            title: "Conférence DSI; 13".into(),
            starts_at: "2026-12-03T08:30:00Z".into(),
            ends_at: "2026-12-03T10:30:00Z".into(),
            place: Some("Mairie d'Arles, salle 2".into()),
            message_id: "m@x".into(),
            subject: "s".into(),
            text: "t".into(),
            description: Some("Ordre du jour :\n1. Messagerie; bilan".into()),
        }
    }

    #[test]
    fn a_request_carries_the_itip_fields() {
        let now: Timestamp = "2026-11-22T10:00:00Z".parse().expect("ts");
        let ics = calendar(&invitation(), "greffier@example.test", now);
        for line in [
            "METHOD:REQUEST\r\n",
            "UID:abc123@greffier\r\n",
            "SEQUENCE:2\r\n",
            "DTSTAMP:20261122T100000Z\r\n",
            "DTSTART:20261203T083000Z\r\n",
            "DTEND:20261203T103000Z\r\n",
            "SUMMARY:Conférence DSI\\; 13\r\n",
            "LOCATION:Mairie d'Arles\\, salle 2\r\n",
            "DESCRIPTION:Ordre du jour :\\n1. Messagerie\\; bilan\r\n",
            "ORGANIZER;CN=greffier:mailto:greffier@example.test\r\n",
        ] {
            assert!(ics.contains(line), "{line:?} in {ics}");
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(
            unfolded.contains("ATTENDEE;CN=\"Anne Martin, DSI\";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:anne@example.test"),
            "{ics}"
        );
        assert!(ics.lines().all(|l| l.len() <= 76), "{ics}");
    }

    #[test]
    fn a_cancel_is_a_cancel() {
        let mut inv = invitation();
        inv.method = "CANCEL".into();
        let ics = calendar(&inv, "greffier@example.test", Timestamp::UNIX_EPOCH);
        assert!(ics.contains("METHOD:CANCEL\r\n") && ics.contains("STATUS:CANCELLED\r\n"));
    }

    #[test]
    fn a_comment_keeps_every_character() {
        let ics = concat!(
            "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:u\r\n",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:a@example.test\r\n",
            r#"COMMENT;LANGUAGE=fr-FR:Désolé\, « conseil » "municipal"\nà 14h\; C:\\new\\N"#,
            "\r\n",
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let r = parse_reply(ics).expect("reply");
        assert_eq!(
            r.comment.as_deref(),
            Some("Désolé, « conseil » \"municipal\"\nà 14h; C:\\new\\N")
        );
    }

    #[test]
    fn replies_as_clients_send_them() {
        // Thunderbird.
        let tb = "BEGIN:VCALENDAR\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nCREATED:20261122T101010Z\r\nUID:abc123@greffier\r\nSUMMARY:Conférence DSI\r\nORGANIZER;CN=greffier:mailto:greffier@example.test\r\nATTENDEE;CN=Anne Martin;PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=TRU\r\n E:mailto:Anne@Example.test\r\nSEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let r = parse_reply(tb).expect("reply");
        assert_eq!(
            (r.uid.as_str(), r.attendee.as_str(), r.partstat.as_str()),
            ("abc123@greffier", "anne@example.test", "ACCEPTED")
        );
        // Outlook: lower-case method, no ORGANIZER, a comment.
        let ol = "BEGIN:VCALENDAR\nmethod:reply\nBEGIN:VEVENT\nATTENDEE;PARTSTAT=declined:MAILTO:jp@example.test\nCOMMENT:En réunion à la Métropole\\, désolé\nUID:abc123@greffier\nEND:VEVENT\nEND:VCALENDAR\n";
        let r = parse_reply(ol).expect("reply");
        assert_eq!(
            (r.partstat.as_str(), r.attendee.as_str()),
            ("DECLINED", "jp@example.test")
        );
        assert_eq!(
            r.comment.as_deref(),
            Some("En réunion à la Métropole, désolé")
        );
        // A request is not a reply.
        assert!(parse_reply(&calendar(&invitation(), "g@x", Timestamp::UNIX_EPOCH)).is_none());
    }
}
