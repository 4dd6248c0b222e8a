//! greffier next to the bot people would run instead (issue 24): the
//! do-nothing relay, maubot with a one-command plugin, and greffier, on the
//! same local Synapse, in one run so that the ratios hold.
//!
//! Each bot has the benchmark's network in its database (maubot: the same
//! file in greffier's schema, read by its plugin), and the users are people
//! of that network (their Matrix IDs linked in both databases), so that
//! `!moi` finds a person, their organisation and their groups in both.
//! Measured: round trips (the three in turn, one message at a time), resident
//! memory idle (maubot: its whole process tree), and the time from a
//! process's start to its first answer.
//!
//! Still to come (issue 24): the bursts of 1000 commands from 20 users for
//! each bot and their peak memory, and the recorded run.

use std::path::Path;
use std::time::Duration;

use futures_util::future::join_all;
use greffier_testkit::matrix::{Servers, User, register};
use matrix_sdk::ruma::OwnedRoomId;
use tokio::time::Instant;

use crate::matrix::{Member, members, round_trip, send};
use crate::procs::{Child, Memory, mib, sibling};
use crate::scale::{self, Size};
use crate::stats::{Sample, ms, ratio};

const PATIENCE: Duration = Duration::from_secs(120);

/// Links each user's Matrix ID to a person of the network, in a database
/// of greffier's schema.
fn link(db: &Path, users: &[User], size: Size) -> anyhow::Result<()> {
    let conn = rusqlite::Connection::open(db)?;
    for (i, user) in users.iter().enumerate() {
        let person = (i * 997) % size.people.max(1) + 1;
        conn.execute(
            "INSERT INTO identities (person_id, kind, value, verified, created_at)
             VALUES (?1, 'matrix', ?2, 1, '2026-11-30T00:00:00Z')",
            rusqlite::params![person as i64, user.id.as_str()],
        )?;
    }
    Ok(())
}

/// Resident memory of a process and all its descendants, in KiB.
fn tree_rss(root: u32) -> u64 {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // "pid (comm) state ppid …": the comm may hold spaces.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse().ok());
            if let Some(ppid) = ppid {
                parents.push((pid, ppid));
            }
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            parents
                .iter()
                .filter(|(_, p)| *p == parent)
                .map(|(c, _)| *c),
        );
        i += 1;
    }
    tree.iter()
        .filter_map(|&pid| Memory::of(pid))
        .map(|m| m.rss_kib)
        .sum()
}

struct Bots {
    greffier: Child,
    relay: Child,
    maubot: Child,
}

/// `greffier run` on the benchmark's bot.toml, its log in `log`.
fn spawn_greffier(dir: &Path, password: &str, log: &str) -> anyhow::Result<Child> {
    Child::spawn(
        &sibling("greffier")?,
        &["--config", "bot.toml", "run"],
        &[
            ("GREFFIER_BENCH_PASSWORD", password),
            (
                "RUST_LOG",
                "info,matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=warn",
            ),
        ],
        dir,
        &dir.join(log),
    )
}

/// The do-nothing relay, logged in as `user`, its log in `log`.
fn spawn_relay(dir: &Path, user: &str, password: &str, log: &str) -> anyhow::Result<Child> {
    Child::spawn(
        &sibling("greffier-relay")?,
        &[],
        &[
            ("GREFFIER_RELAY_HOMESERVER", Servers::get().url()),
            ("GREFFIER_RELAY_USER", user),
            ("GREFFIER_RELAY_PASSWORD", password),
        ],
        dir,
        &dir.join(log),
    )
}

