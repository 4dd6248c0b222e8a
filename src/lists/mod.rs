//! The lists adapter: the network's list server, where the bot makes each
//! active group's mailing list and keeps its subscribers in step with the
//! group's members (`[lists]`; Mailman 3 through its REST API, the one
//! supported, in [`mailman`]). Out only: it delivers the outbox's "lists"
//! items. The list's mail itself goes through the mail adapter (a post to
//! the list's address) and the list server.

pub mod mailman;

use std::sync::Arc;

use anyhow::Context as _;
use greffier_commands::Channel;

use crate::app::App;
use crate::inbox::Inbox;
use crate::outbox;

pub async fn serve(app: Arc<App>, inbox: Arc<Inbox>) -> anyhow::Result<()> {
    let loaded = &app.loaded;
    let cfg = loaded.config.lists.as_ref().context("no [lists] section")?;
    let password = loaded
        .secret(
            "lists.password",
            &cfg.password,
            &cfg.password_env,
            &cfg.password_file,
        )?
        .context("[lists] needs a password (password, password_env or password_file)")?;
    let server = Arc::new(mailman::Mailman::new(
        &cfg.url,
        &cfg.user,
        &password,
        &cfg.domain,
        loaded.config.mail.as_ref().map(|m| m.address.clone()),
    )?);
    tracing::info!(url = %cfg.url, domain = %cfg.domain, "list server: Mailman 3");
    outbox::pump(inbox, Channel::Lists, move |item| {
        let server = server.clone();
        async move { server.deliver(&item.action).await }
    })
    .await;
    Ok(())
}
