//! `bot.toml`: parsed once into typed values (a language, a time zone, a
//! TLS mode, a weekday, a time, a group status), unknown keys refused, then
//! checked; every error names the file, the line and the key, and every
//! wrong value of a typed key is reported at once. Relative paths
//! (database, Matrix store, `*_file` secrets) are relative to the
//! directory of the file.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use greffier_commands::Lang;
use greffier_commands::store::{GroupStatus, Identity, IdentityKind};
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Deserializer};

/// A typed value written as text in bot.toml; the error says what is wrong.
pub trait FromText: Sized {
    fn from_text(s: &str) -> Result<Self, String>;
}

impl FromText for Lang {
    fn from_text(s: &str) -> Result<Lang, String> {
        s.parse()
    }
}

impl FromText for TimeZone {
    fn from_text(s: &str) -> Result<TimeZone, String> {
        TimeZone::get(s).map_err(|_| format!("unknown time zone {s:?}"))
    }
}

impl FromText for Weekday {
    fn from_text(s: &str) -> Result<Weekday, String> {
        weekday(s).ok_or_else(|| format!("{s:?} is not a day of the week"))
    }
}

impl FromText for Time {
    fn from_text(s: &str) -> Result<Time, String> {
        greffier_commands::parse::time(s).map_err(|_| format!("{s:?} is not a time (HH:MM)"))
    }
}

impl FromText for GroupStatus {
    fn from_text(s: &str) -> Result<GroupStatus, String> {
        GroupStatus::parse(s)
            .ok_or_else(|| format!("{s:?} is not one of proposed, active, archived"))
    }
}

/// How a mail connection is protected (`mail.imap_tls`, `mail.smtp_tls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Implicit,
    /// Plain, then STARTTLS (IMAP 143, submission 587).
    Starttls,
    /// No TLS: loopback only.
    None,
}

impl FromText for Tls {
    fn from_text(s: &str) -> Result<Tls, String> {
        match s {
            "implicit" => Ok(Tls::Implicit),
            "starttls" => Ok(Tls::Starttls),
            "none" => Ok(Tls::None),
            other => Err(format!("{other:?} is not one of implicit, starttls, none")),
        }
    }
}

/// How a mail's sender is proven (`mail.authentication`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authentication {
    /// A DKIM signature aligned with the From domain, or the mailbox
    /// server's own Authentication-Results; otherwise state changes wait
    /// for a confirmation.
    Dkim,
    /// Every state change by mail waits for a confirmation.
    Confirm,
    /// The From header is believed (check-config warns).
    None,
}

impl FromText for Authentication {
    fn from_text(s: &str) -> Result<Authentication, String> {
        match s {
            "dkim" => Ok(Authentication::Dkim),
            "confirm" => Ok(Authentication::Confirm),
            "none" => Ok(Authentication::None),
            other => Err(format!("{other:?} is not one of dkim, confirm, none")),
        }
    }
}

/// A resolver's address: `127.0.0.1:5300`, or `192.0.2.53` for port 53.
impl FromText for std::net::SocketAddr {
    fn from_text(s: &str) -> Result<std::net::SocketAddr, String> {
        s.parse()
            .or_else(|_| s.parse::<std::net::IpAddr>().map(|ip| (ip, 53).into()))
            .map_err(|_| format!("{s:?} is not an IP address (with an optional port)"))
    }
}

/// serde's way to a [`FromText`] field.
fn text<'de, D: Deserializer<'de>, T: FromText>(d: D) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    T::from_text(&s).map_err(serde::de::Error::custom)
}

fn optional_text<'de, D: Deserializer<'de>, T: FromText>(d: D) -> Result<Option<T>, D::Error> {
    text(d).map(Some)
}

fn check<T: FromText>(s: &str) -> Result<(), String> {
    T::from_text(s).map(drop)
}

/// Checks a value's text form.
type Check = fn(&str) -> Result<(), String>;

