//! greffier — the clerk of the working groups: a chat-ops bot for Matrix
//! rooms and mailing lists.
//!
//! The flow, whatever the channel: an adapter (`matrix`, `mail`, `console`)
//! turns what it received into an [`inbox::Inbound`]; the [`inbox`] runs it
//! through the `greffier-commands` crate inside one `greffier-storage`
//! transaction, which also writes the resulting actions to the outbox; the
//! adapters deliver the outbox ([`outbox`]). This crate is the binary
//! (`src/main.rs` only calls [`main`]): CLI, config, inbox, outbox,
//! adapters. It is a library too so that the fuzz targets in `fuzz/` and
//! the benchmarks in `bench/` run the same code as the bot.
//!
//! Modules depend on each other in one direction only (a test checks it:
//! `module_graph` below): the adapters on the inbox and the outbox, those on
//! the libraries; nothing on the adapters but `run`, and nothing on this
//! root module, which only reads the command line.

pub mod app;
mod backup;
pub mod channels;
mod config;
mod console;
mod digest;
mod directory;
mod drift;
pub mod failpoint;
pub mod inbox;
pub mod lists;
#[cfg(test)]
mod loopback;
pub mod mail;
mod matrix;
mod minutes;
#[cfg(test)]
mod module_graph;
pub mod outbox;
mod plugin;
pub mod route;
mod run;
mod say;
mod scheduler;
mod seed;
mod status;
mod web;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use greffier_storage::Database;

use app::App;
use greffier_commands::{Lang, tr};
use inbox::Inbox;
use say::outln;

/// The filter of the bot's Matrix syncs, which the benchmarks' clients use too.
pub use matrix::sync_filter;

