//! `bot.toml`: parsed with unknown keys refused, then checked; every error
//! names the file, the line and the key. Relative paths (database, Matrix
//! store, `*_file` secrets) are relative to the directory of the file.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use greffier_commands::Lang;
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub bot: BotConfig,
    /// Absent: the Matrix adapter is off.
    pub matrix: Option<MatrixConfig>,
    /// Absent: the mail adapter is off.
    pub mail: Option<MailConfig>,
    #[serde(default)]
    pub groups: GroupsConfig,
    #[serde(default)]
    pub digest: DigestConfig,
    #[serde(default)]
    pub meetings: MeetingsConfig,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BotConfig {
    pub language: String,
    pub timezone: String,
    pub prefix: String,
    pub database: PathBuf,
    pub admins: Vec<String>,
}

impl Default for BotConfig {
    fn default() -> Self {
        BotConfig {
            language: "fr".into(),
            timezone: "Europe/Paris".into(),
            prefix: "!".into(),
            database: PathBuf::from(".local/greffier.db"),
            admins: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixConfig {
    pub homeserver: String,
    pub user: String,
    pub password: Option<String>,
    pub password_env: Option<String>,
    pub password_file: Option<PathBuf>,
    pub access_token: Option<String>,
    pub access_token_env: Option<String>,
    pub access_token_file: Option<PathBuf>,
    #[serde(default = "default_store")]
    pub store: PathBuf,
    #[serde(default)]
    pub allowed_servers: Vec<String>,
}

fn default_store() -> PathBuf {
    PathBuf::from(".local/matrix-store")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    pub address: String,
    pub imap_host: String,
    pub imap_port: u16,
    #[serde(default = "default_tls")]
    pub imap_tls: String,
    /// A PEM certificate to trust instead of the system's roots (a server
    /// with a self-signed certificate).
    pub imap_ca_file: Option<PathBuf>,
    pub imap_user: String,
    pub imap_password: Option<String>,
    pub imap_password_env: Option<String>,
    pub imap_password_file: Option<PathBuf>,
    pub smtp_host: String,
    pub smtp_port: u16,
    #[serde(default = "default_tls")]
    pub smtp_tls: String,
    pub smtp_ca_file: Option<PathBuf>,
    pub smtp_user: Option<String>,
    pub smtp_password: Option<String>,
    pub smtp_password_env: Option<String>,
    pub smtp_password_file: Option<PathBuf>,
    #[serde(default = "default_done")]
    pub done_folder: String,
    /// Where mail that cannot be read is moved (created if missing).
    #[serde(default = "default_quarantine")]
    pub quarantine_folder: String,
    #[serde(default = "default_poll")]
    pub poll_seconds: u64,
}

fn default_tls() -> String {
    "starttls".into()
}
fn default_done() -> String {
    "Traités".into()
}
fn default_quarantine() -> String {
    "Quarantaine".into()
}
fn default_poll() -> u64 {
    60
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupsConfig {
    #[serde(default = "default_quorum")]
    pub quorum: usize,
    #[serde(default)]
    pub seed: Vec<SeedGroup>,
}

impl Default for GroupsConfig {
    fn default() -> Self {
        GroupsConfig {
            quorum: default_quorum(),
            seed: Vec::new(),
        }
    }
}

fn default_quorum() -> usize {
    3
}

/// A group created at start-up if no group has its slug yet; never
/// overwrites what the bot has recorded since.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedGroup {
    pub slug: String,
    pub theme: String,
    #[serde(default = "default_seed_status")]
    pub status: String,
    pub lead: Option<String>,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub supporters: Vec<String>,
    pub action: Option<String>,
    pub version: Option<String>,
    pub status_text: Option<String>,
    pub room: Option<String>,
    pub list: Option<String>,
}

fn default_seed_status() -> String {
    "active".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DigestConfig {
    pub weekday: String,
    pub time: String,
    /// Where the overall digest goes.
    pub rooms: Vec<String>,
    pub lists: Vec<String>,
}

impl Default for DigestConfig {
    fn default() -> Self {
        DigestConfig {
            weekday: "lundi".into(),
            time: "09:00".into(),
            rooms: Vec::new(),
            lists: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MeetingsConfig {
    pub remind_days_before: u32,
}

impl Default for MeetingsConfig {
    fn default() -> Self {
        MeetingsConfig {
            remind_days_before: 2,
        }
    }
}

/// The configuration, checked, with what the checks computed.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub path: PathBuf,
    pub lang: Lang,
    pub timezone: TimeZone,
    pub digest_weekday: Weekday,
    pub digest_time: Time,
}

impl Loaded {
    /// A path from the file, relative to the file's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            return p.to_path_buf();
        }
        self.path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| p.to_path_buf(), |d| d.join(p))
    }

    /// A secret given inline, as `*_env` (an environment variable's name) or
    /// as `*_file` (trailing newline dropped); `None` when none is given.
    pub fn secret(
        &self,
        key: &str,
        inline: &Option<String>,
        env: &Option<String>,
        file: &Option<PathBuf>,
    ) -> anyhow::Result<Option<String>> {
        if let Some(v) = inline {
            return Ok(Some(v.clone()));
        }
        if let Some(var) = env {
            return match std::env::var(var) {
                Ok(v) if !v.is_empty() => Ok(Some(v)),
                _ => bail!(
                    "{}: {key}_env: the environment variable {var} is not set",
                    self.path.display()
                ),
            };
        }
        if let Some(f) = file {
            let path = self.resolve(f);
            let v = std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "{}: {key}_file: cannot read {}",
                    self.path.display(),
                    path.display()
                )
            })?;
            return Ok(Some(v.trim_end_matches(['\r', '\n']).to_string()));
        }
        Ok(None)
    }

