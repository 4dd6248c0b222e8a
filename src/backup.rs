//! `greffier backup FILE`: a checked copy of the database, taken while the
//! bot runs (see `greffier_storage::backup`). README, Deploying, says how
//! to restore it and how the Matrix store is kept.

use crate::say::outln;
use std::path::Path;

use greffier_commands::{Lang, tr, words};
use greffier_storage::Database;

pub fn run(lang: Lang, database: &Path, dest: &Path) -> anyhow::Result<()> {
    let db = Database::open_as_is(database).map_err(|e| crate::say::opened(lang, e))?;
    let made = db.backup_to(dest)?;
    let n = |n: i64| usize::try_from(n).unwrap_or(0);
    let counted = [
        words::count(
            lang,
            n(made.people),
            ("personne", "personnes"),
            ("person", "people"),
        ),
        words::count(
            lang,
            n(made.groups),
            ("groupe", "groupes"),
            ("group", "groups"),
        ),
        words::count(
            lang,
            n(made.meetings),
            ("réunion", "réunions"),
            ("meeting", "meetings"),
        ),
        words::count(
            lang,
            n(made.answers),
            ("réponse", "réponses"),
            ("answer", "answers"),
        ),
    ]
    .join(", ");
    let kib = words::number(
        lang,
        usize::try_from(made.bytes.div_ceil(1024)).unwrap_or(0),
    );
    outln!(
        "{}",
        tr!(
            lang,
            "{} : copie de {} écrite et vérifiée (intégrité correcte, schéma {}) : {counted}, {kib} Kio",
            "{}: backup of {} written and checked (integrity ok, schema {}): {counted}, {kib} KiB",
            dest.display(),
            database.display(),
            made.schema
        )
    );
    Ok(())
}
