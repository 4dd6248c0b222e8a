//! Who speaks for an organisation: the rules shared by `!moi organisation`,
//! `!moi confirmer`, `!organisation …` and `!moi oublier`. A declared
//! organisation is pending until an admin, a confirmed member of it or one
//! of its domains confirms it (see SECURITY.md, "Organisations").

use crate::action::Action;
use crate::exec::{Exec, Failure, quote_list};
use crate::store::{
    Identity, IdentityKind, Membership, OrgId, Organisation, Person, PersonId, Store, StoreResult,
};
use crate::text;
use crate::tr;

/// Mails telling of one pending request, at most: the admins' first, then
/// the organisation's confirmed members'.
pub const MAX_NOTIFIED: usize = 20;

/// The people confirmed in `org`: those who speak for it (and, for the
/// groups it leads, moderate the room and own the list).
pub fn confirmed_people(store: &mut dyn Store, org: OrgId) -> StoreResult<Vec<Person>> {
    Ok(store
        .organisation_people(org)?
        .into_iter()
        .filter(|p| p.membership == Membership::Confirmed)
        .collect())
}

/// A pending membership accepted or refused (`by`: who decided); the
/// owners of the lists the organisation's groups have follow.
pub fn decide(
    ex: &mut Exec<'_>,
    person: PersonId,
    decision: Membership,
    by: Option<PersonId>,
) -> StoreResult<()> {
    crate::lists::following(ex, person, |ex| {
        ex.store.decide_membership(person, decision, by)
    })
}

/// The domain an identity belongs to: an address's, or a Matrix ID's
/// server name (without a port), in lower case.
pub fn domain_of(identity: &Identity) -> Option<String> {
    let domain = match identity.kind {
        IdentityKind::Email => identity.value.rsplit_once('@')?.1,
        IdentityKind::Matrix => {
            let server = identity.value.split_once(':')?.1;
            // `[::1]:8448` or `host:8448`: the host part.
            match server.rsplit_once(':') {
                Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
                _ => server,
            }
        }
    };
    let domain = domain.trim_end_matches('.').to_lowercase();
    (!domain.is_empty()).then_some(domain)
}

/// A domain as `!organisation domaine` records it: lower case, without a
/// leading `@` or a trailing dot; letters, digits, hyphens and at least
/// one dot. None if it is not one.
pub fn normalise_domain(s: &str) -> Option<String> {
    let d = s.trim().trim_start_matches('@').trim_end_matches('.');
    let d = d.to_lowercase();
    let valid = d.len() <= 253
        && d.contains('.')
        && d.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
        });
    valid.then_some(d)
}

/// The recorded domain of `org` that one of `identities` is in (the
/// domain itself or a subdomain of it), if any.
pub fn confirming_domain(
    ex: &mut Exec<'_>,
    identities: &[Identity],
    org: OrgId,
) -> StoreResult<Option<String>> {
    for identity in identities {
        let Some(domain) = domain_of(identity) else {
            continue;
        };
        // ville-arles.fr, then arles.fr… down to the last two labels.
        let mut rest = domain.as_str();
        loop {
            if ex.store.organisation_by_domain(rest)? == Some(org) {
                return Ok(Some(rest.to_string()));
            }
            match rest.split_once('.') {
                Some((_, parent)) if parent.contains('.') => rest = parent,
                _ => break,
            }
        }
    }
    Ok(None)
}

/// The verified identities of a person.
pub fn verified(ex: &mut Exec<'_>, person: &Person) -> StoreResult<Vec<Identity>> {
    Ok(ex
        .store
        .identities(person.id)?
        .into_iter()
        .filter_map(|(id, verified)| verified.then_some(id))
        .collect())
}

