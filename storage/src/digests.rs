//! Which week's digest went where: one row per (ISO week, destination),
//! written in the transaction that queues the digest, so that a week's
//! digest goes out once per destination, even across restarts.

use rusqlite::params;

use crate::{Result, Tx, ts};

impl Tx<'_> {
    /// Records that `week`'s digest was queued for `destination`; false if
    /// it already was.
    pub fn claim_digest(&mut self, week: &str, destination: &str) -> Result<bool> {
        let n = self.conn().execute(
            "INSERT OR IGNORE INTO digests_sent (week, destination, sent_at) VALUES (?1, ?2, ?3)",
            params![week, destination, ts(self.now())],
        )?;
        Ok(n == 1)
    }
}
