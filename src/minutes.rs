//! `greffier import-minutes FILE`: the past minutes into the database, and
//! a summary of what was created, matched, and not understood.
//! `greffier minutes <id>`: the compte rendu of a meeting.

use crate::say::outln;
use greffier_commands::store::Meetings as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use greffier_commands::minutes::{import, parse, record};
use greffier_commands::store::MeetingId;
use greffier_commands::{Action, Lang, tr, words};
use greffier_storage::Database;

use crate::app::App;
use crate::{channels, route, say};

pub fn import_file(
    app: &App,
    db: &mut Database,
    file: &Path,
    given: &parse::Given,
) -> anyhow::Result<()> {
    let lang = app.loaded.config.bot.language;
    let text = say::read_text(lang, file)?;
    // A progress bar on long files, when someone watches.
    let watched = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut minutes = parse::parse_with_progress(&text, &mut |line, total| {
        if watched && total > 0 {
            let done = line * 40 / total;
            eprint!(
                "\r[{}{}] {line}/{total}",
                "#".repeat(done),
                " ".repeat(40 - done)
            );
        }
    });
    if watched && text.lines().count() >= 1000 {
        eprintln!();
    }
    if let Err(contradiction) = minutes.complete(given, lang) {
        bail!(
            "{}",
            tr!(
                lang,
                "{} : {contradiction} ; rien n'est importé",
                "{}: {contradiction}: nothing imported",
                file.display()
            )
        );
    }
    // Without a title and a date there is no meeting to import the rest
    // into: nothing is imported.
    if minutes.title.is_none() || minutes.date.is_none() {
        let from = match minutes.headless {
            Some(line) => tr!(
                lang,
                "le compte rendu commence à la ligne {line}, sans son titre, sa date ni son lieu",
                "the minutes start at line {line}, without their title, date and place"
            ),
            None if minutes.title.is_none() => tr!(lang, "aucun titre trouvé", "no title found"),
            None => tr!(
                lang,
                "aucune date trouvée sous le titre",
                "no date found under the title"
            ),
        };
        bail!(
            "{}",
            tr!(
                lang,
                "{} : {from} ; donnez-les avec --title et --date (et --place) ; rien n'est importé",
                "{}: {from}: give them with --title and --date (and --place); nothing imported",
                file.display()
            )
        );
    }
    if minutes.unreadable {
        let lines: Vec<String> = minutes
            .problems
            .iter()
            .map(|(line, what)| {
                let what = what.text(lang);
                tr!(lang, "  ligne {line} : {what}", "  line {line}: {what}")
            })
            .collect();
        bail!(
            "{}",
            tr!(
                lang,
                "{} : un tableau des groupes n'a pas pu être lu ; rien n'est importé :\n{}",
                "{}: a groups table could not be read; nothing imported:\n{}",
                file.display(),
                lines.join("\n")
            )
        );
    }
    let ctx = app.context();
    let from = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (summary, kept) = db.write(ctx.now, |tx| {
        let summary = import::import(tx, &ctx, &minutes)?;
        // The compte rendu itself, as it was written: an approved record.
        let kept = match summary.meeting {
            Some(meeting) => Some(record::keep_imported(tx, meeting, &text, &from)?),
            None => None,
        };
        Ok((summary, kept))
    })?;
    let count = words::count(
        lang,
        text.lines().count(),
        ("ligne lue", "lignes lues"),
        ("line read", "lines read"),
    );
    let header = tr!(lang, "{} : {count}", "{}: {count}", file.display());
    outln!("{header}");
    outln!(
        "{}",
        tr!(lang, "Créé ({}) :", "Created ({}):", summary.created.len())
    );
    for c in &summary.created {
        outln!("  + {c}");
    }
    outln!(
        "{}",
        tr!(
            lang,
            "Reconnu ({}) :",
            "Matched ({}):",
            summary.matched.len()
        )
    );
    for m in &summary.matched {
        outln!("  = {m}");
    }
    if !summary.notes.is_empty() {
        outln!(
            "{}",
            tr!(
                lang,
                "Gardé tel quel comme notes de la réunion ({}) :",
                "Kept as written as the meeting's notes ({}):",
                summary.notes.len()
            )
        );
        for n in &summary.notes {
            outln!("  ~ {n}");
        }
    }
    match kept {
        Some(record::Kept::New(v)) => outln!(
            "{}",
            tr!(
                lang,
                "Compte rendu gardé tel qu'il est écrit, approuvé (version {v}).",
                "The compte rendu kept as written, approved (version {v})."
            )
        ),
        Some(record::Kept::Same(v)) => outln!(
            "{}",
            tr!(
                lang,
                "Compte rendu déjà enregistré tel quel (version {v}).",
                "The compte rendu was already recorded as it is (version {v})."
            )
        ),
        Some(record::Kept::Other(v)) => outln!(
            "{}",
            tr!(
                lang,
                "La réunion a déjà un compte rendu approuvé (version {v}) : il est gardé, le texte de ce fichier ne le remplace pas.",
                "The meeting already has an approved compte rendu (version {v}): it is kept, this file's text does not replace it."
            )
        ),
        None => {}
    }
    if summary.problems.is_empty() && summary.notes.is_empty() {
        outln!(
            "{}",
            tr!(lang, "Tout a été compris.", "Everything was understood.")
        );
    } else if summary.problems.is_empty() {
        outln!(
            "{}",
            tr!(lang, "Le reste a été compris.", "The rest was understood.")
        );
    } else {
        let n = summary.problems.len();
        outln!(
            "{}",
            tr!(lang, "Non compris ({}) :", "Not understood ({}):", n)
        );
        for (line, what) in &summary.problems {
            outln!(
                "{}",
                tr!(
                    lang,
                    "  ligne {} : {}",
                    "  line {}: {}",
                    line,
                    what.text(lang)
                )
            );
        }
    }
    Ok(())
}

