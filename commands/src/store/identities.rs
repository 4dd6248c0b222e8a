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
    /// Declares `identity` as `person`'s in the name of `by` (an admin, a
    /// member of their organisation): greffier may write to it; it is
    /// obeyed only once verified.
    fn declare_identity(
        &mut self,
        person: PersonId,
        identity: &Identity,
        by: &str,
    ) -> StoreResult<Declared>;
    /// The person a declared, not yet verified, identity belongs to.
    fn declared_person(&mut self, identity: &Identity) -> StoreResult<Option<Person>>;
    /// Marks a declared identity verified (its holder proved it); false
    /// when it is not a declared one.
    fn verify_declared(&mut self, identity: &Identity) -> StoreResult<bool>;
    /// Remembers the Message-ID of the welcome mail sent to a declared
    /// address of `person`.
    fn record_welcome_mail(
        &mut self,
        message_id: &str,
        person: PersonId,
        address: &str,
    ) -> StoreResult<()>;
    /// The address a welcome mail went to, by its Message-ID (without
    /// angle brackets).
    fn welcome_mail(&mut self, message_id: &str) -> StoreResult<Option<String>>;
    /// The person a mail with this unguessable Message-ID (without angle
    /// brackets) was sent to: an invitation, a poll, a draft compte rendu,
    /// a welcome mail. A reply that names it proves its sender reads that
    /// person's mail.
    fn mail_sent_to(&mut self, message_id: &str) -> StoreResult<Option<PersonId>>;
    /// The person's email address to write to: the first verified one,
    /// else the first declared one.
    fn email_of(&mut self, person: PersonId) -> StoreResult<Option<String>> {
        let emails: Vec<(Identity, bool)> = self
            .identities(person)?
            .into_iter()
            .filter(|(i, _)| i.kind == IdentityKind::Email)
            .collect();
        Ok(emails
            .iter()
            .find(|(_, verified)| *verified)
            .or(emails.first())
            .map(|(i, _)| i.value.clone()))
    }
}

/// What declaring an identity did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declared {
    /// Declared now, to be verified.
    Added,
    /// It was this person's already (verified or not).
    Already { verified: bool },
    /// It is someone else's.
    Taken,
}