#[derive(Parser)]
#[command(
    name = "greffier",
    version = app::VERSION,
    about = "The clerk of the working groups: a chat-ops bot for Matrix rooms and mailing lists"
)]
struct Cli {
    /// The configuration file [default: ./bot.toml if there is one, else
    /// /etc/greffier/bot.toml, the Debian package's].
    #[arg(long, global = true, env = "GREFFIER_CONFIG")]
    config: Option<PathBuf>,
    /// The SQLite database (overrides bot.database).
    #[arg(long, global = true)]
    database: Option<PathBuf>,
    /// How log lines are written (to stderr): text, or one JSON object per
    /// line for journald and log collectors (a unit's drop-in sets
    /// `Environment=GREFFIER_LOG_FORMAT=json`).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = LogFormat::Text,
        env = "GREFFIER_LOG_FORMAT"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Cmd {
    /// The bot: Matrix + mail + scheduler.
    Run,
    /// The same commands on stdin/stdout, no network; the identity is trusted.
    Console {
        /// Who is typing: a Matrix ID or an email address.
        #[arg(long = "as", value_name = "MATRIX-ID-OR-EMAIL")]
        who: String,
    },
    /// Validate bot.toml; errors name the line and key. --online also asks
    /// each server (Matrix login, IMAP, SMTP, the DKIM key in DNS,
    /// Mailman, the web address): one line per check, exit 0 OK, 1
    /// warning, 2 critical.
    CheckConfig {
        #[arg(long)]
        online: bool,
    },
    /// Whether the bot runs, when each adapter last reached its server,
    /// the outbox, the last digest. Exit status 0 OK, 1 warning, 2
    /// critical, 3 unknown: a monitoring check.
    Status,
    /// A consistent, checked copy of the database, taken while the bot
    /// runs. FILE must not exist; without FILE, a dated copy in [backup]'s
    /// folder, keeping its `keep` newest (the package's daily timer).
    Backup { file: Option<PathBuf> },
    /// The whole state as JSON; or, with --csv, one table of the directory
    /// for a spreadsheet (`;`, UTF-8 with BOM, as LibreOffice and Excel
    /// open it in France).
    Export {
        /// JSON output (the default; accepted for scripts that pass it).
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// One table as CSV: people, organisations, groups or attendance
        /// (one row per meeting and organisation).
        #[arg(long, value_name = "TABLE", value_parser = ["people", "organisations", "groups", "attendance"])]
        csv: Option<String>,
        /// Write to FILE rather than to standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE", requires = "csv")]
        output: Option<PathBuf>,
    },
    /// Import minutes shaped like the seed compte rendu (or its PDF text
    /// copy, whose first page lost the title, date and place: give them).
    ImportMinutes {
        file: PathBuf,
        /// The meeting's title, if the file lacks it.
        #[arg(long)]
        title: Option<String>,
        /// The meeting's date (YYYY-MM-DD), if the file lacks it.
        #[arg(long)]
        date: Option<String>,
        /// Where it took place, if the file lacks it.
        #[arg(long)]
        place: Option<String>,
        /// The rédacteur's edited draft of this meeting's compte rendu
        /// (`greffier minutes <id> --draft > cr.md`, edited): what it
        /// changes is shown; --apply puts it under review.
        #[arg(long, value_name = "ID", conflicts_with_all = ["title", "date", "place"])]
        meeting: Option<i64>,
        /// With --meeting: apply the changes shown.
        #[arg(long, requires = "meeting")]
        apply: bool,
    },
    /// Import the network's list of people from a spreadsheet saved as
    /// CSV (`;`, UTF-8 with or without BOM, or Windows-1252; columns nom,
    /// organisation, email, matrix): what it would add, match and change
    /// is printed; --apply keeps it.
    ImportPeople {
        file: PathBuf,
        /// Apply what is printed.
        #[arg(long)]
        apply: bool,
    },
    /// Write the compte rendu of a meeting: Markdown (the default), HTML,
    /// OpenDocument Text or PDF, to standard output or to FILE; --send
    /// posts it to the meeting's group (room and list).
    Minutes {
        meeting_id: i64,
        #[arg(long, default_value = "md", value_parser = ["md", "html", "odt", "pdf"])]
        format: String,
        /// Write to FILE rather than to standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// The draft as the database reads today, not the approved text.
        #[arg(long)]
        draft: bool,
        #[arg(long)]
        send: bool,
    },
    /// Print the digest; --send posts it; --chart FILE writes the overall
    /// digest's attendance chart (SVG if FILE ends in .svg, else PNG).
    Digest {
        #[arg(long)]
        group: Option<String>,
        #[arg(long)]
        send: bool,
        #[arg(long, value_name = "FILE")]
        chart: Option<PathBuf>,
    },
    /// The read-only web pages and calendar feeds alone ([web]), beside a
    /// running bot or without one.
    Web,
    /// The groups' rooms and lists against their members.
    Lists {
        #[command(subcommand)]
        what: ListsCmd,
    },
    /// The DKIM key that signs the bot's own mail (`[mail] dkim`).
    Dkim {
        #[command(subcommand)]
        what: DkimCmd,
    },
}

#[derive(Subcommand)]
enum DkimCmd {
    /// Write a new private key to FILE (mode 0600; an existing file is
    /// kept) and print the DNS TXT record that publishes it.
    Generate {
        /// The DNS selector: the record is <SELECTOR>._domainkey.<DOMAIN>.
        #[arg(long)]
        selector: String,
        /// The domain of the bot's address.
        #[arg(long)]
        domain: String,
        /// Where the private key is written (PEM).
        #[arg(long, value_name = "FILE")]
        key_file: PathBuf,
        /// RSA (2048 bits, verified everywhere) or Ed25519.
        #[arg(long, value_enum, default_value_t = mail::dkim::Algorithm::Rsa)]
        algorithm: mail::dkim::Algorithm,
    },
}

#[derive(Subcommand)]
enum ListsCmd {
    /// Compare each group's members with its room's and list's members;
    /// --fix queues the missing invitations and subscriptions (for the
    /// running bot), and never removes anything.
    Check {
        #[arg(long)]
        fix: bool,
    },
}

fn open_database(app: &App, cli: &Cli) -> anyhow::Result<Database> {
    let path = database_path(app, cli)?;
    let lang = app.loaded.config.bot.language;
    let mut db = Database::open(&path).with_context(|| {
        greffier_commands::tr!(
            lang,
            "impossible d'ouvrir la base de données {}",
            "cannot open the database {}",
            path.display()
        )
    })?;
    seed::apply(&mut db, &app.loaded.config, jiff::Timestamp::now())?;
    Ok(db)
}

/// The database's path, refused to root when the file is another user's
/// (the `greffier` system user's): SQLite would make its `-wal` and `-shm`
/// files root's, which the bot could then no longer open.
fn database_path(app: &App, cli: &Cli) -> anyhow::Result<PathBuf> {
    let path = app.loaded.database_path(cli.database.as_deref());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // The process's own user, without unsafe code: /proc/self is its.
        let me = std::fs::metadata("/proc/self").map(|m| m.uid());
        let owner = std::fs::metadata(&path).map(|m| m.uid());
        if let (Ok(0), Ok(owner)) = (me, owner)
            && owner != 0
        {
            let user = user_name(owner).unwrap_or_else(|| format!("uid {owner}"));
            bail!(
                "{}",
                tr!(
                    app.loaded.config.bot.language,
                    "{} appartient à {user} : lancez la commande en tant que cet utilisateur (sudo -u {user} greffier …), pas en root, pour que les fichiers que SQLite crée à côté restent ceux du bot",
                    "{} belongs to {user}: run this as that user (sudo -u {user} greffier ...), not as root, so that the files SQLite makes beside it stay the bot's",
                    path.display()
                )
            );
        }
    }
    Ok(path)
}

