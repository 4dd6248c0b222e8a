//! How an action finds the channel that delivers it, and what a channel
//! says of its senders: a [`Route`], which each adapter folder defines
//! beside its `PLUGIN` (the table of channels, `crate::channels`, lists
//! them). The outbox stores each action under the channel whose route
//! carries it; storage does not decide.

use greffier_commands::store::{Identity, StoreResult};
use greffier_commands::{Action, Channel, Context, Notice, Origin, Store};
use greffier_storage::Tx;

pub struct Route {
    /// The outbox queue it delivers, and the channel its senders speak in.
    pub channel: Channel,
    /// The actions it delivers.
    pub carries: fn(&Action) -> bool,
    /// The lane of an item: items of one lane are delivered in the order
    /// they were queued, lanes side by side (a command's replies keep their
    /// order; posts to one room or list and mails to one address keep
    /// theirs).
    pub lane: fn(&Action) -> String,
    /// How many lanes are delivered at once.
    pub parallel: usize,
    /// Whether a sender the bot does not know yet may speak here (and so
    /// become a person): a Matrix ID is vouched for by the homeserver and
    /// the console's `--as` by the operator; a mail's From proves nothing
    /// until the address is linked with `!moi lier`.
    pub takes_newcomers: bool,
    /// The command lines one sender may send in an hour, where the bot
    /// counts them: by mail, where each command is a mail the bot writes
    /// back.
    pub commands_per_hour: Option<usize>,
    /// How a sender the channel could not prove confirms what they asked
    /// to change (the mail's: a reply to a confirmation request);
    /// `None`: such changes are refused.
    pub confirmation: Option<&'static Confirmation>,
}

/// Keeps what an unproven sender (`origin`, `sender`) asked to change
/// (`held`: the input, as JSON; `shown`: its lines, to quote) and asks
/// them to confirm it, after what `ran` answered already: the actions
/// that answer.
pub type Hold = fn(
    &mut dyn Store,
    &Context,
    &Origin,
    &Identity,
    String,
    Vec<String>,
    Option<Vec<Action>>,
) -> StoreResult<Vec<Action>>;

/// When what `origin` says is a confirmation of a request `sender` made:
/// what it confirms.
pub type Confirm =
    fn(&mut dyn Store, &Context, &Origin, &Identity) -> StoreResult<Option<Confirmed>>;

/// A channel's way to have its unproven senders confirm their changes.
pub struct Confirmation {
    pub hold: Hold,
    pub confirm: Confirm,
}

/// What a confirmation gave.
#[derive(Debug)]
pub enum Confirmed {
    /// The held input (JSON), to run now as the proven sender's.
    Run(String),
    /// Only this to say (already confirmed, expired).
    Say(Notice),
}

/// The routes of the channels the bot has (`crate::channels::routes`).
pub type Routes = &'static [&'static Route];

/// The channel that delivers `action`: the first route that carries it.
pub fn channel_of(routes: Routes, action: &Action) -> Option<Channel> {
    routes
        .iter()
        .find(|r| (r.carries)(action))
        .map(|r| r.channel)
}

/// Queues `actions`, each under the channel that delivers it.
pub fn enqueue(
    tx: &mut Tx<'_>,
    routes: Routes,
    actions: &[Action],
) -> greffier_storage::Result<Vec<i64>> {
    tx.enqueue(actions, &|a| channel_of(routes, a))
}

/// The route of the channel named `name`.
pub fn named(routes: Routes, name: &str) -> Option<&'static Route> {
    routes.iter().copied().find(|r| r.channel.as_str() == name)
}

/// A reply (or a confirmation request) that goes back through `channel`.
pub fn answers_on(action: &Action, channel: Channel) -> bool {
    match action {
        Action::Reply { origin, .. } | Action::Confirm { origin, .. } => {
            origin.channel_name() == channel.as_str()
        }
        _ => false,
    }
}

/// The lane of a reply: one per command (a Matrix event, a mail's sender,
/// the console), so that a command's replies keep their order.
pub fn reply_lane(origin: &Origin) -> String {
    match origin {
        Origin::Matrix {
            event: Some(event), ..
        } => format!("reply {event}"),
        Origin::Matrix {
            room, event: None, ..
        } => format!("room {room}"),
        Origin::Email { from, .. } => format!("mail {}", from.to_lowercase()),
        Origin::Console => "console".into(),
        Origin::Other { name, to } => format!("{name} {to}"),
    }
}
