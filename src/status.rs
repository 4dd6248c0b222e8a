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

use greffier_storage::Database;
use greffier_storage::outbox::Health;
use jiff::{SignedDuration, Timestamp};

use crate::app::App;
use crate::channels::TABLE;
use crate::config::Config;
use greffier_commands::{Lang, tr, words};

use crate::plugin::{Checkup, Said, age};

/// The bot rewrites its heartbeat every minute: three missed, it is down.
const HEARTBEAT_LATE: SignedDuration = SignedDuration::from_secs(180);
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

#[derive(Debug)]
pub struct Report {
    pub lang: Lang,
    pub level: Level,
    /// What needs attention, the worst first.
    pub problems: Vec<(Level, String)>,
    /// One line per part, for the operator.
    pub lines: Vec<String>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let summary = if self.problems.is_empty() {
            tr!(self.lang, "le bot fonctionne", "the bot is running")
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

/// What a channel that is on says of itself (its `health` in the table of
/// channels).
pub type ChannelCheck<'a> = Box<dyn Fn(&Checkup<'_>) -> Vec<Said> + 'a>;

/// The checks of the channels `config` turns on, in the table's order.
fn checks(config: &Config) -> Vec<ChannelCheck<'_>> {
    TABLE
        .iter()
        .filter(|p| p.on(config))
        .filter_map(|p| p.health)
        .map(|said| Box::new(move |c: &Checkup<'_>| said(config, c)) as ChannelCheck<'_>)
        .collect()
}

/// `greffier status`: the report, printed; its level is the exit status.
pub fn run(app: &App, database: &Path) -> anyhow::Result<Level> {
    let lang = app.loaded.config.bot.language;
    let db = Database::open_as_is(database).map_err(|e| crate::say::opened(lang, e))?;
    let health = db.health()?;
    let channels = checks(&app.loaded.config);
    let schema = greffier_storage::migrations::MIGRATIONS.len() as i64;
    let mut report = assess(lang, &health, schema, &channels, Timestamp::now());
    report.lines.insert(
        0,
        tr!(
            lang,
            "base de données : {} (schéma {})",
            "database: {} (schema {})",
            database.display(),
            health.schema
        ),
    );
    if let Some(dir) = app.loaded.backup_dir(database) {
        let newest = crate::backup::copies(&dir)
            .ok()
            .and_then(|c| c.last().cloned())
            .and_then(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok())
            .and_then(|t| Timestamp::try_from(t).ok());
        let (line, problem) = backups(lang, &dir, newest, Timestamp::now());
        report.lines.push(line);
        if let Some(p) = problem {
            report.problems.push((Level::Warning, p));
            report.level = report.level.max(Level::Warning);
        }
    }
    print!("{report}");
    Ok(report.level)
}

/// A backup older than this is late: the daily timer has not run.
const BACKUP_LATE: SignedDuration = SignedDuration::from_hours(48);

/// The backups' line, and the warning when the newest copy in `dir` is
/// missing or more than two days old.
fn backups(
    lang: Lang,
    dir: &Path,
    newest: Option<Timestamp>,
    now: Timestamp,
) -> (String, Option<String>) {
    let dir = dir.display();
    match newest {
        None => (
            tr!(
                lang,
                "sauvegardes : aucune copie dans {dir}",
                "backups: no copy in {dir}"
            ),
            Some(tr!(
                lang,
                "aucune sauvegarde dans {dir} (greffier-backup.timer)",
                "no backup in {dir} (greffier-backup.timer)"
            )),
        ),
        Some(at) => {
            let ago = now.duration_since(at);
            let said = age(lang, ago);
            let line = tr!(
                lang,
                "sauvegardes : la dernière copie date d'il y a {said} ({dir})",
                "backups: the last copy is {said} old ({dir})"
            );
            let late = (ago > BACKUP_LATE).then(|| {
                tr!(
                    lang,
                    "la dernière sauvegarde date d'il y a {said} (greffier-backup.timer)",
                    "the last backup is {said} old (greffier-backup.timer)"
                )
            });
            (line, late)
        }
    }
}

/// The report on `health` at `now`, with what each channel that is on
/// says of itself; `schema`: the one this binary knows.
pub fn assess(
    lang: Lang,
    health: &Health,
    schema: i64,
    channels: &[ChannelCheck<'_>],
    now: Timestamp,
) -> Report {
    let mut problems: Vec<(Level, String)> = Vec::new();
    let mut lines = Vec::new();
    let since = |at: &Option<String>| -> Option<SignedDuration> {
        let at: Timestamp = at.as_deref()?.parse().ok()?;
        Some(now.duration_since(at))
    };

    if health.schema > schema {
        problems.push((
            Level::Critical,
            tr!(
                lang,
                "la base de données est au schéma {}, plus récent que ce greffier ({})",
                "the database is at schema {}, newer than this greffier ({})",
                health.schema,
                schema
            ),
        ));
    } else if health.schema < schema {
        problems.push((
            Level::Warning,
            tr!(
                lang,
                "la base de données est au schéma {}, ce greffier au {} : redémarrez le bot pour la mettre à jour",
                "the database is at schema {}, this greffier at {}: restart the bot to upgrade it",
                health.schema,
                schema
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
            tr!(
                lang,
                "le bot ne fonctionne pas (il n'a laissé aucun signe de vie dans cette base)",
                "the bot is not running (it has left no sign of life in this database)"
            ),
        )),
        Some(b) if !running => {
            let ago = age(lang, b);
            problems.push((
                Level::Critical,
                tr!(
                    lang,
                    "le bot ne fonctionne pas (dernier signe de vie il y a {ago})",
                    "the bot is not running (last sign of life {ago} ago)"
                ),
            ));
            lines.push(tr!(
                lang,
                "bot : arrêté, dernier signe de vie il y a {ago}",
                "bot: stopped, last sign of life {ago} ago"
            ));
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
            let up = up
                .map(|u| {
                    let up = age(lang, u);
                    tr!(lang, ", lancé depuis {up}", ", up {up}")
                })
                .unwrap_or_default();
            let ago = age(lang, b);
            lines.push(tr!(
                lang,
                "bot : en marche ({who}{up}), dernier signe de vie il y a {ago}",
                "bot: running ({who}{up}), last sign of life {ago} ago"
            ));
        }
    }

    // The channels, each judged by itself once the bot has been up long
    // enough to have reached its server.
    let checkup = Checkup {
        health,
        now,
        running,
        up,
        lang,
    };
    for channel in channels {
        for said in channel(&checkup) {
            match said {
                Said::Line(line) => lines.push(line),
                Said::Critical(problem) => problems.push((Level::Critical, problem)),
            }
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
    let waiting = usize::try_from(waiting).unwrap_or(0);
    let mut outbox = tr!(
        lang,
        "file d'envoi : {} en attente",
        "outbox: {} waiting",
        words::number(lang, waiting)
    );
    if let Some(o) = oldest {
        let ago = age(lang, o);
        outbox.push_str(&tr!(
            lang,
            " ({per_channel} ; le plus ancien depuis {ago})",
            " ({per_channel}; oldest {ago} ago)"
        ));
    }
    let (failed, last_day) = (health.failed, health.failed_last_day);
    outbox.push_str(&tr!(
        lang,
        ", {failed} en échec définitif ({last_day} ces dernières 24 heures)",
        ", {failed} failed for good ({last_day} in the last day)"
    ));
    lines.push(outbox);
    if let Some(o) = oldest.filter(|o| *o > OUTBOX_LATE) {
        let ago = age(lang, o);
        problems.push((
            Level::Warning,
            tr!(
                lang,
                "un envoi attend depuis {ago}",
                "an outbox item has waited {ago}"
            ),
        ));
    }
    if health.failed_last_day > 0 {
        let n = usize::try_from(health.failed_last_day).unwrap_or(0);
        let items = words::count(
            lang,
            n,
            ("envoi a échoué", "envois ont échoué"),
            ("outbox item failed", "outbox items failed"),
        );
        problems.push((
            Level::Warning,
            tr!(
                lang,
                "{items} définitivement ces dernières 24 heures (le journal du bot dit pourquoi)",
                "{items} for good in the last day (the bot's log says why)"
            ),
        ));
    }

    match &health.last_digest {
        Some(d) => {
            let destinations = words::count(
                lang,
                usize::try_from(d.destinations).unwrap_or(0),
                ("destination", "destinations"),
                ("destination", "destinations"),
            );
            lines.push(tr!(
                lang,
                "lettre hebdomadaire : semaine {} envoyée le {} à {destinations}",
                "digest: week {} sent {} to {destinations}",
                d.week,
                d.sent_at
            ))
        }
        None => lines.push(tr!(
            lang,
            "lettre hebdomadaire : aucune envoyée pour l'instant",
            "digest: none sent yet"
        )),
    }

    problems.sort_by_key(|p| std::cmp::Reverse(p.0));
    let level = problems.first().map_or(Level::Ok, |(l, _)| *l);
    Report {
        lang,
        level,
        problems,
        lines,
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

    /// A bot with Matrix and mail on, as bot.toml says; and the pages,
    /// whose `/healthz` answers `web` (the pages' own check asks it over
    /// HTTP: web/health.rs).
    fn config() -> Config {
        let src = "[matrix]\nhomeserver = \"http://127.0.0.1:8008\"\nuser = \"@bot:x.y\"\npassword = \"p\"\n\n[mail]\naddress = \"g@example.test\"\nimap_host = \"127.0.0.1\"\nimap_port = 1\nimap_user = \"u\"\nimap_password = \"p\"\nsmtp_host = \"127.0.0.1\"\nsmtp_port = 2\npoll_seconds = 60\n";
        crate::config::parse(src, &crate::channels::readers()).expect("valid")
    }

    fn channels(config: &Config, web: Result<(), String>) -> Vec<ChannelCheck<'_>> {
        let mut out = checks(config);
        let url = "http://127.0.0.1:8080/healthz";
        out.push(Box::new(move |c: &Checkup<'_>| {
            crate::web::judge(c.lang, url, web.clone(), c.running)
        }));
        out
    }

    #[test]
    fn a_healthy_bot_is_ok_and_says_each_part() {
        let r = assess(
            Lang::En,
            &healthy(),
            13,
            &channels(&config(), Ok(())),
            now(),
        );
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
            "digest: week 2026-W48 sent 2026-11-23T08:00:00Z to 4 destinations",
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
            Lang::En,
            &h,
            13,
            &channels(&config(), Err("connection refused".into())),
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
        let r = assess(Lang::En, &never, 13, &channels(&config(), Ok(())), now());
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
        let r = assess(
            Lang::En,
            &h,
            13,
            &channels(&config(), Err("timed out".into())),
            now(),
        );
        assert_eq!(r.level, Level::Critical);
        let said: Vec<&str> = r.problems.iter().map(|(_, p)| p.as_str()).collect();
        assert_eq!(
            said,
            [
                "no Matrix sync for 15 min",
                "the mailbox has never been read",
                "http://127.0.0.1:8080/healthz does not answer: timed out"
            ]
        );
        // Just started: not judged yet.
        h.heartbeat = Some(serde_json::json!({"pid": 1, "started_at": ago(30)}).to_string());
        let r = assess(Lang::En, &h, 13, &channels(&config(), Ok(())), now());
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
        let r = assess(Lang::En, &h, 13, &channels(&config(), Ok(())), now());
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
        let r = assess(Lang::En, &h, 13, &channels(&config(), Ok(())), now());
        assert_eq!(r.level, Level::Warning);
        h.schema = 14;
        let r = assess(Lang::En, &h, 13, &channels(&config(), Ok(())), now());
        assert_eq!(r.level, Level::Critical);
        assert_eq!(r.level.exit_code(), 2);
    }

    /// The report speaks bot.language; the first line keeps the
    /// monitoring plugins' words (GREFFIER OK, CRITICAL…).
    #[test]
    fn the_report_is_in_the_bots_language() {
        let text = assess(
            Lang::Fr,
            &healthy(),
            13,
            &channels(&config(), Ok(())),
            now(),
        )
        .to_string();
        for line in [
            "GREFFIER OK: le bot fonctionne\n",
            "bot : en marche (pid 77, greffier 0.1.0 (commit abc), lancé depuis 1 j 0 h), dernier signe de vie il y a 20 s",
            "matrix : dernière synchronisation il y a 12 s",
            "mail : boîte relevée il y a 40 s ; dernier courriel reçu il y a 1 h 6 min",
            "file d'envoi : 0 en attente, 0 en échec définitif (0 ces dernières 24 heures)",
            "lettre hebdomadaire : semaine 2026-W48 envoyée le 2026-11-23T08:00:00Z à 4 destinations",
        ] {
            assert!(text.contains(line), "{line:?} missing from:\n{text}");
        }
        let mut never = healthy();
        never.heartbeat_at = None;
        let text = assess(Lang::Fr, &never, 13, &channels(&config(), Ok(())), now()).to_string();
        assert!(
            text.starts_with(
                "GREFFIER CRITICAL: le bot ne fonctionne pas (il n'a laissé aucun signe de vie dans cette base)"
            ),
            "{text}"
        );
    }

    /// Issue 39: no copy, or one older than two days, is a warning.
    #[test]
    fn a_late_backup_is_a_warning() {
        let dir = Path::new("/var/lib/greffier/backups");
        let (line, late) = backups(
            Lang::Fr,
            dir,
            Some(now() - SignedDuration::from_hours(20)),
            now(),
        );
        assert_eq!(
            line,
            "sauvegardes : la dernière copie date d'il y a 20 h 0 min (/var/lib/greffier/backups)"
        );
        assert_eq!(late, None);
        let (_, late) = backups(
            Lang::Fr,
            dir,
            Some(now() - SignedDuration::from_hours(50)),
            now(),
        );
        assert_eq!(
            late.as_deref(),
            Some("la dernière sauvegarde date d'il y a 2 j 2 h (greffier-backup.timer)")
        );
        let (_, late) = backups(Lang::En, dir, None, now());
        assert_eq!(
            late.as_deref(),
            Some("no backup in /var/lib/greffier/backups (greffier-backup.timer)")
        );
    }

    /// The list server's line: its engine and domain, what waits for it;
    /// an item waiting for more than half an hour makes the report
    /// critical, in the bot's language.
    #[test]
    fn the_list_servers_engine_is_said_and_a_stuck_item_is_critical() {
        let src = "[lists]\nengine = \"sympa\"\nurl = \"http://127.0.0.1:8002/sympasoap\"\nuser = \"greffier\"\npassword = \"p\"\ndomain = \"listes.example.test\"\n";
        let config = crate::config::parse(src, &crate::channels::readers()).expect("valid");
        let r = assess(Lang::Fr, &healthy(), 13, &checks(&config), now());
        assert_eq!(r.level, Level::Ok, "{r}");
        assert!(
            r.to_string()
                .contains("lists : Sympa (listes.example.test), rien en attente"),
            "{r}"
        );
        let mut stuck = healthy();
        stuck.waiting = vec![Waiting {
            channel: "lists".into(),
            items: 2,
            oldest: ago(45 * 60).expect("ts"),
        }];
        let r = assess(Lang::Fr, &stuck, 13, &checks(&config), now());
        assert_eq!(r.level, Level::Critical, "{r}");
        let text = r.to_string();
        assert!(
            text.contains("lists : Sympa (listes.example.test), 2 en attente depuis 45 min"),
            "{text}"
        );
        assert!(
            text.contains(
                "Sympa ne prend pas ce que le greffier lui envoie depuis 45 min (voir le journal)"
            ),
            "{text}"
        );
        // Ten minutes: the outbox is trying again, nothing critical.
        stuck.waiting[0].oldest = ago(600).expect("ts");
        let r = assess(Lang::En, &stuck, 13, &checks(&config), now());
        assert_eq!(r.level, Level::Ok, "{r}");
        assert!(
            r.to_string()
                .contains("lists: Sympa (listes.example.test), 2 waiting for 10 min"),
            "{r}"
        );
    }
}
