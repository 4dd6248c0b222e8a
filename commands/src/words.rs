//! The words greffier writes the same way wherever it writes them: a
//! number agreed with its noun ("1 invité", "2 invités"), "de" elided
//! ("d'Istres"), lists ("Arles, Berre et Istres"), dates in words ("mardi
//! 16 octobre 2007 à 9 h 30"), times ("9 h", "14 h 30"), a group's status,
//! the status of a software's use. The commands, the digest, the
//! reminders, the web pages and the command line all take them from here;
//! docs/french.md is the style guide they follow.

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
    format!("{} {noun}", number(lang, n))
}

/// A number with its thousands grouped as each language writes them:
/// "1 181" (a narrow no-break space), "1,181".
pub fn number(lang: Lang, n: usize) -> String {
    let digits = n.to_string();
    let separator = match lang {
        Lang::Fr => '\u{202f}',
        Lang::En => ',',
    };
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(d);
    }
    out
}

/// The same with the noun alone when the number is 0 in French:
/// "aucun invité", "aucune invitation" (`none` gives the French word,
/// "aucun" or "aucune"); English says "no invitees".
pub fn count_or_none(
    lang: Lang,
    n: usize,
    none: &str,
    fr: (&str, &str),
    en: (&str, &str),
) -> String {
    match (lang, n) {
        (Lang::Fr, 0) => format!("{none} {}", fr.0),
        (Lang::En, 0) => format!("no {}", en.1),
        _ => count(lang, n, fr, en),
    }
}

/// Where an open poll stands: "3 dates, 2 réponses sur 5, clôture le 7
/// décembre 2026"; "3 dates, 2 of 5 answered, closes on December 7, 2026".
pub fn poll_state(
    lang: Lang,
    poll: &crate::store::Poll,
    answered: usize,
    asked: usize,
    today: Option<jiff::civil::Date>,
) -> String {
    let dates = count(lang, poll.dates.len(), ("date", "dates"), ("date", "dates"));
    let answers = answers(lang, answered, asked);
    // Said today in a message; a page keeps the year (`None`).
    let closes = match today {
        Some(today) => date_near(lang, poll.closes_on, today),
        None => date_in(lang, poll.closes_on),
    };
    tr!(
        lang,
        "{dates}, {answers}, clôture le {closes}",
        "{dates}, {answers}, closes on {closes}"
    )
}

/// "2 réponses sur 5", "1 réponse sur 3"; "2 of 5 answered".
pub fn answers(lang: Lang, answered: usize, asked: usize) -> String {
    match lang {
        Lang::Fr => format!(
            "{} sur {asked}",
            count(Lang::Fr, answered, ("réponse", "réponses"), ("", ""))
        ),
        Lang::En => format!("{answered} of {asked} answered"),
    }
}

/// The answers of a meeting's invitees: "2 présents, aucun excusé, 3
/// sans réponse" ("peut-être" counts as no answer); "2 attending, no
/// excused, 3 without answer".
pub fn attendance(lang: Lang, invitees: &[crate::meeting::Invitee]) -> String {
    use crate::meeting::RsvpStatus;
    let count = |s: RsvpStatus| invitees.iter().filter(|i| i.status == s).count();
    let present = count(RsvpStatus::Present);
    let excused = count(RsvpStatus::Excused);
    let silent = count(RsvpStatus::NoAnswer) + count(RsvpStatus::Tentative);
    let present = count_or_none(
        lang,
        present,
        "aucun",
        ("présent", "présents"),
        ("attending", "attending"),
    );
    let excused = count_or_none(
        lang,
        excused,
        "aucun",
        ("excusé", "excusés"),
        ("excused", "excused"),
    );
    tr!(
        lang,
        "{present}, {excused}, {silent} sans réponse",
        "{present}, {excused}, {silent} without answer"
    )
}

/// "Arles", "Arles et Berre", "Arles, Berre et Istres"; "Arles, Berre and
/// Istres".
pub fn list(lang: Lang, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => {
            let and = tr!(lang, "et", "and");
            format!("{} {and} {last}", rest.join(", "))
        }
    }
}

