//! `!note "<texte>"` and `!decision "<texte>"` — a note or a decision in
//! the séance open where they are typed, under its current item. A
//! decision that approves, under the "Approbation du compte rendu" item,
//! approves the group's previous compte rendu.

use crate::cmd::compte_rendu::approuver::approve;
use crate::cmd::reunion::ordre::{is_approval_item, previous_unapproved};
use crate::exec::{Exec, Failure, Outcome};
use crate::meeting::Meeting;
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
            EntryKind::Decision => {
                let noted = tr!(lang, "Décision notée (n°{n}).", "Decision #{n} recorded.");
                match approval(ex, &meeting, seance.item, &self.text)? {
                    Some(approved) => format!("{noted} {approved}"),
                    None => noted,
                }
            }
            _ => tr!(lang, "Noté (n°{n}).", "Noted (#{n})."),
        })
    }
}

/// A decision under the "Approbation du compte rendu" item that approves
/// it ("Le compte rendu est approuvé", not "approbation reportée")
/// approves the group's previous meeting's compte rendu, as
/// `!compte-rendu approuver` would: what that says, or nothing.
fn approval(
    ex: &mut Exec<'_>,
    meeting: &Meeting,
    item: Option<u32>,
    text: &str,
) -> Result<Option<String>, Failure> {
    let agenda = ex.store.agenda(meeting.id)?;
    let Some(title) = item.and_then(|i| agenda.get(i as usize - 1)) else {
        return Ok(None);
    };
    if !is_approval_item(title) || !approves(text) {
        return Ok(None);
    }
    let Some(previous) = previous_unapproved(ex, meeting)? else {
        return Ok(None);
    };
    approve(ex, &previous).map(Some)
}

/// Does a decision's text approve (and not put off or refuse)?
fn approves(text: &str) -> bool {
    let t = crate::text::fold(text);
    let says = t.contains("approuv") || t.contains("approv") || t.contains("adopt");
    let against = [
        "pas ", "non ", "report", "ajourn", "refus", "not ", "postpon", "reject",
    ]
    .iter()
    .any(|w| t.contains(w));
    says && !against
}
