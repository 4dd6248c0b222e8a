//! A list of people as LibreOffice Calc or Excel saves it in France: `;`
//! between the cells (`,` when the header line has no `;`), UTF-8 with or
//! without a byte-order mark, or Windows-1252; a header line naming the
//! columns in French or English, in any order — nom (name), organisation,
//! email (courriel, adresse), matrix. Every line that cannot be read is
//! named with its number; one is enough for the sheet to be refused.

use crate::parse::ParseErrorKind;
use crate::store::{Identity, IdentityKind};
use crate::{Lang, text, tr};

/// How the file was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8WithBom,
    Windows1252,
}

/// One person of the sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Its line in the file (the header is line 1).
    pub line: u64,
    pub name: String,
    pub organisation: Option<String>,
    pub email: Option<Identity>,
    pub matrix: Option<Identity>,
}

/// The sheet read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub encoding: Encoding,
    pub rows: Vec<Row>,
    /// Header cells that name no known column (left aside).
    pub ignored: Vec<String>,
}

/// A line that cannot be read: its number and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub what: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Organisation,
    Email,
    Matrix,
}

/// The column a header cell names, accents and case aside.
fn column(header: &str) -> Option<Column> {
    Some(match text::name_key(header).as_str() {
        "nom" | "name" | "nom complet" | "full name" | "nom prenom" | "prenom nom" | "personne"
        | "person" => Column::Name,
        "organisation" | "organization" | "org" | "structure" | "collectivite" | "commune"
        | "ville" => Column::Organisation,
        "email"
        | "e mail"
        | "mail"
        | "courriel"
        | "adresse"
        | "adresse email"
        | "adresse mail"
        | "adresse electronique"
        | "address"
        | "email address" => Column::Email,
        "matrix" | "identifiant matrix" | "matrix id" | "id matrix" | "compte matrix" => {
            Column::Matrix
        }
        _ => return None,
    })
}

/// The text of the file, and how it was written.
fn decode(bytes: &[u8]) -> (String, Encoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF")
        && let Ok(s) = std::str::from_utf8(rest)
    {
        return (s.to_string(), Encoding::Utf8WithBom);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), Encoding::Utf8),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (text.into_owned(), Encoding::Windows1252)
        }
    }
}

