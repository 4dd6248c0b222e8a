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
            let v = greffier_commands::Store::random_token(tx)?;
            tx.set_cursor(name, &v)?;
            Ok(v)
        })
    }
}

impl Tx<'_> {
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

    /// Whether an unknown mail sender may get a refusal now (none in the
    /// last hour); if so, records that it gets one.
    pub fn refusal_due(&mut self, address: &str) -> Result<bool> {
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
            .write(now, |tx| tx.first_time(Channel::Matrix, "$e"))
            .expect("mark");
        let again = db
            .write(now, |tx| tx.first_time(Channel::Matrix, "$e"))
            .expect("mark");
        let other = db
            .write(now, |tx| tx.first_time(Channel::Email, "$e"))
            .expect("mark");
        assert_eq!((first, again, other), (true, false, true));
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
