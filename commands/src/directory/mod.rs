//! The directory outside the commands: the network's list of people read
//! from a spreadsheet (`greffier import-people`), and the one way a person
//! is matched by name — accents, case and a civility ("M.", "Mme") aside,
//! in the same organisation — which `[[people.seed]]` uses too, so that
//! nobody the minutes' import knows is made twice.

pub mod import;
pub mod sheet;
pub mod tables;

use crate::store::{OrgId, Person, StoreResult};
use crate::{Store, text};

/// How people's names compare: [`text::name_key`] without a leading
/// civility ("M.", "Mme", "Madame", "Monsieur", "Mlle", "Dr").
pub fn person_key(name: &str) -> String {
    let key = text::name_key(name);
    let mut words: Vec<&str> = key.split(' ').collect();
    while words.len() > 1
        && matches!(
            words[0],
            "m" | "mr" | "mme" | "mlle" | "madame" | "monsieur" | "mademoiselle" | "dr"
        )
    {
        words.remove(0);
    }
    words.join(" ")
}

/// Who a name (and an organisation) designates among the people the bot
/// knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// No one: a new person.
    Nobody,
    /// This person.
    One(Person),
    /// Several people have that name in that organisation (or without
    /// one): the caller says which by another way.
    Several(Vec<Person>),
}

/// The person called `name` in `organisation`: same [`person_key`], and
/// the same organisation, or none on either side.
pub fn find_by_name(
    store: &mut dyn Store,
    name: &str,
    organisation: Option<OrgId>,
) -> StoreResult<Found> {
    let key = person_key(name);
    let mut found: Vec<Person> = store
        .people()?
        .into_iter()
        .filter(|p| person_key(&p.name) == key)
        .filter(|p| match (p.organisation, organisation) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        })
        .collect();
    // Someone of that very organisation is preferred to someone of none.
    if found.len() > 1 && organisation.is_some() {
        let same: Vec<Person> = found
            .iter()
            .filter(|p| p.organisation == organisation)
            .cloned()
            .collect();
        if !same.is_empty() {
            found = same;
        }
    }
    Ok(match found.len() {
        0 => Found::Nobody,
        1 => Found::One(found.remove(0)),
        _ => Found::Several(found),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_civility_accents_and_case_aside() {
        assert_eq!(person_key("M. François RAYNAUD"), "francois raynaud");
        assert_eq!(person_key("Mme Valérie Henry"), "valerie henry");
        assert_eq!(person_key("francois  raynaud"), "francois raynaud");
        assert_eq!(person_key("Madame"), "madame");
        assert_eq!(person_key("Marc MARTIN"), "marc martin");
    }
}
