//! The commands' [`Records`] role on a [`Tx`]: the versions of a
//! meeting's compte rendu, approved ones frozen (the `records` table's
//! triggers refuse any change to their text).

use greffier_commands::store::{
    MeetingId, PersonId, Record, RecordFormat, RecordState, Records, StoreError, StoreResult,
};
use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::{Tx, parse_ts, ts};

fn sha256(body: &str) -> String {
    Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

type Row = (
    i64,
    u32,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The version under review (or in draft) of a meeting's compte rendu.
fn pending_version(tx: &Tx<'_>, meeting: MeetingId) -> StoreResult<Option<u32>> {
    Ok(tx
        .conn()
        .query_row(
            "SELECT version FROM records WHERE meeting_id = ?1
             AND state IN ('brouillon', 'en_relecture') ORDER BY version DESC LIMIT 1",
            params![meeting.0],
            |r| r.get(0),
        )
        .optional()?)
}

impl Records for Tx<'_> {
    fn agenda(&mut self, meeting: MeetingId) -> StoreResult<Vec<String>> {
        let mut st = self.conn().prepare_cached(
            "SELECT title FROM agenda_items WHERE meeting_id = ?1 ORDER BY position",
        )?;
        let items = st
            .query_map(params![meeting.0], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(items)
    }

    fn set_agenda(&mut self, meeting: MeetingId, items: &[String]) -> StoreResult<()> {
        self.conn().execute(
            "DELETE FROM agenda_items WHERE meeting_id = ?1",
            params![meeting.0],
        )?;
        for (i, title) in items.iter().enumerate() {
            self.conn().execute(
                "INSERT INTO agenda_items (meeting_id, position, title) VALUES (?1, ?2, ?3)",
                params![meeting.0, i as i64 + 1, title],
            )?;
        }
        Ok(())
    }

    fn records(&mut self, meeting: MeetingId) -> StoreResult<Vec<Record>> {
        let mut st = self.conn().prepare(
            "SELECT meeting_id, version, state, format, body, sha256, approved_by, approved_at, note
               FROM records WHERE meeting_id = ?1 ORDER BY version",
        )?;
        let rows: Vec<Row> = st
            .query_map(params![meeting.0], |r| r.try_into())?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(
                |(meeting, version, state, format, body, sha256, by, at, note)| {
                    Ok(Record {
                        meeting: MeetingId(meeting),
                        version,
                        state: RecordState::parse(&state).ok_or_else(|| {
                            StoreError(format!("a record's state {state:?}").into())
                        })?,
                        format: RecordFormat::parse(&format).ok_or_else(|| {
                            StoreError(format!("a record's format {format:?}").into())
                        })?,
                        body,
                        sha256,
                        approved_by: by,
                        approved_at: at.map(|a| parse_ts(&a)).transpose()?,
                        note,
                    })
                },
            )
            .collect()
    }

    fn add_remark(
        &mut self,
        meeting: MeetingId,
        author: &str,
        text: &str,
        channel: &str,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO record_remarks (meeting_id, author, text, channel, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![meeting.0, author, text, channel, ts(self.now())],
        )?;
        Ok(())
    }

    fn remarks(
        &mut self,
        meeting: MeetingId,
    ) -> StoreResult<Vec<(String, String, jiff::Timestamp)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT author, text, at FROM record_remarks WHERE meeting_id = ?1 ORDER BY id",
        )?;
        let rows: Vec<(String, String, String)> = st
            .query_map(params![meeting.0], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(a, t, at)| Ok((a, t, parse_ts(&at)?)))
            .collect()
    }

    fn submit_record(
        &mut self,
        meeting: MeetingId,
        body: &str,
        format: RecordFormat,
    ) -> StoreResult<u32> {
        let now = ts(self.now());
        let pending = pending_version(self, meeting)?;
        if let Some(version) = pending {
            self.conn().execute(
                "UPDATE records SET body = ?3, sha256 = ?4, state = 'en_relecture', created_at = ?5,
                        format = ?6
                 WHERE meeting_id = ?1 AND version = ?2",
                params![meeting.0, version, body, sha256(body), now, format.as_str()],
            )?;
            return Ok(version);
        }
        let version: u32 = self.conn().query_row(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM records WHERE meeting_id = ?1",
            params![meeting.0],
            |r| r.get(0),
        )?;
        self.conn().execute(
            "INSERT INTO records (meeting_id, version, state, format, body, sha256, created_at)
             VALUES (?1, ?2, 'en_relecture', ?6, ?3, ?4, ?5)",
            params![meeting.0, version, body, sha256(body), now, format.as_str()],
        )?;
        Ok(version)
    }

    fn approve_record(
        &mut self,
        meeting: MeetingId,
        body: &str,
        format: RecordFormat,
        by: Option<&str>,
        note: Option<&str>,
    ) -> StoreResult<Record> {
        let now = ts(self.now());
        self.conn().execute(
            "UPDATE records SET state = 'rectifie' WHERE meeting_id = ?1 AND state = 'approuve'",
            params![meeting.0],
        )?;
        // The version under review becomes the approved one.
        let pending = pending_version(self, meeting)?;
        let version: u32 = match pending {
            Some(v) => {
                self.conn().execute(
                    "DELETE FROM records WHERE meeting_id = ?1 AND version = ?2",
                    params![meeting.0, v],
                )?;
                v
            }
            None => self.conn().query_row(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM records WHERE meeting_id = ?1",
                params![meeting.0],
                |r| r.get(0),
            )?,
        };
        self.conn().execute(
            "INSERT INTO records (meeting_id, version, state, format, body, sha256, approved_by, approved_at, note, created_at)
             VALUES (?1, ?2, 'approuve', ?3, ?4, ?5, ?6, ?7, ?8, ?7)",
            params![meeting.0, version, format.as_str(), body, sha256(body), by, now, note],
        )?;
        self.records(meeting)?
            .into_iter()
            .find(|r| r.version == version)
            .ok_or_else(|| StoreError("the record just approved is missing".into()))
    }

    fn record_draft_mail(
        &mut self,
        message_id: &str,
        meeting: MeetingId,
        person: PersonId,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO record_mails (message_id, meeting_id, person_id, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
            params![message_id, meeting.0, person.0, ts(self.now())],
        )?;
        Ok(())
    }

    fn draft_mail(&mut self, message_id: &str) -> StoreResult<Option<(MeetingId, PersonId)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT meeting_id, person_id FROM record_mails WHERE message_id = ?1",
                params![message_id],
                |r| Ok((MeetingId(r.get(0)?), PersonId(r.get(1)?))),
            )
            .optional()?)
    }
}

