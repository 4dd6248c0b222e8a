//! `!seance clore` — close the séance open where it is typed: the draft
//! compte rendu (ordre du jour, each item's notes and decisions, who was
//! there, the relevé des actions) goes to the group's room and list and
//! by mail to the participants with an address, with the date remarks are
//! awaited by (`[minutes] review_days`, seven by default); it is kept as the version under review until
//! it is approved (`!compte-rendu approuver`).

use crate::action::Action;
use crate::exec::{Exec, Outcome};
use crate::minutes::render;
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!seance clore",
    en: "!session close",
    help_fr: "clore la séance ouverte ici : le projet de compte rendu part en relecture",
    help_en: "close the session open here: the draft minutes go out for review",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clore;

impl Clore {
    pub fn parse(args: &mut Args) -> Result<Clore, ParseErrorKind> {
        args.end()?;
        Ok(Clore)
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let (meeting, _) = super::current(ex)?;
        super::may_write(ex, &meeting)?;
        ex.store.close_seance(meeting.id)?;
        let tz = ex.ctx.timezone.clone();
        let Some(draft) = render::render(ex.store, &tz, meeting.id)? else {
            return ex.refuse(tr!(lang, "Réunion introuvable.", "Meeting not found."));
        };
        ex.store.submit_record(
            meeting.id,
            &draft.markdown,
            crate::store::RecordFormat::Markdown,
        )?;
        let until = ex
            .ctx
            .today()
            .checked_add(jiff::Span::new().days(i64::from(ex.ctx.review_days)))
            .unwrap_or(ex.ctx.today());
        let until = crate::words::date_in(lang, until);
        let described = crate::cmd::reunion::describe(ex, &meeting);
        let ask = tr!(
            lang,
            "Projet de compte rendu de la réunion {described} : vos remarques avant le {until}, dans le salon du groupe ou en réponse à ce message, par la ligne {}compte-rendu remarque {} « votre remarque ».",
            "Draft minutes of meeting {described}: your remarks before {until}, in the group's room or in reply to this message, with the line {}minutes remark {} “your remark”.",
            ex.prefix(),
            meeting.id.0
        );
        // The group's room and list.
        let mut posted = false;
        if let Some(g) = meeting.group
            && let Some(group) = ex.store.group(g)?
        {
            ex.actions.push(Action::PostToGroup {
                group: group.slug,
                text: format!("{ask}\n\n{}", draft.markdown),
                meeting: None,
                html: Some(format!(
                    "<p>{}</p>\n{}",
                    crate::text::escape_html(&ask),
                    draft.html
                )),
            });
            posted = true;
        }
        // Each participant with an address: the invitees, and whoever the
        // séance recorded (present or excused) without an invitation.
        let mut participants: Vec<(crate::store::PersonId, Option<String>)> = ex
            .store
            .invitees(meeting.id)?
            .into_iter()
            .map(|i| (i.person.id, i.email))
            .collect();
        for (person, _) in ex.store.attendance(meeting.id)? {
            if !participants.iter().any(|(p, _)| *p == person) {
                participants.push((person, None));
            }
        }
        let mut mailed = 0;
        for (person, email) in participants {
            let email = match email {
                Some(e) => Some(e),
                None => crate::cmd::reunion::email_of(ex, person)?,
            };
            if let Some(to) = email {
                ex.actions.push(Action::SendMail {
                    to,
                    subject: tr!(
                        lang,
                        "Projet de compte rendu : {}",
                        "Draft minutes: {}",
                        meeting.title
                    ),
                    text: format!("{ask}\n\n{}", draft.markdown),
                });
                mailed += 1;
            }
        }
        let whereto = match posted {
            true => tr!(lang, "posté pour le groupe", "posted for the group"),
            false => tr!(
                lang,
                "sans groupe où le poster",
                "with no group to post it to"
            ),
        };
        Ok(tr!(
            lang,
            "Séance close. Projet de compte rendu {whereto}, envoyé à {mailed} participant(s) ; remarques attendues avant le {until}.",
            "Session closed. Draft minutes {whereto}, mailed to {mailed} participant(s); remarks awaited before {until}."
        ))
    }
}
