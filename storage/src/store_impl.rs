//! The commands' [`Store`] trait on a [`Tx`]. Writes that the digests need
//! to know about also append a row to `group_events`.

use greffier_commands::store::{
    Forgotten, Group, GroupId, GroupStatus, Identity, IdentityKind, Membership, Milestone,
    NewGroup, OrgId, Organisation, Person, PersonId, ProjectStatus, Software, SoftwareId,
    SoftwareUse, Store, StoreResult, UseStatus,
};
use greffier_commands::store::{GroupEventKind, MeetingId, NewPoll, Poll, PollId, Vote};
use greffier_commands::text::name_key;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, Row, params};

use crate::{Tx, parse_ts, ts};

fn org_row(r: &Row<'_>) -> rusqlite::Result<Organisation> {
    Ok(Organisation {
        id: OrgId(r.get(0)?),
        name: r.get(1)?,
        kind: r.get(2)?,
    })
}

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

pub(crate) const GROUP_COLUMNS: &str = "id, slug, theme, status, lead_id, action, room, list";

pub(crate) fn group_row(r: &Row<'_>) -> rusqlite::Result<Group> {
    let status: String = r.get(3)?;
    Ok(Group {
        id: GroupId(r.get(0)?),
        slug: r.get(1)?,
        theme: r.get(2)?,
        status: GroupStatus::parse(&status).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                3,
                rusqlite::types::Type::Text,
                format!("group status {status:?}").into(),
            )
        })?,
        lead: r.get::<_, Option<i64>>(4)?.map(OrgId),
        action: r.get(5)?,
        room: r.get(6)?,
        list: r.get(7)?,
    })
}

