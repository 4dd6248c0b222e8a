//! Delivering one channel of the outbox, the same way for every adapter:
//! in lanes (a command's replies, a room, an address: each channel's
//! [`Route`] says), each oldest first, so many lanes at once (its
//! `parallel`); the start of a delivery is
//! recorded, so that an item whose delivery a crash interrupted comes back
//! "in doubt" (the mail adapter then looks for its own copy before sending
//! again); a delivered item is marked delivered (a meeting's announcement
//! with the event id the channel gave it, by which storage remembers it); a transient failure is retried later (2 s, 4 s …
//! up to 5 min apart); a permanent one, or the last allowed attempt, is
//! recorded as failed and logged. The pump is woken by the [`Inbox`] when
//! something is queued, and looks every second for what another process
//! (the console) queued or what is due for a retry.
//!
//! Each channel brings its delivery function: `matrix::outbound::deliver`,
//! `mail::outbound::Smtp::deliver`, and [`console_replies`] here.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use greffier_commands::{Action, Channel, Origin};
use jiff::Timestamp;

use crate::inbox::Inbox;
use crate::route::Route;

/// An item of the outbox, as the delivery functions get it.
pub use greffier_storage::OutboxItem;

/// What a delivery gave back: the id the channel gave the message, when
/// it gives one (a Matrix event id).
pub type Receipt = Option<String>;

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

/// How many deliveries of one channel run at once, unless its route says
/// otherwise. The homeserver and the SMTP server take tens of milliseconds
/// per message: one at a time, a burst of a thousand commands waited
/// minutes for its answers (see docs/benchmarks.md).
pub const PARALLEL: usize = 8;

/// The items cut in lanes, each in queue order, lanes in the order of
/// their first item; each with its key.
fn lanes(route: &Route, items: Vec<OutboxItem>) -> Vec<(String, Vec<OutboxItem>)> {
    let mut out: Vec<(String, Vec<OutboxItem>)> = Vec::new();
    for item in items {
        let key = (route.lane)(&item.action);
        match out.iter().position(|(k, _)| *k == key) {
            Some(i) => out[i].1.push(item),
            None => out.push((key, vec![item])),
        }
    }
    out
}

