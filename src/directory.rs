//! `greffier import-people FILE.csv [--apply]`: the network's list of
//! people, as LibreOffice or Excel saves it, into the directory. What it
//! would add, match and change is printed line by line; it is kept only
//! with `--apply`, and only when every line can be read and imported
//! (nothing is half-imported); a second run changes nothing.
//! `greffier export --csv <table> [-o FILE]`: one table of the directory
//! for the élus' spreadsheets.

use crate::say::outln;
use std::path::Path;

use anyhow::bail;
use greffier_commands::directory::{import, sheet, tables};
use greffier_commands::{Lang, tr, words};
use greffier_storage::Database;

use crate::app::App;
use crate::say;

pub fn import_people(app: &App, db: &mut Database, file: &Path, apply: bool) -> anyhow::Result<()> {
    let ctx = app.context();
    let lang = ctx.lang;
    let bytes = say::read(lang, file)?;
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
    outln!(
        "{}",
        tr!(
            lang,
            "{} : {} ({encoding})",
            "{}: {} ({encoding})",
            file.display(),
            words::count(
                lang,
                sheet.rows.len(),
                ("personne lue", "personnes lues"),
                ("person read", "people read")
            )
        )
    );
    if !sheet.ignored.is_empty() {
        outln!(
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
        outln!("{line}");
    }
    outln!(
        "{}",
        match lang {
            // « 2 personnes ajoutées, 3 reconnues, aucune complétée. »
            Lang::Fr => format!(
                "{}, {}, {}.",
                words::count_or_none(
                    lang,
                    report.added,
                    "aucune",
                    ("personne ajoutée", "personnes ajoutées"),
                    ("", "")
                ),
                words::count_or_none(
                    lang,
                    report.matched,
                    "aucune",
                    ("reconnue", "reconnues"),
                    ("", "")
                ),
                words::count_or_none(
                    lang,
                    report.changed,
                    "aucune",
                    ("complétée", "complétées"),
                    ("", "")
                ),
            ),
            Lang::En => format!(
                "{} added, {} matched, {} completed.",
                report.added, report.matched, report.changed
            ),
        }
    );
    let changes = report.added + report.changed > 0;
    match (apply, changes) {
        (_, false) => outln!("{}", tr!(lang, "Rien à changer.", "Nothing to change.")),
        (true, true) => outln!(
            "{}",
            tr!(
                lang,
                "Appliqué. Les adresses et identifiants Matrix sont déclarés : le greffier y écrit, et n'obéit à chacun qu'une fois vérifié par une réponse de son titulaire.",
                "Applied. The addresses and Matrix IDs are declared: greffier writes to them, and obeys each once its holder verified it by replying."
            )
        ),
        (false, true) => outln!(
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
        .ok_or_else(|| {
            anyhow::anyhow!(tr!(
                ctx.lang,
                "pas de table « {table} » : {}",
                "no table “{table}”: {}",
                tables::NAMES.join(", ")
            ))
        })?;
    let bytes = tables::csv(&rows).map_err(anyhow::Error::msg)?;
    match output {
        Some(file) => {
            say::write(ctx.lang, file, &bytes)?;
            let rows = words::count(
                ctx.lang,
                rows.len().saturating_sub(1),
                ("ligne", "lignes"),
                ("row", "rows"),
            );
            eprintln!(
                "{}",
                tr!(
                    ctx.lang,
                    "greffier : {rows} dans {}",
                    "greffier: {rows} in {}",
                    file.display()
                )
            );
        }
        None => say::write_stdout(ctx.lang, &bytes)?,
    }
    Ok(())
}
