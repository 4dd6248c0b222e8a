//! `!sondage creer "<titre>" <AAAA-MM-JJ> [<AAAA-MM-JJ> …] [heure <HH:MM>]
//! [lieu "<lieu>"] [groupe <groupe>] [cloture <AAAA-MM-JJ>]` — a poll of
//! two dates or more; who may create a meeting may create a poll. The
//! group's members (or everyone known) are asked; it closes the day before
//! its first date unless `cloture` says otherwise.

use jiff::ToSpan;
use jiff::civil::{Date, Time};

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, Arity, OptSpec, ParseErrorKind, Usage};
use crate::store::NewPoll;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!sondage creer \"<titre>\" <AAAA-MM-JJ> <AAAA-MM-JJ> [...] [heure <HH:MM>] [lieu \"<lieu>\"] [groupe <groupe>] [cloture <AAAA-MM-JJ>]",
    en: "!poll create \"<title>\" <YYYY-MM-DD> <YYYY-MM-DD> [...] [time <HH:MM>] [place \"<place>\"] [group <group>] [closes <YYYY-MM-DD>]",
    help_fr: "proposer des dates pour une réunion (administrateurs ; le chef de projet pour son groupe)",
    help_en: "propose dates for a meeting (admins; a group's lead for its group)",
};

/// The answers a Matrix poll may have.
const MAX_DATES: usize = 20;

