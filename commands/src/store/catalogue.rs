//! The catalogue: software and which organisation uses it how.

use super::{GroupId, OrgId, PersonId, Software, SoftwareId, SoftwareUse, StoreResult, UseStatus};

pub trait Catalogue {
    /// The software whose name has this [`crate::text::software_key`].
    fn software_by_key(&mut self, key: &str) -> StoreResult<Option<Software>>;
    /// Every software, by name.
    fn all_software(&mut self) -> StoreResult<Vec<Software>>;
    fn create_software(&mut self, name: &str, group: Option<GroupId>) -> StoreResult<SoftwareId>;
    /// Takes a software out of the catalogue with its uses (a name typed
    /// by mistake).
    fn delete_software(&mut self, id: SoftwareId) -> StoreResult<()>;
    /// Where the current use was read (an imported compte rendu, "compte
    /// rendu du 11 juin 2007"), until a member confirms it by recording it.
    fn mark_use_source(
        &mut self,
        software: SoftwareId,
        org: OrgId,
        source: &str,
    ) -> StoreResult<()>;
    /// Confirms the current use an import read (it is no longer marked as
    /// read); false when it was not marked.
    fn confirm_use(&mut self, software: SoftwareId, org: OrgId) -> StoreResult<bool>;
    /// Records an organisation's use of a software (history kept: the
    /// latest record is the current one); `None` records that it no longer
    /// uses it. False when it changes nothing (the same status and note).
    fn record_use(
        &mut self,
        software: SoftwareId,
        org: OrgId,
        status: Option<UseStatus>,
        note: Option<&str>,
        by: Option<PersonId>,
    ) -> StoreResult<bool>;
    /// The organisations that use a software now, by organisation.
    fn software_uses(&mut self, software: SoftwareId) -> StoreResult<Vec<SoftwareUse>>;
    /// What an organisation uses now, by software name.
    fn organisation_software(&mut self, org: OrgId) -> StoreResult<Vec<(Software, SoftwareUse)>>;
}