/// From a process's start to its first answer to `text`, sent by `who`
/// every 250 ms until one is answered.
async fn first_answer(
    who: &Member,
    room: &OwnedRoomId,
    text: &str,
    started: Instant,
) -> Option<Duration> {
    let deadline = started + PATIENCE;
    let mut sent = Vec::new();
    while Instant::now() < deadline {
        if let Ok(id) = send(&who.user.client, room, text).await {
            sent.push(id);
        }
        let wait_until = Instant::now() + Duration::from_millis(250);
        while Instant::now() < wait_until {
            if let Some(at) = sent
                .iter()
                .filter_map(|id| who.arrivals.get(&format!("re:{id}")))
                .min()
            {
                return Some(at.saturating_duration_since(started));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    None
}

pub async fn run(dir: &Path, size: Size, users_n: usize, rounds: usize) -> anyhow::Result<()> {
    let servers = Servers::get();
    let greffier_db = scale::database(dir, "greffier.db", size)?;
    let network = crate::maubot::network(dir, size)?;
    let users: Vec<User> = join_all((0..users_n).map(|_| User::new())).await;
    link(&greffier_db, &users, size)?;
    link(&network, &users, size)?;
    println!(
        "each bot's database: {} groups, {} people; {} users, {} rounds",
        size.groups, size.people, users_n, rounds
    );

    let (bot_id, bot_password) = register("benchbot").await;
    let (relay_id, relay_password) = register("relay").await;
    let (maubot_id, maubot_password) = register("maubot").await;
    std::fs::write(
        dir.join("bot.toml"),
        format!(
            "[bot]\ndatabase = \"greffier.db\"\n\n[matrix]\nhomeserver = \"{url}\"\nuser = \"{bot_id}\"\npassword_env = \"GREFFIER_BENCH_PASSWORD\"\nstore = \"matrix-store\"\n",
            url = servers.url(),
        ),
    )?;
    let maubot_dir = dir.join("maubot");
    std::fs::create_dir_all(&maubot_dir)?;
    let mut bots = Bots {
        greffier: {
            let mut bot = spawn_greffier(dir, &bot_password, "greffier.log")?;
            bot.wait_log("first Matrix sync", Duration::from_secs(120))
                .await?;
            bot
        },
        relay: {
            let mut relay = spawn_relay(dir, relay_id.as_str(), &relay_password, "relay.log")?;
            relay
                .wait_log("relay ready", Duration::from_secs(60))
                .await?;
            relay
        },
        maubot: {
            let child = crate::maubot::start(&maubot_dir).await?;
            crate::maubot::set_up(
                &maubot_dir,
                servers.url(),
                maubot_id.as_str(),
                &maubot_password,
                &network,
            )
            .await?;
            child
        },
    };

    // One room per bot, with every user.
    let admin = &users[0];
    let others: Vec<_> = users[1..].iter().map(|u| u.id.clone()).collect();
    let mut rooms = Vec::new();
    for bot in [&relay_id, &maubot_id, &bot_id] {
        let mut invite: Vec<&_> = others.iter().collect();
        invite.push(bot);
        rooms.push(admin.create_room(false, &invite).await);
    }
    for user in &users[1..] {
        for room in &rooms {
            user.client.join_room_by_id(room).await?;
        }
    }
    let members = members(users);
    let texts = ["!ping", "!moi", "!moi"];
    // Warm-up: each user once in each room, answered (the bots join when
    // invited: the first messages may come before them).
    for m in &members {
        for (room, text) in rooms.iter().zip(texts) {
            let mut tries = 0;
            while round_trip(m, &m.arrivals, room, text, true, Duration::from_secs(10))
                .await
                .is_none()
            {
                tries += 1;
                anyhow::ensure!(tries < 10, "no answer to {text} in {room}");
            }
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let idle = [
        bots.relay.memory().rss_kib,
        tree_rss(bots.maubot.pid()),
        bots.greffier.memory().rss_kib,
    ];

    let mut trips: [(Sample, usize); 3] = Default::default();
    for round in 0..rounds {
        for (i, me) in members.iter().enumerate() {
            for k in 0..3 {
                let kind = (round + i + k) % 3;
                match round_trip(me, &me.arrivals, &rooms[kind], texts[kind], true, PATIENCE).await
                {
                    Some(d) => trips[kind].0.push(d),
                    None => trips[kind].1 += 1,
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }

    // Start to first answer: each bot stopped, started, asked until it
    // answers.
    let me = &members[0];
    let mut starts = [None; 3];
    bots.relay.stop().await?;
    let started = Instant::now();
    bots.relay = spawn_relay(dir, relay_id.as_str(), &relay_password, "relay-2.log")?;
    starts[0] = first_answer(me, &rooms[0], "!ping", started).await;
    bots.maubot.stop().await?;
    let started = Instant::now();
    bots.maubot = crate::maubot::start(&maubot_dir).await?;
    starts[1] = first_answer(me, &rooms[1], "!moi", started).await;
    bots.greffier.stop().await?;
    let started = Instant::now();
    bots.greffier = spawn_greffier(dir, &bot_password, "greffier-2.log")?;
    starts[2] = first_answer(me, &rooms[2], "!moi", started).await;

    println!(
        "\n### Round trips ({} users in turn, {} rounds)\n",
        members.len(),
        rounds
    );
    println!("| bot | command | n | lost | p50 | p95 | p99 | max |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for ((name, text), (s, lost)) in ["do-nothing relay", "maubot 0.6.0", "greffier"]
        .iter()
        .zip(texts)
        .zip(&trips)
    {
        println!(
            "| {name} | `{text}` | {} | {lost} | {} | {} | {} | {} |",
            s.len(),
            ms(s.p50()),
            ms(s.p95()),
            ms(s.p99()),
            ms(s.max())
        );
    }
    let (r, m, g) = (&trips[0].0, &trips[1].0, &trips[2].0);
    println!(
        "\ngreffier / maubot: p50 {}, p95 {}, p99 {}; greffier / relay: p50 {}; maubot / relay: p50 {}",
        ratio(g.p50(), m.p50()),
        ratio(g.p95(), m.p95()),
        ratio(g.p99(), m.p99()),
        ratio(g.p50(), r.p50()),
        ratio(m.p50(), r.p50()),
    );
    println!("\n### Memory and start\n");
    println!("| bot | idle RSS | start to first answer |");
    println!("| --- | --- | --- |");
    for ((name, rss), start) in [
        "do-nothing relay",
        "maubot 0.6.0 (process tree)",
        "greffier",
    ]
    .iter()
    .zip(idle)
    .zip(starts)
    {
        println!(
            "| {name} | {} | {} |",
            mib(rss),
            start.map_or("no answer".to_string(), |d| format!(
                "{:.2} s",
                d.as_secs_f64()
            ))
        );
    }
    bots.greffier.stop().await?;
    bots.relay.stop().await?;
    bots.maubot.stop().await?;
    Ok(())
}
