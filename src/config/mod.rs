//! `bot.toml`: parsed once into typed values (a language, a time zone, a
//! TLS mode, a weekday, a time, a group status), unknown keys refused, then
//! checked; every error names the file, the line and the key, and every
//! wrong value of a typed key is reported at once. Relative paths
//! (database, Matrix store, `*_file` secrets) are relative to the
//! directory of the file.
//!
//! This module reads the bot's own sections (`[bot]`, `[groups]`,
//! `[organisations]`, `[people]`, `[digest]`, `[meetings]`); each channel
//! reads its own (`[matrix]`, `[mail]`, `[lists]`, `[web]`) as a
//! [`Section`] defined in its folder, and the table of channels
//! (`crate::channels`) hands their [`Reader`]s to [`load`].

mod problems;
mod secret;
mod section;
mod seeds;
mod text;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use greffier_commands::{Context, Lang};
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use serde::Deserialize;

pub use problems::{Problem, https_or_loopback, is_loopback, url_host};
use problems::{key_problem, line_at, serde_problem};
pub use secret::Secret;
use section::ReadSection;
pub use section::{Reader, Section, reader};
pub use seeds::{OrganisationsConfig, PeopleConfig, SeedGroup, SeedOrganisation, SeedPerson};
pub use text::{FromText, Typed, check, optional_text, text};

/// The typed keys of the bot's own sections.
const TYPED: &[(&str, Typed)] = &[
    ("bot", ("language", check::<Lang>, "fr")),
    ("bot", ("timezone", check::<TimeZone>, "UTC")),
    ("digest", ("weekday", check::<Weekday>, "lundi")),
    ("digest", ("time", check::<Time>, "09:00")),
];

/// The whole file: the bot's own sections, and the channels' sections as
/// each channel read them.
#[derive(Debug)]
pub struct Config {
    pub bot: BotConfig,
    pub groups: GroupsConfig,
    pub organisations: OrganisationsConfig,
    pub people: PeopleConfig,
    pub digest: DigestConfig,
    pub meetings: MeetingsConfig,
    pub minutes: MinutesConfig,
    /// `[backup]`, when the file has it (the package's does).
    pub backup: Option<BackupConfig>,
    /// The channels' sections that are present (absent: that channel is
    /// off), in the order of the table of channels.
    sections: Vec<(&'static str, Box<dyn ReadSection>)>,
}

/// The bot's own sections, as serde reads them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Own {
    #[serde(default)]
    bot: BotConfig,
    #[serde(default)]
    groups: GroupsConfig,
    #[serde(default)]
    organisations: OrganisationsConfig,
    #[serde(default)]
    people: PeopleConfig,
    #[serde(default)]
    digest: DigestConfig,
    #[serde(default)]
    meetings: MeetingsConfig,
    #[serde(default)]
    minutes: MinutesConfig,
    backup: Option<BackupConfig>,
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

/// `[minutes]`: the compte rendu.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MinutesConfig {
    /// Days the participants have to send remarks on a draft.
    pub review_days: u32,
}

impl Default for MinutesConfig {
    fn default() -> Self {
        MinutesConfig { review_days: 7 }
    }
}

/// `[backup]`: where `greffier backup` (no file named: the package's
/// daily timer) writes its dated copies, and how many it keeps;
/// `greffier status` warns when the newest is more than two days old.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupConfig {
    /// The folder; "backups" beside the database when absent.
    pub dir: Option<PathBuf>,
    #[serde(default = "default_keep")]
    pub keep: usize,
}

fn default_keep() -> usize {
    14
}

impl Config {
    /// A channel's section, when the file has it.
    pub fn section<S: Section>(&self) -> Option<&S> {
        self.sections
            .iter()
            .find(|(name, _)| *name == S::NAME)
            .and_then(|(_, s)| s.as_any().downcast_ref())
    }

    /// Whether the file has the channel's section `name`.
    pub fn has(&self, name: &str) -> bool {
        self.sections.iter().any(|(n, _)| *n == name)
    }

    /// The commands' context at `now`: the bot's settings, and what each
    /// channel's section adds.
    pub fn context(&self, now: jiff::Timestamp) -> Context {
        let mut ctx = Context {
            lang: self.bot.language,
            prefix: self.bot.prefix.clone(),
            admins: self.bot.admins.clone(),
            quorum: self.groups.quorum,
            timezone: self.bot.timezone.clone(),
            now,
            mail_address: None,
            digest_rooms: self.digest.rooms.clone(),
            digest_lists: self.digest.lists.clone(),
            create_rooms: false,
            lists_domain: None,
            web_url: None,
            review_days: self.minutes.review_days,
        };
        for (_, section) in &self.sections {
            section.shape(&mut ctx);
        }
        ctx
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

    /// What is allowed but unwise, for `check-config` and the start of
    /// `run` to say.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings: Vec<String> = Vec::new();
        if self.config.bot.admins.is_empty() {
            warnings.push(greffier_commands::tr!(
                self.config.bot.language,
                "bot.admins est vide : personne ne peut accepter les membres d'une organisation, relier un salon ni envoyer les lettres par commande (donnez au moins un identifiant Matrix ou une adresse)",
                "bot.admins is empty: nobody can accept an organisation's members, link a room or send the letters by command (give at least one Matrix ID or address)"
            ));
        }
        warnings.extend(self.config.sections.iter().flat_map(|(_, s)| s.warnings()));
        warnings
            .into_iter()
            .map(|w| format!("{}: {w}", self.path.display()))
            .collect()
    }

