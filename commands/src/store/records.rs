//! The record of a meeting: its ordre du jour, and its compte rendu's
//! versions, each with its state, and
//! the approved ones frozen (their text as approved, its SHA-256, who
//! approved it and when). Nothing later in the database changes an
//! approved text: a correction is a new version, the earlier one kept as
//! `rectifié`.

use jiff::Timestamp;

use super::{MeetingId, PersonId, StoreResult};

/// Where a compte rendu stands (`brouillon` → `en relecture` → `approuvé`
/// → `rectifié` when a later version is approved).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordState {
    Brouillon,
    EnRelecture,
    Approuve,
    Rectifie,
}

impl RecordState {
    /// The word the database and the export use.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::Brouillon => "brouillon",
            RecordState::EnRelecture => "en_relecture",
            RecordState::Approuve => "approuve",
            RecordState::Rectifie => "rectifie",
        }
    }

    pub fn parse(s: &str) -> Option<RecordState> {
        Some(match s {
            "brouillon" => RecordState::Brouillon,
            "en_relecture" => RecordState::EnRelecture,
            "approuve" => RecordState::Approuve,
            "rectifie" => RecordState::Rectifie,
            _ => return None,
        })
    }

    /// Approved, or approved and later corrected: frozen either way.
    pub fn frozen(self) -> bool {
        matches!(self, RecordState::Approuve | RecordState::Rectifie)
    }
}

/// How a record's text is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    /// Greffier's Markdown (what `greffier minutes` writes).
    Markdown,
    /// A plain text as it was written (an imported compte rendu).
    Text,
}

impl RecordFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordFormat::Markdown => "markdown",
            RecordFormat::Text => "text",
        }
    }

    pub fn parse(s: &str) -> Option<RecordFormat> {
        match s {
            "markdown" => Some(RecordFormat::Markdown),
            "text" => Some(RecordFormat::Text),
            _ => None,
        }
    }
}

/// One version of a meeting's compte rendu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub meeting: MeetingId,
    /// 1, then one more per rectificatif.
    pub version: u32,
    pub state: RecordState,
    pub format: RecordFormat,
    pub body: String,
    /// The SHA-256 of `body`, in hex.
    pub sha256: String,
    /// Who approved it (their name when they did), or none for an
    /// imported compte rendu (approved before greffier).
    pub approved_by: Option<String>,
    pub approved_at: Option<Timestamp>,
    /// "rectificatif du 12 juin 2007", "importé de cr-2007.txt".
    pub note: Option<String>,
}

pub trait Records {
    /// The meeting's ordre du jour, its items in order.
    fn agenda(&mut self, meeting: MeetingId) -> StoreResult<Vec<String>>;
    /// Replaces the meeting's ordre du jour with `items`, in this order.
    fn set_agenda(&mut self, meeting: MeetingId, items: &[String]) -> StoreResult<()>;
    /// Every version of a meeting's compte rendu, the first first.
    fn records(&mut self, meeting: MeetingId) -> StoreResult<Vec<Record>>;
    /// Attaches a remark to the meeting's draft (never applied to it).
    fn add_remark(
        &mut self,
        meeting: MeetingId,
        author: &str,
        text: &str,
        channel: &str,
    ) -> StoreResult<()>;
    /// The remarks on the meeting's draft, in order: (author, text, when).
    fn remarks(&mut self, meeting: MeetingId) -> StoreResult<Vec<(String, String, Timestamp)>>;
    /// Puts `body` under review as the meeting's draft (`en relecture`):
    /// the version under review, replaced by a later draft, frozen once
    /// approved; its version number.
    fn submit_record(
        &mut self,
        meeting: MeetingId,
        body: &str,
        format: RecordFormat,
    ) -> StoreResult<u32>;
    /// Freezes `body` as the meeting's approved compte rendu: the version
    /// under review if there is one, else a new version, approved now by `by` (who, as the reply names them; none:
    /// an imported record); the version approved before it becomes
    /// `rectifié`, its text untouched.
    fn approve_record(
        &mut self,
        meeting: MeetingId,
        body: &str,
        format: RecordFormat,
        by: Option<&str>,
        note: Option<&str>,
    ) -> StoreResult<Record>;
    /// Remembers the Message-ID of the mail that sent the meeting's draft
    /// to `person`: a reply naming it is their remark on the draft.
    fn record_draft_mail(
        &mut self,
        message_id: &str,
        meeting: MeetingId,
        person: PersonId,
    ) -> StoreResult<()>;
    /// The meeting and the participant a draft mail went to, by its
    /// Message-ID (without angle brackets).
    fn draft_mail(&mut self, message_id: &str) -> StoreResult<Option<(MeetingId, PersonId)>>;
}

/// The approved version in force: the last one approved.
pub fn in_force(records: &[Record]) -> Option<&Record> {
    records
        .iter()
        .rev()
        .find(|r| r.state == RecordState::Approuve)
}
