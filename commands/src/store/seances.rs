//! The séance: a meeting held, in a room or around a table, and what the
//! rédacteur records during it — the current item of the ordre du jour,
//! notes, decisions, actions (each numbered in the meeting, attributed,
//! timed, correctable), and who was there or excused.

use jiff::Timestamp;
use jiff::civil::Date;

use super::{GroupId, MeetingId, OrgId, PersonId, StoreResult};

/// A séance: where it is held and whether it is still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seance {
    pub meeting: MeetingId,
    /// Where the entries are typed: "matrix:<room id>", "console".
    pub place: String,
    pub opened_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    /// The item of the ordre du jour being discussed (1, 2, …).
    pub item: Option<u32>,
}

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Note,
    Decision,
    Action,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Note => "note",
            EntryKind::Decision => "decision",
            EntryKind::Action => "action",
        }
    }

    pub fn parse(s: &str) -> Option<EntryKind> {
        match s {
            "note" => Some(EntryKind::Note),
            "decision" => Some(EntryKind::Decision),
            "action" => Some(EntryKind::Action),
            _ => None,
        }
    }
}

/// One entry of a séance, as it reads now (corrections applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its number in the meeting (1, 2, …), as acknowledged.
    pub n: u32,
    pub kind: EntryKind,
    /// The item of the ordre du jour it was typed under.
    pub item: Option<u32>,
    pub text: String,
    /// Who typed it (their name).
    pub author: String,
    pub at: Timestamp,
    pub corrected: bool,
}

/// Who was there, as the séance recorded it (not the RSVP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attended {
    Present,
    Excused,
}

/// An action decided in a séance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    /// Its number in the network (1, 2, …).
    pub n: u32,
    pub meeting: MeetingId,
    /// The séance entry it was typed as.
    pub entry: u32,
    /// Who does it: an organisation or a person, and the name as shown.
    pub owner_org: Option<OrgId>,
    pub owner_person: Option<PersonId>,
    pub owner: String,
    pub text: String,
    pub due: Option<Date>,
    /// "ouverte", "faite", "abandonnee".
    pub state: String,
    /// Its owner was reminded before the due date.
    pub reminded: bool,
    /// Its owner was told it is late.
    pub late: bool,
}

/// A new action: who does it, what, by when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAction<'a> {
    pub owner_org: Option<OrgId>,
    pub owner_person: Option<PersonId>,
    pub owner: &'a str,
    pub text: &'a str,
    pub due: Option<Date>,
}

pub trait Seances {
    /// Opens the meeting's séance at `place`.
    fn open_seance(&mut self, meeting: MeetingId, place: &str) -> StoreResult<()>;
    /// The meeting's séance, open or closed.
    fn seance(&mut self, meeting: MeetingId) -> StoreResult<Option<Seance>>;
    /// The séance open at `place`, if one is.
    fn open_seance_at(&mut self, place: &str) -> StoreResult<Option<Seance>>;
    fn set_seance_item(&mut self, meeting: MeetingId, item: Option<u32>) -> StoreResult<()>;
    fn close_seance(&mut self, meeting: MeetingId) -> StoreResult<()>;
    /// Records an entry; its number in the meeting.
    fn add_entry(
        &mut self,
        meeting: MeetingId,
        kind: EntryKind,
        item: Option<u32>,
        text: &str,
        author: &str,
    ) -> StoreResult<u32>;
    /// The meeting's entries, in order, without the removed ones.
    fn entries(&mut self, meeting: MeetingId) -> StoreResult<Vec<Entry>>;
    /// Corrects entry `n` (false: there is no such entry).
    fn correct_entry(&mut self, meeting: MeetingId, n: u32, text: &str) -> StoreResult<bool>;
    /// Removes entry `n` (false: there is no such entry).
    fn remove_entry(&mut self, meeting: MeetingId, n: u32) -> StoreResult<bool>;
    /// Records who was there (or excused), by `by`.
    fn record_attendance(
        &mut self,
        meeting: MeetingId,
        person: PersonId,
        attended: Attended,
        by: &str,
    ) -> StoreResult<()>;
    /// Who the séance recorded, by person.
    fn attendance(&mut self, meeting: MeetingId) -> StoreResult<Vec<(PersonId, Attended)>>;
    /// Records an action decided as entry `entry` of the meeting; its
    /// number in the network.
    fn add_action(
        &mut self,
        meeting: MeetingId,
        entry: u32,
        action: &NewAction<'_>,
    ) -> StoreResult<u32>;
    /// The actions decided in the meeting, in order.
    fn meeting_actions(&mut self, meeting: MeetingId) -> StoreResult<Vec<ActionItem>>;
    /// Every action, in order (their follow-up).
    fn all_actions(&mut self) -> StoreResult<Vec<ActionItem>>;
    /// The open actions decided in the group's meetings, in order (its
    /// digest, its next ordre du jour).
    fn open_group_actions(&mut self, group: GroupId) -> StoreResult<Vec<ActionItem>>;
    /// Action `n`'s new state ("faite", "abandonnee"), with a note.
    fn set_action_state(&mut self, n: u32, state: &str, note: Option<&str>) -> StoreResult<()>;
    /// A new due date (the reminders start again).
    fn set_action_due(&mut self, n: u32, due: Date) -> StoreResult<()>;
    /// The owner was reminded before the due date (`late`: told it is
    /// late), once.
    fn mark_action_reminded(&mut self, n: u32, late: bool) -> StoreResult<()>;
}
