//! What the storage tests share: running one request the way the binary's
//! dispatch does.

use greffier_commands::{Action, Context, Request, execute};
use greffier_storage::Database;

/// Runs `req` in a transaction: the reply, and whether the change was kept
/// (with its actions queued).
pub fn run(db: &mut Database, ctx: &Context, req: &Request, line: &str) -> (String, bool) {
    db.transaction(ctx.now, |tx| {
        let done = execute(tx, ctx, req, line)?.expect("a command");
        let Some(Action::Reply { text, .. }) = done.actions.first().cloned() else {
            panic!("the first action is the reply");
        };
        if done.commit {
            tx.enqueue(&done.actions)?;
        }
        Ok(((text, done.commit), done.commit))
    })
    .expect("transaction")
}