/// `greffier import-minutes FILE --meeting <id> [--apply]`: the
/// rédacteur's edited draft of a meeting's compte rendu. What it changes
/// from the version under review (else the approved text, else the draft
/// the store writes) is printed, "- " removed and "+ " added; with
/// `--apply` the file becomes the version under review, which approval
/// freezes as it is. Only the text changes: the registry (people, groups,
/// catalogue) is not read from an edited draft.
pub fn import_edited(
    app: &App,
    db: &mut Database,
    file: &Path,
    meeting: i64,
    apply: bool,
) -> anyhow::Result<()> {
    let lang = app.loaded.config.bot.language;
    let text = say::read_text(lang, file)?;
    if text.trim().is_empty() {
        bail!(
            "{}",
            tr!(
                lang,
                "{} : le fichier est vide ; rien n'est appliqué",
                "{}: the file is empty: nothing applied",
                file.display()
            )
        );
    }
    let ctx = app.context();
    let outcome = db.transaction(ctx.now, |tx| {
        let id = MeetingId(meeting);
        if tx.meeting(id)?.is_none() {
            return Ok((None, false));
        }
        let records = greffier_commands::store::Records::records(tx, id)?;
        let current = match record::under_review(&records)
            .or_else(|| greffier_commands::store::in_force(&records))
        {
            Some(r) => r.body.clone(),
            None => record::compte_rendu(tx, &ctx.timezone, id, true)?
                .map(|c| c.text)
                .unwrap_or_default(),
        };
        let changes = changes(&current, &text);
        if changes.is_empty() || !apply {
            return Ok((Some((changes, None)), false));
        }
        let version = greffier_commands::store::Records::submit_record(
            tx,
            id,
            &text,
            record::format_of(&text),
        )?;
        Ok((Some((changes, Some(version))), true))
    })?;
    let Some((changes, applied)) = outcome else {
        return Err(say::no_meeting(lang, meeting));
    };
    if changes.is_empty() {
        outln!(
            "{}",
            tr!(
                lang,
                "Aucun changement : le fichier est le texte en cours.",
                "No change: the file is the current text."
            )
        );
        return Ok(());
    }
    outln!(
        "{}",
        tr!(lang, "Changements ({}) :", "Changes ({}):", changes.len())
    );
    for c in &changes {
        outln!("{c}");
    }
    match applied {
        Some(version) => outln!(
            "{}",
            tr!(
                lang,
                "Appliqué : le compte rendu de la réunion n°{meeting} est en relecture (version {version}) ; son approbation le fige tel quel.",
                "Applied: the minutes of meeting #{meeting} are under review (version {version}); approving them freezes them as they are."
            )
        ),
        None => outln!(
            "{}",
            tr!(
                lang,
                "Rien n'est appliqué : relancez avec --apply pour mettre ce texte en relecture.",
                "Nothing applied: run again with --apply to put this text under review."
            )
        ),
    }
    Ok(())
}