/// The typed keys of each section, checked one by one before the whole
/// file is read, so that every wrong value is reported at once; and a good
/// value that stands in for a wrong one while the rest of the file is
/// checked.
const TYPED: &[(&str, &str, Check, &str)] = &[
    ("bot", "language", check::<Lang>, "fr"),
    ("bot", "timezone", check::<TimeZone>, "UTC"),
    ("mail", "imap_tls", check::<Tls>, "none"),
    ("mail", "smtp_tls", check::<Tls>, "none"),
    ("mail", "authentication", check::<Authentication>, "dkim"),
    ("mail", "dns", check::<std::net::SocketAddr>, "127.0.0.1"),
    ("digest", "weekday", check::<Weekday>, "lundi"),
    ("digest", "time", check::<Time>, "09:00"),
];

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
    pub organisations: OrganisationsConfig,
    #[serde(default)]
    pub people: PeopleConfig,
    #[serde(default)]
    pub digest: DigestConfig,
    #[serde(default)]
    pub meetings: MeetingsConfig,
    /// Absent: lists are addresses set by hand (`list` of a seed group).
    pub lists: Option<ListsConfig>,
    /// Absent: no web pages.
    pub web: Option<WebConfig>,
}

/// The read-only web pages and calendar feeds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebConfig {
    /// Where to listen (`127.0.0.1:8080`).
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The pages' address as readers reach them (`https://greffier.example`):
    /// digests and invitations link to them when it is set.
    pub public_url: Option<String>,
    /// Pages show people's names (false: organisations only).
    #[serde(default)]
    pub show_names: bool,
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}

/// The network's list server: the bot makes each active group's list and
/// keeps its subscribers in step with the group's members.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListsConfig {
    /// "mailman3", the one supported.
    #[serde(default = "mailman3")]
    pub server: String,
    /// Mailman's REST API base URL (`http://127.0.0.1:8001`).
    pub url: String,
    /// A REST user that may create lists and subscribe members.
    pub user: String,
    pub password: Option<String>,
    pub password_env: Option<String>,
    pub password_file: Option<PathBuf>,
    /// The lists' domain: a group's list is `<group>@<domain>`.
    pub domain: String,
}

