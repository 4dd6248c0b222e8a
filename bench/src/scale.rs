//! A network far larger than the seed's: the database the "at scale"
//! figures are measured on, built with the storage's own writes.

use greffier_commands::store::{Groups as _, Organisations as _, People as _};
use std::path::{Path, PathBuf};
use std::time::Instant;

use greffier_commands::store::{GroupStatus, Identity, IdentityKind, NewGroup, OrgId};
use greffier_storage::Database;
use jiff::Timestamp;

/// How big the network is.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub organisations: usize,
    pub groups: usize,
    pub people: usize,
    /// Member organisations per group, besides the people who joined.
    pub orgs_per_group: usize,
}

/// The size issue #9 asks for: 10 000 groups, 100 000 people.
pub const LARGE: Size = Size {
    organisations: 2_000,
    groups: 10_000,
    people: 100_000,
    orgs_per_group: 10,
};

/// [`LARGE`], or divided by GREFFIER_BENCH_DIVIDE (a quicker look).
pub fn size_from_env() -> Size {
    let d: usize = std::env::var("GREFFIER_BENCH_DIVIDE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    Size {
        organisations: (LARGE.organisations / d).max(1),
        groups: (LARGE.groups / d).max(1),
        people: (LARGE.people / d).max(1),
        orgs_per_group: LARGE.orgs_per_group,
    }
}

/// A database of `size` at `dir/name`: a copy of one built once per run
/// (the build takes a while at full size, and each benchmark needs its own
/// database).
pub fn database(dir: &Path, name: &str, size: Size) -> anyhow::Result<PathBuf> {
    let template = dir.join(format!("network-{}-{}.db", size.groups, size.people));
    if !template.exists() {
        let started = Instant::now();
        let building = dir.join("network.building");
        let mut db = Database::open(&building)?;
        populate(&mut db, size, Timestamp::now())?;
        drop(db);
        // One self-contained file (no WAL beside it) to copy; greffier
        // turns WAL back on when it opens its copy.
        rusqlite::Connection::open(&building)?
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")?;
        std::fs::rename(&building, &template)?;
        println!(
            "(the network of {} groups, {} people, {} organisations: built in {:.1} s)\n",
            size.groups,
            size.people,
            size.organisations,
            started.elapsed().as_secs_f64()
        );
    }
    let path = dir.join(name);
    std::fs::copy(&template, &path)?;
    Ok(path)
}

/// The slug of group `g`.
pub fn slug(g: usize) -> String {
    format!("groupe-{g:05}")
}

/// The name of organisation `o`.
pub fn organisation(o: usize) -> String {
    format!("Commune {o:04}")
}

/// The Matrix ID of person `p`.
pub fn person(p: usize) -> String {
    format!("@membre{p}:example.test")
}

/// Fills an empty database: organisations; groups (a third proposals with
/// supports, the others active with a status and a milestone), each with
/// member organisations; people, each in an organisation and a member of
/// one group.
fn populate(db: &mut Database, size: Size, now: Timestamp) -> anyhow::Result<()> {
    db.write(now, |tx| {
        let orgs: Vec<OrgId> = (0..size.organisations)
            .map(|o| tx.create_organisation(&organisation(o), Some("commune")))
            .collect::<Result<_, _>>()?;
        let mut groups = Vec::with_capacity(size.groups);
        for g in 0..size.groups {
            let status = if g % 3 == 0 {
                GroupStatus::Proposed
            } else {
                GroupStatus::Active
            };
            let lead = orgs[g % orgs.len()];
            let id = tx.create_group(
                &NewGroup {
                    slug: slug(g),
                    theme: format!("Projet libre numéro {g}"),
                    status,
                    lead: Some(lead),
                    action: Some("Présentation de l'application".into()),
                    room: None,
                    list: None,
                },
                None,
            )?;
            for k in 0..size.orgs_per_group {
                tx.add_member(id, orgs[(g * 7 + k * 13) % orgs.len()], None)?;
            }
            if status == GroupStatus::Active {
                tx.record_status(
                    id,
                    &format!("Version 1.{g} en production"),
                    Some("1.0"),
                    None,
                )?;
                tx.add_milestone(
                    id,
                    jiff::civil::date(2027, 1, 15),
                    "Mise en production",
                    None,
                )?;
            } else {
                tx.add_support(id, orgs[(g + 1) % orgs.len()], None)?;
            }
            groups.push(id);
        }
        for p in 0..size.people {
            let org = orgs[p % orgs.len()];
            let id = tx.create_person(
                &format!("Membre {p}"),
                Some(org),
                &Identity {
                    kind: IdentityKind::Matrix,
                    value: person(p),
                },
            )?;
            tx.add_member(groups[p % groups.len()], org, Some(id))?;
        }
        Ok(())
    })?;
    Ok(())
}
