//! Section 1.2 of the minutes, "Les projets libres dans les collectivités",
//! read into the catalogue: an organisation's line, then its items; in an
//! item, a software is a name the catalogue, the minutes' groups or the
//! list of common free software below know (compared without spaces or
//! ".org", over runs of one to three words), or a quoted name (« koha »);
//! a quoted name written with a slip is matched to the known name it is
//! close to (« osc inventory » is the OCS Inventory of the groups table).
//! The item's words give the status: for each software, the last status
//! word before it ("opérationnel", "en cours", "migration", "réflexion",
//! "formations"…; "en cours" right after another one only says that one
//! goes on: "une réflexion est en cours"), else the first one after it,
//! production when there is none.
//!
//! Only what an organisation runs, or is moving to, enters the catalogue
//! (production, a migration or a deployment in progress): a software the
//! item names under a study word — compared and not chosen ("après avoir
//! étudié … (Plone, Typo3, SPIP)"), a collaboration tried without an
//! answer ("a essayé de collaborer … « gelec »"), a training, a
//! reflection — is not a use. An item that gives no use is kept with the
//! meeting's notes (and the compte rendu of record keeps every line).
//!
//! The items come as the original writes them ("- ORG" then " - item") or
//! as its PDF text copy does (every bullet "−", an item's end on the next
//! lines without a bullet): an item whose whole text is an organisation
//! starts that organisation's list.

use crate::minutes::problem::Problem;
use crate::store::UseStatus;
use crate::text::{fold, software_key};

/// Free software that the network's minutes name, as they are usually
/// written: what makes a word of an item a software.
pub const COMMON_SOFTWARE: &[&str] = &[
    "Apache",
    "Debian",
    "e-groupware",
    "Firefox",
    "gelec",
    "GLPI",
    "Koha",
    "LibreOffice",
    "Linux",
    "Mandriva",
    "MySQL",
    "OCS Inventory",
    "openCourrier",
    "OpenElec",
    "OpenFoncier",
    "openMairie",
    "OpenOffice",
    "openResultat",
    "PHP",
    "Plone",
    "plonedeliberation",
    "PostgreSQL",
    "Postfix",
    "QGIS",
    "SPIP",
    "Thunderbird",
    "Typo3",
    "Ubuntu",
];

/// Status words, folded, in the order they are looked for at each place of
/// an item; the first one found gives the status.
const STATUS_WORDS: &[(&str, UseStatus)] = &[
    ("operationnel", UseStatus::Production),
    ("en production", UseStatus::Production),
    ("equipe", UseStatus::Production),
    ("utilise", UseStatus::Production),
    ("a choisi", UseStatus::Production),
    ("en cours", UseStatus::Projet),
    ("migration", UseStatus::Projet),
    ("deploiement", UseStatus::Projet),
    ("reflexion", UseStatus::Etude),
    ("formation", UseStatus::Etude),
    ("evaluation", UseStatus::Etude),
    ("etudie", UseStatus::Etude),
    ("essaye", UseStatus::Etude),
    ("a l etude", UseStatus::Etude),
    ("abandon", UseStatus::Abandon),
];

/// Status words worth keeping as the use's note ("OpenOffice : Berre
/// (migration)").
const NOTED: &[&str] = &["migration", "deploiement"];

/// One use read from an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadUse {
    pub line: usize,
    /// As the organisation's line names it (the caller resolves it).
    pub organisation: String,
    /// The known name when one matched, else the quoted name.
    pub software: String,
    pub status: UseStatus,
    pub note: Option<String>,
}

/// What section 1.2 gave.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Read {
    pub uses: Vec<ReadUse>,
    /// (line, as written, the known name it was read as).
    pub slips: Vec<(usize, String, String)>,
    /// (line, what was not understood): items before any organisation.
    pub problems: Vec<(usize, Problem)>,
    /// The items that name no software, with their organisation (line,
    /// organisation, text): kept as the meeting's notes.
    pub unread: Vec<(usize, Option<String>, String)>,
}

/// The bullet of an item line, if it has one: its text.
fn bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let rest = t.strip_prefix(['-', '•', '−', '–', '*'])?;
    Some(rest.trim())
}

