//! A groups table of a PDF text copy of the minutes, where the columns
//! lost their tabs and every cell comes on lines of its own: a theme (on
//! one or more lines, sometimes followed on its last line by the first
//! organisation), one organisation per line (in one or two blocks), then
//! the lead and the start of the action on one line and the action's end
//! on the next lines; blocks are separated by blank lines.
//!
//! Read with the organisations the document names elsewhere (who was
//! there, who sent apologies, section 1.2): a line that is one of them,
//! or a short capitalised name in a block of names, is an organisation.

use crate::minutes::problem::Problem;
use crate::text::name_key;

/// One row of a groups table; `lead` is the chef de projet (existing) or
/// the initialisation (new); the villes are split later, when the
/// organisations are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub line: usize,
    pub theme: String,
    pub villes: String,
    pub lead: Option<String>,
    pub action: Option<String>,
}

/// Reads the rows of one table; `lines` are (number, text), a blank text
/// between blocks; `known` are name keys ([`name_key`]) of organisations.
/// A table it cannot read gives its problem instead.
pub fn rows(
    lines: &[(usize, String)],
    known: &[String],
) -> Result<Vec<GroupRow>, (usize, Problem)> {
    let mut blocks: Vec<Vec<(usize, String)>> = vec![Vec::new()];
    for (n, l) in lines {
        let l = l.trim();
        if l.is_empty() {
            if blocks.last().is_some_and(|b| !b.is_empty()) {
                blocks.push(Vec::new());
            }
        } else {
            blocks
                .last_mut()
                .expect("one block at least")
                .push((*n, l.to_string()));
        }
    }
    blocks.retain(|b| !b.is_empty());
    let is_org = |s: &str| known.contains(&name_key(s));
    // "OpenElec Istres": the organisation a line ends with, and the rest.
    let ends_with_org = |s: &str| -> Option<(String, String)> {
        let words: Vec<&str> = s.split_whitespace().collect();
        for take in (1..=4.min(words.len().saturating_sub(1))).rev() {
            let tail = words[words.len() - take..].join(" ");
            if is_org(&tail) {
                return Some((words[..words.len() - take].join(" "), tail));
            }
        }
        None
    };
    // "Arles Version 2.03 septembre": the lead a line starts with.
    let starts_with_org = |s: &str| -> Option<(String, String)> {
        let words: Vec<&str> = s.split_whitespace().collect();
        for take in (1..=4.min(words.len())).rev() {
            let head = words[..take].join(" ");
            if is_org(&head) {
                return Some((head, words[take..].join(" ")));
            }
        }
        None
    };
    let name_like = |s: &str| {
        is_org(s)
            || (s.split_whitespace().count() <= 4
                && s.starts_with(char::is_uppercase)
                && !s.chars().any(|c| c.is_ascii_digit()))
    };
    let villes_block = |b: &[(usize, String)]| b.iter().all(|(_, l)| name_like(l));

    let mut out = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        let line = block[0].0;
        // The theme: the block's lines up to the first that is an
        // organisation; its last line may end with the first one.
        let mut theme_lines = Vec::new();
        let mut villes: Vec<String> = Vec::new();
        for (_, l) in block {
            if !villes.is_empty() || (!theme_lines.is_empty() && is_org(l)) {
                villes.push(l.clone());
                continue;
            }
            match ends_with_org(l) {
                Some((theme, org)) if !theme.is_empty() && !is_org(l) => {
                    theme_lines.push(theme);
                    villes.push(org);
                }
                _ => theme_lines.push(l.clone()),
            }
        }
        let theme = theme_lines.join(" ");
        if theme.is_empty() {
            return Err((line, Problem::RowWithoutTheme(Some(block[0].1.clone()))));
        }
        i += 1;
        // More organisations, in blocks of names.
        while i < blocks.len()
            && villes_block(&blocks[i])
            && !starts_lead(&blocks[i], &starts_with_org)
        {
            villes.extend(blocks[i].iter().map(|(_, l)| l.clone()));
            i += 1;
        }
        if villes.is_empty() {
            return Err((line, Problem::NoOrganisationAfterTheme(theme)));
        }
        // The lead and the action: a block whose first line starts with an
        // organisation; else an action without lead, unless the block is
        // the next row's theme (organisations follow it).
        let mut lead = None;
        let mut action = None;
        if i < blocks.len() {
            let b = &blocks[i];
            let next_is_villes = blocks.get(i + 1).is_some_and(|n| villes_block(n))
                || ends_with_org(&b[0].1).is_some_and(|(t, _)| !t.is_empty());
            if let Some((org, rest)) = starts_with_org(&b[0].1) {
                lead = Some(org);
                let mut words = vec![rest];
                words.extend(b[1..].iter().map(|(_, l)| l.clone()));
                let text = words.join(" ").trim().to_string();
                action = (!text.is_empty()).then_some(text);
                i += 1;
            } else if !next_is_villes {
                action = Some(
                    b.iter()
                        .map(|(_, l)| l.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                );
                i += 1;
            }
        }
        out.push(GroupRow {
            line,
            theme: squeeze(&theme),
            villes: villes
                .iter()
                .map(|v| squeeze(v))
                .collect::<Vec<_>>()
                .join(", "),
            lead,
            action: action.map(|a| squeeze(&a)),
        });
    }
    Ok(out)
}

