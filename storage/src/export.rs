//! The whole state as the JSON of SPEC.md ("Export JSON"). Keys are stable;
//! lists are sorted so that two databases with the same state export the
//! same text.

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::{Database, Result, parse_ts};

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Export {
    pub organisations: Vec<ExportOrganisation>,
    pub people: Vec<ExportPerson>,
    pub groups: Vec<ExportGroup>,
    pub meetings: Vec<ExportMeeting>,
    pub software: Vec<ExportSoftware>,
    pub polls: Vec<ExportPoll>,
    /// The actions decided in séances (absent while there is none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<ExportAction>,
}

/// An action: its number, its meeting, who does it, what, by when, where
/// it stands ("ouverte", "faite", "abandonnee").
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportAction {
    pub n: u32,
    pub meeting: i64,
    pub owner: String,
    pub text: String,
    pub due: Option<String>,
    pub state: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportPoll {
    pub id: i64,
    pub title: String,
    /// The group's slug.
    pub group: Option<String>,
    pub closes_on: String,
    pub closed: bool,
    /// The meeting it ended in.
    pub meeting: Option<i64>,
    pub choices: Vec<ExportPollChoice>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportPollChoice {
    pub n: i64,
    pub date: String,
    pub voters: Vec<ExportVoter>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportVoter {
    pub person: String,
    pub organisation: Option<String>,
    pub channel: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportSoftware {
    pub name: String,
    /// The slug of the working group about it.
    pub group: Option<String>,
    pub users: Vec<ExportSoftwareUse>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportSoftwareUse {
    pub organisation: String,
    pub status: String,
    pub note: Option<String>,
    /// Where an import read it, until a member confirms it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportOrganisation {
    pub name: String,
    pub kind: Option<String>,
    /// Whose addresses and Matrix IDs confirm their membership at once.
    pub domains: Vec<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportPerson {
    pub name: String,
    pub organisation: Option<String>,
    /// "confirmed", "pending" or "refused" (with an organisation), or null.
    pub membership: Option<String>,
    pub emails: Vec<String>,
    pub matrix_ids: Vec<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportMilestone {
    pub date: String,
    pub text: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportGroup {
    pub slug: String,
    pub theme: String,
    pub status: String,
    pub lead: Option<String>,
    pub members: Vec<String>,
    pub supporters: Vec<String>,
    pub action: Option<String>,
    pub version: Option<String>,
    pub status_text: Option<String>,
    pub milestones: Vec<ExportMilestone>,
    pub room: Option<String>,
    pub list: Option<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportRsvp {
    pub person: String,
    pub organisation: Option<String>,
    pub status: String,
    pub channel: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct ExportMeeting {
    pub id: i64,
    pub title: String,
    pub starts_at: String,
    pub place: Option<String>,
    pub organiser: Option<String>,
    pub minute_taker: Option<String>,
    /// Cancelled by `!reunion annuler` (kept, with its answers).
    pub cancelled: bool,
    pub rsvps: Vec<ExportRsvp>,
    /// The ordre du jour, in order (absent while it is empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agenda: Vec<String>,
    /// The compte rendu of record: its last version (absent while there
    /// is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<ExportRecord>,
}

/// A compte rendu's last version: its state, and for an approved one
/// the hash of its frozen text, who approved it (none: imported) and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportRecord {
    pub state: String,
    pub version: u32,
    pub sha256: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

fn strings(db: &Database, sql: &str, id: i64) -> Result<Vec<String>> {
    let mut st = db.conn().prepare_cached(sql)?;
    let rows = st.query_map(params![id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Database {
    pub fn export(&self) -> Result<Export> {
        let conn = self.conn();
        let mut st = conn.prepare("SELECT id, name, kind FROM organisations ORDER BY key")?;
        let rows: Vec<(i64, String, Option<String>)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut organisations = Vec::new();
        for (id, name, kind) in rows {
            let domains = strings(
                self,
                "SELECT domain FROM organisation_domains WHERE organisation_id = ?1 ORDER BY domain",
                id,
            )?;
            organisations.push(ExportOrganisation {
                name,
                kind,
                domains,
            });
        }

        let mut st = conn.prepare(
            "SELECT p.id, p.name, o.name, CASE WHEN o.id IS NULL THEN NULL ELSE p.membership END
             FROM people p
             LEFT JOIN organisations o ON o.id = p.organisation_id
             WHERE p.forgotten_at IS NULL
             ORDER BY p.name, p.id",
        )?;
        let rows: Vec<(i64, String, Option<String>, Option<String>)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut people = Vec::new();
        for (id, name, organisation, membership) in rows {
            // By person (its index), the kinds apart here: a condition on
            // the kind made SQLite walk the (kind, value) index instead,
            // every identity of that kind for each person.
            let mut st = conn.prepare_cached(
                "SELECT kind, value FROM identities WHERE person_id = ?1 AND verified = 1
                 ORDER BY value",
            )?;
            let (mut emails, mut matrix_ids) = (Vec::new(), Vec::new());
            for row in st.query_map(params![id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))? {
                let (kind, value) = row?;
                match kind.as_str() {
                    "email" => emails.push(value),
                    "matrix" => matrix_ids.push(value),
                    _ => {}
                }
            }
            people.push(ExportPerson {
                name,
                organisation,
                membership,
                emails,
                matrix_ids,
            });
        }

        let mut st = conn.prepare(
            "SELECT g.id, g.slug, g.theme, g.status, o.name, g.action, g.room, g.list
             FROM groups g LEFT JOIN organisations o ON o.id = g.lead_id ORDER BY g.slug",
        )?;
        #[allow(clippy::type_complexity)]
        let rows: Vec<(
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        )> = st
            .query_map([], |r| r.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        let mut groups = Vec::new();
        for (id, slug, theme, status, lead, action, room, list) in rows {
            let members = strings(
                self,
                "SELECT DISTINCT o.name FROM group_members m
                 JOIN organisations o ON o.id = m.organisation_id
                 LEFT JOIN people p ON p.id = m.person_id
                 WHERE m.group_id = ?1 AND (m.person_id IS NULL OR p.membership = 'confirmed')
                 ORDER BY o.key",
                id,
            )?;
            let supporters = strings(
                self,
                "SELECT o.name FROM group_supports s
                 JOIN organisations o ON o.id = s.organisation_id
                 WHERE s.group_id = ?1 ORDER BY o.key",
                id,
            )?;
            let latest: Option<(Option<String>, String)> = conn
                .query_row(
                    "SELECT version, text FROM project_status WHERE group_id = ?1
                     ORDER BY id DESC LIMIT 1",
                    params![id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            // The current version is the latest one given, even if the
            // latest status update did not repeat it.
            let version: Option<String> = conn
                .query_row(
                    "SELECT version FROM project_status WHERE group_id = ?1 AND version IS NOT NULL
                     ORDER BY id DESC LIMIT 1",
                    params![id],
                    |r| r.get(0),
                )
                .optional()?;
            let mut st = conn.prepare_cached(
                "SELECT date, text FROM milestones WHERE group_id = ?1 ORDER BY date, id",
            )?;
            let milestones = st
                .query_map(params![id], |r| {
                    Ok(ExportMilestone {
                        date: r.get(0)?,
                        text: r.get(1)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            groups.push(ExportGroup {
                slug,
                theme,
                status,
                lead,
                members,
                supporters,
                action,
                version,
                status_text: latest.map(|(_, text)| text),
                milestones,
                room,
                list,
            });
        }

        let mut st = conn.prepare(
            "SELECT m.id, m.title, m.starts_at, m.place, o.name, p.name, m.status = 'cancelled'
             FROM meetings m
             LEFT JOIN organisations o ON o.id = m.organiser_id
             LEFT JOIN people p ON p.id = m.minute_taker_id
             ORDER BY m.starts_at, m.id",
        )?;
        #[allow(clippy::type_complexity)]
        let rows: Vec<(
            i64,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            bool,
        )> = st
            .query_map([], |r| r.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        let mut meetings = Vec::new();
        for (id, title, starts_at, place, organiser, minute_taker, cancelled) in rows {
            let mut st = conn.prepare_cached(
                "SELECT p.name, o.name, r.status, r.channel, r.reason
                 FROM invitations i
                 JOIN people p ON p.id = i.person_id
                 LEFT JOIN organisations o ON o.id = p.organisation_id
                 LEFT JOIN rsvps r ON r.id = (
                     SELECT MAX(id) FROM rsvps WHERE meeting_id = i.meeting_id AND person_id = i.person_id)
                 WHERE i.meeting_id = ?1
                 ORDER BY o.key, p.name",
            )?;
            let rsvps = st
                .query_map(params![id], |r| {
                    Ok(ExportRsvp {
                        person: r.get(0)?,
                        organisation: r.get(1)?,
                        status: r
                            .get::<_, Option<String>>(2)?
                            .unwrap_or_else(|| "no_answer".into()),
                        channel: r.get(3)?,
                        reason: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            let record = conn
                .prepare_cached(
                    "SELECT state, version, sha256, approved_by, approved_at FROM records
                     WHERE meeting_id = ?1 ORDER BY version DESC LIMIT 1",
                )?
                .query_row(params![id], |r| {
                    Ok(ExportRecord {
                        state: r.get(0)?,
                        version: r.get(1)?,
                        sha256: r.get(2)?,
                        approved_by: r.get(3)?,
                        approved_at: r.get(4)?,
                    })
                })
                .optional()?;
            let agenda = strings(
                self,
                "SELECT title FROM agenda_items WHERE meeting_id = ?1 ORDER BY position",
                id,
            )?;
            meetings.push(ExportMeeting {
                id,
                title,
                starts_at: parse_ts(&starts_at)?.to_string(),
                place,
                organiser,
                minute_taker,
                cancelled,
                rsvps,
                agenda,
                record,
            });
        }
        let mut st = conn.prepare(
            "SELECT s.id, s.name, g.slug FROM software s
             LEFT JOIN groups g ON g.id = s.group_id ORDER BY s.key",
        )?;
        let rows: Vec<(i64, String, Option<String>)> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut software = Vec::new();
        for (id, name, group) in rows {
            let mut st = conn.prepare_cached(
                "SELECT o.name, u.status, u.note, u.source FROM software_uses u
                 JOIN organisations o ON o.id = u.organisation_id
                 WHERE u.software_id = ?1 AND u.status IS NOT NULL
                   AND u.id = (SELECT MAX(id) FROM software_uses
                               WHERE software_id = u.software_id AND organisation_id = u.organisation_id)
                 ORDER BY o.key",
            )?;
            let users = st
                .query_map(params![id], |r| {
                    Ok(ExportSoftwareUse {
                        organisation: r.get(0)?,
                        status: r.get(1)?,
                        note: r.get(2)?,
                        source: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            software.push(ExportSoftware { name, group, users });
        }
        let mut st = conn.prepare(
            "SELECT p.id, p.title, g.slug, p.closes_on, p.closed_at IS NOT NULL, p.meeting_id
             FROM polls p LEFT JOIN groups g ON g.id = p.group_id ORDER BY p.id",
        )?;
        #[allow(clippy::type_complexity)]
        let rows: Vec<(i64, String, Option<String>, String, bool, Option<i64>)> = st
            .query_map([], |r| r.try_into())?
            .collect::<rusqlite::Result<_>>()?;
        let mut polls = Vec::new();
        for (id, title, group, closes_on, closed, meeting) in rows {
            // Each person's latest answer.
            let mut st = conn.prepare_cached(
                "SELECT pe.name, o.name, v.choices, v.channel FROM poll_votes v
                 JOIN people pe ON pe.id = v.person_id
                 LEFT JOIN organisations o ON o.id = pe.organisation_id
                 WHERE v.poll_id = ?1 AND v.withdrawn = 0 AND v.id = (SELECT MAX(id) FROM poll_votes
                     WHERE poll_id = v.poll_id AND person_id = v.person_id)
                 ORDER BY o.key, pe.name",
            )?;
            let votes: Vec<(String, Option<String>, String, String)> = st
                .query_map(params![id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            let mut st = conn
                .prepare_cached("SELECT n, date FROM poll_dates WHERE poll_id = ?1 ORDER BY n")?;
            let dates: Vec<(i64, String)> = st
                .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let choices = dates
                .into_iter()
                .map(|(n, date)| ExportPollChoice {
                    n,
                    date,
                    voters: votes
                        .iter()
                        .filter(|(_, _, choices, _)| choices.split(',').any(|c| c == n.to_string()))
                        .map(|(person, organisation, _, channel)| ExportVoter {
                            person: person.clone(),
                            organisation: organisation.clone(),
                            channel: channel.clone(),
                        })
                        .collect(),
                })
                .collect();
            polls.push(ExportPoll {
                id,
                title,
                group,
                closes_on,
                closed,
                meeting,
                choices,
            });
        }
        let actions = conn
            .prepare("SELECT n, meeting_id, owner, text, due, state FROM actions ORDER BY n")?
            .query_map([], |r| {
                Ok(ExportAction {
                    n: r.get(0)?,
                    meeting: r.get(1)?,
                    owner: r.get(2)?,
                    text: r.get(3)?,
                    due: r.get(4)?,
                    state: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Export {
            organisations,
            people,
            groups,
            meetings,
            software,
            polls,
            actions,
        })
    }
}
