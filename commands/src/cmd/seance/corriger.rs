//! `!corriger <n> "<texte>"` and `!retirer <n>` — take back an entry of
//! the séance open where they are typed (a note, a decision, an action):
//! correct its text, or remove it. The entry keeps its number.

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!corriger <n> \"<texte>\"",
    en: "!correct <n> \"<text>\"",
    help_fr: "corriger l'entrée n°n de la séance ouverte ici",
    help_en: "correct entry #n of the session open here",
};

pub const USAGE_RETIRER: Usage = Usage {
    fr: "!retirer <n>",
    en: "!remove <n>",
    help_fr: "retirer l'entrée n°n de la séance ouverte ici",
    help_en: "remove entry #n of the session open here",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corriger {
    pub n: u32,
    /// None: remove the entry.
    pub text: Option<String>,
}

impl Corriger {
    pub fn parse(args: &mut Args) -> Result<Corriger, ParseErrorKind> {
        let n = parse::number(args)?;
        let text = parse::bounded(args.rest(Arg::Text)?, Arg::Text)?;
        Ok(Corriger {
            n,
            text: Some(text),
        })
    }

    pub fn parse_remove(args: &mut Args) -> Result<Corriger, ParseErrorKind> {
        let n = parse::number(args)?;
        args.end()?;
        Ok(Corriger { n, text: None })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let (meeting, _) = super::current(ex)?;
        super::may_write(ex, &meeting)?;
        let n = self.n;
        let done = match &self.text {
            Some(text) => ex.store.correct_entry(meeting.id, n, text)?,
            None => ex.store.remove_entry(meeting.id, n)?,
        };
        if !done {
            return ex.refuse(tr!(
                lang,
                "Il n'y a pas d'entrée n°{n} dans cette séance.",
                "There is no entry #{n} in this session."
            ));
        }
        Ok(match self.text {
            Some(_) => tr!(lang, "Entrée corrigée (n°{n}).", "Entry #{n} corrected."),
            None => tr!(lang, "Entrée retirée (n°{n}).", "Entry #{n} removed."),
        })
    }
}
