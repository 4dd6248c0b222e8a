//! The commands' [`Organisations`] role on a [`Tx`].

use greffier_commands::store::{OrgId, Organisation, Organisations, Person, StoreResult};
use greffier_commands::text::name_key;
use rusqlite::{OptionalExtension, Row, params};

use crate::people::{PERSON_COLUMNS, person_row};
use crate::{Tx, ts};

pub(crate) fn org_row(r: &Row<'_>) -> rusqlite::Result<Organisation> {
    Ok(Organisation {
        id: OrgId(r.get(0)?),
        name: r.get(1)?,
        kind: r.get(2)?,
    })
}

impl Organisations for Tx<'_> {
    fn has_confirmed_member(&mut self, org: OrgId) -> StoreResult<bool> {
        self.conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM people WHERE organisation_id = ?1
                     AND membership = 'confirmed' AND forgotten_at IS NULL)",
            )
            .and_then(|mut st| st.query_row(params![org.0], |r| r.get(0)))
            .map_err(Into::into)
    }

    fn organisation_people(&mut self, org: OrgId) -> StoreResult<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p
             WHERE p.organisation_id = ?1 AND p.forgotten_at IS NULL ORDER BY p.name, p.id"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(params![org.0], person_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn organisation_domains(&mut self, org: OrgId) -> StoreResult<Vec<String>> {
        let mut st = self.conn().prepare_cached(
            "SELECT domain FROM organisation_domains WHERE organisation_id = ?1 ORDER BY domain",
        )?;
        let rows = st.query_map(params![org.0], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn organisation_by_domain(&mut self, domain: &str) -> StoreResult<Option<OrgId>> {
        self.conn()
            .prepare_cached("SELECT organisation_id FROM organisation_domains WHERE domain = ?1")
            .and_then(|mut st| st.query_row(params![domain], |r| r.get(0)).optional())
            .map(|o| o.map(OrgId))
            .map_err(Into::into)
    }

    fn add_organisation_domain(&mut self, org: OrgId, domain: &str) -> StoreResult<Option<OrgId>> {
        if let Some(owner) = self.organisation_by_domain(domain)? {
            return Ok((owner != org).then_some(owner));
        }
        self.conn().execute(
            "INSERT INTO organisation_domains (domain, organisation_id, created_at)
                 VALUES (?1, ?2, ?3)",
            params![domain, org.0, ts(self.now)],
        )?;
        Ok(None)
    }

    fn remove_organisation_domain(&mut self, org: OrgId, domain: &str) -> StoreResult<bool> {
        let n = self.conn().execute(
            "DELETE FROM organisation_domains WHERE domain = ?1 AND organisation_id = ?2",
            params![domain, org.0],
        )?;
        Ok(n == 1)
    }

    fn organisations(&mut self) -> StoreResult<Vec<Organisation>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT id, name, kind FROM organisations ORDER BY key")?;
        let rows = st.query_map([], org_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn organisation(&mut self, id: OrgId) -> StoreResult<Organisation> {
        self.conn()
            .query_row(
                "SELECT id, name, kind FROM organisations WHERE id = ?1",
                params![id.0],
                org_row,
            )
            .map_err(Into::into)
    }

    fn organisation_by_key(&mut self, key: &str) -> StoreResult<Option<Organisation>> {
        // Its name, else a name it had (renamed, or merged into it).
        self.conn()
            .query_row(
                "SELECT id, name, kind FROM organisations WHERE key = ?1
                 UNION ALL
                 SELECT o.id, o.name, o.kind FROM organisation_aliases a
                 JOIN organisations o ON o.id = a.organisation_id WHERE a.key = ?1
                 LIMIT 1",
                params![key],
                org_row,
            )
            .optional()
            .map_err(Into::into)
    }

    fn create_organisation(&mut self, name: &str, kind: Option<&str>) -> StoreResult<OrgId> {
        self.conn().execute(
            "INSERT INTO organisations (name, key, kind, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, name_key(name), kind, ts(self.now)],
        )?;
        Ok(OrgId(self.conn().last_insert_rowid()))
    }

    fn rename_organisation(&mut self, id: OrgId, name: &str) -> StoreResult<()> {
        let old: String = self.conn().query_row(
            "SELECT key FROM organisations WHERE id = ?1",
            params![id.0],
            |r| r.get(0),
        )?;
        let key = name_key(name);
        self.conn().execute(
            "DELETE FROM organisation_aliases WHERE key = ?1",
            params![key],
        )?;
        self.conn().execute(
            "UPDATE organisations SET name = ?2, key = ?3 WHERE id = ?1",
            params![id.0, name, key],
        )?;
        if old != key {
            self.conn().execute(
                "INSERT OR REPLACE INTO organisation_aliases (key, organisation_id) VALUES (?1, ?2)",
                params![old, id.0],
            )?;
        }
        Ok(())
    }

    fn merge_organisations(&mut self, into: OrgId, from: OrgId) -> StoreResult<()> {
        let key: String = self.conn().query_row(
            "SELECT key FROM organisations WHERE id = ?1",
            params![from.0],
            |r| r.get(0),
        )?;
        crate::merge::merge(self, "organisations", from.0, into.0)?;
        self.conn().execute(
            "INSERT OR REPLACE INTO organisation_aliases (key, organisation_id) VALUES (?1, ?2)",
            params![key, into.0],
        )?;
        Ok(())
    }
}
