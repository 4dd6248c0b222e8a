//! `[[groups.seed]]`: groups created at start-up when no group has their
//! slug yet. Organisations are found by name (accent-, case-, hyphen-
//! insensitive) or created. A seed never overwrites what is stored.

use greffier_commands::Store;
use greffier_commands::store::{NewGroup, OrgId};
use greffier_commands::text::name_key;
use greffier_storage::{Database, Tx};
use jiff::Timestamp;

use crate::config::SeedGroup;

fn org(tx: &mut Tx<'_>, name: &str) -> greffier_storage::Result<OrgId> {
    Ok(match tx.organisation_by_key(&name_key(name))? {
        Some(o) => o.id,
        None => tx.create_organisation(name, None)?,
    })
}

/// Creates the seed groups that do not exist; returns how many it created.
pub fn apply(db: &mut Database, seeds: &[SeedGroup], now: Timestamp) -> anyhow::Result<usize> {
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