/// The lines `new` changes from `old`: "- " removed, "+ " added
/// (unchanged lines left out); empty when they are the same.
fn changes(old: &str, new: &str) -> Vec<String> {
    similar::TextDiff::from_lines(old, new)
        .iter_all_changes()
        .filter_map(|c| {
            let line = c.value().trim_end_matches('\n');
            match c.tag() {
                similar::ChangeTag::Delete => Some(format!("- {line}")),
                similar::ChangeTag::Insert => Some(format!("+ {line}")),
                similar::ChangeTag::Equal => None,
            }
        })
        .collect()
}

/// Where `greffier minutes` writes, and in which format.
pub struct Output<'a> {
    /// "md", "html", "odt" or "pdf".
    pub format: &'a str,
    /// A file, or standard output.
    pub file: Option<&'a Path>,
    /// The draft as the store writes it today, not the approved text.
    pub draft: bool,
}

impl Output<'_> {
    /// The compte rendu in this format.
    fn bytes(&self, lang: Lang, rendered: &record::CompteRendu) -> anyhow::Result<Vec<u8>> {
        Ok(match self.format {
            "html" => rendered.html.clone().into_bytes(),
            "odt" => greffier_document::odt::write(&rendered.document).with_context(|| {
                tr!(
                    lang,
                    "impossible d'écrire le fichier OpenDocument",
                    "cannot write the OpenDocument file"
                )
            })?,
            "pdf" => greffier_document::pdf::write(&rendered.document).map_err(|e| {
                anyhow::anyhow!(tr!(
                    lang,
                    "impossible d'écrire le PDF : {e}",
                    "cannot write the PDF: {e}"
                ))
            })?,
            _ => rendered.text.clone().into_bytes(),
        })
    }

    fn write(&self, lang: Lang, bytes: &[u8]) -> anyhow::Result<()> {
        match self.file {
            Some(file) => say::write(lang, file, bytes),
            None => {
                let binary = matches!(self.format, "odt" | "pdf");
                if binary && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                    bail!(
                        "{}",
                        tr!(
                            lang,
                            "un fichier .{} ne s'affiche pas dans un terminal : donnez -o FICHIER (ou redirigez la sortie)",
                            "a .{} file is not for a terminal: give -o FILE (or redirect the output)",
                            self.format
                        )
                    );
                }
                say::write_stdout(lang, bytes)
            }
        }
    }
}

pub fn write(
    app: &App,
    db: &mut Database,
    meeting: i64,
    to: &Output,
    send: bool,
) -> anyhow::Result<()> {
    let ctx = app.context();
    let (rendered, count) = db
        .transaction(ctx.now, |tx| {
            let Some(rendered) =
                record::compte_rendu(tx, &ctx.timezone, MeetingId(meeting), to.draft)?
            else {
                return Ok((None, false));
            };
            let group = tx.meeting(MeetingId(meeting))?.and_then(|m| m.group);
            let slug = match group {
                Some(g) if send => greffier_commands::store::Groups::group(tx, g)?.map(|g| g.slug),
                _ => None,
            };
            let Some(slug) = slug else {
                return Ok((Some((rendered, 0)), false));
            };
            let ids = route::enqueue(
                tx,
                channels::routes(),
                &[Action::PostToGroup {
                    group: slug,
                    text: rendered.text.clone(),
                    meeting: None,
                    html: Some(rendered.html.clone()),
                }],
            )?;
            Ok((Some((rendered, ids.len())), true))
        })?
        .ok_or_else(|| say::no_meeting(ctx.lang, meeting))?;
    let lang = ctx.lang;
    to.write(lang, &to.bytes(lang, &rendered)?)?;
    if send {
        if count == 0 {
            bail!(
                "{}",
                tr!(
                    lang,
                    "la réunion n°{meeting} n'a pas de groupe doté d'un salon ou d'une liste : rien n'est envoyé",
                    "meeting #{meeting} has no group with a room or a list: nothing sent"
                )
            );
        }
        let messages = words::count(
            lang,
            count,
            ("message", "messages"),
            ("message", "messages"),
        );
        eprintln!(
            "{}",
            tr!(
                lang,
                "greffier : le compte rendu attend dans la file d'envoi pour le salon et la liste du groupe ({messages}) ; greffier run le distribue",
                "greffier: the compte rendu is queued for the group's room and list ({messages}); greffier run delivers it"
            )
        );
    }
    Ok(())
}
