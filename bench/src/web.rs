//! The web pages at scale: `greffier web` (release) on the 10 000-group,
//! 100 000-people network with one meeting of a group's members invited;
//! each page kind asked 300 times in a row (p50, p99), then by 8 clients at
//! once for 3 s (requests per second), next to `/style.css`, a static
//! file served by the same server.

use greffier_commands::store::Groups as _;
use std::path::Path;
use std::time::{Duration, Instant};

use greffier_commands::meeting::NewMeeting;
use greffier_commands::store::{Meetings as _, Records as _};
use greffier_storage::Database;

use crate::procs::{Child, sibling};
use crate::scale::{self, Size};
use crate::stats::{Sample, ms, ratio};

const SEQUENTIAL: usize = 300;
const CLIENTS: usize = 8;
const WINDOW: Duration = Duration::from_secs(3);

/// Past meetings in the archive page's measure.
const ARCHIVED: usize = 1_000;

pub async fn run(dir: &Path, size: Size) -> anyhow::Result<()> {
    let db_path = scale::database(dir, "web", size)?;
    // One meeting of the first group, its members invited, half answered.
    {
        let mut db = Database::open(&db_path)?;
        let now = jiff::Timestamp::now();
        db.write(now, |tx| {
            let g = tx.group_by_slug(&scale::slug(0))?.expect("the first group");
            let m = tx.create_meeting(&NewMeeting {
                title: "Réunion du groupe".into(),
                starts_at: now,
                ends_at: None,
                timezone: "Europe/Paris".into(),
                place: Some("Arles".into()),
                group: Some(g.id),
                organiser: None,
                time_given: true,
            })?;
            for (i, p) in tx.member_people(g.id)?.into_iter().enumerate() {
                tx.invite(m, p.id, None, None, 0)?;
                if i % 2 == 0 {
                    tx.record_rsvp(&greffier_commands::meeting::NewRsvp {
                        meeting: m,
                        person: p.id,
                        status: greffier_commands::meeting::RsvpStatus::Present,
                        reason: None,
                        channel: "console",
                        recorded_by: None,
                        source: None,
                    })?;
                }
            }
            // The archive: 1 000 past meetings of the first 50 groups,
            // one in two with an approved compte rendu.
            for k in 0..ARCHIVED {
                let g = tx.group_by_slug(&scale::slug(k % 50))?.expect("a group");
                let starts_at = now
                    .checked_sub(jiff::SignedDuration::from_hours(24 * (k as i64 + 1)))
                    .unwrap_or(now);
                let m = tx.create_meeting(&NewMeeting {
                    title: format!("Réunion passée {k}"),
                    starts_at,
                    ends_at: None,
                    timezone: "Europe/Paris".into(),
                    place: None,
                    group: Some(g.id),
                    organiser: None,
                    time_given: true,
                })?;
                if k % 2 == 0 {
                    tx.approve_record(
                        m,
                        &format!("# Réunion passée {k}\n\nCompte rendu.\n"),
                        greffier_commands::store::RecordFormat::Markdown,
                        Some("bench"),
                        None,
                    )?;
                }
            }
            Ok(())
        })?;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let config = dir.join("web.toml");
    std::fs::write(
        &config,
        format!(
            "[bot]\ndatabase = {:?}\n\n[web]\nlisten = \"127.0.0.1:{port}\"\n",
            db_path.display().to_string()
        ),
    )?;
    let bin = sibling("greffier")?;
    let config_arg = config.display().to_string();
    let mut web = Child::spawn(
        &bin,
        &["--config", &config_arg, "web"],
        &[("RUST_LOG", "info")],
        dir,
        &dir.join("web.log"),
    )?;
    web.wait_log("web pages served", Duration::from_secs(60))
        .await?;
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let pages = [
        ("static file `/style.css`", "/style.css".to_string()),
        (
            "group `/groupes/<slug>`",
            format!("/groupes/{}", scale::slug(0)),
        ),
        ("meeting `/reunions/1`", "/reunions/1".to_string()),
        ("catalogue `/logiciels`", "/logiciels".to_string()),
        (
            "group calendar",
            format!("/groupes/{}/calendrier.ics", scale::slug(0)),
        ),
        ("network `/`", "/".to_string()),
        (
            "archive `/reunions` (1 000 past meetings)",
            "/reunions".to_string(),
        ),
    ];
    println!(
        "{} groups, {} people, {} organisations; {SEQUENTIAL} requests in a row, then {CLIENTS} clients for {} s.\n",
        size.groups,
        size.people,
        size.organisations,
        WINDOW.as_secs()
    );
    println!("| page | bytes | p50 | p99 | p50 / static | requests/s ({CLIENTS} clients) |");
    println!("| --- | --- | --- | --- | --- | --- |");
    let mut static_p50 = None;
    for (name, path) in &pages {
        let url = format!("{base}{path}");
        let mut bytes = 0;
        for _ in 0..10 {
            bytes = client.get(&url).send().await?.bytes().await?.len();
        }
        let mut sample = Sample::default();
        for _ in 0..SEQUENTIAL {
            let t = Instant::now();
            let r = client.get(&url).send().await?;
            anyhow::ensure!(r.status().is_success(), "{url}: {}", r.status());
            r.bytes().await?;
            sample.push(t.elapsed());
        }
        let p50 = sample.p50();
        let base_p50 = *static_p50.get_or_insert(p50);
        let deadline = Instant::now() + WINDOW;
        let mut workers = Vec::new();
        for _ in 0..CLIENTS {
            let (client, url) = (client.clone(), url.clone());
            workers.push(tokio::spawn(async move {
                let mut n = 0u64;
                while Instant::now() < deadline {
                    if let Ok(r) = client.get(&url).send().await
                        && r.bytes().await.is_ok()
                    {
                        n += 1;
                    }
                }
                n
            }));
        }
        let mut done = 0u64;
        for w in workers {
            done += w.await?;
        }
        println!(
            "| {name} | {bytes} | {} | {} | {} | {:.0} |",
            ms(p50),
            ms(sample.p99()),
            ratio(p50, base_p50),
            done as f64 / WINDOW.as_secs_f64()
        );
    }
    web.stop().await?;
    Ok(())
}
