//! The bot's own cost per command, in process: from the request to its
//! reply queued in the outbox (parse, run, storage, outbox, commit), on the
//! large network of [`crate::scale`], through the same `Inbox::run` the
//! adapters call.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use greffier::inbox::{Handled, Inbound, Inbox, Input};
use greffier_commands::store::{Identity, IdentityKind};
use greffier_commands::{Context, Lang, Origin};
use greffier_storage::Database;
use jiff::Timestamp;

use crate::commands;
use crate::scale::{self, Size};
use crate::stats::{Rng, Sample, us};

pub fn context() -> anyhow::Result<Context> {
    Ok(Context {
        lang: Lang::Fr,
        prefix: "!".into(),
        admins: vec![],
        quorum: 3,
        timezone: jiff::tz::TimeZone::get("Europe/Paris")?,
        now: Timestamp::now(),
        mail_address: None,
        digest_rooms: Vec::new(),
        digest_lists: Vec::new(),
        create_rooms: false,
        lists_domain: None,
        web_url: None,
        review_days: 7,
    })
}

/// On a copy of the network in `dir`, runs `n` commands from random members.
pub fn run(dir: &Path, size: Size, n: usize) -> anyhow::Result<()> {
    let inbox = Inbox::new(
        Database::open(&scale::database(dir, "cost.db", size)?)?,
        greffier::channels::routes(),
    );
    println!(
        "{} groups, {} people, {} organisations\n",
        size.groups, size.people, size.organisations
    );
    let mut rng = Rng::new(9);
    let mut all = Sample::default();
    let mut by_kind: BTreeMap<&str, Sample> = BTreeMap::new();
    let mut liste = Sample::default();
    // Each member's sequence: its own rejoindre/quitter pairs.
    let mut joined = vec![0usize; 64];
    for i in 0..n {
        let member = i % joined.len();
        let who = scale::person(member * 1543 % size.people);
        let (kind, text) =
            commands::nth(i / joined.len(), size.groups, &mut rng, &mut joined[member]);
        let took = handle(&inbox, &who, &text, i)?;
        all.push(took);
        by_kind.entry(kind).or_default().push(took);
        // `!groupe liste` lists every group: the heaviest read, apart.
        if i % 50 == 0 {
            liste.push(handle(&inbox, &who, "!groupe liste", n + i)?);
        }
    }
    println!("| command | n | p50 | p99 |");
    println!("| --- | --- | --- | --- |");
    println!(
        "| the mix | {} | {} | {} |",
        all.len(),
        us(all.p50()),
        us(all.p99())
    );
    for (kind, s) in &by_kind {
        println!(
            "| `{kind}` | {} | {} | {} |",
            s.len(),
            us(s.p50()),
            us(s.p99())
        );
    }
    println!(
        "| `!groupe liste` | {} | {} | {} |",
        liste.len(),
        us(liste.p50()),
        us(liste.p99())
    );
    Ok(())
}

fn handle(inbox: &Inbox, who: &str, text: &str, i: usize) -> anyhow::Result<std::time::Duration> {
    let event = format!("$bench{i}:example.test");
    let started = Instant::now();
    let ctx = context()?;
    let inbound = Inbound {
        origin: Origin::Matrix {
            room: "!bench:example.test".into(),
            event: Some(event.clone()),
            direct: false,
        },
        key: Some(event),
        sender: Identity {
            kind: IdentityKind::Matrix,
            value: who.to_string(),
        },
        display_name: None,
        authenticated: true,
        input: Input::Lines(vec![text.to_string()]),
    };
    let handled = inbox.run(&ctx, &inbound)?;
    let took = started.elapsed();
    anyhow::ensure!(
        matches!(handled, Handled::Queued(ref ids) if !ids.is_empty()),
        "{text}: no reply queued ({handled:?})"
    );
    Ok(took)
}
