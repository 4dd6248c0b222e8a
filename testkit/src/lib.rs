//! Greffier's users, as the integration tests and the benchmarks play them
//! against the local servers of `scripts/servers` (Synapse, Dovecot,
//! Postfix): fresh accounts, a Matrix client typing in rooms, mail sent over
//! SMTP the way clients write it and read back over IMAP.
//!
//! Not part of the bot: nothing here is built into `greffier`.

pub mod mail;
pub mod matrix;

use std::time::Duration;

/// How long a test waits for the bot to do something.
pub const PATIENCE: Duration = Duration::from_secs(60);