const OPTIONS: &[OptSpec] = &[
    OptSpec {
        name: "heure",
        keywords: &["heure", "time", "a"],
        arity: Arity::One,
    },
    OptSpec {
        name: "lieu",
        keywords: &["lieu", "place"],
        arity: Arity::Rest,
    },
    OptSpec {
        name: "groupe",
        keywords: &["groupe", "group"],
        arity: Arity::Rest,
    },
    OptSpec {
        name: "cloture",
        keywords: &["cloture", "closes", "close"],
        arity: Arity::One,
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creer {
    pub title: String,
    pub dates: Vec<Date>,
    pub time: Option<Time>,
    pub place: Option<String>,
    pub group: Option<String>,
    pub closes_on: Option<Date>,
}

impl Creer {
    pub fn parse(args: &mut Args) -> Result<Creer, ParseErrorKind> {
        let split = args.split(OPTIONS);
        // The title, then the dates: every trailing token that reads as one.
        let pos = &split.positional;
        let first_date = pos
            .iter()
            .position(|t| !t.quoted && parse::looks_like_date(&t.text))
            .ok_or(if pos.is_empty() {
                ParseErrorKind::Missing(Arg::Title)
            } else {
                ParseErrorKind::Missing(Arg::Date)
            })?;
        if first_date == 0 {
            return Err(ParseErrorKind::Missing(Arg::Title));
        }
        let title = parse::bounded(parse::join(&pos[..first_date]), Arg::Title)?;
        let mut dates = Vec::new();
        for t in &pos[first_date..] {
            dates.push(parse::date(&t.text)?);
        }
        if dates.len() < 2 {
            return Err(ParseErrorKind::TooFewDates);
        }
        let time = split.get("heure").map(|t| parse::time(&t)).transpose()?;
        let place = split
            .get("lieu")
            .map(|s| parse::bounded(s, Arg::Place))
            .transpose()?;
        let group = split
            .get("groupe")
            .map(|s| parse::bounded(s, Arg::Group))
            .transpose()?;
        let closes_on = split.get("cloture").map(|d| parse::date(&d)).transpose()?;
        Ok(Creer {
            title,
            dates,
            time,
            place,
            group,
            closes_on,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let group = match &self.group {
            Some(name) => Some(ex.find_group(name)?),
            None => None,
        };
        if !crate::cmd::reunion::may_organise(ex, group.as_ref())? {
            return ex.refuse_not_allowed(&tr!(
                lang,
                "aux administrateurs et, pour un sondage de groupe, au chef de projet",
                "admins and, for a group's poll, its lead"
            ));
        }
        let mut dates = self.dates.clone();
        dates.sort();
        dates.dedup();
        if dates.len() < 2 {
            return ex.refuse(tr!(
                lang,
                "Un sondage propose au moins deux dates différentes.",
                "A poll offers two different dates at least."
            ));
        }
        if dates.len() > MAX_DATES {
            return ex.refuse(tr!(
                lang,
                "Un sondage propose {MAX_DATES} dates au plus.",
                "A poll offers {MAX_DATES} dates at most."
            ));
        }
        let today = ex.ctx.now.to_zoned(ex.ctx.timezone.clone()).date();
        if dates[0] <= today {
            let today = crate::words::day_in(lang, today);
            return ex.refuse(tr!(
                lang,
                "Les dates proposées doivent être à venir (nous sommes le {today}).",
                "The dates offered must be ahead (today is {today})."
            ));
        }
        let closes_on = match self.closes_on {
            Some(d) if d < today || d >= dates[0] => {
                let first = crate::words::date_near(lang, dates[0], today);
                let d = crate::words::date_near(lang, d, today);
                return ex.refuse(tr!(
                    lang,
                    "La clôture (le {d}) doit tomber entre aujourd'hui et la première date proposée (le {first}).",
                    "The closing date ({d}) must be between today and the first date offered ({first})."
                ));
            }
            Some(d) => d,
            None => dates[0].checked_sub(1.day()).unwrap_or(dates[0]),
        };
        let me = ex.me()?;
        let people = match &group {
            Some(g) => ex.store.member_people(g.id)?,
            None => ex.store.people()?,
        };
        let id = ex.store.create_poll(&NewPoll {
            title: self.title.clone(),
            dates: dates.clone(),
            time: self.time,
            place: self.place.clone(),
            group: group.as_ref().map(|g| g.id),
            closes_on,
            created_by: me.map(|p| p.id),
            invitees: people.iter().map(|p| p.id).collect(),
        })?;
        let poll = ex
            .store
            .poll(id)?
            .ok_or_else(|| crate::store::StoreError("the poll just created is not found".into()))?;
        let p = ex.prefix().to_string();
        let closes = crate::words::date_near(lang, closes_on, today);
        let text = tr!(
            lang,
            "Sondage n°{} « {} » : quelles dates vous conviennent ?\n{}\nRépondez {p}sondage voter {} <numéros> (ou aucun) avant le {closes}.",
            "Poll #{} “{}”: which dates suit you?\n{}\nAnswer {p}poll vote {} <numbers> (or none) by {closes}.",
            id.0,
            self.title,
            super::numbered(lang, &poll),
            id.0
        );
        // In the rooms, a native poll; by mail, one mail per invitee with a
        // linked address (a reply to it is a vote). The list gets nothing:
        // only the invitees' answers count, and a reply to the list cannot
        // say who wrote it.
        let posts = super::post_in_rooms(ex.store, ex.ctx, &poll, &text)?;
        let rooms = posts.len();
        ex.actions.extend(posts);
        let mut mailed = 0;
        for person in &people {
            if let Some(mail) = super::ask_by_mail(ex.store, ex.ctx, &poll, person, false)? {
                ex.actions.push(mail);
                mailed += 1;
            }
        }
        let unreachable = crate::cmd::reunion::unreachable(ex, &people)?;
        let asked = crate::words::count(
            lang,
            people.len(),
            ("personne interrogée", "personnes interrogées"),
            ("person asked", "people asked"),
        );
        let rooms = crate::words::count_or_none(
            lang,
            rooms,
            "aucun",
            ("salon", "salons"),
            ("room", "rooms"),
        );
        let mailed = match (lang, mailed) {
            (crate::Lang::Fr, 0) => "aucune".to_string(),
            _ => mailed.to_string(),
        };
        // A poll without an hour: the hour its meeting will get is said,
        // not left to be discovered.
        let hour = match self.time {
            Some(_) => String::new(),
            None => {
                let t = crate::words::time_of(lang, super::DEFAULT_TIME);
                tr!(
                    lang,
                    "\nSans heure indiquée, la réunion sera fixée à {t} ; pour une autre heure, ajoutez « heure HH:MM » en créant le sondage.",
                    "\nNo time given: the meeting will be at {t}; for another time, add “time HH:MM” when creating the poll."
                )
            }
        };
        Ok(tr!(
            lang,
            "{text}\n({asked}, {mailed} par courriel ; sondage posté dans {rooms}.){unreachable}{hour}",
            "{text}\n({asked}, {mailed} by mail; poll posted in {rooms}.){unreachable}{hour}"
        ))
    }
}
