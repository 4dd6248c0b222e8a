//! Merging two rows of the directory (two organisations, two people) that
//! are one: every row that points to the one merged away is pointed to the
//! one kept, through the schema's own foreign keys (`PRAGMA
//! foreign_key_list`), so that a table added later follows without a
//! change here. Where the kept one already has the row (a membership of
//! the same group, an invitation to the same meeting), the kept one's
//! stays and the other's goes.

use rusqlite::params;

use crate::Tx;

/// Points every reference to `table`'s row `from` at `into`, then deletes
/// `from`.
pub(crate) fn merge(tx: &Tx<'_>, table: &str, from: i64, into: i64) -> rusqlite::Result<()> {
    let conn = tx.conn();
    let tables: Vec<String> = {
        let mut st = conn.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )?;
        st.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    for referring in &tables {
        let columns: Vec<String> = {
            let mut st = conn.prepare(&format!(
                "SELECT \"from\" FROM pragma_foreign_key_list('{referring}') WHERE \"table\" = ?1"
            ))?;
            st.query_map(params![table], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        for column in columns {
            conn.execute(
                &format!(
                    "UPDATE OR IGNORE \"{referring}\" SET \"{column}\" = ?2 WHERE \"{column}\" = ?1"
                ),
                params![from, into],
            )?;
            // What could not move: the kept row has its own already.
            conn.execute(
                &format!("DELETE FROM \"{referring}\" WHERE \"{column}\" = ?1"),
                params![from],
            )?;
        }
    }
    conn.execute(
        &format!("DELETE FROM \"{table}\" WHERE id = ?1"),
        params![from],
    )?;
    Ok(())
}
