//! `!compte-rendu remarque <id> "<texte>"` — a remark on a meeting's
//! draft compte rendu, in a room or by mail: attached to the draft, shown
//! to whoever approves it, never applied to the text by itself.
//! `!compte-rendu remarques <id>` lists them.

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::store::{MeetingId, in_force};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!compte-rendu remarque <id> \"<texte>\"",
    en: "!minutes remark <id> \"<text>\"",
    help_fr: "faire une remarque sur le projet de compte rendu d'une réunion",
    help_en: "make a remark on a meeting's draft minutes",
};

pub const USAGE_LIST: Usage = Usage {
    fr: "!compte-rendu remarques <id>",
    en: "!minutes remarks <id>",
    help_fr: "les remarques reçues sur le projet de compte rendu",
    help_en: "the remarks received on the draft minutes",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remarque {
    pub id: i64,
    /// None: list the remarks.
    pub text: Option<String>,
}

impl Remarque {
    pub fn parse(args: &mut Args) -> Result<Remarque, ParseErrorKind> {
        let id = crate::cmd::reunion::meeting_id(args)?;
        let text = parse::bounded(args.rest(Arg::Text)?, Arg::Text)?;
        Ok(Remarque {
            id,
            text: Some(text),
        })
    }

    pub fn parse_list(args: &mut Args) -> Result<Remarque, ParseErrorKind> {
        let id = crate::cmd::reunion::meeting_id(args)?;
        args.end()?;
        Ok(Remarque { id, text: None })
    }

    /// "remarque sur le compte rendu de la réunion n°3 : « … »"
    pub fn summary(&self, lang: crate::Lang) -> Option<String> {
        let text = crate::text::excerpt(&crate::text::one_line(self.text.as_deref()?), 120);
        Some(tr!(
            lang,
            "remarque sur le compte rendu de la réunion n°{} : « {text} »",
            "remark on the minutes of meeting #{}: “{text}”",
            self.id
        ))
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let meeting = crate::cmd::reunion::find_meeting(ex, self.id)?;
        let described = crate::cmd::reunion::describe(ex, &meeting);
        let Some(text) = self.text else {
            let remarks = ex.store.remarks(meeting.id)?;
            if remarks.is_empty() {
                return Ok(tr!(
                    lang,
                    "Aucune remarque sur le compte rendu de la réunion {described}.",
                    "No remark on the minutes of meeting {described}."
                ));
            }
            let mut lines = vec![tr!(
                lang,
                "Remarques sur le compte rendu de la réunion {described} :",
                "Remarks on the minutes of meeting {described}:"
            )];
            for (author, text, at) in remarks {
                let day = crate::words::date_near(
                    lang,
                    at.to_zoned(ex.ctx.timezone.clone()).date(),
                    ex.ctx.today(),
                );
                lines.push(format!("• {author} ({day}) : {text}"));
            }
            return Ok(lines.join("\n"));
        };
        let me = crate::cmd::reunion::sender_person(ex)?;
        if let Some(approved) = in_force(&ex.store.records(MeetingId(self.id))?) {
            return ex.refuse(tr!(
                lang,
                "Le compte rendu de la réunion n°{} est approuvé (version {}) : il ne change plus ; une correction passe par un rectificatif, que son organisateur approuve.",
                "The minutes of meeting #{} are approved (version {}): they do not change any more; a correction is a new version its organiser approves.",
                self.id,
                approved.version
            ));
        }
        let channel = ex.req.origin.channel_name().to_string();
        ex.store.add_remark(meeting.id, &me.name, &text, &channel)?;
        let count = ex.store.remarks(meeting.id)?.len();
        Ok(tr!(
            lang,
            "Remarque jointe au projet de compte rendu de la réunion {described} ({count} en tout) ; le rédacteur en tient compte avant l'approbation.",
            "Remark attached to the draft minutes of meeting {described} ({count} in all); the minute-taker takes it into account before approval."
        ))
    }
}
