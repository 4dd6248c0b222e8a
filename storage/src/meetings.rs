//! The commands' [`Meetings`] role on a [`Tx`]: meetings, invitations and the
//! RSVP history (append-only; the latest row per person is the answer).

use greffier_commands::meeting::{
    Invitee, Meeting, MeetingStatus, NewMeeting, NewRsvp, RsvpStatus,
};
use greffier_commands::store::{GroupId, MeetingId, Meetings, OrgId, PersonId, StoreResult};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

use crate::people::person_at;
use crate::{Tx, parse_ts, ts};

fn corrupt(col: usize, what: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, what.into())
}

fn instant(r: &Row<'_>, col: usize) -> rusqlite::Result<Timestamp> {
    let s: String = r.get(col)?;
    parse_ts(&s).map_err(|e| corrupt(col, e.to_string()))
}

const MEETING_COLUMNS: &str = "id, uid, sequence, title, starts_at, ends_at, place, group_id, organiser_id, status, time_given";

fn meeting_row(r: &Row<'_>) -> rusqlite::Result<Meeting> {
    let status: String = r.get(9)?;
    Ok(Meeting {
        id: MeetingId(r.get(0)?),
        uid: r.get(1)?,
        sequence: r.get(2)?,
        title: r.get(3)?,
        starts_at: instant(r, 4)?,
        ends_at: match r.get::<_, Option<String>>(5)? {
            Some(s) => Some(parse_ts(&s).map_err(|e| corrupt(5, e.to_string()))?),
            None => None,
        },
        place: r.get(6)?,
        group: r.get::<_, Option<i64>>(7)?.map(GroupId),
        organiser: r.get::<_, Option<i64>>(8)?.map(OrgId),
        status: if status == "cancelled" {
            MeetingStatus::Cancelled
        } else {
            MeetingStatus::Scheduled
        },
        time_given: r.get(10)?,
    })
}

