//! `!presence <personne|organisation> … [excuse]` — the rédacteur records
//! who is there (or excused): people by name, Matrix ID or address, or an
//! organisation for its invitees; names with spaces between quotes.
//! `!ici` — a participant checks in (and `!present` typed without a
//! meeting number in a room where a séance is open means the same).

use crate::exec::{Exec, Failure, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::store::{Attended, Person};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!presence <personne|organisation> … [excuse]",
    en: "!presence <person|organisation> … [excused]",
    help_fr: "noter qui est présent (ou excusé), dans la séance ouverte ici",
    help_en: "record who is present (or excused), in the session open here",
};

pub const USAGE_ICI: Usage = Usage {
    fr: "!ici",
    en: "!here",
    help_fr: "signaler votre présence à la séance ouverte ici",
    help_en: "check in to the session open here",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    pub names: Vec<String>,
    pub excused: bool,
}

impl Presence {
    pub fn parse(args: &mut Args) -> Result<Presence, ParseErrorKind> {
        let mut names = Vec::new();
        let mut excused = false;
        while let Some(t) = args.next_token() {
            let k = crate::text::keyword(&t.text);
            if !t.quoted && matches!(k.as_str(), "excuse" | "excusee" | "excuses" | "excused") {
                excused = true;
                continue;
            }
            for name in t.text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                names.push(parse::bounded(name.to_string(), Arg::Person)?);
            }
        }
        if names.is_empty() {
            return Err(ParseErrorKind::Missing(Arg::Person));
        }
        Ok(Presence { names, excused })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let (meeting, _) = super::current(ex)?;
        super::may_write(ex, &meeting)?;
        let by = super::author(ex)?;
        let attended = match self.excused {
            true => Attended::Excused,
            false => Attended::Present,
        };
        let mut recorded: Vec<String> = Vec::new();
        for name in &self.names {
            for person in people(ex, meeting.id, name)? {
                ex.store
                    .record_attendance(meeting.id, person.id, attended, &by)?;
                recorded.push(person.name);
            }
        }
        let list = crate::words::list(lang, &recorded);
        let many = recorded.len() > 1;
        Ok(match (attended, many) {
            (Attended::Present, false) => tr!(lang, "Présence notée : {list}.", "Present: {list}."),
            (Attended::Present, true) => {
                tr!(lang, "Présences notées : {list}.", "Present: {list}.")
            }
            (Attended::Excused, false) => tr!(lang, "Excuse notée : {list}.", "Excused: {list}."),
            (Attended::Excused, true) => tr!(lang, "Excuses notées : {list}.", "Excused: {list}."),
        })
    }
}

/// The people a name stands for: an organisation's invitees (or a
/// refusal when none is invited), else one person.
fn people(
    ex: &mut Exec<'_>,
    meeting: crate::store::MeetingId,
    name: &str,
) -> Result<Vec<Person>, Failure> {
    if crate::store::Identity::parse(name).is_none()
        && let Some(org) = ex.store.organisation_by_key(&crate::text::name_key(name))?
    {
        let invited: Vec<Person> = ex
            .store
            .invitees(meeting)?
            .into_iter()
            .map(|i| i.person)
            .filter(|p| p.organisation == Some(org.id))
            .collect();
        if invited.is_empty() {
            let name = &org.name;
            let de_name = crate::words::de(name);
            return ex.refuse(tr!(
                ex.lang(),
                "Personne {de_name} n'est invité à cette réunion : nommez la personne.",
                "Nobody of {name} is invited to this meeting: name the person."
            ));
        }
        return Ok(invited);
    }
    Ok(vec![crate::membership::find_person(ex, name)?])
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ici;

impl Ici {
    pub fn parse(args: &mut Args) -> Result<Ici, ParseErrorKind> {
        args.end()?;
        Ok(Ici)
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let (meeting, _) = super::current(ex)?;
        let me = crate::cmd::reunion::sender_person(ex)?;
        ex.store
            .record_attendance(meeting.id, me.id, Attended::Present, &me.name)?;
        Ok(tr!(
            lang,
            "{}, votre présence est notée.",
            "{}, you are recorded present.",
            me.name
        ))
    }
}
