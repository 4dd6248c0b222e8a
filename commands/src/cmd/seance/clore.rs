//! `!seance clore` — close the séance open where it is typed: the draft
//! compte rendu (ordre du jour, each item's notes and decisions, who was
//! there, the relevé des actions) goes to the group's room and list and
//! by mail to the participants with an address, with the date remarks are
//! awaited by (`[minutes] review_days`, seven by default); a plain reply
//! to that mail is a remark on the draft (its Message-ID is remembered).
//! The draft is kept as the version under review until it is approved
//! (`!compte-rendu approuver`).

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
        let until = crate::words::date_near(lang, until, ex.ctx.today());
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
        // Each participant with an address, in a mail a reply to which is
        // a remark on the draft.
        let subject = tr!(
            lang,
            "Projet de compte rendu : {}",
            "Draft minutes: {}",
            meeting.title
        );
        let by_reply = tr!(
            lang,
            "Vous pouvez aussi répondre simplement à ce message : votre réponse est jointe au projet comme remarque, telle que vous l'écrivez.",
            "You may also simply reply to this message: your reply is attached to the draft as a remark, as you write it."
        );
        let domain = ex.ctx.mail_domain().map(str::to_string);
        let mut mailed = 0;
        // Who only reads mail hears of mail alone.
        let by_mail_only = tr!(
            lang,
            "Projet de compte rendu de la réunion {described} : vos remarques avant le {until}, en réponse à ce message ; votre réponse est jointe au projet comme remarque, telle que vous l'écrivez.",
            "Draft minutes of meeting {described}: your remarks before {until}, in reply to this message; your reply is attached to the draft as a remark, as you write it."
        );
        for (person, to) in crate::cmd::compte_rendu::recipients(ex, &meeting)? {
            let in_rooms = ex
                .store
                .identities(person.id)?
                .iter()
                .any(|(i, _)| i.kind == crate::store::IdentityKind::Matrix);
            let text = match in_rooms {
                true => format!("{ask}\n{by_reply}\n\n{}", draft.markdown),
                false => format!("{by_mail_only}\n\n{}", draft.markdown),
            };
            ex.actions.push(match &domain {
                Some(domain) => {
                    let message_id = format!("draft.{}@{domain}", ex.store.random_token()?);
                    ex.store
                        .record_draft_mail(&message_id, meeting.id, person.id)?;
                    Action::AskByMail {
                        to,
                        name: person.name,
                        subject: subject.clone(),
                        text,
                        message_id,
                    }
                }
                None => Action::SendMail {
                    to,
                    subject: subject.clone(),
                    text,
                },
            });
            mailed += 1;
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
            "Séance close. Projet de compte rendu {whereto}, envoyé à {} ; remarques attendues avant le {until}.",
            "Session closed. Draft minutes {whereto}, mailed to {}; remarks awaited before {until}.",
            crate::words::count_or_none(
                lang,
                mailed,
                "aucun",
                ("participant", "participants"),
                ("participant", "participants")
            )
        ))
    }
}
