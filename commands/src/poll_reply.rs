//! The dates a reply to a poll mail picks: "1 et 3", "2", "le 16 et le
//! 23", "16/10", "mardi", "aucune", "Je peux le 2 et le 3, pas le 1." —
//! read with one regular expression over the new text (no quotes, no
//! quoted poll, no signature), in French or English, accents and case
//! aside.
//!
//! The text is cut in clauses (at `,` `.` `;` "mais", "but", line ends); a
//! clause with a negation ("pas", "sauf", "not", "except"…) names dates
//! that do not suit. A number after "le" or in a clause that names days is
//! a day of the month when a candidate date falls on it, otherwise the
//! number of a date; a bare number is the number of a date first. A
//! weekday names the one candidate date on it. What names no date, or
//! only dates that do not suit, is not an answer: the sender is asked
//! again.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use jiff::civil::{Date, Weekday};
use regex::Regex;

use crate::text::{answer_text, fold};

/// One reference to a date, or "none", inside a folded clause.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        \b(?P<time>\d{1,2}\s*[h:]\s*\d{0,2})(?:\b|$)
        | \b(?P<dd>\d{1,2})\s*/\s*(?P<mm>\d{1,2})(?:\s*/\s*\d{2,4})?\b
        | \b(?P<dm>\d{1,2})(?:er|st|nd|rd|th)?\s+(?P<month>janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|january|february|march|april|may|june|july|august|september|october|november|december)\b
        | \b(?:le|les|du|au|et|the|on)\s+(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?(?P<day>\d{1,2})(?:er|e|eme|st|nd|rd|th)?\b
        | \b(?P<n>\d{1,3})(?:er|e|eme|st|nd|rd|th)?\b
        | \b(?P<weekday>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b
        | \b(?P<none>aucune?|none|nothing|neither)\b
        ",
    )
    .expect("a valid regular expression")
});

/// Where a clause ends.
static CLAUSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[,.;:!?\n]|\bmais\b|\bbut\b|\bpar contre\b|\bhowever\b")
        .expect("a valid regular expression")
});

/// A clause that says what does not suit.
static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:pas|sauf|hormis|excepte|impossible|indisponible|not|except|cannot|cant|unavailable)\b",
    )
    .expect("a valid regular expression")
});

use crate::text::FRENCH_MONTHS as MONTHS;
const MONTHS_EN: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The numbers of the dates `body` picks among `dates` (numbered from 1);
/// empty: none suits; `None`: the text does not say.
pub fn read(body: &str, dates: &[Date]) -> Option<Vec<usize>> {
    let text = fold(&answer_text(body));
    let mut yes = BTreeSet::new();
    let mut no = BTreeSet::new();
    let mut none = false;
    let mut start = 0;
    let mut ends: Vec<(usize, usize)> = CLAUSE
        .find_iter(&text)
        .map(|m| (m.start(), m.end()))
        .collect();
    ends.push((text.len(), text.len()));
    for (end, next) in ends {
        let clause = &text[start..end];
        start = next;
        let negative = NEGATION.is_match(clause);
        let (picked, said_none) = references(clause, dates);
        none |= said_none && !negative;
        if negative {
            no.extend(picked);
        } else {
            yes.extend(picked);
        }
    }
    let chosen: Vec<usize> = yes.difference(&no).copied().collect();
    match (chosen.is_empty(), none) {
        (false, _) => Some(chosen),
        (true, true) => Some(Vec::new()),
        (true, false) => None,
    }
}

