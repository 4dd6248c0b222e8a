//! `greffier run`: the adapters that bot.toml configures, together, until
//! SIGTERM or Ctrl-C. They share one database connection; every change is a
//! transaction, so stopping at any point loses nothing: what was queued is
//! delivered after the restart.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use greffier_storage::Database;

use crate::{App, mail, matrix, scheduler};

/// The database, shared by the adapters' tasks. The lock is never held
/// across an `.await`.
pub type SharedDb = Arc<Mutex<Database>>;

/// The database; a panic elsewhere while it was held does not make it
/// unusable (every change is a transaction).
pub fn lock(db: &SharedDb) -> std::sync::MutexGuard<'_, Database> {
    db.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn run(app: App, db: Database) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(serve(Arc::new(app), Arc::new(Mutex::new(db))));
    runtime.shutdown_timeout(Duration::from_secs(2));
    result
}

async fn serve(app: Arc<App>, db: SharedDb) -> anyhow::Result<()> {
    let mut tasks = tokio::task::JoinSet::new();
    if app.loaded.config.matrix.is_some() {
        tasks.spawn(matrix::serve(app.clone(), db.clone()));
    }
    if app.loaded.config.mail.is_some() {
        tasks.spawn(mail::serve(app.clone(), db.clone()));
    }
    if tasks.is_empty() {
        anyhow::bail!("no adapter to run");
    }
    tasks.spawn(scheduler::run(app.clone(), db.clone()));
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

/// For the crash tests: `GREFFIER_FAILPOINT=<name>` makes the process die
/// right there, as a power cut would.
pub fn failpoint(name: &str) {
    if std::env::var("GREFFIER_FAILPOINT").is_ok_and(|v| v == name) {
        tracing::error!(failpoint = name, "failpoint reached: aborting");
        std::process::abort();
    }
}
