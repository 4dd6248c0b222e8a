//! The outbox: actions waiting to be delivered by an adapter. They are
//! written in the transaction of the change they follow; an adapter takes
//! the pending ones of its channel, delivers them and marks them delivered,
//! or schedules a retry, or records a permanent failure. An item's id is
//! stable, so an adapter can derive an idempotent transaction id from it.

use greffier_commands::action::Announced;
use greffier_commands::store::{Groups as _, Polls as _};
use greffier_commands::store::{MeetingId, PollId};
use greffier_commands::{Action, Channel};
use jiff::{SignedDuration, Timestamp};
use rusqlite::{OptionalExtension, params};

use crate::{Database, Error, Result, Tx, parse_ts, ts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub action: Action,
    pub attempts: i64,
    /// A delivery of this item began then and its outcome was never
    /// recorded (the process died during it): it may have been delivered.
    pub in_doubt_since: Option<Timestamp>,
    /// When it was queued.
    pub queued_at: Timestamp,
}

impl OutboxItem {
    /// What names this item to the servers (a Matrix transaction id, a
    /// Message-ID): the same at every attempt, so a resent item is known
    /// again. Its id alone would not do: after a backup is restored, the
    /// ids that came after the backup are given again to new items, and a
    /// homeserver answers a transaction id it knows with the old event,
    /// sending nothing; the instant it was queued tells them apart.
    pub fn unique(&self) -> String {
        format!("{}-{}", self.id, self.queued_at.as_millisecond())
    }
}

/// Which channel delivers an action: the binary's table of channels
/// decides (`route::channel_of`), not storage; `None`: no channel carries
/// it (the item is refused, nothing is stored).
pub type ChannelOf<'a> = &'a dyn Fn(&Action) -> Option<Channel>;

impl Tx<'_> {
    /// Queues actions, each under the channel `route` gives it; returns
    /// their outbox ids, in order. A `PostToGroup` becomes a post to the
    /// group's room and one to its list, for what the group has (neither
    /// when it has none).
    pub fn enqueue(&mut self, actions: &[Action], route: ChannelOf<'_>) -> Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(actions.len());
        for action in actions {
            match action {
                Action::PostToGroup {
                    group,
                    text,
                    meeting,
                    html,
                } => {
                    let Some(g) = greffier_commands::store::Groups::group_by_slug(self, group)?
                    else {
                        continue;
                    };
                    if let Some(room) = g.room {
                        ids.push(self.insert(
                            route,
                            &Action::PostToRoom {
                                room,
                                text: text.clone(),
                                meeting: *meeting,
                                html: html.clone(),
                            },
                        )?);
                    }
                    if let Some(list) = g.list {
                        ids.push(self.insert(
                            route,
                            &Action::PostToList {
                                list,
                                text: text.clone(),
                                html: html.clone(),
                                list_id: Some(g.slug.clone()),
                                image: None,
                            },
                        )?);
                    }
                }
                other => ids.push(self.insert(route, other)?),
            }
        }
        Ok(ids)
    }

    fn insert(&mut self, route: ChannelOf<'_>, action: &Action) -> Result<i64> {
        let channel =
            route(action).ok_or_else(|| Error::Corrupt(format!("no channel for {action:?}")))?;
        self.conn().execute(
            "INSERT INTO outbox (channel, payload, created_at, next_attempt_at)
             VALUES (?1, ?2, ?3, ?3)",
            params![
                channel.as_str(),
                serde_json::to_string(action)?,
                ts(self.now())
            ],
        )?;
        Ok(self.conn().last_insert_rowid())
    }
}

fn item(
    id: i64,
    payload: &str,
    attempts: i64,
    sending: Option<String>,
    created: &str,
) -> Result<OutboxItem> {
    Ok(OutboxItem {
        id,
        action: serde_json::from_str(payload)?,
        attempts,
        in_doubt_since: sending.as_deref().map(parse_ts).transpose()?,
        queued_at: parse_ts(created)?,
    })
}