/// Reads a sheet; every line that cannot be read, if any.
pub fn read(bytes: &[u8], lang: Lang) -> Result<Sheet, Vec<Problem>> {
    let (text, encoding) = decode(bytes);
    let header = text.lines().next().unwrap_or_default();
    let delimiter = if header.contains(';') || !header.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut problems = Vec::new();
    let mut columns: Vec<Option<Column>> = Vec::new();
    let mut ignored = Vec::new();
    let mut rows = Vec::new();
    // A record's line, from where it starts (the csv crate's own line
    // count is off after a CRLF).
    let line_at = |byte: u64| -> u64 {
        let bytes = text.as_bytes();
        let mut start = (byte as usize).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        bytes[..start].iter().filter(|b| **b == b'\n').count() as u64 + 1
    };
    for (i, record) in reader.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i as u64 + 1, |p| line_at(p.byte()));
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(line, |p| line_at(p.byte()));
                problems.push(Problem {
                    line,
                    what: tr!(lang, "illisible ({e})", "unreadable ({e})"),
                });
                continue;
            }
        };
        let cells: Vec<&str> = record.iter().map(str::trim).collect();
        if columns.is_empty() {
            columns = cells.iter().map(|c| column(c)).collect();
            for (cell, col) in cells.iter().zip(&columns) {
                if col.is_none() && !cell.is_empty() {
                    ignored.push(cell.to_string());
                }
            }
            if !columns.contains(&Some(Column::Name)) {
                problems.push(Problem {
                    line,
                    what: tr!(
                        lang,
                        "la première ligne doit nommer les colonnes, dont « nom » (et « organisation », « courriel », « matrix »)",
                        "the first line must name the columns, “nom” or “name” among them (and “organisation”, “email”, “matrix”)"
                    ),
                });
                return Err(problems);
            }
            continue;
        }
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        if cells.len() > columns.len() && cells[columns.len()..].iter().any(|c| !c.is_empty()) {
            problems.push(Problem {
                line,
                what: tr!(
                    lang,
                    "{} cellules, pour {} colonnes",
                    "{} cells, for {} columns",
                    cells.len(),
                    columns.len()
                ),
            });
            continue;
        }
        let cell = |want: Column| -> Option<String> {
            columns
                .iter()
                .position(|c| *c == Some(want))
                .and_then(|i| cells.get(i))
                .filter(|c| !c.is_empty())
                .map(|c| c.to_string())
        };
        let Some(name) = cell(Column::Name) else {
            problems.push(Problem {
                line,
                what: tr!(lang, "pas de nom", "no name"),
            });
            continue;
        };
        if name.chars().count() > 100 {
            problems.push(Problem {
                line,
                what: tr!(lang, "nom trop long", "name too long"),
            });
            continue;
        }
        let identity = |want: Column, kind: IdentityKind| -> Result<Option<Identity>, String> {
            match cell(want) {
                None => Ok(None),
                Some(v) => match Identity::parse(&v).filter(|i| i.kind == kind) {
                    Some(i) => Ok(Some(i)),
                    None => Err(v),
                },
            }
        };
        let read = |column: Column, kind: IdentityKind| {
            identity(column, kind).map_err(|v| {
                // The words a command says of the same mistake.
                let v = text::excerpt(&v, 60);
                match kind {
                    IdentityKind::Email => ParseErrorKind::BadEmail(v),
                    IdentityKind::Matrix => ParseErrorKind::BadMatrixId(v),
                }
                .what(lang, "!")
            })
        };
        let (email, matrix) = match (
            read(Column::Email, IdentityKind::Email),
            read(Column::Matrix, IdentityKind::Matrix),
        ) {
            (Ok(email), Ok(matrix)) => (email, matrix),
            (Err(what), _) | (_, Err(what)) => {
                problems.push(Problem { line, what });
                continue;
            }
        };
        rows.push(Row {
            line,
            name,
            organisation: cell(Column::Organisation),
            email,
            matrix,
        });
    }
    if columns.is_empty() {
        problems.push(Problem {
            line: 1,
            what: tr!(lang, "fichier vide", "empty file"),
        });
    }
    match problems.is_empty() {
        true => Ok(Sheet {
            encoding,
            rows,
            ignored,
        }),
        false => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "Organisation;Nom;Courriel;Matrix\r\nOuest Provence;Louis MORALES;louis@ouest-provence.fr;\r\nSète;M. Jean DUPONT;;@jean:sete.fr\r\n;;;\r\n";

    #[test]
    fn utf8_with_or_without_bom_and_windows_1252_read_alike() {
        let plain = read(TABLE.as_bytes(), Lang::Fr).expect("read");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend(TABLE.as_bytes());
        let with_bom = read(&bom, Lang::Fr).expect("read");
        let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(TABLE);
        let windows = read(&cp1252, Lang::Fr).expect("read");
        assert_eq!(plain.encoding, Encoding::Utf8);
        assert_eq!(with_bom.encoding, Encoding::Utf8WithBom);
        assert_eq!(windows.encoding, Encoding::Windows1252);
        assert_eq!(plain.rows, with_bom.rows);
        assert_eq!(plain.rows, windows.rows);
        assert_eq!(plain.rows.len(), 2);
        assert_eq!(plain.rows[1].name, "M. Jean DUPONT");
        assert_eq!(plain.rows[1].organisation.as_deref(), Some("Sète"));
        assert_eq!(plain.rows[1].line, 3);
        assert_eq!(
            plain.rows[0].email.as_ref().map(|e| e.value.as_str()),
            Some("louis@ouest-provence.fr")
        );
    }

    #[test]
    fn every_bad_line_is_named() {
        let sheet = "nom;email\nAnne;anne@arles.fr\n;x@y.fr\nBob;bob-at-berre\nCarl;c@d.fr;extra\n\"Zoé;z@z.fr\n";
        let problems = read(sheet.as_bytes(), Lang::Fr).expect_err("refused");
        let lines: Vec<(u64, &str)> = problems.iter().map(|p| (p.line, p.what.as_str())).collect();
        assert_eq!(
            lines[..3],
            [
                (3, "pas de nom"),
                (4, "adresse électronique invalide « bob-at-berre »"),
                (5, "3 cellules, pour 2 colonnes"),
            ]
        );
        let refused = read(b"prenom;ville\nAnne;Arles\n", Lang::Fr).expect_err("no name");
        assert_eq!(refused[0].line, 1);
    }
}
