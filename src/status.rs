//! `greffier status`: what an operator (or a monitoring check) needs to
//! know of a bot: is it running, when did each adapter last reach its
//! server, what the outbox holds, when the last digest went out. It reads
//! the database as it is (read-only, nothing migrated) and, when `[web]` is
//! on, the running bot's `/healthz`.
//!
//! The first line and the exit status follow the monitoring plugins'
//! convention (Nagios, Icinga, Zabbix's agent checks): `GREFFIER OK` and 0,
//! `GREFFIER WARNING` and 1 (something to look at, the bot works),
//! `GREFFIER CRITICAL` and 2 (the bot or an adapter is down), `GREFFIER
//! UNKNOWN` and 3 (the database cannot be read).

use std::path::Path;
use std::time::Duration;

use greffier_storage::Database;
use greffier_storage::outbox::Health;
use jiff::{SignedDuration, Timestamp};

use crate::app::App;

/// The bot rewrites its heartbeat every minute: three missed, it is down.
const HEARTBEAT_LATE: SignedDuration = SignedDuration::from_secs(180);
/// A Matrix sync returns at least every 30 s (its long-poll timeout).
const MATRIX_LATE: SignedDuration = SignedDuration::from_secs(300);
/// An item waiting longer than this is late (a server refusing it).
const OUTBOX_LATE: SignedDuration = SignedDuration::from_secs(900);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Ok,
    Warning,
    Critical,
}

impl Level {
    pub fn exit_code(self) -> u8 {
        match self {
            Level::Ok => 0,
            Level::Warning => 1,
            Level::Critical => 2,
        }
    }

    fn word(self) -> &'static str {
        match self {
            Level::Ok => "OK",
            Level::Warning => "WARNING",
            Level::Critical => "CRITICAL",
        }
    }
}

/// What the bot is configured to run, which the report expects to see.
#[derive(Debug, Clone, Default)]
pub struct Expected {
    pub matrix: bool,
    /// The mailbox's polling interval, when mail is on.
    pub mail_poll: Option<SignedDuration>,
    /// The `/healthz` address, when the web pages are on.
    pub healthz: Option<String>,
    /// The schema this binary knows.
    pub schema: i64,
}

#[derive(Debug)]
pub struct Report {
    pub level: Level,
    /// What needs attention, the worst first.
    pub problems: Vec<(Level, String)>,
    /// One line per part, for the operator.
    pub lines: Vec<String>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let summary = if self.problems.is_empty() {
            "the bot is running".to_string()
        } else {
            self.problems
                .iter()
                .map(|(_, p)| p.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        };
        writeln!(f, "GREFFIER {}: {summary}", self.level.word())?;
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// `greffier status`: the report, printed; its level is the exit status.
pub fn run(app: &App, database: &Path) -> anyhow::Result<Level> {
    let db = Database::open_as_is(database)?;
    let health = db.health()?;
    let c = &app.loaded.config;
    let expected = Expected {
        matrix: c.matrix.is_some(),
        mail_poll: c.mail.as_ref().map(|m| {
            SignedDuration::from_secs(i64::try_from(m.poll_seconds).unwrap_or(i64::MAX / 4))
        }),
        healthz: c.web.as_ref().map(|w| healthz_url(&w.listen)),
        schema: greffier_storage::migrations::MIGRATIONS.len() as i64,
    };
    let web = expected.healthz.as_deref().map(fetch_healthz);
    let mut report = assess(&health, &expected, web, Timestamp::now());
    report.lines.insert(
        0,
        format!(
            "database: {} (schema {})",
            database.display(),
            health.schema
        ),
    );
    print!("{report}");
    Ok(report.level)
}

/// `127.0.0.1:8080` → `http://127.0.0.1:8080/healthz`; an address
/// listening on every interface is asked on the loopback.
fn healthz_url(listen: &str) -> String {
    let host = listen
        .replace("0.0.0.0:", "127.0.0.1:")
        .replace("[::]:", "[::1]:");
    format!("http://{host}/healthz")
}

/// The running bot's `/healthz`: `Ok` when it answers 200.
fn fetch_healthz(url: &str) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string())?;
        let response = client.get(url).send().await.map_err(|e| e.to_string())?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(format!("answered {}", response.status()))
        }
    })
}