/// The login name of `uid`, from /etc/passwd.
#[cfg(unix)]
fn user_name(uid: u32) -> Option<String> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id = fields.nth(1)?;
        (id.parse() == Ok(uid)).then(|| name.to_string())
    })
}

/// The `greffier` command line.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // `run` logs at info, but for what a channel's protocol library logs
    // too loudly (matrix-sdk's errors that it handles itself).
    let default_level = match cli.command {
        Cmd::Run => format!("info,{}", matrix::LOG_FILTER),
        _ => "warn".to_string(),
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&default_level));
    // One line per event either way; colours only on a terminal (journald
    // would store the escape codes).
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    match cli.log_format {
        LogFormat::Text => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    let status = matches!(cli.command, Cmd::Status);
    match run(cli) {
        Ok(code) => code,
        // A monitoring check that cannot read the database: UNKNOWN.
        Err(e) if status => {
            outln!("GREFFIER UNKNOWN: {e:#}");
            ExitCode::from(3)
        }
        Err(e) => {
            eprintln!("{}{e:#}", say::error_prefix());
            ExitCode::FAILURE
        }
    }
}

/// `check-config --online`: each channel that is on asks its server; the
/// report in the monitoring plugins' shape, its worst verdict the exit
/// status.
fn check_online(app: &App) -> anyhow::Result<ExitCode> {
    use plugin::Verdict;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let c = &app.loaded.config;
    let lang = c.bot.language;
    let checked: Vec<plugin::Checked> = runtime.block_on(async {
        let mut all = Vec::new();
        for p in channels::TABLE.iter().filter(|p| p.on(c)) {
            if let Some(online) = p.online {
                all.extend(online(app).await);
            }
        }
        all
    });
    let worst = checked
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::Ok);
    let (word, code) = match worst {
        Verdict::Ok => ("OK", 0),
        Verdict::Warning => ("WARNING", 1),
        Verdict::Critical => ("CRITICAL", 2),
    };
    let failed: Vec<&str> = checked
        .iter()
        .filter(|c| c.verdict != Verdict::Ok)
        .map(|c| c.line.as_str())
        .collect();
    let summary = match failed.as_slice() {
        [] => tr!(
            lang,
            "chaque serveur répond comme bot.toml l'attend",
            "every server answers as bot.toml expects"
        ),
        some => some.join("; "),
    };
    outln!("GREFFIER {word}: {summary}");
    for c in &checked {
        outln!("{}", c.line);
    }
    Ok(ExitCode::from(code))
}

/// The installed package's configuration.
const PACKAGED_CONFIG: &str = "/etc/greffier/bot.toml";

/// `greffier dkim generate`: before any bot.toml exists, so none is read
/// (its language is the default, French, unless one says otherwise).
fn dkim(config: &std::path::Path, what: &DkimCmd) -> anyhow::Result<()> {
    let DkimCmd::Generate {
        selector,
        domain,
        key_file,
        algorithm,
    } = what;
    let lang = config::load(config, &channels::readers())
        .map(|l| l.config.bot.language)
        .unwrap_or_default();
    say::set_lang(lang);
    if key_file.exists() {
        bail!(
            "{}",
            tr!(
                lang,
                "{} existe déjà : une clé n'est jamais remplacée (choisissez un autre fichier, et un autre sélecteur pour la publier à côté de l'ancienne)",
                "{} exists already: a key is never replaced (choose another file, and another selector to publish it beside the old one)",
                key_file.display()
            )
        );
    }
    let record = mail::dkim::generate(*algorithm, selector, domain, key_file)?;
    outln!("{record}");
    eprintln!(
        "{}",
        tr!(
            lang,
            "greffier : clé privée écrite dans {} (lisible par son seul propriétaire : chown greffier). Publiez l'enregistrement ci-dessus, puis dans bot.toml, [mail] : dkim = {{ selector = \"{selector}\", key_file = \"{}\" }}",
            "greffier: private key written to {} (readable by its owner alone: chown greffier). Publish the record above, then in bot.toml, [mail]: dkim = {{ selector = \"{selector}\", key_file = \"{}\" }}",
            key_file.display(),
            key_file.display()
        )
    );
    Ok(())
}

