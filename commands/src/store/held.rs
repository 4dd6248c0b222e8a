//! Held requests: what a sender who could not be proven asked, kept until
//! they confirm it (a channel's own way, the mail's: a reply to a
//! confirmation request).

use jiff::Timestamp;

use super::StoreResult;

/// What an unproven sender asked, waiting for its confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldRequest {
    pub sender: String,
    /// What was asked, as the inbox wrote it (JSON); emptied once expired.
    pub input: String,
    pub created_at: Timestamp,
    pub applied: bool,
}

pub trait HeldRequests {
    /// Keeps what `sender` asked (`input`) under `token` until a
    /// confirmation.
    fn hold(&mut self, token: &str, sender: &str, input: &str) -> StoreResult<()>;
    /// What is held under `token`.
    fn held(&mut self, token: &str) -> StoreResult<Option<HeldRequest>>;
    /// `sender`'s held requests made since `since`: how many still wait
    /// for a confirmation, and how many in all.
    fn held_since(&mut self, sender: &str, since: Timestamp) -> StoreResult<(usize, usize)>;
    /// Empties the input of the requests held since before `before`: the
    /// rows stay (they are counted) until the retention prunes them.
    fn expire_held(&mut self, before: Timestamp) -> StoreResult<usize>;
    /// The held input was applied: later confirmations change nothing.
    fn mark_applied(&mut self, token: &str) -> StoreResult<()>;
}
