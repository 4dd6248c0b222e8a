//! `!compte-rendu …` — the compte rendu of a meeting as a record:
//! approving it freezes its text.

pub mod approuver;
pub mod remarque;

use crate::cmd::Command;
use crate::exec::{Exec, Failure, Outcome};
use crate::meeting::Meeting;
use crate::parse::{Entry, Kind, Usage};
use crate::store::Person;

pub const USAGE: Usage = Usage {
    fr: "!compte-rendu approuver|remarque|remarques …",
    en: "!minutes approve|remark|remarks …",
    help_fr: "les comptes rendus des réunions",
    help_en: "meeting minutes",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompteRendu {
    Approuver(approuver::Approuver),
    Remarque(remarque::Remarque),
}

/// `!compte-rendu` and its subcommands, with their aliases.
pub const COMMAND: Entry = Entry {
    words: &["compterendu", "comptesrendus", "cr", "minutes"],
    kind: Kind::Family {
        usage: &USAGE,
        bare: None,
        subs: &[
            Entry::one(
                &["approuver", "approve", "valider"],
                &approuver::USAGE,
                |a| {
                    Ok(Command::CompteRendu(CompteRendu::Approuver(
                        approuver::Approuver::parse(a)?,
                    )))
                },
            ),
            Entry::one(&["remarque", "remark"], &remarque::USAGE, |a| {
                Ok(Command::CompteRendu(CompteRendu::Remarque(
                    remarque::Remarque::parse(a)?,
                )))
            }),
            Entry::one(&["remarques", "remarks"], &remarque::USAGE_LIST, |a| {
                Ok(Command::CompteRendu(CompteRendu::Remarque(
                    remarque::Remarque::parse_list(a)?,
                )))
            }),
        ],
    },
};

impl CompteRendu {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            CompteRendu::Approuver(c) => c.apply(ex),
            CompteRendu::Remarque(c) => c.apply(ex),
        }
    }
}

/// Who a meeting's compte rendu is mailed to (its draft, then the
/// approved text): the invitees, and whoever the séance recorded (present
/// or excused) without an invitation; each once, those with an address.
pub(crate) fn recipients(
    ex: &mut Exec<'_>,
    meeting: &Meeting,
) -> Result<Vec<(Person, String)>, Failure> {
    let mut people: Vec<(Person, Option<String>)> = ex
        .store
        .invitees(meeting.id)?
        .into_iter()
        .map(|i| (i.person, i.email))
        .collect();
    for (id, _) in ex.store.attendance(meeting.id)? {
        if !people.iter().any(|(p, _)| p.id == id) {
            let person = ex.store.person(id)?;
            people.push((person, None));
        }
    }
    let mut out = Vec::new();
    for (person, email) in people {
        let email = match email {
            Some(e) => Some(e),
            None => ex.store.email_of(person.id)?,
        };
        if let Some(to) = email {
            out.push((person, to));
        }
    }
    Ok(out)
}
