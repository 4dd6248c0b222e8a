//! Room benchmarks against the local Synapse, in one run:
//!
//! 1. round trips (send → the answer reaches the sender's sync) of greffier,
//!    next to the homeserver's one-hop echo (A sends → B's sync sees it)
//!    and the do-nothing relay (`greffier-relay`), taken in turn by the
//!    same users so that all three see the same homeserver;
//! 2. two identical bursts of commands: all answered, time to drain;
//! 3. resident memory of greffier, the relay and Synapse, idle and at the
//!    peak of each burst;
//! 4. greffier's own cost per command, from its debug log ("command
//!    handled", event in → reply queued).
//!
//! greffier runs the release build on the large network of [`crate::scale`].

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use futures_util::future::join_all;
use greffier_testkit::matrix::{Servers, User, register};
use matrix_sdk::Client;
use matrix_sdk::ruma::events::room::message::RoomMessageEventContent;
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId};
use tokio::time::Instant;

use crate::commands;
use crate::long_poll;
use crate::procs::{Child, Memory, Probe, mib, sibling, synapse_pid};
use crate::scale::{self, Size};
use crate::stats::{Rng, Sample, ms, ratio, us};

/// How the Matrix benchmark runs.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Users taking the round trips, and how many each takes of each kind.
    pub users: usize,
    pub rounds: usize,
    /// Users and commands of each burst, and the time the commands are
    /// spread over.
    pub burst_users: usize,
    pub burst_commands: usize,
    pub burst_window: Duration,
    pub size: Size,
}

pub const PLAN: Plan = Plan {
    users: 10,
    rounds: 50,
    burst_users: 20,
    burst_commands: 1000,
    burst_window: Duration::from_secs(10),
    size: scale::LARGE,
};

/// How long an answer is waited for before it counts as lost.
const PATIENCE: Duration = Duration::from_secs(120);

/// How long a warm-up message waits before it is sent again.
const WARM_UP_PATIENCE: Duration = Duration::from_secs(10);

/// When each event reached one user's sync: by event id, and by the event
/// it replies to ("re:" + id).
#[derive(Clone, Default)]
pub(crate) struct Arrivals(Arc<Mutex<HashMap<String, Instant>>>);

