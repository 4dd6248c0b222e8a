//! The corpus of sentences greffier writes, and the real checkers that
//! read it: Grammalecte (Debian's `grammalecte-cli`) for French, hunspell
//! with Debian's en_US dictionary for English. docs/french.md says what is
//! checked, with which options, and what is masked.
//!
//! Two tests fill a corpus: the commands' (commands/tests/corpus.rs:
//! answers, mails, invitations, notices, the weekly letters, the compte
//! rendu) and the pages' and command line's (tests/integration/corpus.rs).
//! Both check it with [`check_french`] and [`check_english`] against the
//! reviewed lists of words beside this crate (`words.fr.txt`,
//! `words.en.txt`). Only for tests: nothing here is built into greffier.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use greffier_commands::{Action, Lang};

/// Grammalecte's typography options, off: the project's typography is
/// its own choice (docs/french.md). Grammar, agreement, elision,
/// conjugation and confusion rules stay on.
pub const GRAMMALECTE_OFF: &[&str] = &[
    "apos", "nbsp", "esp", "typo", "eepi", "unit", "num", "maj", "tu",
];

/// The sentences of one language, each line once, with where it was
/// first seen.
pub struct Corpus {
    pub lang: Lang,
    /// The command words, masked in the sentences ([`mask`]).
    vocabulary: BTreeSet<String>,
    lines: Vec<(String, String)>,
    seen: BTreeSet<String>,
}

impl Corpus {
    /// An empty corpus of `lang`, masking the command words of
    /// `vocabulary`.
    pub fn new(lang: Lang, vocabulary: BTreeSet<String>) -> Corpus {
        Corpus {
            lang,
            vocabulary,
            lines: Vec::new(),
            seen: BTreeSet::new(),
        }
    }

    /// The lines of `text`, said in answer to `source`, masked
    /// ([`mask`]), each kept once.
    pub fn add(&mut self, source: &str, text: &str) {
        for line in text.lines() {
            let line = mask(self.lang, line, &self.vocabulary);
            let line = line.trim();
            if line.chars().filter(|c| c.is_alphabetic()).count() < 2 {
                continue;
            }
            if self.seen.insert(line.to_string()) {
                self.lines.push((source.to_string(), line.to_string()));
            }
        }
    }

    /// What `actions` say to people: replies, posts, mails and their
    /// subjects, polls' questions and answers, invitations.
    pub fn actions(&mut self, source: &str, actions: &[Action]) {
        for action in actions {
            let value = serde_json::to_value(action).expect("an action as JSON");
            let mut texts = Vec::new();
            said(&value, &mut texts);
            for text in texts {
                // The compte rendu is written in French whatever the
                // bot's language (docs/french.md): its text (the only
                // one with Markdown headings) is read in French only.
                if self.lang == Lang::En && text.contains("\n## ") {
                    continue;
                }
                self.add(source, &text);
            }
        }
    }

    /// How many sentences it holds.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Writes the corpus (one sentence a line) in `dir/corpus/` (the
    /// test's `CARGO_TARGET_TMPDIR`), and the sources of each line in a
    /// second file: their paths.
    pub fn write(&self, dir: &Path, name: &str) -> (PathBuf, PathBuf) {
        let dir = dir.join("corpus");
        std::fs::create_dir_all(&dir).expect("the corpus folder");
        let text = dir.join(format!("{name}.txt"));
        let sources = dir.join(format!("{name}.sources.txt"));
        let mut body = String::new();
        let mut from = String::new();
        for (source, line) in &self.lines {
            body.push_str(line);
            body.push('\n');
            from.push_str(&format!("{source}\t{line}\n"));
        }
        std::fs::write(&text, body).expect("the corpus written");
        std::fs::write(&sources, from).expect("the sources written");
        (text, sources)
    }

    /// The line `n` (from 1) and where it came from.
    pub fn line(&self, n: usize) -> &(String, String) {
        &self.lines[n - 1]
    }
}

/// The strings a person reads in an action, found by their keys.
fn said(value: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("text" | "subject" | "question" | "place" | "title", Value::String(s)) => {
                        out.push(s.clone())
                    }
                    ("answers", Value::Array(items)) => {
                        out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_string)))
                    }
                    ("html", _) | ("png" | "image", _) => {}
                    _ => said(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| said(i, out)),
        _ => {}
    }
}

