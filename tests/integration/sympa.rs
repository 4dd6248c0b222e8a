//! The groups' mailing lists on the real Sympa 6.2 of `scripts/servers`
//! (Debian's package; its SOAP interface behind lighttpd, greffier its
//! trusted application; Postfix piping sympa.example.test to Sympa's queue
//! program; its task manager running): the scenarios of lists.rs with
//! `[lists] engine = "sympa"`. A proposal reaching its quorum gets its
//! list, subject the group's theme, with the members' verified addresses
//! and no welcome from Sympa, and the lead's confirmed members as owners
//! (included from the list `<group>-responsables` greffier keeps, as the
//! shipped template says); a mail from greffier to the list reaches both
//! members' mailboxes through Sympa, and one from outside the group waits
//! for moderation (Sympa asks the lead's member, not the bot); leaving
//! unsubscribes, joining again subscribes; a new lead's members own the
//! list in the former's place;
//! a SIGKILL right after Sympa made a list, then a restart, leaves one
//! list with its subscribers; an erasure takes the address off; `greffier
//! lists check` finds what drifted and `--fix` subscribes again without
//! removing; an archived group's list carries the last notice and no
//! digest until the group is active again.
//!
//! What the test reads, it reads from Sympa as its listmaster (its own SOAP
//! calls, not the adapter's).

use std::time::Duration;

use base64::Engine as _;

use crate::lists::{
    contains, database_files, list_of, made_active, settled, wait_roster, wait_roster_for,
};
use crate::mailserver::{MAIL_SERVER, MailBot};
use crate::synapse::Servers;

/// The address Sympa's listmaster has (scripts/servers).
const LISTMASTER: &str = "listmaster@example.test";

/// One SOAP call to Sympa as greffier's trusted application acting as
/// `user`: the text of each leaf element of the answer (name, text;
/// base64 decoded), or the fault's text.
async fn soap(user: &str, service: &str, params: &[&str]) -> Result<Vec<(String, String)>, String> {
    let text = soap_text(user, service, params).await?;
    // Leaf elements: `<name attrs>text</name>` with no element inside.
    let mut out = Vec::new();
    for chunk in text.split('<').skip(1) {
        let Some((tag, rest)) = chunk.split_once('>') else {
            continue;
        };
        if tag.starts_with('/') || tag.ends_with('/') || rest.is_empty() {
            continue;
        }
        let name = tag.split_whitespace().next().unwrap_or_default();
        let value = rest
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        let value = if tag.contains("base64Binary") {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(value.trim())
                .expect("base64");
            String::from_utf8(bytes).expect("UTF-8")
        } else {
            value
        };
        out.push((name.to_string(), value));
    }
    Ok(out)
}

/// One SOAP call's answer as Sympa wrote it, or the fault's text.
async fn soap_text(user: &str, service: &str, params: &[&str]) -> Result<String, String> {
    let s = Servers::get();
    let items: String = params
        .iter()
        .map(|p| format!("<item xsi:type=\"xsd:string\">{p}</item>"))
        .collect();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:enc=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><m:authenticateRemoteAppAndRun xmlns:m=\"urn:sympasoap\"><appname>{}</appname><apppassword>{}</apppassword><vars>USER_EMAIL={user}</vars><service>{service}</service><parameters xsi:type=\"enc:Array\" enc:arrayType=\"xsd:string[{}]\">{items}</parameters></m:authenticateRemoteAppAndRun></s:Body></s:Envelope>",
        s.var("SYMPA_APP"),
        s.var("SYMPA_PASSWORD"),
        params.len()
    );
    let text = reqwest::Client::new()
        .post(s.var("SYMPA_URL"))
        .header("Content-Type", "text/xml; charset=utf-8")
        .header(
            "SOAPAction",
            "\"urn:sympasoap#authenticateRemoteAppAndRun\"",
        )
        .body(body)
        .send()
        .await
        .expect("Sympa answers")
        .text()
        .await
        .expect("a body");
    if text.contains("Fault>") {
        return Err(text);
    }
    Ok(text)
}

