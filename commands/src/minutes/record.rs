//! The compte rendu of record. Until it is approved, a meeting's compte
//! rendu is its draft, written from the store each time it is asked for
//! ([`super::render`]). Once approved, it is the text that was approved,
//! stored with its SHA-256 ([`crate::store::Records`]): every format of it
//! (Markdown as stored, HTML, ODT, PDF) comes from that text, so nothing
//! that changes later in the database (a group's lead, the catalogue, a
//! member's name) changes it. An imported compte rendu is an approved
//! record of its own text, as it was written.

use greffier_document::{Document, read};

use crate::minutes::render::{self, Rendered};
use crate::store::{MeetingId, Record, RecordFormat, RecordState, Store, StoreResult, in_force};
use crate::{Lang, tr};

/// A compte rendu to show: the approved text in force, or the draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompteRendu {
    /// Markdown (the draft, or an approved Markdown text) or the plain
    /// text of an imported one, byte for byte as stored.
    pub text: String,
    pub html: String,
    pub document: Document,
    /// The approved version shown, if it is one.
    pub record: Option<Record>,
}

impl CompteRendu {
    fn of_record(record: Record) -> Self {
        let document = document(&record);
        CompteRendu {
            text: record.body.clone(),
            html: document.html(),
            document,
            record: Some(record),
        }
    }

    fn of_draft(rendered: Rendered) -> Self {
        CompteRendu {
            text: rendered.markdown,
            html: rendered.html,
            document: rendered.document,
            record: None,
        }
    }
}

/// A stored version as a document (for its HTML, ODT and PDF): read
/// from its text alone, so every rendering of it is the same.
pub fn document(record: &Record) -> Document {
    match record.format {
        RecordFormat::Markdown => read::markdown(&record.body, "fr"),
        RecordFormat::Text => read::plain(&record.body, "fr"),
    }
}

/// The meeting's compte rendu: the approved text in force, unless
/// `draft` asks for the draft written from the store today; none when
/// there is no such meeting.
pub fn compte_rendu(
    store: &mut dyn Store,
    tz: &jiff::tz::TimeZone,
    meeting: MeetingId,
    draft: bool,
) -> StoreResult<Option<CompteRendu>> {
    if !draft {
        let records = store.records(meeting)?;
        // The approved text in force; else the version under review (the
        // draft of the séance, or the rédacteur's edited one).
        if let Some(record) = in_force(&records).or_else(|| under_review(&records)) {
            return Ok(Some(CompteRendu::of_record(record.clone())));
        }
    }
    Ok(render::render(store, tz, meeting)?.map(CompteRendu::of_draft))
}

/// The version under review, if one is (and none approved after it).
pub fn under_review(records: &[Record]) -> Option<&Record> {
    records
        .last()
        .filter(|r| matches!(r.state, RecordState::EnRelecture | RecordState::Brouillon))
}

/// How a text a person gives is written: greffier's Markdown (it starts
/// with a `#` title), else plain text as it was typed.
pub fn format_of(text: &str) -> RecordFormat {
    match text.starts_with("# ") {
        true => RecordFormat::Markdown,
        false => RecordFormat::Text,
    }
}

/// What keeping an imported compte rendu as a record did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kept {
    /// A new approved version, this one.
    New(u32),
    /// The same text was already the approved record: nothing changed.
    Same(u32),
    /// Another text is the approved record (version n): it stays; the
    /// file's facts were read, its text not kept.
    Other(u32),
}

/// Keeps an imported compte rendu as the approved record of `meeting`:
/// its text as it was written (Markdown when greffier wrote it, else plain
/// text). A meeting that already has an approved record keeps it.
pub fn keep_imported(
    store: &mut dyn Store,
    meeting: MeetingId,
    text: &str,
    from: &str,
) -> StoreResult<Kept> {
    let records = store.records(meeting)?;
    if let Some(record) = in_force(&records) {
        return Ok(match record.body == text {
            true => Kept::Same(record.version),
            false => Kept::Other(record.version),
        });
    }
    let format = format_of(text);
    let note = format!("importé de {from}");
    let record = store.approve_record(meeting, text, format, None, Some(&note))?;
    Ok(Kept::New(record.version))
}

/// Approves the meeting's compte rendu as it reads today (the version
/// under review, else its draft), in the name of `by`: the text is frozen
/// from now on. A meeting whose
/// approved text is the same is left as it is (none returned).
pub fn approve(
    store: &mut dyn Store,
    tz: &jiff::tz::TimeZone,
    meeting: MeetingId,
    by: &str,
    note: Option<&str>,
) -> StoreResult<Option<Record>> {
    // The version under review as it stands (edited by the rédacteur,
    // say), else the draft as the store writes it today.
    let records = store.records(meeting)?;
    let (text, format) = match under_review(&records) {
        Some(r) => (r.body.clone(), r.format),
        None => match render::render(store, tz, meeting)? {
            Some(draft) => (draft.markdown, RecordFormat::Markdown),
            None => return Ok(None),
        },
    };
    if in_force(&records).is_some_and(|r| r.body == text) {
        return Ok(None);
    }
    store
        .approve_record(meeting, &text, format, Some(by), note)
        .map(Some)
}

/// Where a meeting's compte rendu stands, in words: "brouillon" (none
/// approved yet), "approuvé", "rectifié (version 2)".
pub fn state_in(lang: Lang, records: &[Record]) -> String {
    match in_force(records) {
        None if records.iter().any(|r| r.state == RecordState::EnRelecture) => {
            tr!(lang, "en relecture", "under review")
        }
        None => tr!(lang, "brouillon", "draft"),
        Some(_) if !records.iter().any(|r| r.state == RecordState::Rectifie) => {
            tr!(lang, "approuvé", "approved")
        }
        Some(r) => tr!(
            lang,
            "rectifié (version {})",
            "corrected (version {})",
            r.version
        ),
    }
}