/// Delivers the channel of `route` forever with `deliver`, its
/// `parallel` lanes at once.
/// A lane that ends makes room at once for the next one (no batch waits
/// for its slowest item); a lane whose earlier items are still being
/// delivered waits for them.
pub async fn pump<F, Fut>(inbox: Arc<Inbox>, route: &'static Route, deliver: F)
where
    F: Fn(OutboxItem) -> Fut,
    Fut: Future<Output = Result<Receipt, SendError>>,
{
    const BATCH: usize = 50;
    let inbox = &*inbox;
    let deliver = &deliver;
    let (channel, width) = (route.channel, route.parallel);
    let mut running = futures_util::stream::FuturesUnordered::new();
    // The lanes being delivered, and their items.
    let mut busy: HashMap<String, Vec<i64>> = HashMap::new();
    loop {
        if running.len() < width {
            let in_flight: HashSet<i64> = busy.values().flatten().copied().collect();
            let items = inbox
                .db()
                .pending(channel, Timestamp::now(), BATCH + in_flight.len())
                .unwrap_or_else(|e| {
                    tracing::error!(%channel, error = %e, "cannot read the outbox");
                    Vec::new()
                });
            let fresh = items.into_iter().filter(|i| !in_flight.contains(&i.id));
            for (key, lane) in lanes(route, fresh.collect()) {
                if running.len() >= width {
                    break;
                }
                if busy.contains_key(&key) {
                    continue;
                }
                busy.insert(key.clone(), lane.iter().map(|i| i.id).collect());
                running.push(async move {
                    for item in lane {
                        deliver_one(inbox, channel, item, deliver).await;
                    }
                    key
                });
            }
        }
        tokio::select! {
            Some(key) = running.next(), if !running.is_empty() => {
                busy.remove(&key);
            }
            _ = inbox.waker(channel).notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

/// One delivery, its start and its outcome recorded.
async fn deliver_one<F, Fut>(inbox: &Inbox, channel: Channel, item: OutboxItem, deliver: &F)
where
    F: Fn(OutboxItem) -> Fut,
    Fut: Future<Output = Result<Receipt, SendError>>,
{
    let (id, attempts) = (item.id, item.attempts);
    // A meeting's announcement: the event id it gets is remembered.
    let announces = item
        .action
        .announces()
        .map(|(room, what)| (room.to_string(), what));
    // Recorded before the delivery begins: after a crash during it, the
    // item comes back in doubt (`in_doubt_since`).
    if let Err(e) = inbox.db().mark_sending(id, Timestamp::now()) {
        tracing::error!(%channel, id, error = %e, "cannot record a delivery");
        return;
    }
    let result = deliver(item).await;
    let now = Timestamp::now();
    let mut db = inbox.db();
    let stored = match result {
        Ok(receipt) => {
            let announced = match (&receipt, &announces) {
                (Some(event), Some((room, meeting))) => {
                    Some((event.as_str(), room.as_str(), meeting.clone()))
                }
                _ => None,
            };
            db.mark_delivered(id, now, announced)
        }
        Err(e) if e.permanent || attempts + 1 >= MAX_ATTEMPTS => {
            tracing::warn!(%channel, id, error = %e.message, "not delivered, for good");
            db.mark_failed(id, now, &e.message)
        }
        Err(e) => {
            let delay = retry_delay(attempts + 1);
            tracing::info!(%channel, id, error = %e.message, retry_in = ?delay, "not delivered yet");
            let delay = jiff::SignedDuration::try_from(delay).unwrap_or_default();
            if e.in_doubt {
                db.mark_retry_in_doubt(id, now, delay, &e.message)
            } else {
                db.mark_retry(id, now, delay, &e.message)
            }
        }
    };
    if let Err(e) = stored {
        tracing::error!(%channel, id, error = %e, "cannot record a delivery");
    }
}

/// The console's delivery: the replies among `ids` (what one line queued),
/// taken and marked delivered; the rest (room posts, mails) stays queued
/// for a running `greffier run`.
pub fn console_replies(inbox: &Inbox, ids: &[i64]) -> greffier_storage::Result<Vec<String>> {
    let mut db = inbox.db();
    let mut replies = Vec::new();
    for &id in ids {
        if let Some(item) = db.outbox_item(id)?
            && let Action::Reply {
                origin: Origin::Console,
                text,
            } = item.action
        {
            replies.push(text);
            db.mark_delivered(id, Timestamp::now(), None)?;
        }
    }
    Ok(replies)
}

/// A random id for this database, kept under `name`: part of the
/// transaction ids a channel makes from outbox ids, so that a new database
/// never reuses an old id; or a key for ids nobody can guess.
pub fn instance(inbox: &Inbox, name: &str) -> greffier_storage::Result<String> {
    inbox.kept_random(name)
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

    fn item(id: i64, action: Action) -> OutboxItem {
        OutboxItem {
            id,
            action,
            attempts: 0,
            in_doubt_since: None,
            queued_at: Timestamp::from_second(1_800_000_000).expect("ts"),
        }
    }

    fn reply(event: &str) -> Action {
        Action::Reply {
            origin: Origin::Matrix {
                room: "!r:example.test".into(),
                event: Some(event.into()),
                direct: false,
            },
            text: "ok".into(),
        }
    }

    fn post(room: &str) -> Action {
        Action::PostToRoom {
            room: room.into(),
            text: "annonce".into(),
            meeting: None,
            html: None,
        }
    }

    /// A route whose lane is the room of a post and the event of a reply.
    const ROUTE: Route = Route {
        channel: Channel::MATRIX,
        carries: |_| true,
        lane: |a| match a {
            Action::Reply { origin, .. } => crate::route::reply_lane(origin),
            Action::PostToRoom { room, .. } => format!("room {room}"),
            _ => String::new(),
        },
        parallel: PARALLEL,
        takes_newcomers: true,
        commands_per_hour: None,
        confirmation: None,
    };

    #[test]
    fn lanes_keep_the_queue_order_of_each_lane_in_the_order_of_their_first_item() {
        let items = vec![
            item(1, reply("$a")),
            item(2, reply("$b")),
            item(3, reply("$a")),
            item(4, post("!r:example.test")),
            item(5, post("!s:example.test")),
            item(6, post("!r:example.test")),
        ];
        let ids: Vec<Vec<i64>> = lanes(&ROUTE, items)
            .iter()
            .map(|(_, lane)| lane.iter().map(|i| i.id).collect())
            .collect();
        assert_eq!(ids, [vec![1, 3], vec![2], vec![4, 6], vec![5]]);
    }
}