    /// The files bot.toml names (every `…_file` key: passwords, tokens,
    /// certificates, the DKIM key) that the process running it cannot
    /// read, each with why: `check-config` fails on them (the unit runs it
    /// as the service's user before starting the bot).
    pub fn unreadable_files(&self) -> Vec<String> {
        let Ok(src) = std::fs::read_to_string(&self.path) else {
            return Vec::new();
        };
        let Ok(table) = toml::from_str::<toml::Table>(&src) else {
            return Vec::new();
        };
        let mut named = Vec::new();
        files_named(&table, "", &mut named);
        named
            .into_iter()
            .filter_map(|(key, file)| {
                let path = self.resolve(Path::new(&file));
                match std::fs::File::open(&path) {
                    Ok(_) if path.is_file() => None,
                    Ok(_) => Some(format!("{key}: {} is not a file", path.display())),
                    Err(e) => Some(format!("{key}: cannot read {}: {e}", path.display())),
                }
            })
            .collect()
    }

    /// Where the dated backups go (`[backup] dir`, else "backups" beside
    /// the database), when the file has a `[backup]` section.
    pub fn backup_dir(&self, database: &Path) -> Option<PathBuf> {
        let b = self.config.backup.as_ref()?;
        Some(match &b.dir {
            Some(d) => self.resolve(d),
            None => database.parent().unwrap_or(Path::new(".")).join("backups"),
        })
    }

    pub fn database_path(&self, cli_override: Option<&Path>) -> PathBuf {
        match cli_override {
            Some(p) => p.to_path_buf(),
            None => self.resolve(&self.config.bot.database),
        }
    }
}

/// Reads and checks the file, the channels' sections with `readers`.
pub fn load(path: &Path, readers: &[Reader]) -> anyhow::Result<Loaded> {
    let src = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration {}", path.display()))?;
    match parse(&src, readers) {
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

/// Every `…_file` key of `table` and below with a text value: (its
/// dotted name, the path).
fn files_named(table: &toml::Table, prefix: &str, out: &mut Vec<(String, String)>) {
    for (key, value) in table {
        let name = match prefix {
            "" => key.clone(),
            p => format!("{p}.{key}"),
        };
        match value {
            toml::Value::String(s) if key.ends_with("_file") => out.push((name, s.clone())),
            toml::Value::Table(t) => files_named(t, &name, out),
            toml::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let toml::Value::Table(t) = item {
                        files_named(t, &format!("{name}[{i}]"), out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Parses and checks the text of a bot.toml; the channels' sections with
/// `readers` (a section no reader knows is an unknown key).
pub fn parse(src: &str, readers: &[Reader]) -> Result<Config, Vec<Problem>> {
    let mut table: toml::Table = toml::from_str(src).map_err(|e| {
        let line = e.span().map(|s| line_at(src, s.start));
        vec![Problem {
            line,
            key: "syntax".into(),
            message: e.message().trim().to_string(),
        }]
    })?;
    let mut problems = Vec::new();
    for (section, (key, check, good)) in TYPED {
        let Some(value) = table.get_mut(*section).and_then(|s| s.get_mut(*key)) else {
            continue;
        };
        if let Some(Err(message)) = value.as_str().map(check) {
            problems.push(key_problem(src, section, 0, key, message));
            *value = toml::Value::String((*good).into());
        }
    }
    problems.extend(seeds::typed_problems(src, &mut table));
    let mut sections = Vec::new();
    for reader in readers {
        if let Some(value) = table.remove(reader.name)
            && let Some(section) = (reader.read)(src, value, &mut problems)
        {
            sections.push((reader.name, section));
        }
    }
    let own = match Own::deserialize(toml::Value::Table(table)) {
        Ok(own) => own,
        Err(e) => {
            problems.push(serde_problem(src, None, &e));
            return Err(problems);
        }
    };
    let config = Config {
        bot: own.bot,
        groups: own.groups,
        organisations: own.organisations,
        people: own.people,
        digest: own.digest,
        meetings: own.meetings,
        minutes: own.minutes,
        backup: own.backup,
        sections,
    };
    if problems.is_empty() {
        check_own(src, &config, &mut problems);
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

/// The bot's own values.
fn check_own(src: &str, config: &Config, problems: &mut Vec<Problem>) {
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
    if config.bot.retention_days == 0 {
        problem("bot", "retention_days", "must be at least 1".into());
    }
    if config.groups.quorum == 0 {
        problem("groups", "quorum", "must be at least 1".into());
    }
    seeds::check(src, config, problems);
}

#[cfg(test)]
mod tests;
