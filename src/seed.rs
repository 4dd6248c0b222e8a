//! What bot.toml seeds at start-up: `[[organisations.seed]]` (with their
//! domains), `[[people.seed]]` (confirmed members: an operator's act) and
//! `[[groups.seed]]` (groups no group has the slug of yet). Organisations
//! are found by name (accent-, case-, hyphen-insensitive) or created; the
//! seed's spelling is the one displayed. A seed otherwise never
//! overwrites what is stored.

use greffier_commands::directory::{Found, find_by_name};
use greffier_commands::normalise_domain;
use greffier_commands::store::{Groups as _, Identities as _, Organisations as _, People as _};
use greffier_commands::store::{Identity, Membership, NewGroup, OrgId};
use greffier_commands::text::name_key;
use greffier_storage::{Database, Tx};
use jiff::Timestamp;

use crate::config::{Config, SeedGroup, SeedOrganisation, SeedPerson};

fn org(tx: &mut Tx<'_>, name: &str) -> greffier_storage::Result<OrgId> {
    Ok(match tx.organisation_by_key(&name_key(name))? {
        Some(o) => o.id,
        None => tx.create_organisation(name, None)?,
    })
}

/// Applies the seeds of `config`; returns how many groups it created.
pub fn apply(db: &mut Database, config: &Config, now: Timestamp) -> anyhow::Result<usize> {
    organisations(db, &config.organisations.seed, now)?;
    people(db, &config.people.seed, now)?;
    groups(db, &config.groups.seed, now)
}

/// Records the seed organisations and their domains (a domain another
/// organisation holds is left to it, and logged).
fn organisations(
    db: &mut Database,
    seeds: &[SeedOrganisation],
    now: Timestamp,
) -> anyhow::Result<()> {
    db.write(now, |tx| {
        for seed in seeds {
            // The seed's name is the one displayed: "Sète" corrects the
            // "Sete" an import wrote.
            let id = match tx.organisation_by_key(&name_key(&seed.name))? {
                Some(o) if o.name != seed.name => {
                    tx.rename_organisation(o.id, &seed.name)?;
                    tracing::info!(from = %o.name, to = %seed.name, "organisation renamed as the seed writes it");
                    o.id
                }
                Some(o) => o.id,
                None => tx.create_organisation(&seed.name, seed.kind.as_deref())?,
            };
            for domain in seed.domains.iter().filter_map(|d| normalise_domain(d)) {
                if let Some(other) = tx.add_organisation_domain(id, &domain)? {
                    tracing::warn!(%domain, organisation = %seed.name, holder = other.0, "seed domain held by another organisation: left to it");
                }
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// Records the seed people that the bot does not know by any of their
/// identities, as confirmed members of their organisation: a person it
/// knows by name in that organisation (from the minutes) gets the
/// identities ([`find_by_name`], the matching of `import-people`).
fn people(db: &mut Database, seeds: &[SeedPerson], now: Timestamp) -> anyhow::Result<()> {
    let (created, matched) = db.write(now, |tx| {
        let (mut created, mut matched) = (0, 0);
        for seed in seeds {
            let identities: Vec<Identity> = seed
                .matrix_ids
                .iter()
                .chain(&seed.emails)
                .filter_map(|s| Identity::parse(s))
                .collect();
            let mut known = false;
            for identity in &identities {
                known |= tx.person_by_identity(identity)?.is_some();
            }
            let Some((first, rest)) = identities.split_first() else {
                continue;
            };
            if known {
                continue;
            }
            let org = org(tx, &seed.organisation)?;
            // Someone the minutes' import knows by name gets the
            // identities; nobody is made twice.
            match find_by_name(tx, &seed.name, Some(org))? {
                Found::One(person) => {
                    for identity in &identities {
                        tx.add_identity(person.id, identity)?;
                    }
                    if person.organisation.is_none() {
                        tx.set_person_organisation(person.id, org, Membership::Confirmed, None)?;
                    }
                    matched += 1;
                }
                Found::Several(people) => {
                    tracing::warn!(name = %seed.name, count = people.len(), "a seed person's name is several people's: give one of their identities; left aside");
                }
                Found::Nobody => {
                    let person = tx.create_person(&seed.name, Some(org), first)?;
                    for identity in rest {
                        tx.add_identity(person, identity)?;
                    }
                    created += 1;
                }
            }
        }
        Ok((created, matched))
    })?;
    if created + matched > 0 {
        tracing::info!(created, matched, "seed people recorded");
    }
    Ok(())
}

/// Creates the seed groups that do not exist; returns how many it created.
fn groups(db: &mut Database, seeds: &[SeedGroup], now: Timestamp) -> anyhow::Result<usize> {
    let created = db.write(now, |tx| {
        let mut created = 0;
        for seed in seeds {
            if tx.group_by_slug(&seed.slug)?.is_some() {
                continue;
            }
            let lead = seed.lead.as_deref().map(|l| org(tx, l)).transpose()?;
            let status = seed.status;
            let group = tx.create_group(
                &NewGroup {
                    slug: seed.slug.clone(),
                    theme: seed.theme.clone(),
                    status,
                    lead,
                    action: seed.action.clone(),
                    room: seed.room.clone(),
                    list: seed.list.clone(),
                },
                None,
            )?;
            for m in &seed.members {
                let o = org(tx, m)?;
                tx.add_member(group, o, None)?;
            }
            for s in &seed.supporters {
                let o = org(tx, s)?;
                tx.add_support(group, o, None)?;
            }
            if let Some(text) = &seed.status_text {
                tx.record_status(group, text, seed.version.as_deref(), None)?;
            } else if let Some(v) = &seed.version {
                tx.record_status(group, v, Some(v), None)?;
            }
            created += 1;
        }
        Ok(created)
    })?;
    if created > 0 {
        tracing::info!(created, "seed groups created");
    }
    Ok(created)
}