/// The list's owners, sorted, as Sympa's `fullReview` tells its
/// listmaster (those the list includes among them).
async fn owners(list: &str) -> Result<Vec<String>, String> {
    let name = list.split('@').next().expect("a name");
    let text = soap_text(LISTMASTER, "fullReview", &[name]).await?;
    let mut out: Vec<String> = text
        .split("<item>")
        .skip(1)
        .filter(|item| item.contains("<isOwner xsi:type=\"xsd:boolean\">true<"))
        .filter_map(|item| {
            let (_, rest) = item.split_once("<email xsi:type=\"xsd:string\">")?;
            Some(rest.split('<').next()?.to_lowercase())
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Waits until Sympa's owners of `list` are `want`: its task manager
/// reads the owners a list includes once a minute, every `ttl` (30 s on
/// the test server) after the last reading.
async fn wait_owners(list: &str, want: &[&str]) {
    let patience = Duration::from_secs(240);
    wait_roster_for(
        list,
        want,
        patience,
        |list| async move { owners(&list).await },
    )
    .await
}

/// The list greffier keeps `list`'s owners in.
fn owners_list(list: &str) -> String {
    list.replacen('@', "-responsables@", 1)
}

/// The list's subscribers, sorted, as Sympa's listmaster reviews them.
async fn subscribers(list: &str) -> Result<Vec<String>, String> {
    let name = list.split('@').next().expect("a name");
    let mut out: Vec<String> = soap(LISTMASTER, "review", &[name])
        .await?
        .into_iter()
        .filter(|(tag, _)| tag == "item")
        .map(|(_, v)| v)
        .collect();
    out.sort();
    Ok(out)
}

/// Waits until `list`'s subscribers are `want` on Sympa.
async fn wait_subscribers(list: &str, want: &[&str]) {
    wait_roster(list, want, |list| async move { subscribers(&list).await }).await
}

/// A list's subject, as Sympa's `info` tells it.
async fn subject(list: &str) -> String {
    let name = list.split('@').next().expect("a name");
    let info = soap(LISTMASTER, "info", &[name]).await.expect("the list");
    info.into_iter()
        .find(|(tag, _)| tag == "subject")
        .map(|(_, v)| v)
        .unwrap_or_default()
}

/// bot.toml's tables for lists on the local Sympa, with a quorum of two.
fn sympa_tables() -> String {
    let s = Servers::get();
    format!(
        "[groups]\nquorum = 2\n\n[lists]\nengine = \"sympa\"\nurl = \"{}\"\nuser = \"{}\"\npassword = \"{}\"\ndomain = \"{}\"\n",
        s.var("SYMPA_URL"),
        s.var("SYMPA_APP"),
        s.var("SYMPA_PASSWORD"),
        s.var("SYMPA_DOMAIN"),
    )
}

/// Whether `mail` came through the Sympa list `slug`.
fn through_sympa(slug: &str) -> impl Fn(&greffier_testkit::mail::Mail) -> bool {
    let domain = Servers::get().var("SYMPA_DOMAIN").to_string();
    let id = format!("<{slug}.{domain}>");
    move |m| m.header("List-Id").is_some_and(|l| l.contains(&id))
}

#[tokio::test]
async fn a_group_that_becomes_active_gets_its_list_on_sympa() {
    let _mail = MAIL_SERVER.read().await;
    let s = Servers::get();
    let domain = s.var("SYMPA_DOMAIN").to_string();
    let mut bot = MailBot::with_tables("sympa", &sympa_tables()).await;
    bot.start();
    let (anne, anne_id) = bot.member_with_id("Arles").await;
    let (bob, bob_id) = bot.member_with_id("Berre").await;
    let pid = std::process::id();
    let (urba, cadastre) = (format!("urba{pid}"), format!("cadastre{pid}"));
    let theme = format!("Éclairage et urbanisme {pid}");
    made_active(&bot, &bob_id, &anne_id, &urba, &theme).await;

    // The list, its subject the group's theme, with both verified addresses.
    let list = list_of(&bot, &urba).await;
    assert_eq!(list, format!("{urba}@{domain}"));
    wait_subscribers(&list, &[&anne.address, &bob.address]).await;
    assert_eq!(subject(&list).await, theme);
    // Berre leads (Bob proposed): Bob is in the list of its owners, and
    // Sympa makes him one beside the bot once its task manager has read
    // that list.
    let owners_of_urba = owners_list(&list);
    wait_subscribers(&owners_of_urba, &[&bob.address]).await;
    wait_owners(&list, &[&bob.address, &bot.account.address]).await;

    // A mail from greffier to the group goes to the list, and Sympa hands
    // it to both members.
    let out = bot.scratch.console(
        "@admin:example.test",
        &[&format!(
            "!reunion creer « Point urbanisme » 2030-12-03 10:00 groupe {urba}"
        )],
    );
    assert!(out.contains("créée"), "{out}");
    for who in [&anne, &bob] {
        let mail = who
            .wait_for("the announcement through Sympa", |m| {
                m.subject().contains("Point urbanisme") && through_sympa(&urba)(m)
            })
            .await;
        assert!(mail.body().contains("Point urbanisme"), "{}", mail.body());
        // Subscribed quietly: Sympa sent no welcome of its own.
        let from_sympa: Vec<String> = who
            .mails("INBOX")
            .await
            .into_iter()
            .map(greffier_testkit::mail::Mail::new)
            .filter(|m| m.from().contains(&domain) && !through_sympa(&urba)(m))
            .map(|m| m.subject())
            .collect();
        assert!(from_sympa.is_empty(), "Sympa wrote: {from_sympa:?}");
    }

    // Someone outside the group writes to the list: Sympa asks its
    // owners to moderate, Bob (the bot, an owner that receives no owner
    // mail, is not asked), and the members do not get the message.
    let outsider = greffier_testkit::mail::Account::new("outsider").await;
    let id = greffier_testkit::mail::new_id("outsider");
    let raw = greffier_testkit::mail::thunderbird(
        &outsider.address,
        &list,
        "Hors du groupe",
        &id,
        "Bonjour à la liste.",
    );
    greffier_testkit::mail::send(Some(&outsider.address), &list, &raw).await;
    let request = bob
        .wait_for("Sympa's moderation request", |m| {
            m.from().contains(&domain)
                && !through_sympa(&urba)(m)
                && String::from_utf8_lossy(&m.raw).contains("Hors du groupe")
        })
        .await;
    assert!(
        !String::from_utf8_lossy(&request.raw).contains(&format!("List-Id: <{urba}.{domain}>")),
        "not the message itself"
    );
    for who in [&anne, &bob] {
        let subjects: Vec<String> = who
            .mails("INBOX")
            .await
            .into_iter()
            .map(|raw| greffier_testkit::mail::Mail::new(raw).subject())
            .collect();
        assert!(
            !subjects.iter().any(|s| s == "Hors du groupe"),
            "{subjects:?}"
        );
    }
    assert!(
        !bot.logs().contains(&format!("{urba}-request@{domain}")),
        "the bot got owner mail: {}",
        bot.logs()
    );

    // Bob leaves the group: off the list.
    let out = bot
        .scratch
        .console(&bob_id, &[&format!("!groupe quitter {urba}")]);
    assert!(out.contains("Vous avez quitté"), "{out}");
    wait_subscribers(&list, &[&anne.address]).await;
    // Berre still leads: Bob still owns the list. He makes Arles the lead:
    // Anne takes his place in the list of owners (Sympa follows at its
    // next reading, checked at the end).
    let out = bot
        .scratch
        .console(&bob_id, &[&format!("!groupe chef {urba} Arles")]);
    assert!(out.contains("Chef de projet du groupe"), "{out}");
    wait_subscribers(&owners_of_urba, &[&anne.address]).await;
    // Bob joins again: on the list again.
    let out = bot
        .scratch
        .console(&bob_id, &[&format!("!groupe rejoindre {urba}")]);
    assert!(out.contains("Bienvenue dans le groupe"), "{out}");
    wait_subscribers(&list, &[&anne.address, &bob.address]).await;

    // A second proposal; the bot dies right after Sympa made its list.
    bot.stop().await;
    bot.start_with(&[("GREFFIER_FAILPOINT", "lists-created")]);
    made_active(
        &bot,
        &bob_id,
        &anne_id,
        &cadastre,
        &format!("Cadastre {pid}"),
    )
    .await;
    assert!(
        bot.wait_exit(60).await,
        "the failpoint was not reached: {}",
        bot.logs()
    );
    bot.start();
    let second = list_of(&bot, &cadastre).await;
    wait_subscribers(&second, &[&anne.address, &bob.address]).await;
    wait_subscribers(&owners_list(&second), &[&bob.address]).await;
    let lists = soap(LISTMASTER, "lists", &[]).await.expect("lists");
    let named = lists
        .iter()
        .filter(|(_, v)| {
            v.contains(&format!("listAddress={second};"))
                || v.ends_with(&format!("listAddress={second}"))
        })
        .count();
    assert_eq!(named, 1, "{lists:?}");

    // A list the listmaster made by hand, Bob on it: greffier is not its
    // owner.
    let by_hand = format!("main{pid}");
    soap(
        LISTMASTER,
        "createList",
        &[
            &by_hand,
            "Faite à la main",
            "private_working_group",
            "Hors du greffier",
            "greffier",
        ],
    )
    .await
    .expect("a list by hand");
    soap(LISTMASTER, "add", &[&by_hand, &bob.address, "", "1"])
        .await
        .expect("Bob on it");

    // Bob is erased: off the lists greffier made, the list of the second
    // list's owners among them (Sympa refuses it the others: that item
    // fails for good, the rest is done), and no byte of his address left
    // in the database's files once that is settled.
    let out = bot.scratch.console(&bob_id, &["!moi oublier confirmer"]);
    assert!(out.contains("C'est fait"), "{out}");
    wait_subscribers(&second, &[&anne.address]).await;
    wait_subscribers(&list, &[&anne.address]).await;
    wait_subscribers(&owners_list(&second), &[]).await;
    settled(&bot, "lists").await;
    let by_hand = format!("{by_hand}@{domain}");
    assert_eq!(
        subscribers(&by_hand).await,
        Ok(vec![bob.address.to_lowercase()])
    );
    let db = crate::lists::database(&bot);
    let failed: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM outbox WHERE channel = 'lists' AND failed_at IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(
        failed, 1,
        "the erasure's item, refused on the hand-made list"
    );
    drop(db);
    bot.assert_running();
    for (name, bytes) in &database_files(&bot) {
        assert!(
            !contains(bytes, bob.address.as_bytes()),
            "{name} still holds {}",
            bob.address
        );
    }
    // Sympa has read the new lead's list of owners: Anne owns the first
    // list in Bob's place.
    wait_owners(&list, &[&anne.address, &bot.account.address]).await;
    bot.stop().await;
}

/// `greffier lists check` against the real Sympa: an address subscribed by
/// hand, a member taken off by hand and an owner taken off the list of
/// owners by hand are reported, by the command and by the overall
/// digest's line for the admins; `--fix` subscribes the member and the
/// owner again and leaves the hand-added address.
#[tokio::test]
async fn sympa_drift_is_found_and_fixed_without_removing() {
    let _mail = MAIL_SERVER.read().await;
    let mut bot = MailBot::with_tables("sympa-check", &sympa_tables()).await;
    bot.start();
    let (anne, anne_id) = bot.member_with_id("Arles").await;
    let (bob, bob_id) = bot.member_with_id("Berre").await;
    let slug = format!("voirie{}", std::process::id());
    made_active(&bot, &bob_id, &anne_id, &slug, "Voirie").await;
    let list = list_of(&bot, &slug).await;
    wait_subscribers(&list, &[&anne.address, &bob.address]).await;
    settled(&bot, "lists").await;

    // By hand on Sympa: Bob off, someone else on.
    let name = list.split('@').next().expect("a name");
    soap(LISTMASTER, "del", &[name, &bob.address, "1"])
        .await
        .expect("del by hand");
    soap(LISTMASTER, "add", &[name, "hand@example.test", "", "1"])
        .await
        .expect("add by hand");
    // And Bob off the list of its owners.
    let owners_of = owners_list(&list);
    wait_subscribers(&owners_of, &[&bob.address]).await;
    let owners_name = owners_of.split('@').next().expect("a name");
    soap(LISTMASTER, "del", &[owners_name, &bob.address, "1"])
        .await
        .expect("del by hand");

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
        text.contains(&format!(
            "{slug} — {list} : il manque {}",
            bob.address.to_lowercase()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{slug} — {list} : responsables manquants : {}",
            bob.address.to_lowercase()
        )),
        "{text}"
    );

    // The week's overall digest tells the admins: the bot, running since
    // before this week's digest time (its cursor set back), checks at
    // start and sends the overall digest with its line.
    bot.stop().await;
    let overall = greffier_testkit::mail::Account::new("sympa-overall").await;
    let db = crate::lists::database(&bot);
    db.execute(
        "INSERT OR REPLACE INTO cursors (name, value, updated_at) VALUES ('digest.active_since', '2000-01-03T00:00:00Z', '2000-01-03T00:00:00Z')",
        [],
    )
    .expect("the cursor");
    drop(db);
    bot.append_config(&format!(
        "\n[digest]\nweekday = \"lundi\"\ntime = \"00:00\"\nlists = [\"{}\"]\n",
        overall.address
    ));
    bot.start();
    let line = "Pour les administrateurs : 3 écarts entre les groupes et leurs salons ou listes (greffier lists check).";
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let mails: Vec<String> = overall
            .mails("INBOX")
            .await
            .into_iter()
            .map(|raw| greffier_testkit::mail::Mail::new(raw).body())
            .collect();
        if mails.iter().any(|body| body.contains(line)) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no overall digest with the admins' line: {mails:?}\n{}",
            bot.logs()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let out = bot.scratch.run(&["lists", "check", "--fix"], b"");
    crate::support::assert_clean(&out);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("2 corrections en file d'attente"), "{text}");
    wait_subscribers(&list, &[&anne.address, &bob.address, "hand@example.test"]).await;
    wait_subscribers(&owners_of, &[&bob.address]).await;
    let out = bot.scratch.run(&["lists", "check"], b"");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!text.contains("il manque"), "{text}");
    assert!(!text.contains("responsables manquants"), "{text}");
    bot.assert_running();
    bot.stop().await;
}

/// A group archived with its list on the real Sympa: the members get the
/// last notice through Sympa, the group gets no digest; made active
/// again, its digest reaches them through Sympa once more.
#[tokio::test]
async fn an_archived_groups_sympa_list_gets_no_digest_until_it_is_active_again() {
    let _mail = MAIL_SERVER.read().await;
    let domain = Servers::get().var("SYMPA_DOMAIN").to_string();
    crate::lists::archived_list_scenario("sympa-archive", &sympa_tables(), &domain).await;
}
