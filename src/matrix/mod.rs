//! The Matrix adapter: the bot in the rooms.
//!
//! - [`session`]: log in once, keep the session and the end-to-end keys in
//!   the SQLite store under `matrix.store`.
//! - [`sync`]: the sync loop, its own `/sync` calls from the position stored
//!   in the database (`matrix.since`), which is written only after every
//!   event the response holds has been handed to the [`Inbox`]; and what
//!   each event becomes there (a typed line, the RSVP a reaction means, the
//!   withdrawal of a reaction taken back). The first sync of a fresh
//!   database, and a room's history before the bot joined, are not
//!   answered.
//! - [`rooms`]: invites (accepted only from `allowed_servers`), the
//!   greeting in a room the bot joins, the seed groups' rooms.
//! - [`inbound`]: which events are for the bot, and their text (pure).
//! - [`outbound`]: the outbox's "matrix" items, sent as `m.notice` with a
//!   transaction id made from the outbox id.
//! - [`provision`]: the rooms the bot makes for the groups, and the
//!   invitations to them.
//! - [`members`]: who is in a room, for the drift check.
//!
//! A homeserver that goes away is waited for with backoff; the adapter never
//! returns on a network error.

mod inbound;
pub mod members;
mod online;
mod outbound;
mod provision;
mod rooms;
mod session;
mod settings;
mod sync;

pub use settings::Settings;

pub use sync::sync_filter;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use greffier_commands::{Action, Channel, Context, tr};
use jiff::SignedDuration;
use matrix_sdk::Client;
use matrix_sdk::config::RequestConfig;

use crate::app::App;
use crate::config::{self, Config};
use crate::inbox::{Handled, Inbound, Inbox};
use crate::outbox;
use crate::plugin::{Checkup, Plugin, Said, age};
use crate::route::{self, Route};
use session::Credentials;

/// A random id per database, part of every transaction id.
const INSTANCE: &str = "matrix.instance";

/// Matrix rooms: commands typed in them, replies, posts, polls and the
/// groups' rooms.
pub const PLUGIN: Plugin = Plugin {
    name: "matrix",
    section: Some(config::reader::<Settings>()),
    serve: Some(|app, inbox| Box::pin(serve(app, inbox))),
    takes_commands: true,
    route: Some(&ROUTE),
    own_connection: false,
    health: Some(health),
    online: Some(online::checks),
};

/// What Matrix delivers: the replies to what was typed in a room, and
/// what goes to rooms.
pub const ROUTE: Route = Route {
    channel: Channel::MATRIX,
    carries,
    lane,
    parallel: PARALLEL,
    takes_newcomers: true,
    commands_per_hour: None,
    confirmation: None,
};

/// Lanes delivered at once: a homeserver under a burst takes half a
/// second per message and stores the messages that come together for one
/// room in one transaction; 8 at a time (`outbox::PARALLEL`), greffier's
/// answers fell 40 s behind a maubot or a relay that send every answer at
/// once (docs/benchmarks.md).
pub const PARALLEL: usize = 32;

fn carries(action: &Action) -> bool {
    route::answers_on(action, Channel::MATRIX)
        || matches!(
            action,
            Action::PostToRoom { .. }
                | Action::PostImageToRoom { .. }
                | Action::PostPoll { .. }
                | Action::EndPoll { .. }
                | Action::CreateGroupRoom { .. }
                | Action::InviteToRoom { .. }
                | Action::NameRoom { .. }
        )
}

/// A command's replies in order (one lane per event), a room's posts in
/// order; a group's room is made in a lane of its own.
fn lane(action: &Action) -> String {
    match action {
        Action::Reply { origin, .. } | Action::Confirm { origin, .. } => route::reply_lane(origin),
        Action::CreateGroupRoom { group, .. } => format!("group room {group}"),
        Action::PostToRoom { room, .. }
        | Action::PostImageToRoom { room, .. }
        | Action::PostPoll { room, .. }
        | Action::EndPoll { room, .. }
        | Action::InviteToRoom { room, .. }
        | Action::NameRoom { room, .. } => format!("room {room}"),
        _ => String::new(),
    }
}

