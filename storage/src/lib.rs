//! greffier's storage: one SQLite file (WAL, foreign keys on), brought up to
//! date by ordered [`migrations`] when opened.
//!
//! Everything that changes state happens in a [`Tx`], which implements the
//! commands' store, role by role (one file each: `people.rs`,
//! `identities.rs`, `organisations.rs`, `groups.rs`, `catalogue.rs`,
//! `polls.rs`, `meetings.rs`, `ledger.rs`; see
//! [`greffier_commands::store`]), and also writes the
//! [`outbox`]: a command's state change and the actions it produces commit
//! together or not at all. Reads go through [`Database::read`], a
//! transaction that takes no write lock and keeps nothing. The clock is
//! given when a transaction opens, so tests can run at any date.
//!
//! WAL and a busy timeout let the CLI and a running bot share one file: the
//! bot picks up what a console command queued in the outbox.

pub mod backup;
mod catalogue;
pub mod digests;
pub mod export;
mod forget;
mod groups;
mod held;
mod identities;
pub mod inbound;
mod ledger;
pub mod meetings;
mod merge;
pub mod migrations;
mod organisations;
pub mod outbox;
mod people;
mod polls;
mod records;
mod seances;

use greffier_commands::store::Identities as _;
use std::path::Path;
use std::time::Duration;

use greffier_commands::store::Identity;
use jiff::Timestamp;
use rusqlite::Connection;

pub use export::Export;
pub use outbox::OutboxItem;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Store(greffier_commands::StoreError),
    #[error("outbox payload: {0}")]
    Json(#[from] serde_json::Error),
    #[error("stored value is malformed: {0}")]
    Corrupt(String),
    #[error(
        "the database is at schema version {found}, newer than this greffier knows ({known}): it was written by a newer greffier. Nothing was changed in it: run that newer version again, or restore a backup taken before it (README, Deploying)"
    )]
    TooNew { found: i64, known: i64 },
    #[error("backup: {0}")]
    Backup(String),
    #[error("there is no database at {0}")]
    NoDatabase(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<greffier_commands::StoreError> for Error {
    fn from(e: greffier_commands::StoreError) -> Self {
        Error::Store(e)
    }
}

pub struct Database {
    conn: Connection,
}

/// One transaction, at one instant.
pub struct Tx<'c> {
    tx: rusqlite::Transaction<'c>,
    now: Timestamp,
    /// Someone was erased: once committed, the write-ahead log is copied
    /// into the file and emptied, so that no old page keeps them.
    wipe: bool,
}

