//! What the bot keeps for itself: once-only keys, when digests went, random tokens.

use jiff::Timestamp;

use super::StoreResult;

pub trait Ledger {
    /// True the first time `key` is given, false ever after: what is said
    /// once (a notice per person and poll).
    fn once(&mut self, key: &str) -> StoreResult<bool>;
    /// When the last scheduled digest for `destination` was queued.
    fn last_digest(&mut self, destination: &str) -> StoreResult<Option<Timestamp>>;
    /// 128 random bits as 32 hex digits: what nobody can guess (the
    /// Message-ID of an invitation, which only its invitee receives).
    fn random_token(&mut self) -> StoreResult<String>;
}
