//! `!reunion annuler <id>` — cancel a meeting; the invitees are told.

use crate::exec::{Exec, Outcome};
use crate::parse::{Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!reunion annuler <id>",
    en: "!meeting cancel <id>",
    help_fr: "annuler une réunion (les invités sont prévenus)",
    help_en: "cancel a meeting (invitees are told)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annuler {
    pub id: i64,
}

impl Annuler {
    pub fn parse(args: &mut Args) -> Result<Annuler, ParseErrorKind> {
        let id = super::meeting_id(args)?;
        args.end()?;
        Ok(Annuler { id })
    }
}

impl Annuler {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let meeting = super::to_manage(ex, self.id)?;
        ex.store.cancel_meeting(meeting.id)?;
        let (mailed, described) = super::tell_everyone(ex, self.id, "CANCEL", None, |d| {
            tr!(lang, "Réunion {d} annulée.", "Meeting {d} cancelled.")
        })?;
        let told = super::told(lang, mailed);
        Ok(tr!(
            lang,
            "Réunion {described} annulée ; {told} par courriel.",
            "Meeting {described} cancelled; {told} by email."
        ))
    }
}
