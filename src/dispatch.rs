//! One way for every request, whatever its channel: open a transaction, run
//! the command, write its actions to the outbox in that same transaction and
//! commit; a malformed or refused command is rolled back and only its reply
//! is queued. A storage failure is logged and the user gets an apology.

use greffier_commands::{Action, Context, Request};
use greffier_storage::Database;

/// What happened to a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Handled {
    /// Not a command (no prefix): nothing to do.
    Ignored,
    /// The outbox ids of the actions queued for it, the reply first.
    Queued(Vec<i64>),
}

pub fn handle(db: &mut Database, ctx: &Context, req: &Request) -> anyhow::Result<Handled> {
    enum Step {
        Ignored,
        Committed(Vec<i64>),
        RolledBack(Vec<Action>),
    }
    let step = db.transaction(ctx.now, |tx| {
        match greffier_commands::execute(tx, ctx, req)? {
            None => Ok((Step::Ignored, false)),
            Some(done) if done.commit => Ok((Step::Committed(tx.enqueue(&done.actions)?), true)),
            Some(done) => Ok((Step::RolledBack(done.actions), false)),
        }
    });
    let actions = match step {
        Ok(Step::Ignored) => return Ok(Handled::Ignored),
        Ok(Step::Committed(ids)) => return Ok(Handled::Queued(ids)),
        Ok(Step::RolledBack(actions)) => actions,
        Err(e) => {
            tracing::error!(channel = req.origin.channel(), error = %e, "command failed");
            vec![Action::Reply {
                origin: req.origin.clone(),
                text: greffier_commands::apology(ctx.lang),
            }]
        }
    };
    let ids = db.write(ctx.now, |tx| tx.enqueue(&actions))?;
    Ok(Handled::Queued(ids))
}
