//! Values written as text in bot.toml and read into their types once (a
//! language, a time zone, a weekday, a time, a group status, an address):
//! [`FromText`], and the way serde reaches it.

use greffier_commands::Lang;
use greffier_commands::store::GroupStatus;
use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use serde::{Deserialize, Deserializer};

/// A typed value written as text in bot.toml; the error says what is wrong.
pub trait FromText: Sized {
    fn from_text(s: &str) -> Result<Self, String>;
}

impl FromText for Lang {
    fn from_text(s: &str) -> Result<Lang, String> {
        s.parse()
    }
}

impl FromText for TimeZone {
    fn from_text(s: &str) -> Result<TimeZone, String> {
        TimeZone::get(s).map_err(|_| format!("unknown time zone {s:?}"))
    }
}

impl FromText for Weekday {
    fn from_text(s: &str) -> Result<Weekday, String> {
        weekday(s).ok_or_else(|| format!("{s:?} is not a day of the week"))
    }
}

impl FromText for Time {
    fn from_text(s: &str) -> Result<Time, String> {
        greffier_commands::time(s).map_err(|_| format!("{s:?} is not a time (HH:MM)"))
    }
}

impl FromText for GroupStatus {
    fn from_text(s: &str) -> Result<GroupStatus, String> {
        GroupStatus::parse(s)
            .ok_or_else(|| format!("{s:?} is not one of proposed, active, archived"))
    }
}

/// A resolver's address: `127.0.0.1:5300`, or `192.0.2.53` for port 53.
impl FromText for std::net::SocketAddr {
    fn from_text(s: &str) -> Result<std::net::SocketAddr, String> {
        s.parse()
            .or_else(|_| s.parse::<std::net::IpAddr>().map(|ip| (ip, 53).into()))
            .map_err(|_| format!("{s:?} is not an IP address (with an optional port)"))
    }
}

/// serde's way to a [`FromText`] field (`deserialize_with`).
pub fn text<'de, D: Deserializer<'de>, T: FromText>(d: D) -> Result<T, D::Error> {
    let s = String::deserialize(d)?;
    T::from_text(&s).map_err(serde::de::Error::custom)
}

pub fn optional_text<'de, D: Deserializer<'de>, T: FromText>(d: D) -> Result<Option<T>, D::Error> {
    text(d).map(Some)
}

pub fn check<T: FromText>(s: &str) -> Result<(), String> {
    T::from_text(s).map(drop)
}

/// Checks a value's text form.
pub type Check = fn(&str) -> Result<(), String>;

/// A typed key of a section: its name, its check, and a good value that
/// stands in for a wrong one while the rest of the file is checked (so
/// that every wrong value is reported at once).
pub type Typed = (&'static str, Check, &'static str);

/// A weekday in French or English: "lundi", "Monday", "mon".
pub fn weekday(s: &str) -> Option<Weekday> {
    use Weekday::*;
    Some(match greffier_commands::text::keyword(s).as_str() {
        "lundi" | "monday" | "mon" => Monday,
        "mardi" | "tuesday" | "tue" => Tuesday,
        "mercredi" | "wednesday" | "wed" => Wednesday,
        "jeudi" | "thursday" | "thu" => Thursday,
        "vendredi" | "friday" | "fri" => Friday,
        "samedi" | "saturday" | "sat" => Saturday,
        "dimanche" | "sunday" | "sun" => Sunday,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_in_both_languages() {
        assert_eq!(weekday("Lundi"), Some(Weekday::Monday));
        assert_eq!(weekday("friday"), Some(Weekday::Friday));
        assert_eq!(weekday("someday"), None);
    }
}
