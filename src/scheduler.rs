//! What the bot does by the clock, whatever the adapters: every minute it
//! queues the meeting reminders that are due (`meetings.remind_days_before`)
//! and the week's digests once their time has come ([`crate::digest`]).
//! What it queues is delivered by the adapters like any other action.

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::inbox::Inbox;

pub async fn run(app: Arc<App>, inbox: Arc<Inbox>) -> anyhow::Result<()> {
    let days = app.loaded.config.meetings.remind_days_before;
    let schedule = &app.loaded.config.digest;
    let mut first = true;
    loop {
        let ctx = app.context();
        let queued = inbox.write(ctx.now, |tx| {
            let reminders = greffier_commands::reminders::due(tx, &ctx, days)?;
            let reminders = tx.enqueue(&reminders)?.len();
            let digests = crate::digest::queue_due(tx, &ctx, schedule.weekday, schedule.time)?;
            Ok((reminders, digests))
        });
        match queued {
            Ok((reminders, digests)) => {
                if reminders > 0 {
                    tracing::info!(count = reminders, "reminders queued");
                }
                if digests > 0 {
                    tracing::info!(count = digests, "digests queued");
                }
            }
            Err(e) => tracing::error!(error = %e, "cannot queue the reminders and digests"),
        }
        if first {
            tracing::info!(
                remind_days_before = days,
                "scheduler running: reminders checked, digests checked"
            );
            first = false;
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}
