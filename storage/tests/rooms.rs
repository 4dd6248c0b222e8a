//! The rooms and lists the bot makes for the groups (real SQLite, the
//! commands as typed): what a group becoming active, `!groupe salon
//! creer` and a later `!groupe rejoindre`/`quitter` or `!moi oublier` ask
//! the Matrix and lists adapters; the room's id and the list's address
//! kept as the group's once made.

mod common;

use greffier_commands::action::Announced;
use greffier_commands::store::{Groups as _, Identities as _};
use greffier_commands::{Action, Channel, Context, Origin};
use greffier_storage::Database;
use jiff::Timestamp;

use common::NOW;
const ADMIN: &str = "@admin:example.test";
const BOB: &str = "@bob:example.test"; // Berre
const ANN: &str = "@ann:example.test"; // Arles

fn ctx(create_rooms: bool) -> Context {
    let mut c = common::context(ADMIN);
    c.quorum = 2;
    c.create_rooms = create_rooms;
    c
}

fn say(db: &mut Database, c: &Context, who: &str, line: &str) -> (String, bool) {
    common::say_as(db, c, Origin::Console, who, line)
}

fn must(db: &mut Database, c: &Context, who: &str, line: &str) -> String {
    common::kept(say(db, c, who, line), who, line)
}

fn queued(db: &Database) -> Vec<(i64, Action)> {
    db.pending(
        Channel::MATRIX,
        Timestamp::from_second(NOW).expect("ts"),
        100,
    )
    .expect("pending")
    .into_iter()
    .map(|i| (i.id, i.action))
    .filter(|(_, a)| {
        matches!(
            a,
            Action::CreateGroupRoom { .. } | Action::InviteToRoom { .. }
        )
    })
    .collect()
}

/// Bob (Berre, confirmed) proposes "urbanisme"; Ann (Arles) joins.
fn world(c: &Context) -> Database {
    let mut db = Database::open_in_memory().expect("db");
    for (who, org) in [(BOB, "Berre"), (ANN, "Arles")] {
        must(&mut db, c, who, &format!("!moi organisation {org}"));
        must(&mut db, c, ADMIN, &format!("!organisation accepter {who}"));
    }
    must(&mut db, c, BOB, "!groupe proposer urbanisme « Urbanisme »");
    must(&mut db, c, ANN, "!groupe rejoindre urbanisme");
    db
}

#[test]
fn a_group_that_becomes_active_gets_its_room() {
    let c = ctx(true);
    let mut db = world(&c);
    assert!(queued(&db).is_empty(), "no room for a proposal");
    must(&mut db, &c, ANN, "!groupe soutenir urbanisme");
    let made = queued(&db);
    let [
        (
            id,
            Action::CreateGroupRoom {
                group,
                name,
                topic,
                invite,
                moderators,
            },
        ),
    ] = made.as_slice()
    else {
        panic!("{made:?}");
    };
    assert_eq!((group.as_str(), name.as_str()), ("urbanisme", "Urbanisme"));
    assert_eq!(topic, "Chef de projet : Berre");
    assert_eq!(invite, &[ANN, BOB]);
    assert_eq!(moderators, &[BOB]);
    // Made: the room's id is the group's.
    db.mark_delivered(
        *id,
        Timestamp::from_second(NOW).expect("ts"),
        Some((
            "!made:example.test",
            "",
            Announced::GroupRoom("urbanisme".into()),
        )),
    )
    .expect("delivered");
    let export = db.export().expect("export");
    let g = export
        .groups
        .iter()
        .find(|g| g.slug == "urbanisme")
        .expect("group");
    assert_eq!(g.room.as_deref(), Some("!made:example.test"));
    // A member joining now is invited to it.
    must(&mut db, &c, ADMIN, "!moi organisation Vitrolles");
    must(&mut db, &c, ADMIN, "!groupe rejoindre urbanisme");
    let invites: Vec<Action> = queued(&db).into_iter().map(|(_, a)| a).collect();
    assert_eq!(
        invites,
        [Action::InviteToRoom {
            room: "!made:example.test".into(),
            user: ADMIN.into()
        }]
    );
}

#[test]
fn salon_creer_is_for_admins_and_active_groups_without_a_room() {
    let c = ctx(true);
    let mut db = world(&c);
    for (who, line, why) in [
        (
            BOB,
            "!groupe salon creer urbanisme",
            "réservé aux administrateurs",
        ),
        (ADMIN, "!groupe salon creer urbanisme", "n'est pas actif"),
        (ADMIN, "!groupe salon urbanisme", "sous-commande inconnue"),
    ] {
        let reply = common::refused(&mut db, |db| say(db, &c, who, line), line);
        assert!(reply.contains(why), "{line} → {reply}");
    }
    // Asked again before the adapter made it: a second request, which the
    // adapter answers with the same room (it finds it by its state event).
    must(&mut db, &c, ANN, "!groupe soutenir urbanisme");
    must(&mut db, &c, ADMIN, "!groupe salon creer urbanisme");
    let made = queued(&db);
    assert_eq!(made.len(), 2, "{made:?}");
    for (id, _) in &made {
        db.mark_delivered(
            *id,
            Timestamp::from_second(NOW).expect("ts"),
            Some((
                "!made:example.test",
                "",
                Announced::GroupRoom("urbanisme".into()),
            )),
        )
        .expect("delivered");
    }
    let reply = common::refused(
        &mut db,
        |db| say(db, &c, ADMIN, "!groupe salon creer urbanisme"),
        "again",
    );
    assert!(
        reply.contains("a déjà un salon : !made:example.test"),
        "{reply}"
    );
    let off = ctx(false);
    let reply = common::refused(
        &mut db,
        |db| say(db, &off, ADMIN, "!groupe salon creer urbanisme"),
        "off",
    );
    assert!(reply.contains("Je ne crée pas de salons ici"), "{reply}");
}