/// Reads section 1.2's `lines` (with their numbers). `organisation` says
/// whether a text names an organisation (and which, as the caller writes
/// it); `known` are the software names to look for.
pub fn read(
    lines: &[(usize, String)],
    organisation: &dyn Fn(&str) -> Option<String>,
    known: &[String],
) -> Read {
    // Items, each with its first line and its text (continuations joined).
    let mut items: Vec<(usize, String)> = Vec::new();
    for (n, line) in lines {
        match bullet(line) {
            Some(text) => items.push((*n, text.to_string())),
            None => match items.last_mut() {
                Some((_, text)) => {
                    text.push(' ');
                    text.push_str(line.trim());
                }
                None => items.push((*n, line.trim().to_string())),
            },
        }
    }
    let mut read = Read::default();
    let mut current: Option<String> = None;
    for (n, text) in items {
        let head = text.trim().trim_end_matches(':').trim();
        if let Some(org) = organisation(head) {
            current = Some(org);
            continue;
        }
        // "- Saint-Chamas :" — a short line ending with a colon and naming
        // no software is an organisation the caller does not know yet.
        if text.trim_end().ends_with(':')
            && looks_like_a_name(head)
            && software_in(&text, known).is_empty()
        {
            current = Some(head.to_string());
            continue;
        }
        // "Ouest Provence: - Projet …" on one line.
        if let Some((before, after)) = text.split_once(':')
            && let Some(org) = organisation(before.trim())
            && after.trim().is_empty()
        {
            current = Some(org);
            continue;
        }
        let found = software_in(&text, known);
        if found.is_empty() {
            read.unread
                .push((n, current.clone(), text.trim().to_string()));
            continue;
        }
        let Some(org) = current.clone() else {
            read.problems
                .push((n, Problem::SoftwareBeforeOrganisation(text.clone())));
            continue;
        };
        let hits = status_words(&text);
        let folded = normal(&text);
        let mut used = false;
        for (software, slip, written) in found {
            let at = folded.find(&normal(&written)).unwrap_or(0);
            let (status, keyword) = status_at(&hits, at);
            if !matches!(status, UseStatus::Production | UseStatus::Projet) {
                continue;
            }
            used = true;
            let note = keyword.filter(|k| NOTED.contains(k)).map(str::to_string);
            if let Some(written) = slip {
                read.slips.push((n, written, software.clone()));
            }
            if !read.uses.iter().any(|u| {
                u.organisation == org && software_key(&u.software) == software_key(&software)
            }) {
                read.uses.push(ReadUse {
                    line: n,
                    organisation: org.clone(),
                    software,
                    status,
                    note,
                });
            }
        }
        if !used {
            read.unread
                .push((n, Some(org.clone()), text.trim().to_string()));
        }
    }
    read
}

/// "Saint-Chamas", "Port de Bouc": up to five words, each capitalised but
/// the connectors, no digit ("il y a 2 projets" is not one).
fn looks_like_a_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 5
        && words
            .first()
            .is_some_and(|w| w.starts_with(char::is_uppercase))
        && words.iter().all(|w| {
            w.starts_with(char::is_uppercase)
                || matches!(
                    fold(w).as_str(),
                    "de" | "du" | "des" | "la" | "le" | "les" | "sur" | "en"
                )
        })
        && !text.chars().any(|c| c.is_ascii_digit())
}

/// The text where status words and software are looked for: folded, the
/// apostrophes spaces ("l'intégration" → "l integration").
fn normal(text: &str) -> String {
    fold(text).replace(['\'', '’'], " ")
}

