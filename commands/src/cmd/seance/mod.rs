//! The séance: a meeting held in a room (the group's room, or a room
//! linked to the meeting) or around a table (the console), and what the
//! rédacteur records during it. `!seance ouvrir|clore` here; the entries
//! (`!point`, `!note`, `!decision`, `!action`, `!presence`, `!ici`,
//! `!corriger`, `!retirer`) in their own modules. Each entry is numbered
//! in the meeting, attributed and timed, acknowledged with one short
//! line, and correctable; it is written in the same transaction as its
//! acknowledgement, so a crash loses none and doubles none.

pub mod action;
pub mod clore;
pub mod corriger;
pub mod entry;
pub mod ouvrir;
pub mod point;
pub mod presence;
pub mod suivi;

use crate::cmd::Command;
use crate::exec::{Exec, Failure, Outcome};
use crate::meeting::Meeting;
use crate::parse::{Entry, Kind, Usage};
use crate::request::Origin;
use crate::store::{MeetingId, Seance};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!seance ouvrir|clore …",
    en: "!session open|close …",
    help_fr: "tenir la séance d'une réunion (notes, décisions, actions, présences)",
    help_en: "hold a meeting's session (notes, decisions, actions, attendance)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeanceCmd {
    Ouvrir(ouvrir::Ouvrir),
    Clore(clore::Clore),
}

/// `!seance` and its subcommands, with their aliases.
pub const COMMAND: Entry = Entry {
    words: &["seance", "session"],
    kind: Kind::Family {
        usage: &USAGE,
        bare: None,
        subs: &[
            Entry::one(&["ouvrir", "open", "start"], &ouvrir::USAGE, |a| {
                Ok(Command::Seance(SeanceCmd::Ouvrir(ouvrir::Ouvrir::parse(
                    a,
                )?)))
            }),
            Entry::one(&["clore", "close", "end", "fermer"], &clore::USAGE, |a| {
                Ok(Command::Seance(SeanceCmd::Clore(clore::Clore::parse(a)?)))
            }),
        ],
    },
};

impl SeanceCmd {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            SeanceCmd::Ouvrir(c) => c.apply(ex),
            SeanceCmd::Clore(c) => c.apply(ex),
        }
    }
}

/// Where the sender types: the place a séance is held at, or a refusal
/// (a séance is held in a room or at the console, not by mail).
pub(crate) fn place(ex: &Exec<'_>) -> Result<String, Failure> {
    match &ex.req.origin {
        Origin::Matrix { room, .. } => Ok(format!("matrix:{room}")),
        Origin::Console => Ok("console".into()),
        Origin::Other { name, to } => Ok(format!("{name}:{to}")),
        Origin::Email { .. } => ex.refuse(tr!(
            ex.lang(),
            "Une séance se tient dans un salon ou à la console, pas par courriel.",
            "A session is held in a room or at the console, not by mail."
        )),
    }
}

/// The séance open where the sender types, with its meeting; or a
/// refusal saying how to open one.
pub(crate) fn current(ex: &mut Exec<'_>) -> Result<(Meeting, Seance), Failure> {
    let place = place(ex)?;
    let Some(seance) = ex.store.open_seance_at(&place)? else {
        return ex.refuse(tr!(
            ex.lang(),
            "Aucune séance n'est ouverte ici : {}seance ouvrir <réunion>.",
            "No session is open here: {}session open <meeting>.",
            ex.prefix()
        ));
    };
    let meeting = crate::cmd::reunion::find_meeting(ex, seance.meeting.0)?;
    Ok((meeting, seance))
}

/// May the sender record in the meeting's séance? Its rédacteur, and who
/// may keep its record (admins, the group's lead, the organising
/// organisation's confirmed members).
pub(crate) fn may_write(ex: &mut Exec<'_>, meeting: &Meeting) -> Result<(), Failure> {
    let (taker, _) = ex.store.meeting_record(MeetingId(meeting.id.0))?;
    if let (Some(taker), Some(me)) = (taker, ex.me()?)
        && taker == me.id
    {
        return Ok(());
    }
    crate::cmd::reunion::may_keep_record(ex, meeting).map_err(|e| match e {
        Failure::Refused(_) => Failure::Refused(tr!(
            ex.lang(),
            "Refusé : réservé au rédacteur, aux administrateurs, à l'organisation qui a organisé la réunion et au chef de projet du groupe.",
            "Refused: only the minute-taker, admins, the meeting's organising organisation and the group's lead may do this."
        )),
        other => other,
    })
}

/// The name an entry is signed with: the sender's.
pub(crate) fn author(ex: &mut Exec<'_>) -> Result<String, Failure> {
    Ok(match ex.me()? {
        Some(p) => p.name,
        None => ex.new_person_name(),
    })
}