impl Database {
    /// Opens (creating if needed) and migrates the database file.
    pub fn open(path: &Path) -> Result<Database> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::Corrupt(format!("cannot create directory {}: {e}", dir.display()))
            })?;
        }
        // Who attended what, and people's addresses: the file is the
        // bot's alone (SQLite gives its -wal and -shm files the same mode).
        #[cfg(unix)]
        if !path.exists() {
            use std::os::unix::fs::OpenOptionsExt;
            let created = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path);
            match created {
                Ok(_) => {}
                // Another process made it meanwhile: theirs is as good.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => {
                    return Err(Error::Corrupt(format!(
                        "cannot create {}: {e}",
                        path.display()
                    )));
                }
            }
        }
        // Two processes creating the same file at once (the bot and a
        // console) can see SQLITE_BUSY while the other switches the file to
        // WAL, which the busy timeout does not cover: try again for a while.
        let mut tries = 0;
        loop {
            match Connection::open(path)
                .map_err(Error::from)
                .and_then(Database::setup)
            {
                Err(Error::Sqlite(e))
                    if tries < 100
                        && e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) =>
                {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(100));
                }
                other => return other,
            }
        }
    }

    /// A fresh private database, for tests.
    pub fn open_in_memory() -> Result<Database> {
        Database::setup(Connection::open_in_memory()?)
    }

    /// Opens an existing database as it is, read-only: no migration, no
    /// file created (`greffier status`, `greffier backup`). A running bot
    /// may be writing it meanwhile.
    pub fn open_as_is(path: &Path) -> Result<Database> {
        if !path.is_file() {
            return Err(Error::NoDatabase(path.display().to_string()));
        }
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        Ok(Database { conn })
    }

    /// The schema version of this database (its last migration).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(migrations::version(&self.conn)?)
    }

    fn setup(mut conn: Connection) -> Result<Database> {
        conn.busy_timeout(Duration::from_secs(10))?;
        // Refused before the pragmas below touch a newer greffier's file.
        let found = migrations::version(&conn)?;
        let known = migrations::MIGRATIONS.len() as i64;
        if found > known {
            return Err(Error::TooNew { found, known });
        }
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Deleted content is overwritten, not left in free space: an
        // erased person (`!moi oublier`) or pruned mail leaves no bytes.
        conn.pragma_update(None, "secure_delete", "ON")?;
        migrations::migrate(&mut conn)?;
        Ok(Database { conn })
    }

    /// Runs `f` in a transaction at instant `now`. `f` returns its value
    /// and whether to commit; on `Err` or `false` everything is rolled back.
    pub fn transaction<T>(
        &mut self,
        now: Timestamp,
        f: impl FnOnce(&mut Tx<'_>) -> Result<(T, bool)>,
    ) -> Result<T> {
        let (value, wipe) = {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut tx = Tx {
                tx,
                now,
                wipe: false,
            };
            let (value, commit) = f(&mut tx)?;
            let wipe = commit && tx.wipe;
            if commit {
                tx.tx.commit()?;
            }
            (value, wipe)
        };
        if wipe {
            self.checkpoint();
        }
        Ok(value)
    }

    /// Runs `f` in a transaction that commits when `f` succeeds.
    pub fn write<T>(
        &mut self,
        now: Timestamp,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        self.transaction(now, |tx| f(tx).map(|v| (v, true)))
    }

    /// Runs `f` in a read transaction at instant `now`: one consistent
    /// view of the database, which takes no write lock (a running bot and
    /// a console do not wait for each other's reads) and is always rolled
    /// back, so nothing done in it is kept. (SQLite's `query_only` pragma
    /// would refuse writes outright, but changing it expires every
    /// prepared statement of the connection: each command after a read
    /// was prepared again, a millisecond per command in the benchmark.)
    pub fn read<T>(
        &mut self,
        now: Timestamp,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Deferred)?;
        let mut tx = Tx {
            tx,
            now,
            wipe: false,
        };
        // Dropped without a commit: rolled back.
        f(&mut tx)
    }

    /// Whether the bot knows the person behind this identity (a Matrix ID
    /// or an address linked to someone): the Matrix adapter reads an
    /// unknown sender's display name.
    pub fn knows(&mut self, now: Timestamp, identity: &Identity) -> Result<bool> {
        self.read(now, |tx| Ok(tx.person_by_identity(identity)?.is_some()))
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Copies the write-ahead log into the file and empties it. A reader
    /// of another process (a console) may hold old pages: then the log is
    /// copied as far as it can be, logged, and emptied by a later
    /// checkpoint.
    fn checkpoint(&self) {
        let done = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            });
        match done {
            Ok(0) => {}
            Ok(_) => tracing::warn!(
                "the write-ahead log is in use: erased data stay in it until the next checkpoint"
            ),
            Err(e) => tracing::warn!(error = %e, "cannot checkpoint the write-ahead log"),
        }
    }

    /// What SQLite finds wrong with the file (`PRAGMA integrity_check`) and
    /// the references that point nowhere (`PRAGMA foreign_key_check`):
    /// empty when the database is consistent. For the reliability tests.
    pub fn problems(&self) -> Result<Vec<String>> {
        problems(&self.conn)
    }
}

