//! Text helpers shared by the parser and the lookups: accent folding, keys for
//! names, tokenizing with both quote styles, and closest-name suggestions.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The months in French, folded ([`fold`]: no accents), January first.
pub const FRENCH_MONTHS: [&str; 12] = [
    "janvier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "decembre",
];

/// Lower case without accents: "Présent" → "present", "Œuvre" → "oeuvre".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Keyword form: folded, with hyphens and inner spaces dropped, so that
/// `!Peut-être`, `!peutetre` and `!PEUT ETRE` all read `peutetre`.
pub fn keyword(s: &str) -> String {
    fold(s).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The key two names of an organisation or a theme are compared by: folded,
/// punctuation and hyphens as spaces, single spaces, "st"/"ste" read as
/// "saint"/"sainte". "Châteauneuf-les-Martigues" and "CHATEAUNEUF LES
/// MARTIGUES" have the same key; so have "St Martin de Crau" and "Saint
/// Martin de Crau".
pub fn name_key(s: &str) -> String {
    let folded: String = fold(s)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded
        .split_whitespace()
        .map(|w| match w {
            "st" => "saint",
            "ste" => "sainte",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How software names compare: as [`name_key`], without spaces and
/// without a trailing "org" ("OpenOffice" = "Open Office" =
/// "openoffice.org").
pub fn software_key(s: &str) -> String {
    let key = name_key(s);
    let key = match key.strip_suffix(" org") {
        Some(k) if !k.is_empty() => k,
        _ => key.as_str(),
    };
    key.replace(' ', "")
}

/// One argument of a command line: a bare word or a quoted string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub quoted: bool,
}

/// Joins tokens with spaces (a lone quoted token is its text).
pub fn join(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why a line could not be cut into tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    /// An opening quote (`"`, `«` or `“`) without its closing one.
    Unbalanced(char),
}

/// A command line without what nobody types on purpose and what could
/// mislead a reader later (in a digest, in minutes, in a terminal):
/// control characters (a tab becomes a space) and the bidirectional
/// overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make text
/// display in another order than it is stored.
pub fn clean(line: &str) -> String {
    line.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// Splits a line into words and quoted strings. Quotes are `"…"`, `«…»`
/// (the spaces French typography puts inside are trimmed) and `“…”`.
pub fn tokenize(line: &str) -> Result<Vec<Token>, TokenError> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let close = match c {
            '"' => Some('"'),
            '«' => Some('»'),
            '“' => Some('”'),
            _ => None,
        };
        if let Some(close) = close {
            chars.next();
            let mut text = String::new();
            let mut closed = false;
            for c in chars.by_ref() {
                if c == close {
                    closed = true;
                    break;
                }
                text.push(c);
            }
            if !closed {
                return Err(TokenError::Unbalanced(c));
            }
            tokens.push(Token {
                text: text.trim().to_string(),
                quoted: true,
            });
        } else {
            let mut text = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' || c == '«' || c == '“' {
                    break;
                }
                text.push(c);
                chars.next();
            }
            tokens.push(Token {
                text,
                quoted: false,
            });
        }
    }
    Ok(tokens)
}

/// Levenshtein distance over chars, with an early exit past `limit`.
pub fn distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    // Edits of one character, and two neighbours swapped ("koah" for
    // "koha") counted as one (the optimal string alignment distance).
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    let mut prev_min = 0;
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut d = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                d = d.min(before[j - 1] + 1);
            }
            cur[j + 1] = d;
            row_min = row_min.min(d);
        }
        // A later row can only grow from this one or the one before.
        if row_min > limit && prev_min > limit {
            return None;
        }
        prev_min = row_min;
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[b.len()];
    (d <= limit).then_some(d)
}