impl Tx<'_> {
    fn event(
        &self,
        group: GroupId,
        kind: GroupEventKind,
        org: Option<OrgId>,
        person: Option<PersonId>,
        detail: Option<&str>,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO group_events (group_id, kind, organisation_id, person_id, detail, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                group.0,
                kind.as_str(),
                org.map(|o| o.0),
                person.map(|p| p.0),
                detail,
                ts(self.now)
            ],
        )?;
        Ok(())
    }

    fn orgs_query(&self, sql: &str, group: GroupId) -> StoreResult<Vec<Organisation>> {
        let mut st = self.conn().prepare_cached(sql)?;
        let rows = st.query_map(params![group.0], org_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The groups `condition` (SQL over the groups table) holds for, by slug.
    fn groups_where(&mut self, condition: &str) -> StoreResult<Vec<Group>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups WHERE {condition} ORDER BY slug");
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map([], group_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Store for Tx<'_> {
    fn person_by_identity(&mut self, identity: &Identity) -> StoreResult<Option<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM identities i
             JOIN people p ON p.id = i.person_id
             WHERE i.kind = ?1 AND i.value = ?2 AND i.verified = 1"
        );
        self.conn()
            .prepare_cached(&sql)
            .and_then(|mut st| {
                st.query_row(params![identity.kind.as_str(), identity.value], person_row)
            })
            .optional()
            .map_err(Into::into)
    }

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

    fn forget_person(&mut self, person: PersonId, placeholder: &str) -> StoreResult<Forgotten> {
        self.forget(person, placeholder)
    }

    fn add_identity(&mut self, person: PersonId, identity: &Identity) -> StoreResult<bool> {
        let owner: Option<i64> = self
            .conn()
            .query_row(
                "SELECT person_id FROM identities WHERE kind = ?1 AND value = ?2",
                params![identity.kind.as_str(), identity.value],
                |r| r.get(0),
            )
            .optional()?;
        match owner {
            Some(p) if p != person.0 => Ok(false),
            Some(_) => {
                self.conn().execute(
                    "UPDATE identities SET verified = 1 WHERE kind = ?1 AND value = ?2",
                    params![identity.kind.as_str(), identity.value],
                )?;
                Ok(true)
            }
            None => {
                self.conn().execute(
                    "INSERT INTO identities (person_id, kind, value, verified, created_at)
                         VALUES (?1, ?2, ?3, 1, ?4)",
                    params![
                        person.0,
                        identity.kind.as_str(),
                        identity.value,
                        ts(self.now)
                    ],
                )?;
                Ok(true)
            }
        }
    }

    fn create_email_code(
        &mut self,
        person: PersonId,
        email: &str,
        expires: jiff::Timestamp,
    ) -> StoreResult<String> {
        // One live code per person and address: a new one spends the old.
        self.conn().execute(
            "UPDATE email_codes SET used_at = ?3
                 WHERE person_id = ?1 AND email = ?2 AND used_at IS NULL",
            params![person.0, email, ts(self.now)],
        )?;
        // Six digits from SQLite's random source; a clash with a live code
        // draws again.
        loop {
            let code: i64 = self
                .conn()
                .query_row("SELECT abs(random() % 1000000)", [], |r| r.get(0))?;
            let code = format!("{code:06}");
            let inserted = self.conn().execute(
                "INSERT OR IGNORE INTO email_codes (code, person_id, email, expires_at, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                params![code, person.0, email, ts(expires), ts(self.now)],
            )?;
            if inserted == 1 {
                return Ok(code);
            }
            // The code exists: free it if it is spent or expired, then retry.
            self.conn()
                .execute(
                    "DELETE FROM email_codes WHERE code = ?1 AND (used_at IS NOT NULL OR expires_at < ?2)",
                    params![code, ts(self.now)],
                )?;
        }
    }

    fn email_codes_sent(
        &mut self,
        person: PersonId,
        email: &str,
        since: jiff::Timestamp,
    ) -> StoreResult<(usize, usize)> {
        let count = |sql: &str, who: &dyn rusqlite::ToSql| -> StoreResult<usize> {
            self.conn()
                .query_row(sql, params![who, ts(since)], |r| r.get::<_, i64>(0))
                .map(|n| usize::try_from(n).unwrap_or(0))
                .map_err(Into::into)
        };
        Ok((
            count(
                "SELECT COUNT(*) FROM email_codes WHERE email = ?1 AND created_at >= ?2",
                &email,
            )?,
            count(
                "SELECT COUNT(*) FROM email_codes WHERE person_id = ?1 AND created_at >= ?2",
                &person.0,
            )?,
        ))
    }

    fn use_email_code(&mut self, person: PersonId, code: &str) -> StoreResult<Option<String>> {
        use subtle::ConstantTimeEq;
        // Every live code of the person is read and compared in constant
        // time: neither the index nor an early mismatch tells how close a
        // guess came.
        let mut st = self.conn().prepare_cached(
            "SELECT code, email FROM email_codes
                 WHERE person_id = ?1 AND used_at IS NULL AND expires_at >= ?2",
        )?;
        let live: Vec<(String, String)> = st
            .query_map(params![person.0, ts(self.now)], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut found = None;
        for (live_code, email) in live {
            let same: bool = live_code.as_bytes().ct_eq(code.as_bytes()).into();
            if same {
                found = Some((live_code, email));
            }
        }
        let Some((live_code, email)) = found else {
            return Ok(None);
        };
        self.conn().execute(
            "UPDATE email_codes SET used_at = ?2 WHERE code = ?1",
            params![live_code, ts(self.now)],
        )?;
        Ok(Some(email))
    }

    fn code_guesses(&mut self, person: PersonId, since: jiff::Timestamp) -> StoreResult<usize> {
        self.conn()
            .query_row(
                "SELECT COUNT(*) FROM code_guesses WHERE person_id = ?1 AND at >= ?2",
                params![person.0, ts(since)],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(Into::into)
    }

    fn wrong_email_code(&mut self, person: PersonId, since: jiff::Timestamp) -> StoreResult<bool> {
        self.conn().execute(
            "INSERT INTO code_guesses (person_id, at) VALUES (?1, ?2)",
            params![person.0, ts(self.now)],
        )?;
        if self.code_guesses(person, since)? < greffier_commands::store::MAX_CODE_ATTEMPTS {
            return Ok(false);
        }
        self.conn().execute(
            "UPDATE email_codes SET used_at = ?2 WHERE person_id = ?1 AND used_at IS NULL",
            params![person.0, ts(self.now)],
        )?;
        Ok(true)
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

    fn identities(&mut self, person: PersonId) -> StoreResult<Vec<(Identity, bool)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT kind, value, verified FROM identities WHERE person_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map(params![person.0], |r| {
            let kind: String = r.get(0)?;
            Ok((
                Identity {
                    kind: if kind == "email" {
                        IdentityKind::Email
                    } else {
                        IdentityKind::Matrix
                    },
                    value: r.get(1)?,
                },
                r.get::<_, bool>(2)?,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
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
        self.conn()
            .query_row(
                "SELECT id, name, kind FROM organisations WHERE key = ?1",
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

    fn groups(&mut self) -> StoreResult<Vec<Group>> {
        self.groups_where("TRUE")
    }

    fn groups_with_room_or_list(&mut self) -> StoreResult<Vec<Group>> {
        self.groups_where("room IS NOT NULL OR list IS NOT NULL")
    }

    fn group_by_slug(&mut self, slug: &str) -> StoreResult<Option<Group>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups WHERE slug = ?1");
        self.conn()
            .query_row(&sql, params![slug], group_row)
            .optional()
            .map_err(Into::into)
    }

    fn group(&mut self, id: GroupId) -> StoreResult<Option<Group>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups WHERE id = ?1");
        self.conn()
            .query_row(&sql, params![id.0], group_row)
            .optional()
            .map_err(Into::into)
    }

    fn create_group(&mut self, g: &NewGroup, by: Option<PersonId>) -> StoreResult<GroupId> {
        self.conn().execute(
            "INSERT INTO groups (slug, theme, status, lead_id, action, room, list, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                g.slug,
                g.theme,
                g.status.as_str(),
                g.lead.map(|o| o.0),
                g.action,
                g.room,
                g.list,
                ts(self.now)
            ],
        )?;
        let id = GroupId(self.conn().last_insert_rowid());
        self.event(
            id,
            GroupEventKind::Created,
            g.lead,
            by,
            Some(g.status.as_str()),
        )?;
        Ok(id)
    }

    fn set_group_status(&mut self, group: GroupId, status: GroupStatus) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE groups SET status = ?2 WHERE id = ?1",
            params![group.0, status.as_str()],
        )?;
        self.event(group, GroupEventKind::of_status(status), None, None, None)
    }

    fn set_group_lead(
        &mut self,
        group: GroupId,
        lead: OrgId,
        by: Option<PersonId>,
    ) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE groups SET lead_id = ?2 WHERE id = ?1",
            params![group.0, lead.0],
        )?;
        self.event(group, GroupEventKind::Lead, Some(lead), by, None)
    }

    fn set_group_room(&mut self, group: GroupId, room: &str) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE groups SET room = ?2 WHERE id = ?1",
            params![group.0, room],
        )?;
        self.event(group, GroupEventKind::Room, None, None, Some(room))
    }

    fn set_group_list(&mut self, group: GroupId, list: &str) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE groups SET list = ?2 WHERE id = ?1",
            params![group.0, list],
        )?;
        self.event(group, GroupEventKind::List, None, None, Some(list))
    }

    fn group_by_room(&mut self, room: &str) -> StoreResult<Option<Group>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups WHERE room = ?1");
        self.conn()
            .query_row(&sql, params![room], group_row)
            .optional()
            .map_err(Into::into)
    }

    fn person_groups(&mut self, person: PersonId) -> StoreResult<Vec<Group>> {
        let sql = format!(
            "SELECT {GROUP_COLUMNS} FROM groups
             WHERE id IN (SELECT group_id FROM group_members WHERE person_id = ?1)
             ORDER BY slug"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(params![person.0], group_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn member_people(&mut self, group: GroupId) -> StoreResult<Vec<Person>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM group_members m
             JOIN people p ON p.id = m.person_id
             WHERE m.group_id = ?1 ORDER BY p.name"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(params![group.0], person_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn member_organisations(&mut self, group: GroupId) -> StoreResult<Vec<Organisation>> {
        self.orgs_query(
            "SELECT DISTINCT o.id, o.name, o.kind FROM group_members m
             JOIN organisations o ON o.id = m.organisation_id
             LEFT JOIN people p ON p.id = m.person_id
             WHERE m.group_id = ?1 AND (m.person_id IS NULL OR p.membership = 'confirmed')
             ORDER BY o.key",
            group,
        )
    }

    fn add_member(
        &mut self,
        group: GroupId,
        org: OrgId,
        person: Option<PersonId>,
    ) -> StoreResult<bool> {
        let n = self.conn().execute(
            "INSERT OR IGNORE INTO group_members (group_id, organisation_id, person_id, since)
                 VALUES (?1, ?2, ?3, ?4)",
            params![group.0, org.0, person.map(|p| p.0), ts(self.now)],
        )?;
        if n == 1 {
            self.event(group, GroupEventKind::Join, Some(org), person, None)?;
        }
        Ok(n == 1)
    }

    fn remove_member(&mut self, group: GroupId, person: PersonId) -> StoreResult<bool> {
        let org: Option<i64> = self
            .conn()
            .query_row(
                "SELECT organisation_id FROM group_members WHERE group_id = ?1 AND person_id = ?2",
                params![group.0, person.0],
                |r| r.get(0),
            )
            .optional()?;
        let Some(org) = org else {
            return Ok(false);
        };
        self.conn().execute(
            "DELETE FROM group_members WHERE group_id = ?1 AND person_id = ?2",
            params![group.0, person.0],
        )?;
        self.event(
            group,
            GroupEventKind::Leave,
            Some(OrgId(org)),
            Some(person),
            None,
        )?;
        Ok(true)
    }

    fn supporters(&mut self, group: GroupId) -> StoreResult<Vec<Organisation>> {
        self.orgs_query(
            "SELECT o.id, o.name, o.kind FROM group_supports s
             JOIN organisations o ON o.id = s.organisation_id
             WHERE s.group_id = ?1 ORDER BY s.at, o.key",
            group,
        )
    }

    fn add_support(
        &mut self,
        group: GroupId,
        org: OrgId,
        by: Option<PersonId>,
    ) -> StoreResult<bool> {
        let n = self.conn().execute(
            "INSERT OR IGNORE INTO group_supports (group_id, organisation_id, person_id, at)
                 VALUES (?1, ?2, ?3, ?4)",
            params![group.0, org.0, by.map(|p| p.0), ts(self.now)],
        )?;
        if n == 1 {
            self.event(group, GroupEventKind::Support, Some(org), by, None)?;
        }
        Ok(n == 1)
    }

    fn record_status(
        &mut self,
        group: GroupId,
        text: &str,
        version: Option<&str>,
        by: Option<PersonId>,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO project_status (group_id, version, text, person_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            params![group.0, version, text, by.map(|p| p.0), ts(self.now)],
        )?;
        self.event(group, GroupEventKind::Status, None, by, Some(text))
    }

    fn latest_status(&mut self, group: GroupId) -> StoreResult<Option<ProjectStatus>> {
        let row: Option<(Option<String>, String, String)> = self
            .conn()
            .query_row(
                "SELECT version, text, at FROM project_status WHERE group_id = ?1
                 ORDER BY id DESC LIMIT 1",
                params![group.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(version, text, at)| {
            Ok(ProjectStatus {
                version,
                text,
                at: parse_ts(&at)?,
            })
        })
        .transpose()
    }

    fn add_milestone(
        &mut self,
        group: GroupId,
        date: Date,
        text: &str,
        by: Option<PersonId>,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO milestones (group_id, date, text, person_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                group.0,
                date.to_string(),
                text,
                by.map(|p| p.0),
                ts(self.now)
            ],
        )?;
        let detail = format!("{date} {text}");
        self.event(group, GroupEventKind::Milestone, None, by, Some(&detail))
    }

    fn group_events(
        &mut self,
        group: GroupId,
        since: jiff::Timestamp,
    ) -> StoreResult<Vec<greffier_commands::store::GroupEvent>> {
        let mut st = self.conn().prepare_cached(
            "SELECT e.kind, o.name, p.name, e.detail, e.at FROM group_events e
                 LEFT JOIN organisations o ON o.id = e.organisation_id
                 LEFT JOIN people p ON p.id = e.person_id
                 WHERE e.group_id = ?1 AND e.at > ?2 ORDER BY e.at, e.id",
        )?;
        let rows = st.query_map(params![group.0, ts(since)], |r| {
            let at: String = r.get(4)?;
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, at))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, organisation, person, detail, at): (
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                String,
            ) = row?;
            // A word this version does not know (written by a newer one)
            // tells nothing it could say.
            let Some(kind) = GroupEventKind::parse(&kind) else {
                continue;
            };
            out.push(greffier_commands::store::GroupEvent {
                kind,
                organisation,
                person,
                detail,
                at: parse_ts(&at)?,
            });
        }
        Ok(out)
    }

    fn milestones(&mut self, group: GroupId) -> StoreResult<Vec<Milestone>> {
        let mut st = self.conn().prepare_cached(
            "SELECT date, text FROM milestones WHERE group_id = ?1 ORDER BY date, id",
        )?;
        let rows = st.query_map(params![group.0], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (date, text) = row?;
            let date: Date = date
                .parse()
                .map_err(|e: jiff::Error| crate::Error::Corrupt(format!("date: {e}")))?;
            out.push(Milestone { date, text });
        }
        Ok(out)
    }

    /// When the last digest for `destination` was queued.
    fn software_by_key(&mut self, key: &str) -> StoreResult<Option<Software>> {
        Tx::software_by_key(self, key)
    }

    fn all_software(&mut self) -> StoreResult<Vec<Software>> {
        Tx::all_software(self)
    }

    fn create_software(&mut self, name: &str, group: Option<GroupId>) -> StoreResult<SoftwareId> {
        Tx::create_software(self, name, group)
    }

    fn record_use(
        &mut self,
        software: SoftwareId,
        org: OrgId,
        status: Option<UseStatus>,
        note: Option<&str>,
        by: Option<PersonId>,
    ) -> StoreResult<bool> {
        Tx::record_use(self, software, org, status, note, by)
    }

    fn software_uses(&mut self, software: SoftwareId) -> StoreResult<Vec<SoftwareUse>> {
        Tx::software_uses(self, software)
    }

    fn organisation_software(&mut self, org: OrgId) -> StoreResult<Vec<(Software, SoftwareUse)>> {
        Tx::organisation_software(self, org)
    }

    fn create_poll(&mut self, poll: &NewPoll) -> StoreResult<PollId> {
        Tx::create_poll(self, poll)
    }

    fn poll(&mut self, id: PollId) -> StoreResult<Option<Poll>> {
        self.poll_by_id(id)
    }

    fn polls(&mut self, open: bool) -> StoreResult<Vec<Poll>> {
        Tx::polls(self, open, None)
    }

    fn poll_invitees(&mut self, id: PollId) -> StoreResult<Vec<Person>> {
        Tx::poll_invitees(self, id)
    }

    fn record_vote(
        &mut self,
        poll: PollId,
        person: PersonId,
        choices: Option<&[usize]>,
        channel: &str,
    ) -> StoreResult<()> {
        Tx::record_vote(self, poll, person, choices, channel)
    }

    fn record_poll_post(&mut self, event: &str, room: &str, poll: PollId) -> StoreResult<()> {
        Tx::record_poll_post(self, event, room, poll)
    }

    fn poll_by_post(&mut self, event: &str) -> StoreResult<Option<PollId>> {
        Tx::poll_by_post(self, event)
    }

    fn poll_posts(&mut self, poll: PollId) -> StoreResult<Vec<(String, String)>> {
        Tx::poll_posts(self, poll)
    }

    fn record_poll_mail(
        &mut self,
        message_id: &str,
        poll: PollId,
        person: PersonId,
    ) -> StoreResult<()> {
        Tx::record_poll_mail(self, message_id, poll, person)
    }

    fn poll_mail(&mut self, message_id: &str) -> StoreResult<Option<(PollId, PersonId)>> {
        Tx::poll_mail(self, message_id)
    }

    fn once(&mut self, key: &str) -> StoreResult<bool> {
        let inserted = self.conn().execute(
            "INSERT OR IGNORE INTO processed_messages (channel, external_id, processed_at)
                 VALUES ('once', ?1, ?2)",
            params![key, crate::ts(self.now())],
        )?;
        Ok(inserted == 1)
    }

    fn poll_votes(&mut self, id: PollId) -> StoreResult<Vec<Vote>> {
        Tx::poll_votes(self, id)
    }

    fn close_poll(&mut self, id: PollId, meeting: Option<MeetingId>) -> StoreResult<()> {
        Tx::close_poll(self, id, meeting)
    }

    fn mark_poll_reminded(&mut self, id: PollId) -> StoreResult<()> {
        Tx::mark_poll_reminded(self, id)
    }

    fn last_digest(&mut self, destination: &str) -> StoreResult<Option<jiff::Timestamp>> {
        let at: Option<String> = self
            .conn()
            .query_row(
                "SELECT MAX(sent_at) FROM digests_sent WHERE destination = ?1",
                params![destination],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        at.map(|s| parse_ts(&s)).transpose().map_err(Into::into)
    }

    /// SQLite's randomblob: the operating system's entropy through
    /// SQLite's ChaCha20 generator.
    fn random_token(&mut self) -> StoreResult<String> {
        self.conn()
            .query_row("SELECT lower(hex(randomblob(16)))", [], |r| r.get(0))
            .map_err(Into::into)
    }
}