#[test]
fn without_room_making_nothing_is_asked() {
    let c = ctx(false);
    let mut db = world(&c);
    must(&mut db, &c, ANN, "!groupe soutenir urbanisme");
    must(&mut db, &c, ADMIN, "!moi organisation Vitrolles");
    must(&mut db, &c, ADMIN, "!groupe rejoindre urbanisme");
    assert!(queued(&db).is_empty());
}

/// With `[lists]`: the list made at activation holds the members' verified
/// addresses; joining subscribes, leaving unsubscribes, an erasure
/// unsubscribes everywhere; a list set by hand elsewhere is left alone.
#[test]
fn lists_follow_joins_leaves_and_erasures() {
    use greffier_commands::store::Identity;
    let mut c = ctx(false);
    c.lists_domain = Some("lists.example.test".into());
    let mut db = world(&c);
    let now = Timestamp::from_second(NOW).expect("ts");
    // Addresses are verified by `!moi lier`/`confirmer`; set here directly.
    db.write(now, |tx| {
        for (who, address) in [(ANN, "ann@arles.example"), (BOB, "bob@berre.example")] {
            let p = tx
                .person_by_identity(&Identity::parse(who).expect("id"))?
                .expect("person");
            tx.add_identity(p.id, &Identity::parse(address).expect("id"))?;
        }
        Ok(())
    })
    .expect("addresses");
    let lists = |db: &Database| -> Vec<(i64, Action)> {
        db.pending(Channel::LISTS, now, 100)
            .expect("pending")
            .into_iter()
            .map(|i| (i.id, i.action))
            .collect()
    };
    must(&mut db, &c, ANN, "!groupe soutenir urbanisme");
    let made = lists(&db);
    assert_eq!(
        made.iter().map(|(_, a)| a.clone()).collect::<Vec<_>>(),
        [Action::CreateGroupList {
            group: "urbanisme".into(),
            list: "urbanisme@lists.example.test".into(),
            subscribe: vec!["ann@arles.example".into(), "bob@berre.example".into()],
        }]
    );
    db.mark_delivered(
        made[0].0,
        now,
        Some((
            "urbanisme@lists.example.test",
            "",
            Announced::GroupList("urbanisme".into()),
        )),
    )
    .expect("delivered");
    // A group whose list was set by hand elsewhere: nothing asked.
    must(&mut db, &c, BOB, "!groupe proposer voirie « Voirie »");
    db.write(now, |tx| {
        let g = tx.group_by_slug("voirie")?.expect("group");
        tx.set_group_list(g.id, "voirie@listes.berre.example")?;
        Ok(())
    })
    .expect("list by hand");
    must(&mut db, &c, ANN, "!groupe rejoindre voirie");
    must(&mut db, &c, ANN, "!groupe soutenir voirie");
    must(&mut db, &c, BOB, "!groupe quitter urbanisme");
    must(&mut db, &c, BOB, "!groupe rejoindre urbanisme");
    let asked: Vec<Action> = lists(&db).into_iter().map(|(_, a)| a).collect();
    assert_eq!(
        asked,
        [
            Action::Unsubscribe {
                list: "urbanisme@lists.example.test".into(),
                address: "bob@berre.example".into(),
            },
            Action::Subscribe {
                list: "urbanisme@lists.example.test".into(),
                address: "bob@berre.example".into(),
            },
        ]
    );
    // The erasure takes back what was pending about Bob, and takes him off
    // every list.
    must(&mut db, &c, BOB, "!moi oublier confirmer");
    let asked: Vec<Action> = lists(&db).into_iter().map(|(_, a)| a).collect();
    assert_eq!(
        asked,
        [Action::UnsubscribeEverywhere {
            address: "bob@berre.example".into(),
        }]
    );
}

/// The drift check reads the groups with a room or a list, and only them.
#[test]
fn the_groups_with_a_room_or_a_list_are_read_alone() {
    let c = ctx(false);
    let mut db = world(&c);
    for slug in ["voirie", "cantines"] {
        must(
            &mut db,
            &c,
            BOB,
            &format!("!groupe proposer {slug} « {slug} »"),
        );
    }
    let linked = db
        .write(c.now, |tx| {
            let voirie = tx.group_by_slug("voirie")?.expect("voirie");
            tx.set_group_room(voirie.id, "!voirie:example.test")?;
            let cantines = tx.group_by_slug("cantines")?.expect("cantines");
            tx.set_group_list(cantines.id, "cantines@lists.example.test")?;
            Ok((tx.groups()?.len(), tx.groups_with_room_or_list()?))
        })
        .expect("groups");
    assert_eq!(linked.0, 3, "urbanisme, voirie, cantines");
    let slugs: Vec<&str> = linked.1.iter().map(|g| g.slug.as_str()).collect();
    assert_eq!(slugs, ["cantines", "voirie"]);
}
