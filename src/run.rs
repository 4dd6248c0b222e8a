//! `greffier run`: the channels that bot.toml turns on, together, until
//! SIGTERM or Ctrl-C. They share one [`Inbox`] (a channel that reads on a
//! connection of its own gets its own); every change is a transaction, so
//! stopping at any point loses nothing: what was queued is delivered after
//! the restart.

use std::sync::Arc;
use std::time::Duration;

use greffier_storage::Database;

use crate::app::App;
use crate::channels::{self, TABLE};
use crate::inbox::Inbox;
use crate::{scheduler, web};

/// `open`: another connection to the database, for a channel that reads
/// on its own (the web pages).
pub fn run(
    app: App,
    db: Database,
    open: impl Fn() -> anyhow::Result<Database>,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(serve(
        Arc::new(app),
        Arc::new(Inbox::new(db, channels::routes())),
        open,
    ));
    runtime.shutdown_timeout(Duration::from_secs(2));
    result
}

/// `greffier web`: the pages alone, on their own connection to a database
/// a running bot may be writing.
pub fn web(app: App, db: Database) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let pages = Arc::new(web::Web::new(
        Arc::new(app),
        Arc::new(Inbox::new(db, channels::routes())),
    ));
    let result = runtime.block_on(async {
        tokio::select! {
            done = web::serve(pages) => done,
            () = stop_signal() => Ok(()),
        }
    });
    runtime.shutdown_timeout(Duration::from_secs(2));
    result
}

async fn serve(
    app: Arc<App>,
    inbox: Arc<Inbox>,
    open: impl Fn() -> anyhow::Result<Database>,
) -> anyhow::Result<()> {
    let mut tasks = tokio::task::JoinSet::new();
    let mut serving = 0;
    for plugin in TABLE.iter().filter(|p| p.on(&app.loaded.config)) {
        let Some(start) = plugin.serve else {
            continue;
        };
        let inbox = match plugin.own_connection {
            true => Arc::new(Inbox::new(open()?, channels::routes())),
            false => inbox.clone(),
        };
        tasks.spawn(start(app.clone(), inbox));
        serving += usize::from(!plugin.own_connection);
    }
    if serving == 0 {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The tests' loopback channel (src/loopback/: one folder, one line in
    /// the table) is read from bot.toml, started by `run`, and answers: a
    /// line typed through it runs as a command and its reply comes back
    /// through it, routed by the outbox to its pump; Matrix and mail are
    /// off.
    #[test]
    fn a_channel_added_in_one_folder_and_one_table_line_answers() {
        let dir = std::env::temp_dir().join(format!("greffier-loopback-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        let path = dir.join("bot.toml");
        std::fs::write(
            &path,
            "[bot]\ndatabase = \"loopback.db\"\n\n[loopback]\nsender = \"@essai:example.test\"\n",
        )
        .expect("bot.toml");
        let app = App {
            loaded: crate::config::load(&path, &channels::readers()).expect("a valid bot.toml"),
        };
        assert!(app.loaded.config.has("loopback"));
        let db = Database::open(&app.loaded.database_path(None)).expect("database");
        let mut ends = crate::loopback::wire();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let replies: Vec<String> = runtime.block_on(async {
            let inbox = Arc::new(Inbox::new(db, channels::routes()));
            let served = serve(Arc::new(app), inbox, || anyhow::bail!("no own connection"));
            let talk = async {
                let mut replies = Vec::new();
                for line in ["!aide", "!moi"] {
                    ends.lines.send(line.into()).expect("the bot listens");
                    let reply = tokio::time::timeout(Duration::from_secs(20), ends.replies.recv())
                        .await
                        .expect("a reply within 20 s")
                        .expect("a reply");
                    replies.push(reply);
                }
                replies
            };
            tokio::select! {
                done = served => panic!("run stopped: {done:?}"),
                replies = talk => replies,
            }
        });
        let _ = std::fs::remove_dir_all(&dir);
        assert!(replies[0].contains("Commandes de greffier"), "{replies:?}");
        assert!(replies[1].contains("@essai:example.test"), "{replies:?}");
    }
}
