//! `greffier import-minutes FILE`: the past minutes into the database, and
//! a summary of what was created, matched, and not understood.

use std::path::Path;

use anyhow::{Context as _, bail};
use greffier_commands::minutes::{import, parse};
use greffier_storage::Database;

use crate::App;

pub fn import_file(app: &App, db: &mut Database, file: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let Ok(text) = String::from_utf8(bytes) else {
        bail!("{}: not UTF-8 text", file.display());
    };
    let minutes = parse::parse(&text);
    let ctx = app.context();
    let summary = db.write(ctx.now, |tx| {
        import::import(tx, &ctx, &minutes).map_err(Into::into)
    })?;
    println!(
        "{}: {} ligne(s) lue(s)",
        file.display(),
        text.lines().count()
    );
    println!("Créé ({}) :", summary.created.len());
    for c in &summary.created {
        println!("  + {c}");
    }
    println!("Reconnu ({}) :", summary.matched.len());
    for m in &summary.matched {
        println!("  = {m}");
    }
    if summary.problems.is_empty() {
        println!("Tout a été compris.");
    } else {
        println!("Non compris ({}) :", summary.problems.len());
        for (line, what) in &summary.problems {
            println!("  ligne {line} : {what}");
        }
    }
    Ok(())
}
