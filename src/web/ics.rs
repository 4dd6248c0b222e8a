//! The calendar feeds: every meeting (or a group's), with the UID and
//! SEQUENCE of its invitations, so that a calendar that subscribes and
//! also got the invitation shows one event; a cancelled meeting is
//! `STATUS:CANCELLED`. Written with the invitations' iCalendar rules
//! ([`greffier_commands::ical`]).

use greffier_commands::Context;
use greffier_commands::ical::{fold, text, utc};
use greffier_commands::meeting::MeetingStatus;
use greffier_commands::store::StoreResult;
use greffier_commands::store::{Groups, Meetings};

/// The feed; `None` for an unknown group.
pub fn feed(
    store: &mut (impl Groups + Meetings + ?Sized),
    ctx: &Context,
    group: Option<&str>,
) -> StoreResult<Option<String>> {
    let only = match group {
        Some(slug) => match store.group_by_slug(slug)? {
            Some(g) => Some(g),
            None => return Ok(None),
        },
        None => None,
    };
    let name = match &only {
        Some(g) => format!("greffier — {}", g.theme),
        None => "greffier".to_string(),
    };
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "PRODID:-//greffier//greffier//FR".into(),
        "VERSION:2.0".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("X-WR-CALNAME:{}", text(&name)),
    ];
    for m in store.all_meetings()? {
        if only.as_ref().is_some_and(|g| m.group != Some(g.id)) {
            continue;
        }
        let ends = m.ends_at.unwrap_or_else(|| {
            m.starts_at
                .checked_add(jiff::SignedDuration::from_hours(2))
                .unwrap_or(m.starts_at)
        });
        let cancelled = m.status == MeetingStatus::Cancelled;
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", m.uid),
            format!("SEQUENCE:{}", m.sequence),
            format!("DTSTAMP:{}", utc(ctx.now)),
        ]);
        // A meeting whose hour was not given (an imported one) is a day:
        // DATE values, the end the day after (RFC 5545, 3.6.1).
        if m.time_given {
            lines.extend([
                format!("DTSTART:{}", utc(m.starts_at)),
                format!("DTEND:{}", utc(ends)),
            ]);
        } else {
            let day = m.starts_at.to_zoned(ctx.timezone.clone()).date();
            let next = day.tomorrow().unwrap_or(day);
            lines.extend([
                format!("DTSTART;VALUE=DATE:{}", day.strftime("%Y%m%d")),
                format!("DTEND;VALUE=DATE:{}", next.strftime("%Y%m%d")),
            ]);
        }
        lines.push(format!("SUMMARY:{}", text(&m.title)));
        if let Some(place) = &m.place {
            lines.push(format!("LOCATION:{}", text(place)));
        }
        lines.push(format!(
            "STATUS:{}",
            if cancelled { "CANCELLED" } else { "CONFIRMED" }
        ));
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    Ok(Some(lines.iter().map(|l| fold(l)).collect()))
}
