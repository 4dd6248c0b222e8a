//! `!seance ouvrir [<id>]` — open a meeting's séance where it is typed:
//! without a number, the meeting of the room's group nearest to now
//! (begun in the last twelve hours, or the next one).

use crate::exec::{Exec, Outcome};
use crate::meeting::Meeting;
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!seance ouvrir [<réunion>]",
    en: "!session open [<meeting>]",
    help_fr: "ouvrir la séance d'une réunion ici",
    help_en: "open a meeting's session here",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ouvrir {
    pub id: Option<i64>,
}

impl Ouvrir {
    pub fn parse(args: &mut Args) -> Result<Ouvrir, ParseErrorKind> {
        let id = match args.is_empty() {
            true => None,
            false => Some(crate::cmd::reunion::meeting_id(args)?),
        };
        args.end()?;
        Ok(Ouvrir { id })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let place = super::place(ex)?;
        let meeting = match self.id {
            Some(id) => crate::cmd::reunion::find_meeting(ex, id)?,
            None => match room_meeting(ex)? {
                Some(m) => m,
                None => {
                    return ex.refuse(tr!(
                        lang,
                        "Je ne vois pas de quelle réunion il s'agit : {}seance ouvrir <réunion>.",
                        "I cannot tell which meeting this is: {}session open <meeting>.",
                        ex.prefix()
                    ));
                }
            },
        };
        super::may_write(ex, &meeting)?;
        if meeting.status == crate::meeting::MeetingStatus::Cancelled {
            return ex.refuse(tr!(
                lang,
                "La réunion n°{} est annulée.",
                "Meeting #{} is cancelled.",
                meeting.id.0
            ));
        }
        if let Some(open) = ex.store.open_seance_at(&place)?
            && open.meeting != meeting.id
        {
            return ex.refuse(tr!(
                lang,
                "La séance de la réunion n°{} est ouverte ici : {}seance clore d'abord.",
                "The session of meeting #{} is open here: {}session close first.",
                open.meeting.0,
                ex.prefix()
            ));
        }
        if let Some(s) = ex.store.seance(meeting.id)?
            && s.closed_at.is_some()
        {
            return ex.refuse(tr!(
                lang,
                "La séance de la réunion n°{} est close : son compte rendu est en relecture.",
                "The session of meeting #{} is closed: its minutes are under review.",
                meeting.id.0
            ));
        }
        ex.store.open_seance(meeting.id, &place)?;
        let described = crate::cmd::reunion::describe(ex, &meeting);
        let agenda = ex.store.agenda(meeting.id)?;
        let mut lines = vec![tr!(
            lang,
            "Séance ouverte : réunion {described}. Chaque entrée reçoit un numéro ; {}corriger <n> « … » ou {}retirer <n> la reprennent.",
            "Session open: meeting {described}. Each entry gets a number; {}correct <n> “…” or {}remove <n> take it back.",
            ex.prefix(),
            ex.prefix()
        )];
        if !agenda.is_empty() {
            lines.push(tr!(lang, "Ordre du jour :", "Agenda:"));
            for (i, item) in agenda.iter().enumerate() {
                lines.push(format!("{}. {item}", i + 1));
            }
        }
        Ok(lines.join("\n"))
    }
}

/// The meeting of the room's group nearest to now: begun in the last
/// twelve hours, else the next one.
fn room_meeting(ex: &mut Exec<'_>) -> Result<Option<Meeting>, crate::exec::Failure> {
    let crate::request::Origin::Matrix { room, .. } = &ex.req.origin else {
        return Ok(None);
    };
    let room = room.clone();
    let Some(group) = ex.store.group_by_room(&room)? else {
        return Ok(None);
    };
    let since = ex
        .ctx
        .now
        .checked_sub(jiff::SignedDuration::from_hours(12))
        .unwrap_or(ex.ctx.now);
    let found = ex
        .store
        .upcoming_meetings(since)?
        .into_iter()
        .filter(|m| m.group == Some(group.id) && crate::cmd::reunion::is_open(m))
        .min_by_key(|m| m.starts_at);
    Ok(found)
}
