//! `!note "<texte>"` and `!decision "<texte>"` — a note or a decision in
//! the séance open where they are typed, under its current item.

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::store::EntryKind;
use crate::tr;

pub const USAGE_NOTE: Usage = Usage {
    fr: "!note \"<texte>\"",
    en: "!note \"<text>\"",
    help_fr: "noter ce qui est dit, dans la séance ouverte ici",
    help_en: "note what is said, in the session open here",
};

pub const USAGE_DECISION: Usage = Usage {
    fr: "!decision \"<texte>\"",
    en: "!decision \"<text>\"",
    help_fr: "noter une décision, dans la séance ouverte ici",
    help_en: "record a decision, in the session open here",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub kind: EntryKind,
    pub text: String,
}

impl Note {
    pub fn parse(kind: EntryKind, args: &mut Args) -> Result<Note, ParseErrorKind> {
        let text = parse::bounded(args.rest(Arg::Text)?, Arg::Text)?;
        Ok(Note { kind, text })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let (meeting, seance) = super::current(ex)?;
        super::may_write(ex, &meeting)?;
        let author = super::author(ex)?;
        let n = ex
            .store
            .add_entry(meeting.id, self.kind, seance.item, &self.text, &author)?;
        Ok(match self.kind {
            EntryKind::Decision => tr!(lang, "Décision n°{n} notée.", "Decision #{n} recorded."),
            _ => tr!(lang, "Noté (n°{n}).", "Noted (#{n})."),
        })
    }
}
