//! `greffier import-people FILE.csv [--apply]`: the network's list of
//! people, as LibreOffice or Excel saves it, into the directory. What it
//! would add, match and change is printed line by line; it is kept only
//! with `--apply`, and only when every line can be read and imported
//! (nothing is half-imported); a second run changes nothing.
//! `greffier export --csv <table> [-o FILE]`: one table of the directory
//! for the élus' spreadsheets.

use std::path::Path;

use anyhow::{Context as _, bail};
use greffier_commands::directory::{import, sheet, tables};
use greffier_commands::tr;
use greffier_storage::Database;

use crate::app::App;

pub fn import_people(app: &App, db: &mut Database, file: &Path, apply: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let ctx = app.context();
    let lang = ctx.lang;
    let problems = |problems: &[sheet::Problem]| -> String {
        problems
            .iter()
            .map(|p| tr!(lang, "  ligne {} : {}", "  line {}: {}", p.line, p.what))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let sheet = match sheet::read(&bytes, lang) {
        Ok(sheet) => sheet,
        Err(found) => bail!(
            "{}",
            tr!(
                lang,
                "{} : des lignes ne peuvent pas être lues ; rien n'est importé :\n{}",
                "{}: some lines cannot be read; nothing imported:\n{}",
                file.display(),
                problems(&found)
            )
        ),
    };
    let from = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let report = db.transaction(ctx.now, |tx| {
        let report = import::import(tx, &sheet, &from, lang)?;
        let keep = apply && report.problems.is_empty();
        Ok((report, keep))
    })?;
    if !report.problems.is_empty() {
        bail!(
            "{}",
            tr!(
                lang,
                "{} : des lignes ne peuvent pas être importées ; rien n'est importé :\n{}",
                "{}: some lines cannot be imported; nothing imported:\n{}",
                file.display(),
                problems(&report.problems)
            )
        );
    }
    let encoding = match sheet.encoding {
        sheet::Encoding::Utf8 => "UTF-8".to_string(),
        sheet::Encoding::Utf8WithBom => tr!(lang, "UTF-8 avec BOM", "UTF-8 with BOM"),
        sheet::Encoding::Windows1252 => "Windows-1252".to_string(),
    };
    println!(
        "{}",
        tr!(
            lang,
            "{} : {} personne(s) lue(s) ({encoding})",
            "{}: {} person(s) read ({encoding})",
            file.display(),
            sheet.rows.len()
        )
    );
    if !sheet.ignored.is_empty() {
        println!(
            "{}",
            tr!(
                lang,
                "Colonnes laissées de côté : {}",
                "Columns left aside: {}",
                sheet.ignored.join(", ")
            )
        );
    }
    for line in &report.lines {
        println!("{line}");
    }
    println!(
        "{}",
        tr!(
            lang,
            "{} ajoutée(s), {} reconnue(s), {} complétée(s).",
            "{} added, {} matched, {} completed.",
            report.added,
            report.matched,
            report.changed
        )
    );
    let changes = report.added + report.changed > 0;
    match (apply, changes) {
        (_, false) => println!("{}", tr!(lang, "Rien à changer.", "Nothing to change.")),
        (true, true) => println!(
            "{}",
            tr!(
                lang,
                "Appliqué. Les adresses et identifiants Matrix sont déclarés : le greffier y écrit, et n'obéit à chacun qu'une fois vérifié par une réponse de son titulaire.",
                "Applied. The addresses and Matrix IDs are declared: greffier writes to them, and obeys each once its holder verified it by replying."
            )
        ),
        (false, true) => println!(
            "{}",
            tr!(
                lang,
                "Rien n'est enregistré : relancez avec --apply pour appliquer.",
                "Nothing recorded: run again with --apply to apply."
            )
        ),
    }
    Ok(())
}

pub fn export_csv(
    app: &App,
    db: &mut Database,
    table: &str,
    output: Option<&Path>,
) -> anyhow::Result<()> {
    let ctx = app.context();
    let rows = db
        .read(ctx.now, |tx| Ok(tables::table(tx, table, ctx.lang)?))?
        .ok_or_else(|| anyhow::anyhow!("no table {table:?}: {}", tables::NAMES.join(", ")))?;
    let bytes = tables::csv(&rows).map_err(anyhow::Error::msg)?;
    match output {
        Some(file) => {
            std::fs::write(file, bytes)
                .with_context(|| format!("cannot write {}", file.display()))?;
            eprintln!(
                "greffier: {} row(s) in {}",
                rows.len().saturating_sub(1),
                file.display()
            );
        }
        None => std::io::Write::write_all(&mut std::io::stdout(), &bytes)
            .context("cannot write to standard output")?,
    }
    Ok(())
}
