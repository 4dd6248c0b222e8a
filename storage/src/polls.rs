//! The commands' [`Polls`] role on a [`Tx`]: a poll, its numbered dates, who is asked, and
//! their answers (a history; the latest per person counts).

use greffier_commands::store::{
    GroupId, MeetingId, NewPoll, Person, PersonId, Poll, PollId, Polls, StoreResult, Vote,
};
use jiff::civil::{Date, Time};
use rusqlite::{OptionalExtension, params};

use crate::people::{PERSON_COLUMNS, person_at, person_row};
use crate::{Tx, ts};

fn bad(col: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, what.into())
}

impl Polls for Tx<'_> {
    fn create_poll(&mut self, poll: &NewPoll) -> StoreResult<PollId> {
        self.conn().execute(
            "INSERT INTO polls (title, time, place, group_id, created_by, closes_on, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                poll.title,
                poll.time.map(|t| t.strftime("%H:%M").to_string()),
                poll.place,
                poll.group.map(|g| g.0),
                poll.created_by.map(|p| p.0),
                poll.closes_on.to_string(),
                ts(self.now())
            ],
        )?;
        let id = self.conn().last_insert_rowid();
        for (n, date) in poll.dates.iter().enumerate() {
            self.conn().execute(
                "INSERT INTO poll_dates (poll_id, n, date) VALUES (?1, ?2, ?3)",
                params![id, n as i64 + 1, date.to_string()],
            )?;
        }
        for person in &poll.invitees {
            self.conn().execute(
                "INSERT OR IGNORE INTO poll_invitees (poll_id, person_id) VALUES (?1, ?2)",
                params![id, person.0],
            )?;
        }
        Ok(PollId(id))
    }

    fn poll_invitees(&mut self, id: PollId) -> StoreResult<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM poll_invitees i JOIN people p ON p.id = i.person_id
             WHERE i.poll_id = ?1 ORDER BY p.name, p.id"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(params![id.0], person_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn record_vote(
        &mut self,
        poll: PollId,
        person: PersonId,
        choices: Option<&[usize]>,
        channel: &str,
    ) -> StoreResult<()> {
        let listed: Vec<String> = choices
            .unwrap_or_default()
            .iter()
            .map(usize::to_string)
            .collect();
        self.conn().execute(
            "INSERT INTO poll_votes (poll_id, person_id, choices, channel, at, withdrawn)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                poll.0,
                person.0,
                listed.join(","),
                channel,
                ts(self.now()),
                choices.is_none()
            ],
        )?;
        Ok(())
    }

    fn record_poll_post(&mut self, event: &str, room: &str, poll: PollId) -> StoreResult<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO poll_posts (event_id, room, poll_id, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
            params![event, room, poll.0, ts(self.now())],
        )?;
        Ok(())
    }

    fn poll_by_post(&mut self, event: &str) -> StoreResult<Option<PollId>> {
        self.conn()
            .query_row(
                "SELECT poll_id FROM poll_posts WHERE event_id = ?1",
                params![event],
                |r| r.get(0).map(PollId),
            )
            .optional()
            .map_err(Into::into)
    }

    fn poll_posts(&mut self, poll: PollId) -> StoreResult<Vec<(String, String)>> {
        let mut st = self
            .conn()
            .prepare_cached(
                "SELECT room, event_id FROM poll_posts WHERE poll_id = ?1 ORDER BY created_at, event_id",
            )?;
        let rows = st.query_map(params![poll.0], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn record_poll_mail(
        &mut self,
        message_id: &str,
        poll: PollId,
        person: PersonId,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO poll_mails (message_id, poll_id, person_id, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
            params![message_id, poll.0, person.0, ts(self.now())],
        )?;
        Ok(())
    }

    fn poll_mail(&mut self, message_id: &str) -> StoreResult<Option<(PollId, PersonId)>> {
        self.conn()
            .query_row(
                "SELECT poll_id, person_id FROM poll_mails WHERE message_id = ?1",
                params![message_id],
                |r| Ok((PollId(r.get(0)?), PersonId(r.get(1)?))),
            )
            .optional()
            .map_err(Into::into)
    }

    fn poll_votes(&mut self, id: PollId) -> StoreResult<Vec<Vote>> {
        let sql = format!(
            "SELECT v.choices, v.channel, {PERSON_COLUMNS} FROM poll_votes v
             JOIN people p ON p.id = v.person_id
             WHERE v.poll_id = ?1 AND v.withdrawn = 0 AND v.id = (SELECT MAX(id) FROM poll_votes
                 WHERE poll_id = v.poll_id AND person_id = v.person_id)
             ORDER BY p.name, p.id"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(params![id.0], |r| {
            let choices: String = r.get(0)?;
            Ok(Vote {
                choices: choices
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(|c| c.parse::<usize>().map_err(|e| bad(0, e.to_string())))
                    .collect::<rusqlite::Result<_>>()?,
                channel: r.get(1)?,
                person: person_at(r, 2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn close_poll(&mut self, id: PollId, meeting: Option<MeetingId>) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE polls SET closed_at = ?2, meeting_id = ?3 WHERE id = ?1",
            params![id.0, ts(self.now()), meeting.map(|m| m.0)],
        )?;
        Ok(())
    }

    fn mark_poll_reminded(&mut self, id: PollId) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE polls SET reminded_at = ?2 WHERE id = ?1",
            params![id.0, ts(self.now())],
        )?;
        Ok(())
    }

    fn poll(&mut self, id: PollId) -> StoreResult<Option<Poll>> {
        Ok(self.select_polls(false, Some(id))?.into_iter().next())
    }

    fn polls(&mut self, open: bool) -> StoreResult<Vec<Poll>> {
        self.select_polls(open, None)
    }
}

impl Tx<'_> {
    /// The polls by id; the open ones only if `open`; the one poll `only`.
    fn select_polls(&self, open: bool, only: Option<PollId>) -> StoreResult<Vec<Poll>> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, title, time, place, group_id, created_by, closes_on,
                        closed_at IS NOT NULL, meeting_id, reminded_at IS NOT NULL
                 FROM polls WHERE (?1 = 0 OR closed_at IS NULL) AND (?2 IS NULL OR id = ?2)
                 ORDER BY id",
        )?;
        let rows = st.query_map(params![open, only.map(|p| p.0)], |r| {
            let time: Option<String> = r.get(2)?;
            let closes: String = r.get(6)?;
            Ok(Poll {
                id: PollId(r.get(0)?),
                title: r.get(1)?,
                dates: Vec::new(),
                time: time
                    .map(|t| t.parse::<Time>().map_err(|e| bad(2, e.to_string())))
                    .transpose()?,
                place: r.get(3)?,
                group: r.get::<_, Option<i64>>(4)?.map(GroupId),
                created_by: r.get::<_, Option<i64>>(5)?.map(PersonId),
                closes_on: closes
                    .parse()
                    .map_err(|e: jiff::Error| bad(6, e.to_string()))?,
                closed: r.get(7)?,
                meeting: r.get::<_, Option<i64>>(8)?.map(MeetingId),
                reminded: r.get(9)?,
            })
        })?;
        let mut polls: Vec<Poll> = rows.collect::<rusqlite::Result<_>>()?;
        let mut st = self
            .conn()
            .prepare_cached("SELECT date FROM poll_dates WHERE poll_id = ?1 ORDER BY n")?;
        for poll in &mut polls {
            let dates = st.query_map(params![poll.id.0], |r| {
                let d: String = r.get(0)?;
                d.parse::<Date>().map_err(|e| bad(0, e.to_string()))
            })?;
            poll.dates = dates.collect::<rusqlite::Result<_>>()?;
        }
        Ok(polls)
    }
}
