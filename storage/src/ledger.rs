//! The commands' [`Ledger`] role on a [`Tx`].

use greffier_commands::store::{Ledger, StoreResult};
use rusqlite::{OptionalExtension, params};

use crate::{Tx, parse_ts};

impl Ledger for Tx<'_> {
    fn once(&mut self, key: &str) -> StoreResult<bool> {
        let inserted = self.conn().execute(
            "INSERT OR IGNORE INTO processed_messages (channel, external_id, processed_at)
                 VALUES ('once', ?1, ?2)",
            params![key, crate::ts(self.now())],
        )?;
        Ok(inserted == 1)
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