/// "9 h", "14 h 30"; "9:00", "14:30".
pub fn time(lang: Lang, hour: i8, minute: i8) -> String {
    match (lang, minute) {
        (Lang::Fr, 0) => format!("{hour} h"),
        (Lang::Fr, m) => format!("{hour} h {m:02}"),
        (Lang::En, m) => format!("{hour}:{m:02}"),
    }
}

/// A time of day as [`time`] writes it.
pub fn time_of(lang: Lang, t: jiff::civil::Time) -> String {
    time(lang, t.hour(), t.minute())
}

/// "de Berre", "d'Istres", "d'Ouest Provence", "d'Hyères": the French
/// "de" before a name, elided before a vowel or a mute h (a "y" before a
/// vowel is a consonant: "de Yerres").
pub fn de(name: &str) -> String {
    let folded = crate::text::fold(name.trim_start());
    let mut chars = folded.chars();
    let first = chars.next().unwrap_or('x');
    let second = chars.next().unwrap_or('x');
    let first_word = folded
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    let elided = match first {
        'h' => !H_ASPIRE.contains(&first_word),
        'a' | 'e' | 'i' | 'o' | 'u' => true,
        'y' => !"aeiou".contains(second),
        _ => false,
    };
    match elided {
        true => format!("d'{name}"),
        false => format!("de {name}"),
    }
}

/// When a meeting is: "jeudi 3 décembre 2026 à 9 h", or its day alone
/// when no hour was given ("lundi 11 juin 2007": an imported meeting; no
/// hour is invented).
pub fn meeting_when(lang: Lang, m: &crate::meeting::Meeting, tz: &jiff::tz::TimeZone) -> String {
    match m.time_given {
        true => when_in(lang, m.starts_at, tz),
        false => day_in(lang, m.starts_at.to_zoned(tz.clone()).date()),
    }
}

/// Names whose first word starts with an h aspiré: "de Honfleur", "de
/// Haute-Provence" (folded, the first word only). Any other h is mute:
/// "d'Hyères", "d'Hérouville".
const H_ASPIRE: &[&str] = &[
    "haguenau",
    "hainaut",
    "halluin",
    "ham",
    "hautmont",
    "haut",
    "haute",
    "hautes",
    "hauts",
    "havre",
    "hayange",
    "hazebrouck",
    "hem",
    "hennebont",
    "hesdin",
    "hollande",
    "hombourg",
    "honfleur",
    "houilles",
    "hourtin",
];

