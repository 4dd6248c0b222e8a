//! Date polls: their invitees, posts, mails and votes.

use super::{MeetingId, NewPoll, Person, PersonId, Poll, PollId, StoreResult, Vote};

pub trait Polls {
    fn create_poll(&mut self, poll: &NewPoll) -> StoreResult<PollId>;
    fn poll(&mut self, id: PollId) -> StoreResult<Option<Poll>>;
    /// The polls by id; the open ones only if `open`.
    fn polls(&mut self, open: bool) -> StoreResult<Vec<Poll>>;
    fn poll_invitees(&mut self, id: PollId) -> StoreResult<Vec<Person>>;
    /// Records an answer (history kept: the latest one counts); `None`
    /// withdraws the person's answer (an empty Matrix poll response).
    fn record_vote(
        &mut self,
        poll: PollId,
        person: PersonId,
        choices: Option<&[usize]>,
        channel: &str,
    ) -> StoreResult<()>;
    /// Remembers that the native Matrix poll `event` in `room` asks poll
    /// `poll`: its responses are votes.
    fn record_poll_post(&mut self, event: &str, room: &str, poll: PollId) -> StoreResult<()>;
    /// The poll a native Matrix poll event asks.
    fn poll_by_post(&mut self, event: &str) -> StoreResult<Option<PollId>>;
    /// The native Matrix polls posted for a poll: (room, event id).
    fn poll_posts(&mut self, poll: PollId) -> StoreResult<Vec<(String, String)>>;
    /// Remembers the Message-ID of the poll mail `person` got.
    fn record_poll_mail(
        &mut self,
        message_id: &str,
        poll: PollId,
        person: PersonId,
    ) -> StoreResult<()>;
    /// The poll and invitee of a poll mail, by its Message-ID.
    fn poll_mail(&mut self, message_id: &str) -> StoreResult<Option<(PollId, PersonId)>>;
    /// Each invitee's latest answer.
    fn poll_votes(&mut self, id: PollId) -> StoreResult<Vec<Vote>>;
    fn close_poll(&mut self, id: PollId, meeting: Option<MeetingId>) -> StoreResult<()>;
    fn mark_poll_reminded(&mut self, id: PollId) -> StoreResult<()>;
}