impl Meetings for Tx<'_> {
    fn create_meeting(&mut self, m: &NewMeeting) -> StoreResult<MeetingId> {
        self.conn()
            .execute(
                "INSERT INTO meetings (uid, sequence, title, starts_at, ends_at, timezone, place,
                                       group_id, organiser_id, created_at, time_given)
                 VALUES (lower(hex(randomblob(16))) || '@greffier', 0, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    m.title,
                    ts(m.starts_at),
                    m.ends_at.map(ts),
                    m.timezone,
                    m.place,
                    m.group.map(|g| g.0),
                    m.organiser.map(|o| o.0),
                    ts(self.now()),
                    m.time_given,
                ],
            )?;
        Ok(MeetingId(self.conn().last_insert_rowid()))
    }

    fn meeting(&mut self, id: MeetingId) -> StoreResult<Option<Meeting>> {
        let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings WHERE id = ?1");
        self.conn()
            .query_row(&sql, params![id.0], meeting_row)
            .optional()
            .map_err(Into::into)
    }

    fn meeting_by_uid(&mut self, uid: &str) -> StoreResult<Option<Meeting>> {
        let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings WHERE uid = ?1");
        self.conn()
            .query_row(&sql, params![uid], meeting_row)
            .optional()
            .map_err(Into::into)
    }

    fn upcoming_meetings(&mut self, from: Timestamp) -> StoreResult<Vec<Meeting>> {
        let sql = format!(
            "SELECT {MEETING_COLUMNS} FROM meetings
             WHERE status = 'scheduled' AND starts_at >= ?1 ORDER BY starts_at, id"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(params![ts(from)], meeting_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn all_meetings(&mut self) -> StoreResult<Vec<Meeting>> {
        let sql = format!("SELECT {MEETING_COLUMNS} FROM meetings ORDER BY starts_at, id");
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map([], meeting_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn past_meetings(&mut self, before: Timestamp, limit: usize) -> StoreResult<Vec<Meeting>> {
        let sql = format!(
            "SELECT {MEETING_COLUMNS} FROM meetings
             WHERE status = 'scheduled' AND starts_at < ?1 ORDER BY starts_at DESC, id DESC LIMIT ?2"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(params![ts(before), limit as i64], meeting_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn reschedule_meeting(
        &mut self,
        id: MeetingId,
        starts_at: Timestamp,
        ends_at: Option<Timestamp>,
        place: Option<&str>,
    ) -> StoreResult<()> {
        self.conn().execute(
            // A new instant is a given hour; a new place alone keeps
            // what was known of it.
            "UPDATE meetings SET time_given = CASE WHEN starts_at = ?2 THEN time_given ELSE 1 END,
                        starts_at = ?2, ends_at = ?3, place = ?4,
                        sequence = sequence + 1 WHERE id = ?1",
            params![id.0, ts(starts_at), ends_at.map(ts), place],
        )?;
        Ok(())
    }

    fn cancel_meeting(&mut self, id: MeetingId) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE meetings SET status = 'cancelled', sequence = sequence + 1 WHERE id = ?1",
            params![id.0],
        )?;
        Ok(())
    }

    fn bump_sequence(&mut self, id: MeetingId) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE meetings SET sequence = sequence + 1 WHERE id = ?1",
            params![id.0],
        )?;
        Ok(())
    }

    fn invite(
        &mut self,
        meeting: MeetingId,
        person: PersonId,
        email: Option<&str>,
        message_id: Option<&str>,
        sequence: i64,
    ) -> StoreResult<()> {
        let sent = message_id.map(|_| ts(self.now()));
        self.conn().execute(
            "INSERT INTO invitations (meeting_id, person_id, email, message_id, sequence, sent_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (meeting_id, person_id) DO UPDATE SET
                     email = ?3, message_id = COALESCE(?4, message_id), sequence = ?5,
                     sent_at = COALESCE(?6, sent_at)",
            params![meeting.0, person.0, email, message_id, sequence, sent],
        )?;
        Ok(())
    }

    fn invitees(&mut self, meeting: MeetingId) -> StoreResult<Vec<Invitee>> {
        let mut st = self.conn().prepare_cached(
            "SELECT i.email, i.message_id, i.reminded_at,
                        (SELECT status FROM rsvps r WHERE r.meeting_id = i.meeting_id
                            AND r.person_id = i.person_id ORDER BY r.id DESC LIMIT 1),
                        (SELECT reason FROM rsvps r WHERE r.meeting_id = i.meeting_id
                            AND r.person_id = i.person_id ORDER BY r.id DESC LIMIT 1),
                        p.id, p.name, p.organisation_id, p.membership
                 FROM invitations i JOIN people p ON p.id = i.person_id
                 WHERE i.meeting_id = ?1 ORDER BY p.name, p.id",
        )?;
        let rows = st.query_map(params![meeting.0], |r| {
            let status: Option<String> = r.get(3)?;
            Ok(Invitee {
                person: person_at(r, 5)?,
                email: r.get(0)?,
                message_id: r.get(1)?,
                status: status
                    .as_deref()
                    .and_then(RsvpStatus::parse)
                    .unwrap_or(RsvpStatus::NoAnswer),
                reason: r.get(4)?,
                reminded: r.get::<_, Option<String>>(2)?.is_some(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn invitation_by_message_id(
        &mut self,
        message_id: &str,
    ) -> StoreResult<Option<(MeetingId, PersonId)>> {
        let id = message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>');
        self.conn()
            .query_row(
                "SELECT meeting_id, person_id FROM invitations WHERE message_id = ?1",
                params![id],
                |r| Ok((MeetingId(r.get(0)?), PersonId(r.get(1)?))),
            )
            .optional()
            .map_err(Into::into)
    }

    fn meeting_by_title_at(
        &mut self,
        title: &str,
        starts_at: Timestamp,
    ) -> StoreResult<Option<Meeting>> {
        let sql =
            format!("SELECT {MEETING_COLUMNS} FROM meetings WHERE title = ?1 AND starts_at = ?2");
        self.conn()
            .query_row(&sql, params![title, ts(starts_at)], meeting_row)
            .optional()
            .map_err(Into::into)
    }

    fn set_meeting_record(
        &mut self,
        meeting: MeetingId,
        minute_taker: Option<PersonId>,
        next_meeting: Option<&str>,
    ) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE meetings SET minute_taker_id = COALESCE(?2, minute_taker_id),
                        next_meeting = COALESCE(?3, next_meeting) WHERE id = ?1",
            params![meeting.0, minute_taker.map(|p| p.0), next_meeting],
        )?;
        Ok(())
    }

    fn meeting_notes(&mut self, meeting: MeetingId) -> StoreResult<Option<String>> {
        self.conn()
            .query_row(
                "SELECT notes FROM meetings WHERE id = ?1",
                params![meeting.0],
                |r| r.get(0),
            )
            .map_err(Into::into)
    }

    fn set_meeting_notes(&mut self, meeting: MeetingId, notes: &str) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE meetings SET notes = ?2 WHERE id = ?1",
            params![meeting.0, notes],
        )?;
        Ok(())
    }

    fn meeting_record(
        &mut self,
        meeting: MeetingId,
    ) -> StoreResult<(Option<PersonId>, Option<String>)> {
        self.conn()
            .query_row(
                "SELECT minute_taker_id, next_meeting FROM meetings WHERE id = ?1",
                params![meeting.0],
                |r| Ok((r.get::<_, Option<i64>>(0)?.map(PersonId), r.get(1)?)),
            )
            .map_err(Into::into)
    }

    fn mark_reminded(&mut self, meeting: MeetingId, person: PersonId) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE invitations SET reminded_at = ?3 WHERE meeting_id = ?1 AND person_id = ?2",
            params![meeting.0, person.0, ts(self.now())],
        )?;
        Ok(())
    }

    /// The meeting a room event announces.
    fn announced_meeting(&mut self, event: &str) -> StoreResult<Option<MeetingId>> {
        self.conn()
            .query_row(
                "SELECT meeting_id FROM announcements WHERE event_id = ?1",
                params![event],
                |r| Ok(MeetingId(r.get(0)?)),
            )
            .optional()
            .map_err(Into::into)
    }

    /// The answer recorded from `source` (a reaction's event id), if it is
    /// still the person's current answer: (meeting, person).
    fn current_rsvp_from(&mut self, source: &str) -> StoreResult<Option<(MeetingId, PersonId)>> {
        self.conn()
            .query_row(
                "SELECT r.meeting_id, r.person_id FROM rsvps r
                 WHERE r.source_ref = ?1 AND r.id = (
                     SELECT MAX(id) FROM rsvps x
                     WHERE x.meeting_id = r.meeting_id AND x.person_id = r.person_id)",
                params![source],
                |r| Ok((MeetingId(r.get(0)?), PersonId(r.get(1)?))),
            )
            .optional()
            .map_err(Into::into)
    }

    fn record_rsvp(&mut self, rsvp: &NewRsvp<'_>) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO rsvps (meeting_id, person_id, status, reason, channel, recorded_by,
                                    source_ref, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                rsvp.meeting.0,
                rsvp.person.0,
                rsvp.status.as_str(),
                rsvp.reason,
                rsvp.channel,
                rsvp.recorded_by.map(|p| p.0),
                rsvp.source,
                ts(self.now()),
            ],
        )?;
        Ok(())
    }
}

impl Tx<'_> {
    /// Remembers that `event` in `room` announces `meeting`.
    pub fn record_announcement(
        &mut self,
        event: &str,
        room: &str,
        meeting: MeetingId,
    ) -> crate::Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO announcements (event_id, room, meeting_id, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![event, room, meeting.0, ts(self.now())],
        )?;
        Ok(())
    }
}
