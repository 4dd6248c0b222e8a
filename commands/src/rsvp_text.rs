//! The free-text answer to an invitation, in French or English: present,
//! excused (with the rest of the sentence as the reason), tentative — or
//! nothing, when the text says none of these clearly.
//!
//! Only the new text counts ([`crate::text::new_text`]: no quotes, no quoted
//! invitation, no signature). Accents and case do not matter. Negations are
//! looked for first: "je ne serai pas présent" is excused, not present.

use crate::cmd::rsvp::Answer;
use crate::text::{answer_lines, fold};

/// What the text says, and the reason for an excuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub answer: Answer,
    pub reason: Option<String>,
}

/// Phrases that excuse the sender, negations of presence first.
const EXCUSED: &[&str] = &[
    "ne serai pas present",
    "ne serai malheureusement pas present",
    "ne serais pas present",
    "ne pourrai pas",
    "ne pourrai malheureusement pas",
    "ne pourrais pas",
    "ne peux pas",
    "ne vais pas pouvoir",
    "ne viendrai pas",
    "ne serai pas la",
    "ne serai pas des votres",
    "ne participerai pas",
    "ne pourrons pas",
    "ne serons pas",
    "pas present",
    "pas dispo",
    "serai absent",
    "absent",
    "excuse",
    "empeche",
    "indisponible",
    "sans moi",
    "can't make it",
    "cannot make it",
    "can not make it",
    "can't attend",
    "cannot attend",
    "can not attend",
    "won't be able",
    "will not be able",
    "unable to attend",
    "won't attend",
    "will not attend",
    "won't be there",
    "will not be there",
    "not be attending",
    "not attending",
    "not available",
    "apologies",
    "regrets",
    "i decline",
];

const TENTATIVE: &[&str] = &[
    "peut-etre",
    "peut etre",
    "peutetre",
    "pas sur de pouvoir",
    "pas certain",
    "pas certaine",
    "je ne sais pas encore",
    "ne sais pas si",
    "sous reserve",
    "a confirmer",
    "maybe",
    "tentative",
    "not sure",
    "might",
];

const PRESENT: &[&str] = &[
    "present",
    "je serai la",
    "je viendrai",
    "nous viendrons",
    "ok pour moi",
    "c'est ok",
    "je participerai",
    "nous participerons",
    "j'y serai",
    "je confirme ma presence",
    "je confirme ma participation",
    "je confirme",
    "avec plaisir",
    "volontiers",
    "compte sur moi",
    "comptez sur moi",
    "comptez sur nous",
    "i'll be there",
    "i will be there",
    "i'll attend",
    "i will attend",
    "will attend",
    "count me in",
    "see you there",
    "i accept",
];

/// Short answers that are the whole line.
const LONE_PRESENT: &[&str] = &[
    "oui", "ok", "yes", "present", "presente", "d'accord", "accepte",
];
const LONE_EXCUSED: &[&str] = &["non", "no", "excuse", "excusee", "absent", "absente"];

/// Words that start a reason and are not part of it.
const CONNECTORS: &[&str] = &[
    "car ",
    "parce que ",
    "puisque ",
    "because ",
    "as ",
    "since ",
    "due to ",
];

/// Lines that close a mail: never a reason.
const CLOSINGS: &[&str] = &[
    "cordialement",
    "bien cordialement",
    "merci",
    "bonne journee",
    "bonne soiree",
    "a bientot",
    "salutations",
    "regards",
    "best",
    "thanks",
    "thank you",
    "cheers",
    "bien a vous",
];

/// Folds a line char by char, so that positions in the folded line are
/// positions in the original (accents dropped, case lowered, typographic
/// apostrophes made plain).
fn fold_chars(line: &str) -> (Vec<char>, Vec<char>) {
    let original: Vec<char> = line.chars().collect();
    let folded = original
        .iter()
        .map(|c| match c {
            '’' | '‘' | '`' => '\'',
            c => fold(&c.to_string()).chars().next().unwrap_or(' '),
        })
        .collect();
    (original, folded)
}

/// Where `phrase` occurs in `hay` as whole words: (start, end) in chars.
/// Linear in `hay` for a given phrase: the run of letters after a match is
/// read only where the phrase matched at the start of a word, and runs of
/// letters do not overlap (a scan of that run at every position made a
/// line of 16 000 letters take 47 s: issue 34, case 2).
fn find(hay: &[char], phrase: &str) -> Option<(usize, usize)> {
    let needle: Vec<char> = phrase.chars().collect();
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    // "present" also matches "presente", "presents", "presentes".
    let inflects =
        phrase.ends_with("present") || phrase.ends_with("excuse") || phrase.ends_with("absent");
    (0..=hay.len() - needle.len()).find_map(|i| {
        let end = i + needle.len();
        if hay[i..end] != needle[..] || (i > 0 && hay[i - 1].is_alphanumeric()) {
            return None;
        }
        let after_ok = end == hay.len()
            || !hay[end].is_alphanumeric()
            || inflects
                && hay[end..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric())
                    .all(|c| matches!(c, 'e' | 's'));
        after_ok.then_some((i, end))
    })
}