/// What is not prose is masked before the check: a command as typed
/// (`!organisation accepter`, `!groupe rejoindre|quitter`: the prefix and
/// the command words that follow it, `vocabulary`) becomes `!commande`,
/// and Matrix IDs, room IDs and aliases (`@member:example.test`), which the
/// checkers split into words, become a first name. Addresses, links and
/// placeholders (`<organisation>`) stay: Grammalecte reads them as such.
pub fn mask(lang: Lang, line: &str, vocabulary: &BTreeSet<String>) -> String {
    use std::sync::LazyLock;
    static MATRIX_ID: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"[@!#][\w.=-]+:[\w.-]+").expect("a mask"));
    static HASH: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\b[0-9a-f]{12,}\b").expect("a mask"));
    static QUOTED: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"«[^»]*»|“[^”]*”").expect("a mask"));
    let (command, hash, option, file) = match lang {
        Lang::Fr => ("!commande", "empreinte", "l'option", "le fichier"),
        Lang::En => ("!command", "fingerprint", "the option", "the file"),
    };
    let line = MATRIX_ID.replace_all(line, "Camille");
    let line = HASH.replace_all(&line, hash);
    // In English, what users typed (in French here) is quoted: masked.
    let line = match lang {
        Lang::Fr => line,
        Lang::En => QUOTED.replace_all(&line, "“Example”").into_owned().into(),
    };
    let is_word = |token: &str| {
        let bare = token.trim_end_matches([',', '.', ')', ':', ';']);
        !bare.is_empty()
            && bare
                .split('|')
                .all(|w| w == "…" || vocabulary.contains(&w.to_lowercase()))
    };
    let mut out: Vec<String> = Vec::new();
    let mut in_command = false;
    let tokens: Vec<&str> = line.split(' ').collect();
    for (i, token) in tokens.iter().copied().enumerate() {
        // "greffier export --csv groups": the command line, when a
        // command word follows.
        let next_is_word = tokens
            .get(i + 1)
            .is_some_and(|next| vocabulary.contains(&next.to_lowercase()));
        // "(!sondage resultats 1)": the command inside its parenthesis.
        let opened = token.len() - token.trim_start_matches(['(', '«', '“']).len();
        let (before, bare) = token.split_at(opened);
        let starts_command =
            (bare.starts_with('!') && bare.len() > 1) || (bare == "greffier" && next_is_word);
        if starts_command {
            in_command = true;
            out.push(format!("{before}{}", masked(bare, command)));
        } else if bare.starts_with("--") && bare.len() > 2 {
            // An option of the command line, `--apply` (its value, a
            // command word, is masked with it: `--csv groups`).
            out.push(format!("{before}{}", masked(bare, option)));
        } else if bare.starts_with('/') && bare[1..].contains('/') {
            // A path, `/var/lib/greffier/cr.md`.
            in_command = false;
            out.push(format!("{before}{}", masked(bare, file)));
        } else if in_command && is_word(token) {
            let last = out.pop().unwrap_or_default();
            out.push(format!(
                "{}{}",
                last.trim_end_matches([',', '.', ')', ':', ';']),
                &token[token.trim_end_matches([',', '.', ')', ':', ';']).len()..]
            ));
        } else {
            in_command = false;
            out.push(token.to_string());
        }
    }
    out.join(" ")
}

/// `!aide`, `!groupe,` → `!commande`, `!commande,`.
fn masked(token: &str, command: &str) -> String {
    let bare = token.trim_end_matches([',', '.', ')', ':', ';']);
    format!("{command}{}", &token[bare.len()..])
}

