//! The words greffier writes the same way wherever it writes them: dates
//! in words ("mardi 16 octobre 2007 à 09:30"), a group's status, the
//! status of a software's use. The commands, the digest, the reminders and the web pages all take
//! them from here (issue 35: they reached into command modules for them).

use jiff::Timestamp;

use crate::lang::Lang;
use crate::store::{GroupStatus, UseStatus};
use crate::tr;

/// "jeudi 3 décembre 2026 à 09:00" in `tz`.
pub fn when_in(lang: Lang, at: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let z = at.to_zoned(tz.clone());
    let day = day_in(lang, z.date());
    match lang {
        Lang::Fr => format!("{day} à {:02}:{:02}", z.hour(), z.minute()),
        Lang::En => format!("{day} at {:02}:{:02}", z.hour(), z.minute()),
    }
}

/// "mardi 16 octobre 2007", "Tuesday October 16, 2007".
pub fn day_in(lang: Lang, date: jiff::civil::Date) -> String {
    let (days, months): (&[&str], &[&str]) = match lang {
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
    };
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
