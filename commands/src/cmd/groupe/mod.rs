//! `!groupe …` — working groups: list, info, join, leave, propose, support,
//! lead, and tying a room to a group.

pub mod archiver;
pub mod chef;
pub mod diffusion;
pub mod info;
pub mod lier;
pub mod liste;
pub mod modifier;
pub mod proposer;
pub mod quitter;
pub mod rejoindre;
pub mod salon;
pub mod soutenir;

use crate::cmd::Command;
use crate::exec::{Exec, Outcome};
use crate::parse::{Entry, Kind, Usage};

/// The family's usage, for `!groupe` without a known subcommand.
pub const USAGE: Usage = Usage {
    fr: "!groupe liste|info|rejoindre|quitter|proposer|soutenir|chef|lier|salon|diffusion|modifier|archiver|reactiver …",
    en: "!group list|info|join|leave|propose|support|lead|link|room|mailinglist|edit|archive|reactivate …",
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
    Salon(salon::Salon),
    Diffusion(diffusion::Diffusion),
    Modifier(modifier::Modifier),
    Archiver(archiver::Archiver),
}

/// `!groupe` and its subcommands, with their aliases.
pub const COMMAND: Entry = Entry {
    words: &["groupe", "groupes", "group", "groups", "gt"],
    kind: Kind::Family {
        usage: &USAGE,
        bare: None,
        subs: &[
            Entry::one(&["liste", "list", "ls"], &liste::USAGE, |a| {
                Ok(cmd(Groupe::Liste(liste::Liste::parse(a)?)))
            }),
            Entry::one(&["modifier", "edit", "corriger"], &modifier::USAGE, |a| {
                Ok(cmd(Groupe::Modifier(modifier::Modifier::parse(a)?)))
            }),
            Entry::one(&["archiver", "archive"], &archiver::USAGE_ARCHIVER, |a| {
                Ok(cmd(Groupe::Archiver(archiver::Archiver::parse(false, a)?)))
            }),
            Entry::one(
                &["reactiver", "reactivate", "restaurer"],
                &archiver::USAGE_REACTIVER,
                |a| Ok(cmd(Groupe::Archiver(archiver::Archiver::parse(true, a)?))),
            ),
            Entry::one(&["info", "infos", "show"], &info::USAGE, |a| {
                Ok(cmd(Groupe::Info(info::Info::parse(a)?)))
            }),
            Entry::one(&["rejoindre", "join"], &rejoindre::USAGE, |a| {
                Ok(cmd(Groupe::Rejoindre(rejoindre::Rejoindre::parse(a)?)))
            }),
            Entry::one(&["quitter", "leave"], &quitter::USAGE, |a| {
                Ok(cmd(Groupe::Quitter(quitter::Quitter::parse(a)?)))
            }),
            Entry::one(&["proposer", "propose"], &proposer::USAGE, |a| {
                Ok(cmd(Groupe::Proposer(proposer::Proposer::parse(a)?)))
            }),
            Entry::one(&["soutenir", "support"], &soutenir::USAGE, |a| {
                Ok(cmd(Groupe::Soutenir(soutenir::Soutenir::parse(a)?)))
            }),
            Entry::one(&["chef", "lead"], &chef::USAGE, |a| {
                Ok(cmd(Groupe::Chef(chef::Chef::parse(a)?)))
            }),
            Entry::one(&["lier", "link"], &lier::USAGE, |a| {
                Ok(cmd(Groupe::Lier(lier::Lier::parse(a)?)))
            }),
            Entry::one(&["salon", "room"], &salon::USAGE, |a| {
                Ok(cmd(Groupe::Salon(salon::Salon::parse(a)?)))
            }),
            Entry::one(&["diffusion", "mailinglist"], &diffusion::USAGE, |a| {
                Ok(cmd(Groupe::Diffusion(diffusion::Diffusion::parse(a)?)))
            }),
        ],
    },
};

/// `creer <groupe>` (`create`), what `salon` and `diffusion` take: the
/// group's name.
fn create_then_group(
    args: &mut crate::parse::Args,
) -> Result<String, crate::parse::ParseErrorKind> {
    use crate::parse::{Arg, ParseErrorKind};
    let verb = args
        .next_token()
        .ok_or(ParseErrorKind::Missing(Arg::Subcommand))?;
    if !matches!(
        crate::text::keyword(&verb.text).as_str(),
        "creer" | "create"
    ) {
        return Err(ParseErrorKind::UnknownSubcommand(crate::text::excerpt(
            &verb.text, 20,
        )));
    }
    args.rest(Arg::Group)
}

fn cmd(g: Groupe) -> Command {
    Command::Groupe(g)
}

impl Groupe {
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
            Groupe::Salon(c) => c.apply(ex),
            Groupe::Modifier(c) => c.apply(ex),
            Groupe::Archiver(c) => c.apply(ex),
            Groupe::Diffusion(c) => c.apply(ex),
        }
    }
}
