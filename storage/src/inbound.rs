//! What the bot remembers of what comes in: its positions in the inbound
//! streams (a Matrix sync token, an IMAP UIDVALIDITY and last UID: the
//! `cursors` table, which also keeps a few per-database values), the once-only
//! keys of the inbound messages already handled (`processed_messages`), so
//! that a message seen twice is acted on once, and when an unknown mail
//! sender was last refused (`mail_refusals`).

use greffier_commands::Channel;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

use crate::{Database, Result, Tx, ts};

fn read(conn: &Connection, name: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM cursors WHERE name = ?1",
            params![name],
            |r| r.get(0),
        )
        .optional()?)
}

impl Database {
    /// The stored value of cursor `name`.
    pub fn cursor(&self, name: &str) -> Result<Option<String>> {
        read(self.conn(), name)
    }

    pub fn set_cursor(&mut self, name: &str, value: &str, now: Timestamp) -> Result<()> {
        self.write(now, |tx| tx.set_cursor(name, value))
    }

    /// A random value made once per database and kept under `name`: 128
    /// bits from SQLite's random source (an instance id for idempotent
    /// transaction ids, a key for unguessable Message-IDs).
    pub fn kept_random(&mut self, name: &str, now: Timestamp) -> Result<String> {
        self.write(now, |tx| {
            if let Some(v) = tx.cursor(name)? {
                return Ok(v);
            }
            let v = greffier_commands::store::Ledger::random_token(tx)?;
            tx.set_cursor(name, &v)?;
            Ok(v)
        })
    }
}

/// Refusals to unknown mail senders, all addresses together, per hour.
pub const MAX_REFUSALS_PER_HOUR: i64 = 30;

/// What a sender did in the last hour on a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SenderLoad {
    /// Command lines run.
    pub commands: usize,
    /// Notices that the limit was hit.
    pub notices: usize,
}

impl Tx<'_> {
    /// What `sender` did on `channel` in the hour before now.
    pub fn sender_load(&mut self, channel: Channel, sender: &str) -> Result<SenderLoad> {
        let hour_ago = self.now() - jiff::SignedDuration::from_hours(1);
        let (commands, notices): (i64, i64) = self.conn().query_row(
            "SELECT COALESCE(SUM(commands), 0), COALESCE(SUM(notices), 0) FROM sender_counts
             WHERE channel = ?1 AND sender = ?2 AND at >= ?3",
            params![channel.as_str(), sender, ts(hour_ago)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(SenderLoad {
            commands: usize::try_from(commands).unwrap_or(0),
            notices: usize::try_from(notices).unwrap_or(0),
        })
    }

    /// Counts `commands` lines run, or a notice, for `sender`.
    pub fn count_sender(&mut self, channel: Channel, sender: &str, load: SenderLoad) -> Result<()> {
        self.conn().execute(
            "INSERT INTO sender_counts (channel, sender, commands, notices, at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                channel.as_str(),
                sender,
                load.commands as i64,
                load.notices as i64,
                ts(self.now())
            ],
        )?;
        Ok(())
    }

    pub fn cursor(&self, name: &str) -> Result<Option<String>> {
        read(self.conn(), name)
    }

    pub fn set_cursor(&mut self, name: &str, value: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO cursors (name, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO UPDATE SET value = ?2, updated_at = ?3",
            params![name, value, ts(self.now())],
        )?;
        Ok(())
    }

    /// Whether an unknown mail sender may get a refusal now: none to this
    /// address in the last hour, and fewer than [`MAX_REFUSALS_PER_HOUR`]
    /// to anyone (forged senders must not make the bot a mail cannon); if
    /// so, records that it gets one.
    pub fn refusal_due(&mut self, address: &str) -> Result<bool> {
        let hour_ago = self.now() - jiff::SignedDuration::from_hours(1);
        let recent: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM mail_refusals WHERE last_at >= ?1",
            params![ts(hour_ago)],
            |r| r.get(0),
        )?;
        if recent >= MAX_REFUSALS_PER_HOUR {
            return Ok(false);
        }
        let last: Option<String> = self
            .conn()
            .query_row(
                "SELECT last_at FROM mail_refusals WHERE address = ?1",
                params![address],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(last) = last {
            let last = crate::parse_ts(&last)?;
            if self.now().duration_since(last) < jiff::SignedDuration::from_hours(1) {
                return Ok(false);
            }
        }
        self.conn().execute(
            "INSERT INTO mail_refusals (address, last_at) VALUES (?1, ?2)
             ON CONFLICT (address) DO UPDATE SET last_at = ?2",
            params![address, ts(self.now())],
        )?;
        Ok(true)
    }

    /// Records inbound message `id` of `channel` as handled; `false` when it
    /// already was (the caller then does nothing).
    pub fn first_time(&mut self, channel: Channel, id: &str) -> Result<bool> {
        let inserted = self.conn().execute(
            "INSERT OR IGNORE INTO processed_messages (channel, external_id, processed_at)
             VALUES (?1, ?2, ?3)",
            params![channel.as_str(), id, ts(self.now())],
        )?;
        Ok(inserted == 1)
    }
}

/// What pruning removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pruned {
    pub handled_keys: usize,
    pub refusals: usize,
    pub delivered: usize,
    pub counts: usize,
}

