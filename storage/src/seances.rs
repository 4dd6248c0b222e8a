//! The commands' [`Seances`] role on a [`Tx`]: séances, their entries,
//! the attendance they record and the actions they decide.

use greffier_commands::store::{
    ActionItem, Attended, Entry, EntryKind, GroupId, MeetingId, NewAction, OrgId, PersonId, Seance,
    Seances, StoreError, StoreResult,
};
use rusqlite::{OptionalExtension, params};

use crate::{Tx, parse_ts, ts};

type SeanceRow = (i64, String, String, Option<String>, Option<u32>);

fn seance(row: SeanceRow) -> StoreResult<Seance> {
    let (meeting, place, opened, closed, item) = row;
    Ok(Seance {
        meeting: MeetingId(meeting),
        place,
        opened_at: parse_ts(&opened)?,
        closed_at: closed.map(|c| parse_ts(&c)).transpose()?,
        item,
    })
}

const SEANCE: &str = "SELECT meeting_id, place, opened_at, closed_at, item FROM seances";

impl Seances for Tx<'_> {
    fn open_seance(&mut self, meeting: MeetingId, place: &str) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO seances (meeting_id, place, opened_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (meeting_id) DO UPDATE SET place = ?2, closed_at = NULL",
            params![meeting.0, place, ts(self.now())],
        )?;
        Ok(())
    }

    fn seance(&mut self, meeting: MeetingId) -> StoreResult<Option<Seance>> {
        let row: Option<SeanceRow> = self
            .conn()
            .query_row(
                &format!("{SEANCE} WHERE meeting_id = ?1"),
                params![meeting.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        row.map(seance).transpose()
    }

    fn open_seance_at(&mut self, place: &str) -> StoreResult<Option<Seance>> {
        let row: Option<SeanceRow> = self
            .conn()
            .query_row(
                &format!("{SEANCE} WHERE place = ?1 AND closed_at IS NULL ORDER BY opened_at DESC LIMIT 1"),
                params![place],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        row.map(seance).transpose()
    }

    fn set_seance_item(&mut self, meeting: MeetingId, item: Option<u32>) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE seances SET item = ?2 WHERE meeting_id = ?1",
            params![meeting.0, item],
        )?;
        Ok(())
    }

    fn close_seance(&mut self, meeting: MeetingId) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE seances SET closed_at = ?2 WHERE meeting_id = ?1",
            params![meeting.0, ts(self.now())],
        )?;
        Ok(())
    }

    fn add_entry(
        &mut self,
        meeting: MeetingId,
        kind: EntryKind,
        item: Option<u32>,
        text: &str,
        author: &str,
    ) -> StoreResult<u32> {
        let n: u32 = self.conn().query_row(
            "SELECT COALESCE(MAX(n), 0) + 1 FROM seance_entries WHERE meeting_id = ?1",
            params![meeting.0],
            |r| r.get(0),
        )?;
        self.conn().execute(
            "INSERT INTO seance_entries (meeting_id, n, kind, item, text, author, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                meeting.0,
                n,
                kind.as_str(),
                item,
                text,
                author,
                ts(self.now())
            ],
        )?;
        Ok(n)
    }

    fn entries(&mut self, meeting: MeetingId) -> StoreResult<Vec<Entry>> {
        type Row = (
            u32,
            String,
            Option<u32>,
            String,
            String,
            String,
            Option<String>,
        );
        let mut st = self.conn().prepare_cached(
            "SELECT n, kind, item, text, author, at, corrected_at FROM seance_entries
             WHERE meeting_id = ?1 AND removed_at IS NULL ORDER BY n",
        )?;
        let rows: Vec<Row> = st
            .query_map(params![meeting.0], |r| r.try_into())?
            .collect::<Result<_, _>>()?;
        rows.into_iter()
            .map(|(n, kind, item, text, author, at, corrected)| {
                Ok(Entry {
                    n,
                    kind: EntryKind::parse(&kind)
                        .ok_or_else(|| StoreError(format!("an entry's kind {kind:?}").into()))?,
                    item,
                    text,
                    author,
                    at: parse_ts(&at)?,
                    corrected: corrected.is_some(),
                })
            })
            .collect()
    }

    fn correct_entry(&mut self, meeting: MeetingId, n: u32, text: &str) -> StoreResult<bool> {
        let changed = self.conn().execute(
            "UPDATE seance_entries SET text = ?3, corrected_at = ?4
             WHERE meeting_id = ?1 AND n = ?2 AND removed_at IS NULL",
            params![meeting.0, n, text, ts(self.now())],
        )?;
        // An action's text follows its entry.
        self.conn().execute(
            "UPDATE actions SET text = ?3 WHERE meeting_id = ?1 AND entry = ?2",
            params![meeting.0, n, text],
        )?;
        Ok(changed == 1)
    }

    fn remove_entry(&mut self, meeting: MeetingId, n: u32) -> StoreResult<bool> {
        let changed = self.conn().execute(
            "UPDATE seance_entries SET removed_at = ?3
             WHERE meeting_id = ?1 AND n = ?2 AND removed_at IS NULL",
            params![meeting.0, n, ts(self.now())],
        )?;
        // A removed action was never decided.
        self.conn().execute(
            "DELETE FROM actions WHERE meeting_id = ?1 AND entry = ?2",
            params![meeting.0, n],
        )?;
        Ok(changed == 1)
    }

    fn record_attendance(
        &mut self,
        meeting: MeetingId,
        person: PersonId,
        attended: Attended,
        by: &str,
    ) -> StoreResult<()> {
        let status = match attended {
            Attended::Present => "present",
            Attended::Excused => "excused",
        };
        self.conn().execute(
            "INSERT INTO attendance (meeting_id, person_id, status, recorded_by, at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (meeting_id, person_id) DO UPDATE SET status = ?3, recorded_by = ?4, at = ?5",
            params![meeting.0, person.0, status, by, ts(self.now())],
        )?;
        Ok(())
    }

    fn attendance(&mut self, meeting: MeetingId) -> StoreResult<Vec<(PersonId, Attended)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT person_id, status FROM attendance WHERE meeting_id = ?1 ORDER BY at, person_id",
        )?;
        let rows: Vec<(i64, String)> = st
            .query_map(params![meeting.0], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows
            .into_iter()
            .map(|(p, s)| {
                let attended = match s.as_str() {
                    "excused" => Attended::Excused,
                    _ => Attended::Present,
                };
                (PersonId(p), attended)
            })
            .collect())
    }

    fn add_action(
        &mut self,
        meeting: MeetingId,
        entry: u32,
        action: &NewAction<'_>,
    ) -> StoreResult<u32> {
        self.conn().execute(
            "INSERT INTO actions (meeting_id, entry, owner_org, owner_person, owner, text, due, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                meeting.0,
                entry,
                action.owner_org.map(|o| o.0),
                action.owner_person.map(|p| p.0),
                action.owner,
                action.text,
                action.due.map(|d| d.to_string()),
                ts(self.now())
            ],
        )?;
        Ok(u32::try_from(self.conn().last_insert_rowid()).unwrap_or(u32::MAX))
    }

    fn meeting_actions(&mut self, meeting: MeetingId) -> StoreResult<Vec<ActionItem>> {
        actions(self, "WHERE meeting_id = ?1", meeting.0)
    }

    fn all_actions(&mut self) -> StoreResult<Vec<ActionItem>> {
        actions(self, "WHERE ?1 = ?1", 0)
    }

    fn open_group_actions(&mut self, group: GroupId) -> StoreResult<Vec<ActionItem>> {
        actions(
            self,
            "WHERE state = 'ouverte' AND meeting_id IN (SELECT id FROM meetings WHERE group_id = ?1)",
            group.0,
        )
    }

    fn set_action_state(&mut self, n: u32, state: &str, note: Option<&str>) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE actions SET state = ?2, note = COALESCE(?3, note), closed_at = ?4 WHERE n = ?1",
            params![n, state, note, ts(self.now())],
        )?;
        Ok(())
    }

    fn mark_action_reminded(&mut self, n: u32, late: bool) -> StoreResult<()> {
        let column = if late { "late_at" } else { "reminded_at" };
        self.conn().execute(
            &format!("UPDATE actions SET {column} = ?2 WHERE n = ?1"),
            params![n, ts(self.now())],
        )?;
        Ok(())
    }

    fn set_action_due(&mut self, n: u32, due: jiff::civil::Date) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE actions SET due = ?2, reminded_at = NULL, late_at = NULL WHERE n = ?1",
            params![n, due.to_string()],
        )?;
        Ok(())
    }
}