#[cfg(test)]
mod tests {
    use greffier_commands::meeting::NewMeeting;
    use greffier_commands::store::Meetings as _;

    use crate::Database;

    use super::*;

    #[test]
    fn an_approved_text_is_frozen_and_a_rectificatif_keeps_it() {
        let mut db = Database::open_in_memory().expect("db");
        let now = jiff::Timestamp::from_second(1_800_000_000).expect("now");
        db.write(now, |tx| {
            let m = tx.create_meeting(&NewMeeting {
                title: "Réunion".into(),
                starts_at: now,
                ends_at: None,
                timezone: "Europe/Paris".into(),
                place: None,
                group: None,
                organiser: None,
                time_given: true,
            })?;
            let first = tx.approve_record(m, "Le texte", RecordFormat::Text, None, None)?;
            assert_eq!(first.version, 1);
            // The SHA-256 of the text, as `sha256sum` gives it.
            assert_eq!(
                first.sha256,
                "f1137e49dcaf1dbdae70637b1bfa4c1a4cb502e82e77d5e514e6ab4b92670f3f"
            );
            let second = tx.approve_record(
                m,
                "Le texte corrigé",
                RecordFormat::Markdown,
                None,
                Some("rectificatif"),
            )?;
            let all = tx.records(m)?;
            assert_eq!(all.len(), 2);
            assert_eq!(all[0].state, RecordState::Rectifie);
            assert_eq!(all[0].body, "Le texte");
            assert_eq!(all[1], second);
            // The database itself refuses to change or drop an approved text.
            for sql in [
                "UPDATE records SET body = 'autre' WHERE version = 1",
                "UPDATE records SET state = 'brouillon' WHERE version = 2",
                "DELETE FROM records",
            ] {
                let refused = tx.conn().execute(sql, []).expect_err(sql);
                assert!(refused.to_string().contains("compte rendu"), "{refused}");
            }
            Ok(())
        })
        .expect("write");
    }
}
