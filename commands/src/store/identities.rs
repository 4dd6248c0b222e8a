//! Identities: the Matrix IDs and addresses people speak from, and the single-use codes that link an address.

use jiff::Timestamp;

use super::{Identity, IdentityKind, Person, PersonId, StoreResult};

pub trait Identities {
    /// The person a verified identity belongs to.
    fn person_by_identity(&mut self, identity: &Identity) -> StoreResult<Option<Person>>;
    /// The person's identities: (identity, verified).
    fn identities(&mut self, person: PersonId) -> StoreResult<Vec<(Identity, bool)>>;
    /// Adds a verified identity to a person; false if it is someone else's.
    fn add_identity(&mut self, person: PersonId, identity: &Identity) -> StoreResult<bool>;
    /// A new single-use code to link `email` to `person`, valid until
    /// `expires` (the storage draws it at random). It replaces the live
    /// code of the same person and address: one at a time.
    fn create_email_code(
        &mut self,
        person: PersonId,
        email: &str,
        expires: Timestamp,
    ) -> StoreResult<String>;
    /// Code mails since `since`: (to `email`, asked by `person`).
    fn email_codes_sent(
        &mut self,
        person: PersonId,
        email: &str,
        since: Timestamp,
    ) -> StoreResult<(usize, usize)>;
    /// Spends a code of `person` that is still valid: the address it links.
    /// The code is compared with each live one in constant time.
    fn use_email_code(&mut self, person: PersonId, code: &str) -> StoreResult<Option<String>>;
    /// The wrong codes `person` typed since `since`.
    fn code_guesses(&mut self, person: PersonId, since: Timestamp) -> StoreResult<usize>;
    /// Counts a wrong code against `person` and, when it makes
    /// [`super::MAX_CODE_ATTEMPTS`] since `since`, spends their live codes
    /// (`true`).
    fn wrong_email_code(&mut self, person: PersonId, since: Timestamp) -> StoreResult<bool>;
    /// The person's first verified email address.
    fn email_of(&mut self, person: PersonId) -> StoreResult<Option<String>> {
        Ok(self
            .identities(person)?
            .into_iter()
            .find(|(i, verified)| *verified && i.kind == IdentityKind::Email)
            .map(|(i, _)| i.value))
    }
}
