//! `greffier backup`: a consistent copy of the database while the bot may
//! be writing it. SQLite's `VACUUM INTO` writes the copy from one read
//! transaction (a snapshot: every command committed before it began, none
//! half-way), the copy is checked (`PRAGMA integrity_check` and
//! `foreign_key_check`) and only then given its name. A backup never
//! overwrites a file, and what it writes is readable by its owner alone,
//! like the database.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::{Database, Error, Result, migrations, problems};

/// What a checked backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub bytes: u64,
    pub schema: i64,
    pub people: i64,
    pub groups: i64,
    pub meetings: i64,
    /// Attendance answers (`rsvps`).
    pub answers: i64,
}

impl Database {
    /// Copies the database to `dest`, which must not exist yet, and checks
    /// the copy. On any failure nothing is left at `dest`.
    pub fn backup_to(&self, dest: &Path) -> Result<Backup> {
        if dest.exists() {
            return Err(Error::Backup(format!(
                "{} exists already: a backup never overwrites a file, choose a new name",
                dest.display()
            )));
        }
        let partial = partial_path(dest);
        let result = self.copy_and_check(&partial, dest);
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }

    fn copy_and_check(&self, partial: &Path, dest: &Path) -> Result<Backup> {
        let io = |what: &str, path: &Path, e: std::io::Error| {
            Error::Backup(format!("cannot {what} {}: {e}", path.display()))
        };
        // Created empty and private first: VACUUM INTO fills an empty file.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(partial)
            .map_err(|e| io("create", partial, e))?;
        let name = partial
            .to_str()
            .ok_or_else(|| Error::Backup(format!("{}: not a UTF-8 path", partial.display())))?;
        self.conn().execute("VACUUM INTO ?1", [name])?;
        let backup = check(partial)?;
        std::fs::File::open(partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| io("write", partial, e))?;
        std::fs::rename(partial, dest).map_err(|e| io("rename the copy to", dest, e))?;
        if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The new name itself on disk (a directory can be opened to sync).
            let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(backup)
    }
}

/// Opens a copy and checks it: what is wrong in it is an error.
pub fn check(path: &Path) -> Result<Backup> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let found = problems(&conn)?;
    if !found.is_empty() {
        return Err(Error::Backup(format!(
            "the copy {} fails its integrity check: {}",
            path.display(),
            found.join("; ")
        )));
    }
    let count = |table: &str| -> Result<i64> {
        Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(Backup {
        bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        schema: migrations::version(&conn)?,
        people: count("people")?,
        groups: count("groups")?,
        meetings: count("meetings")?,
        answers: count("rsvps")?,
    })
}

/// `.NAME.partial-PID` beside `dest`.
fn partial_path(dest: &Path) -> PathBuf {
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup".to_string());
    dest.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("greffier-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        dir
    }

    #[test]
    fn a_backup_is_a_checked_private_copy_that_never_overwrites() {
        let dir = dir("backup");
        let path = dir.join("bot.db");
        let mut db = Database::open(&path).expect("open");
        let now = Timestamp::from_second(1_800_000_000).expect("ts");
        db.set_cursor("kept", "yes", now).expect("write");
        let reader = Database::open_as_is(&path).expect("open as is");
        let dest = dir.join("copy.db");
        let made = reader.backup_to(&dest).expect("backup");
        assert_eq!(made.schema, migrations::MIGRATIONS.len() as i64);
        assert!(made.bytes > 0);
        let copy = Database::open(&dest).expect("the copy opens");
        assert_eq!(copy.cursor("kept").expect("read").as_deref(), Some("yes"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dest).expect("copy").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // A second backup to the same name is refused, the first kept.
        let err = reader.backup_to(&dest).expect_err("refused");
        assert!(err.to_string().contains("never overwrites"), "{err}");
        assert_eq!(copy.cursor("kept").expect("read").as_deref(), Some("yes"));
        // Nothing but the database files and the copy is left behind.
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("partial"))
            .collect();
        left.sort();
        assert_eq!(left, Vec::<String>::new());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_damaged_copy_is_not_called_a_backup() {
        let dir = dir("damaged");
        let path = dir.join("bad.db");
        {
            let conn = Connection::open(&path).expect("open");
            conn.execute_batch(
                "PRAGMA foreign_keys = OFF;
                 CREATE TABLE people (id INTEGER PRIMARY KEY);
                 CREATE TABLE groups (id INTEGER PRIMARY KEY);
                 CREATE TABLE meetings (id INTEGER PRIMARY KEY);
                 CREATE TABLE rsvps (id INTEGER PRIMARY KEY, person_id INTEGER REFERENCES people(id));
                 INSERT INTO rsvps VALUES (1, 42);",
            )
            .expect("schema");
        }
        let err = check(&path).expect_err("a dangling reference");
        assert!(err.to_string().contains("rsvps row 1"), "{err}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
