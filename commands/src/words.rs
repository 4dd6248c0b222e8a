//! The words greffier writes the same way wherever it writes them: dates
//! in words ("mardi 16 octobre 2007 à 09:30"), a group's status, the
//! status of a software's use. The commands, the digest, the reminders and the web pages all take
//! them from here (issue 35: they reached into command modules for them).

use jiff::Timestamp;

use crate::lang::Lang;
use crate::store::{GroupStatus, UseStatus};
use crate::tr;

/// A number and its noun agreed with it, "1 invité", "2 invités", "0
/// invité" (in French one and zero take the singular); in English "1
/// invitee", "0 invitees". `fr` and `en` give each language's singular
/// and plural.
pub fn count(lang: Lang, n: usize, fr: (&str, &str), en: (&str, &str)) -> String {
    let noun = match lang {
        Lang::Fr if n <= 1 => fr.0,
        Lang::Fr => fr.1,
        Lang::En if n == 1 => en.0,
        Lang::En => en.1,
    };
    format!("{n} {noun}")
}

/// "de Berre", "d'Istres", "d'Ouest Provence", "d'Hyères": the French
/// "de" before a name, elided before a vowel or a mute h (a "y" before a
/// vowel is a consonant: "de Yerres").
pub fn de(name: &str) -> String {
    let folded = crate::text::fold(name.trim_start());
    let mut chars = folded.chars();
    let first = chars.next().unwrap_or('x');
    let second = chars.next().unwrap_or('x');
    let elided = match first {
        'a' | 'e' | 'i' | 'o' | 'u' | 'h' => true,
        'y' => !"aeiou".contains(second),
        _ => false,
    };
    match elided {
        true => format!("d'{name}"),
        false => format!("de {name}"),
    }
}

/// "jeudi 3 décembre 2026 à 09:00" in `tz`.
pub fn when_in(lang: Lang, at: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let z = at.to_zoned(tz.clone());
    let day = day_in(lang, z.date());
    match lang {
        Lang::Fr => format!("{day} à {:02}:{:02}", z.hour(), z.minute()),
        Lang::En => format!("{day} at {:02}:{:02}", z.hour(), z.minute()),
    }
}

/// The names of the days (Monday first) and of the months.
fn calendar_words(lang: Lang) -> (&'static [&'static str], &'static [&'static str]) {
    match lang {
        Lang::Fr => (
            &[
                "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
            ],
            &[
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ],
        ),
        Lang::En => (
            &[
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            ],
            &[
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
        ),
    }
}

/// "11 juin 2007", "1er octobre 2007" (as the minutes date themselves),
/// "June 11, 2007".
pub fn date_in(lang: Lang, date: jiff::civil::Date) -> String {
    let month = calendar_words(lang).1[(date.month() - 1) as usize];
    match (lang, date.day()) {
        (Lang::Fr, 1) => format!("1er {month} {}", date.year()),
        (Lang::Fr, d) => format!("{d} {month} {}", date.year()),
        (Lang::En, d) => format!("{month} {d}, {}", date.year()),
    }
}

/// "mardi 16 octobre 2007", "Tuesday October 16, 2007".
pub fn day_in(lang: Lang, date: jiff::civil::Date) -> String {
    let (days, months) = calendar_words(lang);
    let day = days[date.weekday().to_monday_zero_offset() as usize];
    let month = months[(date.month() - 1) as usize];
    match lang {
        Lang::Fr => format!("{day} {} {month} {}", date.day(), date.year()),
        Lang::En => format!("{day} {month} {}, {}", date.day(), date.year()),
    }
}

/// A software's use as users read it: "en production", "à l'étude".
pub fn use_status(lang: Lang, status: UseStatus) -> String {
    match status {
        UseStatus::Production => tr!(lang, "en production", "in production"),
        UseStatus::Projet => tr!(lang, "en projet", "in progress"),
        UseStatus::Etude => tr!(lang, "à l'étude", "under study"),
        UseStatus::Abandon => tr!(lang, "abandonné", "abandoned"),
    }
}

/// A group's status as users read it: "proposé", "actif", "archivé".
pub fn group_status(lang: Lang, status: GroupStatus) -> String {
    match status {
        GroupStatus::Proposed => tr!(lang, "proposé", "proposed"),
        GroupStatus::Active => tr!(lang, "actif", "active"),
        GroupStatus::Archived => tr!(lang, "archivé", "archived"),
    }
}

/// An action as lists and digests show it: "n°3 Berre — Documenter (échéance
/// le 15 décembre 2026, en retard)".
pub fn action_line(lang: Lang, today: jiff::civil::Date, a: &crate::store::ActionItem) -> String {
    let due = match a.due {
        Some(d) if d < today && a.state == "ouverte" => tr!(
            lang,
            " (échéance le {}, en retard)",
            " (due {}, late)",
            date_in(lang, d)
        ),
        Some(d) => tr!(lang, " (échéance le {})", " (due {})", date_in(lang, d)),
        None => String::new(),
    };
    format!("n°{} {} — {}{due}", a.n, a.owner, a.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_a_french_clerk_writes_them() {
        let date = |y, m, d| jiff::civil::Date::new(y, m, d).expect("a date");
        assert_eq!(date_in(Lang::Fr, date(2007, 6, 11)), "11 juin 2007");
        assert_eq!(date_in(Lang::Fr, date(2007, 10, 1)), "1er octobre 2007");
        assert_eq!(date_in(Lang::En, date(2007, 10, 1)), "October 1, 2007");
        assert_eq!(
            day_in(Lang::Fr, date(2007, 10, 16)),
            "mardi 16 octobre 2007"
        );
    }
}

#[cfg(test)]
mod de_tests {
    use super::{count, de};

    #[test]
    fn a_number_agrees_with_its_noun() {
        use crate::Lang::{En, Fr};
        let invites = (("invité", "invités"), ("invitee", "invitees"));
        assert_eq!(count(Fr, 0, invites.0, invites.1), "0 invité");
        assert_eq!(count(Fr, 1, invites.0, invites.1), "1 invité");
        assert_eq!(count(Fr, 2, invites.0, invites.1), "2 invités");
        assert_eq!(count(En, 0, invites.0, invites.1), "0 invitees");
        assert_eq!(count(En, 1, invites.0, invites.1), "1 invitee");
    }

    #[test]
    fn de_elides_before_a_vowel_or_a_mute_h() {
        assert_eq!(de("Berre"), "de Berre");
        assert_eq!(de("Istres"), "d'Istres");
        assert_eq!(de("Arles"), "d'Arles");
        assert_eq!(de("Ouest Provence"), "d'Ouest Provence");
        assert_eq!(de("Éguilles"), "d'Éguilles");
        assert_eq!(de("Hyères"), "d'Hyères");
        assert_eq!(de("Yerres"), "de Yerres");
        assert_eq!(de("Ytrac"), "d'Ytrac");
    }
}