/// The actions `filter` selects (a WHERE clause over one parameter), in
/// order.
fn actions(tx: &Tx<'_>, filter: &str, arg: i64) -> StoreResult<Vec<ActionItem>> {
    type Row = (
        u32,
        i64,
        u32,
        Option<i64>,
        Option<i64>,
        String,
        String,
        Option<String>,
        String,
        bool,
        bool,
    );
    let mut st = tx.conn().prepare_cached(&format!(
        "SELECT n, meeting_id, entry, owner_org, owner_person, owner, text, due, state,
                reminded_at IS NOT NULL, late_at IS NOT NULL FROM actions
         {filter} ORDER BY n"
    ))?;
    let rows: Vec<Row> = st
        .query_map(params![arg], |r| r.try_into())?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(
            |(n, meeting, entry, org, person, owner, text, due, state, reminded, late)| {
                Ok(ActionItem {
                    n,
                    meeting: MeetingId(meeting),
                    entry,
                    owner_org: org.map(OrgId),
                    owner_person: person.map(PersonId),
                    owner,
                    text,
                    due: due
                        .map(|d| d.parse())
                        .transpose()
                        .map_err(|e| StoreError(format!("an action's due date: {e}").into()))?,
                    state,
                    reminded,
                    late,
                })
            },
        )
        .collect()
}
