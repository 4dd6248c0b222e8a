//! The lists adapter: the network's list server, where the bot makes each
//! active group's mailing list and keeps its subscribers in step with the
//! group's members (`[lists]`; `engine = "mailman"`, Mailman 3 through its
//! REST API, in [`mailman`]; `engine = "sympa"`, Sympa 6.2 through its SOAP
//! interface, in [`sympa`]). Out only: it delivers the outbox's "lists"
//! items. The list's mail itself goes through the mail adapter (a post to
//! the list's address) and the list server.

mod health;
pub mod mailman;
mod online;
mod settings;
pub mod sympa;

pub use settings::{Engine, Settings};

use std::sync::Arc;

use anyhow::Context as _;
use greffier_commands::{Action, Channel, Lang, words};

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
    health: Some(health::health),
    online: Some(online::checks),
};

/// What the list server does: lists made, members subscribed and
/// unsubscribed, owners given and taken; one lane per list (its
/// subscriptions wait for it), one per erased address.
pub const ROUTE: Route = Route {
    channel: Channel::LISTS,
    carries: |action| {
        matches!(
            action,
            Action::CreateGroupList { .. }
                | Action::Subscribe { .. }
                | Action::Unsubscribe { .. }
                | Action::ListOwners { .. }
                | Action::UnsubscribeEverywhere { .. }
        )
    },
    lane: |action| match action {
        Action::CreateGroupList { list, .. }
        | Action::Subscribe { list, .. }
        | Action::Unsubscribe { list, .. }
        | Action::ListOwners { list, .. } => format!("list {}", list.to_lowercase()),
        Action::UnsubscribeEverywhere { address } => format!("lists {}", address.to_lowercase()),
        _ => String::new(),
    },
    parallel: outbox::PARALLEL,
    takes_newcomers: false,
    commands_per_hour: None,
    confirmation: None,
};

/// The list server bot.toml names, ready to be called.
pub enum ListServer {
    Mailman(mailman::Mailman),
    Sympa(sympa::Sympa),
}

impl ListServer {
    /// The server of `[lists]`, with its password; `None` without `[lists]`.
    pub fn open(app: &App) -> anyhow::Result<Option<ListServer>> {
        let loaded = &app.loaded;
        let Some(cfg) = loaded.config.section::<Settings>() else {
            return Ok(None);
        };
        let password = loaded
            .secret("lists.password", &cfg.password)?
            .context("[lists] needs a password (password, password_env or password_file)")?;
        let bot = app.context().mail_address;
        Ok(Some(match cfg.engine() {
            Engine::Mailman => ListServer::Mailman(mailman::Mailman::new(
                &cfg.url,
                &cfg.user,
                &password,
                &cfg.domain,
                bot,
            )?),
            Engine::Sympa => {
                let bot = Self::acting_as(app)?;
                ListServer::Sympa(sympa::Sympa::new(cfg, &password, &bot)?)
            }
        }))
    }

    /// The address greffier acts as on Sympa: its own (`[mail] address`),
    /// which bot.toml must give with `engine = "sympa"` (check-config says
    /// so before the bot starts).
    pub fn acting_as(app: &App) -> anyhow::Result<String> {
        app.context().mail_address.context(
            "[lists] engine = \"sympa\" needs [mail] address: greffier acts in Sympa as that address, the owner of the lists it makes",
        )
    }

