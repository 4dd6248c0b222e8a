//! Reading a compte rendu shaped like the network's minutes: title, date,
//! place, rédacteur, who was there (people then their organisation, comma
//! separated), who sent apologies (name then organisation, no comma), the
//! table of existing groups and the table of new ones (tab separated), and
//! the line about the next meeting. What is not understood is reported with
//! its line number, never guessed silently.

use jiff::civil::Date;

use crate::minutes::pdf_table;
pub use crate::minutes::pdf_table::GroupRow;
pub use crate::minutes::problem::Problem;
use crate::text::{fold, name_key};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Minutes {
    pub title: Option<String>,
    pub date: Option<Date>,
    pub place: Option<String>,
    pub minute_taker: Option<String>,
    pub organiser: Option<String>,
    /// (people, organisation) per line.
    pub present: Vec<(Vec<String>, String)>,
    /// The rest of each line ("Laurence OLIVIER GARDANNE"): name and
    /// organisation are split when the organisations are known.
    pub excused: Vec<(usize, String)>,
    pub existing: Vec<GroupRow>,
    pub proposed: Vec<GroupRow>,
    pub next_meeting: Option<String>,
    /// The lines of section 1.2, "les projets libres dans les
    /// collectivités" (organisations and what they run), with their
    /// numbers: read into the catalogue by [`super::projects`].
    pub projects: Vec<(usize, String)>,
    /// Section 1.1 ("Echanges sur l'adullact…"), heading included, with
    /// the line numbers: kept verbatim as the meeting's notes.
    pub notes: Vec<(usize, String)>,
    /// The line where minutes without their first page's header (title,
    /// date, place: a PDF copy) start.
    pub headless: Option<usize>,
    /// A groups table could not be read (its problem is in `problems`):
    /// importing the rest would leave the groups half imported.
    pub unreadable: bool,
    /// (line, what was not understood).
    pub problems: Vec<(usize, Problem)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Head,
    Present,
    Excused,
    Body,
    Existing,
    Proposed,
    /// Section 1.2: what each organisation runs.
    Projects,
    /// Section 1.1: kept as notes.
    Notes,
    /// A table whose columns lost their tabs (a PDF copy): its cells come
    /// one per line; read once the document's organisations are known.
    PdfTable,
}

/// What a caller supplies that the file may lack (`import-minutes
/// --title --date --place`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Given {
    pub title: Option<String>,
    pub date: Option<Date>,
    pub place: Option<String>,
}

impl Minutes {
    /// Fills in what the file lacks from `given`; a given value that
    /// contradicts the file is an error (which one, and what the file
    /// says).
    /// The error is written in `lang`.
    pub fn complete(&mut self, given: &Given, lang: crate::Lang) -> Result<(), String> {
        if let Some(title) = &given.title {
            match &self.title {
                Some(t) if name_key(t) != name_key(title) => {
                    return Err(crate::tr!(
                        lang,
                        "--title « {title} » : le titre du fichier est « {t} »",
                        "--title “{title}”: the file's title is “{t}”"
                    ));
                }
                _ => self.title = Some(title.clone()),
            }
        }
        if let Some(date) = given.date {
            match self.date {
                Some(d) if d != date => {
                    let (given, file) = (
                        crate::words::date_in(lang, date),
                        crate::words::date_in(lang, d),
                    );
                    return Err(crate::tr!(
                        lang,
                        "--date {date} : le fichier est daté du {file}, pas du {given}",
                        "--date {date}: the file is dated {file}, not {given}"
                    ));
                }
                _ => self.date = Some(date),
            }
        }
        if let Some(place) = &given.place {
            match &self.place {
                Some(p) if name_key(p) != name_key(place) => {
                    return Err(crate::tr!(
                        lang,
                        "--place « {place} » : le lieu du fichier est « {p} »",
                        "--place “{place}”: the file's place is “{p}”"
                    ));
                }
                _ => self.place = Some(place.clone()),
            }
        }
        Ok(())
    }
}

/// "ISTRES (ouest Provence)" → "Istres": the town, as names are shown.
fn town(line: &str) -> String {
    let town = line.split('(').next().unwrap_or(line).trim();
    crate::minutes::names::display_name(town)
}