    pub fn database_path(&self, cli_override: Option<&Path>) -> PathBuf {
        match cli_override {
            Some(p) => p.to_path_buf(),
            None => self.resolve(&self.config.bot.database),
        }
    }
}

/// One problem in the file: where, which key, what.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub key: String,
    pub message: String,
}

pub fn load(path: &Path) -> anyhow::Result<Loaded> {
    let src = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration {}", path.display()))?;
    match parse(&src) {
        Ok((config, lang, timezone, digest_weekday, digest_time)) => Ok(Loaded {
            config,
            path: path.to_path_buf(),
            lang,
            timezone,
            digest_weekday,
            digest_time,
        }),
        Err(problems) => {
            let lines: Vec<String> = problems
                .iter()
                .map(|p| {
                    let at = p.line.map(|l| format!(":{l}")).unwrap_or_default();
                    format!("{}{at}: {}: {}", path.display(), p.key, p.message)
                })
                .collect();
            bail!("{}", lines.join("\n"))
        }
    }
}

type Parsed = (Config, Lang, TimeZone, Weekday, Time);

/// Parses and checks the text of a bot.toml.
pub fn parse(src: &str) -> Result<Parsed, Vec<Problem>> {
    let config: Config = toml::from_str(src).map_err(|e| {
        let line = e.span().map(|s| line_at(src, s.start));
        let message = e.message().trim().to_string();
        // "unknown field `foo`, expected …": name the key.
        let key = message
            .split('`')
            .nth(1)
            .filter(|_| message.starts_with("unknown field"))
            .unwrap_or("syntax")
            .to_string();
        vec![Problem { line, key, message }]
    })?;
    let mut problems = Vec::new();
    let mut problem = |section: &str, key: &str, message: String| {
        problems.push(Problem {
            line: line_of_key(src, section, key),
            key: format!("{section}.{key}"),
            message,
        });
    };

    let lang = match config.bot.language.as_str() {
        "fr" => Lang::Fr,
        "en" => Lang::En,
        other => {
            problem(
                "bot",
                "language",
                format!("{other:?} is neither \"fr\" nor \"en\""),
            );
            Lang::Fr
        }
    };
    let timezone = TimeZone::get(&config.bot.timezone).unwrap_or_else(|_| {
        problem(
            "bot",
            "timezone",
            format!("unknown time zone {:?}", config.bot.timezone),
        );
        TimeZone::UTC
    });
    if config.bot.prefix.is_empty() || config.bot.prefix.chars().any(char::is_whitespace) {
        problem("bot", "prefix", "must be non-empty, without spaces".into());
    }
    for a in &config.bot.admins {
        if greffier_commands::store::Identity::parse(a).is_none() {
            problem(
                "bot",
                "admins",
                format!("{a:?} is neither a Matrix ID (@user:server) nor an email address"),
            );
        }
    }
    if let Some(m) = &config.matrix {
        secret_choice(
            &mut problem,
            "matrix",
            "password",
            [
                m.password.is_some(),
                m.password_env.is_some(),
                m.password_file.is_some(),
            ],
        );
        secret_choice(
            &mut problem,
            "matrix",
            "access_token",
            [
                m.access_token.is_some(),
                m.access_token_env.is_some(),
                m.access_token_file.is_some(),
            ],
        );
        let has_password =
            m.password.is_some() || m.password_env.is_some() || m.password_file.is_some();
        let has_token = m.access_token.is_some()
            || m.access_token_env.is_some()
            || m.access_token_file.is_some();
        if !has_password && !has_token {
            problem(
                "matrix",
                "password",
                "give a password or an access_token (or their _env / _file forms)".into(),
            );
        }
        if !m.homeserver.starts_with("http://") && !m.homeserver.starts_with("https://") {
            problem(
                "matrix",
                "homeserver",
                format!("{:?} is not an http(s) URL", m.homeserver),
            );
        }
        if !matches!(greffier_commands::store::Identity::parse(&m.user), Some(i) if i.kind == greffier_commands::store::IdentityKind::Matrix)
        {
            problem(
                "matrix",
                "user",
                format!("{:?} is not a Matrix ID (@user:server)", m.user),
            );
        }
    }
    if let Some(m) = &config.mail {
        for (key, value) in [("imap_tls", &m.imap_tls), ("smtp_tls", &m.smtp_tls)] {
            if !matches!(value.as_str(), "implicit" | "starttls" | "none") {
                problem(
                    "mail",
                    key,
                    format!("{value:?} is not one of implicit, starttls, none"),
                );
            }
        }
        secret_choice(
            &mut problem,
            "mail",
            "imap_password",
            [
                m.imap_password.is_some(),
                m.imap_password_env.is_some(),
                m.imap_password_file.is_some(),
            ],
        );
        secret_choice(
            &mut problem,
            "mail",
            "smtp_password",
            [
                m.smtp_password.is_some(),
                m.smtp_password_env.is_some(),
                m.smtp_password_file.is_some(),
            ],
        );
        if !matches!(greffier_commands::store::Identity::parse(&m.address), Some(i) if i.kind == greffier_commands::store::IdentityKind::Email)
        {
            problem(
                "mail",
                "address",
                format!("{:?} is not an email address", m.address),
            );
        }
        if m.poll_seconds == 0 {
            problem("mail", "poll_seconds", "must be at least 1".into());
        }
    }
    if config.groups.quorum == 0 {
        problem("groups", "quorum", "must be at least 1".into());
    }
    for (i, seed) in config.groups.seed.iter().enumerate() {
        let section = "groups.seed";
        let at = |key: &str| line_of_nth_key(src, section, i, key);
        let mut seed_problem = |key: &str, message: String| {
            problems.push(Problem {
                line: at(key),
                key: format!("groups.seed[{i}].{key}"),
                message,
            });
        };
        if greffier_commands::cmd::groupe::proposer::slug(&seed.slug).as_deref()
            != Ok(seed.slug.as_str())
        {
            seed_problem(
                "slug",
                format!(
                    "{:?}: lower-case letters, digits and hyphens, 2 to 40",
                    seed.slug
                ),
            );
        }
        if greffier_commands::store::GroupStatus::parse(&seed.status).is_none() {
            seed_problem(
                "status",
                format!("{:?} is not one of proposed, active, archived", seed.status),
            );
        }
    }
    let digest_weekday = weekday(&config.digest.weekday).unwrap_or_else(|| {
        problems.push(Problem {
            line: line_of_key(src, "digest", "weekday"),
            key: "digest.weekday".into(),
            message: format!("{:?} is not a day of the week", config.digest.weekday),
        });
        Weekday::Monday
    });
    let digest_time = greffier_commands::parse::time(&config.digest.time).unwrap_or_else(|_| {
        problems.push(Problem {
            line: line_of_key(src, "digest", "time"),
            key: "digest.time".into(),
            message: format!("{:?} is not a time (HH:MM)", config.digest.time),
        });
        Time::midnight()
    });
    if problems.is_empty() {
        Ok((config, lang, timezone, digest_weekday, digest_time))
    } else {
        Err(problems)
    }
}