/// The candidates closest to `wanted` (compared by [`name_key`]), best first,
/// at most three, each given as its display form. A candidate is a pair
/// (key to compare, display form); a display form is listed once.
pub fn closest<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = (String, &'a str)>,
) -> Vec<String> {
    let wanted = name_key(wanted);
    let limit = (wanted.chars().count() / 3).clamp(1, 3);
    let mut scored: Vec<(usize, &str)> = Vec::new();
    for (key, display) in candidates {
        let close = distance(&wanted, &key, limit).or_else(|| {
            // A prefix typed in full ("ouest" for "Ouest Provence") is a
            // hint, and so is a whole word of the name ("aix" for "Mairie
            // AIX" and "C.A. Aix").
            let word = wanted.chars().count() >= 3 && key.split(' ').any(|w| w == wanted);
            ((wanted.len() >= 4 && key.starts_with(&wanted)) || word).then_some(limit + 1)
        });
        if let Some(d) = close {
            scored.push((d, display));
        }
    }
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    let mut out: Vec<String> = Vec::new();
    for (_, display) in scored {
        if !out.iter().any(|d| d == display) {
            out.push(display.to_string());
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

/// A text shown inside a line (a roster, a confirmation): its lines joined
/// by spaces. What is stored keeps them.
pub fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Truncates a user-provided text for echoing it back in a reply.
pub fn excerpt(s: &str, max_chars: usize) -> String {
    let mut out: String = s.chars().take(max_chars).collect();
    if s.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

/// What is read of a body as an answer (an RSVP, a vote): the first
/// [`ANSWER_MAX_LINES`] non-blank lines of its new text, [`ANSWER_MAX_BYTES`]
/// in all, taken from the first [`ANSWER_SCAN_BYTES`] of the body. A person
/// answers in a few lines; reading more only gives a hostile mail room to
/// make the classifiers slow (issue 34, case 2: a 16 KB line once took 47 s).
pub const ANSWER_MAX_LINES: usize = 40;
pub const ANSWER_MAX_BYTES: usize = 4096;
pub const ANSWER_SCAN_BYTES: usize = 64 * 1024;

/// The lines of `body` read as an answer (see [`ANSWER_MAX_LINES`]), the
/// last one cut at a character boundary when the bytes run out.
pub fn answer_lines(body: &str) -> Vec<&str> {
    let scanned = prefix(body, ANSWER_SCAN_BYTES);
    let mut out = Vec::new();
    let mut left = ANSWER_MAX_BYTES;
    for line in new_text(scanned) {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if out.len() == ANSWER_MAX_LINES || left == 0 {
            break;
        }
        let kept = prefix(line, left);
        left -= kept.len();
        out.push(kept);
    }
    out
}

/// [`answer_lines`] as one text.
pub fn answer_text(body: &str) -> String {
    answer_lines(body).join("\n")
}

/// The longest start of `s` of at most `max` bytes that ends at a
/// character boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The lines the sender wrote in this mail: no quotes, no quoted original,
/// no signature.
pub fn new_text(body: &str) -> Vec<&str> {
    let lines: Vec<&str> = body.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t == "--" || line.trim_end_matches('\r') == "-- " {
            break;
        }
        if starts_quoted_original(&lines, i) {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        out.push(*line);
    }
    out
}

/// Does the quoted original start at line `i`?
fn starts_quoted_original(lines: &[&str], i: usize) -> bool {
    let t = lines[i].trim();
    let lower = t.to_lowercase();
    if lower.starts_with("-----original message")
        || lower.starts_with("-----message d'origine")
        || lower.starts_with("-------- message original")
        || lower.starts_with("-------- original message")
        || lower.starts_with("---------- forwarded message")
    {
        return true;
    }
    // "Le lun. 3 sept. 2007 à 10:00, Jean <j@x> a écrit :", maybe wrapped
    // over two lines; "On Mon, Sep 3, 2007 at 10:00 AM Jean <j@x> wrote:".
    let with_next = match lines.get(i + 1) {
        Some(next) => format!("{lower} {}", next.trim().to_lowercase()),
        None => lower.clone(),
    };
    let ends_intro = |s: &str| {
        let s = s.trim_end();
        s.ends_with("a écrit :") || s.ends_with("a écrit:") || s.ends_with("wrote:")
    };
    if (lower.starts_with("le ") || lower.starts_with("on "))
        && (ends_intro(&lower) || ends_intro(&with_next))
    {
        return true;
    }
    // Outlook: "De : …" then, within a few lines, "Envoyé : …" / "Sent: …".
    let is_field = |s: &str, names: &[&str]| {
        let s = s.trim().trim_start_matches('*').to_lowercase();
        names.iter().any(|n| {
            s.strip_prefix(n)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
    };
    if is_field(t, &["de", "from"]) {
        return lines[i + 1..]
            .iter()
            .take(4)
            .any(|l| is_field(l, &["envoyé", "sent", "date"]));
    }
    false
}

pub use greffier_document::escape_html;

/// Plain text as HTML: escaped, line breaks kept.
pub fn html_lines(text: &str) -> String {
    escape_html(text).replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An answer is read from its first lines only, however long the mail
    /// (issue 34, case 2).
    #[test]
    fn an_answer_is_its_first_lines_and_a_few_kilobytes() {
        let many: String = (0..100).map(|i| format!("ligne {i}\n\n")).collect();
        let lines = answer_lines(&many);
        assert_eq!(lines.len(), ANSWER_MAX_LINES);
        assert_eq!(lines[0], "ligne 0");
        assert_eq!(lines[39], "ligne 39");

        let one_word = "é".repeat(5 * 1024 * 1024);
        let lines = answer_lines(&one_word);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].len(), ANSWER_MAX_BYTES);

        // What comes after the quoted original is not read; what comes
        // past the scanned bytes neither.
        let quoted = "Excusé\n\nLe 3 sept. 2007, Jean a écrit :\n> Présent ?\n";
        assert_eq!(answer_text(quoted), "Excusé");
        let late = format!("{}\nPrésent", " \n".repeat(ANSWER_SCAN_BYTES / 2));
        assert!(answer_lines(&late).is_empty());
    }

    #[test]
    fn software_names_compare_without_spaces_or_dot_org() {
        for name in ["OpenOffice", "Open Office", "openoffice.org", "OPEN-OFFICE"] {
            assert_eq!(software_key(name), "openoffice", "{name}");
        }
        assert_eq!(software_key("OCS Inventory"), "ocsinventory");
        assert_eq!(software_key("e-groupware"), "egroupware");
    }

    #[test]
    fn fold_drops_accents_and_case() {
        for (input, want) in [
            ("Présent", "present"),
            ("EXCUSÉ", "excuse"),
            ("Châteauneuf", "chateauneuf"),
            ("Œuvre", "oeuvre"),
            ("déjà", "deja"),
        ] {
            assert_eq!(fold(input), want, "{input}");
        }
    }

    #[test]
    fn keyword_ignores_hyphens() {
        assert_eq!(keyword("Peut-Être"), "peutetre");
        assert_eq!(keyword("RÉUNION"), "reunion");
    }

    #[test]
    fn name_key_matches_spelling_variants() {
        let same = [
            ("Chateauneuf les Martigues", "Châteauneuf-les-Martigues"),
            ("CHATEAUNEUF LES MARTIGUES", "chateauneuf  les martigues"),
            ("St Martin de Crau", "SAINT MARTIN DE CRAU"),
            ("Ouest Provence", "ouest-provence"),
        ];
        for (a, b) in same {
            assert_eq!(name_key(a), name_key(b), "{a} / {b}");
        }
        assert_ne!(name_key("Martigues"), name_key("Chateauneuf les Martigues"));
    }

    #[test]
    fn tokenize_both_quote_styles() {
        let t =
            tokenize(r#"proposer courrier "Gestion du courrier" « Présentation openCourrier »"#)
                .expect("balanced");
        let texts: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "proposer",
                "courrier",
                "Gestion du courrier",
                "Présentation openCourrier"
            ]
        );
        assert!(!t[0].quoted && t[2].quoted && t[3].quoted);
    }

    #[test]
    fn tokenize_refuses_unbalanced_quotes() {
        assert_eq!(tokenize(r#"a "b c"#), Err(TokenError::Unbalanced('"')));
        assert_eq!(tokenize("a « b c"), Err(TokenError::Unbalanced('«')));
    }

    #[test]
    fn distance_with_limit() {
        assert_eq!(distance("mesagerie", "messagerie", 2), Some(1));
        assert_eq!(distance("abc", "xyz", 2), None);
        assert_eq!(distance("", "ab", 2), Some(2));
        assert_eq!(distance("koah", "koha", 1), Some(1));
        assert_eq!(distance("ab", "ba", 1), Some(1));
        assert_eq!(distance("abcdef", "abcdfe", 1), Some(1));
    }

    #[test]
    fn closest_orders_by_distance() {
        let c = closest(
            "mesagerie",
            [
                ("messagerie".to_string(), "messagerie"),
                ("courrier".to_string(), "courrier"),
            ],
        );
        assert_eq!(c, ["messagerie"]);
    }

    #[test]
    fn excerpt_marks_cut_text() {
        assert_eq!(excerpt("abcdef", 3), "abc…");
        assert_eq!(excerpt("abc", 3), "abc");
    }

    #[test]
    fn quotes_and_signatures_are_not_new_text() {
        let body = "!aide\n\n> !groupe liste\nLe lun. 3 sept. 2007 à 10:00, Jean <j@x> a\nécrit :\n> !groupe quitter x\n";
        assert_eq!(new_text(body), ["!aide", ""]);
        let body = "!aide\n-- \nJean\n!groupe liste";
        assert_eq!(new_text(body), ["!aide"]);
        let body = "!aide\nDe : Jean\nEnvoyé : lundi\n!groupe liste";
        assert_eq!(new_text(body), ["!aide"]);
        let body = "De : ma part, merci\n!aide";
        assert_eq!(new_text(body), ["De : ma part, merci", "!aide"]);
    }

    #[test]
    fn clean_drops_controls_and_bidi_overrides() {
        assert_eq!(
            clean("info \u{1b}[31mmessagerie\u{7}\u{0}"),
            "info [31mmessagerie"
        );
        assert_eq!(clean("« \u{202e}gnp.exe\u{202c} »\tx"), "« gnp.exe » x");
        assert_eq!(
            clean("Châteauneuf-lès-Martigues ✅"),
            "Châteauneuf-lès-Martigues ✅"
        );
    }
}