/// Whether a block of names is rather the lead and action of the row: its
/// first line starts with an organisation and goes on with words (a lone
/// organisation per line is a block of names).
fn starts_lead(
    block: &[(usize, String)],
    starts_with_org: &dyn Fn(&str) -> Option<(String, String)>,
) -> bool {
    starts_with_org(&block[0].1).is_some_and(|(_, rest)| !rest.trim().is_empty())
}

/// Runs of spaces as one ("Presentation  de").
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a folded line is a PDF copy's table header ("theme Villes Chef
/// de projet Action"); `Some(true)` for the new groups' one
/// ("initialisation").
pub fn header(folded: &str) -> Option<bool> {
    (folded.starts_with("theme") && folded.contains("villes"))
        .then(|| folded.contains("initialisation"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        [
            "Istres",
            "Fos",
            "Miramas",
            "Arles",
            "Martigues",
            "Gardanne",
            "Vitrolles",
            "Berre",
            "Ouest Provence",
            "Saint Martin de Crau",
            "Chateauneuf les Martigues",
            "Generale Infographie",
        ]
        .iter()
        .map(|s| name_key(s))
        .collect()
    }

    fn lines(text: &str) -> Vec<(usize, String)> {
        text.lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.to_string()))
            .collect()
    }

    fn cells(rows: &[GroupRow]) -> Vec<(&str, &str, Option<&str>, Option<&str>)> {
        rows.iter()
            .map(|r| {
                (
                    r.theme.as_str(),
                    r.villes.as_str(),
                    r.lead.as_deref(),
                    r.action.as_deref(),
                )
            })
            .collect()
    }

    #[test]
    fn the_existing_groups_of_the_pdf_copy() {
        let text = "OpenElec Istres\n\nFos\nMiramas\nArles\nAtreal\nLibreair\n\nArles Version 2.03 septembre\nintegration nouveautes fos \net istres\n\nopenResultat Martigues\nFos\nArles\nIstres\nGardanne\nAtreal\n\nArles Version 1.5 gestion listes \nmunicipales\n\nOpenFoncier Vitrolles\nArles\nLibreair\nGenerale Infographie\n\nSaint Martin de crau\nChateauneuf les Martigues\n\nGestion des permis de \nconstruire operationnelle \nle 1er octobre 2007\n";
        let rows = rows(&lines(text), &known()).expect("rows");
        let got = cells(&rows);
        assert_eq!(
            got,
            [
                (
                    "OpenElec",
                    "Istres, Fos, Miramas, Arles, Atreal, Libreair",
                    Some("Arles"),
                    Some("Version 2.03 septembre integration nouveautes fos et istres")
                ),
                (
                    "openResultat",
                    "Martigues, Fos, Arles, Istres, Gardanne, Atreal",
                    Some("Arles"),
                    Some("Version 1.5 gestion listes municipales")
                ),
                (
                    "OpenFoncier",
                    "Vitrolles, Arles, Libreair, Generale Infographie, Saint Martin de crau, Chateauneuf les Martigues",
                    None,
                    Some("Gestion des permis de construire operationnelle le 1er octobre 2007")
                ),
            ]
        );
    }

    #[test]
    fn the_new_groups_of_the_pdf_copy() {
        let text = "Gestion des \ndélibération\n\nIstres\nOuest Provence\nMartigues\n\nIstres Presentation \nplonedeliberation par \nATREAL\n\nGestion du courrier Ouest Provence\nBerre\nFos\n\nArles Presentation openCourrier\n\nMain courante police \nmunicipale et gestion \ndes épaves\n\nBerre\nvitrolles\n\nBerre Demonstration de l \napplication\n\nMessagerie libre\nVitrolles\nberre\nArles\n\nberre Presentation de la solution \npostfix – e-groupware\n";
        let rows = rows(&lines(text), &known()).expect("rows");
        let got = cells(&rows);
        assert_eq!(
            got,
            [
                (
                    "Gestion des délibération",
                    "Istres, Ouest Provence, Martigues",
                    Some("Istres"),
                    Some("Presentation plonedeliberation par ATREAL")
                ),
                (
                    "Gestion du courrier",
                    "Ouest Provence, Berre, Fos",
                    Some("Arles"),
                    Some("Presentation openCourrier")
                ),
                (
                    "Main courante police municipale et gestion des épaves",
                    "Berre, vitrolles",
                    Some("Berre"),
                    Some("Demonstration de l application")
                ),
                (
                    "Messagerie libre",
                    "Vitrolles, berre, Arles",
                    Some("berre"),
                    Some("Presentation de la solution postfix – e-groupware")
                ),
            ]
        );
    }
}
