//! Organisations: their names, domains and members.

use super::{OrgId, Organisation, Person, StoreResult};

pub trait Organisations {
    /// Whether the organisation has a confirmed member (not erased).
    fn has_confirmed_member(&mut self, org: OrgId) -> StoreResult<bool>;
    /// The people who declared this organisation, by name (not erased).
    fn organisation_people(&mut self, org: OrgId) -> StoreResult<Vec<Person>>;
    /// The domains whose addresses and Matrix IDs are the organisation's.
    fn organisation_domains(&mut self, org: OrgId) -> StoreResult<Vec<String>>;
    /// The organisation that recorded this exact domain.
    fn organisation_by_domain(&mut self, domain: &str) -> StoreResult<Option<OrgId>>;
    /// Records a domain for `org`; the organisation that holds it already,
    /// if another one does (then nothing changes).
    fn add_organisation_domain(&mut self, org: OrgId, domain: &str) -> StoreResult<Option<OrgId>>;
    /// False if the organisation did not have that domain.
    fn remove_organisation_domain(&mut self, org: OrgId, domain: &str) -> StoreResult<bool>;
    fn organisations(&mut self) -> StoreResult<Vec<Organisation>>;
    fn organisation(&mut self, id: OrgId) -> StoreResult<Organisation>;
    /// The organisation whose name has this [`crate::text::name_key`].
    fn organisation_by_key(&mut self, key: &str) -> StoreResult<Option<Organisation>>;
    fn create_organisation(&mut self, name: &str, kind: Option<&str>) -> StoreResult<OrgId>;
    /// Writes the organisation's name as given (its key follows); the
    /// former name, typed, still finds it.
    fn rename_organisation(&mut self, id: OrgId, name: &str) -> StoreResult<()>;
    /// Merges `from` into `into`: its members, groups, supports, answers,
    /// catalogue, domains and history become `into`'s, its name one that
    /// finds `into`; `from` is no more.
    fn merge_organisations(&mut self, into: OrgId, from: OrgId) -> StoreResult<()>;
}