/// Where an item's status words are: (byte offset in the folded text,
/// word, status), in order; an "en cours" that follows another status word
/// closely is that one going on, not a status of its own.
fn status_words(text: &str) -> Vec<(usize, &'static str, UseStatus)> {
    let folded = normal(text);
    let mut hits: Vec<(usize, &'static str, UseStatus)> = STATUS_WORDS
        .iter()
        .flat_map(|(word, status)| {
            folded
                .match_indices(word)
                .map(move |(at, _)| (at, *word, *status))
        })
        .collect();
    hits.sort_by_key(|h| h.0);
    let ends: Vec<(usize, &str)> = hits.iter().map(|(at, w, _)| (at + w.len(), *w)).collect();
    hits.retain(|(at, word, _)| {
        *word != "en cours"
            || !ends
                .iter()
                .any(|(end, w)| *w != "en cours" && *end <= *at && at - end <= 10)
    });
    hits
}

/// The status of a software written at `at`: the last status word before
/// it, else the first after it, else production.
fn status_at(
    hits: &[(usize, &'static str, UseStatus)],
    at: usize,
) -> (UseStatus, Option<&'static str>) {
    let before = hits.iter().rev().find(|h| h.0 < at);
    let after = hits.iter().find(|h| h.0 >= at);
    match before.or(after) {
        Some((_, word, status)) => (*status, Some(*word)),
        None => (UseStatus::Production, None),
    }
}

/// The software an item names: (name, as written when it was a slip, as
/// written where it is first named).
fn software_in(text: &str, known: &[String]) -> Vec<(String, Option<String>, String)> {
    let mut found: Vec<(String, Option<String>, String)> = Vec::new();
    let mut add = |name: String, slip: Option<String>, written: String| {
        if !found
            .iter()
            .any(|(f, _, _)| software_key(f) == software_key(&name))
        {
            found.push((name, slip, written));
        }
    };
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '/' | '–' | ':'))
        .map(|w| w.trim_matches(|c: char| matches!(c, '.' | '«' | '»' | '"' | '\'')))
        .filter(|w| !w.is_empty())
        .collect();
    // Known names, over runs of one to three words.
    let mut i = 0;
    'words: while i < words.len() {
        for len in (1..=3.min(words.len() - i)).rev() {
            let key = software_key(&words[i..i + len].join(" "));
            if let Some(name) = known.iter().find(|k| software_key(k) == key) {
                add(name.clone(), None, words[i].to_string());
                i += len;
                continue 'words;
            }
        }
        i += 1;
    }
    // Quoted names: « koha », and « osc inventory … without its end.
    for quoted in text.split('«').skip(1) {
        let inside = quoted.split('»').next().unwrap_or("").trim();
        let words: Vec<&str> = inside.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        let closed = quoted.contains('»');
        let mut matched = None;
        for len in (1..=3.min(words.len())).rev() {
            let written = words[..len].join(" ");
            let key = software_key(&written);
            if let Some(name) = close_to(&key, known) {
                let slip = (software_key(&name) != key).then(|| written.clone());
                matched = Some((name, slip, words[0].to_string()));
                break;
            }
        }
        match matched {
            Some((name, slip, first)) => add(name, slip, first),
            // A closed quote of a few words is a name of its own.
            None if closed && words.len() <= 3 => {
                add(inside.to_string(), None, words[0].to_string())
            }
            None => {}
        }
    }
    found
}

