//! Working groups: their status, lead, room and list, members, supporters, project status, milestones and history (every write that a digest reports appends to the group's history).

use jiff::Timestamp;
use jiff::civil::Date;

use super::{
    Group, GroupEvent, GroupId, GroupStatus, Milestone, NewGroup, OrgId, Organisation, Person,
    PersonId, ProjectStatus, StoreResult,
};

pub trait Groups {
    fn groups(&mut self) -> StoreResult<Vec<Group>>;
    /// The groups with a room or a list (what the drift check compares):
    /// read without the others, which a network has thousands of.
    fn groups_with_room_or_list(&mut self) -> StoreResult<Vec<Group>>;
    fn group_by_slug(&mut self, slug: &str) -> StoreResult<Option<Group>>;
    fn group(&mut self, id: GroupId) -> StoreResult<Option<Group>>;
    fn create_group(&mut self, group: &NewGroup, by: Option<PersonId>) -> StoreResult<GroupId>;
    fn set_group_status(&mut self, group: GroupId, status: GroupStatus) -> StoreResult<()>;
    /// A group's theme, action and slug, as an admin or its lead writes
    /// them.
    fn update_group(
        &mut self,
        group: GroupId,
        theme: &str,
        action: Option<&str>,
        slug: &str,
    ) -> StoreResult<()>;
    fn set_group_lead(
        &mut self,
        group: GroupId,
        lead: OrgId,
        by: Option<PersonId>,
    ) -> StoreResult<()>;
    fn set_group_room(&mut self, group: GroupId, room: &str) -> StoreResult<()>;
    /// The group's mailing list (an address), recorded in its history.
    fn set_group_list(&mut self, group: GroupId, list: &str) -> StoreResult<()>;
    /// The group a room is tied to.
    fn group_by_room(&mut self, room: &str) -> StoreResult<Option<Group>>;
    /// The groups a person joined themselves, by slug.
    fn person_groups(&mut self, person: PersonId) -> StoreResult<Vec<Group>>;
    /// People who joined the group themselves.
    fn member_people(&mut self, group: GroupId) -> StoreResult<Vec<Person>>;
    /// The group's "villes": organisations that are members, by themselves
    /// (import, seed) or through a member person whose membership of it is
    /// confirmed.
    fn member_organisations(&mut self, group: GroupId) -> StoreResult<Vec<Organisation>>;
    /// Adds a member; `person` None makes the organisation itself a member.
    /// False if it was a member already.
    fn add_member(
        &mut self,
        group: GroupId,
        org: OrgId,
        person: Option<PersonId>,
    ) -> StoreResult<bool>;
    /// False if the person was not a member.
    fn remove_member(&mut self, group: GroupId, person: PersonId) -> StoreResult<bool>;
    fn supporters(&mut self, group: GroupId) -> StoreResult<Vec<Organisation>>;
    /// False if the organisation supported it already.
    fn add_support(
        &mut self,
        group: GroupId,
        org: OrgId,
        by: Option<PersonId>,
    ) -> StoreResult<bool>;
    fn record_status(
        &mut self,
        group: GroupId,
        text: &str,
        version: Option<&str>,
        by: Option<PersonId>,
    ) -> StoreResult<()>;
    fn latest_status(&mut self, group: GroupId) -> StoreResult<Option<ProjectStatus>>;
    fn add_milestone(
        &mut self,
        group: GroupId,
        date: Date,
        text: &str,
        by: Option<PersonId>,
    ) -> StoreResult<()>;
    /// Milestones by date.
    fn milestones(&mut self, group: GroupId) -> StoreResult<Vec<Milestone>>;
    /// The group's history after `since`, oldest first.
    fn group_events(&mut self, group: GroupId, since: Timestamp) -> StoreResult<Vec<GroupEvent>>;
}