impl Database {
    /// Items of `channel` due at `now`, oldest first.
    pub fn pending(
        &self,
        channel: Channel,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<OutboxItem>> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, payload, attempts, sending_since, created_at FROM outbox
             WHERE channel = ?1 AND delivered_at IS NULL AND failed_at IS NULL
               AND next_attempt_at <= ?2
             ORDER BY id LIMIT ?3",
        )?;
        let rows = st.query_map(params![channel.as_str(), ts(now), limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, payload, attempts, sending, created) = row?;
            out.push(item(id, &payload, attempts, sending, &created)?);
        }
        Ok(out)
    }

    /// One item, delivered or not.
    pub fn outbox_item(&self, id: i64) -> Result<Option<OutboxItem>> {
        let row: Option<(String, i64, Option<String>, String)> = self
            .conn()
            .query_row(
                "SELECT payload, attempts, sending_since, created_at FROM outbox WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(payload, attempts, sending, created)| {
            item(id, &payload, attempts, sending, &created)
        })
        .transpose()
    }

    /// A delivery of `id` begins (recorded before it does): if the process
    /// dies before its outcome is recorded, the item comes back in doubt.
    pub fn mark_sending(&self, id: i64, now: Timestamp) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET sending_since = COALESCE(sending_since, ?2) WHERE id = ?1",
            params![id, ts(now)],
        )?;
        Ok(())
    }

    /// Delivered. An announcement of a meeting or a poll (`announced`: the
    /// event id the post got, its room, what it announces) is remembered in
    /// the same transaction, so that reactions to it answer the invitation
    /// and responses to it are votes.
    pub fn mark_delivered(
        &mut self,
        id: i64,
        now: Timestamp,
        announced: Option<(&str, &str, Announced)>,
    ) -> Result<()> {
        let delivered = |conn: &rusqlite::Connection| {
            conn.execute(
                "UPDATE outbox SET delivered_at = ?2, attempts = attempts + 1 WHERE id = ?1",
                params![id, ts(now)],
            )
        };
        let Some((event, room, meeting)) = announced else {
            delivered(self.conn())?;
            return self.forget_settled(id);
        };
        self.write(now, |tx| {
            delivered(tx.conn())?;
            match meeting {
                Announced::Meeting(m) => tx.record_announcement(event, room, MeetingId(m)),
                Announced::Poll(p) => Ok(tx.record_poll_post(event, room, PollId(p))?),
                // The room made for a group: `event` is its id.
                Announced::GroupRoom(slug) => {
                    if let Some(g) = tx.group_by_slug(&slug)?
                        && g.room.is_none()
                    {
                        tx.set_group_room(g.id, event)?;
                    }
                    Ok(())
                }
                // The list made for a group: `event` is its address.
                Announced::GroupList(slug) => {
                    if let Some(g) = tx.group_by_slug(&slug)?
                        && g.list.is_none()
                    {
                        tx.set_group_list(g.id, event)?;
                    }
                    Ok(())
                }
            }
        })
    }

    /// A transient failure: try again after `delay`.
    /// A transient failure the process saw: retried after `delay`, and not
    /// in doubt (it was not delivered).
    pub fn mark_retry(
        &self,
        id: i64,
        now: Timestamp,
        delay: SignedDuration,
        error: &str,
    ) -> Result<()> {
        self.retry(id, now, delay, error, false)
    }

    /// The same, for a delivery still in doubt: it stays in doubt.
    pub fn mark_retry_in_doubt(
        &self,
        id: i64,
        now: Timestamp,
        delay: SignedDuration,
        error: &str,
    ) -> Result<()> {
        self.retry(id, now, delay, error, true)
    }

    fn retry(
        &self,
        id: i64,
        now: Timestamp,
        delay: SignedDuration,
        error: &str,
        in_doubt: bool,
    ) -> Result<()> {
        let next = now
            .checked_add(delay)
            .map_err(|e| Error::Corrupt(format!("retry delay: {e}")))?;
        self.conn().execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3,
                 sending_since = CASE WHEN ?4 THEN sending_since END
             WHERE id = ?1",
            params![id, ts(next), error, in_doubt],
        )?;
        Ok(())
    }

    /// A permanent failure: recorded, never retried.
    pub fn mark_failed(&self, id: i64, now: Timestamp, error: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE outbox SET attempts = attempts + 1, failed_at = ?2, last_error = ?3
             WHERE id = ?1",
            params![id, ts(now), error],
        )?;
        self.forget_settled(id)
    }

    /// An item queued by an erasure (an erased person's address taken off
    /// every list) carries the address only until it is settled: then its
    /// payload and error keep nothing of it, and the write-ahead log is
    /// emptied, so that no byte of the address stays in the database's
    /// files (issue 34, case 6).
    fn forget_settled(&self, id: i64) -> Result<()> {
        // One statement that changes nothing for any other item: no read
        // and no JSON parse added to every delivery.
        let emptied = self.conn().execute(
            "UPDATE outbox SET payload = json_set(payload, '$.address', ''),
                 last_error = replace(last_error, json_extract(payload, '$.address'), '…')
             WHERE id = ?1 AND json_extract(payload, '$.kind') = 'unsubscribe_everywhere'
                 AND json_extract(payload, '$.address') != ''",
            params![id],
        )?;
        if emptied > 0 {
            self.checkpoint();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use greffier_commands::Origin;
    use greffier_commands::store::Meetings as _;

    /// Everything to the console.
    const CONSOLE: ChannelOf<'static> = &|_| Some(Channel::CONSOLE);

    fn reply(text: &str) -> Action {
        Action::Reply {
            origin: Origin::Console,
            text: text.into(),
        }
    }

    #[test]
    fn enqueue_then_deliver() {
        let mut db = Database::open_in_memory().expect("open");
        let now = Timestamp::from_second(1_800_000_000).expect("ts");
        let ids = db
            .write(now, |tx| tx.enqueue(&[reply("a"), reply("b")], CONSOLE))
            .expect("enqueue");
        assert_eq!(ids.len(), 2);
        let pending = db.pending(Channel::CONSOLE, now, 10).expect("pending");
        assert_eq!(pending.iter().map(|i| i.id).collect::<Vec<_>>(), ids);
        assert_eq!(pending[0].action, reply("a"));
        db.mark_delivered(ids[0], now, None).expect("mark");
        assert_eq!(
            db.pending(Channel::CONSOLE, now, 10)
                .expect("pending")
                .len(),
            1
        );
        assert!(
            db.pending(Channel::MATRIX, now, 10)
                .expect("pending")
                .is_empty()
        );
    }

    #[test]
    fn a_delivered_announcement_is_found_by_its_event() {
        let mut db = Database::open_in_memory().expect("open");
        let now = Timestamp::from_second(1_800_000_000).expect("ts");
        let post = |meeting| Action::PostToRoom {
            room: "!r:example.test".into(),
            text: "Réunion".into(),
            meeting,
            html: None,
        };
        let ids = db
            .write(now, |tx| {
                let m = tx.create_meeting(&greffier_commands::meeting::NewMeeting {
                    title: "DSI".into(),
                    starts_at: now,
                    ends_at: None,
                    timezone: "UTC".into(),
                    place: None,
                    group: None,
                    organiser: None,
                    time_given: true,
                })?;
                tx.enqueue(&[post(Some(m.0)), post(None)], &|_| Some(Channel::MATRIX))
            })
            .expect("enqueue");
        let announced = db.outbox_item(ids[0]).expect("item").expect("queued");
        let (room, meeting) = announced.action.announces().expect("an announcement");
        assert!(matches!(meeting, Announced::Meeting(_)), "{meeting:?}");
        db.mark_delivered(ids[0], now, Some(("$announce", room, meeting)))
            .expect("delivered");
        let plain = db.outbox_item(ids[1]).expect("item").expect("queued");
        assert_eq!(plain.action.announces(), None);
        db.mark_delivered(ids[1], now, None).expect("delivered");
        let found = db
            .read(now, |tx| {
                Ok((
                    tx.announced_meeting("$announce")?,
                    tx.announced_meeting("$plain")?,
                ))
            })
            .expect("read");
        assert!(matches!(found, (Some(_), None)), "{found:?}");
        assert!(db.pending(Channel::MATRIX, now, 10).expect("p").is_empty());
    }

    #[test]
    fn retry_waits_and_failure_stops() {
        let mut db = Database::open_in_memory().expect("open");
        let now = Timestamp::from_second(1_800_000_000).expect("ts");
        let ids = db
            .write(now, |tx| tx.enqueue(&[reply("a"), reply("b")], CONSOLE))
            .expect("enqueue");
        db.mark_retry(ids[0], now, SignedDuration::from_secs(30), "down")
            .expect("retry");
        db.mark_failed(ids[1], now, "rejected").expect("fail");
        assert!(
            db.pending(Channel::CONSOLE, now, 10)
                .expect("pending")
                .is_empty()
        );
        let later = now.checked_add(SignedDuration::from_secs(31)).expect("ts");
        let due = db.pending(Channel::CONSOLE, later, 10).expect("pending");
        assert_eq!(due.len(), 1);
        assert_eq!((due[0].id, due[0].attempts), (ids[0], 1));
    }

    #[test]
    fn an_interrupted_delivery_comes_back_in_doubt() {
        let mut db = Database::open_in_memory().expect("open");
        let now = Timestamp::from_second(1_800_000_000).expect("ts");
        let later = now.checked_add(SignedDuration::from_secs(5)).expect("ts");
        let ids = db
            .write(now, |tx| tx.enqueue(&[reply("a")], CONSOLE))
            .expect("enqueue");
        assert_eq!(
            db.pending(Channel::CONSOLE, now, 10).expect("p")[0].in_doubt_since,
            None
        );
        // Begun, then the process died: in doubt since the first start.
        db.mark_sending(ids[0], now).expect("sending");
        db.mark_sending(ids[0], later).expect("sending");
        let item = &db.pending(Channel::CONSOLE, later, 10).expect("p")[0];
        assert_eq!(item.in_doubt_since, Some(now));
        // Still unknown: stays in doubt.
        db.mark_retry_in_doubt(ids[0], later, SignedDuration::ZERO, "waiting")
            .expect("retry");
        assert_eq!(
            db.pending(Channel::CONSOLE, later, 10).expect("p")[0].in_doubt_since,
            Some(now)
        );
        // A failure the process saw: not delivered, no doubt.
        db.mark_retry(ids[0], later, SignedDuration::ZERO, "refused")
            .expect("retry");
        assert_eq!(
            db.pending(Channel::CONSOLE, later, 10).expect("p")[0].in_doubt_since,
            None
        );
    }

    #[test]
    fn rolled_back_transaction_queues_nothing() {
        let mut db = Database::open_in_memory().expect("open");
        let now = Timestamp::from_second(1_800_000_000).expect("ts");
        db.transaction(now, |tx| {
            tx.enqueue(&[reply("a")], CONSOLE)?;
            Ok(((), false))
        })
        .expect("tx");
        assert!(
            db.pending(Channel::CONSOLE, now, 10)
                .expect("pending")
                .is_empty()
        );
    }
}

/// What `/healthz` tells of the queue and the adapters.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Health {
    /// Per channel: items waiting, and when the oldest was queued.
    pub waiting: Vec<Waiting>,
    /// Items that failed for good, and how many of them in the last day.
    pub failed: i64,
    pub failed_last_day: i64,
    /// When the Matrix sync position and the mailbox position last moved.
    pub matrix_synced_at: Option<String>,
    pub mail_read_at: Option<String>,
    /// When the mail adapter last looked at the mailbox (new mail or not).
    pub mail_checked_at: Option<String>,
    /// The running bot's sign of life (`HEARTBEAT`): when, and what it
    /// wrote (its process id, version and start).
    pub heartbeat_at: Option<String>,
    pub heartbeat: Option<String>,
    /// The last week a digest went out: the week, when, to how many places.
    pub last_digest: Option<LastDigest>,
    pub schema: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LastDigest {
    pub week: String,
    pub sent_at: String,
    pub destinations: i64,
}

/// The cursor the running bot rewrites every minute (`greffier status`).
pub const HEARTBEAT: &str = "bot.heartbeat";
/// The cursor the mail adapter rewrites each time it has read the mailbox.
pub const MAIL_CHECKED: &str = "mail.checked";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Waiting {
    pub channel: String,
    pub items: i64,
    pub oldest: String,
}

impl Database {
    /// SQLite's `data_version`: it changes when another connection has
    /// committed since this one last looked (the web pages' cache).
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// The queue and the adapters' positions, for `/healthz`.
    pub fn health(&self) -> Result<Health> {
        let conn = self.conn();
        let mut st = conn.prepare(
            "SELECT channel, COUNT(*), MIN(created_at) FROM outbox
             WHERE delivered_at IS NULL AND failed_at IS NULL GROUP BY channel ORDER BY channel",
        )?;
        let waiting = st
            .query_map([], |r| {
                Ok(Waiting {
                    channel: r.get(0)?,
                    items: r.get(1)?,
                    oldest: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let failed = conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        let day_ago = (Timestamp::now() - jiff::SignedDuration::from_hours(24)).to_string();
        let failed_last_day = conn.query_row(
            "SELECT COUNT(*) FROM outbox WHERE failed_at >= ?1",
            params![day_ago],
            |r| r.get(0),
        )?;
        let cursor = |name: &str| -> Result<Option<(String, String)>> {
            Ok(conn
                .query_row(
                    "SELECT updated_at, value FROM cursors WHERE name = ?1",
                    params![name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?)
        };
        let moved = |name: &str| -> Result<Option<String>> { Ok(cursor(name)?.map(|(at, _)| at)) };
        let heartbeat = cursor(HEARTBEAT)?;
        let last_digest = conn
            .query_row(
                "SELECT week, MAX(sent_at), COUNT(*) FROM digests_sent
                 WHERE week = (SELECT MAX(week) FROM digests_sent) GROUP BY week",
                [],
                |r| {
                    Ok(LastDigest {
                        week: r.get(0)?,
                        sent_at: r.get(1)?,
                        destinations: r.get(2)?,
                    })
                },
            )
            .optional()?;
        Ok(Health {
            waiting,
            failed,
            failed_last_day,
            matrix_synced_at: moved("matrix.since")?,
            mail_read_at: moved("mail.last_uid")?,
            mail_checked_at: moved(MAIL_CHECKED)?,
            heartbeat_at: heartbeat.as_ref().map(|(at, _)| at.clone()),
            heartbeat: heartbeat.map(|(_, v)| v),
            last_digest,
            schema: crate::migrations::version(conn)?,
        })
    }
}
