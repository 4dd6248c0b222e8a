//! Rendering the weekly digests for 1000 groups of 20 organisations each
//! (plus their history), from a SQLite database on disk, as the scheduler
//! does. Prints the time to build the data, the time to render every
//! group's digest and the overall one, and the peak memory of this process.

use greffier_commands::store::{Groups as _, Organisations as _};
use std::time::Instant;

use greffier_commands::digest::{group_digest, overall_digest};
use greffier_commands::store::{GroupStatus, NewGroup, OrgId};
use greffier_commands::{Context, Lang};
use greffier_storage::Database;
use jiff::Timestamp;
use jiff::tz::TimeZone;

const GROUPS: usize = 1000;
const ORGS_PER_GROUP: usize = 20;
const ORGANISATIONS: usize = 400;

/// Peak resident memory of this process, in KiB (Linux).
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

pub fn run() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("greffier-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let mut db = Database::open(&dir.join("bench.db"))?;
    let now: Timestamp = "2026-11-23T08:00:00Z".parse()?;
    let ctx = Context {
        lang: Lang::Fr,
        prefix: "!".into(),
        admins: vec![],
        quorum: 3,
        timezone: TimeZone::get("Europe/Paris")?,
        now,
        mail_address: None,
        digest_rooms: Vec::new(),
        digest_lists: Vec::new(),
        create_rooms: false,
        lists_domain: None,
        web_url: None,
        review_days: 7,
    };

    let start = Instant::now();
    db.write(now, |tx| {
        let orgs: Vec<OrgId> = (0..ORGANISATIONS)
            .map(|i| tx.create_organisation(&format!("Commune {i:03}"), None))
            .collect::<Result<_, _>>()?;
        for g in 0..GROUPS {
            let status = if g % 3 == 0 {
                GroupStatus::Proposed
            } else {
                GroupStatus::Active
            };
            let id = tx.create_group(
                &NewGroup {
                    slug: format!("groupe-{g:04}"),
                    theme: format!("Projet libre numéro {g}"),
                    status,
                    lead: Some(orgs[g % ORGANISATIONS]),
                    action: Some("Présentation de l'application".into()),
                    room: Some(format!("!room{g}")),
                    list: None,
                },
                None,
            )?;
            for k in 0..ORGS_PER_GROUP {
                tx.add_member(id, orgs[(g * 7 + k * 13) % ORGANISATIONS], None)?;
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
                tx.add_support(id, orgs[(g + 1) % ORGANISATIONS], None)?;
            }
        }
        Ok(())
    })?;
    let built = start.elapsed();

    let since = now.checked_sub(jiff::SignedDuration::from_hours(24 * 7))?;
    let start = Instant::now();
    let (bytes, html_bytes) = db.write(now, |tx| {
        let mut bytes = 0;
        let mut html_bytes = 0;
        for g in tx.groups()? {
            let d = group_digest(tx, &ctx, &g, since)?;
            bytes += d.plain.len();
            html_bytes += d.html.len();
        }
        let overall = overall_digest(tx, &ctx)?;
        Ok((bytes + overall.plain.len(), html_bytes + overall.html.len()))
    })?;
    let rendered = start.elapsed();

    println!("groups: {GROUPS}, organisations per group: {ORGS_PER_GROUP}");
    println!("build the data: {:.2} s", built.as_secs_f64());
    println!(
        "render {GROUPS} group digests + the overall one: {:.3} s ({:.2} ms per group)",
        rendered.as_secs_f64(),
        rendered.as_secs_f64() * 1000.0 / GROUPS as f64
    );
    println!(
        "text: {} KiB, HTML: {} KiB",
        bytes / 1024,
        html_bytes / 1024
    );
    println!("peak memory (VmHWM): {} MiB", peak_rss_kib() / 1024);
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
