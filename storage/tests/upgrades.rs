//! Upgrades from every earlier schema: `fixtures/schemas/vN.sqlite` is a
//! database written by the greffier of the last commit at schema N
//! (`scripts/make-upgrade-fixtures` made them; MANIFEST.txt says which
//! commit made which). Each opens with today's code, migrates to today's
//! schema, keeps every row of every table it had (each old column's values,
//! row for row), and passes the integrity and foreign-key checks.

use std::path::{Path, PathBuf};

use greffier_storage::Database;
use greffier_storage::migrations::MIGRATIONS;
use rusqlite::Connection;
use rusqlite::types::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schemas")
}

/// A table's columns and its rows (each as its columns' values, in the
/// text form of their Debug, sorted: the order rows come in is no promise).
struct Table {
    name: String,
    columns: Vec<String>,
    rows: Vec<String>,
}

fn tables(conn: &Connection) -> Vec<Table> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name",
        )
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("tables");
    names
        .into_iter()
        .map(|name| {
            let columns: Vec<String> = conn
                .prepare(&format!("PRAGMA table_info({name})"))
                .expect("columns")
                .query_map([], |r| r.get(1))
                .expect("columns")
                .collect::<Result<_, _>>()
                .expect("columns");
            let rows = rows(conn, &name, &columns);
            Table {
                name,
                columns,
                rows,
            }
        })
        .collect()
}

fn rows(conn: &Connection, table: &str, columns: &[String]) -> Vec<String> {
    let list = columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut st = conn
        .prepare(&format!("SELECT {list} FROM {table}"))
        .unwrap_or_else(|e| panic!("{table}: the old columns {list} are gone: {e}"));
    let mut rows: Vec<String> = st
        .query_map([], |r| {
            (0..columns.len())
                .map(|i| r.get::<_, Value>(i))
                .collect::<Result<Vec<_>, _>>()
                .map(|v| format!("{v:?}"))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    rows.sort();
    rows
}

fn version(conn: &Connection) -> i64 {
    conn.query_row("SELECT MAX(version) FROM schema_migrations", [], |r| {
        r.get(0)
    })
    .expect("schema version")
}

#[test]
fn every_earlier_schema_upgrades_keeping_every_row() {
    let today = MIGRATIONS.len() as i64;
    let scratch = std::env::temp_dir().join(format!("greffier-upgrades-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch");
    let mut upgraded = Vec::new();
    for n in 1..today {
        let fixture = fixtures().join(format!("v{n}.sqlite"));
        assert!(
            fixture.is_file(),
            "{} is missing: scripts/make-upgrade-fixtures makes it",
            fixture.display()
        );
        let path = scratch.join(format!("v{n}.sqlite"));
        std::fs::copy(&fixture, &path).expect("copy");
        let before = {
            let conn = Connection::open(&path).expect("open the fixture");
            assert_eq!(
                version(&conn),
                n,
                "{} is not at schema {n}",
                fixture.display()
            );
            tables(&conn)
        };
        let filled: usize = before.iter().map(|t| t.rows.len()).sum();
        assert!(filled > 0, "v{n}.sqlite holds no row");

        let db =
            Database::open(&path).unwrap_or_else(|e| panic!("schema {n} does not upgrade: {e}"));
        assert_eq!(db.schema_version().expect("version"), today);
        assert_eq!(
            db.problems().expect("checks"),
            Vec::<String>::new(),
            "schema {n}, upgraded: integrity or foreign-key problems"
        );
        drop(db);

        let conn = Connection::open(&path).expect("reopen");
        for old in &before {
            let now = rows(&conn, &old.name, &old.columns);
            assert_eq!(
                now.len(),
                old.rows.len(),
                "schema {n} → {today}: table {} had {} rows, has {}",
                old.name,
                old.rows.len(),
                now.len()
            );
            for (was, is) in old.rows.iter().zip(&now) {
                assert_eq!(
                    was, is,
                    "schema {n} → {today}: a row of {} changed",
                    old.name
                );
            }
        }
        // Schema 18: a meeting imported from minutes has no hour, the
        // others keep theirs.
        if before.iter().any(|t| t.name == "records") {
            let count = |sql: &str| -> i64 {
                conn.query_row(sql, [], |r| r.get(0))
                    .expect("a count of meetings")
            };
            let imported = "SELECT meeting_id FROM records WHERE note LIKE 'importé de %'";
            assert!(
                count(&format!(
                    "SELECT COUNT(*) FROM meetings WHERE id IN ({imported})"
                )) > 0,
                "v{n}: the fixture's minutes were imported"
            );
            assert_eq!(
                count(&format!(
                    "SELECT COUNT(*) FROM meetings WHERE time_given = (id IN ({imported}))"
                )),
                0,
                "v{n}: time_given is false exactly for the imported meetings"
            );
        }
        upgraded.push(format!("v{n} ({filled} rows)"));
    }
    println!("upgraded to schema {today}: {}", upgraded.join(", "));
    let _ = std::fs::remove_dir_all(&scratch);
}

/// Migration N+1 on a database at schema N runs once: opening again
/// changes nothing (the file's rows are the same after a second open).
#[test]
fn an_upgraded_database_opens_again_unchanged() {
    let today = MIGRATIONS.len() as i64;
    let Some(n) = (1..today)
        .rev()
        .find(|n| fixtures().join(format!("v{n}.sqlite")).is_file())
    else {
        panic!("no fixture in {}", fixtures().display());
    };
    let dir = std::env::temp_dir().join(format!("greffier-reopen-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("db.sqlite");
    std::fs::copy(fixtures().join(format!("v{n}.sqlite")), &path).expect("copy");
    drop(Database::open(&path).expect("first open"));
    let first = tables(&Connection::open(&path).expect("open"));
    drop(Database::open(&path).expect("second open"));
    let second = tables(&Connection::open(&path).expect("open"));
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.rows, b.rows, "{} changed on a second open", a.name);
    }
    let _ = std::fs::remove_dir_all(dir);
}
