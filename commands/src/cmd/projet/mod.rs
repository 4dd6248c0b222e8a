//! `!projet …` — where a group's project stands: status and milestones.

pub mod jalon;
pub mod statut;

use crate::exec::{Exec, Outcome};
use crate::parse::{Args, ParseError, ParseErrorKind, Usage};

pub const USAGE: Usage = Usage {
    fr: "!projet statut|jalon …",
    en: "!project status|milestone …",
    help_fr: "l'avancement des projets",
    help_en: "project progress",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Projet {
    Statut(statut::Statut),
    Jalon(jalon::Jalon),
}

pub fn usage_of(word: &str) -> Option<&'static Usage> {
    match word {
        "statut" | "status" | "etat" => Some(&statut::USAGE),
        "jalon" | "milestone" => Some(&jalon::USAGE),
        _ => None,
    }
}

impl Projet {
    pub fn parse(args: &mut Args) -> Result<Projet, ParseError> {
        let word = args.next_keyword().unwrap_or_default();
        let Some(usage) = usage_of(&word) else {
            return Err(ParseError {
                kind: ParseErrorKind::UnknownSubcommand(crate::text::excerpt(&word, 40)),
                usage: Some(&USAGE),
            });
        };
        let parsed = match word.as_str() {
            "jalon" | "milestone" => jalon::Jalon::parse(args).map(Projet::Jalon),
            _ => statut::Statut::parse(args).map(Projet::Statut),
        };
        parsed.map_err(|kind| ParseError {
            kind,
            usage: Some(usage),
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Projet::Statut(c) => c.apply(ex),
            Projet::Jalon(c) => c.apply(ex),
        }
    }
}