/// The report on `health` at `now`: pure, for the tests.
pub fn assess(
    health: &Health,
    expected: &Expected,
    web: Option<Result<(), String>>,
    now: Timestamp,
) -> Report {
    let mut problems: Vec<(Level, String)> = Vec::new();
    let mut lines = Vec::new();
    let since = |at: &Option<String>| -> Option<SignedDuration> {
        let at: Timestamp = at.as_deref()?.parse().ok()?;
        Some(now.duration_since(at))
    };

    if health.schema > expected.schema {
        problems.push((
            Level::Critical,
            format!(
                "the database is at schema {}, newer than this greffier ({})",
                health.schema, expected.schema
            ),
        ));
    } else if health.schema < expected.schema {
        problems.push((
            Level::Warning,
            format!(
                "the database is at schema {}, this greffier at {}: restart the bot to upgrade it",
                health.schema, expected.schema
            ),
        ));
    }

    // The bot itself.
    let beat = since(&health.heartbeat_at);
    let about: Option<serde_json::Value> = health
        .heartbeat
        .as_deref()
        .and_then(|v| serde_json::from_str(v).ok());
    let up = about
        .as_ref()
        .and_then(|a| a["started_at"].as_str())
        .and_then(|s| s.parse::<Timestamp>().ok())
        .map(|t| now.duration_since(t));
    let running = beat.is_some_and(|b| b <= HEARTBEAT_LATE);
    match beat {
        None => problems.push((
            Level::Critical,
            "the bot is not running (it has left no sign of life in this database)".into(),
        )),
        Some(b) if !running => {
            problems.push((
                Level::Critical,
                format!("the bot is not running (last sign of life {} ago)", age(b)),
            ));
            lines.push(format!("bot: stopped, last sign of life {} ago", age(b)));
        }
        Some(b) => {
            let who = about
                .as_ref()
                .map(|a| {
                    format!(
                        "pid {}, greffier {}",
                        a["pid"],
                        a["version"].as_str().unwrap_or("?")
                    )
                })
                .unwrap_or_default();
            let up = up.map(|u| format!(", up {}", age(u))).unwrap_or_default();
            lines.push(format!(
                "bot: running ({who}{up}), last sign of life {} ago",
                age(b)
            ));
        }
    }

    // The adapters, judged once the bot has been up long enough to have
    // reached their servers.
    let judged = |late: SignedDuration| running && up.is_none_or(|u| u > late);
    if expected.matrix {
        let synced = since(&health.matrix_synced_at);
        match synced {
            Some(s) => lines.push(format!("matrix: last sync {} ago", age(s))),
            None => lines.push("matrix: never synced".into()),
        }
        if judged(MATRIX_LATE) && synced.is_none_or(|s| s > MATRIX_LATE) {
            problems.push((
                Level::Critical,
                format!(
                    "no Matrix sync for {}",
                    synced.map_or("ever".to_string(), age)
                ),
            ));
        }
    }
    if let Some(poll) = expected.mail_poll {
        let late = (poll * 3).max(SignedDuration::from_secs(300));
        let checked = since(&health.mail_checked_at);
        let read = since(&health.mail_read_at)
            .map(|r| format!("; last new mail {} ago", age(r)))
            .unwrap_or_default();
        match checked {
            Some(c) => lines.push(format!("mail: mailbox last read {} ago{read}", age(c))),
            None => lines.push("mail: mailbox never read".into()),
        }
        if judged(late) && checked.is_none_or(|c| c > late) {
            problems.push((
                Level::Critical,
                format!(
                    "the mailbox has not been read for {}",
                    checked.map_or("ever".to_string(), age)
                ),
            ));
        }
    }

    // The outbox.
    let waiting: i64 = health.waiting.iter().map(|w| w.items).sum();
    let oldest = health
        .waiting
        .iter()
        .filter_map(|w| since(&Some(w.oldest.clone())))
        .max();
    let per_channel = health
        .waiting
        .iter()
        .map(|w| format!("{} {}", w.channel, w.items))
        .collect::<Vec<_>>()
        .join(", ");
    let mut outbox = format!("outbox: {waiting} waiting");
    if let Some(o) = oldest {
        outbox.push_str(&format!(" ({per_channel}; oldest {} ago)", age(o)));
    }
    outbox.push_str(&format!(
        ", {} failed for good ({} in the last day)",
        health.failed, health.failed_last_day
    ));
    lines.push(outbox);
    if let Some(o) = oldest.filter(|o| *o > OUTBOX_LATE) {
        problems.push((
            Level::Warning,
            format!("an outbox item has waited {}", age(o)),
        ));
    }
    if health.failed_last_day > 0 {
        problems.push((
            Level::Warning,
            format!(
                "{} outbox item(s) failed for good in the last day (the bot's log says why)",
                health.failed_last_day
            ),
        ));
    }

    match &health.last_digest {
        Some(d) => lines.push(format!(
            "digest: week {} sent {} to {} destination(s)",
            d.week, d.sent_at, d.destinations
        )),
        None => lines.push("digest: none sent yet".into()),
    }

    if let (Some(url), Some(answer)) = (&expected.healthz, web) {
        match answer {
            Ok(()) => lines.push(format!("web: {url} answers")),
            Err(e) if running => {
                problems.push((Level::Critical, format!("{url} does not answer: {e}")));
                lines.push(format!("web: {url} does not answer ({e})"));
            }
            Err(e) => lines.push(format!("web: {url} does not answer ({e})")),
        }
    }

    problems.sort_by_key(|p| std::cmp::Reverse(p.0));
    let level = problems.first().map_or(Level::Ok, |(l, _)| *l);
    Report {
        level,
        problems,
        lines,
    }
}

