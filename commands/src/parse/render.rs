//! A parse error in words, in the reply's language: what is wrong with the
//! line, and the command's usage.

use super::{Arg, ParseError, ParseErrorKind};
use crate::lang::Lang;
use crate::tr;

impl Arg {
    pub fn name(self, lang: Lang) -> &'static str {
        let (fr, en) = match self {
            Arg::Group => ("le groupe", "the group"),
            Arg::Organisation => ("l'organisation", "the organisation"),
            Arg::Slug => ("l'identifiant du groupe", "the group's short name"),
            Arg::Theme => ("le thème", "the theme"),
            Arg::Text => ("le texte", "the text"),
            Arg::Date => ("la date (AAAA-MM-JJ)", "the date (YYYY-MM-DD)"),
            Arg::Time => ("l'heure (HH:MM)", "the time (HH:MM)"),
            Arg::MeetingId => ("le numéro de réunion", "the meeting number"),
            Arg::Email => ("l'adresse électronique", "the email address"),
            Arg::MatrixId => (
                "l'identifiant Matrix (@nom:serveur)",
                "the Matrix ID (@name:server)",
            ),
            Arg::Code => ("le code", "the code"),
            Arg::Title => ("le titre", "the title"),
            Arg::Version => ("la version", "the version"),
            Arg::Place => ("le lieu", "the place"),
            Arg::Subcommand => ("la sous-commande", "the subcommand"),
            Arg::Person => (
                "la personne (identifiant Matrix, adresse ou nom)",
                "the person (Matrix ID, address or name)",
            ),
            Arg::Domain => ("le domaine", "the domain"),
            Arg::Software => ("le logiciel", "the software"),
            Arg::PollId => ("le numéro du sondage", "the poll number"),
            Arg::Choice => (
                "les numéros des dates (ou aucun)",
                "the dates' numbers (or none)",
            ),
            Arg::AgendaItem => ("le numéro du point", "the item's number"),
        };
        match lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

impl ParseError {
    /// One line: what is wrong, then the usage of the command.
    pub fn render(&self, lang: Lang, prefix: &str) -> String {
        let what = self.kind.what(lang, prefix);
        match self.usage {
            Some(u) => {
                let line = u.line(lang, prefix);
                tr!(
                    lang,
                    "Erreur : {what} — syntaxe : {line}",
                    "Error: {what} — usage: {line}"
                )
            }
            None => tr!(lang, "Erreur : {what}", "Error: {what}"),
        }
    }
}

impl ParseErrorKind {
    /// What is wrong, in words ("adresse électronique invalide « x »"):
    /// a command's error, and the same words wherever the same thing is
    /// wrong (a line of a spreadsheet).
    pub fn what(&self, lang: Lang, prefix: &str) -> String {
        match self {
            ParseErrorKind::Unbalanced(c) => {
                tr!(lang, "guillemet {c} non refermé", "unclosed quote {c}")
            }
            ParseErrorKind::TooLong => tr!(
                lang,
                "message trop long (plus de {} caractères)",
                "message too long (over {} characters)",
                crate::parse::MAX_LINE
            ),
            ParseErrorKind::UnknownCommand(w) if w.is_empty() => tr!(
                lang,
                "commande manquante — tapez {prefix}aide",
                "missing command — type {prefix}help"
            ),
            ParseErrorKind::UnknownCommand(w) => tr!(
                lang,
                "commande inconnue « {w} » — tapez {prefix}aide",
                "unknown command “{w}” — type {prefix}help"
            ),
            ParseErrorKind::UnknownSubcommand(w) if w.is_empty() => {
                tr!(lang, "sous-commande manquante", "missing subcommand")
            }
            ParseErrorKind::UnknownSubcommand(w) => {
                tr!(
                    lang,
                    "sous-commande inconnue « {w} »",
                    "unknown subcommand “{w}”"
                )
            }
            ParseErrorKind::Missing(arg) => {
                let a = arg.name(lang);
                tr!(lang, "il manque {a}", "{a} is missing")
            }
            ParseErrorKind::Unexpected(w) => {
                tr!(
                    lang,
                    "argument en trop « {w} »",
                    "unexpected argument “{w}”"
                )
            }
            ParseErrorKind::BadDate(w) => tr!(
                lang,
                "date invalide « {w} » (attendu AAAA-MM-JJ)",
                "invalid date “{w}” (expected YYYY-MM-DD)"
            ),
            ParseErrorKind::NoSuchDate(w) => tr!(
                lang,
                "la date « {w} » n'existe pas",
                "the date “{w}” does not exist"
            ),
            ParseErrorKind::TooFewDates => tr!(
                lang,
                "un sondage propose au moins deux dates",
                "a poll proposes two dates at least"
            ),
            ParseErrorKind::BadTime(w) => tr!(
                lang,
                "heure invalide « {w} » (attendu HH:MM)",
                "invalid time “{w}” (expected HH:MM)"
            ),
            ParseErrorKind::BadMeetingId(w) => tr!(
                lang,
                "numéro de réunion invalide « {w} »",
                "invalid meeting number “{w}”"
            ),
            ParseErrorKind::BadSlug(w) => tr!(
                lang,
                "identifiant de groupe invalide « {w} » (lettres, chiffres et tirets, 2 à 40)",
                "invalid group short name “{w}” (letters, digits and hyphens, 2 to 40)"
            ),
            ParseErrorKind::BadEmail(w) => {
                tr!(
                    lang,
                    "adresse électronique invalide « {w} »",
                    "invalid email address “{w}”"
                )
            }
            ParseErrorKind::BadMatrixId(w) => tr!(
                lang,
                "identifiant Matrix invalide « {w} » (par exemple @anne:matrix.arles.fr)",
                "invalid Matrix ID “{w}” (for instance @anne:matrix.arles.fr)"
            ),
            ParseErrorKind::BadDomain(w) => tr!(
                lang,
                "domaine invalide « {w} » (par exemple ville-arles.fr)",
                "invalid domain “{w}” (for instance ville-arles.fr)"
            ),
            ParseErrorKind::BadPollId(w) => tr!(
                lang,
                "numéro de sondage invalide « {w} »",
                "invalid poll number “{w}”"
            ),
            ParseErrorKind::BadStatus(w) => tr!(
                lang,
                "statut inconnu « {w} » (production, projet, etude ou abandon)",
                "unknown status “{w}” (production, project, study or abandoned)"
            ),
            ParseErrorKind::TooLongArg(arg) => {
                let a = arg.name(lang);
                let max = crate::parse::MAX_TEXT;
                tr!(
                    lang,
                    "{a} est trop long ({max} caractères au plus)",
                    "{a} is too long ({max} characters at most)"
                )
            }
            ParseErrorKind::NothingToChange => tr!(
                lang,
                "rien à modifier : indiquez ce qui change",
                "nothing to change: say what changes"
            ),
        }
    }
}
