//! What executing a command asks the adapters to do. Actions are data: they
//! are written to the outbox in the same transaction as the state change,
//! and the adapters deliver them.

use serde::{Deserialize, Serialize};

use crate::request::Origin;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// The answer to a request, on the channel it came from.
    Reply { origin: Origin, text: String },
    /// A message to a group's room and mailing list (a proposal became
    /// active, say). The adapters skip what the group does not have.
    PostToGroup { group: String, text: String },
}
