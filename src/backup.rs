//! `greffier backup FILE`: a checked copy of the database, taken while the
//! bot runs (see `greffier_storage::backup`). README, Deploying, says how
//! to restore it and how the Matrix store is kept.

use crate::say::outln;
use std::path::Path;

use greffier_storage::Database;

pub fn run(database: &Path, dest: &Path) -> anyhow::Result<()> {
    let db = Database::open_as_is(database)?;
    let made = db.backup_to(dest)?;
    outln!(
        "{}: backup of {} written and checked (integrity ok, schema {}): {} people, {} groups, {} meetings, {} answers, {} KiB",
        dest.display(),
        database.display(),
        made.schema,
        made.people,
        made.groups,
        made.meetings,
        made.answers,
        made.bytes.div_ceil(1024)
    );
    Ok(())
}
