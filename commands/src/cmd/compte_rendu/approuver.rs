//! `!compte-rendu approuver <id>` — approve a meeting's compte rendu as it
//! reads today: its text is frozen (stored as approved, with its SHA-256,
//! who approved it and when). Approving a meeting's compte rendu again is
//! a rectificatif: a new version, the earlier one kept. The approved text
//! goes to the meeting's participants by mail, with its PDF and its ODT.

use crate::action::Action;
use crate::cmd::reunion::{describe, find_meeting, may_keep_record};
use crate::exec::{Exec, Outcome};
use crate::meeting::Meeting;
use crate::minutes::record;
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::store::in_force;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!compte-rendu approuver <id>",
    en: "!minutes approve <id>",
    help_fr: "approuver le compte rendu d'une réunion : son texte est figé",
    help_en: "approve a meeting's minutes: their text is frozen",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approuver {
    pub id: i64,
}

impl Approuver {
    pub fn parse(args: &mut Args) -> Result<Approuver, ParseErrorKind> {
        let id = crate::cmd::reunion::meeting_id(args)?;
        args.end()?;
        Ok(Approuver { id })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let meeting = find_meeting(ex, self.id)?;
        may_keep_record(ex, &meeting)?;
        // A meeting still to come has no compte rendu to approve, unless
        // its séance was held (and closed) already.
        let held = ex
            .store
            .seance(meeting.id)?
            .is_some_and(|s| s.closed_at.is_some());
        if meeting.starts_at > ex.ctx.now && !held {
            return ex.refuse(tr!(
                lang,
                "La réunion n°{} n'a pas encore eu lieu : son compte rendu s'approuve après.",
                "Meeting #{} has not taken place yet: its minutes are approved afterwards.",
                self.id
            ));
        }
        approve(ex, &meeting)
    }
}

/// Approves `meeting`'s compte rendu as it reads today in the sender's
/// name, mails the approved text to its participants with the PDF and the
/// ODT attached, and says so; nothing when it is approved as it is
/// already. For `!compte-rendu approuver` and for a decision taken under
/// the next meeting's "Approbation du compte rendu" item.
pub(crate) fn approve(ex: &mut Exec<'_>, meeting: &Meeting) -> Outcome {
    let lang = ex.lang();
    let id = meeting.id.0;
    let by = match ex.me()? {
        Some(p) => p.name,
        None => ex.new_person_name(),
    };
    let before = in_force(&ex.store.records(meeting.id)?).cloned();
    let day = crate::words::day_in(lang, ex.ctx.today());
    let note = before
        .as_ref()
        .map(|_| tr!(lang, "rectificatif du {day}", "correction of {day}"));
    let described = describe(ex, meeting);
    let tz = ex.ctx.timezone.clone();
    let Some(approved) = record::approve(ex.store, &tz, meeting.id, &by, note.as_deref())? else {
        let v = before.map_or(0, |r| r.version);
        return Ok(tr!(
            lang,
            "Le compte rendu de la réunion {described} est déjà approuvé tel quel (version {v}) : rien ne change.",
            "The minutes of meeting {described} are already approved as they are (version {v}): nothing changes."
        ));
    };
    let short = &approved.sha256[..16];
    let remarks = ex.store.remarks(meeting.id)?.len();
    let remarks = match remarks {
        0 => String::new(),
        n => tr!(
            lang,
            " Remarques reçues sur le projet : {n} ({}compte-rendu remarques {}).",
            " Remarks received on the draft: {n} ({}minutes remarks {}).",
            ex.prefix(),
            id
        ),
    };
    // The approved text to each participant, with its PDF and ODT.
    let subject = match before {
        None => tr!(
            lang,
            "Compte rendu approuvé : {}",
            "Approved minutes: {}",
            meeting.title
        ),
        Some(_) => tr!(
            lang,
            "Rectificatif du compte rendu : {}",
            "Corrected minutes: {}",
            meeting.title
        ),
    };
    let recipients = super::recipients(ex, meeting)?;
    let mailed = recipients.len();
    for (person, to) in recipients {
        let text = tr!(
            lang,
            "Bonjour {},\n\nLe compte rendu de la réunion {described} est approuvé (version {}, le {day}) ; le voici, joint aussi en PDF et en OpenDocument (.odt).\n\n{}\n\n— greffier",
            "Hello {},\n\nThe minutes of meeting {described} are approved (version {}, on {day}); here they are, attached as PDF and OpenDocument (.odt) too.\n\n{}\n\n— greffier",
            person.name,
            approved.version,
            approved.body
        );
        ex.actions.push(Action::SendRecord {
            to,
            name: person.name,
            subject: subject.clone(),
            text,
            meeting: id,
            version: approved.version,
        });
    }
    let sent = match mailed {
        0 => String::new(),
        n => {
            let n = crate::words::count(
                lang,
                n,
                ("participant", "participants"),
                ("participant", "participants"),
            );
            tr!(
                lang,
                " Envoyé à {n}, en PDF et ODT.",
                " Mailed to {n}, as PDF and ODT."
            )
        }
    };
    Ok(match before {
        None => tr!(
            lang,
            "Compte rendu de la réunion {described} approuvé (version {}) : son texte est désormais figé (SHA-256 {short}…).{remarks}{sent}",
            "Minutes of meeting {described} approved (version {}): their text is now frozen (SHA-256 {short}…).{remarks}",
            approved.version
        ),
        Some(earlier) => tr!(
            lang,
            "Rectificatif du compte rendu de la réunion {described} approuvé (version {}) ; la version {} reste consultable, inchangée (SHA-256 {short}…).{sent}",
            "Correction of the minutes of meeting {described} approved (version {}); version {} stays readable, unchanged (SHA-256 {short}…).{sent}",
            approved.version,
            earlier.version
        ),
    })
}
