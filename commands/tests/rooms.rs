//! The rooms and lists the bot makes for the groups (real SQLite, the
//! commands as typed): what a group becoming active, `!groupe salon
//! creer` and a later `!groupe rejoindre`/`quitter` or `!moi oublier` ask
//! the Matrix and lists adapters; the room's id and the list's address
//! kept as the group's once made.

mod world;

use world::World;

use greffier_commands::action::Announced;
use greffier_commands::store::{Groups as _, Identities as _};
use greffier_commands::{Action, Channel, Context};
use greffier_storage::Database;
use jiff::Timestamp;

use world::NOW;
const ADMIN: &str = "@admin:example.test";
const BOB: &str = "@bob:example.test"; // Berre
const ANN: &str = "@ann:example.test"; // Arles

fn ctx(create_rooms: bool) -> Context {
    let mut c = world::context(ADMIN);
    c.quorum = 2;
    c.create_rooms = create_rooms;
    c
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
fn world(c: &Context) -> World {
    let mut w = World::new(c.clone());
    for (who, org) in [(BOB, "Berre"), (ANN, "Arles")] {
        w.must(who, &format!("!moi organisation {org}"));
        w.must(ADMIN, &format!("!organisation accepter {who}"));
    }
    w.must(BOB, "!groupe proposer urbanisme « Urbanisme »");
    w.must(ANN, "!groupe rejoindre urbanisme");
    w
}

#[test]
fn a_group_that_becomes_active_gets_its_room() {
    let c = ctx(true);
    let mut w = world(&c);
    assert!(queued(&w.db).is_empty(), "no room for a proposal");
    w.must(ANN, "!groupe soutenir urbanisme");
    let made = queued(&w.db);
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
    w.db.mark_delivered(
        *id,
        Timestamp::from_second(NOW).expect("ts"),
        Some((
            "!made:example.test",
            "",
            Announced::GroupRoom("urbanisme".into()),
        )),
    )
    .expect("delivered");
    let export = w.db.export().expect("export");
    let g = export
        .groups
        .iter()
        .find(|g| g.slug == "urbanisme")
        .expect("group");
    assert_eq!(g.room.as_deref(), Some("!made:example.test"));
    // A member joining now is invited to it.
    w.must(ADMIN, "!moi organisation Vitrolles");
    w.must(ADMIN, "!groupe rejoindre urbanisme");
    let invites: Vec<Action> = queued(&w.db).into_iter().map(|(_, a)| a).collect();
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
    let mut w = world(&c);
    for (who, line, why) in [
        (
            BOB,
            "!groupe salon creer urbanisme",
            "réservé aux administrateurs",
        ),
        (ADMIN, "!groupe salon creer urbanisme", "n'est pas actif"),
        (ADMIN, "!groupe salon urbanisme", "sous-commande inconnue"),
    ] {
        let reply = w.refused(who, line);
        assert!(reply.contains(why), "{line} → {reply}");
    }
    // Asked again before the adapter made it: a second request, which the
    // adapter answers with the same room (it finds it by its state event).
    w.must(ANN, "!groupe soutenir urbanisme");
    w.must(ADMIN, "!groupe salon creer urbanisme");
    let made = queued(&w.db);
    assert_eq!(made.len(), 2, "{made:?}");
    for (id, _) in &made {
        w.db.mark_delivered(
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
    let reply = w.refused(ADMIN, "!groupe salon creer urbanisme");
    assert!(
        reply.contains("a déjà un salon : !made:example.test"),
        "{reply}"
    );
    w.ctx = ctx(false);
    let reply = w.refused(ADMIN, "!groupe salon creer urbanisme");
    assert!(reply.contains("Je ne crée pas de salons ici"), "{reply}");
}

#[test]
fn without_room_making_nothing_is_asked() {
    let c = ctx(false);
    let mut w = world(&c);
    w.must(ANN, "!groupe soutenir urbanisme");
    w.must(ADMIN, "!moi organisation Vitrolles");
    w.must(ADMIN, "!groupe rejoindre urbanisme");
    assert!(queued(&w.db).is_empty());
}

/// With `[lists]`: the list made at activation holds the members' verified
/// addresses and the lead's as owners; joining subscribes, leaving
/// unsubscribes, a new lead's members become the owners, an erasure
/// unsubscribes everywhere; a list set by hand elsewhere is left alone.
#[test]
fn lists_follow_joins_leaves_and_erasures() {
    use greffier_commands::store::Identity;
    let mut c = ctx(false);
    c.lists_domain = Some("lists.example.test".into());
    let mut w = world(&c);
    let now = Timestamp::from_second(NOW).expect("ts");
    // Addresses are verified by `!moi lier`/`confirmer`; set here directly.
    w.db.write(now, |tx| {
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
    w.must(ANN, "!groupe soutenir urbanisme");
    let made = lists(&w.db);
    assert_eq!(
        made.iter().map(|(_, a)| a.clone()).collect::<Vec<_>>(),
        [Action::CreateGroupList {
            group: "urbanisme".into(),
            list: "urbanisme@lists.example.test".into(),
            subject: "Urbanisme".into(),
            subscribe: vec!["ann@arles.example".into(), "bob@berre.example".into()],
            // Berre leads (Bob proposed): its confirmed members own the list.
            owners: vec!["bob@berre.example".into()],
        }]
    );
    w.db.mark_delivered(
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
    w.must(BOB, "!groupe proposer voirie « Voirie »");
    w.db.write(now, |tx| {
        let g = tx.group_by_slug("voirie")?.expect("group");
        tx.set_group_list(g.id, "voirie@listes.berre.example")?;
        Ok(())
    })
    .expect("list by hand");
    w.must(ANN, "!groupe rejoindre voirie");
    w.must(ANN, "!groupe soutenir voirie");
    w.must(BOB, "!groupe quitter urbanisme");
    w.must(BOB, "!groupe rejoindre urbanisme");
    let asked: Vec<Action> = lists(&w.db).into_iter().map(|(_, a)| a).collect();
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
    // Arles leads now: Ann owns the list in Bob's place; the group whose
    // list was set by hand gets nothing.
    w.must(BOB, "!groupe chef urbanisme Arles");
    w.must(BOB, "!groupe chef voirie Arles");
    let asked: Vec<Action> = lists(&w.db).into_iter().map(|(_, a)| a).collect();
    assert_eq!(
        asked.last(),
        Some(&Action::ListOwners {
            list: "urbanisme@lists.example.test".into(),
            add: vec!["ann@arles.example".into()],
            remove: vec!["bob@berre.example".into()],
        })
    );
    assert_eq!(asked.len(), 3, "{asked:?}");
    // The erasure takes back what was pending about Bob (the owners'
    // change too, which named him: the drift check gives Ann hers back),
    // and takes him off every list.
    w.must(BOB, "!moi oublier confirmer");
    let asked: Vec<Action> = lists(&w.db).into_iter().map(|(_, a)| a).collect();
    assert_eq!(
        asked,
        [Action::UnsubscribeEverywhere {
            address: "bob@berre.example".into(),
        }]
    );
}

/// The owners of a group's list follow who speaks for the lead: someone
/// confirmed in it becomes one, someone taken out of it ceases to be, an
/// address verified later is added (and subscribed to their groups'
/// lists); a pending declaration makes no one an owner.
#[test]
fn list_owners_follow_who_speaks_for_the_lead() {
    const CAT: &str = "@cat:example.test";
    const LIST: &str = "urbanisme@lists.example.test";
    let mut c = ctx(false);
    c.lists_domain = Some("lists.example.test".into());
    let mut w = world(&c);
    w.address(BOB, "bob@berre.example");
    w.must(ANN, "!groupe soutenir urbanisme");
    let now = Timestamp::from_second(NOW).expect("ts");
    let made = w.db.pending(Channel::LISTS, now, 100).expect("pending");
    w.db.mark_delivered(
        made[0].id,
        now,
        Some((LIST, "", Announced::GroupList("urbanisme".into()))),
    )
    .expect("delivered");
    let owners = |actions: &[Action]| -> Vec<Action> {
        actions
            .iter()
            .filter(|a| matches!(a, Action::ListOwners { .. } | Action::Subscribe { .. }))
            .cloned()
            .collect()
    };
    let change = |add: &[&str], remove: &[&str]| Action::ListOwners {
        list: LIST.into(),
        add: add.iter().map(|a| a.to_string()).collect(),
        remove: remove.iter().map(|a| a.to_string()).collect(),
    };

    // Cat says she is of Berre, the lead: pending, no owner.
    let (_, _, actions) = w.said(CAT, "!moi organisation Berre");
    assert_eq!(owners(&actions), []);
    w.address(CAT, "cat@berre.example");
    // Bob confirms her: an owner.
    let (_, kept, actions) = w.said(BOB, &format!("!organisation accepter {CAT}"));
    assert!(kept);
    assert_eq!(owners(&actions), [change(&["cat@berre.example"], &[])]);
    // An admin takes her out of Berre: no longer an owner.
    let (_, kept, actions) = w.said(ADMIN, &format!("!organisation refuser {CAT}"));
    assert!(kept);
    assert_eq!(owners(&actions), [change(&[], &["cat@berre.example"])]);
    // The admin, of Arles, with an address, says he is of Berre now
    // (confirmed at once, an admin's word): an owner; back to Arles, no
    // longer.
    let (_, _, actions) = w.said(ADMIN, "!moi organisation Arles");
    assert_eq!(owners(&actions), []);
    w.address(ADMIN, "admin@example.test");
    let (_, _, actions) = w.said(ADMIN, "!moi organisation Berre");
    assert_eq!(owners(&actions), [change(&["admin@example.test"], &[])]);
    let (_, _, actions) = w.said(ADMIN, "!moi organisation Arles");
    assert_eq!(owners(&actions), [change(&[], &["admin@example.test"])]);
    // Bob links a second address: on the group's list, and an owner.
    w.say(BOB, "!moi lier bob2@berre.example");
    let code = world::mailed_code(&w.db, "bob2@berre.example");
    let (_, _, actions) = w.said(BOB, &format!("!moi confirmer {code}"));
    assert_eq!(
        owners(&actions),
        [
            Action::Subscribe {
                list: LIST.into(),
                address: "bob2@berre.example".into(),
            },
            change(&["bob2@berre.example"], &[]),
        ]
    );
    // Ann, of Arles (not the lead), links one: subscribed, no owner.
    w.say(ANN, "!moi lier ann2@arles.example");
    let code = world::mailed_code(&w.db, "ann2@arles.example");
    let (_, _, actions) = w.said(ANN, &format!("!moi confirmer {code}"));
    assert_eq!(
        owners(&actions),
        [Action::Subscribe {
            list: LIST.into(),
            address: "ann2@arles.example".into(),
        }]
    );
}

/// The drift check reads the groups with a room or a list, and only them.
#[test]
fn the_groups_with_a_room_or_a_list_are_read_alone() {
    let c = ctx(false);
    let mut w = world(&c);
    for slug in ["voirie", "cantines"] {
        w.must(BOB, &format!("!groupe proposer {slug} « {slug} »"));
    }
    let linked =
        w.db.write(c.now, |tx| {
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
