//! The commands' [`People`] role on a [`Tx`].

use greffier_commands::store::{
    Forgotten, Identity, Membership, OrgId, People, Person, PersonId, StoreResult,
};
use greffier_commands::text::name_key;
use rusqlite::{OptionalExtension, Row, params};

use crate::{Tx, ts};

/// The columns [`person_row`] reads, of `people` named `p`.
pub(crate) const PERSON_COLUMNS: &str = "p.id, p.name, p.organisation_id, p.membership";

/// A person from [`PERSON_COLUMNS`] at columns `at..at + 4`.
pub(crate) fn person_at(r: &Row<'_>, at: usize) -> rusqlite::Result<Person> {
    let membership: String = r.get(at + 3)?;
    Ok(Person {
        id: PersonId(r.get(at)?),
        name: r.get(at + 1)?,
        organisation: r.get::<_, Option<i64>>(at + 2)?.map(OrgId),
        membership: Membership::parse(&membership).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                at + 3,
                rusqlite::types::Type::Text,
                format!("membership {membership:?}").into(),
            )
        })?,
    })
}

pub(crate) fn person_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    person_at(r, 0)
}

impl People for Tx<'_> {
    fn person(&mut self, id: PersonId) -> StoreResult<Person> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM people p WHERE p.id = ?1");
        self.conn()
            .prepare_cached(&sql)
            .and_then(|mut st| st.query_row(params![id.0], person_row))
            .map_err(Into::into)
    }

    fn create_person(
        &mut self,
        name: &str,
        organisation: Option<OrgId>,
        identity: &Identity,
    ) -> StoreResult<PersonId> {
        let now = ts(self.now);
        self.conn().execute(
            "INSERT INTO people (name, organisation_id, created_at) VALUES (?1, ?2, ?3)",
            params![name, organisation.map(|o| o.0), now],
        )?;
        let id = self.conn().last_insert_rowid();
        self.conn().execute(
            "INSERT INTO identities (person_id, kind, value, verified, created_at)
                 VALUES (?1, ?2, ?3, 1, ?4)",
            params![id, identity.kind.as_str(), identity.value, now],
        )?;
        Ok(PersonId(id))
    }

    fn set_person_organisation(
        &mut self,
        person: PersonId,
        org: OrgId,
        membership: Membership,
        room: Option<&str>,
    ) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE people SET organisation_id = ?2, membership = ?3, membership_at = ?4,
                     membership_by = NULL, membership_room = ?5
                 WHERE id = ?1",
            params![person.0, org.0, membership.as_str(), ts(self.now), room],
        )?;
        // A member person's organisation is theirs: it follows them.
        self.conn().execute(
            "UPDATE group_members SET organisation_id = ?2 WHERE person_id = ?1",
            params![person.0, org.0],
        )?;
        Ok(())
    }

    fn decide_membership(
        &mut self,
        person: PersonId,
        membership: Membership,
        by: Option<PersonId>,
    ) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE people SET membership = ?2, membership_at = ?3, membership_by = ?4
                 WHERE id = ?1",
            params![person.0, membership.as_str(), ts(self.now), by.map(|p| p.0)],
        )?;
        Ok(())
    }

    fn membership_room(&mut self, person: PersonId) -> StoreResult<Option<String>> {
        self.conn()
            .query_row(
                "SELECT membership_room FROM people WHERE id = ?1",
                params![person.0],
                |r| r.get(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(Into::into)
    }

    fn people_named(&mut self, key: &str) -> StoreResult<Vec<Person>> {
        // Name keys are not stored: every name is read and compared (an
        // admin naming someone by name; a Matrix ID or an address is the
        // indexed way).
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p
             WHERE p.forgotten_at IS NULL ORDER BY p.name, p.id"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map([], person_row)?;
        let mut found = Vec::new();
        for p in rows {
            let p = p?;
            if name_key(&p.name) == key {
                found.push(p);
            }
        }
        Ok(found)
    }

    fn forget_person(&mut self, person: PersonId, placeholder: &str) -> StoreResult<Forgotten> {
        self.forget(person, placeholder)
    }

    fn create_contact(&mut self, name: &str, organisation: Option<OrgId>) -> StoreResult<PersonId> {
        self.conn().execute(
            "INSERT INTO people (name, organisation_id, created_at) VALUES (?1, ?2, ?3)",
            params![name, organisation.map(|o| o.0), ts(self.now)],
        )?;
        Ok(PersonId(self.conn().last_insert_rowid()))
    }

    fn person_by_name(
        &mut self,
        key: &str,
        organisation: Option<OrgId>,
    ) -> StoreResult<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p
             WHERE p.organisation_id IS ?1 AND p.forgotten_at IS NULL ORDER BY p.id"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let people = st
            .query_map(params![organisation.map(|o| o.0)], person_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(people.into_iter().find(|p| name_key(&p.name) == key))
    }

    fn people(&mut self) -> StoreResult<Vec<Person>> {
        // An erased person has no address left to be invited at.
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM people p WHERE p.forgotten_at IS NULL
             ORDER BY p.name, p.id"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map([], person_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn merge_people(&mut self, into: PersonId, from: PersonId) -> StoreResult<()> {
        crate::merge::merge(self, "people", from.0, into.0)?;
        Ok(())
    }

    fn rename_person(&mut self, person: PersonId, name: &str) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE people SET name = ?2 WHERE id = ?1",
            params![person.0, name],
        )?;
        Ok(())
    }
}