/// What SQLite finds wrong in the database of `conn` (see
/// [`Database::problems`]).
pub(crate) fn problems(conn: &Connection) -> Result<Vec<String>> {
    let mut problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|line| line != "ok")
        .collect();
    let mut st = conn.prepare("PRAGMA foreign_key_check")?;
    let dangling = st.query_map([], |r| {
        Ok(format!(
            "{} row {} points to a missing {}",
            r.get::<_, String>(0)?,
            r.get::<_, Option<i64>>(1)?.unwrap_or(0),
            r.get::<_, String>(2)?
        ))
    })?;
    for d in dangling {
        problems.push(d?);
    }
    Ok(problems)
}

impl Tx<'_> {
    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Runs `f` inside a savepoint of this transaction: on `Err` or when
    /// `f` says `false`, what `f` did is undone and the rest is kept (one
    /// refused command among several of a mail, say).
    pub fn savepoint<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<(T, bool)>) -> Result<T> {
        self.tx.execute_batch("SAVEPOINT command")?;
        let result = f(self);
        let keep = matches!(result, Ok((_, true)));
        if !keep {
            self.tx.execute_batch("ROLLBACK TO command")?;
        }
        self.tx.execute_batch("RELEASE command")?;
        result.map(|(v, _)| v)
    }
}

/// Text form of an instant in the database: RFC 3339, UTC.
pub(crate) fn ts(t: Timestamp) -> String {
    t.to_string()
}

pub(crate) fn parse_ts(s: &str) -> Result<Timestamp> {
    s.parse()
        .map_err(|e| Error::Corrupt(format!("timestamp {s:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once() {
        let mut db = Database::open_in_memory().expect("open");
        let applied = migrations::migrate(&mut db.conn).expect("migrate again");
        assert_eq!(applied, 0);
        let version: i64 = db
            .conn
            .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
                r.get(0)
            })
            .expect("version");
        assert_eq!(version, migrations::MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_database_newer_than_the_binary_is_refused_untouched() {
        let dir = std::env::temp_dir().join(format!("greffier-newer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("newer.db");
        let future = migrations::MIGRATIONS.len() as i64 + 1;
        {
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch(&format!(
                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT);
                 INSERT INTO schema_migrations (version) VALUES ({future});
                 CREATE TABLE from_the_future (x);"
            ))
            .expect("a newer schema");
        }
        let before = std::fs::read(&path).expect("bytes");
        let err = Database::open(&path).err().expect("refused");
        assert!(
            matches!(err, Error::TooNew { found, .. } if found == future),
            "{err}"
        );
        assert!(
            err.to_string().contains("newer than this greffier"),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).expect("bytes"), before, "not touched");
        assert!(!dir.join("newer.db-wal").exists(), "not switched to WAL");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn foreign_keys_are_enforced() {
        let db = Database::open_in_memory().expect("open");
        let err = db.conn.execute(
            "INSERT INTO people (name, organisation_id, created_at) VALUES ('x', 999, 'now')",
            [],
        );
        assert!(err.is_err(), "an unknown organisation must be refused");
    }

    #[test]
    fn nothing_done_in_a_read_transaction_is_kept() {
        let mut db = Database::open_in_memory().expect("open");
        let now = Timestamp::from_second(1_800_000_000).expect("ts");
        db.read(now, |tx| tx.set_cursor("x", "1"))
            .expect("done, then undone");
        assert_eq!(db.read(now, |tx| tx.cursor("x")).expect("read"), None);
        // And the connection writes again afterwards.
        db.set_cursor("x", "2", now).expect("write");
        assert_eq!(db.cursor("x").expect("read").as_deref(), Some("2"));
    }

    #[test]
    fn file_database_uses_wal() {
        let dir = std::env::temp_dir().join(format!("greffier-wal-{}", std::process::id()));
        let path = dir.join("test.db");
        let db = Database::open(&path).expect("open");
        let mode: String = db
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(mode, "wal");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for file in [path.clone(), dir.join("test.db-wal")] {
                let mode = std::fs::metadata(&file)
                    .expect("a file")
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600, "{}", file.display());
            }
        }
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }
}
