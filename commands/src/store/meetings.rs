//! Meetings, their invitations and the RSVP history, whose latest row per person is the answer.

use jiff::Timestamp;

use super::{MeetingId, PersonId, StoreResult};
use crate::meeting::{Invitee, Meeting, NewMeeting, NewRsvp};

pub trait Meetings {
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
    /// One more SEQUENCE: the invitations sent after it are updates.
    fn bump_sequence(&mut self, id: MeetingId) -> StoreResult<()>;
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
