//! The commands' [`Catalogue`] role on a [`Tx`]: software, and which organisation uses which
//! (a history per software and organisation; the latest row counts).

use greffier_commands::store::{
    Catalogue, GroupId, OrgId, PersonId, Software, SoftwareId, SoftwareUse, StoreResult, UseStatus,
};
use greffier_commands::text::software_key;
use rusqlite::{OptionalExtension, Row, params};

use crate::{Tx, parse_ts, ts};

fn software_row(r: &Row<'_>) -> rusqlite::Result<Software> {
    Ok(Software {
        id: SoftwareId(r.get(0)?),
        name: r.get(1)?,
        group: r.get::<_, Option<i64>>(2)?.map(GroupId),
    })
}

/// The current uses, from rows (organisation, status, note, at): those
/// whose latest row has a status.
const CURRENT: &str =
    "SELECT u.organisation_id, u.status, u.note, u.at, u.source FROM software_uses u
     WHERE u.software_id = ?1 AND u.status IS NOT NULL
       AND u.id = (SELECT MAX(id) FROM software_uses
                   WHERE software_id = u.software_id AND organisation_id = u.organisation_id)";

fn use_at(r: &Row<'_>, at: usize) -> rusqlite::Result<SoftwareUse> {
    let status: String = r.get(at + 1)?;
    let when: String = r.get(at + 3)?;
    let bad = |what: String| {
        rusqlite::Error::FromSqlConversionFailure(at, rusqlite::types::Type::Text, what.into())
    };
    Ok(SoftwareUse {
        organisation: OrgId(r.get(at)?),
        status: UseStatus::parse(&status).ok_or_else(|| bad(format!("use status {status:?}")))?,
        note: r.get(at + 2)?,
        at: parse_ts(&when).map_err(|e| bad(e.to_string()))?,
        source: r.get(at + 4)?,
    })
}

impl Catalogue for Tx<'_> {
    fn software_by_key(&mut self, key: &str) -> StoreResult<Option<Software>> {
        self.conn()
            .prepare_cached("SELECT id, name, group_id FROM software WHERE key = ?1")
            .and_then(|mut st| st.query_row(params![key], software_row).optional())
            .map_err(Into::into)
    }

    fn all_software(&mut self) -> StoreResult<Vec<Software>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT id, name, group_id FROM software ORDER BY key")?;
        let rows = st.query_map([], software_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn create_software(&mut self, name: &str, group: Option<GroupId>) -> StoreResult<SoftwareId> {
        self.conn().execute(
            "INSERT INTO software (name, key, group_id, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, software_key(name), group.map(|g| g.0), ts(self.now())],
        )?;
        Ok(SoftwareId(self.conn().last_insert_rowid()))
    }

    fn record_use(
        &mut self,
        software: SoftwareId,
        org: OrgId,
        status: Option<UseStatus>,
        note: Option<&str>,
        by: Option<PersonId>,
    ) -> StoreResult<bool> {
        let latest: Option<(Option<String>, Option<String>, bool)> = self
            .conn()
            .prepare_cached(
                "SELECT status, note, source IS NOT NULL FROM software_uses WHERE software_id = ?1
                 AND organisation_id = ?2 ORDER BY id DESC LIMIT 1",
            )
            .and_then(|mut st| {
                st.query_row(params![software.0, org.0], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()
            })?;
        let wanted = (
            status.map(|s| s.as_str().to_string()),
            note.map(str::to_string),
        );
        let unchanged = match &latest {
            Some((status, note, _)) => (status, note) == (&wanted.0, &wanted.1),
            // Nothing recorded: removing changes nothing.
            None => status.is_none(),
        };
        if unchanged {
            return Ok(false);
        }
        self.conn().execute(
            "INSERT INTO software_uses (software_id, organisation_id, status, note, person_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                software.0,
                org.0,
                status.map(UseStatus::as_str),
                note,
                by.map(|p| p.0),
                ts(self.now())
            ],
        )?;
        Ok(true)
    }

    fn mark_use_source(
        &mut self,
        software: SoftwareId,
        org: OrgId,
        source: &str,
    ) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE software_uses SET source = ?3 WHERE id = (
                 SELECT MAX(id) FROM software_uses WHERE software_id = ?1 AND organisation_id = ?2)
               AND person_id IS NULL AND source IS NULL",
            params![software.0, org.0, source],
        )?;
        Ok(())
    }

    fn confirm_use(&mut self, software: SoftwareId, org: OrgId) -> StoreResult<bool> {
        let changed = self.conn().execute(
            "UPDATE software_uses SET source = NULL WHERE id = (
                 SELECT MAX(id) FROM software_uses WHERE software_id = ?1 AND organisation_id = ?2)
               AND source IS NOT NULL",
            params![software.0, org.0],
        )?;
        Ok(changed == 1)
    }

    fn software_uses(&mut self, software: SoftwareId) -> StoreResult<Vec<SoftwareUse>> {
        let sql = format!(
            "SELECT c.* FROM ({CURRENT}) c JOIN organisations o ON o.id = c.organisation_id
             ORDER BY o.key"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(params![software.0], |r| use_at(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn organisation_software(&mut self, org: OrgId) -> StoreResult<Vec<(Software, SoftwareUse)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT s.id, s.name, s.group_id, u.organisation_id, u.status, u.note, u.at, u.source
                 FROM software_uses u JOIN software s ON s.id = u.software_id
                 WHERE u.organisation_id = ?1 AND u.status IS NOT NULL
                   AND u.id = (SELECT MAX(id) FROM software_uses
                               WHERE software_id = u.software_id AND organisation_id = ?1)
                 ORDER BY s.key",
        )?;
        let rows = st.query_map(params![org.0], |r| Ok((software_row(r)?, use_at(r, 3)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn delete_software(&mut self, id: SoftwareId) -> StoreResult<()> {
        self.conn()
            .execute("DELETE FROM software WHERE id = ?1", params![id.0])?;
        Ok(())
    }
}
