//! The corpus of sentences greffier writes, and the real checkers that
//! read it: Grammalecte (Debian's `grammalecte-cli`) for French, hunspell
//! with Debian's en_US dictionary for English. docs/french.md says what is
//! checked, with which options, and what is masked.

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

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Writes the corpus (one sentence a line) beside the test's build,
    /// and the sources of each line in a second file: their paths.
    pub fn write(&self, name: &str) -> (PathBuf, PathBuf) {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus");
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
    let (command, hash) = match lang {
        Lang::Fr => ("!commande", "empreinte"),
        Lang::En => ("!command", "fingerprint"),
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
    for token in line.split(' ') {
        if token.starts_with('!') && token.len() > 1 {
            in_command = true;
            out.push(masked(token, command));
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