/// "11 Juin 2007", "1er octobre 2007".
pub fn french_date(s: &str) -> Option<Date> {
    let words: Vec<String> = s.split_whitespace().map(fold).collect();
    let months = crate::text::FRENCH_MONTHS;
    for w in words.windows(3) {
        let Ok(day) = w[0].trim_end_matches("er").parse::<i8>() else {
            continue;
        };
        let Some(month) = months.iter().position(|m| *m == w[1]) else {
            continue;
        };
        let Ok(year) = w[2].parse::<i16>() else {
            continue;
        };
        return Date::new(year, month as i8 + 1, day).ok();
    }
    None
}

/// Whether a (folded) line is the heading numbered `number` ("1.2", as
/// people write it: "1.2 Les…", "1,2 Les…", "2.1Groupes…", "2 - Les…").
fn heading(folded: &str, number: &str) -> bool {
    let comma = number.replace('.', ",");
    let Some(rest) = folded
        .strip_prefix(number)
        .or_else(|| folded.strip_prefix(comma.as_str()))
    else {
        return false;
    };
    // "2" must not read "2007" or "2.1"; a letter, a space or a dash follows.
    match rest.chars().next() {
        None => true,
        Some(c) => c.is_alphabetic() || c.is_whitespace() || matches!(c, '-' | '–' | '−' | ':'),
    }
}

/// A list line: "- *Louis MORALES, Ouest Provence,*" → its text.
fn item(line: &str) -> Option<String> {
    let t = line.trim();
    // "-", "•", or the "−" and "–" of a PDF copy.
    let t = t.strip_prefix(['-', '•', '−', '–'])?;
    let t = t
        .trim()
        .trim_matches('*')
        .trim()
        .trim_end_matches(',')
        .trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn cells(line: &str) -> Vec<String> {
    line.split('\t')
        .map(|c| {
            c.trim()
                .trim_start_matches("<i>")
                .trim_end_matches("</i>")
                .trim()
                .to_string()
        })
        .collect()
}

/// A line of Markdown (what `greffier minutes` writes, and a rédacteur
/// edits) in the shape of the typed minutes: "## 2.1 Groupes" reads
/// "2.1 Groupes", "**Rédacteur** : X" reads "Rédacteur : X", a pipe
/// table's row reads as tab-separated cells and its rule as a blank line,
/// a hard break's backslash goes. Lines of the typed minutes are left as
/// they are.
fn unmark(line: &str) -> String {
    let t = line.trim();
    if t.len() >= 2 && t.starts_with('|') && t.ends_with('|') {
        if t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
            return String::new();
        }
        let inner = &t[1..t.len() - 1];
        let mut cells: Vec<String> = Vec::new();
        let mut cell = String::new();
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&'|') => {
                    chars.next();
                    cell.push('|');
                }
                '|' => cells.push(std::mem::take(&mut cell)),
                c => cell.push(c),
            }
        }
        cells.push(cell);
        let cells: Vec<&str> = cells.iter().map(|c| c.trim()).collect();
        return cells.join("\t");
    }
    let t = match t.strip_prefix('#') {
        Some(_) => t.trim_start_matches('#').trim_start(),
        None => line,
    };
    let t = t.strip_suffix('\\').unwrap_or(t);
    t.replace("**", "")
}

pub fn parse(text: &str) -> Minutes {
    parse_with_progress(text, &mut |_, _| {})
}

