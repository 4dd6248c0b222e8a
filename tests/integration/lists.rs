//! The groups' mailing lists on the real Mailman 3 of `scripts/servers`
//! (its REST API, Postfix handing the lists' domain to it by LMTP): a
//! proposal reaching its quorum gets its list, described by the group's
//! theme, with the members' verified addresses and the lead's confirmed
//! members as owners; a mail from greffier to the list reaches them
//! through Mailman; leaving the group unsubscribes, joining again
//! subscribes; a new lead's members own the list in the former's place;
//! a SIGKILL right after Mailman made a list, then a restart, leaves one
//! list with its subscribers; an erasure takes the address off as member
//! and as owner.

use std::time::Duration;

use serde_json::Value;

use crate::mailserver::{MAIL_SERVER, MailBot};
use crate::synapse::Servers;

/// Mailman's REST API, as an admin reads it.
async fn mailman(path: &str) -> (u16, Value) {
    let s = Servers::get();
    let response = reqwest::Client::new()
        .get(format!("{}/3.1{path}", s.var("MAILMAN_URL")))
        .basic_auth(s.var("MAILMAN_USER"), Some(s.var("MAILMAN_PASSWORD")))
        .send()
        .await
        .expect("Mailman answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The list's subscribers, sorted; or Mailman's answer when it is not a
/// roster. (Mailman 3.3 answers 500 to a roster read that meets a member
/// being removed at that moment: "'NoneType' object has no attribute
/// 'delivery_mode'" in its log. Found in CI, 2026-12-01.)
async fn subscribers(list: &str) -> Result<Vec<String>, String> {
    roster(list, "member").await
}

/// The list's addresses of one role ("member", "owner"), sorted.
async fn roster(list: &str, role: &str) -> Result<Vec<String>, String> {
    let id = list.replacen('@', ".", 1);
    let (status, roster) = mailman(&format!("/lists/{id}/roster/{role}")).await;
    if status != 200 {
        return Err(format!("{status} {roster}"));
    }
    let mut out: Vec<String> = roster["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["email"].as_str().map(str::to_lowercase))
        .collect();
    out.sort();
    Ok(out)
}

/// Waits until `list`'s subscribers are `want` on Mailman.
async fn wait_subscribers(list: &str, want: &[&str]) {
    wait_roster(list, want, |list| async move {
        let (status, _) = mailman(&format!("/lists/{}", list.replacen('@', ".", 1))).await;
        if status != 200 {
            return Err(format!("the list: {status}"));
        }
        subscribers(&list).await
    })
    .await
}

/// Waits until `list`'s owners are `want` on Mailman.
async fn wait_owners(list: &str, want: &[&str]) {
    wait_roster(
        list,
        want,
        |list| async move { roster(&list, "owner").await },
    )
    .await
}

/// Waits until `list`'s subscribers, as `read` gives them (sorted, lower
/// case), are `want` (greffier changes them while this reads: a failed
/// read is read again).
pub(crate) async fn wait_roster<F, Fut>(list: &str, want: &[&str], read: F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<String>, String>>,
{
    wait_roster_for(list, want, Duration::from_secs(60), read).await
}

/// The same, for at most `patience`.
pub(crate) async fn wait_roster_for<F, Fut>(list: &str, want: &[&str], patience: Duration, read: F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<String>, String>>,
{
    let mut want: Vec<String> = want.iter().map(|s| s.to_lowercase()).collect();
    want.sort();
    let deadline = tokio::time::Instant::now() + patience;
    loop {
        let read = read(list.to_string()).await;
        if read.as_ref() == Ok(&want) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{list}: {read:?}, not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// bot.toml's tables for lists on the local Mailman, in `domain`, with a
/// quorum of two.
fn lists_tables(domain: &str) -> String {
    let s = Servers::get();
    format!(
        "[groups]\nquorum = 2\n\n[lists]\nurl = \"{}\"\nuser = \"{}\"\npassword = \"{}\"\ndomain = \"{domain}\"\n",
        s.var("MAILMAN_URL"),
        s.var("MAILMAN_USER"),
        s.var("MAILMAN_PASSWORD"),
    )
}

/// `proposer` proposes `slug` with `theme`; `supporter` joins and
/// supports it: the quorum of two, the group active.
pub(crate) async fn made_active(
    bot: &MailBot,
    proposer: &str,
    supporter: &str,
    slug: &str,
    theme: &str,
) {
    let out = bot
        .scratch
        .console(proposer, &[&format!("!groupe proposer {slug} « {theme} »")]);
    assert!(out.contains("proposé"), "{out}");
    let out = bot.scratch.console(
        supporter,
        &[
            &format!("!groupe rejoindre {slug}"),
            &format!("!groupe soutenir {slug}"),
        ],
    );
    assert!(out.contains("Quorum atteint"), "{out}");
}

/// The group's list in the bot's export, once it has one.
pub(crate) async fn list_of(bot: &MailBot, slug: &str) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let export = bot.export();
        let list = export["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|g| g["slug"] == slug)
            .and_then(|g| g["list"].as_str())
            .map(str::to_string);
        if let Some(list) = list {
            return list;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no list for {slug}: {}",
            bot.logs()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn a_group_that_becomes_active_gets_its_list_on_mailman() {
    let _mail = MAIL_SERVER.read().await;
    let s = Servers::get();
    let domain = s.var("LISTS_DOMAIN").to_string();
    let mut bot = MailBot::with_tables("lists", &lists_tables(&domain)).await;
    bot.start();
    let (anne, anne_id) = bot.member_with_id("Arles").await;
    let (bob, bob_id) = bot.member_with_id("Berre").await;
    let pid = std::process::id();
    let (urba, cadastre) = (format!("urba{pid}"), format!("cadastre{pid}"));
    made_active(&bot, &bob_id, &anne_id, &urba, &format!("Urbanisme {pid}")).await;

    // The list, with both verified addresses.
    let list = list_of(&bot, &urba).await;
    assert_eq!(list, format!("{urba}@{domain}"));
    wait_subscribers(&list, &[&anne.address, &bob.address]).await;
    // Berre leads (Bob proposed): Bob, its confirmed member, owns the list.
    wait_owners(&list, &[&bob.address]).await;
    // Its description, the group's theme.
    let (_, made) = mailman(&format!("/lists/{}", list.replacen('@', ".", 1))).await;
    assert_eq!(made["description"], format!("Urbanisme {pid}"), "{made}");

    // A mail from greffier to the group goes to the list, and Mailman
    // hands it to both members.
    let out = bot.scratch.console(
        "@admin:example.test",
        &[&format!(
            "!reunion creer « Point urbanisme » 2030-12-03 10:00 groupe {urba}"
        )],
    );
    assert!(out.contains("créée"), "{out}");
    for who in [&anne, &bob] {
        let mail = who
            .wait_for("the announcement through Mailman", |m| {
                m.subject().contains("Point urbanisme")
                    && m.header("List-Id")
                        .is_some_and(|id| id.contains(&format!("{urba}.{domain}")))
            })
            .await;
        // Mailman's own headers: not the bot's List-Id (whose domain is
        // the bot's), Mailman's.
        assert!(
            mail.header("X-Mailman-Version").is_some(),
            "{}",
            String::from_utf8_lossy(&mail.raw)
        );
        assert!(mail.body().contains("Point urbanisme"), "{}", mail.body());
    }

    // Bob leaves the group: off the list.
    let out = bot
        .scratch
        .console(&bob_id, &[&format!("!groupe quitter {urba}")]);
    assert!(out.contains("Vous avez quitté"), "{out}");
    wait_subscribers(&list, &[&anne.address]).await;
    // Berre still leads: Bob still owns the list. He makes Arles the lead:
    // Anne owns it in his place.
    wait_owners(&list, &[&bob.address]).await;
    let out = bot
        .scratch
        .console(&bob_id, &[&format!("!groupe chef {urba} Arles")]);
    assert!(out.contains("Chef de projet du groupe"), "{out}");
    wait_owners(&list, &[&anne.address]).await;
    // Bob joins again: on the list again.
    let out = bot
        .scratch
        .console(&bob_id, &[&format!("!groupe rejoindre {urba}")]);
    assert!(out.contains("Bienvenue dans le groupe"), "{out}");
    wait_subscribers(&list, &[&anne.address, &bob.address]).await;

    // A second proposal; the bot dies right after Mailman made its list.
    let out = bot.scratch.console(
        &bob_id,
        &[&format!("!groupe proposer {cadastre} « Cadastre {pid} »")],
    );
    assert!(out.contains("proposé"), "{out}");
    bot.stop().await;
    bot.start_with(&[("GREFFIER_FAILPOINT", "lists-created")]);
    let out = bot.scratch.console(
        &anne_id,
        &[
            &format!("!groupe rejoindre {cadastre}"),
            &format!("!groupe soutenir {cadastre}"),
        ],
    );
    assert!(out.contains("Quorum atteint"), "{out}");
    assert!(
        bot.wait_exit(60).await,
        "the failpoint was not reached: {}",
        bot.logs()
    );
    bot.start();
    let second = list_of(&bot, &cadastre).await;
    wait_subscribers(&second, &[&anne.address, &bob.address]).await;
    wait_owners(&second, &[&bob.address]).await;
    let (_, lists) = mailman(&format!("/domains/{domain}/lists?count=1000&page=1")).await;
    let named = lists["entries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["fqdn_listname"] == second.as_str())
        .count();
    assert_eq!(named, 1, "{lists}");

    // Bob is erased: off every list of the domain, as a member and as an
    // owner. Once that is done, no byte of his address is left in the
    // database's files (issue 34, case 6: the unsubscriptions carried it,
    // delivered or failed, for good).
    let out = bot.scratch.console(&bob_id, &["!moi oublier confirmer"]);
    assert!(out.contains("C'est fait"), "{out}");
    wait_subscribers(&second, &[&anne.address]).await;
    wait_subscribers(&list, &[&anne.address]).await;
    wait_owners(&second, &[]).await;
    settled(&bot, "lists").await;
    bot.assert_running();
    let files = database_files(&bot);
    for (name, bytes) in &files {
        assert!(
            !contains(bytes, bob.address.as_bytes()),
            "{name} still holds {}",
            bob.address
        );
    }
    bot.stop().await;
}

/// Waits until every outbox item of `channel` is delivered or failed.
pub(crate) async fn settled(bot: &MailBot, channel: &str) {
    let db = database(bot);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let pending: i64 = db
            .query_row(
                "SELECT COUNT(*) FROM outbox WHERE channel = ?1 AND delivered_at IS NULL AND failed_at IS NULL",
                [channel],
                |r| r.get(0),
            )
            .expect("count");
        if pending == 0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{channel} items pending: {}",
            bot.logs()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The bot's database, opened beside the running bot.
pub(crate) fn database(bot: &MailBot) -> rusqlite::Connection {
    let db = rusqlite::Connection::open(bot.scratch.dir.join("greffier.db")).expect("database");
    db.busy_timeout(Duration::from_secs(10)).expect("timeout");
    db
}

/// The database file and its write-ahead log, as they are on disk.
pub(crate) fn database_files(bot: &MailBot) -> Vec<(String, Vec<u8>)> {
    ["greffier.db", "greffier.db-wal"]
        .iter()
        .filter_map(|name| {
            let bytes = std::fs::read(bot.scratch.dir.join(name)).ok()?;
            Some((name.to_string(), bytes))
        })
        .collect()
}

pub(crate) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// `greffier lists check` against the real Synapse and Mailman: a
/// subscriber added by hand on Mailman, an owner taken off by hand and a
/// member who turned the room's invitation down are reported; `--fix`
/// invites the member again, makes the owner one again and leaves the
/// hand-added subscriber.
#[tokio::test]
async fn lists_check_reports_what_drifted_and_fixes_without_removing() {
    let _mail = MAIL_SERVER.read().await;
    let _matrix = crate::synapse::SERVER.read().await;
    let s = Servers::get();
    let domain = s.var("LISTS_DOMAIN").to_string();
    let alice = crate::synapse::User::new().await;
    let mut bob = crate::synapse::User::new().await;
    let mut bot = MailBot::with_matrix("lists-check", &alice.id).await;
    bot.append_config(&lists_tables(&domain));
    bot.start();
    let anne = bot.member_as(alice.id.as_str(), "Arles").await;
    let bobs = bot.member_as(bob.id.as_str(), "Berre").await;
    let slug = format!("voirie{}", std::process::id());
    made_active(&bot, bob.id.as_str(), alice.id.as_str(), &slug, "Voirie").await;
    let list = list_of(&bot, &slug).await;
    wait_subscribers(&list, &[&anne.address, &bobs.address]).await;
    let room = loop {
        let export = bot.export();
        let room = export["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|g| g["slug"] == slug.as_str())
            .and_then(|g| g["room"].as_str())
            .map(str::to_string);
        if let Some(room) = room {
            break room;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    // Bob turns the room's invitation down; someone subscribes by hand.
    let room_id: matrix_sdk::ruma::OwnedRoomId = room.as_str().try_into().expect("room id");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let invitation = loop {
        bob.sync(Duration::from_secs(1)).await.expect("sync");
        if let Some(r) = bob.client.get_room(&room_id) {
            break r;
        }
        assert!(tokio::time::Instant::now() < deadline, "bob is not invited");
    };
    invitation.leave().await.expect("bob declines");
    let response = reqwest::Client::new()
        .post(format!("{}/3.1/members", s.var("MAILMAN_URL")))
        .basic_auth(s.var("MAILMAN_USER"), Some(s.var("MAILMAN_PASSWORD")))
        .header("Content-Type", "application/json")
        .body(
            serde_json::json!({
                "list_id": list.replacen('@', ".", 1),
                "subscriber": "hand@example.test",
                "pre_verified": true, "pre_confirmed": true, "pre_approved": true,
            })
            .to_string(),
        )
        .send()
        .await
        .expect("Mailman answers");
    assert_eq!(response.status().as_u16(), 201);
    // And Bob, who owns the list (Berre leads), is no longer its owner.
    wait_owners(&list, &[&bobs.address]).await;
    let (_, found) = {
        let response = reqwest::Client::new()
            .post(format!("{}/3.1/members/find", s.var("MAILMAN_URL")))
            .basic_auth(s.var("MAILMAN_USER"), Some(s.var("MAILMAN_PASSWORD")))
            .header("Content-Type", "application/json")
            .body(
                serde_json::json!({
                    "list_id": list.replacen('@', ".", 1),
                    "subscriber": bobs.address,
                    "role": "owner",
                })
                .to_string(),
            )
            .send()
            .await
            .expect("Mailman answers");
        let status = response.status().as_u16();
        let found: Value =
            serde_json::from_str(&response.text().await.expect("a body")).expect("JSON");
        (status, found)
    };
    let owner = found["entries"][0]["self_link"]
        .as_str()
        .expect("Bob's ownership")
        .to_string();
    let response = reqwest::Client::new()
        .delete(owner)
        .basic_auth(s.var("MAILMAN_USER"), Some(s.var("MAILMAN_PASSWORD")))
        .send()
        .await
        .expect("Mailman answers");
    assert_eq!(response.status().as_u16(), 204);

    let out = bot.scratch.run(&["lists", "check"], b"");
    crate::support::assert_clean(&out);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        text.contains(&format!(
            "{slug} — {list} : inscriptions hors du groupe, laissées en place : hand@example.test"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("{slug} — {room} : il manque {}", bob.id)),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{slug} — {list} : responsables manquants : {}",
            bobs.address.to_lowercase()
        )),
        "{text}"
    );
    let out = bot.scratch.run(&["lists", "check", "--fix"], b"");
    crate::support::assert_clean(&out);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("2 corrections en file d'attente"), "{text}");
    wait_owners(&list, &[&bobs.address]).await;
    // The running bot invites Bob again; the hand-added address stays.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        bob.sync(Duration::from_secs(1)).await.expect("sync");
        if bob
            .client
            .invited_rooms()
            .iter()
            .any(|r| r.room_id() == room_id)
        {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "bob is not invited again: {}",
            bot.logs()
        );
    }
    wait_subscribers(&list, &[&anne.address, &bobs.address, "hand@example.test"]).await;
    bot.assert_running();
    bot.stop().await;
}

/// Issue 34, case 1, against the real Mailman: an address that names a
/// path (`%2e%2e/%2e%2e/<a list>#@attacker.org`) is refused by `!moi
/// lier`; and one already stored (as greffier accepted it before) that
/// joins then leaves a group with a list deletes no list: the victim list
/// and the group's list are still on Mailman, with their members.
#[tokio::test]
async fn an_address_made_of_a_path_deletes_no_list() {
    let _mail = MAIL_SERVER.read().await;
    let s = Servers::get();
    let domain = s.var("LISTS_DOMAIN").to_string();
    let mut bot = MailBot::with_tables("lists-path", &lists_tables(&domain)).await;
    bot.start();
    let pid = std::process::id();
    // The victim: a list greffier has nothing to do with.
    let victim = format!("victime{pid}@{domain}");
    let response = reqwest::Client::new()
        .post(format!("{}/3.1/lists", s.var("MAILMAN_URL")))
        .basic_auth(s.var("MAILMAN_USER"), Some(s.var("MAILMAN_PASSWORD")))
        .header("Content-Type", "application/json")
        .body(serde_json::json!({ "fqdn_listname": victim }).to_string())
        .send()
        .await
        .expect("Mailman answers");
    assert_eq!(response.status().as_u16(), 201, "the victim list");
    let victim_id = victim.replacen('@', ".", 1);
    let trick = format!("%2e%2e/%2e%2e/{victim_id}#@attacker.org");

    let (anne, anne_id) = bot.member_with_id("Arles").await;
    let (mallory, mallory_id) = bot.member_with_id("Berre").await;
    // Today's greffier refuses to link such an address.
    let out = bot
        .scratch
        .console(&mallory_id, &[&format!("!moi lier {trick}")]);
    assert!(out.contains("adresse électronique invalide"), "{out}");

    let slug = format!("voies{pid}");
    let out = bot.scratch.console(
        &anne_id,
        &[&format!("!groupe proposer {slug} « Voies vertes {pid} »")],
    );
    assert!(out.contains("proposé"), "{out}");
    let out = bot
        .scratch
        .console(&mallory_id, &[&format!("!groupe soutenir {slug}")]);
    assert!(out.contains("Quorum atteint"), "{out}");
    let list = list_of(&bot, &slug).await;
    wait_subscribers(&list, &[&anne.address]).await;

    // Mallory's address, as an older greffier stored it.
    let db = database(&bot);
    let changed = db
        .execute(
            "UPDATE identities SET value = ?1 WHERE kind = 'email' AND value = ?2",
            [trick.as_str(), mallory.address.as_str()],
        )
        .expect("update");
    assert_eq!(changed, 1);
    let out = bot.scratch.console(
        &mallory_id,
        &[
            &format!("!groupe rejoindre {slug}"),
            &format!("!groupe quitter {slug}"),
        ],
    );
    assert!(out.contains("Vous avez quitté"), "{out}");
    // Every lists item is settled (delivered, or failed for good).
    settled(&bot, "lists").await;
    let (status, answer) = mailman(&format!("/lists/{victim_id}")).await;
    assert_eq!(status, 200, "the victim list is gone: {answer}");
    let (status, answer) = mailman(&format!("/lists/{}", list.replacen('@', ".", 1))).await;
    assert_eq!(status, 200, "the group's list is gone: {answer}");
    wait_subscribers(&list, &[&anne.address]).await;
    bot.assert_running();
    bot.stop().await;
}

/// A group archived with its list on the real Mailman: the members get
/// the last notice through Mailman, the group gets no digest; made active
/// again, its digest reaches them through Mailman once more.
#[tokio::test]
async fn an_archived_groups_mailman_list_gets_no_digest_until_it_is_active_again() {
    let _mail = MAIL_SERVER.read().await;
    let domain = Servers::get().var("LISTS_DOMAIN").to_string();
    archived_list_scenario("lists-archive", &lists_tables(&domain), &domain).await;
}

/// The archive scenario on the list server `tables` names, whose lists
/// are in `domain`: the group made active, its list made and filled; then
/// archived: the last notice reaches both members through the list
/// server (its List-Id), `digest --send` refuses the group; reactivated:
/// its digest reaches them through the list once more.
pub(crate) async fn archived_list_scenario(name: &str, tables: &str, domain: &str) {
    let mut bot = MailBot::with_tables(name, tables).await;
    bot.start();
    let (anne, anne_id) = bot.member_with_id("Arles").await;
    let (bob, bob_id) = bot.member_with_id("Berre").await;
    let slug = format!("archives{}", std::process::id());
    made_active(&bot, &bob_id, &anne_id, &slug, &format!("Archives {slug}")).await;
    list_of(&bot, &slug).await;
    settled(&bot, "lists").await;

    let out = bot.scratch.console(
        "@admin:example.test",
        &[&format!("!groupe archiver {slug}")],
    );
    assert!(out.contains("archivé"), "{out}");
    let through_the_list = |m: &greffier_testkit::mail::Mail| {
        m.header("List-Id")
            .is_some_and(|id| id.contains(&format!("{slug}.{domain}")))
    };
    for who in [&anne, &bob] {
        who.wait_for("the last notice through the list", |m| {
            through_the_list(m) && m.body().contains("est archivé : son travail est terminé")
        })
        .await;
    }
    let out = bot
        .scratch
        .run(&["digest", "--group", &slug, "--send"], b"");
    assert!(
        !out.status.success()
            && String::from_utf8_lossy(&out.stderr)
                .contains("est archivé : il ne reçoit pas de lettre hebdomadaire"),
        "{out:?}"
    );

    let out = bot.scratch.console(
        "@admin:example.test",
        &[&format!("!groupe reactiver {slug}")],
    );
    assert!(out.contains("de nouveau actif"), "{out}");
    let out = bot
        .scratch
        .run(&["digest", "--group", &slug, "--send"], b"");
    crate::support::assert_clean(&out);
    anne.wait_for("the digest through the list", |m| {
        through_the_list(m)
            && m.body().contains(&format!("Archives {slug}"))
            && !m.body().contains("archivé")
    })
    .await;
    bot.stop().await;
}
