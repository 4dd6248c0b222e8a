//! What the bot does by the clock, whatever the adapters: every minute it
//! queues the meeting reminders that are due (`meetings.remind_days_before`).
//! What it queues is delivered by the adapters like any other action.

use std::sync::Arc;
use std::time::Duration;

use crate::App;
use crate::run::{SharedDb, lock};

pub async fn run(app: Arc<App>, db: SharedDb) -> anyhow::Result<()> {
    let days = app.loaded.config.meetings.remind_days_before;
    let mut first = true;
    loop {
        let ctx = app.context();
        let queued = lock(&db).write(ctx.now, |tx| {
            let actions = greffier_commands::reminders::due(tx, &ctx, days)?;
            tx.enqueue(&actions)
        });
        match queued {
            Ok(ids) if !ids.is_empty() => tracing::info!(count = ids.len(), "reminders queued"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "cannot queue the reminders"),
        }
        if first {
            tracing::info!(
                remind_days_before = days,
                "scheduler running: reminders checked"
            );
            first = false;
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}