fn run(mut cli: Cli) -> anyhow::Result<ExitCode> {
    let config = cli.config.take().unwrap_or_else(|| {
        let here = PathBuf::from("bot.toml");
        if !here.exists() && std::path::Path::new(PACKAGED_CONFIG).exists() {
            PathBuf::from(PACKAGED_CONFIG)
        } else {
            here
        }
    });
    if let Cmd::Dkim { what } = &cli.command {
        return dkim(&config, what).map(|()| ExitCode::SUCCESS);
    }
    let app = App {
        loaded: config::load(&config, &channels::readers())?,
    };
    say::set_lang(app.loaded.config.bot.language);
    let done = match &cli.command {
        Cmd::CheckConfig { online } => {
            let c = &app.loaded.config;
            let lang = c.bot.language;
            for warning in app.loaded.warnings() {
                eprintln!("{}{warning}", tr!(lang, "ATTENTION : ", "WARNING: "));
            }
            // The files it names, as the user running it reads them (the
            // unit runs this as greffier before `run`).
            let unreadable = app.loaded.unreadable_files();
            if !unreadable.is_empty() {
                bail!(
                    "{}",
                    unreadable
                        .iter()
                        .map(|u| format!("{}: {u}", config.display()))
                        .collect::<Vec<_>>()
                        .join("\n")
                );
            }
            if let Some(m) = c.section::<mail::Settings>()
                && let Some(d) = &m.dkim
            {
                let key = mail::dkim::Settings {
                    key_file: app.loaded.resolve(&d.key_file),
                    ..d.clone()
                };
                mail::dkim::Signer::load(&key, &m.address)
                    .map_err(|e| anyhow::anyhow!("{}: mail.dkim: {e:#}", config.display()))?;
            }
            // Sympa: the address greffier acts as there.
            if c.section::<lists::Settings>()
                .is_some_and(|l| l.engine() == lists::Engine::Sympa)
            {
                lists::ListServer::acting_as(&app)
                    .map_err(|e| anyhow::anyhow!("{}: {e:#}", config.display()))?;
            }
            let channels: Vec<String> = channels::TABLE
                .iter()
                .filter(|p| p.section.is_some())
                .map(|p| {
                    let on = match p.on(c) {
                        true => tr!(lang, "activé", "on"),
                        false => tr!(lang, "désactivé", "off"),
                    };
                    tr!(lang, "{} : {on}", "{}: {on}", p.name)
                })
                .collect();
            let seeds = greffier_commands::words::count_or_none(
                lang,
                c.groups.seed.len(),
                "aucun",
                ("groupe amorcé", "groupes amorcés"),
                ("seed group", "seed groups"),
            );
            // Online, the first line is the monitoring plugins' summary.
            if *online {
                return check_online(&app);
            }
            outln!(
                "{}",
                tr!(
                    lang,
                    "{} : OK ({}, {seeds}, base de données {})",
                    "{}: OK ({}, {seeds}, database {})",
                    config.display(),
                    channels.join(", "),
                    app.loaded.database_path(cli.database.as_deref()).display()
                )
            );
            Ok(())
        }
        Cmd::Status => {
            let level = status::run(&app, &database_path(&app, &cli)?)?;
            return Ok(ExitCode::from(level.exit_code()));
        }
        Cmd::Backup { file: Some(file) } => backup::run(
            app.loaded.config.bot.language,
            &database_path(&app, &cli)?,
            file,
        ),
        Cmd::Backup { file: None } => {
            let database = database_path(&app, &cli)?;
            let lang = app.loaded.config.bot.language;
            let (Some(dir), Some(b)) =
                (app.loaded.backup_dir(&database), &app.loaded.config.backup)
            else {
                bail!(
                    "{}",
                    tr!(
                        lang,
                        "{} : pas de section [backup] : donnez le fichier de la copie (greffier backup FICHIER)",
                        "{}: no [backup] section: name the copy's file (greffier backup FILE)",
                        config.display()
                    )
                );
            };
            backup::rotate(lang, &database, &dir, b.keep)
        }
        Cmd::Console { who } => {
            let db = open_database(&app, &cli)?;
            console::run(&app, &Inbox::new(db, channels::routes()), who)
        }
        Cmd::Export {
            csv: Some(table),
            output,
            ..
        } => {
            let mut db = open_database(&app, &cli)?;
            directory::export_csv(&app, &mut db, table, output.as_deref())
        }
        Cmd::Export { .. } => {
            let db = open_database(&app, &cli)?;
            let export = db.export()?;
            outln!("{}", serde_json::to_string_pretty(&export)?);
            Ok(())
        }
        Cmd::Run => {
            let c = &app.loaded.config;
            let takers: Vec<&plugin::Plugin> = channels::TABLE
                .iter()
                .copied()
                .filter(|p| p.takes_commands && p.serve.is_some())
                .collect();
            if !takers.iter().any(|p| p.on(c)) {
                let lang = c.bot.language;
                let names: Vec<String> = takers.iter().map(|p| format!("[{}]", p.name)).collect();
                let none = match (lang, names.as_slice()) {
                    (Lang::Fr, [a, b]) => format!("ni {a} ni {b} n'est configuré"),
                    (Lang::Fr, _) => {
                        format!("aucune des sections {} n'est configurée", names.join(", "))
                    }
                    (Lang::En, [a, b]) => format!("neither {a} nor {b} is configured"),
                    (Lang::En, _) => format!("none of {} is configured", names.join(", ")),
                };
                bail!(
                    "{}",
                    tr!(
                        lang,
                        "{} : {none} : `run` n'a rien à servir (greffier console essaie les commandes sans réseau)",
                        "{}: {none}: there is nothing for `run` to serve (use `greffier console` to try the commands without a network)",
                        config.display()
                    )
                );
            }
            for warning in app.loaded.warnings() {
                tracing::warn!("{warning}");
            }
            let db = open_database(&app, &cli)?;
            let path = database_path(&app, &cli)?;
            run::run(app, db, move || {
                Ok(greffier_storage::Database::open(&path)?)
            })
        }
        Cmd::ImportMinutes {
            file,
            meeting: Some(meeting),
            apply,
            ..
        } => {
            let mut db = open_database(&app, &cli)?;
            minutes::import_edited(&app, &mut db, file, *meeting, *apply)
        }
        Cmd::ImportMinutes {
            file,
            title,
            date,
            place,
            ..
        } => {
            let lang = app.loaded.config.bot.language;
            let date = date.as_deref().map(|d| say::date(lang, d)).transpose()?;
            let mut db = open_database(&app, &cli)?;
            let given = greffier_commands::minutes::parse::Given {
                title: title.clone(),
                date,
                place: place.clone(),
            };
            minutes::import_file(&app, &mut db, file, &given)
        }
        Cmd::ImportPeople { file, apply } => {
            let mut db = open_database(&app, &cli)?;
            directory::import_people(&app, &mut db, file, *apply)
        }
        Cmd::Minutes {
            meeting_id,
            format,
            output,
            draft,
            send,
        } => {
            let mut db = open_database(&app, &cli)?;
            let to = minutes::Output {
                format,
                file: output.as_deref(),
                draft: *draft,
            };
            minutes::write(&app, &mut db, *meeting_id, &to, *send)
        }
        Cmd::Digest {
            chart: Some(path), ..
        } => {
            let mut db = open_database(&app, &cli)?;
            digest::write_chart(&app, &mut db, path)
        }
        Cmd::Digest { group, send, .. } => {
            let mut db = open_database(&app, &cli)?;
            digest::print_and_send(&app, &mut db, group.as_deref(), *send)
        }
        Cmd::Web => {
            if !app.loaded.config.has("web") {
                bail!(
                    "{}",
                    tr!(
                        app.loaded.config.bot.language,
                        "{} : pas de section [web] : il n'y a pas de pages à servir",
                        "{}: no [web] section: there are no pages to serve",
                        config.display()
                    )
                );
            }
            let db = open_database(&app, &cli)?;
            run::web(app, db)
        }
        // Answered before bot.toml is read (`dkim` above).
        Cmd::Dkim { .. } => Ok(()),
        Cmd::Lists {
            what: ListsCmd::Check { fix },
        } => {
            let mut db = open_database(&app, &cli)?;
            drift::check(&app, &mut db, *fix)
        }
    };
    done.map(|()| ExitCode::SUCCESS)
}