fn mailman3() -> String {
    "mailman3".into()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BotConfig {
    #[serde(deserialize_with = "text")]
    pub language: Lang,
    #[serde(deserialize_with = "text")]
    pub timezone: TimeZone,
    pub prefix: String,
    pub database: PathBuf,
    pub admins: Vec<String>,
    /// Once-only keys, refusals and delivered outbox items are forgotten
    /// after this many days.
    pub retention_days: u32,
}

impl Default for BotConfig {
    fn default() -> Self {
        BotConfig {
            language: Lang::Fr,
            timezone: TimeZone::get("Europe/Paris").unwrap_or(TimeZone::UTC),
            prefix: "!".into(),
            database: PathBuf::from(".local/greffier.db"),
            admins: Vec::new(),
            retention_days: 90,
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
    /// The bot makes a room for each group that becomes active.
    #[serde(default = "yes")]
    pub create_rooms: bool,
    /// The network's Space (an alias, `#reseau:example.test`): the rooms
    /// the bot makes go in it; made on first use if the alias is free.
    pub space: Option<String>,
}

fn yes() -> bool {
    true
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
    #[serde(default = "default_tls", deserialize_with = "text")]
    pub imap_tls: Tls,
    /// A PEM certificate to trust instead of the system's roots (a server
    /// with a self-signed certificate).
    pub imap_ca_file: Option<PathBuf>,
    pub imap_user: String,
    pub imap_password: Option<String>,
    pub imap_password_env: Option<String>,
    pub imap_password_file: Option<PathBuf>,
    pub smtp_host: String,
    pub smtp_port: u16,
    #[serde(default = "default_tls", deserialize_with = "text")]
    pub smtp_tls: Tls,
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
    /// Larger mails (in bytes, as the IMAP server counts them) go to
    /// quarantine unread.
    #[serde(default = "default_max_size")]
    pub max_size: u64,
    #[serde(default = "default_authentication", deserialize_with = "text")]
    pub authentication: Authentication,
    /// The resolver asked for DKIM keys; the system's when absent.
    #[serde(default, deserialize_with = "optional_text")]
    pub dns: Option<std::net::SocketAddr>,
    /// The authserv-id of the mailbox server's own Authentication-Results,
    /// when it writes them (and removes forged ones).
    pub authserv_id: Option<String>,
}

fn default_authentication() -> Authentication {
    Authentication::Dkim
}

fn default_max_size() -> u64 {
    10 << 20
}

fn default_tls() -> Tls {
    Tls::Starttls
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
    #[serde(default = "default_seed_status", deserialize_with = "text")]
    pub status: GroupStatus,
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

fn default_seed_status() -> GroupStatus {
    GroupStatus::Active
}

/// `[[organisations.seed]]`: organisations and their domains, recorded at
/// start-up (added to, never removed from).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationsConfig {
    #[serde(default)]
    pub seed: Vec<SeedOrganisation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedOrganisation {
    pub name: String,
    pub kind: Option<String>,
    /// Addresses and Matrix IDs of these domains confirm a membership.
    #[serde(default)]
    pub domains: Vec<String>,
}

/// `[[people.seed]]`: people recorded at start-up, confirmed members of
/// their organisation (an operator's act, like `import-minutes`): a
/// deployment's first members, or the demo's users. A person whose
/// identities are all known already is left as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeopleConfig {
    #[serde(default)]
    pub seed: Vec<SeedPerson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedPerson {
    pub name: String,
    pub organisation: String,
    #[serde(default)]
    pub matrix_ids: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DigestConfig {
    #[serde(deserialize_with = "text")]
    pub weekday: Weekday,
    #[serde(deserialize_with = "text")]
    pub time: Time,
    /// Where the overall digest goes.
    pub rooms: Vec<String>,
    pub lists: Vec<String>,
}

impl Default for DigestConfig {
    fn default() -> Self {
        DigestConfig {
            weekday: Weekday::Monday,
            time: Time::constant(9, 0, 0, 0),
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

/// The configuration, checked, and where it was read.
#[derive(Debug)]
pub struct Loaded {
    pub config: Config,
    pub path: PathBuf,
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

    /// What is allowed but unwise, for `check-config` and the start of
    /// `run` to say.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(m) = &self.config.mail
            && m.authentication == Authentication::None
        {
            out.push(format!(
                "{}: mail.authentication = \"none\": the From header of a mail is believed, so anyone who knows a linked address can run commands in that person's name (use \"dkim\" or \"confirm\")",
                self.path.display()
            ));
        }
        out
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
        Ok(config) => Ok(Loaded {
            config,
            path: path.to_path_buf(),
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

/// One problem of a `[section]` key.
fn key_problem(src: &str, section: &str, n: usize, key: &str, message: String) -> Problem {
    let name = match section {
        "groups.seed" | "organisations.seed" | "people.seed" => {
            format!("{section}[{n}].{key}")
        }
        _ => format!("{section}.{key}"),
    };
    Problem {
        line: line_of_nth_key(src, section, n, key),
        key: name,
        message,
    }
}

/// The wrong values of the typed keys, all of them; each is replaced in
/// `table` by a good one, so that the rest of the file can be checked.
fn typed_problems(src: &str, table: &mut toml::Table) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (section, key, check, good) in TYPED {
        let Some(value) = table.get_mut(*section).and_then(|s| s.get_mut(*key)) else {
            continue;
        };
        if let Some(Err(message)) = value.as_str().map(check) {
            problems.push(key_problem(src, section, 0, key, message));
            *value = toml::Value::String((*good).into());
        }
    }
    let seeds = table
        .get_mut("groups")
        .and_then(|g| g.get_mut("seed"))
        .and_then(|s| s.as_array_mut());
    for (i, seed) in seeds.into_iter().flatten().enumerate() {
        let Some(value) = seed.get_mut("status") else {
            continue;
        };
        if let Some(Err(message)) = value.as_str().map(check::<GroupStatus>) {
            problems.push(key_problem(src, "groups.seed", i, "status", message));
            *value = toml::Value::String("active".into());
        }
    }
    problems
}

/// A problem serde found (an unknown key, a wrong type), with its line.
fn serde_problem(src: &str, message: &str, line: Option<usize>) -> Problem {
    let message = message.trim().to_string();
    // "unknown field `foo`, expected …": name the key.
    let unknown = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("unknown field"));
    // Without a position (the file was read with a value patched), the
    // unknown key's own line.
    let line = line.or_else(|| {
        let key = unknown?;
        src.lines()
            .position(|l| l.split('=').next().is_some_and(|k| k.trim() == key))
            .map(|i| i + 1)
    });
    Problem {
        line,
        key: unknown.unwrap_or("syntax").to_string(),
        message,
    }
}

/// Parses and checks the text of a bot.toml.
pub fn parse(src: &str) -> Result<Config, Vec<Problem>> {
    let syntax = |e: toml::de::Error| {
        let line = e.span().map(|s| line_at(src, s.start));
        vec![serde_problem(src, e.message(), line)]
    };
    let mut table: toml::Table = toml::from_str(src).map_err(syntax)?;
    let mut typed = typed_problems(src, &mut table);
    if !typed.is_empty() {
        if let Err(e) = Config::deserialize(toml::Value::Table(table)) {
            typed.push(serde_problem(src, e.message(), None));
        }
        return Err(typed);
    }
    let config: Config = toml::from_str(src).map_err(syntax)?;
    let mut problems = Vec::new();
    let mut problem = |section: &str, key: &str, message: String| {
        problems.push(key_problem(src, section, 0, key, message));
    };

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
        } else if let Some(rest) = m.homeserver.strip_prefix("http://")
            && !is_loopback(url_host(rest))
        {
            problem(
                "matrix",
                "homeserver",
                format!(
                    "{:?}: http:// (no TLS) is only for a homeserver on this machine (127.0.0.1, ::1, localhost); use https://",
                    m.homeserver
                ),
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
    if let Some(w) = &config.web {
        if w.listen.parse::<std::net::SocketAddr>().is_err() {
            problem(
                "web",
                "listen",
                format!("{:?} is not an address and port (127.0.0.1:8080)", w.listen),
            );
        }
        if let Some(url) = &w.public_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            problem(
                "web",
                "public_url",
                format!("{url:?} is not an http:// or https:// address"),
            );
        }
    }
    if let Some(l) = &config.lists {
        if l.server != "mailman3" {
            problem(
                "lists",
                "server",
                format!(
                    "{:?}: the one list server supported is \"mailman3\"",
                    l.server
                ),
            );
        }
        let plain = l.url.strip_prefix("http://");
        if !(l.url.starts_with("https://") || plain.is_some_and(|r| is_loopback(url_host(r)))) {
            problem(
                "lists",
                "url",
                format!(
                    "{:?}: https://, or http:// to a server on this machine only (the REST password goes with every call)",
                    l.url
                ),
            );
        }
        secret_choice(
            &mut problem,
            "lists",
            "password",
            [
                l.password.is_some(),
                l.password_env.is_some(),
                l.password_file.is_some(),
            ],
        );
        if l.domain.is_empty() || l.domain.contains(['@', ' ', '/']) {
            problem("lists", "domain", format!("{:?} is not a domain", l.domain));
        }
    }
    if let Some(m) = &config.mail {
        for (key, tls, host) in [
            ("imap_tls", m.imap_tls, &m.imap_host),
            ("smtp_tls", m.smtp_tls, &m.smtp_host),
        ] {
            if tls == Tls::None && !is_loopback(host) {
                problem(
                    "mail",
                    key,
                    format!(
                        "\"none\" sends passwords and mail in clear: only for a server on this machine (127.0.0.1, ::1, localhost), not {host:?}"
                    ),
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
        if m.max_size < 1024 {
            problem(
                "mail",
                "max_size",
                "must be at least 1024 (bytes; the default is 10485760, 10 MiB)".into(),
            );
        }
    }
    if config.bot.retention_days == 0 {
        problem("bot", "retention_days", "must be at least 1".into());
    }
    if config.groups.quorum == 0 {
        problem("groups", "quorum", "must be at least 1".into());
    }
    for (i, seed) in config.groups.seed.iter().enumerate() {
        if greffier_commands::parse::slug(&seed.slug).as_deref() != Ok(seed.slug.as_str()) {
            let message = format!(
                "{:?}: lower-case letters, digits and hyphens, 2 to 40",
                seed.slug
            );
            problems.push(key_problem(src, "groups.seed", i, "slug", message));
        }
    }
    for (i, seed) in config.organisations.seed.iter().enumerate() {
        for d in &seed.domains {
            if greffier_commands::membership::normalise_domain(d).is_none() {
                let message = format!("{d:?}: not a domain (ville-arles.fr, say)");
                problems.push(key_problem(
                    src,
                    "organisations.seed",
                    i,
                    "domains",
                    message,
                ));
            }
        }
    }
    for (i, seed) in config.people.seed.iter().enumerate() {
        let ids = seed
            .matrix_ids
            .iter()
            .map(|m| ("matrix_ids", m, IdentityKind::Matrix));
        let mails = seed
            .emails
            .iter()
            .map(|m| ("emails", m, IdentityKind::Email));
        for (key, value, kind) in ids.chain(mails) {
            if Identity::parse(value).map(|id| id.kind) != Some(kind) {
                let message = format!("{value:?}: not a {}", kind_name(kind));
                problems.push(key_problem(src, "people.seed", i, key, message));
            }
        }
        if seed.matrix_ids.is_empty() && seed.emails.is_empty() {
            let message = "give at least one Matrix ID or email address".to_string();
            problems.push(key_problem(src, "people.seed", i, "name", message));
        }
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

fn kind_name(kind: IdentityKind) -> &'static str {
    match kind {
        IdentityKind::Matrix => "Matrix ID (@user:server)",
        IdentityKind::Email => "email address",
    }
}

/// The host of a URL's rest after `scheme://`: `[::1]:8008/x` is `::1`.
fn url_host(rest: &str) -> &str {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    }
}

/// A host on this machine: `localhost`, 127.0.0.0/8, `::1`.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_matches(['[', ']']);
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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
    fn a_wrong_value_does_not_hide_an_unknown_key() {
        let src = "[bot]\ntimezone = \"Europe/Marseille\"\n\n[groups]\nquorom = 4\n";
        let p = parse(src).expect_err("two problems");
        let got: Vec<(Option<usize>, &str)> = p.iter().map(|p| (p.line, p.key.as_str())).collect();
        assert_eq!(got, [(Some(2), "bot.timezone"), (Some(5), "quorom")]);
    }

    #[test]
    fn values_are_read_into_their_types_once() {
        let src = "[bot]\nlanguage = \"en\"\ntimezone = \"America/Montreal\"\n\n[digest]\nweekday = \"Friday\"\ntime = \"17h30\"\n\n[[groups.seed]]\nslug = \"ok\"\ntheme = \"A\"\nstatus = \"proposed\"\n";
        let c = parse(src).expect("valid");
        assert_eq!(c.bot.language, Lang::En);
        assert_eq!(c.bot.timezone.iana_name(), Some("America/Montreal"));
        assert_eq!(c.digest.weekday, Weekday::Friday);
        assert_eq!(c.digest.time, Time::constant(17, 30, 0, 0));
        assert_eq!(c.groups.seed[0].status, GroupStatus::Proposed);
        let mail = "[mail]\naddress = \"g@example.test\"\nimap_host = \"h\"\nimap_port = 1\nimap_user = \"u\"\nimap_password = \"p\"\nsmtp_host = \"h\"\nsmtp_port = 2\nimap_tls = \"implicit\"\n";
        let m = parse(mail).expect("valid").mail.expect("[mail]");
        assert_eq!((m.imap_tls, m.smtp_tls), (Tls::Implicit, Tls::Starttls));
        let p = parse(&mail.replace("implicit", "ssl3")).expect_err("bad tls");
        assert_eq!(p[0].key, "mail.imap_tls");
    }

    #[test]
    fn no_tls_only_on_this_machine() {
        let mail = |host: &str, tls: &str| {
            format!(
                "[mail]\naddress = \"g@example.test\"\nimap_host = \"127.0.0.1\"\nimap_port = 1\nimap_user = \"u\"\nimap_password = \"p\"\nsmtp_host = \"{host}\"\nsmtp_port = 2\nsmtp_tls = \"{tls}\"\n"
            )
        };
        for host in ["127.0.0.1", "localhost", "::1", "127.0.0.2"] {
            assert!(parse(&mail(host, "none")).is_ok(), "{host}");
        }
        let p = parse(&mail("mail.example.org", "none")).expect_err("clear text");
        assert_eq!((p[0].key.as_str(), p[0].line), ("mail.smtp_tls", Some(9)));
        assert!(parse(&mail("mail.example.org", "starttls")).is_ok());
        let matrix = |url: &str| {
            format!("[matrix]\nhomeserver = \"{url}\"\nuser = \"@b:x.y\"\npassword = \"p\"\n")
        };
        for url in [
            "http://127.0.0.1:8008",
            "http://localhost",
            "http://[::1]:8008/",
            "https://matrix.example.org",
        ] {
            assert!(parse(&matrix(url)).is_ok(), "{url}");
        }
        for url in [
            "http://matrix.example.org",
            "http://127.0.0.1.example.org:80",
        ] {
            let p = parse(&matrix(url)).expect_err(url);
            assert_eq!(p[0].key, "matrix.homeserver", "{url}");
        }
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
