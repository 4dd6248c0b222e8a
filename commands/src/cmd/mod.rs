//! One module per command. Each has a `USAGE` (its grammar, shown on
//! errors and by `!aide`), a `parse` step from an
//! [`Args`](crate::parse::Args) cursor, and an `apply` step that reads and
//! writes through the [`Store`](crate::Store) trait and returns the reply
//! text (or a refusal). [`TABLE`] ties the words people type to them.

pub mod aide;
pub mod compte_rendu;
pub mod digest;
pub mod groupe;
pub mod logiciel;
pub mod moi;
pub mod organisation;
pub mod personne;
pub mod projet;
pub mod reunion;
pub mod rsvp;
pub mod seance;
pub mod sondage;

use crate::exec::{Exec, Outcome};
use crate::parse::{Entry, ParseErrorKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Aide(aide::Aide),
    Groupe(groupe::Groupe),
    Projet(projet::Projet),
    Reunion(reunion::Reunion),
    Rsvp(rsvp::Rsvp),
    /// Handed over by the Matrix adapter; no one can type it.
    Withdraw(rsvp::Withdraw),
    Digest(digest::Digest),
    Moi(moi::Moi),
    Organisation(organisation::Organisation),
    Personne(personne::Personne),
    Logiciel(logiciel::Logiciel),
    Sondage(sondage::Sondage),
    CompteRendu(compte_rendu::CompteRendu),
    Seance(seance::SeanceCmd),
    /// The séance's entries, typed in the room or at the console where
    /// it is open.
    Point(seance::point::Point),
    Note(seance::entry::Note),
    Action(seance::action::ActionCmd),
    Suivi(seance::suivi::Suivi),
    Presence(seance::presence::Presence),
    Ici(seance::presence::Ici),
    Corriger(seance::corriger::Corriger),
}

impl Command {
    /// What an answer understood from a mail without a command line
    /// means, in a few words, for the confirmation its unproven sender is
    /// asked for ("présent(e) à la réunion n°3", "remarque sur …").
    pub fn summary(&self, lang: crate::Lang) -> Option<String> {
        match self {
            Command::Rsvp(rsvp) => Some(rsvp.summary(lang)),
            Command::CompteRendu(compte_rendu::CompteRendu::Remarque(r)) => r.summary(lang),
            _ => None,
        }
    }

    /// Whether it is a newcomer saying who they are (`!moi nom`): what an
    /// address greffier does not know yet may send, held until its sender
    /// confirms it by replying.
    pub fn introduces(&self) -> bool {
        matches!(self, Command::Moi(moi::Moi::Nom(_)))
    }

    /// Whether running it may change anything (state, or what the bot
    /// sends to others): what a mail whose sender is not proven may not do
    /// without a confirmation. Reading commands answer the sender only.
    pub fn changes_state(&self) -> bool {
        !matches!(
            self,
            Command::Aide(_)
                | Command::Groupe(groupe::Groupe::Liste(_) | groupe::Groupe::Info(_))
                | Command::Reunion(
                    reunion::Reunion::Liste(_)
                        | reunion::Reunion::Presences(_)
                        | reunion::Reunion::Archives(_)
                        | reunion::Reunion::Ordre(reunion::ordre::Ordre { change: None, .. })
                )
                | Command::Moi(
                    moi::Moi::Montrer
                        | moi::Moi::Oublier(moi::oublier::Oublier { confirm: false, .. })
                )
                | Command::Organisation(organisation::Organisation::Membres(_))
                | Command::Personne(personne::Personne::Info(_))
                | Command::Logiciel(logiciel::Logiciel::Qui(_) | logiciel::Logiciel::Liste(_))
                | Command::Sondage(sondage::Sondage::Resultats(_) | sondage::Sondage::Liste)
                | Command::Suivi(seance::suivi::Suivi::Liste(_))
                | Command::CompteRendu(compte_rendu::CompteRendu::Remarque(
                    compte_rendu::remarque::Remarque { text: None, .. }
                ))
        )
    }

