//! The files a mail carries, written when it is sent rather than kept in
//! the outbox: a meeting's approved compte rendu (`SendRecord`) as PDF and
//! as OpenDocument Text, from the version's frozen text, so that every
//! try of a delivery carries the same bytes.

use greffier_commands::Action;
use greffier_commands::minutes::record;
use greffier_commands::store::{MeetingId, Meetings as _, Records as _};

use crate::inbox::Inbox;

/// A file attached to a mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// The files `action` asks to attach (none for most mails); an error says
/// why they cannot be written (the version is no longer stored, say).
pub fn files(inbox: &Inbox, tz: &jiff::tz::TimeZone, action: &Action) -> anyhow::Result<Vec<File>> {
    let Action::SendRecord {
        meeting, version, ..
    } = action
    else {
        return Ok(Vec::new());
    };
    let (meeting, version) = (MeetingId(*meeting), *version);
    let now = jiff::Timestamp::now();
    let (found, day) = inbox.read(now, |tx| {
        let found = tx
            .records(meeting)?
            .into_iter()
            .find(|r| r.version == version);
        let day = tx
            .meeting(meeting)?
            .map(|m| m.starts_at.to_zoned(tz.clone()).date());
        Ok((found, day))
    })?;
    let Some(found) = found else {
        anyhow::bail!(
            "version {version} of the compte rendu of meeting {} is not stored",
            meeting.0
        );
    };
    let document = record::document(&found);
    let stem = match (day, version) {
        (Some(day), 1) => format!("compte-rendu-{day}"),
        (Some(day), v) => format!("compte-rendu-{day}-v{v}"),
        (None, v) => format!("compte-rendu-{}-v{v}", meeting.0),
    };
    Ok(vec![
        File {
            name: format!("{stem}.pdf"),
            mime: "application/pdf",
            bytes: greffier_document::pdf::write(&document).map_err(anyhow::Error::msg)?,
        },
        File {
            name: format!("{stem}.odt"),
            mime: "application/vnd.oasis.opendocument.text",
            bytes: greffier_document::odt::write(&document)?,
        },
    ])
}
