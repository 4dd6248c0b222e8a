//! The lists adapter: the network's list server, where the bot makes each
//! active group's mailing list and keeps its subscribers in step with the
//! group's members (`[lists]`; Mailman 3 through its REST API, the one
//! supported, in [`mailman`]). Out only: it delivers the outbox's "lists"
//! items. The list's mail itself goes through the mail adapter (a post to
//! the list's address) and the list server.

pub mod mailman;
mod online;
mod settings;

pub use settings::Settings;

use std::sync::Arc;

use anyhow::Context as _;
use greffier_commands::{Action, Channel};

use crate::app::App;
use crate::config;
use crate::inbox::Inbox;
use crate::outbox;
use crate::plugin::Plugin;
use crate::route::Route;

/// The groups' mailing lists: made, subscribed to, unsubscribed from.
pub const PLUGIN: Plugin = Plugin {
    name: "lists",
    section: Some(config::reader::<Settings>()),
    serve: Some(|app, inbox| Box::pin(serve(app, inbox))),
    takes_commands: false,
    route: Some(&ROUTE),
    own_connection: false,
    health: None,
    online: Some(online::checks),
};

/// What the list server does: lists made, members subscribed and
/// unsubscribed; one lane per list (its subscriptions wait for it), one
/// per erased address.
pub const ROUTE: Route = Route {
    channel: Channel::LISTS,
    carries: |action| {
        matches!(
            action,
            Action::CreateGroupList { .. }
                | Action::Subscribe { .. }
                | Action::Unsubscribe { .. }
                | Action::UnsubscribeEverywhere { .. }
        )
    },
    lane: |action| match action {
        Action::CreateGroupList { list, .. }
        | Action::Subscribe { list, .. }
        | Action::Unsubscribe { list, .. } => format!("list {}", list.to_lowercase()),
        Action::UnsubscribeEverywhere { address } => format!("lists {}", address.to_lowercase()),
        _ => String::new(),
    },
    parallel: outbox::PARALLEL,
    takes_newcomers: false,
    commands_per_hour: None,
    confirmation: None,
};

pub async fn serve(app: Arc<App>, inbox: Arc<Inbox>) -> anyhow::Result<()> {
    let loaded = &app.loaded;
    let cfg = loaded
        .config
        .section::<Settings>()
        .context("no [lists] section")?;
    let password = loaded
        .secret("lists.password", &cfg.password)?
        .context("[lists] needs a password (password, password_env or password_file)")?;
    let server = Arc::new(mailman::Mailman::new(
        &cfg.url,
        &cfg.user,
        &password,
        &cfg.domain,
        app.context().mail_address,
    )?);
    tracing::info!(url = %cfg.url, domain = %cfg.domain, "list server: Mailman 3");
    outbox::pump(inbox, &ROUTE, move |item| {
        let server = server.clone();
        async move { server.deliver(&item.action).await }
    })
    .await;
    Ok(())
}
