//! `greffier run`: the adapters that bot.toml configures, together, until
//! SIGTERM or Ctrl-C. They share one [`Inbox`]; every change is a
//! transaction, so stopping at any point loses nothing: what was queued is
//! delivered after the restart.

use std::sync::Arc;
use std::time::Duration;

use greffier_storage::Database;

use crate::app::App;
use crate::inbox::Inbox;
use crate::{lists, mail, matrix, scheduler, web};

/// `web_db`: the web pages' own connection, when `[web]` is on.
pub fn run(app: App, db: Database, web_db: Option<Database>) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(serve(Arc::new(app), Arc::new(Inbox::new(db)), web_db));
    runtime.shutdown_timeout(Duration::from_secs(2));
    result
}

/// `greffier web`: the pages alone, on their own connection to a database
/// a running bot may be writing.
pub fn web(app: App, db: Database) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let pages = Arc::new(web::Web::new(Arc::new(app), Inbox::new(db)));
    let result = runtime.block_on(async {
        tokio::select! {
            done = web::serve(pages) => done,
            () = stop_signal() => Ok(()),
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(2));
    result
}

async fn serve(app: Arc<App>, inbox: Arc<Inbox>, web_db: Option<Database>) -> anyhow::Result<()> {
    let mut tasks = tokio::task::JoinSet::new();
    if let Some(db) = web_db {
        tasks.spawn(web::serve(Arc::new(web::Web::new(
            app.clone(),
            Inbox::new(db),
        ))));
    }
    if app.loaded.config.matrix.is_some() {
        tasks.spawn(matrix::serve(app.clone(), inbox.clone()));
    }
    if app.loaded.config.mail.is_some() {
        tasks.spawn(mail::serve(app.clone(), inbox.clone()));
    }
    if app.loaded.config.lists.is_some() {
        tasks.spawn(lists::serve(app.clone(), inbox.clone()));
    }
    if app.loaded.config.matrix.is_none()
        && app.loaded.config.mail.is_none()
        && app.loaded.config.lists.is_none()
    {
        anyhow::bail!("no adapter to run");
    }
    tasks.spawn(scheduler::run(app.clone(), inbox.clone()));
    tracing::info!("greffier is running");
    tokio::select! {
        done = tasks.join_next() => match done {
            Some(Ok(result)) => result,
            Some(Err(e)) => Err(anyhow::anyhow!("an adapter stopped: {e}")),
            None => Ok(()),
        },
        () = stop_signal() => {
            tracing::info!("stopping");
            Ok(())
        }
    }
}

async fn stop_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
