//! What an import of minutes did not understand, line by line: kept as
//! data while the file is read, said in the bot's language when the
//! summary is printed (`greffier import-minutes`).

use crate::lang::Lang;
use crate::meeting::RsvpStatus;
use crate::tr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The line under the title is not a date.
    NotADate(String),
    /// A row of a groups table without its theme (the row's first text,
    /// when the PDF copy gives one).
    RowWithoutTheme(Option<String>),
    /// No organisation after a group's theme in the PDF copy's table.
    NoOrganisationAfterTheme(String),
    /// A groups table row whose organisations cell names none.
    NoOrganisationInRow(String),
    /// A "présents" line without people and their organisation.
    PresentWithoutOrganisation(String),
    /// An "excusés" line without a name and an organisation.
    NoNameAndOrganisation(String),
    /// Section 1.2 names a software before any organisation.
    SoftwareBeforeOrganisation(String),
    /// Someone listed both as present and as excused: the first is kept.
    ListedTwice {
        name: String,
        first: RsvpStatus,
        then: RsvpStatus,
    },
    /// Neither a title nor a date: no meeting imported.
    NoTitleAndDate,
}

impl Problem {
    /// The problem in words: « ligne 7 : aucune organisation après le
    /// thème « OpenElec » » is printed from this.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Problem::NotADate(line) => tr!(
                lang,
                "« {line} » n'est pas une date",
                "“{line}” is not a date"
            ),
            Problem::RowWithoutTheme(None) => tr!(
                lang,
                "une ligne du tableau des groupes sans thème",
                "a groups table row without a theme"
            ),
            Problem::RowWithoutTheme(Some(at)) => tr!(
                lang,
                "une ligne du tableau des groupes sans thème, à « {at} »",
                "a groups table row without a theme, at “{at}”"
            ),
            Problem::NoOrganisationAfterTheme(theme) => tr!(
                lang,
                "aucune organisation après le thème « {theme} »",
                "no organisation after the theme “{theme}”"
            ),
            Problem::NoOrganisationInRow(theme) => tr!(
                lang,
                "aucune organisation dans la ligne du groupe « {theme} »",
                "no organisation in the row of “{theme}”"
            ),
            Problem::PresentWithoutOrganisation(text) => tr!(
                lang,
                "une ligne des présents sans nom ni organisation : « {text} »",
                "a présents line without people and organisation: “{text}”"
            ),
            Problem::NoNameAndOrganisation(text) => tr!(
                lang,
                "ni nom ni organisation dans « {text} »",
                "no name and organisation in “{text}”"
            ),
            Problem::SoftwareBeforeOrganisation(text) => tr!(
                lang,
                "un logiciel cité avant toute organisation : « {text} »",
                "a software named before any organisation: “{text}”"
            ),
            Problem::ListedTwice { name, first, then } => {
                let (first, then) = (listed(lang, *first), listed(lang, *then));
                tr!(
                    lang,
                    "{name} figure parmi les {first} et parmi les {then} : gardé parmi les {first}",
                    "{name} is listed as {first} and as {then}: kept as {first}"
                )
            }
            Problem::NoTitleAndDate => tr!(
                lang,
                "ni titre ni date : aucune réunion importée",
                "no title and date: no meeting imported"
            ),
        }
    }
}

/// The list of the minutes an answer puts someone in: « présents »,
/// « excusés »; "present", "excused".
fn listed(lang: Lang, status: RsvpStatus) -> String {
    match status {
        RsvpStatus::Present => tr!(lang, "présents", "present"),
        RsvpStatus::Excused => tr!(lang, "excusés", "excused"),
        RsvpStatus::Tentative => tr!(lang, "indécis", "tentative"),
        RsvpStatus::NoAnswer => tr!(lang, "sans réponse", "not answering"),
    }
}