impl Arrivals {
    fn record(&self, key: String, at: Instant) {
        if let Ok(mut map) = self.0.lock() {
            map.entry(key).or_insert(at);
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<Instant> {
        self.0.lock().ok()?.get(key).copied()
    }

    /// When `key` arrived, waiting until `deadline`.
    async fn wait(&self, key: &str, deadline: Instant) -> Option<Instant> {
        loop {
            if let Some(at) = self.get(key) {
                return Some(at);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}

/// A user's client syncing forever, as a Matrix client does (long polls),
/// noting when each event arrives.
pub(crate) fn listen(client: Client) -> Arrivals {
    let arrivals = Arrivals::default();
    let noted = arrivals.clone();
    tokio::spawn(async move {
        let mut since: Option<String> = None;
        loop {
            let settings = long_poll::settings(since.as_deref());
            let response = match Box::pin(client.sync_once(settings)).await {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("a user's sync failed: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            };
            let at = Instant::now();
            for update in response.rooms.joined.values() {
                for event in &update.timeline.events {
                    let Ok(json) =
                        serde_json::from_str::<serde_json::Value>(event.raw().json().get())
                    else {
                        continue;
                    };
                    if let Some(id) = json["event_id"].as_str() {
                        noted.record(id.to_string(), at);
                    }
                    if let Some(re) =
                        json["content"]["m.relates_to"]["m.in_reply_to"]["event_id"].as_str()
                    {
                        noted.record(format!("re:{re}"), at);
                    }
                }
            }
            since = Some(response.next_batch);
        }
    });
    arrivals
}

/// A member of the benchmark: a client, and what its sync saw.
pub(crate) struct Member {
    pub(crate) user: User,
    pub(crate) arrivals: Arrivals,
}

/// The users, each syncing from now on.
pub(crate) fn members(users: Vec<User>) -> Vec<Member> {
    users
        .into_iter()
        .map(|user| {
            let arrivals = listen(user.client.clone());
            Member { user, arrivals }
        })
        .collect()
}

pub(crate) async fn send(
    client: &Client,
    room: &OwnedRoomId,
    text: &str,
) -> anyhow::Result<OwnedEventId> {
    let room = client.get_room(room).context("not in the room")?;
    Ok(room
        .send(RoomMessageEventContent::text_plain(text))
        .await?
        .response
        .event_id)
}

/// The time from sending `text` to the answer in the sender's sync (or
/// the partner's sync seeing it, for an echo); None when lost.
pub(crate) async fn round_trip(
    from: &Member,
    watcher: &Arrivals,
    room: &OwnedRoomId,
    text: &str,
    answer: bool,
    patience: Duration,
) -> Option<Duration> {
    let sent = Instant::now();
    let id = match send(&from.user.client, room, text).await {
        Ok(id) => id,
        Err(e) => {
            eprintln!("send failed: {e}");
            return None;
        }
    };
    let key = if answer {
        format!("re:{id}")
    } else {
        id.to_string()
    };
    let at = watcher.wait(&key, Instant::now() + patience).await?;
    Some(at.saturating_duration_since(sent))
}

/// A warm-up step: `text` sent until it is answered (or seen, for an
/// echo) within [`WARM_UP_PATIENCE`], at most 10 times. The bots join when
/// invited: the first messages may come before them, and go unanswered.
pub(crate) async fn until_answered(
    from: &Member,
    watcher: &Arrivals,
    room: &OwnedRoomId,
    text: &str,
    answer: bool,
) -> anyhow::Result<()> {
    for _ in 0..10 {
        if round_trip(from, watcher, room, text, answer, WARM_UP_PATIENCE)
            .await
            .is_some()
        {
            return Ok(());
        }
    }
    anyhow::bail!("no answer to {text:?} in {room}, 10 times")
}

/// The rooms of the round trips, with the round-trip users: users only
/// (echo), users and the relay, users and greffier; and the room of the
/// bursts, with the burst users and greffier. Apart, so that each message
/// wakes only the syncs of its room's members.
struct Rooms {
    echo: OwnedRoomId,
    relay: OwnedRoomId,
    greffier: OwnedRoomId,
    burst: OwnedRoomId,
}

pub async fn run(dir: &Path, plan: Plan) -> anyhow::Result<()> {
    let servers = Servers::get();
    let root = &servers.root;
    scale::database(dir, "greffier.db", plan.size)?;
    println!(
        "greffier's database: {} groups, {} people",
        plan.size.groups, plan.size.people
    );

    let people = plan.users.max(plan.burst_users);
    let users: Vec<User> = join_all((0..people).map(|_| User::new())).await;
    let (bot_id, bot_password) = register("benchbot").await;
    let (relay_id, relay_password) = register("relay").await;
    std::fs::write(
        dir.join("bot.toml"),
        format!(
            "[bot]\ndatabase = \"greffier.db\"\nadmins = [\"{admin}\"]\n\n[matrix]\nhomeserver = \"{url}\"\nuser = \"{bot_id}\"\npassword_env = \"GREFFIER_BENCH_PASSWORD\"\nstore = \"matrix-store\"\n",
            admin = users[0].id,
            url = servers.url(),
        ),
    )?;
    let mut bot = Child::spawn(
        &sibling("greffier")?,
        &["--config", "bot.toml", "run"],
        &[
            ("GREFFIER_BENCH_PASSWORD", &bot_password),
            (
                "RUST_LOG",
                "info,greffier=debug,matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=warn",
            ),
        ],
        dir,
        &dir.join("greffier.log"),
    )?;
    bot.wait_log("first Matrix sync", Duration::from_secs(120))
        .await?;
    let mut relay = Child::spawn(
        &sibling("greffier-relay")?,
        &[],
        &[
            ("GREFFIER_RELAY_HOMESERVER", servers.url()),
            ("GREFFIER_RELAY_USER", relay_id.as_str()),
            ("GREFFIER_RELAY_PASSWORD", &relay_password),
        ],
        dir,
        &dir.join("relay.log"),
    )?;
    relay
        .wait_log("relay ready", Duration::from_secs(60))
        .await?;

    let rooms = make_rooms(&users, &plan, &bot_id, &relay_id).await?;
    let members = members(users);
    warm_up(&members, &rooms, &plan).await?;

    let synapse = synapse_pid(root)?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let idle = (
        bot.memory(),
        relay.memory(),
        Memory::of(synapse).unwrap_or_default(),
    );

    let log_before = bot.log().len();
    let trips = round_trips(&members, &rooms, &plan).await;
    let log_trips = bot.log().len();
    let pid = bot.pid();
    let rss = Memory::rss_probe(pid);
    let window = plan.burst_window;
    let first = burst(
        &members,
        &rooms.burst,
        &burst_texts(&plan, 1),
        window,
        rss.clone(),
        synapse,
        1,
    )
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after_first = bot.memory();
    let second = burst(
        &members,
        &rooms.burst,
        &burst_texts(&plan, 2),
        window,
        rss,
        synapse,
        2,
    )
    .await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after_second = bot.memory();
    let synapse_after = Memory::of(synapse).unwrap_or_default();
    let log = bot.log();

    println!(
        "\n### Round trips ({} users in turn, one message at a time, {} each of each kind)\n",
        plan.users, plan.rounds
    );
    println!("| | n | lost | p50 | p95 | p99 | max |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (name, (s, lost)) in ["homeserver echo (A → B)", "do-nothing relay", "greffier"]
        .iter()
        .zip([&trips.echo, &trips.relay, &trips.greffier])
    {
        println!(
            "| {name} | {} | {lost} | {} | {} | {} | {} |",
            s.len(),
            ms(s.p50()),
            ms(s.p95()),
            ms(s.p99()),
            ms(s.max())
        );
    }
    let (g, r, e) = (&trips.greffier.0, &trips.relay.0, &trips.echo.0);
    println!(
        "\ngreffier / relay: p50 {}, p95 {}, p99 {}; greffier / echo: p50 {}, p95 {}; relay / echo: p50 {}",
        ratio(g.p50(), r.p50()),
        ratio(g.p95(), r.p95()),
        ratio(g.p99(), r.p99()),
        ratio(g.p50(), e.p50()),
        ratio(g.p95(), e.p95()),
        ratio(r.p50(), e.p50()),
    );

    println!(
        "\n### Bursts ({} commands from {} users in {:?}, twice)\n",
        plan.burst_commands, plan.burst_users, plan.burst_window
    );
    println!(
        "| burst | sent | send errors | sent within | answered | lost | drained after | p50 | p95 | p99 | greffier peak RSS | Synapse peak RSS |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for b in [&first, &second] {
        println!(
            "| {} | {} | {} | {} |",
            b.number,
            b.cells(),
            mib(b.bot_peak_kib),
            mib(b.synapse_peak_kib),
        );
    }

    println!("\n### Resident memory\n");
    println!("| | greffier | do-nothing relay | Synapse |");
    println!("| --- | --- | --- | --- |");
    println!(
        "| idle, after the warm-up | {} | {} | {} |",
        mib(idle.0.rss_kib),
        mib(idle.1.rss_kib),
        mib(idle.2.rss_kib)
    );
    println!(
        "| idle: anonymous / file pages (code) | {} / {} | {} / {} | {} / {} |",
        mib(idle.0.anon_kib),
        mib(idle.0.file_kib),
        mib(idle.1.anon_kib),
        mib(idle.1.file_kib),
        mib(idle.2.anon_kib),
        mib(idle.2.file_kib)
    );
    println!(
        "| peak of burst 1 | {} | – | {} |",
        mib(first.bot_peak_kib),
        mib(first.synapse_peak_kib)
    );
    println!(
        "| 5 s after burst 1 | {} | – | – |",
        mib(after_first.rss_kib)
    );
    println!(
        "| peak of burst 2 | {} | – | {} |",
        mib(second.bot_peak_kib),
        mib(second.synapse_peak_kib)
    );
    println!(
        "| 5 s after burst 2 | {} | {} | {} |",
        mib(after_second.rss_kib),
        mib(relay.memory().rss_kib),
        mib(synapse_after.rss_kib)
    );
    println!(
        "| peak since start (VmHWM) | {} | {} | {} |",
        mib(after_second.peak_kib),
        mib(relay.memory().peak_kib),
        mib(synapse_after.peak_kib)
    );

    println!(
        "\n### greffier's own cost per command, live (event in → reply queued, from its log)\n"
    );
    println!("| during | n | p50 | p99 |");
    println!("| --- | --- | --- | --- |");
    for (name, part) in [
        (
            "round trips",
            &log[log_before.min(log.len())..log_trips.min(log.len())],
        ),
        ("bursts", &log[log_trips.min(log.len())..]),
    ] {
        let s = own_costs(part);
        println!(
            "| {name} | {} | {} | {} |",
            s.len(),
            us(s.p50()),
            us(s.p99())
        );
    }

    bot.stop().await?;
    relay.stop().await?;
    Ok(())
}

async fn make_rooms(
    users: &[User],
    plan: &Plan,
    bot: &OwnedUserId,
    relay: &OwnedUserId,
) -> anyhow::Result<Rooms> {
    let admin = &users[0];
    let ids = |n: usize, with: Option<&OwnedUserId>| -> Vec<OwnedUserId> {
        let mut v: Vec<OwnedUserId> = users[1..n.min(users.len())]
            .iter()
            .map(|u| u.id.clone())
            .collect();
        v.extend(with.cloned());
        v
    };
    let create = |invite: Vec<OwnedUserId>| async move {
        let invite: Vec<&OwnedUserId> = invite.iter().collect();
        admin.create_room(false, &invite).await
    };
    let rooms = Rooms {
        echo: create(ids(plan.users, None)).await,
        relay: create(ids(plan.users, Some(relay))).await,
        greffier: create(ids(plan.users, Some(bot))).await,
        burst: create(ids(plan.burst_users, Some(bot))).await,
    };
    for (i, user) in users.iter().enumerate().skip(1) {
        if i < plan.users {
            for room in [&rooms.echo, &rooms.relay, &rooms.greffier] {
                user.client.join_room_by_id(room).await?;
            }
        }
        if i < plan.burst_users {
            user.client.join_room_by_id(&rooms.burst).await?;
        }
    }
    Ok(rooms)
}

/// Every member says something in each of their rooms and waits for the
/// answer, one at a time: the bots know everyone (greffier: each member
/// sets an organisation), and nothing measured pays for a first time.
async fn warm_up(members: &[Member], rooms: &Rooms, plan: &Plan) -> anyhow::Result<()> {
    let n = members.len();
    for (i, m) in members.iter().enumerate() {
        let org = format!(
            "!moi organisation {}",
            scale::organisation(i % plan.size.organisations)
        );
        let mut steps = Vec::new();
        if i < plan.burst_users {
            steps.push((&rooms.burst, org.as_str(), &m.arrivals, true));
        }
        if i < plan.users {
            let partner = &members[(i + 1) % n.min(plan.users)].arrivals;
            steps.push((&rooms.greffier, "!aide", &m.arrivals, true));
            steps.push((&rooms.relay, "!ping", &m.arrivals, true));
            steps.push((&rooms.echo, "bonjour", partner, false));
        }
        for (room, text, watcher, answer) in steps {
            until_answered(m, watcher, room, text, answer)
                .await
                .with_context(|| format!("user {i}"))?;
        }
    }
    Ok(())
}

struct Trips {
    /// Each kind's round trips, and how many were lost.
    echo: (Sample, usize),
    relay: (Sample, usize),
    greffier: (Sample, usize),
}

/// One message at a time: the users in turn, each sending the three kinds
/// in turn (starting each round with another), so that the three see the
/// same homeserver and none waits behind another's message.
async fn round_trips(members: &[Member], rooms: &Rooms, plan: &Plan) -> Trips {
    let n = plan.users;
    let mut rng = Rng::new(1);
    let mut joined = vec![0usize; n];
    let mut out: [(Sample, usize); 3] = Default::default();
    for round in 0..plan.rounds {
        for (i, me) in members.iter().enumerate().take(n) {
            let partner = &members[(i + 1) % n].arrivals;
            for k in 0..3 {
                let kind = (round + i + k) % 3;
                let took = match kind {
                    0 => {
                        let text = format!("écho {round}");
                        round_trip(me, partner, &rooms.echo, &text, false, PATIENCE).await
                    }
                    1 => round_trip(me, &me.arrivals, &rooms.relay, "!ping", true, PATIENCE).await,
                    _ => {
                        let (_, text) =
                            commands::nth(round, plan.size.groups, &mut rng, &mut joined[i]);
                        round_trip(me, &me.arrivals, &rooms.greffier, &text, true, PATIENCE).await
                    }
                };
                match took {
                    Some(d) => out[kind].0.push(d),
                    None => out[kind].1 += 1,
                }
                // A short pause, as between people typing.
                let pause = 10 + rng.below(20) as u64;
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
        }
    }
    let [echo, relay, greffier] = out;
    Trips {
        echo,
        relay,
        greffier,
    }
}

pub(crate) struct Burst {
    pub number: usize,
    pub sent: usize,
    pub send_errors: usize,
    pub lost: usize,
    pub latency: Sample,
    /// From the first send to the last (the window, if the homeserver kept
    /// up), and to the last answer.
    pub sending: Duration,
    pub drained: Duration,
    pub bot_peak_kib: u64,
    pub synapse_peak_kib: u64,
}

impl Burst {
    /// The cells of a burst's row: sent, send errors, sent within,
    /// answered, lost, drained after, p50, p95, p99.
    pub fn cells(&self) -> String {
        format!(
            "{} | {} | {:.1} s | {} | {} | {:.1} s | {} | {} | {}",
            self.sent,
            self.send_errors,
            self.sending.as_secs_f64(),
            self.latency.len(),
            self.lost,
            self.drained.as_secs_f64(),
            ms(self.latency.p50()),
            ms(self.latency.p95()),
            ms(self.latency.p99()),
        )
    }
}

/// How many of `commands` dealt in turn to `users` users go to user `u`.
pub(crate) fn share(commands: usize, users: usize, u: usize) -> usize {
    commands.saturating_sub(u).div_ceil(users)
}

/// The texts of greffier's burst number `number`: `commands` commands of
/// the mix, dealt to `users` users in turn (user `u` sends the `k`-th of
/// its list as command `k * users + u`).
fn burst_texts(plan: &Plan, number: usize) -> Vec<Vec<String>> {
    let users = plan.burst_users;
    (0..users)
        .map(|u| {
            let mut rng = Rng::new(1000 * number as u64 + u as u64);
            let mut joined = 0;
            (0..share(plan.burst_commands, users, u))
                .map(|k| commands::nth(k, plan.size.groups, &mut rng, &mut joined).1)
                .collect()
        })
        .collect()
}

/// A burst in `room`: `texts[u]` sent by `members[u]`, every command of
/// every user spread evenly over `window` (user `u`'s `k`-th as command
/// `k * users + u`), not waiting for the answers; then every answer is
/// waited for. `bot_rss` (KiB) and Synapse's are sampled every 50 ms.
pub(crate) async fn burst(
    members: &[Member],
    room: &OwnedRoomId,
    texts: &[Vec<String>],
    window: Duration,
    bot_rss: Probe,
    synapse_pid: u32,
    number: usize,
) -> Burst {
    let users = texts.len().min(members.len());
    let total: usize = texts[..users].iter().map(Vec::len).sum();
    let start = Instant::now();
    let step = window / total.max(1) as u32;
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let sampling = sampling.clone();
        tokio::spawn(async move {
            let (mut bot, mut synapse) = (0, 0);
            while sampling.load(std::sync::atomic::Ordering::Relaxed) {
                bot = bot.max(bot_rss());
                synapse = synapse.max(Memory::of(synapse_pid).map_or(0, |m| m.rss_kib));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            (bot, synapse)
        })
    };
    let sent_by_user = join_all((0..users).map(|u| async move {
        let me = &members[u];
        let mut sent = Vec::new();
        let mut errors = 0;
        for (k, text) in texts[u].iter().enumerate() {
            tokio::time::sleep_until(start + step * (k * users + u) as u32).await;
            let at = Instant::now();
            match send(&me.user.client, room, text).await {
                Ok(id) => sent.push((id, at)),
                Err(e) => {
                    eprintln!("burst send failed: {e}");
                    errors += 1;
                }
            }
        }
        (sent, errors)
    }))
    .await;
    let deadline = Instant::now() + PATIENCE;
    let mut latency = Sample::default();
    let (mut sent, mut send_errors, mut lost) = (0, 0, 0);
    let mut last = start;
    let mut last_send = start;
    for (u, (ids, errors)) in sent_by_user.iter().enumerate() {
        send_errors += errors;
        for (id, at) in ids {
            sent += 1;
            last_send = last_send.max(*at);
            match members[u]
                .arrivals
                .wait(&format!("re:{id}"), deadline)
                .await
            {
                Some(answered) => {
                    latency.push(answered.saturating_duration_since(*at));
                    last = last.max(answered);
                }
                None => lost += 1,
            }
        }
    }
    sampling.store(false, std::sync::atomic::Ordering::Relaxed);
    let (bot_peak_kib, synapse_peak_kib) = sampler.await.unwrap_or_default();
    Burst {
        number,
        sent,
        send_errors,
        lost,
        latency,
        sending: last_send.saturating_duration_since(start),
        drained: last.saturating_duration_since(start),
        bot_peak_kib,
        synapse_peak_kib,
    }
}

/// The "command handled … micros=N" lines of greffier's log.
fn own_costs(log: &str) -> Sample {
    let mut s = Sample::default();
    for line in log.lines().filter(|l| l.contains("command handled")) {
        if let Some(micros) = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("micros="))
            .and_then(|v| v.parse().ok())
        {
            s.push(Duration::from_micros(micros));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_costs_are_read_from_the_log() {
        let log = "2026-11-23T10:00:00.1Z DEBUG greffier::matrix: message room=!a event=$x\n\
                   2026-11-23T10:00:00.2Z DEBUG greffier::matrix: command handled event=$x micros=840\n\
                   2026-11-23T10:00:00.3Z DEBUG greffier::matrix: command handled event=$y micros=1210\n";
        let s = own_costs(log);
        assert_eq!(s.len(), 2);
        assert_eq!(s.p50(), Duration::from_micros(840));
        assert_eq!(s.max(), Duration::from_micros(1210));
    }
}
