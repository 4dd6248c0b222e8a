//! A group's mailing list on the network's list server (`[lists]`, Mailman
//! 3 or Sympa): what the commands ask the lists adapter to do when a group becomes
//! active (or an admin asks with `!groupe diffusion creer`), when someone
//! joins or leaves a group, and when a person is erased. A group's list is
//! `<group>@<lists domain>`; only lists of that domain are kept in step
//! (a list set by hand elsewhere is left alone).

use crate::action::Action;
use crate::exec::Exec;
use crate::store::{Group, IdentityKind, Membership, OrgId, Person, PersonId, Store, StoreResult};

/// The address the bot gives `g`'s list.
pub fn address(domain: &str, g: &Group) -> String {
    format!("{}@{domain}", g.slug)
}

/// A person's verified addresses.
pub fn addresses(store: &mut dyn Store, person: PersonId) -> StoreResult<Vec<String>> {
    Ok(store
        .identities(person)?
        .into_iter()
        .filter(|(i, verified)| *verified && i.kind == IdentityKind::Email)
        .map(|(i, _)| i.value)
        .collect())
}

/// The owners of a list whose group `lead` leads: the verified addresses
/// of the organisation's confirmed members (those the room makes its
/// moderators), sorted.
pub fn owners(store: &mut dyn Store, lead: Option<OrgId>) -> StoreResult<Vec<String>> {
    let mut owners = Vec::new();
    if let Some(lead) = lead {
        for person in crate::membership::confirmed_people(store, lead)? {
            owners.extend(addresses(store, person.id)?);
        }
    }
    owners.sort();
    owners.dedup();
    Ok(owners)
}

/// Whether the bot makes lists and `g` has none yet.
pub fn wanted(ex: &Exec<'_>, g: &Group) -> bool {
    ex.ctx.lists_domain.is_some() && g.list.is_none()
}

/// The list to make for `g`, its members' verified addresses subscribed.
pub fn create(ex: &mut Exec<'_>, g: &Group) -> StoreResult<Option<Action>> {
    let Some(domain) = ex.ctx.lists_domain.clone() else {
        return Ok(None);
    };
    let mut subscribe = Vec::new();
    for person in ex.store.member_people(g.id)? {
        subscribe.extend(addresses(ex.store, person.id)?);
    }
    subscribe.sort();
    subscribe.dedup();
    Ok(Some(Action::CreateGroupList {
        group: g.slug.clone(),
        list: address(&domain, g),
        subject: g.theme.clone(),
        subscribe,
        owners: owners(ex.store, g.lead)?,
    }))
}

/// The list of `g` the bot keeps in step: its own list, once made (one
/// set by hand elsewhere is left alone; someone joining while it is being
/// made is subscribed by the drift check).
fn managed(ex: &Exec<'_>, g: &Group) -> Option<String> {
    let domain = ex.ctx.lists_domain.as_deref()?;
    let own = address(domain, g);
    g.list
        .as_ref()
        .filter(|list| list.eq_ignore_ascii_case(&own))
        .map(|_| own)
}

/// `person` joined `g`: their verified addresses subscribed to its list.
pub fn subscribe(ex: &mut Exec<'_>, g: &Group, person: &Person) -> StoreResult<Vec<Action>> {
    let Some(list) = managed(ex, g) else {
        return Ok(Vec::new());
    };
    Ok(addresses(ex.store, person.id)?
        .into_iter()
        .map(|address| Action::Subscribe {
            list: list.clone(),
            address,
        })
        .collect())
}

/// `g`'s lead becomes `lead`: its confirmed members' addresses become the
/// list's owners, the former lead's cease to be (someone in both stays).
pub fn lead_changed(ex: &mut Exec<'_>, g: &Group, lead: OrgId) -> StoreResult<Option<Action>> {
    let Some(list) = managed(ex, g) else {
        return Ok(None);
    };
    let add = owners(ex.store, Some(lead))?;
    let remove = owners(ex.store, g.lead)?
        .into_iter()
        .filter(|a| !add.contains(a))
        .collect();
    Ok(Some(Action::ListOwners { list, add, remove }))
}