/// What `run` logs of matrix-sdk: it logs what it handles itself (a 404 on
/// optional account data, say) as errors, so only its warnings and up.
pub const LOG_FILTER: &str = "matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=error,matrix_sdk::http_client=off,matrix_sdk::encryption=off";

/// A Matrix sync returns at least every 30 s (its long-poll timeout).
const SYNC_LATE: SignedDuration = SignedDuration::from_secs(300);

/// The last sync, in `greffier status`; none for too long is critical.
fn health(_: &Config, checkup: &Checkup<'_>) -> Vec<Said> {
    let lang = checkup.lang;
    let synced = checkup.since(&checkup.health.matrix_synced_at);
    let mut said = vec![Said::Line(match synced {
        Some(s) => {
            let ago = age(lang, s);
            tr!(
                lang,
                "matrix : dernière synchronisation il y a {ago}",
                "matrix: last sync {ago} ago"
            )
        }
        None => tr!(lang, "matrix : jamais synchronisé", "matrix: never synced"),
    })];
    said.extend(checkup.silence(
        synced,
        SYNC_LATE,
        |silent| {
            tr!(
                lang,
                "aucune synchronisation Matrix depuis {silent}",
                "no Matrix sync for {silent}"
            )
        },
        || {
            tr!(
                lang,
                "aucune synchronisation Matrix n'a réussi",
                "no Matrix sync ever"
            )
        },
    ));
    said
}

pub async fn serve(app: Arc<App>, inbox: Arc<Inbox>) -> anyhow::Result<()> {
    let cfg = app
        .loaded
        .config
        .section::<Settings>()
        .context("no [matrix] section")?;
    let loaded = &app.loaded;
    let credentials = match loaded.secret("matrix.password", &cfg.password)? {
        Some(p) => Credentials::Password(p),
        None => Credentials::AccessToken(
            loaded
                .secret("matrix.access_token", &cfg.access_token)?
                .context("[matrix] needs a password or an access_token")?,
        ),
    };
    let store = loaded.resolve(&cfg.store);
    let client = session::connect(&cfg.homeserver, &cfg.user, &store, &credentials).await?;
    let own = client
        .user_id()
        .context("no user id after login")?
        .to_owned();
    let allowed = if cfg.allowed_servers.is_empty() {
        vec![own.server_name().to_string()]
    } else {
        cfg.allowed_servers.clone()
    };
    let instance = outbox::instance(&inbox, INSTANCE)?;
    let space = cfg.space.clone();
    let bot = Bot {
        app,
        inbox,
        client,
        own,
        allowed,
    };
    // The rooms' state first: joining the seed rooms and delivering the
    // outbox read it.
    let first = bot.first_sync().await?;
    bot.resolve_seed_rooms().await;
    let client = bot.client.clone();
    let rooms = provision::Settings {
        server: bot.own.server_name().to_string(),
        space,
    };
    tokio::spawn(outbox::pump(bot.inbox.clone(), &ROUTE, move |item| {
        let (client, instance, rooms) = (client.clone(), instance.clone(), rooms.clone());
        async move { outbound::deliver(&client, &item, &instance, &rooms).await }
    }));
    bot.sync_forever(first).await
}

/// A homeserver's answer that will not change on retry: a 4xx other than
/// 429 (rate limited). No answer at all (a network error) is transient.
fn is_permanent(status: Option<u16>) -> bool {
    matches!(status, Some(400..=499) if status != Some(429))
}

/// What the parts of the adapter share.
struct Bot {
    app: Arc<App>,
    inbox: Arc<Inbox>,
    client: Client,
    own: matrix_sdk::ruma::OwnedUserId,
    allowed: Vec<String>,
}

impl Bot {
    /// Hands `inbound` to the inbox.
    fn run(&self, ctx: &Context, inbound: &Inbound) -> anyhow::Result<Handled> {
        self.inbox.run(ctx, inbound)
    }
}

/// Requests are not retried by matrix-sdk: the loops retry, log the
/// outage and decide the backoff. The long poll needs more than its 30 s.
pub fn request_config() -> RequestConfig {
    RequestConfig::new()
        .disable_retry()
        .timeout(Duration::from_secs(60))
}