/// Mails to those who can confirm `person` in `org` and have an address:
/// the admins, then the organisation's confirmed members (the requester
/// left out), [`MAX_NOTIFIED`] at most. Queued once, with the request.
pub fn notify_confirmers(
    ex: &mut Exec<'_>,
    person: &Person,
    org: &Organisation,
) -> StoreResult<usize> {
    let mut to: Vec<String> = Vec::new();
    let admins = ex.ctx.admins.clone();
    for admin in admins {
        let Some(identity) = Identity::parse(&admin) else {
            continue;
        };
        match identity.kind {
            IdentityKind::Email => to.push(identity.value),
            IdentityKind::Matrix => {
                if let Some(p) = ex.store.person_by_identity(&identity)? {
                    to.extend(emails(ex, &p)?);
                }
            }
        }
    }
    for member in ex.store.organisation_people(org.id)? {
        if member.confirmed() && member.id != person.id {
            to.extend(emails(ex, &member)?);
        }
    }
    let own = emails(ex, person)?;
    let mut seen = std::collections::HashSet::new();
    to.retain(|a| !own.contains(a) && seen.insert(a.clone()));
    to.truncate(MAX_NOTIFIED);
    let lang = ex.lang();
    let p = ex.prefix().to_string();
    let who = &ex.req.sender.value;
    let (name, org_name) = (&person.name, &org.name);
    let de_org = crate::words::de(org_name);
    let subject = tr!(
        lang,
        "[greffier] {name} demande à être membre {de_org}",
        "[greffier] {name} asks to be a member of {org_name}"
    );
    let text = tr!(
        lang,
        "{name} ({who}) se déclare membre {de_org}. Tant que ce n'est pas confirmé, {name} ne peut pas agir au nom {de_org} (soutenir, proposer, chef de projet).\n\nPour confirmer, écrivez à greffier :\n{p}organisation accepter {who}\nPour refuser :\n{p}organisation refuser {who}\n\nVous recevez ce message comme administrateur ou membre confirmé {de_org}.",
        "{name} ({who}) says they are a member of {org_name}. Until this is confirmed, {name} cannot act in the name of {org_name} (support, propose, lead).\n\nTo confirm, write to greffier:\n{p}org accept {who}\nTo refuse:\n{p}org refuse {who}\n\nYou receive this message as an admin or a confirmed member of {org_name}."
    );
    let n = to.len();
    for address in to {
        ex.actions.push(Action::SendMail {
            to: address,
            subject: subject.clone(),
            text: text.clone(),
        });
    }
    Ok(n)
}

fn emails(ex: &mut Exec<'_>, person: &Person) -> StoreResult<Vec<String>> {
    Ok(verified(ex, person)?
        .into_iter()
        .filter(|i| i.kind == IdentityKind::Email)
        .map(|i| i.value)
        .collect())
}

/// The person named by a Matrix ID, an address or a name the bot knows;
/// or a refusal saying why none is found (or which ones are meant).
pub fn find_person(ex: &mut Exec<'_>, named: &str) -> Result<Person, Failure> {
    let lang = ex.lang();
    let shown = text::excerpt(named, 60);
    if let Some(identity) = Identity::parse(named) {
        // A verified identity, else one declared for someone.
        let found = match ex.store.person_by_identity(&identity)? {
            Some(p) => Some(p),
            None => ex.store.declared_person(&identity)?,
        };
        return match found {
            Some(p) => Ok(p),
            None => ex.refuse(tr!(
                lang,
                "Je ne connais personne dont l'identifiant soit « {shown} ».",
                "I know no one whose ID is “{shown}”."
            )),
        };
    }
    let found = ex.store.people_named(&text::name_key(named))?;
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => ex.refuse(tr!(
            lang,
            "Je ne connais personne qui s'appelle « {shown} » : donnez son identifiant Matrix ou son adresse.",
            "I know no one called “{shown}”: give their Matrix ID or address."
        )),
        many => {
            let mut names = Vec::new();
            for p in many {
                let org = ex
                    .org_name(p.organisation)?
                    .unwrap_or_else(|| tr!(lang, "sans organisation", "no organisation"));
                names.push(format!("{} ({org})", p.name));
            }
            let list = quote_list(lang, &names);
            ex.refuse(tr!(
                lang,
                "« {shown} » désigne plusieurs personnes ({list}) : donnez son identifiant Matrix ou son adresse.",
                "“{shown}” names several people ({list}): give their Matrix ID or address."
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> Identity {
        Identity::parse(s).expect("identity")
    }

    #[test]
    fn the_domain_of_an_address_and_of_a_matrix_id() {
        assert_eq!(
            domain_of(&id("Anne@Ville-Arles.FR")).as_deref(),
            Some("ville-arles.fr")
        );
        assert_eq!(
            domain_of(&id("@anne:matrix.arles.fr")).as_deref(),
            Some("matrix.arles.fr")
        );
        assert_eq!(
            domain_of(&id("@anne:arles.fr:8448")).as_deref(),
            Some("arles.fr")
        );
    }

    #[test]
    fn domains_are_normalised_or_refused() {
        assert_eq!(
            normalise_domain("@Ville-Arles.FR.").as_deref(),
            Some("ville-arles.fr")
        );
        for bad in ["fr", "", "a..fr", "-a.fr", "a b.fr", "a/b.fr", "x@y.fr"] {
            assert_eq!(normalise_domain(bad), None, "{bad}");
        }
    }
}
