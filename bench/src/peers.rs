//! greffier next to the bot people would run instead (issue 24): the
//! do-nothing relay, maubot with a one-command plugin, and greffier, on the
//! same local Synapse, in one run so that the ratios hold.
//!
//! Each bot has the benchmark's network in its database (maubot: the same
//! file in greffier's schema, read by its plugin), and the users are people
//! of that network (their Matrix IDs linked in both databases), so that
//! `!moi` finds a person, their organisation and their groups in both.
//! Measured: round trips (the three in turn, one message at a time), a
//! burst of commands for each bot (one bot at a time, in a room of its
//! own), resident memory idle and at the peak of its burst (maubot: its
//! whole process tree), and the time from a process's start to its first
//! answer.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use greffier_testkit::matrix::{Servers, User, register};
use matrix_sdk::ruma::OwnedRoomId;
use tokio::time::Instant;

use crate::matrix::{Burst, Member, burst, members, round_trip, send, share, until_answered};
use crate::procs::{Child, Memory, Probe, mib, sibling, synapse_pid};
use crate::scale::{self, Size};
use crate::stats::{Sample, ms, p50_ratio_interval, ratio};

const PATIENCE: Duration = Duration::from_secs(120);

/// How many people of the network use the bots: all of them send in the
/// bursts, the first `TRIP_USERS` take the round trips.
const USERS: usize = 20;
const TRIP_USERS: usize = 10;
/// Each bot's burst: commands spread over a window, as in the Matrix run.
const BURST_COMMANDS: usize = 1000;
const BURST_WINDOW: Duration = Duration::from_secs(10);

const NAMES: [&str; 3] = ["do-nothing relay", "maubot 0.6.0", "greffier"];

