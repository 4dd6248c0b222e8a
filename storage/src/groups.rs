//! The commands' [`Groups`] role on a [`Tx`].

use greffier_commands::store::GroupEventKind;
use greffier_commands::store::{
    Group, GroupId, GroupStatus, Groups, Milestone, NewGroup, OrgId, Organisation, Person,
    PersonId, ProjectStatus, StoreResult,
};
use jiff::civil::Date;
use rusqlite::{OptionalExtension, Row, params};

use crate::organisations::org_row;
use crate::people::{PERSON_COLUMNS, person_row};
use crate::{Tx, parse_ts, ts};

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
    pub(crate) fn event(
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

    pub(crate) fn orgs_query(&self, sql: &str, group: GroupId) -> StoreResult<Vec<Organisation>> {
        let mut st = self.conn().prepare_cached(sql)?;
        let rows = st.query_map(params![group.0], org_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The groups `condition` (SQL over the groups table) holds for, by slug.
    pub(crate) fn groups_where(&mut self, condition: &str) -> StoreResult<Vec<Group>> {
        let sql = format!("SELECT {GROUP_COLUMNS} FROM groups WHERE {condition} ORDER BY slug");
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map([], group_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl Groups for Tx<'_> {
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

    fn update_group(
        &mut self,
        group: GroupId,
        theme: &str,
        action: Option<&str>,
        slug: &str,
    ) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE groups SET theme = ?2, action = ?3, slug = ?4 WHERE id = ?1",
            params![group.0, theme, action, slug],
        )?;
        Ok(())
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
}