/// The dates one clause names, and whether it says "none".
fn references(clause: &str, dates: &[Date]) -> (Vec<usize>, bool) {
    let by_day = |day: i8| {
        let mut on = dates.iter().enumerate().filter(|(_, d)| d.day() == day);
        match (on.next(), on.next()) {
            (Some((i, _)), None) => Some(i + 1),
            _ => None,
        }
    };
    let by_number = |n: usize| (1..=dates.len()).contains(&n).then_some(n);
    let mut out = Vec::new();
    let mut none = false;
    // Once a clause names a day ("le 16"), its other numbers are days too
    // ("le 16 et 23").
    let mut days = false;
    for c in REFERENCE.captures_iter(clause) {
        let number = |name: &str| c.name(name).and_then(|m| m.as_str().parse::<i64>().ok());
        if c.name("time").is_some() {
            continue;
        }
        if let (Some(d), Some(m)) = (number("dd"), number("mm")) {
            days = true;
            out.extend(dates.iter().enumerate().filter_map(|(i, date)| {
                (i64::from(date.day()) == d && i64::from(date.month()) == m).then_some(i + 1)
            }));
        } else if let (Some(d), Some(month)) = (number("dm"), c.name("month")) {
            days = true;
            let m = MONTHS
                .iter()
                .position(|x| *x == month.as_str())
                .or_else(|| MONTHS_EN.iter().position(|x| *x == month.as_str()))
                .map_or(0, |i| i as i64 + 1);
            out.extend(dates.iter().enumerate().filter_map(|(i, date)| {
                (i64::from(date.day()) == d && i64::from(date.month()) == m).then_some(i + 1)
            }));
        } else if let Some(d) = number("day") {
            days = true;
            let found = i8::try_from(d).ok().and_then(by_day);
            out.extend(found.or_else(|| usize::try_from(d).ok().and_then(by_number)));
        } else if let Some(n) = number("n") {
            let as_day = || i8::try_from(n).ok().and_then(by_day);
            let as_number = || usize::try_from(n).ok().and_then(by_number);
            out.extend(if days {
                as_day().or_else(as_number)
            } else {
                as_number().or_else(as_day)
            });
        } else if let Some(w) = c.name("weekday") {
            let weekday = weekday(w.as_str());
            let mut on = dates
                .iter()
                .enumerate()
                .filter(|(_, d)| Some(d.weekday()) == weekday);
            if let (Some((i, _)), None) = (on.next(), on.next()) {
                out.push(i + 1);
            }
        } else if c.name("none").is_some() {
            none = true;
        }
    }
    (out, none)
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "lundi" | "monday" => Weekday::Monday,
        "mardi" | "tuesday" => Weekday::Tuesday,
        "mercredi" | "wednesday" => Weekday::Wednesday,
        "jeudi" | "thursday" => Weekday::Thursday,
        "vendredi" | "friday" => Weekday::Friday,
        "samedi" | "saturday" => Weekday::Saturday,
        "dimanche" | "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Tuesday 15, Thursday 17 and Tuesday 22 December 2026.
    fn december() -> Vec<Date> {
        vec![date(2026, 12, 15), date(2026, 12, 17), date(2026, 12, 22)]
    }

    #[test]
    fn numbers_pick_dates_by_their_number() {
        let d = december();
        assert_eq!(read("1 et 3", &d), Some(vec![1, 3]));
        assert_eq!(read("2", &d), Some(vec![2]));
        assert_eq!(read("1, 3", &d), Some(vec![1, 3]));
        assert_eq!(read("Les dates 2 et 3 me vont.", &d), Some(vec![2, 3]));
    }

    #[test]
    fn days_of_the_month_pick_the_date_on_them() {
        let d = december();
        assert_eq!(read("le 15 et le 22", &d), Some(vec![1, 3]));
        assert_eq!(read("Le 17 et 22 c'est bon", &d), Some(vec![2, 3]));
        assert_eq!(read("17/12", &d), Some(vec![2]));
        assert_eq!(read("15/12/2026 ou 22/12/2026", &d), Some(vec![1, 3]));
        assert_eq!(read("jeudi 17 décembre", &d), Some(vec![2]));
        assert_eq!(read("Jeudi !", &d), Some(vec![2]));
        assert_eq!(read("The 17th works", &d), Some(vec![2]));
    }

    #[test]
    fn what_does_not_suit_is_taken_out() {
        let d = vec![date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)];
        assert_eq!(
            read("Je peux le 2 et le 3, pas le 1.", &d),
            Some(vec![2, 3])
        );
        assert_eq!(read("Je ne peux pas le 1 mais le 2 oui", &d), Some(vec![2]));
        assert_eq!(read("Tout sauf le 3 : le 1, le 2", &d), Some(vec![1, 2]));
    }

    #[test]
    fn none_is_an_answer() {
        let d = december();
        assert_eq!(read("aucune", &d), Some(vec![]));
        assert_eq!(read("Je ne peux à aucune date, désolé.", &d), Some(vec![]));
        assert_eq!(read("None of them, sorry", &d), Some(vec![]));
    }

    #[test]
    fn what_says_no_date_is_not_an_answer() {
        let d = december();
        assert_eq!(read("Merci !", &d), None);
        assert_eq!(read("Je ne peux pas le 15.", &d), None);
        assert_eq!(read("le 30", &d), None);
        assert_eq!(read("à 14h30", &d), None);
    }

    #[test]
    fn the_quoted_poll_is_not_read() {
        let d = december();
        let body = "Le 2 me va.\n\nLe 30/11/2026 à 10:00, greffier a écrit :\n> 1. mardi 15 décembre 2026\n> 2. jeudi 17 décembre 2026\n> 3. mardi 22 décembre 2026\n";
        assert_eq!(read(body, &d), Some(vec![2]));
    }
}