    /// Whether its answer depends on who else reads it (absence reasons
    /// are shown in a private answer only): the Matrix adapter then finds
    /// out whether the room is a direct one, which costs a store read.
    pub fn shows_personal_data(&self) -> bool {
        matches!(self, Command::Reunion(reunion::Reunion::Presences(_)))
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Command::Aide(c) => c.apply(ex),
            Command::Groupe(c) => c.apply(ex),
            Command::Projet(c) => c.apply(ex),
            Command::Reunion(c) => c.apply(ex),
            Command::Rsvp(c) => c.apply(ex),
            Command::Withdraw(c) => c.apply(ex),
            Command::Digest(c) => c.apply(ex),
            Command::Moi(c) => c.apply(ex),
            Command::Organisation(c) => c.apply(ex),
            Command::Personne(c) => c.apply(ex),
            Command::Logiciel(c) => c.apply(ex),
            Command::Sondage(c) => c.apply(ex),
            Command::CompteRendu(c) => c.apply(ex),
            Command::Seance(c) => c.apply(ex),
            Command::Point(c) => c.apply(ex),
            Command::Note(c) => c.apply(ex),
            Command::Action(c) => c.apply(ex),
            Command::Suivi(c) => c.apply(ex),
            Command::Presence(c) => c.apply(ex),
            Command::Ici(c) => c.apply(ex),
            Command::Corriger(c) => c.apply(ex),
        }
    }
}

fn answer(a: rsvp::Answer, args: &mut crate::parse::Args) -> Result<Command, ParseErrorKind> {
    Ok(Command::Rsvp(rsvp::Rsvp::parse(a, args)?))
}

/// Every command word with its aliases and usage, in the order `!aide`
/// lists them: what the parser reads, what errors show, what `!aide`
/// finds.
pub const TABLE: &[Entry] = &[
    Entry::one(&["aide", "aides", "help"], &aide::USAGE, |a| {
        Ok(Command::Aide(aide::Aide::parse(a)?))
    }),
    groupe::COMMAND,
    projet::COMMAND,
    reunion::COMMAND,
    compte_rendu::COMMAND,
    seance::COMMAND,
    Entry::one(&["point", "topic", "sujet"], &seance::point::USAGE, |a| {
        Ok(Command::Point(seance::point::Point::parse(a)?))
    }),
    Entry::one(&["note", "info"], &seance::entry::USAGE_NOTE, |a| {
        Ok(Command::Note(seance::entry::Note::parse(
            crate::store::EntryKind::Note,
            a,
        )?))
    }),
    Entry::one(
        &["decision", "agreed", "decide"],
        &seance::entry::USAGE_DECISION,
        |a| {
            Ok(Command::Note(seance::entry::Note::parse(
                crate::store::EntryKind::Decision,
                a,
            )?))
        },
    ),
    Entry::one(&["action", "actions"], &seance::action::USAGE, |a| {
        // A follow-up (liste, faite, abandonner, echeance), else a new
        // action.
        let follow_up = a.peek_keyword().filter(|k| seance::suivi::is_follow_up(k));
        match follow_up {
            Some(k) => {
                a.next_keyword();
                Ok(Command::Suivi(seance::suivi::Suivi::parse(&k, a)?))
            }
            None => Ok(Command::Action(seance::action::ActionCmd::parse(a)?)),
        }
    }),
    Entry::one(&["presence"], &seance::presence::USAGE, |a| {
        Ok(Command::Presence(seance::presence::Presence::parse(a)?))
    }),
    Entry::one(&["ici", "here"], &seance::presence::USAGE_ICI, |a| {
        Ok(Command::Ici(seance::presence::Ici::parse(a)?))
    }),
    Entry::one(&["corriger", "correct"], &seance::corriger::USAGE, |a| {
        Ok(Command::Corriger(seance::corriger::Corriger::parse(a)?))
    }),
    Entry::one(
        &["retirer", "remove", "supprimer"],
        &seance::corriger::USAGE_RETIRER,
        |a| {
            Ok(Command::Corriger(seance::corriger::Corriger::parse_remove(
                a,
            )?))
        },
    ),
    Entry::one(
        &["present", "presente", "oui", "yes", "attending"],
        &rsvp::USAGE_PRESENT,
        |a| answer(rsvp::Answer::Present, a),
    ),
    Entry::one(
        &[
            "excuse", "excusee", "absent", "absente", "non", "no", "excused", "decline",
        ],
        &rsvp::USAGE_EXCUSE,
        |a| answer(rsvp::Answer::Excused, a),
    ),
    Entry::one(
        &["peutetre", "maybe", "tentative"],
        &rsvp::USAGE_PEUTETRE,
        |a| answer(rsvp::Answer::Tentative, a),
    ),
    Entry::one(&["digest", "resume"], &digest::USAGE, |a| {
        Ok(Command::Digest(digest::Digest::parse(a)?))
    }),
    moi::COMMAND,
    organisation::COMMAND,
    personne::COMMAND,
    logiciel::COMMAND,
    sondage::COMMAND,
];