pub fn classify(body: &str) -> Option<Classified> {
    let lines = answer_lines(body);
    for (n, line) in lines.iter().enumerate() {
        let (original, folded) = fold_chars(line);
        let whole: String = folded
            .iter()
            .collect::<String>()
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_string();
        if LONE_EXCUSED.contains(&whole.as_str()) {
            return Some(Classified {
                answer: Answer::Excused,
                reason: next_reason(&lines[n + 1..]),
            });
        }
        if LONE_PRESENT.contains(&whole.as_str()) {
            return Some(Classified {
                answer: Answer::Present,
                reason: None,
            });
        }
        if let Some((_, end)) = EXCUSED.iter().find_map(|p| find(&folded, p)) {
            let rest: String = original[end..].iter().collect();
            let reason = reason_from(&rest).or_else(|| next_reason(&lines[n + 1..]));
            return Some(Classified {
                answer: Answer::Excused,
                reason,
            });
        }
        if TENTATIVE.iter().any(|p| find(&folded, p).is_some()) {
            return Some(Classified {
                answer: Answer::Tentative,
                reason: None,
            });
        }
        if PRESENT.iter().any(|p| find(&folded, p).is_some()) {
            return Some(Classified {
                answer: Answer::Present,
                reason: None,
            });
        }
    }
    None
}

/// The reason in what follows the excuse on its line: "…, je suis en
/// congés." → "je suis en congés".
fn reason_from(rest: &str) -> Option<String> {
    // The end of the excuse itself: "être présent", "venir", "(e)" …
    let mut r = rest.trim_start();
    let skip_words = [
        "(e)",
        "(es)",
        "etre present",
        "être présent",
        "être présente",
        "etre presente",
        "venir",
        "assister",
        "participer",
        "être là",
        "etre la",
        "à cette réunion",
        "a cette reunion",
        "à la réunion",
        "a la reunion",
        "to attend",
        "to come",
        "attend",
        "to the meeting",
        "the meeting",
        "it",
    ];
    loop {
        let before = r;
        for w in skip_words {
            if let Some(after) = strip_prefix_ci(r, w)
                && !after.starts_with(char::is_alphanumeric)
            {
                r = after.trim_start();
            }
        }
        r = r.trim_start_matches([',', ':', ';', '-', '–', '—', '.', '!', ' ']);
        if r == before {
            break;
        }
    }
    for c in CONNECTORS {
        if let Some(after) = strip_prefix_ci(r, c) {
            r = after;
        }
    }
    let r = r.trim().trim_end_matches(['.', '!', ' ']).trim();
    let folded = fold(r);
    if r.chars().count() < 3 || CLOSINGS.iter().any(|c| folded.starts_with(c)) {
        return None;
    }
    Some(crate::text::excerpt(r, 300))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let n = prefix.chars().count();
    let head: String = s.chars().take(n).collect();
    if fold(&head) == fold(prefix) {
        Some(&s[head.len()..])
    } else {
        None
    }
}