impl Database {
    /// Forgets what is older than `before`: the once-only keys of handled
    /// messages, the refusals to unknown senders, the delivered outbox
    /// items (`bot.retention_days`); and the per-day counters (link code
    /// guesses, commands per sender) older than a day.
    pub fn prune(&mut self, now: Timestamp, before: Timestamp) -> Result<Pruned> {
        let day_ago = ts(now - jiff::SignedDuration::from_hours(24));
        let before = ts(before);
        self.write(now, |tx| {
            let run =
                |sql: &str, at: &str| -> Result<usize> { Ok(tx.conn().execute(sql, params![at])?) };
            let pruned = Pruned {
                handled_keys: run(
                    "DELETE FROM processed_messages WHERE processed_at < ?1",
                    &before,
                )?,
                refusals: run("DELETE FROM mail_refusals WHERE last_at < ?1", &before)?,
                delivered: run("DELETE FROM outbox WHERE delivered_at < ?1", &before)?,
                counts: run("DELETE FROM sender_counts WHERE at < ?1", &day_ago)?
                    + run("DELETE FROM code_guesses WHERE at < ?1", &day_ago)?
                    + run("DELETE FROM held_mail WHERE created_at < ?1", &before)?,
            };
            Ok(pruned)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_and_processed_messages() {
        let mut db = Database::open_in_memory().expect("open");
        let now = Timestamp::from_second(1_800_000_000).expect("ts");
        assert_eq!(db.cursor("matrix.since").expect("read"), None);
        db.set_cursor("matrix.since", "s1", now).expect("set");
        db.set_cursor("matrix.since", "s2", now).expect("set");
        assert_eq!(
            db.cursor("matrix.since").expect("read").as_deref(),
            Some("s2")
        );
        let a = db.kept_random("instance", now).expect("init");
        let b = db.kept_random("instance", now).expect("init");
        let other = db.kept_random("key", now).expect("init");
        assert_eq!(a, b, "kept");
        assert_ne!(a, other, "random");
        assert!(
            a.len() == 32 && a.bytes().all(|c| c.is_ascii_hexdigit()),
            "{a}"
        );
        let first = db
            .write(now, |tx| tx.first_time(Channel::MATRIX, "$e"))
            .expect("mark");
        let again = db
            .write(now, |tx| tx.first_time(Channel::MATRIX, "$e"))
            .expect("mark");
        let other = db
            .write(now, |tx| tx.first_time(Channel::EMAIL, "$e"))
            .expect("mark");
        assert_eq!((first, again, other), (true, false, true));
    }

    #[test]
    fn refusals_are_capped_for_all_addresses_together() {
        let mut db = Database::open_in_memory().expect("open");
        let t0 = Timestamp::from_second(1_800_000_000).expect("ts");
        let mut sent = 0;
        for i in 0..100 {
            let address = format!("forged{i}@example.test");
            sent += usize::from(db.write(t0, |tx| tx.refusal_due(&address)).expect("due"));
        }
        assert_eq!(sent as i64, MAX_REFUSALS_PER_HOUR);
        let later = Timestamp::from_second(1_800_000_000 + 3601).expect("ts");
        assert!(
            db.write(later, |tx| tx.refusal_due("forged99@example.test"))
                .expect("due")
        );
    }

    #[test]
    fn pruning_forgets_what_is_old_and_keeps_the_rest() {
        let mut db = Database::open_in_memory().expect("open");
        let old = Timestamp::from_second(1_800_000_000).expect("ts");
        let now = old + jiff::SignedDuration::from_hours(24 * 100);
        for (t, key) in [(old, "$old"), (now, "$new")] {
            db.write(t, |tx| {
                tx.first_time(Channel::MATRIX, key)?;
                tx.refusal_due(key)?;
                tx.count_sender(
                    Channel::EMAIL,
                    key,
                    SenderLoad {
                        commands: 1,
                        notices: 0,
                    },
                )?;
                let ids = tx.enqueue(
                    &[greffier_commands::Action::Reply {
                        origin: greffier_commands::Origin::Console,
                        text: key.into(),
                    }],
                    &|_| Some(Channel::CONSOLE),
                )?;
                tx.enqueue(
                    &[greffier_commands::Action::Reply {
                        origin: greffier_commands::Origin::Console,
                        text: format!("{key} pending"),
                    }],
                    &|_| Some(Channel::CONSOLE),
                )?;
                Ok(ids)
            })
            .and_then(|ids| db.mark_delivered(ids[0], t, None))
            .expect("written");
        }
        let before = now - jiff::SignedDuration::from_hours(24 * 90);
        let pruned = db.prune(now, before).expect("prune");
        assert_eq!(
            pruned,
            Pruned {
                handled_keys: 1,
                refusals: 1,
                delivered: 1,
                counts: 1
            }
        );
        // What is recent, and what is not delivered yet, stays.
        let seen = db
            .write(now, |tx| tx.first_time(Channel::MATRIX, "$new"))
            .expect("seen");
        assert!(!seen);
        let pending = db.pending(Channel::CONSOLE, now, 10).expect("pending");
        assert_eq!(pending.len(), 2, "both undelivered items stay");
    }

    #[test]
    fn one_refusal_per_address_per_hour() {
        let mut db = Database::open_in_memory().expect("open");
        let t0 = Timestamp::from_second(1_800_000_000).expect("ts");
        let at = |secs: i64| Timestamp::from_second(1_800_000_000 + secs).expect("ts");
        let due = |db: &mut Database, t: Timestamp, a: &str| {
            db.write(t, |tx| tx.refusal_due(a)).expect("refusal")
        };
        assert!(due(&mut db, t0, "x@example.test"));
        assert!(!due(&mut db, at(1800), "x@example.test"));
        assert!(due(&mut db, at(1800), "y@example.test"));
        assert!(due(&mut db, at(3601), "x@example.test"));
    }
}
