//! `!groupe …` — working groups: list, info, join, leave, propose, support,
//! lead, and tying a room to a group.

pub mod chef;
pub mod info;
pub mod lier;
pub mod liste;
pub mod proposer;
pub mod quitter;
pub mod rejoindre;
pub mod soutenir;

use crate::exec::{Exec, Outcome};
use crate::parse::{Args, ParseError, ParseErrorKind, Usage};

/// The family's usage, for `!groupe` without a known subcommand.
pub const USAGE: Usage = Usage {
    fr: "!groupe liste|info|rejoindre|quitter|proposer|soutenir|chef|lier …",
    en: "!group list|info|join|leave|propose|support|lead|link …",
    help_fr: "les groupes de travail",
    help_en: "working groups",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Groupe {
    Liste(liste::Liste),
    Info(info::Info),
    Rejoindre(rejoindre::Rejoindre),
    Quitter(quitter::Quitter),
    Proposer(proposer::Proposer),
    Soutenir(soutenir::Soutenir),
    Chef(chef::Chef),
    Lier(lier::Lier),
}

/// The usage of `!groupe <word>`, if `word` names a subcommand.
pub fn usage_of(word: &str) -> Option<&'static Usage> {
    Some(match word {
        "liste" | "list" | "ls" => &liste::USAGE,
        "info" | "infos" | "show" => &info::USAGE,
        "rejoindre" | "join" => &rejoindre::USAGE,
        "quitter" | "leave" => &quitter::USAGE,
        "proposer" | "propose" => &proposer::USAGE,
        "soutenir" | "support" => &soutenir::USAGE,
        "chef" | "lead" => &chef::USAGE,
        "lier" | "link" => &lier::USAGE,
        _ => return None,
    })
}

impl Groupe {
    pub fn parse(args: &mut Args) -> Result<Groupe, ParseError> {
        let word = args.next_keyword().unwrap_or_default();
        let Some(usage) = usage_of(&word) else {
            return Err(ParseError {
                kind: ParseErrorKind::UnknownSubcommand(crate::text::excerpt(&word, 40)),
                usage: Some(&USAGE),
            });
        };
        let parsed = match word.as_str() {
            "liste" | "list" | "ls" => liste::Liste::parse(args).map(Groupe::Liste),
            "info" | "infos" | "show" => info::Info::parse(args).map(Groupe::Info),
            "rejoindre" | "join" => rejoindre::Rejoindre::parse(args).map(Groupe::Rejoindre),
            "quitter" | "leave" => quitter::Quitter::parse(args).map(Groupe::Quitter),
            "proposer" | "propose" => proposer::Proposer::parse(args).map(Groupe::Proposer),
            "soutenir" | "support" => soutenir::Soutenir::parse(args).map(Groupe::Soutenir),
            "chef" | "lead" => chef::Chef::parse(args).map(Groupe::Chef),
            _ => lier::Lier::parse(args).map(Groupe::Lier),
        };
        parsed.map_err(|kind| ParseError {
            kind,
            usage: Some(usage),
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Groupe::Liste(c) => c.apply(ex),
            Groupe::Info(c) => c.apply(ex),
            Groupe::Rejoindre(c) => c.apply(ex),
            Groupe::Quitter(c) => c.apply(ex),
            Groupe::Proposer(c) => c.apply(ex),
            Groupe::Soutenir(c) => c.apply(ex),
            Groupe::Chef(c) => c.apply(ex),
            Groupe::Lier(c) => c.apply(ex),
        }
    }
}
