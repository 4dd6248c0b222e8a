//! `!reunion modifier <id> [date <AAAA-MM-JJ>] [heure <HH:MM>] [lieu "<lieu>"]`
//! — change a meeting; the invitees get an update.

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, Arity, OptSpec, ParseErrorKind, Usage};
use crate::tr;
use jiff::civil::{Date, Time};

pub const USAGE: Usage = Usage {
    fr: "!reunion modifier <id> [date <AAAA-MM-JJ>] [heure <HH:MM>] [lieu \"<lieu>\"]",
    en: "!meeting update <id> [date <YYYY-MM-DD>] [time <HH:MM>] [place \"<place>\"]",
    help_fr: "modifier une réunion (les invités sont prévenus)",
    help_en: "change a meeting (invitees are told)",
};

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "date",
        keywords: &["date"],
        arity: Arity::One,
    },
    OptSpec {
        name: "heure",
        keywords: &["heure", "time"],
        arity: Arity::One,
    },
    OptSpec {
        name: "lieu",
        keywords: &["lieu", "place"],
        arity: Arity::Rest,
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modifier {
    pub id: i64,
    pub date: Option<Date>,
    pub time: Option<Time>,
    pub place: Option<String>,
}

impl Modifier {
    pub fn parse(args: &mut Args) -> Result<Modifier, ParseErrorKind> {
        let id = super::meeting_id(args)?;
        args.name_the_hour_after_the_date();
        let split = args.split(OPTIONS);
        if let Some(t) = split.positional.first() {
            return Err(ParseErrorKind::Unexpected(crate::text::excerpt(
                &t.text, 40,
            )));
        }
        let date = split.get("date").map(|d| parse::date(&d)).transpose()?;
        let time = split.get("heure").map(|t| parse::time(&t)).transpose()?;
        let place = split
            .get("lieu")
            .map(|s| parse::bounded(s, Arg::Place))
            .transpose()?;
        if date.is_none() && time.is_none() && place.is_none() {
            return Err(ParseErrorKind::NothingToChange);
        }
        Ok(Modifier {
            id,
            date,
            time,
            place,
        })
    }
}

impl Modifier {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let meeting = super::to_manage(ex, self.id)?;
        let tz = ex.ctx.timezone.clone();
        let current = meeting.starts_at.to_zoned(tz.clone());
        let date = self.date.unwrap_or(current.date());
        let time = self.time.unwrap_or(current.time());
        let Ok(starts) = date.to_datetime(time).to_zoned(tz) else {
            return ex.refuse(tr!(
                lang,
                "Cette date n'existe pas dans le fuseau horaire du greffier.",
                "This date does not exist in the bot's time zone."
            ));
        };
        let starts_at = starts.timestamp();
        let length = meeting
            .ends_at
            .map(|e| e.duration_since(meeting.starts_at))
            .unwrap_or(jiff::SignedDuration::from_hours(
                super::DEFAULT_LENGTH_HOURS,
            ));
        let ends_at = starts_at.checked_add(length).ok();
        let place = self.place.clone().or(meeting.place.clone());
        ex.store
            .reschedule_meeting(meeting.id, starts_at, ends_at, place.as_deref())?;
        let (mailed, described) = super::tell_everyone(ex, self.id, "REQUEST", None, |d| {
            tr!(lang, "Réunion modifiée : {d}.", "Meeting changed: {d}.")
        })?;
        let told = super::told(lang, mailed);
        Ok(tr!(
            lang,
            "Réunion modifiée : {described} ; {told} par courriel.",
            "Meeting changed: {described}; {told} by email."
        ))
    }
}