/// The known name `key` is, or is a slip of (two letters swapped or
/// mistyped in a name of six letters or more).
fn close_to(key: &str, known: &[String]) -> Option<String> {
    if let Some(k) = known.iter().find(|k| software_key(k) == key) {
        return Some(k.clone());
    }
    if key.chars().count() < 6 {
        return None;
    }
    known
        .iter()
        .find(|k| crate::text::distance(key, &software_key(k), 2).is_some())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        COMMON_SOFTWARE.iter().map(|s| s.to_string()).collect()
    }

    fn orgs(s: &str) -> Option<String> {
        let key = crate::text::name_key(s);
        ["Ouest Provence", "Istres", "Vitrolles", "Berre", "Arles"]
            .iter()
            .find(|o| crate::text::name_key(o) == key)
            .map(|o| o.to_string())
    }

    /// Each item of the seed's section 1.2, with what it gives.
    #[test]
    fn the_items_of_the_seed() {
        let cases: &[(&str, &[(&str, UseStatus)])] = &[
            (
                "Projet de médiathèque libre « koha »: il est opérationnel depuis le 1er janvier 2007 et le développement d'un portail est en cours.",
                &[("Koha", UseStatus::Production)],
            ),
            ("une réflexion est en cours sur plonedeliberation", &[]),
            (
                "openelec est opérationnel pour les législatives",
                &[("OpenElec", UseStatus::Production)],
            ),
            ("des formations sur plone ont été faites", &[]),
            (
                "il est proposé une mutualisation des supports de formation sur openoffice",
                &[],
            ),
            (
                "Vitrolles a choisi SPIP comme CMS après avoir étudié les produits existants en collaboration avec Arles (Plone, Typo3, SPIP)",
                // Compared, not chosen: only SPIP is Vitrolles'.
                &[("SPIP", UseStatus::Production)],
            ),
            (
                "La migration sur openOffice est en cours",
                &[("OpenOffice", UseStatus::Projet)],
            ),
            (
                "Berre est équipé d'une messagerie libre : e-groupware – postfix",
                &[
                    ("e-groupware", UseStatus::Production),
                    ("Postfix", UseStatus::Production),
                ],
            ),
            (
                "Berre utilise le produit libre « osc inventory pour gérer son parc informatique",
                &[("OCS Inventory", UseStatus::Production)],
            ),
            (
                "La réflexion logiciel libre s'oriente vers l'intégration ; workflow et les logiciels clés du système d'information (Finances, Ressources humaines)",
                &[],
            ),
            ("gestion de la main courante", &[]),
            (
                "Berre a essayé de collaborer avec Chambourcy pour le produit d'affichage de résultat « gelec » mais n'a pas eu de retour sur les modifications proposées",
                &[],
            ),
        ];
        for (item, want) in cases {
            let lines = vec![(1, "- ISTRES".to_string()), (2, format!(" - {item}"))];
            let got: Vec<(String, UseStatus)> = read(&lines, &orgs, &known())
                .uses
                .into_iter()
                .map(|u| (u.software, u.status))
                .collect();
            let want: Vec<(String, UseStatus)> =
                want.iter().map(|(s, st)| (s.to_string(), *st)).collect();
            assert_eq!(got, want, "{item}");
        }
    }

    #[test]
    fn a_colon_line_is_an_organisation_only_if_it_looks_like_a_name() {
        let lines: Vec<(usize, String)> = [
            "- Port de Bouc :",
            " - « Koha » : opérationnel",
            "- BERRE",
            " - il y a 2 projets :",
            " - « SPIP » : opérationnel",
        ]
        .iter()
        .enumerate()
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect();
        let got: Vec<(String, String)> = read(&lines, &orgs, &known())
            .uses
            .into_iter()
            .map(|u| (u.organisation, u.software))
            .collect();
        assert_eq!(
            got,
            [
                ("Port de Bouc".to_string(), "Koha".to_string()),
                ("Berre".to_string(), "SPIP".to_string()),
            ]
        );
    }

    #[test]
    fn organisations_then_items_in_both_copies() {
        let original = [
            "- Ouest Provence:",
            " - Projet de médiathèque libre « koha »: il est opérationnel",
            "- BERRE",
            " - La migration sur openOffice est en cours",
            " - Berre utilise le produit libre « osc inventory pour gérer son parc",
        ];
        let pdf = [
            "− Ouest Provence:",
            "− Projet de médiathèque libre « koha »: il  est opérationnel depuis le 1er",
            "2007 et le développement",
            "− BERRE",
            "− La migration sur openOffice est en cours",
            "− Berre utilise le produit libre « osc inventory pour gérer son parc informatique",
        ];
        for copy in [&original[..], &pdf[..]] {
            let lines: Vec<(usize, String)> = copy
                .iter()
                .enumerate()
                .map(|(i, l)| (i + 1, l.to_string()))
                .collect();
            let read = read(&lines, &orgs, &known());
            let got: Vec<(&str, &str, UseStatus, Option<&str>)> = read
                .uses
                .iter()
                .map(|u| {
                    (
                        u.organisation.as_str(),
                        u.software.as_str(),
                        u.status,
                        u.note.as_deref(),
                    )
                })
                .collect();
            assert_eq!(
                got,
                [
                    ("Ouest Provence", "Koha", UseStatus::Production, None),
                    ("Berre", "OpenOffice", UseStatus::Projet, Some("migration")),
                    ("Berre", "OCS Inventory", UseStatus::Production, None),
                ]
            );
            assert_eq!(read.slips.len(), 1);
            assert_eq!(read.slips[0].1, "osc inventory");
        }
    }
}
