//! The commands' [`HeldRequests`] role on a [`Tx`]: what an unproven
//! sender asked, kept until they confirm it.

use greffier_commands::store::{HeldRequest, HeldRequests, StoreResult};
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use crate::{Tx, ts};

impl HeldRequests for Tx<'_> {
    /// Keeps what an unauthenticated mail of `sender` asked (`input`,
    /// JSON) under `token` until a confirmation.
    fn hold(&mut self, token: &str, sender: &str, input: &str) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO held_mail (token, sender, input, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![token, sender, input, ts(self.now())],
        )?;
        Ok(())
    }

    /// What is held under `token`.
    fn held(&mut self, token: &str) -> StoreResult<Option<HeldRequest>> {
        let row: Option<(String, String, String, Option<String>)> = self
            .conn()
            .query_row(
                "SELECT sender, input, created_at, applied_at FROM held_mail WHERE token = ?1",
                params![token],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(sender, input, created, applied)| {
            Ok(HeldRequest {
                sender,
                input,
                created_at: crate::parse_ts(&created)?,
                applied: applied.is_some(),
            })
        })
        .transpose()
    }

    /// `sender`'s held requests made since `since`: how many still wait
    /// for a confirmation, and how many in all.
    fn held_since(&mut self, sender: &str, since: Timestamp) -> StoreResult<(usize, usize)> {
        let (pending, all): (i64, i64) = self.conn().query_row(
            "SELECT COALESCE(SUM(applied_at IS NULL), 0), COUNT(*) FROM held_mail
             WHERE sender = ?1 AND created_at >= ?2",
            params![sender, ts(since)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((
            usize::try_from(pending).unwrap_or(0),
            usize::try_from(all).unwrap_or(0),
        ))
    }

    /// What the requests held before `before` asked is deleted (their
    /// time to be confirmed is over); a stub of each (sender, time) stays
    /// until pruning, to count them and to tell a late confirmation that it
    /// came too late. Returns how many were emptied.
    fn expire_held(&mut self, before: Timestamp) -> StoreResult<usize> {
        Ok(self.conn().execute(
            "UPDATE held_mail SET input = '' WHERE created_at < ?1 AND input != ''",
            params![ts(before)],
        )?)
    }

    /// The held input was applied: later confirmations change nothing.
    fn mark_applied(&mut self, token: &str) -> StoreResult<()> {
        self.conn().execute(
            "UPDATE held_mail SET applied_at = ?2 WHERE token = ?1",
            params![token, ts(self.now())],
        )?;
        Ok(())
    }
}