/// At most one of `key`, `key_env`, `key_file`.
fn secret_choice(
    problem: &mut impl FnMut(&str, &str, String),
    section: &str,
    key: &str,
    given: [bool; 3],
) {
    if given.iter().filter(|g| **g).count() > 1 {
        problem(
            section,
            key,
            format!("give only one of {key}, {key}_env, {key}_file"),
        );
    }
}

/// A weekday in French or English: "lundi", "Monday", "mon".
pub fn weekday(s: &str) -> Option<Weekday> {
    use Weekday::*;
    Some(match greffier_commands::text::keyword(s).as_str() {
        "lundi" | "monday" | "mon" => Monday,
        "mardi" | "tuesday" | "tue" => Tuesday,
        "mercredi" | "wednesday" | "wed" => Wednesday,
        "jeudi" | "thursday" | "thu" => Thursday,
        "vendredi" | "friday" | "fri" => Friday,
        "samedi" | "saturday" | "sat" => Saturday,
        "dimanche" | "sunday" | "sun" => Sunday,
        _ => return None,
    })
}

fn line_at(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())].matches('\n').count() + 1
}

fn line_of_key(src: &str, section: &str, key: &str) -> Option<usize> {
    line_of_nth_key(src, section, 0, key)
}

/// The line of `key = …` inside the `n`th `[section]` or `[[section]]`
/// table (the key itself, if the section has no such key).
fn line_of_nth_key(src: &str, section: &str, n: usize, key: &str) -> Option<usize> {
    let mut current = String::new();
    let mut seen: Option<usize> = None;
    let mut header_line = None;
    for (i, line) in src.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            current = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
            if current == section {
                seen = Some(seen.map_or(0, |s| s + 1));
                if seen == Some(n) {
                    header_line = Some(i + 1);
                }
            }
            continue;
        }
        if current == section && seen == Some(n) {
            let k = t.split('=').next().unwrap_or("").trim();
            if k == key {
                return Some(i + 1);
            }
        }
    }
    header_line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_bot_toml_is_valid() {
        let src = include_str!("../bot.toml");
        if let Err(p) = parse(src) {
            panic!("bot.toml: {p:?}");
        }
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let src = "[bot]\nlanguage = \"fr\"\ncolour = \"blue\"\n";
        let p = parse(src).expect_err("unknown key");
        assert_eq!(p[0].line, Some(3));
        assert_eq!(p[0].key, "colour");
    }

    #[test]
    fn bad_values_name_line_and_key() {
        let src = "[bot]\nlanguage = \"de\"\ntimezone = \"Europe/Pariss\"\n\n[digest]\nweekday = \"funday\"\ntime = \"25:00\"\n";
        let p = parse(src).expect_err("bad values");
        let got: Vec<(Option<usize>, &str)> = p.iter().map(|p| (p.line, p.key.as_str())).collect();
        assert_eq!(
            got,
            [
                (Some(2), "bot.language"),
                (Some(3), "bot.timezone"),
                (Some(6), "digest.weekday"),
                (Some(7), "digest.time"),
            ]
        );
    }

    #[test]
    fn seed_problems_point_at_their_table() {
        let src = "[[groups.seed]]\nslug = \"ok\"\ntheme = \"A\"\n\n[[groups.seed]]\nslug = \"Not OK\"\ntheme = \"B\"\n";
        let p = parse(src).expect_err("bad slug");
        assert_eq!(p[0].line, Some(6));
        assert_eq!(p[0].key, "groups.seed[1].slug");
    }

    #[test]
    fn syntax_error_has_a_line() {
        let p = parse("[bot]\nlanguage = \n").expect_err("syntax");
        assert_eq!(p[0].line, Some(2));
    }

    #[test]
    fn two_forms_of_one_secret_are_refused() {
        let src = "[matrix]\nhomeserver = \"http://x\"\nuser = \"@b:x.y\"\npassword = \"a\"\npassword_env = \"B\"\n";
        let p = parse(src).expect_err("two secrets");
        assert_eq!(p[0].key, "matrix.password");
        assert_eq!(p[0].line, Some(4));
    }

    #[test]
    fn weekdays_in_both_languages() {
        assert_eq!(weekday("Lundi"), Some(Weekday::Monday));
        assert_eq!(weekday("friday"), Some(Weekday::Friday));
        assert_eq!(weekday("someday"), None);
    }
}
