//! How every Matrix client of the benchmarks syncs (the users' clients and
//! the do-nothing relay): the way greffier does, `sync_once` in a loop with
//! 30 s long polls, up to 1000 timeline events per room, and greffier's
//! filter otherwise (no typing notifications, read receipts, account data
//! or presence: `greffier::sync_filter`), so that they differ from the bot only
//! by what they do with what they see.

use std::time::Duration;

use matrix_sdk::config::{SyncSettings, SyncToken};
use matrix_sdk::ruma::api::client::sync::sync_events::v3::Filter;

/// The settings of the next `sync_once`, from the token the previous one
/// returned (none the first time).
pub fn settings(since: Option<&str>) -> SyncSettings {
    let filter = greffier::sync_filter(1000);
    SyncSettings::default()
        .filter(Filter::FilterDefinition(filter))
        .timeout(Duration::from_secs(30))
        .token(since.map_or(SyncToken::NoToken, |t| SyncToken::Specific(t.to_owned())))
}
