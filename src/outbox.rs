//! Delivering one channel of the outbox, the same way for every adapter:
//! oldest first; the start of a delivery is recorded, so that an item whose
//! delivery a crash interrupted comes back "in doubt" (the mail adapter then
//! looks for its own copy before sending again); a delivered item is marked
//! delivered; a transient failure
//! is retried later (2 s, 4 s … up to 5 min apart); a permanent one, or
//! the last allowed attempt, is recorded as failed and logged. The pump is
//! woken when something is queued, and looks every second for what another
//! process (the console) queued or what is due for a retry.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use greffier_storage::OutboxItem;
use jiff::Timestamp;
use tokio::sync::Notify;

use crate::run::{SharedDb, lock};

/// Items are tried this many times at most.
pub const MAX_ATTEMPTS: i64 = 12;

/// Why a delivery did not happen.
#[derive(Debug)]
pub struct SendError {
    /// Retrying cannot help (the bot is not in the room, the address is
    /// refused).
    pub permanent: bool,
    /// The item may have been delivered by an interrupted attempt, and it
    /// is not known yet: it stays in doubt until the next try.
    pub in_doubt: bool,
    pub message: String,
}

impl SendError {
    pub fn permanent(message: impl Into<String>) -> SendError {
        SendError {
            permanent: true,
            in_doubt: false,
            message: message.into(),
        }
    }

    pub fn transient(message: impl Into<String>) -> SendError {
        SendError {
            permanent: false,
            in_doubt: false,
            message: message.into(),
        }
    }

    /// Not sent: whether an interrupted attempt delivered it is not known
    /// yet.
    pub fn in_doubt(message: impl Into<String>) -> SendError {
        SendError {
            permanent: false,
            in_doubt: true,
            message: message.into(),
        }
    }
}

/// After `attempts` failures, when to try again: 2, 4, 8 … up to 300 s.
pub fn retry_delay(attempts: i64) -> Duration {
    Duration::from_secs(2u64.saturating_pow(attempts.clamp(1, 9) as u32).min(300))
}

/// Delivers `channel` forever with `deliver`.
pub async fn pump<F, Fut>(db: SharedDb, channel: &'static str, wake: Arc<Notify>, deliver: F)
where
    F: Fn(OutboxItem) -> Fut,
    Fut: Future<Output = Result<(), SendError>>,
{
    const BATCH: usize = 50;
    loop {
        let items = lock(&db)
            .pending(channel, Timestamp::now(), BATCH)
            .unwrap_or_else(|e| {
                tracing::error!(channel, error = %e, "cannot read the outbox");
                Vec::new()
            });
        let full = items.len() == BATCH;
        for item in items {
            let (id, attempts) = (item.id, item.attempts);
            // Recorded before the delivery begins: after a crash during it,
            // the item comes back in doubt (`in_doubt_since`).
            if let Err(e) = lock(&db).mark_sending(id, Timestamp::now()) {
                tracing::error!(channel, id, error = %e, "cannot record a delivery");
                continue;
            }
            let result = deliver(item).await;
            let now = Timestamp::now();
            let db = lock(&db);
            let stored = match result {
                Ok(()) => db.mark_delivered(id, now),
                Err(e) if e.permanent || attempts + 1 >= MAX_ATTEMPTS => {
                    tracing::warn!(channel, id, error = %e.message, "not delivered, for good");
                    db.mark_failed(id, now, &e.message)
                }
                Err(e) => {
                    let delay = retry_delay(attempts + 1);
                    tracing::info!(channel, id, error = %e.message, retry_in = ?delay, "not delivered yet");
                    let delay = jiff::SignedDuration::try_from(delay).unwrap_or_default();
                    if e.in_doubt {
                        db.mark_retry_in_doubt(id, now, delay, &e.message)
                    } else {
                        db.mark_retry(id, now, delay, &e.message)
                    }
                }
            };
            if let Err(e) = stored {
                tracing::error!(channel, id, error = %e, "cannot record a delivery");
            }
        }
        if !full {
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delay_grows_and_is_capped() {
        assert_eq!(retry_delay(1), Duration::from_secs(2));
        assert_eq!(retry_delay(3), Duration::from_secs(8));
        assert_eq!(retry_delay(50), Duration::from_secs(300));
    }
}
