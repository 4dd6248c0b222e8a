//! A group's Matrix room, made and filled by the bot: what the commands ask
//! the Matrix adapter to do when a group becomes active (or an admin asks
//! with `!groupe salon creer`) and when someone joins a group.

use crate::action::Action;
use crate::exec::Exec;
use crate::store::{Group, IdentityKind, Person, StoreResult};
use crate::tr;

/// A person's Matrix ID, if they have one.
fn matrix_id(ex: &mut Exec<'_>, person: &Person) -> StoreResult<Option<String>> {
    Ok(ex
        .store
        .identities(person.id)?
        .into_iter()
        .find(|(i, _)| i.kind == IdentityKind::Matrix)
        .map(|(i, _)| i.value))
}

/// The room to make for `g`: named after its theme, its topic the next
/// action and the lead, its members with a Matrix ID invited, the lead
/// organisation's confirmed members moderators.
pub fn create(ex: &mut Exec<'_>, g: &Group) -> StoreResult<Action> {
    let topic = topic(ex, g)?;
    let mut invite = Vec::new();
    for person in ex.store.member_people(g.id)? {
        invite.extend(matrix_id(ex, &person)?);
    }
    let mut moderators = Vec::new();
    if let Some(lead) = g.lead {
        for person in crate::membership::confirmed_people(ex.store, lead)? {
            moderators.extend(matrix_id(ex, &person)?);
        }
    }
    invite.sort();
    invite.dedup();
    moderators.sort();
    moderators.dedup();
    Ok(Action::CreateGroupRoom {
        group: g.slug.clone(),
        name: g.theme.clone(),
        topic,
        invite,
        moderators,
    })
}

/// A group's room's topic: its next action and its lead.
fn topic(ex: &mut Exec<'_>, g: &Group) -> StoreResult<String> {
    let lang = ex.lang();
    let lead = ex.org_name(g.lead)?;
    Ok(match (&g.action, &lead) {
        (Some(action), Some(lead)) => tr!(
            lang,
            "{action} — chef de projet : {lead}",
            "{action} — lead: {lead}"
        ),
        (Some(action), None) => action.clone(),
        (None, Some(lead)) => tr!(lang, "Chef de projet : {lead}", "Lead: {lead}"),
        (None, None) => String::new(),
    })
}

/// The room's name and topic as `g` stands now (its theme, its action and
/// lead; an archived group's say so), for a group that has a room.
pub fn name(ex: &mut Exec<'_>, g: &Group) -> StoreResult<Option<Action>> {
    let Some(room) = g.room.clone() else {
        return Ok(None);
    };
    let lang = ex.lang();
    let topic = topic(ex, g)?;
    let (name, topic) = match g.status {
        crate::store::GroupStatus::Archived => {
            let day = crate::words::date_in(lang, ex.ctx.today());
            (
                tr!(lang, "{} (archivé)", "{} (archived)", g.theme),
                tr!(
                    lang,
                    "Groupe archivé le {day}. {topic}",
                    "Group archived on {day}. {topic}"
                )
                .trim_end()
                .to_string(),
            )
        }
        _ => (g.theme.clone(), topic),
    };
    Ok(Some(Action::NameRoom { room, name, topic }))
}

/// Whether the bot makes rooms and `g` has none yet.
pub fn wanted(ex: &Exec<'_>, g: &Group) -> bool {
    ex.ctx.create_rooms && g.room.is_none()
}

/// The invitation of `person`, who just joined `g`, to its room, when
/// the bot makes rooms and the group has one. Nothing for someone without
/// a Matrix ID. (Someone who joins in the seconds between a group's
/// activation and its room's making is in neither the room's invitations
/// nor this: the drift check invites them.)
pub fn invite(ex: &mut Exec<'_>, g: &Group, person: &Person) -> StoreResult<Option<Action>> {
    let Some(room) = g.room.clone().filter(|_| ex.ctx.create_rooms) else {
        return Ok(None);
    };
    Ok(matrix_id(ex, person)?.map(|user| Action::InviteToRoom { room, user }))
}