/// The project's own rules for French (docs/french.md), which no checker
/// knows: no "(s)" or "(e)", dates in words and times as "9 h 30" (an ISO
/// date or "09:30" only inside « quotes », what a user typed), and French
/// words for "email", "digest" and "slug". What `line` breaks.
pub fn house_rules(line: &str) -> Vec<&'static str> {
    use std::sync::LazyLock;
    static RULES: LazyLock<Vec<(regex::Regex, &'static str)>> = LazyLock::new(|| {
        [
            (
                r"\((s|e|es|x|ies)\)",
                "a number or a gender left open: « (s) », « (e) »",
            ),
            (
                r"\b\d{4}-\d{2}-\d{2}\b",
                "an ISO date in a sentence: a date in words",
            ),
            (r"\b\d{1,2}:\d{2}\b", "a time as « 09:30 »: « 9 h 30 »"),
            (
                r"(?i)\be-?mails?\b",
                "« email »: « courriel », « adresse électronique »",
            ),
            (r"(?i)\bdigests?\b", "« digest »: « lettre hebdomadaire »"),
            (r"(?i)\bslugs?\b", "« slug »: « nom court »"),
        ]
        .into_iter()
        .map(|(re, why)| (regex::Regex::new(re).expect("a rule"), why))
        .collect()
    });
    static QUOTED: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#"«[^»]*»|“[^”]*”|"[^"]*""#).expect("quotes"));
    let prose = QUOTED.replace_all(line, "« »");
    RULES
        .iter()
        .filter(|(re, _)| re.is_match(&prose))
        .map(|(_, why)| *why)
        .collect()
}

/// One thing a checker found.
#[derive(Debug)]
pub struct Finding {
    /// The line, from 1.
    pub line: usize,
    pub rule: String,
    pub message: String,
    pub underlined: String,
}

