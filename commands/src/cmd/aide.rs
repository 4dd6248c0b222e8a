//! `!aide [commande]` — the list of commands, or the usage of one.

use super::TABLE;
use crate::exec::{Exec, Outcome};
use crate::parse::{self, Args, Kind, ParseErrorKind, Usage};
use crate::text;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!aide [commande]",
    en: "!help [command]",
    help_fr: "la liste des commandes, ou l'usage de l'une d'elles",
    help_en: "the list of commands, or the usage of one",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aide {
    pub topic: Option<String>,
}

impl Aide {
    pub fn parse(args: &mut Args) -> Result<Aide, ParseErrorKind> {
        let topic = if args.is_empty() {
            None
        } else {
            Some(args.rest(crate::parse::Arg::Subcommand)?)
        };
        Ok(Aide { topic })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let prefix = ex.prefix().to_string();
        let line = |u: &Usage| format!("{} — {}", u.line(lang, &prefix), u.help(lang));
        let Some(topic) = self.topic else {
            let mut out = tr!(lang, "Commandes de greffier :", "greffier's commands:");
            for u in parse::usages() {
                out.push_str("\n• ");
                out.push_str(&line(u));
            }
            return Ok(out);
        };
        // "groupe", "rejoindre", "!groupe rejoindre", "join", "oui": every
        // command whose words (the family's and its own, any alias) include
        // all the topic's words.
        let wanted: Vec<String> = topic
            .split_whitespace()
            .map(|w| text::keyword(w.trim_start_matches(prefix.as_str())))
            .filter(|w| !w.is_empty())
            .collect();
        // A word of the command, or one its usage line writes as it is
        // typed ("creer" in "!groupe salon creer <groupe>").
        let matches = |words: &[&[&str]], usage: &Usage| {
            let typed = literal_words(usage);
            wanted
                .iter()
                .all(|w| words.iter().any(|ws| ws.contains(&w.as_str())) || typed.contains(w))
        };
        let mut found: Vec<String> = Vec::new();
        for entry in TABLE {
            match &entry.kind {
                Kind::One { usage, .. } => {
                    if matches(&[entry.words], usage) {
                        found.push(line(usage));
                    }
                }
                Kind::Family { usage, bare, subs } => {
                    if bare.is_some() && matches(&[entry.words], usage) {
                        found.push(line(usage));
                    }
                    for sub in subs.iter() {
                        if matches(&[entry.words, sub.words], sub.usage(None)) {
                            found.push(line(sub.usage(None)));
                        }
                    }
                }
            }
        }
        if found.is_empty() {
            let topic = text::excerpt(&topic, 40);
            return ex.refuse(tr!(
                lang,
                "Pas d'aide pour « {topic} » — tapez {prefix}aide pour la liste des commandes.",
                "No help for “{topic}” — type {prefix}help for the list of commands."
            ));
        }
        Ok(found.join("\n"))
    }
}

/// The words a usage line writes as they are typed, in both languages:
/// "!groupe salon creer <groupe>" → groupe, salon, creer (not the
/// placeholders, not the options' values).
fn literal_words(usage: &Usage) -> Vec<String> {
    let mut out = Vec::new();
    for line in [usage.fr, usage.en] {
        for token in line.split_whitespace() {
            if token.starts_with(['<', '[', '"', '“', '«']) {
                break;
            }
            out.extend(
                token
                    .trim_start_matches('!')
                    .split('|')
                    .map(text::keyword)
                    .filter(|w| !w.is_empty()),
            );
        }
    }
    out
}
