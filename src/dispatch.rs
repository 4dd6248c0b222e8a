//! One way for every request, whatever its channel: open a transaction, run
//! the command, write its actions to the outbox in that same transaction and
//! commit; a malformed or refused command is rolled back and only its reply
//! is queued. A storage failure is logged and the user gets an apology.
//!
//! An inbound message with an id (a Matrix event, a mail) is recorded as
//! handled in the transaction that queues its reply, so that a message seen
//! again after a restart is not answered twice.

use greffier_commands::{Action, Context, Request};
use greffier_storage::Database;

/// What happened to a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Handled {
    /// Not a command (no prefix): nothing to do.
    Ignored,
    /// Already handled: this message was seen before.
    Duplicate,
    /// The outbox ids of the actions queued for it, the reply first.
    Queued(Vec<i64>),
}

/// The inbound message's identity: its channel and its id there.
pub type MessageKey<'a> = (&'a str, &'a str);

pub fn handle(
    db: &mut Database,
    ctx: &Context,
    req: &Request,
    key: Option<MessageKey<'_>>,
) -> anyhow::Result<Handled> {
    enum Step {
        Ignored,
        Duplicate,
        Committed(Vec<i64>),
        RolledBack(Vec<Action>),
    }
    let step = db.transaction(ctx.now, |tx| {
        if let Some((channel, id)) = key
            && !tx.first_time(channel, id)?
        {
            return Ok((Step::Duplicate, false));
        }
        match greffier_commands::execute(tx, ctx, req)? {
            None => Ok((Step::Ignored, false)),
            Some(done) if done.commit => Ok((Step::Committed(tx.enqueue(&done.actions)?), true)),
            Some(done) => Ok((Step::RolledBack(done.actions), false)),
        }
    });
    let actions = match step {
        Ok(Step::Ignored) => return Ok(Handled::Ignored),
        Ok(Step::Duplicate) => return Ok(Handled::Duplicate),
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
    // The refusal (or apology) is queued on its own, with the message marked
    // handled; if it was handled meanwhile, nothing is queued twice.
    let ids = db.write(ctx.now, |tx| {
        if let Some((channel, id)) = key
            && !tx.first_time(channel, id)?
        {
            return Ok(Vec::new());
        }
        tx.enqueue(&actions)
    })?;
    Ok(Handled::Queued(ids))
}