/// [`parse`], calling `progress(line, lines)` every 1000 lines (for a
/// progress bar on long files).
pub fn parse_with_progress(text: &str, progress: &mut dyn FnMut(usize, usize)) -> Minutes {
    // Control characters (a NUL, say) separate words like spaces; tabs
    // separate table cells and stay.
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let unmarked: Vec<String> = cleaned.lines().map(unmark).collect();
    let unmarked = unmarked.join("\n");
    let text = unmarked.as_str();
    let total = text.lines().count();
    let mut m = Minutes::default();
    let mut section = Section::Head;
    let mut date_line_seen = false;
    // The PDF copy's tables: (new groups?, lines with blanks between blocks).
    let mut pdf_tables: Vec<(bool, Vec<(usize, String)>)> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        if line_no % 1000 == 0 {
            progress(line_no, total);
        }
        let line = raw.trim();
        if line.is_empty() {
            if section == Section::PdfTable
                && let Some((_, lines)) = pdf_tables.last_mut()
            {
                lines.push((line_no, String::new()));
            }
            continue;
        }
        let folded = fold(line);
        if section == Section::PdfTable {
            let ends = heading(&folded, "2.2")
                || heading(&folded, "2")
                || heading(&folded, "3")
                || folded.starts_with("il est propos")
                || pdf_table::header(&folded).is_some()
                || raw.contains('\t');
            if !ends {
                if let Some((_, lines)) = pdf_tables.last_mut() {
                    lines.push((line_no, line.to_string()));
                }
                continue;
            }
            section = Section::Body;
        }
        if section == Section::Head
            && m.title.is_none()
            && m.headless.is_none()
            && (folded.starts_with("redacteur") || folded.starts_with("etaient presents"))
        {
            m.headless = Some(line_no);
            date_line_seen = true;
        }
        if !raw.contains('\t')
            && let Some(new_groups) = pdf_table::header(&folded)
        {
            section = Section::PdfTable;
            pdf_tables.push((new_groups, Vec::new()));
            continue;
        }
        // "1.2 Les projets libres…", "1,2 …"; the next numbered heading
        // ends it ("2 - Les groupes de travail", "2.1Groupes existants").
        if heading(&folded, "1.1") {
            section = Section::Notes;
            m.notes.push((line_no, line.to_string()));
            continue;
        }
        if heading(&folded, "1.2") {
            section = Section::Projects;
            continue;
        }
        if section == Section::Notes {
            if heading(&folded, "2") || heading(&folded, "2.1") || heading(&folded, "1.3") {
                section = Section::Body;
            } else {
                m.notes.push((line_no, line.to_string()));
                continue;
            }
        }
        if section == Section::Projects {
            if heading(&folded, "2") || heading(&folded, "2.1") || heading(&folded, "1.3") {
                section = Section::Body;
            } else {
                m.projects.push((line_no, line.to_string()));
                continue;
            }
        }
        if folded.starts_with("etaient presents") {
            section = Section::Present;
            continue;
        }
        if folded.starts_with("absents excuses") || folded.starts_with("excuses") {
            section = Section::Excused;
            continue;
        }
        if raw.contains('\t') {
            let c = cells(raw);
            let header = c.first().map(|h| fold(h)) == Some("theme".into());
            if header {
                let third = c.get(2).map(|h| fold(h)).unwrap_or_default();
                section = if third.contains("initialisation") {
                    Section::Proposed
                } else {
                    Section::Existing
                };
                continue;
            }
            if matches!(section, Section::Existing | Section::Proposed) {
                let non_empty = |i: usize| c.get(i).filter(|s| !s.is_empty()).cloned();
                let Some(theme) = non_empty(0) else {
                    m.problems.push((line_no, Problem::RowWithoutTheme(None)));
                    continue;
                };
                let row = GroupRow {
                    line: line_no,
                    theme,
                    villes: non_empty(1).unwrap_or_default(),
                    lead: non_empty(2),
                    action: non_empty(3),
                };
                if section == Section::Existing {
                    m.existing.push(row);
                } else {
                    m.proposed.push(row);
                }
                continue;
            }
        }
        if folded.contains("nouvelle rencontre") || folded.contains("prochaine reunion") {
            m.next_meeting = Some(line.to_string());
            continue;
        }
        match section {
            Section::Head => {
                if m.title.is_none() && m.headless.is_none() {
                    m.title = Some(line.to_string());
                } else if m.date.is_none() && !date_line_seen {
                    match french_date(line) {
                        Some(d) => m.date = Some(d),
                        None => m
                            .problems
                            .push((line_no, Problem::NotADate(line.to_string()))),
                    }
                    date_line_seen = true;
                } else if m.place.is_none()
                    && m.headless.is_none()
                    && date_line_seen
                    && !folded.starts_with("redacteur")
                {
                    m.place = Some(town(line));
                } else if let Some(rest) = folded.strip_prefix("redacteur") {
                    let name = line[line.len() - rest.len()..]
                        .trim()
                        .trim_start_matches(':')
                        .trim();
                    let name = name
                        .strip_prefix("M. ")
                        .or_else(|| name.strip_prefix("Mme "))
                        .or_else(|| name.strip_prefix("Mr "))
                        .unwrap_or(name);
                    m.minute_taker = Some(name.trim().to_string());
                }
            }
            Section::Present => match item(line) {
                Some(text) => {
                    let mut parts: Vec<String> = text
                        .split(',')
                        .map(|p| p.trim().to_string())
                        .filter(|p| !p.is_empty())
                        .collect();
                    match parts.pop() {
                        Some(org) if !parts.is_empty() => m.present.push((parts, org)),
                        _ => m.problems.push((
                            line_no,
                            Problem::PresentWithoutOrganisation(text.to_string()),
                        )),
                    }
                }
                None => section = Section::Body,
            },
            Section::Excused => match item(line) {
                Some(text) => m.excused.push((line_no, text)),
                None => section = Section::Body,
            },
            _ => {}
        }
        if matches!(section, Section::Body) && m.organiser.is_none() {
            // "Organisée à l'initiative d'Ouest Provence, la réunion …"
            // (The PDF copy lost the apostrophe: "à l initiative d'…".)
            let folded = folded
                .replace('’', "'")
                .replace("a l initiative", "a l'initiative");
            if let Some(at) = folded.find("a l'initiative d") {
                let rest = &line[line
                    .char_indices()
                    .nth(folded[..at].chars().count() + "a l'initiative d".len())
                    .map_or(line.len(), |(i, _)| i)..];
                let rest = rest.trim_start_matches(['\'', 'e', ' ', '’']);
                let org = rest
                    .split(',')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .trim_end_matches('.')
                    .trim();
                if !org.is_empty() {
                    m.organiser = Some(org.to_string());
                }
            }
        }
    }
    // The organisations the document names outside its tables: what the
    // PDF copy's tables are read with, and what the rédacteur's line may
    // end with ("M. François RAYNAUD Arles,").
    let mut known: Vec<String> = crate::minutes::names::KNOWN_NAMES
        .iter()
        .map(|n| name_key(n))
        .collect();
    known.extend(m.present.iter().map(|(_, org)| name_key(org)));
    for (_, text) in &m.excused {
        if let Some((_, org)) = crate::minutes::names::split_excused(text) {
            known.push(name_key(&org));
        }
    }
    for (_, line) in &m.projects {
        let text = line
            .trim_start()
            .trim_start_matches(['-', '•', '−', '–', '*'])
            .trim()
            .trim_end_matches(':')
            .trim();
        let words = text.split_whitespace().count();
        if (1..=4).contains(&words) && !text.chars().any(|c| c.is_lowercase()) {
            known.push(name_key(text));
        }
    }
    known.extend(m.organiser.iter().map(|o| name_key(o)));
    for (new_groups, lines) in pdf_tables {
        match pdf_table::rows(&lines, &known) {
            Ok(rows) if new_groups => m.proposed.extend(rows),
            Ok(rows) => m.existing.extend(rows),
            Err(problem) => {
                m.unreadable = true;
                m.problems.push(problem);
            }
        }
    }
    if let Some(taker) = &m.minute_taker {
        let taker = taker.trim().trim_end_matches(',').trim();
        let taker = match taker.rsplit_once(' ') {
            Some((name, last)) if known.contains(&name_key(last)) => name.trim(),
            _ => taker,
        };
        m.minute_taker = Some(taker.to_string());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_french() {
        assert_eq!(french_date("11 Juin 2007"), Date::new(2007, 6, 11).ok());
        assert_eq!(
            french_date("le 1er octobre 2007"),
            Date::new(2007, 10, 1).ok()
        );
        assert_eq!(french_date("12 Février 2008"), Date::new(2008, 2, 12).ok());
        assert_eq!(french_date("demain"), None);
    }

    #[test]
    fn headings_as_people_number_them() {
        for (line, number) in [
            ("1.2 les projets libres", "1.2"),
            ("1,2 les projets libres", "1.2"),
            ("2.1groupes existants", "2.1"),
            ("2 – les groupes de travail", "2"),
            ("2 - les groupes de travail", "2"),
        ] {
            assert!(heading(line, number), "{line}");
        }
        for (line, number) in [("2007 et le", "2"), ("2.1 groupes", "2"), ("1.21 x", "1.2")] {
            assert!(!heading(line, number), "{line}");
        }
    }

    #[test]
    fn list_items() {
        assert_eq!(
            item("- *Mr BUZIN, MIRAMAS*").as_deref(),
            Some("Mr BUZIN, MIRAMAS")
        );
        assert_eq!(
            item("- *Louis MORALES, Valérie HENRY, Ouest Provence,*").as_deref(),
            Some("Louis MORALES, Valérie HENRY, Ouest Provence")
        );
        assert_eq!(item("Organisée à l'initiative"), None);
    }
}