/// Grammalecte's grammar errors in `file`, each line checked alone, and
/// the words its dictionary does not know.
pub fn grammalecte(file: &Path) -> (Vec<Finding>, Vec<(usize, String)>) {
    let mut cmd = Command::new("grammalecte-cli");
    cmd.arg("-f").arg(file).args(["-j", "-ctx", "-off"]);
    cmd.args(GRAMMALECTE_OFF);
    let out = cmd
        .output()
        .expect("grammalecte-cli, Debian's grammalecte-cli package (scripts/test installs it)");
    assert!(
        out.status.success(),
        "grammalecte-cli failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("grammalecte's JSON");
    let mut grammar = Vec::new();
    let mut spelling = Vec::new();
    for paragraph in json["data"].as_array().expect("data") {
        let line = paragraph["iParagraph"].as_u64().expect("a paragraph") as usize;
        for e in paragraph["lGrammarErrors"].as_array().expect("errors") {
            grammar.push(Finding {
                line,
                rule: e["sRuleId"].as_str().unwrap_or_default().into(),
                message: e["sMessage"].as_str().unwrap_or_default().into(),
                underlined: e["sUnderlined"].as_str().unwrap_or_default().into(),
            });
        }
        for e in paragraph["lSpellingErrors"].as_array().expect("spelling") {
            spelling.push((line, e["sValue"].as_str().unwrap_or_default().into()));
        }
    }
    (grammar, spelling)
}

/// The words of `file` that hunspell's en_US dictionary does not know,
/// British spellings accepted ("organisation", "catalogue": greffier's
/// English is British, docs/french.md).
pub fn hunspell(file: &Path) -> BTreeSet<String> {
    let out = Command::new("hunspell")
        .args(["-d", "en_US,en_GB", "-l"])
        .arg(file)
        .output()
        .expect("hunspell with hunspell-en-us (scripts/test installs them)");
    assert!(
        out.status.success(),
        "hunspell failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The reviewed words (proper names, greffier's own words) a dictionary
/// does not know: one a line, `#` comments.
pub fn known_words(list: &str) -> BTreeSet<String> {
    list.lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// The reviewed French words Grammalecte's dictionary does not know.
pub const KNOWN_FR: &str = include_str!("../words.fr.txt");
/// The reviewed English words hunspell's dictionaries do not know.
pub const KNOWN_EN: &str = include_str!("../words.en.txt");

/// Checks the French corpus `c` (written as `name` in `dir`) with
/// Grammalecte, the reviewed words and the house rules; prints every line
/// read, with its count, and panics with a report naming each finding,
/// its line and where the line came from.
pub fn check_french(c: &Corpus, dir: &Path, name: &str) {
    assert_eq!(c.lang, Lang::Fr, "a French corpus");
    let (file, sources) = c.write(dir, name);
    let (grammar, spelling) = grammalecte(&file);
    let known = known_words(KNOWN_FR);
    let unknown: Vec<_> = spelling
        .iter()
        .filter(|(_, w)| !known.contains(w))
        .collect();
    print_read(c, "Grammalecte", &file, &sources);
    let mut report = String::new();
    for f in &grammar {
        let (source, line) = c.line(f.line);
        report.push_str(&format!(
            "\n[{}] « {} » — {} ({})\n    in: {line}\n    from: {source}",
            f.rule, f.underlined, f.message, f.line
        ));
    }
    let mut broken = 0;
    for n in 1..=c.len() {
        let (source, line) = c.line(n);
        for why in house_rules(line) {
            broken += 1;
            report.push_str(&format!(
                "\n[house rule] {why}\n    in: {line}\n    from: {source}"
            ));
        }
    }
    for (n, word) in &unknown {
        let (source, line) = c.line(*n);
        report.push_str(&format!(
            "\n[unknown word] « {word} »\n    in: {line}\n    from: {source}"
        ));
    }
    assert!(
        grammar.is_empty() && unknown.is_empty() && broken == 0,
        "{} grammar errors, {broken} house rules broken, {} unknown words:{report}",
        grammar.len(),
        unknown.len()
    );
}

/// Checks the English corpus `c` with hunspell and the reviewed words;
/// prints every line read, with its count.
pub fn check_english(c: &Corpus, dir: &Path, name: &str) {
    assert_eq!(c.lang, Lang::En, "an English corpus");
    let (file, sources) = c.write(dir, name);
    let known = known_words(KNOWN_EN);
    print_read(c, "hunspell", &file, &sources);
    let unknown: Vec<(String, Vec<&str>)> = hunspell(&file)
        .into_iter()
        .filter(|w| !known.contains(w))
        .map(|w| {
            let from = (1..=c.len())
                .map(|n| c.line(n))
                .filter(|(_, line)| line.contains(w.as_str()))
                .map(|(source, _)| source.as_str())
                .take(3)
                .collect();
            (w, from)
        })
        .collect();
    assert!(
        unknown.is_empty(),
        "unknown words (and where they came from): {unknown:#?}"
    );
}

/// The count and the list of the sentences a checker read, in the test's
/// output (scripts/test shows it: the corpus tests run with --nocapture).
fn print_read(c: &Corpus, checker: &str, file: &Path, sources: &Path) {
    println!(
        "{checker} read {} sentences in {} ({}; where each came from: {}):",
        c.len(),
        match c.lang {
            Lang::Fr => "French",
            Lang::En => "English",
        },
        file.display(),
        sources.display()
    );
    for n in 1..=c.len() {
        println!("  {n:>4}  {}", c.line(n).1);
    }
}

/// The command words of `!aide`'s list (its lines "• !groupe
/// rejoindre|quitter <groupe> — …"): what a corpus masks.
pub fn vocabulary_from_help(help: &str, words: &mut BTreeSet<String>) {
    for usage in help.lines().filter_map(|l| l.strip_prefix("• ")) {
        for token in usage.split_whitespace() {
            if token.starts_with(['<', '[', '«', '—', '"', '“']) {
                break;
            }
            for word in token.trim_start_matches('!').split('|') {
                words.insert(word.to_lowercase());
            }
        }
    }
}

/// The text of an HTML page, one line per block (a paragraph, a cell, a
/// list item: what a reader sees, not the markup; links and emphasis stay
/// in their sentence): `<head>`, `<script>`, `<style>`
/// and `<svg>` left out, the usual entities decoded.
pub fn html_text(html: &str) -> String {
    use std::sync::LazyLock;
    static SKIPPED: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"(?s)<head.*?</head>|<script.*?</script>|<style.*?</style>|<svg.*?</svg>",
        )
        .expect("a pattern")
    });
    // Inline elements stay inside their sentence; any other tag ends one.
    static INLINE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?s)</?(a|strong|em|code|span|abbr|b|i|time)\b[^>]*>")
            .expect("a pattern")
    });
    static TAG: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"(?s)<[^>]*>").expect("a pattern"));
    // Two links side by side (a menu) are two words, not one.
    static ABUTTING: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(</(a|strong|em|code|span|abbr|b|i|time)>)(<)").expect("a pattern")
    });
    let body = SKIPPED.replace_all(html, "\n");
    let body = ABUTTING.replace_all(&body, "$1 $3");
    let body = INLINE.replace_all(&body, "");
    let text = TAG.replace_all(&body, "\n");
    let mut out = String::new();
    for line in text.lines() {
        let line = line
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&nbsp;", " ")
            .replace("&amp;", "&");
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !line.is_empty() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}