/// A reason on the line after a bare excuse, unless it is a closing.
fn next_reason(lines: &[&str]) -> Option<String> {
    let line = lines.first()?;
    let folded = fold(line);
    if CLOSINGS.iter().any(|c| folded.starts_with(c)) {
        return None;
    }
    reason_from(line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Answer::*;

    /// The red team's freezing mail (issue 34, case 2): a line of 16 000
    /// letters, or of a phrase's start repeated, then a real answer. It
    /// is read (and found not to say anything) in one pass.
    #[test]
    fn a_long_run_of_letters_says_nothing_and_is_read_once() {
        assert_eq!(classify(&"e".repeat(16 * 1024)), None);
        assert_eq!(classify(&"presen".repeat(3000)), None);
        let padded = format!("{}\nJe serai présent", "e".repeat(16 * 1024));
        // The first line eats the bytes read as an answer.
        assert_eq!(classify(&padded), None);
        let short = format!("{}\nJe serai présent", "e".repeat(1000));
        assert_eq!(classify(&short).map(|c| c.answer), Some(Present));
    }

    /// (reply, expected answer, expected reason).
    const CASES: &[(&str, Option<Answer>, Option<&str>)] = &[
        // French, present.
        ("Présent", Some(Present), None),
        ("présent.", Some(Present), None),
        ("PRESENT", Some(Present), None),
        ("Je serai présent", Some(Present), None),
        ("Je serai présente", Some(Present), None),
        ("je serai present", Some(Present), None),
        (
            "Bonjour,\nJe serai présent.\nCordialement",
            Some(Present),
            None,
        ),
        ("Je viendrai avec plaisir", Some(Present), None),
        ("ok pour moi", Some(Present), None),
        ("OK pour moi, à jeudi", Some(Present), None),
        ("Oui", Some(Present), None),
        ("oui !", Some(Present), None),
        ("J'y serai", Some(Present), None),
        ("J’y serai", Some(Present), None),
        ("Je confirme ma présence", Some(Present), None),
        ("Nous serons présents à deux", Some(Present), None),
        ("Comptez sur moi", Some(Present), None),
        ("Je participerai à la réunion", Some(Present), None),
        ("Bonjour, je serai là. Bonne journée", Some(Present), None),
        ("Je serai present(e)", Some(Present), None),
        // French, excused.
        ("Excusé", Some(Excused), None),
        ("excuse", Some(Excused), None),
        ("Excusée", Some(Excused), None),
        (
            "Excusé, je suis en congés",
            Some(Excused),
            Some("je suis en congés"),
        ),
        (
            "Excusé : je suis en congés.",
            Some(Excused),
            Some("je suis en congés"),
        ),
        ("Absent", Some(Excused), None),
        (
            "Je serai absent, formation à Lyon",
            Some(Excused),
            Some("formation à Lyon"),
        ),
        ("Je ne serai pas présent", Some(Excused), None),
        ("je ne serai pas present", Some(Excused), None),
        (
            "Je ne serai malheureusement pas présente",
            Some(Excused),
            None,
        ),
        (
            "Je ne pourrai pas être présent, je suis en réunion à la Métropole",
            Some(Excused),
            Some("je suis en réunion à la Métropole"),
        ),
        (
            "Je ne pourrai pas venir car je suis malade",
            Some(Excused),
            Some("je suis malade"),
        ),
        ("je ne pourrai pas venir", Some(Excused), None),
        ("Je ne viendrai pas", Some(Excused), None),
        ("Empêché ce jour-là", Some(Excused), Some("ce jour-là")),
        ("Non", Some(Excused), None),
        ("Désolé, je ne peux pas venir", Some(Excused), None),
        (
            "Je ne vais pas pouvoir assister à cette réunion.",
            Some(Excused),
            None,
        ),
        ("Pas dispo ce jour-là", Some(Excused), Some("ce jour-là")),
        (
            "Indisponible, conseil municipal",
            Some(Excused),
            Some("conseil municipal"),
        ),
        (
            "Excusé\nConseil municipal ce soir-là",
            Some(Excused),
            Some("Conseil municipal ce soir-là"),
        ),
        ("Excusé\nCordialement\nJean", Some(Excused), None),
        // French, tentative.
        ("Peut-être", Some(Tentative), None),
        ("peut etre", Some(Tentative), None),
        (
            "Je ne sais pas encore, je vous redis",
            Some(Tentative),
            None,
        ),
        ("Présence sous réserve", Some(Tentative), None),
        ("Je ne sais pas si je pourrai venir", Some(Tentative), None),
        // English.
        ("I'll be there", Some(Present), None),
        ("Yes", Some(Present), None),
        ("I will attend.", Some(Present), None),
        ("Count me in!", Some(Present), None),
        ("Sorry, I can't make it", Some(Excused), None),
        (
            "I won't be able to attend, I'm on leave",
            Some(Excused),
            Some("I'm on leave"),
        ),
        (
            "Apologies, I am travelling that week",
            Some(Excused),
            Some("I am travelling that week"),
        ),
        ("No", Some(Excused), None),
        ("Maybe", Some(Tentative), None),
        ("Not sure yet", Some(Tentative), None),
        // Phone clients, signatures, quoted invitations.
        ("Présent\n\nEnvoyé de mon iPhone", Some(Present), None),
        (
            "Excusé\n-- \nEnvoyé depuis mon mobile Orange",
            Some(Excused),
            None,
        ),
        (
            "Je serai présent\n\nLe 3 sept. 2007 à 10:00, greffier <greffier@example.test> a écrit :\n> Merci d'indiquer si vous serez présent ou excusé.",
            Some(Present),
            None,
        ),
        (
            "Je ne pourrai pas venir\n\n> Répondez présent ou excusé",
            Some(Excused),
            None,
        ),
        (
            "Excusé, je suis en congés\n\nDe : greffier\nEnvoyé : lundi 3 septembre 2007\nObjet : Invitation\nMerci de répondre présent.",
            Some(Excused),
            Some("je suis en congés"),
        ),
        (
            "ok\n\nOn Mon, Sep 3, 2007 at 10:00 AM greffier <greffier@example.test> wrote:\n> Will you attend? Reply present or excused.",
            Some(Present),
            None,
        ),
        // Nothing clear: no answer.
        ("Merci pour l'invitation", None, None),
        ("Quel est l'ordre du jour ?", None, None),
        ("", None, None),
        ("> Je serai présent", None, None),
        (
            "Bonjour\n\nLe 3 sept. 2007 à 10:00, greffier a écrit :\n> présent ou excusé ?",
            None,
            None,
        ),
        ("Représentation de la ville", None, None),
    ];

    #[test]
    fn replies_are_classified() {
        assert!(CASES.len() >= 60, "{} cases", CASES.len());
        for (text, answer, reason) in CASES {
            let got = classify(text);
            assert_eq!(got.as_ref().map(|c| c.answer), *answer, "{text:?}");
            if let Some(c) = got {
                assert_eq!(c.reason.as_deref(), *reason, "{text:?}");
            }
        }
    }
}
