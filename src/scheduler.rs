//! What the bot does by the clock, whatever the adapters: every minute it
//! queues the meeting reminders that are due (`meetings.remind_days_before`),
//! the polls' reminders and automatic closes
//! ([`greffier_commands::poll_clock`]) and the week's digests once their
//! time has come ([`crate::digest`]).
//! What it queues is delivered by the adapters like any other action. At
//! start and then once a day it forgets what is older than
//! `bot.retention_days` (once-only keys, refusals, delivered outbox items).

use std::sync::Arc;
use std::time::Duration;

use crate::app::App;
use crate::inbox::Inbox;
use crate::route;

pub async fn run(app: Arc<App>, inbox: Arc<Inbox>) -> anyhow::Result<()> {
    let days = app.loaded.config.meetings.remind_days_before;
    let schedule = &app.loaded.config.digest;
    let retention =
        jiff::SignedDuration::from_hours(24 * i64::from(app.loaded.config.bot.retention_days));
    // The sign of life `greffier status` reads, rewritten every minute.
    let heartbeat = serde_json::json!({
        "pid": std::process::id(),
        "version": crate::app::VERSION,
        "started_at": jiff::Timestamp::now().to_string(),
    })
    .to_string();
    let mut first = true;
    let mut pruned_at: Option<std::time::Instant> = None;
    // The week whose drift was checked, and its line for the digest.
    let mut drift: Option<(String, Option<String>)> = None;
    loop {
        let ctx = app.context();
        if let Some(week) = greffier_commands::digest::due_week(
            ctx.now,
            &ctx.timezone,
            schedule.weekday,
            schedule.time,
        ) && drift.as_ref().is_none_or(|(w, _)| *w != week)
        {
            let note = drift_line(&app, &inbox).await;
            drift = Some((week, note));
        }
        let note = drift.as_ref().and_then(|(_, n)| n.clone());
        if pruned_at.is_none_or(|at| at.elapsed() >= Duration::from_secs(24 * 3600)) {
            let before = ctx.now - retention;
            match inbox.db().prune(ctx.now, before) {
                Ok(pruned) => tracing::info!(?pruned, %before, "old records pruned"),
                Err(e) => tracing::error!(error = %e, "cannot prune old records"),
            }
            pruned_at = Some(std::time::Instant::now());
        }
        let queued = inbox.write(ctx.now, |tx| {
            let mut reminders = greffier_commands::reminders_due(tx, &ctx, days)?;
            reminders.extend(greffier_commands::polls_due(tx, &ctx)?);
            reminders.extend(greffier_commands::actions_due(tx, &ctx)?);
            let reminders = route::enqueue(tx, inbox.routes(), &reminders)?.len();
            tx.set_cursor(greffier_storage::outbox::HEARTBEAT, &heartbeat)?;
            let digests = crate::digest::queue_due(
                tx,
                &ctx,
                schedule.weekday,
                schedule.time,
                note.as_deref(),
            )?;
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

/// The week's drift check (rooms and lists against the groups), as the
/// admins' line of the overall digest; none when nothing drifted, when
/// the bot keeps no rooms or lists, or when the check could not run
/// (logged).
async fn drift_line(app: &App, inbox: &Inbox) -> Option<String> {
    let config = &app.loaded.config;
    if !config.has("matrix") && !config.has("lists") {
        return None;
    }
    let domain = app.context().lists_domain;
    let groups = match inbox.read(jiff::Timestamp::now(), |tx| {
        crate::drift::expected(tx, domain.as_deref())
    }) {
        Ok(g) => g,
        Err(e) => {
            tracing::warn!(error = %e, "drift check: cannot read the groups");
            return None;
        }
    };
    match crate::drift::find(app, &groups).await {
        Ok(found) => {
            if !found.lines.is_empty() {
                tracing::info!(
                    gaps = found.lines.len(),
                    "rooms or lists drifted from their groups"
                );
            }
            crate::drift::digest_line(config.bot.language, &found)
        }
        Err(e) => {
            tracing::warn!(error = %e, "drift check failed");
            None
        }
    }
}
