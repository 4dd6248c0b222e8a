//! Meetings as the commands see them, and the part of the store that keeps
//! them: invitations (with the Message-ID of the last invitation mail) and
//! the RSVP history, whose latest row per person is the answer.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::store::{GroupId, MeetingId, OrgId, Person, PersonId, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingStatus {
    Scheduled,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: MeetingId,
    /// The iCalendar UID, the same in every invitation and update.
    pub uid: String,
    /// Raised by greffier at every change sent to the invitees.
    pub sequence: i64,
    pub title: String,
    pub starts_at: Timestamp,
    pub ends_at: Option<Timestamp>,
    pub place: Option<String>,
    pub group: Option<GroupId>,
    pub organiser: Option<OrgId>,
    pub status: MeetingStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub title: String,
    pub starts_at: Timestamp,
    pub ends_at: Option<Timestamp>,
    pub timezone: String,
    pub place: Option<String>,
    pub group: Option<GroupId>,
    pub organiser: Option<OrgId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RsvpStatus {
    Present,
    Excused,
    Tentative,
    NoAnswer,
}

impl RsvpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RsvpStatus::Present => "present",
            RsvpStatus::Excused => "excused",
            RsvpStatus::Tentative => "tentative",
            RsvpStatus::NoAnswer => "no_answer",
        }
    }

    pub fn parse(s: &str) -> Option<RsvpStatus> {
        Some(match s {
            "present" => RsvpStatus::Present,
            "excused" => RsvpStatus::Excused,
            "tentative" => RsvpStatus::Tentative,
            "no_answer" => RsvpStatus::NoAnswer,
            _ => return None,
        })
    }
}

/// One invitee and their current answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub person: Person,
    pub email: Option<String>,
    pub message_id: Option<String>,
    pub status: RsvpStatus,
    pub reason: Option<String>,
    /// A reminder was sent to them.
    pub reminded: bool,
}

/// An answer to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRsvp<'a> {
    pub meeting: MeetingId,
    pub person: PersonId,
    pub status: RsvpStatus,
    pub reason: Option<&'a str>,
    /// matrix, email, itip, reaction, console, import, admin.
    pub channel: &'a str,
    pub recorded_by: Option<PersonId>,
    /// The Message-ID or event id it came from.
    pub source: Option<&'a str>,
}

pub trait MeetingStore {
    /// Creates a meeting with a fresh UID and sequence 0.
    fn create_meeting(&mut self, meeting: &NewMeeting) -> StoreResult<MeetingId>;
    fn meeting(&mut self, id: MeetingId) -> StoreResult<Option<Meeting>>;
    fn meeting_by_uid(&mut self, uid: &str) -> StoreResult<Option<Meeting>>;
    /// Scheduled meetings starting at or after `from`, soonest first.
    fn upcoming_meetings(&mut self, from: Timestamp) -> StoreResult<Vec<Meeting>>;
    /// Meetings that started before `before`, the latest first, at most
    /// `limit` (cancelled ones left out).
    fn past_meetings(&mut self, before: Timestamp, limit: usize) -> StoreResult<Vec<Meeting>>;
    /// Every meeting, cancelled ones too, the earliest first (the calendar
    /// feeds).
    fn all_meetings(&mut self) -> StoreResult<Vec<Meeting>>;
    /// Changes the date or place and raises the sequence.
    fn reschedule_meeting(
        &mut self,
        id: MeetingId,
        starts_at: Timestamp,
        ends_at: Option<Timestamp>,
        place: Option<&str>,
    ) -> StoreResult<()>;
    /// Cancels and raises the sequence.
    fn cancel_meeting(&mut self, id: MeetingId) -> StoreResult<()>;
    /// Every person the bot knows.
    fn people(&mut self) -> StoreResult<Vec<Person>>;
    /// Adds (or updates) an invitee with the invitation mail's Message-ID.
    fn invite(
        &mut self,
        meeting: MeetingId,
        person: PersonId,
        email: Option<&str>,
        message_id: Option<&str>,
        sequence: i64,
    ) -> StoreResult<()>;
    /// The invitees with their current answers, by name.
    fn invitees(&mut self, meeting: MeetingId) -> StoreResult<Vec<Invitee>>;
    /// The (meeting, person) an invitation mail was sent for.
    fn invitation_by_message_id(
        &mut self,
        message_id: &str,
    ) -> StoreResult<Option<(MeetingId, PersonId)>>;
    fn record_rsvp(&mut self, rsvp: &NewRsvp<'_>) -> StoreResult<()>;
    /// The meeting with this title starting at this instant (imports).
    fn meeting_by_title_at(
        &mut self,
        title: &str,
        starts_at: Timestamp,
    ) -> StoreResult<Option<Meeting>>;
    /// The minute-taker and the "next meeting" line of a meeting's record.
    fn set_meeting_record(
        &mut self,
        meeting: MeetingId,
        minute_taker: Option<PersonId>,
        next_meeting: Option<&str>,
    ) -> StoreResult<()>;
    /// What the minutes said that greffier does not model, verbatim.
    fn meeting_notes(&mut self, meeting: MeetingId) -> StoreResult<Option<String>>;
    fn set_meeting_notes(&mut self, meeting: MeetingId, notes: &str) -> StoreResult<()>;
    /// The minute-taker and the next-meeting line.
    fn meeting_record(
        &mut self,
        meeting: MeetingId,
    ) -> StoreResult<(Option<PersonId>, Option<String>)>;
    /// Whether `person` is invited to `meeting`.
    fn is_invited(&mut self, meeting: MeetingId, person: PersonId) -> StoreResult<bool> {
        Ok(self
            .invitees(meeting)?
            .iter()
            .any(|i| i.person.id == person))
    }
    /// The upcoming meetings `person` is invited to, soonest first.
    fn invited_upcoming(&mut self, person: PersonId, from: Timestamp) -> StoreResult<Vec<Meeting>> {
        let mut mine = Vec::new();
        for m in self.upcoming_meetings(from)? {
            if self.is_invited(m.id, person)? {
                mine.push(m);
            }
        }
        Ok(mine)
    }
    /// Notes that the invitee got their reminder.
    fn mark_reminded(&mut self, meeting: MeetingId, person: PersonId) -> StoreResult<()>;
    /// The meeting a room event announces (its reactions answer it).
    fn announced_meeting(&mut self, event: &str) -> StoreResult<Option<MeetingId>>;
    /// The answer recorded from `source` (a reaction's event id), if it is
    /// still the person's current answer: (meeting, person).
    fn current_rsvp_from(&mut self, source: &str) -> StoreResult<Option<(MeetingId, PersonId)>>;
}