/// Links each user's Matrix ID to a person of the network, in a database
/// of greffier's schema.
pub(crate) fn link(db: &Path, users: &[User], size: Size) -> anyhow::Result<()> {
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

/// A process and all its descendants.
fn tree(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else {
                continue;
            };
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            if let Some(ppid) = stat_field(&stat, 1) {
                parents.push((pid, ppid as u32));
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
    tree
}

/// The `n`th field after the command name of a `/proc/PID/stat` line
/// ("pid (comm) state ppid …", the comm may hold spaces): 0 is the state,
/// 1 the parent, 11 and 12 the user and system CPU time in clock ticks.
fn stat_field(stat: &str, n: usize) -> Option<u64> {
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(n))
        .and_then(|v| v.parse().ok())
}

/// The memory of a process and all its descendants, summed.
fn tree_memory(root: u32) -> Memory {
    tree(root)
        .iter()
        .filter_map(|&pid| Memory::of(pid))
        .fold(Memory::default(), |sum, m| Memory {
            rss_kib: sum.rss_kib + m.rss_kib,
            peak_kib: sum.peak_kib + m.peak_kib,
            anon_kib: sum.anon_kib + m.anon_kib,
            file_kib: sum.file_kib + m.file_kib,
        })
}

/// The CPU time (user and system) a process and its descendants have
/// used so far. Linux counts it in clock ticks of 1/100 s for user space
/// (USER_HZ), whatever the kernel's own tick.
fn tree_cpu(root: u32) -> Duration {
    let ticks: u64 = tree(root)
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .map(|stat| stat_field(&stat, 11).unwrap_or(0) + stat_field(&stat, 12).unwrap_or(0))
        .sum();
    Duration::from_millis(ticks * 10)
}

/// CPU time per answered command, in ms.
fn cpu_per_command(used: Duration, answered: usize) -> String {
    if answered == 0 {
        return "–".to_string();
    }
    format!("{:.2} ms", used.as_secs_f64() * 1000.0 / answered as f64)
}

struct Bots {
    greffier: Child,
    relay: Child,
    maubot: Child,
}

/// The bot.toml of a greffier run in `dir`: greffier.db, logged in on the
/// local Synapse as `bot_id`, its password in GREFFIER_BENCH_PASSWORD.
pub(crate) fn write_bot_toml(dir: &Path, bot_id: &matrix_sdk::ruma::UserId) -> anyhow::Result<()> {
    std::fs::write(
        dir.join("bot.toml"),
        format!(
            "[bot]\ndatabase = \"greffier.db\"\n\n[matrix]\nhomeserver = \"{url}\"\nuser = \"{bot_id}\"\npassword_env = \"GREFFIER_BENCH_PASSWORD\"\nstore = \"matrix-store\"\n",
            url = Servers::get().url(),
        ),
    )?;
    Ok(())
}

/// greffier's log filter in the peers run: GREFFIER_BENCH_BOT_LOG when it
/// is set (matrix-sdk's timings, say), else greffier's own info lines.
fn bot_log() -> String {
    std::env::var("GREFFIER_BENCH_BOT_LOG").unwrap_or_else(|_| {
        "info,matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=warn".to_string()
    })
}

/// `greffier run` on the benchmark's bot.toml, its log in `log`.
fn spawn_greffier(dir: &Path, password: &str, log: &str) -> anyhow::Result<Child> {
    Child::spawn(
        &sibling("greffier")?,
        &["--config", "bot.toml", "run"],
        &[
            ("GREFFIER_BENCH_PASSWORD", password),
            ("RUST_LOG", &bot_log()),
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

pub async fn run(dir: &Path, size: Size, rounds: usize) -> anyhow::Result<()> {
    let servers = Servers::get();
    let greffier_db = scale::database(dir, "greffier.db", size)?;
    let network = crate::maubot::network(dir, size)?;
    let users: Vec<User> = join_all((0..USERS).map(|_| User::new())).await;
    link(&greffier_db, &users, size)?;
    link(&network, &users, size)?;
    println!(
        "each bot's database: {} groups, {} people; {USERS} users",
        size.groups, size.people
    );

    let (bot_id, bot_password) = register("benchbot").await;
    let (relay_id, relay_password) = register("relay").await;
    let (maubot_id, maubot_password) = register("maubot").await;
    write_bot_toml(dir, &bot_id)?;
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

    // Two rooms per bot: the first TRIP_USERS users take the round trips
    // in one, every user sends in the other's burst.
    let admin = &users[0];
    let mut rooms = Vec::new();
    let mut burst_rooms = Vec::new();
    for bot in [&relay_id, &maubot_id, &bot_id] {
        for (list, n) in [(&mut rooms, TRIP_USERS), (&mut burst_rooms, USERS)] {
            let mut invite: Vec<&_> = users[1..n].iter().map(|u| &u.id).collect();
            invite.push(bot);
            list.push(admin.create_room(false, &invite).await);
        }
    }
    for (i, user) in users.iter().enumerate().skip(1) {
        for room in burst_rooms
            .iter()
            .chain(if i < TRIP_USERS { &rooms[..] } else { &[] })
        {
            user.client.join_room_by_id(room).await?;
        }
    }
    let members = members(users);
    let texts = ["!ping", "!moi", "!moi"];
    // Warm-up: each user once in each of its rooms, answered (the bots
    // join when invited: the first messages may come before them).
    for (i, m) in members.iter().enumerate() {
        let trip_rooms = if i < TRIP_USERS { &rooms[..] } else { &[] };
        for (room, text) in trip_rooms
            .iter()
            .zip(texts)
            .chain(burst_rooms.iter().zip(texts))
        {
            until_answered(m, &m.arrivals, room, text, true).await?;
        }
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let idle = [
        bots.relay.memory(),
        tree_memory(bots.maubot.pid()),
        bots.greffier.memory(),
    ];
    // Where each bot's idle memory lies, mapping by mapping, for a look
    // (GREFFIER_BENCH_KEEP=1 keeps the scratch directory).
    for (name, pid) in [
        ("relay", bots.relay.pid()),
        ("maubot", bots.maubot.pid()),
        ("greffier", bots.greffier.pid()),
    ] {
        let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
        std::fs::write(dir.join(format!("idle-smaps-{name}.txt")), smaps)?;
    }

    // CPU time: each bot's process tree, read before and after its part.
    let pids = [bots.relay.pid(), bots.maubot.pid(), bots.greffier.pid()];
    let before = pids.map(tree_cpu);
    let mut trips: [(Sample, usize); 3] = Default::default();
    for round in 0..rounds {
        for (i, me) in members[..TRIP_USERS].iter().enumerate() {
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

    let trips_cpu: Vec<Duration> = pids
        .iter()
        .zip(before)
        .map(|(&pid, before)| tree_cpu(pid).saturating_sub(before))
        .collect();

    // One burst per bot, one bot at a time, its memory sampled.
    let synapse = synapse_pid(&servers.root)?;
    let maubot = bots.maubot.pid();
    let probes: [Probe; 3] = [
        Memory::rss_probe(bots.relay.pid()),
        Arc::new(move || tree_memory(maubot).rss_kib),
        Memory::rss_probe(bots.greffier.pid()),
    ];
    let mut bursts: Vec<Burst> = Vec::new();
    let mut bursts_cpu: Vec<Duration> = Vec::new();
    for (k, probe) in probes.into_iter().enumerate() {
        let before = tree_cpu(pids[k]);
        let texts: Vec<Vec<String>> = (0..USERS)
            .map(|u| vec![texts[k].to_string(); share(BURST_COMMANDS, USERS, u)])
            .collect();
        bursts.push(
            burst(
                &members,
                &burst_rooms[k],
                &texts,
                BURST_WINDOW,
                probe,
                synapse,
                k + 1,
            )
            .await,
        );
        tokio::time::sleep(Duration::from_secs(5)).await;
        // After the pause: the last answers' own echoes taken in too.
        bursts_cpu.push(tree_cpu(pids[k]).saturating_sub(before));
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

    println!("\n### Round trips ({TRIP_USERS} users in turn, {rounds} rounds)\n");
    println!("| bot | command | n | lost | p50 | p95 | p99 | max |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for ((name, text), (s, lost)) in NAMES.iter().zip(texts).zip(&trips) {
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
    if let Some((low, high)) = p50_ratio_interval(g, m) {
        println!(
            "\ngreffier / maubot at p50, 95 % bootstrap interval: {low:.2}×–{high:.2}× (one that holds 1.00× does not tell the two apart)"
        );
    }
    println!(
        "\n### Bursts ({BURST_COMMANDS} commands from {USERS} users in {:?}, each bot alone)\n",
        BURST_WINDOW
    );
    println!(
        "| bot | sent | send errors | sent within | answered | lost | drained after | p50 | p95 | p99 | Synapse peak RSS |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (name, b) in NAMES.iter().zip(&bursts) {
        println!("| {name} | {} | {} |", b.cells(), mib(b.synapse_peak_kib));
    }
    println!("\n### Memory and start\n");
    println!("| bot | idle RSS (own / file pages) | peak RSS, its burst | start to first answer |");
    println!("| --- | --- | --- | --- |");
    for (((name, rss), start), b) in [
        "do-nothing relay",
        "maubot 0.6.0 (process tree)",
        "greffier",
    ]
    .iter()
    .zip(idle)
    .zip(starts)
    .zip(&bursts)
    {
        println!(
            "| {name} | {} ({} / {}) | {} | {} |",
            mib(rss.rss_kib),
            mib(rss.anon_kib),
            mib(rss.file_kib),
            mib(b.bot_peak_kib),
            start.map_or("no answer".to_string(), |d| format!(
                "{:.2} s",
                d.as_secs_f64()
            ))
        );
    }
    println!("\n### CPU time per answered command (the bot's process tree, user and system)\n");
    println!("| bot | round trips | its burst |");
    println!("| --- | --- | --- |");
    for (k, name) in NAMES.iter().enumerate() {
        println!(
            "| {name} | {} | {} |",
            cpu_per_command(trips_cpu[k], trips[k].0.len()),
            cpu_per_command(bursts_cpu[k], bursts[k].latency.len())
        );
    }
    // The code layout holds while its file names this build's functions
    // (docs/benchmarks.md, "Code layout"): reported, never a reason to lose
    // the run's figures.
    match crate::layout::order_found(&servers.root) {
        Ok((found, named)) => {
            println!(
                "\ncode layout: {found} of the {named} functions the layout file names are in this build ({:.0} %)",
                100.0 * found as f64 / named.max(1) as f64
            );
            if found * 10 < named * 9 {
                println!(
                    "(under 90 %: the file is stale and costs idle memory; `bench/run layout` makes it again)"
                );
            }
        }
        Err(e) => println!("\ncode layout: not checked ({e:#})"),
    }
    bots.greffier.stop().await?;
    bots.relay.stop().await?;
    bots.maubot.stop().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A command name may hold spaces and parentheses: fields are counted
    /// from the last `)`.
    #[test]
    fn stat_fields_are_read_after_the_command_name() {
        let stat = "4242 (python -m (x)) S 17 4242 4242 0 -1 4194560 900 0 0 0 731 129 0 0 20 0 3";
        assert_eq!(stat_field(stat, 1), Some(17));
        assert_eq!(stat_field(stat, 11), Some(731));
        assert_eq!(stat_field(stat, 12), Some(129));
        assert_eq!(stat_field("garbage", 1), None);
        assert_eq!(
            cpu_per_command(Duration::from_millis(1500), 1000),
            "1.50 ms"
        );
        assert_eq!(cpu_per_command(Duration::from_millis(1500), 0), "–");
    }
}