/// `42 s`, `5 min`, `3 h 10 min`, `2 d 4 h`.
fn age(d: SignedDuration) -> String {
    let s = d.as_secs().max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} d {} h", s / 86400, s % 86400 / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use greffier_storage::outbox::{LastDigest, Waiting};

    fn now() -> Timestamp {
        "2026-11-30T12:00:00Z".parse().expect("ts")
    }

    fn ago(secs: i64) -> Option<String> {
        Some((now() - SignedDuration::from_secs(secs)).to_string())
    }

    /// A bot up for a day, everything fresh.
    fn healthy() -> Health {
        Health {
            waiting: vec![],
            failed: 0,
            failed_last_day: 0,
            matrix_synced_at: ago(12),
            mail_read_at: ago(4000),
            mail_checked_at: ago(40),
            heartbeat_at: ago(20),
            heartbeat: Some(
                serde_json::json!({"pid": 77, "version": "0.1.0 (commit abc)", "started_at": ago(86_400)})
                    .to_string(),
            ),
            last_digest: Some(LastDigest {
                week: "2026-W48".into(),
                sent_at: "2026-11-23T08:00:00Z".into(),
                destinations: 4,
            }),
            schema: 13,
        }
    }

    fn expected() -> Expected {
        Expected {
            matrix: true,
            mail_poll: Some(SignedDuration::from_secs(60)),
            healthz: Some("http://127.0.0.1:8080/healthz".into()),
            schema: 13,
        }
    }

    #[test]
    fn a_healthy_bot_is_ok_and_says_each_part() {
        let r = assess(&healthy(), &expected(), Some(Ok(())), now());
        assert_eq!(r.level, Level::Ok, "{r}");
        let text = r.to_string();
        assert!(
            text.starts_with("GREFFIER OK: the bot is running\n"),
            "{text}"
        );
        for part in [
            "bot: running (pid 77, greffier 0.1.0 (commit abc), up 1 d 0 h), last sign of life 20 s ago",
            "matrix: last sync 12 s ago",
            "mail: mailbox last read 40 s ago; last new mail 1 h 6 min ago",
            "outbox: 0 waiting, 0 failed for good (0 in the last day)",
            "digest: week 2026-W48 sent 2026-11-23T08:00:00Z to 4 destination(s)",
            "web: http://127.0.0.1:8080/healthz answers",
        ] {
            assert!(text.contains(part), "{part:?} missing from:\n{text}");
        }
    }

    #[test]
    fn a_stopped_bot_is_critical_and_its_adapters_not_blamed_for_it() {
        let mut h = healthy();
        h.heartbeat_at = ago(600);
        h.matrix_synced_at = ago(600);
        let r = assess(
            &h,
            &expected(),
            Some(Err("connection refused".into())),
            now(),
        );
        assert_eq!(r.level, Level::Critical);
        assert_eq!(r.problems.len(), 1, "{r}");
        assert!(r.to_string().starts_with(
            "GREFFIER CRITICAL: the bot is not running (last sign of life 10 min ago)"
        ));
        let mut never = healthy();
        never.heartbeat_at = None;
        never.heartbeat = None;
        let r = assess(&never, &expected(), None, now());
        assert_eq!(
            r.problems[0].1,
            "the bot is not running (it has left no sign of life in this database)"
        );
    }

    #[test]
    fn a_silent_adapter_or_web_page_is_critical() {
        let mut h = healthy();
        h.matrix_synced_at = ago(900);
        h.mail_checked_at = None;
        let r = assess(&h, &expected(), Some(Err("timed out".into())), now());
        assert_eq!(r.level, Level::Critical);
        let said: Vec<&str> = r.problems.iter().map(|(_, p)| p.as_str()).collect();
        assert_eq!(
            said,
            [
                "no Matrix sync for 15 min",
                "the mailbox has not been read for ever",
                "http://127.0.0.1:8080/healthz does not answer: timed out"
            ]
        );
        // Just started: not judged yet.
        h.heartbeat = Some(serde_json::json!({"pid": 1, "started_at": ago(30)}).to_string());
        let r = assess(&h, &expected(), Some(Ok(())), now());
        assert_eq!(r.level, Level::Ok, "{r}");
    }

    #[test]
    fn a_late_or_failing_outbox_is_a_warning() {
        let mut h = healthy();
        h.waiting = vec![
            Waiting {
                channel: "email".into(),
                items: 2,
                oldest: ago(1800).expect("ts"),
            },
            Waiting {
                channel: "matrix".into(),
                items: 1,
                oldest: ago(5).expect("ts"),
            },
        ];
        h.failed = 3;
        h.failed_last_day = 1;
        let r = assess(&h, &expected(), Some(Ok(())), now());
        assert_eq!(r.level, Level::Warning);
        let text = r.to_string();
        assert!(
            text.contains(
                "outbox: 3 waiting (email 2, matrix 1; oldest 30 min ago), 3 failed for good (1 in the last day)"
            ),
            "{text}"
        );
        assert!(text.contains("an outbox item has waited 30 min"), "{text}");
        assert_eq!(r.level.exit_code(), 1);
    }

    #[test]
    fn the_schema_is_compared_with_the_binarys() {
        let mut h = healthy();
        h.schema = 12;
        let r = assess(&h, &expected(), Some(Ok(())), now());
        assert_eq!(r.level, Level::Warning);
        h.schema = 14;
        let r = assess(&h, &expected(), Some(Ok(())), now());
        assert_eq!(r.level, Level::Critical);
        assert_eq!(r.level.exit_code(), 2);
    }

    #[test]
    fn healthz_is_asked_on_the_loopback() {
        assert_eq!(healthz_url("0.0.0.0:8080"), "http://127.0.0.1:8080/healthz");
        assert_eq!(healthz_url("[::]:80"), "http://[::1]:80/healthz");
    }
}