/// Where a person stands for the lists' ownership: the organisation they
/// are confirmed in, and their verified addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    org: Option<OrgId>,
    addresses: Vec<String>,
}

/// `person`'s standing now (taken before and after a change); nothing is
/// read when the bot keeps no lists.
pub fn standing(ex: &mut Exec<'_>, person: PersonId) -> StoreResult<Standing> {
    if ex.ctx.lists_domain.is_none() {
        return Ok(Standing {
            org: None,
            addresses: Vec::new(),
        });
    }
    let p = ex.store.person(person)?;
    let org = p
        .organisation
        .filter(|_| p.membership == Membership::Confirmed);
    let mut addresses = addresses(ex.store, person)?;
    addresses.sort();
    Ok(Standing { org, addresses })
}

/// `change` made to `person` (their organisation, their standing in it):
/// the owners of the lists follow (see [`standing_changed`]).
pub fn following<T>(
    ex: &mut Exec<'_>,
    person: PersonId,
    change: impl FnOnce(&mut Exec<'_>) -> StoreResult<T>,
) -> StoreResult<T> {
    let before = standing(ex, person)?;
    let done = change(ex)?;
    let now = standing(ex, person)?;
    let owners = standing_changed(ex, &before, &now)?;
    ex.actions.extend(owners);
    Ok(done)
}

/// A person's standing went from `before` to `now` (confirmed in an
/// organisation or no longer, another organisation, an address verified):
/// the owners of the lists of the groups either organisation leads
/// follow — their addresses added where they now own, removed where they
/// no longer do.
pub fn standing_changed(
    ex: &mut Exec<'_>,
    before: &Standing,
    now: &Standing,
) -> StoreResult<Vec<Action>> {
    if ex.ctx.lists_domain.is_none() || before == now {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for g in ex.store.groups()? {
        let Some(lead) = g.lead else {
            continue;
        };
        if before.org != Some(lead) && now.org != Some(lead) {
            continue;
        }
        let Some(list) = managed(ex, &g) else {
            continue;
        };
        let of = |s: &Standing| -> Vec<String> {
            match s.org == Some(lead) {
                true => s.addresses.clone(),
                false => Vec::new(),
            }
        };
        let (had, has) = (of(before), of(now));
        let add: Vec<String> = has.iter().filter(|a| !had.contains(a)).cloned().collect();
        let remove: Vec<String> = had.iter().filter(|a| !has.contains(a)).cloned().collect();
        if !add.is_empty() || !remove.is_empty() {
            out.push(Action::ListOwners { list, add, remove });
        }
    }
    Ok(out)
}

/// `address`, newly verified, subscribed to the lists of `person`'s groups.
pub fn address_verified(
    ex: &mut Exec<'_>,
    person: PersonId,
    address: &str,
) -> StoreResult<Vec<Action>> {
    let mut out = Vec::new();
    for g in ex.store.person_groups(person)? {
        if let Some(list) = managed(ex, &g) {
            out.push(Action::Subscribe {
                list,
                address: address.to_string(),
            });
        }
    }
    Ok(out)
}

/// `person` left `g`: their addresses unsubscribed from its list.
pub fn unsubscribe(ex: &mut Exec<'_>, g: &Group, person: &Person) -> StoreResult<Vec<Action>> {
    let Some(list) = managed(ex, g) else {
        return Ok(Vec::new());
    };
    Ok(addresses(ex.store, person.id)?
        .into_iter()
        .map(|address| Action::Unsubscribe {
            list: list.clone(),
            address,
        })
        .collect())
}

/// `person` is being erased: their addresses off every list of the domain.
pub fn unsubscribe_everywhere(ex: &mut Exec<'_>, person: PersonId) -> StoreResult<Vec<Action>> {
    if ex.ctx.lists_domain.is_none() {
        return Ok(Vec::new());
    }
    Ok(addresses(ex.store, person)?
        .into_iter()
        .map(|address| Action::UnsubscribeEverywhere { address })
        .collect())
}
