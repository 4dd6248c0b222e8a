//! `greffier backup FILE`: a checked copy of the database, taken while the
//! bot runs (see `greffier_storage::backup`). README, Deploying, says how
//! to restore it and how the Matrix store is kept.

use crate::say::outln;
use std::path::Path;

use greffier_commands::{Lang, tr, words};
use greffier_storage::Database;

/// The dated copies' names: `greffier-20261207T021500Z.sqlite`, in the
/// order of their dates.
const PREFIX: &str = "greffier-";
const SUFFIX: &str = ".sqlite";

/// `greffier backup` without a file: a dated copy in `dir` (made 0700 if
/// missing), then the oldest copies beyond `keep` removed.
pub fn rotate(lang: Lang, database: &Path, dir: &Path, keep: usize) -> anyhow::Result<()> {
    if !dir.exists() {
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    run(
        lang,
        database,
        &dir.join(format!("{PREFIX}{stamp}{SUFFIX}")),
    )?;
    let copies = copies(dir)?;
    let gone = copies.len().saturating_sub(keep.max(1));
    for old in &copies[..gone] {
        std::fs::remove_file(old)?;
    }
    let kept = words::count(
        lang,
        copies.len() - gone,
        ("copie gardée", "copies gardées"),
        ("copy kept", "copies kept"),
    );
    let removed = words::count_or_none(
        lang,
        gone,
        "aucune",
        ("ancienne retirée", "anciennes retirées"),
        ("old one removed", "old ones removed"),
    );
    outln!(
        "{}",
        tr!(
            lang,
            "{} : {kept}, {removed}",
            "{}: {kept}, {removed}",
            dir.display()
        )
    );
    Ok(())
}

/// The dated copies in `dir`, oldest first.
pub fn copies(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut found: Vec<std::path::PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    found.sort();
    Ok(found)
}

pub fn run(lang: Lang, database: &Path, dest: &Path) -> anyhow::Result<()> {
    let db = Database::open_as_is(database).map_err(|e| crate::say::opened(lang, e))?;
    let made = db.backup_to(dest)?;
    let n = |n: i64| usize::try_from(n).unwrap_or(0);
    let counted = [
        (
            made.people,
            "aucune",
            ("personne", "personnes"),
            ("person", "people"),
        ),
        (
            made.groups,
            "aucun",
            ("groupe", "groupes"),
            ("group", "groups"),
        ),
        (
            made.meetings,
            "aucune",
            ("réunion", "réunions"),
            ("meeting", "meetings"),
        ),
        (
            made.answers,
            "aucune",
            ("réponse", "réponses"),
            ("answer", "answers"),
        ),
    ]
    .map(|(count, none, fr, en)| words::count_or_none(lang, n(count), none, fr, en))
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