    /// The engine's name, as people know it.
    pub fn name(&self) -> &'static str {
        match self {
            ListServer::Mailman(_) => Engine::Mailman.name(),
            ListServer::Sympa(_) => Engine::Sympa.name(),
        }
    }

    /// Delivers one "lists" item; a made list's address is the receipt.
    pub async fn deliver(&self, action: &Action) -> Result<outbox::Receipt, outbox::SendError> {
        match action {
            Action::CreateGroupList {
                group,
                list,
                subject,
                subscribe,
                owners,
            } => {
                // Items queued before the subject was carried: the slug.
                let subject = if subject.is_empty() { group } else { subject };
                match self {
                    ListServer::Mailman(m) => m.create(list, subject).await?,
                    ListServer::Sympa(s) => s.create(list, subject).await?,
                }
                for address in owners {
                    self.add_owner(list, address).await?;
                }
                tracing::info!(%group, %list, owners = owners.len(), "the group's list is made");
                crate::failpoint::reached("lists-created");
                for address in subscribe {
                    self.subscribe(list, address).await?;
                }
                Ok(Some(list.to_lowercase()))
            }
            Action::Subscribe { list, address } => {
                self.subscribe(list, address).await?;
                Ok(None)
            }
            Action::Unsubscribe { list, address } => {
                match self {
                    ListServer::Mailman(m) => m.unsubscribe(list, address).await?,
                    ListServer::Sympa(s) => s.unsubscribe(list, address).await?,
                }
                Ok(None)
            }
            Action::ListOwners { list, add, remove } => {
                for address in add {
                    self.add_owner(list, address).await?;
                }
                for address in remove {
                    match self {
                        ListServer::Mailman(m) => m.remove_owner(list, address).await?,
                        ListServer::Sympa(s) => s.remove_owner(list, address).await?,
                    }
                }
                Ok(None)
            }
            Action::UnsubscribeEverywhere { address } => {
                match self {
                    ListServer::Mailman(m) => m.unsubscribe_everywhere(address).await?,
                    ListServer::Sympa(s) => s.unsubscribe_everywhere(address).await?,
                }
                Ok(None)
            }
            other => Err(outbox::SendError::permanent(format!(
                "not a lists action: {other:?}"
            ))),
        }
    }

    async fn subscribe(&self, list: &str, address: &str) -> Result<(), outbox::SendError> {
        match self {
            ListServer::Mailman(m) => m.subscribe(list, address).await,
            ListServer::Sympa(s) => s.subscribe(list, address).await,
        }
    }

    async fn add_owner(&self, list: &str, address: &str) -> Result<(), outbox::SendError> {
        match self {
            ListServer::Mailman(m) => m.add_owner(list, address).await,
            ListServer::Sympa(s) => s.add_owner(list, address).await,
        }
    }

    /// The owners greffier gave `list`, lower case, sorted: Mailman's
    /// owners; on Sympa, the members of the list its owners are included
    /// from (Sympa takes them in at its next synchronisation).
    pub async fn owners(&self, list: &str) -> Result<Vec<String>, outbox::SendError> {
        match self {
            ListServer::Mailman(m) => m.owners(list).await,
            ListServer::Sympa(s) => s.owners(list).await,
        }
    }

    /// The addresses subscribed to `list`, lower case, sorted.
    pub async fn subscribers(&self, list: &str) -> Result<Vec<String>, outbox::SendError> {
        match self {
            ListServer::Mailman(m) => m.subscribers(list).await,
            ListServer::Sympa(s) => s.subscribers(list).await,
        }
    }

    /// Whether the server takes the credentials: a few words on what
    /// answered, in `lang` (`check-config --online`).
    pub async fn ping(&self, lang: Lang) -> Result<String, outbox::SendError> {
        match self {
            ListServer::Mailman(m) => m.ping().await,
            ListServer::Sympa(s) => s.ping().await.map(|n| {
                words::count(
                    lang,
                    n,
                    ("liste visible", "listes visibles"),
                    ("list shown", "lists shown"),
                )
            }),
        }
    }
}

pub async fn serve(app: Arc<App>, inbox: Arc<Inbox>) -> anyhow::Result<()> {
    let cfg = app
        .loaded
        .config
        .section::<Settings>()
        .context("no [lists] section")?;
    let server = Arc::new(ListServer::open(&app)?.context("no [lists] section")?);
    tracing::info!(url = %cfg.url, domain = %cfg.domain, engine = server.name(), "list server");
    outbox::pump(inbox, &ROUTE, move |item| {
        let server = server.clone();
        async move { server.deliver(&item.action).await }
    })
    .await;
    Ok(())
}
