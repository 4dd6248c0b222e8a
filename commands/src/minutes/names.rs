//! Names as the minutes write them: organisations in capitals, people
//! with their organisation after their name, partners whose name has
//! several words.

/// Multi-word names of partners that appear in "villes" cells and nowhere
/// else in the minutes: without them "Generale Infographie" would read as
/// two organisations.
pub const KNOWN_NAMES: &[&str] = &["Generale Infographie", "Ouest Provence"];

/// "CHATEAUNEUF LES MARTIGUES" → "Chateauneuf les Martigues"; mixed-case
/// spellings are kept as written.
pub fn display_name(s: &str) -> String {
    if s.chars().any(char::is_lowercase) {
        return s.to_string();
    }
    s.split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i > 0
                && matches!(
                    lower.as_str(),
                    "les" | "de" | "du" | "la" | "sur" | "en" | "des"
                )
            {
                lower
            } else if w.contains('.') {
                w.to_string()
            } else {
                let mut c = lower.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Laurence OLIVIER GARDANNE" → ("Laurence OLIVIER", "GARDANNE"): first
/// names (and initials) up to the first name in capitals, then the rest.
pub fn split_excused(text: &str) -> Option<(String, String)> {
    if let Some((person, org)) = text.rsplit_once(',') {
        let (person, org) = (person.trim(), org.trim());
        return (!person.is_empty() && !org.is_empty())
            .then(|| (person.to_string(), org.to_string()));
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let is_initial = |w: &str| w.len() <= 3 && w.ends_with('.');
    let is_caps =
        |w: &str| w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase);
    let surname = words
        .iter()
        .enumerate()
        .position(|(i, w)| i > 0 && is_caps(w) && !is_initial(w))?;
    let person = words[..=surname].join(" ");
    let org = words[surname + 1..].join(" ");
    (!org.is_empty()).then_some((person, org))
}
