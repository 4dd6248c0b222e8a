//! `!point [<n> | "<titre>"]` — the item of the ordre du jour being
//! discussed: its number, a title (added to the ordre du jour when it is
//! not on it), or, alone, the next one.

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!point [<n> | \"<titre>\"]",
    en: "!topic [<n> | \"<title>\"]",
    help_fr: "passer à un point de l'ordre du jour, dans la séance ouverte ici",
    help_en: "move to an agenda item, in the session open here",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Point {
    Next,
    Number(u32),
    Title(String),
}

impl Point {
    pub fn parse(args: &mut Args) -> Result<Point, ParseErrorKind> {
        if args.is_empty() {
            return Ok(Point::Next);
        }
        let rest = args.rest(Arg::Title)?;
        Ok(match rest.trim_start_matches('#').parse::<u32>() {
            Ok(n) if n >= 1 => Point::Number(n),
            _ => Point::Title(parse::bounded(rest, Arg::Title)?),
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let (meeting, seance) = super::current(ex)?;
        super::may_write(ex, &meeting)?;
        let mut agenda = ex.store.agenda(meeting.id)?;
        let n = match self {
            Point::Next => seance.item.map_or(1, |i| i + 1),
            Point::Number(n) => n,
            Point::Title(title) => {
                match agenda
                    .iter()
                    .position(|i| crate::text::name_key(i) == crate::text::name_key(&title))
                {
                    Some(i) => i as u32 + 1,
                    None => {
                        agenda.push(title);
                        ex.store.set_agenda(meeting.id, &agenda)?;
                        agenda.len() as u32
                    }
                }
            }
        };
        let Some(title) = agenda.get(n as usize - 1) else {
            return ex.refuse(crate::cmd::reunion::no_such_item(lang, n, agenda.len()));
        };
        let title = title.clone();
        ex.store.set_seance_item(meeting.id, Some(n))?;
        Ok(tr!(lang, "Point {n} : {title}", "Item {n}: {title}"))
    }
}