/// "jeudi 3 décembre 2026 à 9 h" in `tz`.
pub fn when_in(lang: Lang, at: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let z = at.to_zoned(tz.clone());
    let day = day_in(lang, z.date());
    let time = time(lang, z.hour(), z.minute());
    tr!(lang, "{day} à {time}", "{day} at {time}")
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

/// A date in a sentence said on `today`: without its year within the
/// year ("le 14 décembre", "le 1er mars"), with it otherwise ("le 3
/// janvier 2027"); "December 14", "January 3, 2027".
pub fn date_near(lang: Lang, date: jiff::civil::Date, today: jiff::civil::Date) -> String {
    if date.year() != today.year() {
        return date_in(lang, date);
    }
    let month = calendar_words(lang).1[(date.month() - 1) as usize];
    match (lang, date.day()) {
        (Lang::Fr, 1) => format!("1er {month}"),
        (Lang::Fr, d) => format!("{d} {month}"),
        (Lang::En, d) => format!("{month} {d}"),
    }
}

/// "mardi 16 octobre 2007", "Tuesday October 16, 2007".
pub fn day_in(lang: Lang, date: jiff::civil::Date) -> String {
    let (days, months) = calendar_words(lang);
    let day = days[date.weekday().to_monday_zero_offset() as usize];
    let month = months[(date.month() - 1) as usize];
    match (lang, date.day()) {
        (Lang::Fr, 1) => format!("{day} 1er {month} {}", date.year()),
        (Lang::Fr, d) => format!("{day} {d} {month} {}", date.year()),
        (Lang::En, d) => format!("{day} {month} {d}, {}", date.year()),
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

/// A version of a compte rendu as users read it: "brouillon", "en
/// relecture", "approuvé", "rectifié".
pub fn record_state(lang: Lang, state: crate::store::RecordState) -> String {
    use crate::store::RecordState;
    match state {
        RecordState::Brouillon => tr!(lang, "brouillon", "draft"),
        RecordState::EnRelecture => tr!(lang, "en relecture", "under review"),
        RecordState::Approuve => tr!(lang, "approuvé", "approved"),
        RecordState::Rectifie => tr!(lang, "rectifié", "corrected"),
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
            date_near(lang, d, today)
        ),
        Some(d) => tr!(
            lang,
            " (échéance le {})",
            " (due {})",
            date_near(lang, d, today)
        ),
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
        assert_eq!(day_in(Lang::Fr, date(2030, 3, 1)), "vendredi 1er mars 2030");
        assert_eq!(number(Lang::Fr, 1181), "1\u{202f}181");
        assert_eq!(number(Lang::Fr, 999), "999");
        assert_eq!(number(Lang::En, 1_234_567), "1,234,567");
        // Within the year, a date in a message goes without it.
        let today = date(2026, 12, 7);
        assert_eq!(
            date_near(Lang::Fr, date(2026, 12, 14), today),
            "14 décembre"
        );
        assert_eq!(
            date_near(Lang::Fr, date(2026, 12, 1), today),
            "1er décembre"
        );
        assert_eq!(
            date_near(Lang::Fr, date(2027, 1, 3), today),
            "3 janvier 2027"
        );
        assert_eq!(
            date_near(Lang::En, date(2026, 12, 14), today),
            "December 14"
        );
        // A meeting without a given hour is a day.
        let tz = jiff::tz::TimeZone::get("Europe/Paris").expect("a zone");
        let mut m = crate::meeting::Meeting {
            id: crate::store::MeetingId(1),
            uid: "u".into(),
            sequence: 0,
            title: "1ère Conférence DSI 13".into(),
            starts_at: "2007-06-11T07:00:00Z".parse().expect("an instant"),
            ends_at: None,
            place: None,
            group: None,
            organiser: None,
            status: crate::meeting::MeetingStatus::Scheduled,
            time_given: false,
        };
        assert_eq!(meeting_when(Lang::Fr, &m, &tz), "lundi 11 juin 2007");
        m.time_given = true;
        assert_eq!(meeting_when(Lang::Fr, &m, &tz), "lundi 11 juin 2007 à 9 h");
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
    fn no_count_lists_and_times_the_french_way() {
        use super::{answers, count_or_none, list, time};
        use crate::Lang::{En, Fr};
        let inv = (("invitation", "invitations"), ("invitation", "invitations"));
        assert_eq!(
            count_or_none(Fr, 0, "aucune", inv.0, inv.1),
            "aucune invitation"
        );
        assert_eq!(
            count_or_none(Fr, 2, "aucune", inv.0, inv.1),
            "2 invitations"
        );
        assert_eq!(
            count_or_none(En, 0, "aucune", inv.0, inv.1),
            "no invitations"
        );
        assert_eq!(answers(Fr, 1, 3), "1 réponse sur 3");
        assert_eq!(answers(Fr, 2, 3), "2 réponses sur 3");
        let names = ["Arles".to_string(), "Berre".into(), "Istres".into()];
        assert_eq!(list(Fr, &names), "Arles, Berre et Istres");
        assert_eq!(list(En, &names[..2]), "Arles and Berre");
        assert_eq!(time(Fr, 9, 0), "9 h");
        assert_eq!(time(Fr, 9, 30), "9 h 30");
        assert_eq!(time(Fr, 14, 5), "14 h 05");
        assert_eq!(time(En, 9, 30), "9:30");
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
        assert_eq!(de("Honfleur"), "de Honfleur");
        assert_eq!(
            de("Haute-Provence Numérique"),
            "de Haute-Provence Numérique"
        );
        assert_eq!(de("Hérouville-Saint-Clair"), "d'Hérouville-Saint-Clair");
    }
}
