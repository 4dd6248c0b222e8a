//! People: who they are, their organisation and where they stand in it, their erasure.

use super::{Forgotten, Identity, Membership, OrgId, Person, PersonId, StoreResult};

pub trait People {
    fn person(&mut self, id: PersonId) -> StoreResult<Person>;
    /// Creates a person with a first, verified identity; an organisation
    /// given here is confirmed (an operator's act: tests, benchmarks; the
    /// commands declare it with [`People::set_person_organisation`]).
    fn create_person(
        &mut self,
        name: &str,
        organisation: Option<OrgId>,
        identity: &Identity,
    ) -> StoreResult<PersonId>;
    /// Declares the person's organisation, with where they stand in it and
    /// the Matrix room the request was made in (to tell them the answer
    /// there). Their group memberships follow the new organisation.
    fn set_person_organisation(
        &mut self,
        person: PersonId,
        org: OrgId,
        membership: Membership,
        room: Option<&str>,
    ) -> StoreResult<()>;
    /// Accepts or refuses a pending membership (`by`: who decided).
    fn decide_membership(
        &mut self,
        person: PersonId,
        membership: Membership,
        by: Option<PersonId>,
    ) -> StoreResult<()>;
    /// The Matrix room where the person asked for their organisation.
    fn membership_room(&mut self, person: PersonId) -> StoreResult<Option<String>>;
    /// The people (not erased) whose name has this [`crate::text::name_key`].
    fn people_named(&mut self, name_key: &str) -> StoreResult<Vec<Person>>;
    /// Erases the person: identities, codes, what the inbox kept of their
    /// addresses, absence reasons, group memberships, and their name in
    /// the outbox; their answers stay under `placeholder`. The database
    /// file keeps no copy of what was erased once the transaction commits.
    fn forget_person(&mut self, person: PersonId, placeholder: &str) -> StoreResult<Forgotten>;
    /// A person known only by name (from minutes): no identity yet.
    fn create_contact(&mut self, name: &str, organisation: Option<OrgId>) -> StoreResult<PersonId>;
    /// The person of that organisation with that name (same key).
    fn person_by_name(
        &mut self,
        name_key: &str,
        organisation: Option<OrgId>,
    ) -> StoreResult<Option<Person>>;
    /// Every person the bot knows.
    fn people(&mut self) -> StoreResult<Vec<Person>>;
    /// Gives the person a new name (as they write it, or an admin).
    fn rename_person(&mut self, person: PersonId, name: &str) -> StoreResult<()>;
    /// Merges `from` into `into` (one person known twice): identities,
    /// answers, invitations, memberships, attendance and actions become
    /// `into`'s (where both have one, `into`'s stays); `from` is no more.
    fn merge_people(&mut self, into: PersonId, from: PersonId) -> StoreResult<()>;
}
