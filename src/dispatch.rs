//! One way for every request, whatever its channel: open a transaction, run
//! the command, write its actions to the outbox in that same transaction and
//! commit. A malformed or refused command is undone (it runs inside a
//! savepoint) and only its reply is kept. A storage failure is logged and
//! the user gets an apology.
//!
//! A mail may hold several command lines: they run in order, each in its
//! own savepoint, and get one answer that quotes each command before its
//! reply.
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
    handle_all(db, ctx, std::slice::from_ref(req), key)
}

/// Runs the requests of one inbound message (same origin) and queues one
/// reply for all of them, then what the commands asked besides.
pub fn handle_all(
    db: &mut Database,
    ctx: &Context,
    reqs: &[Request],
    key: Option<MessageKey<'_>>,
) -> anyhow::Result<Handled> {
    let Some(first) = reqs.first() else {
        return Ok(Handled::Ignored);
    };
    let origin = first.origin.clone();
    let step = db.transaction(ctx.now, |tx| {
        if let Some((channel, id)) = key
            && !tx.first_time(channel, id)?
        {
            return Ok((None, false));
        }
        let mut replies = Vec::new();
        let mut besides = Vec::new();
        for req in reqs {
            let done = tx.savepoint(|tx| {
                let done = greffier_commands::execute(tx, ctx, req)?;
                let keep = done.as_ref().is_some_and(|d| d.commit);
                Ok((done, keep))
            })?;
            let Some(done) = done else { continue };
            for action in done.actions {
                match action {
                    Action::Reply { text, .. } => replies.push((req.text.trim(), text)),
                    other if done.commit => besides.push(other),
                    _ => {}
                }
            }
        }
        if replies.is_empty() {
            return Ok((Some(Handled::Ignored), false));
        }
        let text = if reqs.len() == 1 {
            replies.remove(0).1
        } else {
            replies
                .iter()
                .map(|(asked, reply)| format!("» {asked}\n{reply}"))
                .collect::<Vec<_>>()
                .join("\n\n")
        };
        let mut actions = vec![Action::Reply {
            origin: origin.clone(),
            text,
        }];
        actions.extend(besides);
        Ok((Some(Handled::Queued(tx.enqueue(&actions)?)), true))
    });
    match step {
        Ok(Some(handled)) => Ok(handled),
        Ok(None) => Ok(Handled::Duplicate),
        Err(e) => {
            tracing::error!(channel = origin.channel(), error = %e, "command failed");
            let apology = Action::Reply {
                origin: origin.clone(),
                text: greffier_commands::apology(ctx.lang),
            };
            // If the message was handled meanwhile, nothing is queued twice.
            let ids = db.write(ctx.now, |tx| {
                if let Some((channel, id)) = key
                    && !tx.first_time(channel, id)?
                {
                    return Ok(Vec::new());
                }
                tx.enqueue(&[apology])
            })?;
            Ok(Handled::Queued(ids))
        }
    }
}
