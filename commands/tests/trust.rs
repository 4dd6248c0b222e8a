//! Who speaks for an organisation (real SQLite, the commands as typed): a
//! declared organisation is pending until an admin, a confirmed member or
//! one of its domains confirms it; absence reasons and names are shown to
//! those who need them; an erased person leaves no trace but their answers.

mod world;

use world::World;

use greffier_commands::store::Identity;
use greffier_commands::{Action, Channel, Context, Origin, Request};
use greffier_storage::Database;
use jiff::Timestamp;

use world::NOW;
const ADMIN: &str = "@admin:example.test";

fn ctx() -> Context {
    world::context(ADMIN)
}

fn room(direct: bool) -> Origin {
    Origin::Matrix {
        room: "!salon:example.test".into(),
        event: Some("$e".into()),
        direct,
    }
}

/// Berre (Bob, confirmed) proposed "messagerie" and leads it.
fn berre() -> World {
    let mut w = World::new(ctx()).typing_from(room(false));
    w.must("@bob:example.test", "!moi organisation Berre");
    w.must(ADMIN, "!organisation accepter @bob:example.test");
    w.must(
        "@bob:example.test",
        "!groupe proposer messagerie « Messagerie libre »",
    );
    w
}

#[test]
fn a_newcomer_acts_for_their_organisation_once_a_member_accepts_them() {
    let mut w = berre();
    w.must("@zoe:example.test", "!moi organisation Arles");
    w.must("@anne:example.test", "!moi organisation Arles");
    w.must(ADMIN, "!organisation accepter @anne:example.test");
    w.must(
        ADMIN,
        "!reunion creer « Point » 2026-12-10 14:00 groupe messagerie",
    );
    // A newcomer claims Berre's rights by declaring Berre: refused until
    // accepted; joining as a person is not.
    w.must("@newcomer:example.test", "!moi organisation Berre");
    w.must("@newcomer:example.test", "!groupe rejoindre messagerie");
    let why = "votre appartenance à Berre attend confirmation ; un membre confirmé de Berre ou un administrateur peut la confirmer";
    for line in [
        "!groupe chef messagerie Arles",
        "!projet statut messagerie « En production »",
        "!reunion annuler 1",
        "!groupe proposer vehicules « Gestion des véhicules »",
    ] {
        let reply = w.refused("@newcomer:example.test", line);
        assert!(reply.contains(why), "{line} → {reply}");
    }
    // Arles's member cannot accept someone of Berre; Berre's can.
    let reply = w.refused(
        "@anne:example.test",
        "!organisation accepter @newcomer:example.test",
    );
    assert!(reply.contains("membres confirmés de Berre"), "{reply}");
    w.must("@bob:example.test", "!organisation accepter newcomer");
    w.must(
        "@newcomer:example.test",
        "!projet statut messagerie « En production »",
    );
    w.must("@newcomer:example.test", "!reunion annuler 1");
    w.must("@newcomer:example.test", "!groupe chef messagerie Arles");
    // And supporting a proposal in Berre's name.
    w.must(
        "@anne:example.test",
        "!groupe proposer courrier « Courrier »",
    );
    let reply = w.must("@newcomer:example.test", "!groupe soutenir courrier");
    assert!(reply.contains("Berre soutient"), "{reply}");
}

/// Issue 34, case 7: after an admin's `!organisation refuser`, a confirmed
/// member of the organisation cannot confirm the refused person; an admin
/// can.
#[test]
fn only_an_admin_overturns_a_refusal() {
    let mut w = berre();
    w.must("@x:example.test", "!moi organisation Berre");
    w.must(ADMIN, "!organisation refuser @x:example.test");
    let reply = w.refused(
        "@bob:example.test",
        "!organisation accepter @x:example.test",
    );
    assert_eq!(
        reply,
        "Refusé : réservé aux administrateurs de revenir sur un refus."
    );
    let reply = w.must(ADMIN, "!organisation accepter @x:example.test");
    assert!(
        reply.contains("l'appartenance de x à Berre est confirmée"),
        "{reply}"
    );
    // A pending request is still the members' to decide.
    w.must("@y:example.test", "!moi organisation Berre");
    w.must(
        "@bob:example.test",
        "!organisation accepter @y:example.test",
    );
}

#[test]
fn what_a_pending_member_joined_counts_for_the_organisation_once_confirmed() {
    let mut w = berre();
    w.must("@zoe:example.test", "!moi organisation Vitrolles");
    let reply = w.must("@zoe:example.test", "!groupe rejoindre messagerie");
    assert!(
        reply.contains(
            "Vitrolles en deviendra membre quand votre appartenance à Vitrolles sera confirmée"
        ),
        "{reply}"
    );
    let villes = |db: &Database| {
        db.export()
            .expect("export")
            .groups
            .into_iter()
            .find(|g| g.slug == "messagerie")
            .expect("group")
            .members
    };
    assert_eq!(villes(&w.db), ["Berre"]);
    w.must(ADMIN, "!organisation accepter @zoe:example.test");
    assert_eq!(villes(&w.db), ["Berre", "Vitrolles"]);
}

#[test]
fn three_new_organisations_do_not_make_a_quorum_without_an_admin() {
    let mut w = World::new(ctx()).typing_from(room(false));
    for (who, org) in [
        ("@sock1:example.test", "Alpha"),
        ("@sock2:example.test", "Beta"),
        ("@sock3:example.test", "Gamma"),
    ] {
        let reply = w.must(who, &format!("!moi organisation {org}"));
        assert!(reply.contains("un administrateur"), "{reply}");
    }
    w.refused(
        "@sock1:example.test",
        "!groupe proposer faux « Faux groupe »",
    );
    // Each accepting the others: none of them is confirmed anywhere.
    let reply = w.refused(
        "@sock2:example.test",
        "!organisation accepter @sock1:example.test",
    );
    assert!(
        reply.contains("réservé aux administrateurs et aux membres confirmés"),
        "{reply}"
    );
    // An admin's proposal, then their supports: still one support.
    w.must(ADMIN, "!moi organisation Delta");
    w.must(ADMIN, "!groupe proposer vrai « Vrai groupe »");
    for who in ["@sock2:example.test", "@sock3:example.test"] {
        w.refused(who, "!groupe soutenir vrai");
    }
    let e = w.export();
    let g = e.groups.iter().find(|g| g.slug == "vrai").expect("group");
    assert_eq!((g.status.as_str(), g.supporters.len()), ("proposed", 1));
    // Once an admin accepts two of them, the quorum is reached.
    w.must(ADMIN, "!organisation accepter @sock2:example.test");
    w.must(ADMIN, "!organisation accepter @sock3:example.test");
    w.must("@sock2:example.test", "!groupe soutenir vrai");
    let reply = w.must("@sock3:example.test", "!groupe soutenir vrai");
    assert!(reply.contains("Quorum atteint (3/3)"), "{reply}");
}

#[test]
fn an_address_in_a_recorded_domain_confirms_at_once() {
    let mut w = berre();
    // Anne declares Arles, pending.
    let reply = w.must("@anne:example.test", "!moi organisation Arles");
    assert!(
        reply.contains("vous vous déclarez membre d'Arles"),
        "{reply}"
    );
    w.refused(
        "@bob:example.test",
        "!organisation domaine Arles ville-arles.fr",
    );
    let reply = w.must(ADMIN, "!organisation domaine Arles ville-arles.fr");
    assert!(
        reply.contains("Domaine ville-arles.fr enregistré pour Arles"),
        "{reply}"
    );
    // She links her address at the town hall: confirmed.
    w.must("@anne:example.test", "!moi lier anne@mairie.ville-arles.fr");
    let code = code_for(&w.db, "anne@mairie.ville-arles.fr");
    let reply = w.must("@anne:example.test", &format!("!moi confirmer {code}"));
    assert!(
        reply.contains(
            "Votre appartenance à Arles est confirmée : l'adresse est du domaine ville-arles.fr"
        ),
        "{reply}"
    );
    // A Matrix ID of the domain is confirmed as it declares.
    let reply = w.must("@paul:ville-arles.fr", "!moi organisation Arles");
    assert!(
        reply.contains("Confirmé : votre identité est du domaine ville-arles.fr"),
        "{reply}"
    );
    let reply = w.must("@paul:ville-arles.fr", "!moi");
    assert!(reply.contains("Arles (membre confirmé)"), "{reply}");
    // A domain is one organisation's.
    let reply = w.refused(ADMIN, "!organisation domaine Berre ville-arles.fr");
    assert!(reply.contains("déjà celui d'Arles"), "{reply}");
    let reply = w.must(ADMIN, "!organisation membres Arles");
    assert!(
        reply.contains("Membres confirmés (2) : anne, paul"),
        "{reply}"
    );
    assert!(reply.contains("Domaines : ville-arles.fr"), "{reply}");
}

/// The code mailed to `address`, read from the outbox.
fn code_for(db: &Database, address: &str) -> String {
    db.pending(
        Channel::EMAIL,
        Timestamp::from_second(NOW).expect("ts"),
        100,
    )
    .expect("pending")
    .into_iter()
    .find_map(|i| match i.action {
        Action::SendMail { to, text, .. } if to == address => text
            .lines()
            .find(|l| l.contains("moi confirmer"))
            .and_then(|l| l.split_whitespace().last())
            .map(str::to_string),
        _ => None,
    })
    .expect("the code mail")
}

#[test]
fn those_who_can_confirm_are_mailed_once_per_request() {
    let mut w = berre();
    // Bob (Berre, confirmed) has a linked address; the admin is a Matrix ID
    // without one.
    w.must("@bob:example.test", "!moi lier bob@berre.example");
    let code = code_for(&w.db, "bob@berre.example");
    w.must("@bob:example.test", &format!("!moi confirmer {code}"));
    let mails_to_bob = |db: &Database| {
        db.pending(Channel::EMAIL, Timestamp::from_second(NOW).expect("ts"), 100)
            .expect("pending")
            .into_iter()
            .filter(|i| {
                matches!(&i.action, Action::SendMail { to, subject, .. }
                    if to == "bob@berre.example" && subject.contains("demande à être membre de Berre"))
            })
            .count()
    };
    let reply = w.must("@newcomer:example.test", "!moi organisation Berre");
    assert!(
        reply.contains("!organisation accepter @newcomer:example.test"),
        "{reply}"
    );
    assert_eq!(mails_to_bob(&w.db), 1);
    // Asking again changes nothing and mails no one.
    w.refused("@newcomer:example.test", "!moi organisation Berre");
    assert_eq!(mails_to_bob(&w.db), 1);
}

#[test]
fn absence_reasons_go_to_the_organiser_and_the_person_in_private() {
    let mut w = berre();
    w.must("@carol:example.test", "!moi organisation Berre");
    w.must(
        "@bob:example.test",
        "!organisation accepter @carol:example.test",
    );
    w.must("@victor:example.test", "!moi organisation Vitrolles");
    w.must(ADMIN, "!organisation accepter @victor:example.test");
    for who in ["@carol:example.test", "@victor:example.test"] {
        w.must(who, "!groupe rejoindre messagerie");
    }
    w.must(
        "@bob:example.test",
        "!reunion creer « Point » 2026-12-10 14:00 groupe messagerie",
    );
    w.must("@victor:example.test", "!excuse 1 « chez le dentiste »");
    w.must("@carol:example.test", "!present 1");
    let presences = |w: &mut World, who: &str, direct: bool| {
        w.say_from(who, "!reunion presences 1", room(direct)).0
    };
    // Bob, of the lead (Berre), in a direct room: the reason.
    let reply = presences(&mut w, "@bob:example.test", true);
    assert!(
        reply.contains("• Vitrolles : victor (chez le dentiste)"),
        "{reply}"
    );
    // The same in a shared room: not there, and why.
    let reply = presences(&mut w, "@bob:example.test", false);
    assert!(
        !reply.contains("dentiste") && reply.contains("ne sont donnés qu'en privé"),
        "{reply}"
    );
    // Carol, of another organisation than Vitrolles but Berre's: yes.
    let reply = presences(&mut w, "@carol:example.test", true);
    assert!(reply.contains("dentiste"), "{reply}");
    // Victor sees his own; a confirmed member of another organisation does
    // not see anyone's.
    let reply = presences(&mut w, "@victor:example.test", true);
    assert!(reply.contains("victor (chez le dentiste)"), "{reply}");
    w.must("@olga:example.test", "!moi organisation Ouest Provence");
    w.must(ADMIN, "!organisation accepter @olga:example.test");
    let reply = presences(&mut w, "@olga:example.test", true);
    assert!(
        reply.contains("• Vitrolles : victor\n") && !reply.contains("dentiste"),
        "{reply}"
    );
    // Someone not confirmed anywhere sees organisations, not names.
    w.must("@zoe:example.test", "!moi organisation Istres");
    let reply = presences(&mut w, "@zoe:example.test", true);
    assert!(
        reply.contains("• Vitrolles : 1") && !reply.contains("victor"),
        "{reply}"
    );
    assert!(
        reply.contains("Les noms sont montrés aux membres confirmés"),
        "{reply}"
    );
}

#[test]
fn a_foreign_or_unconfirmed_reader_gets_counts_not_names() {
    let mut w = berre();
    let reply = w.must("@zoe:example.test", "!organisation membres Berre");
    assert!(
        reply.contains("1 membre confirmé") && !reply.contains("bob"),
        "{reply}"
    );
    let reply = w.must("@bob:example.test", "!groupe info messagerie");
    assert!(reply.contains("Membres : Berre (bob)"), "{reply}");
    let reply = w.must("@zoe:example.test", "!groupe info messagerie");
    assert!(
        reply.contains("Membres : Berre\n") && !reply.contains("bob"),
        "{reply}"
    );
}

/// Alice Zyxwvut (Arles) answers two meetings and is erased: Arles's
/// counts do not change, and her name, address and Matrix ID are in
/// neither the export nor any byte of the database's files.
#[test]
fn forgetting_someone_keeps_the_counts_and_leaves_no_trace_in_the_file() {
    let dir = std::env::temp_dir().join(format!("greffier-forget-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("greffier.db");
    let mut w = World::on(Database::open(&path).expect("open"), ctx()).typing_from(room(false));
    let alice = "@azyx:example.test";
    w.must("@bob:example.test", "!moi organisation Berre");
    w.must(ADMIN, "!organisation accepter @bob:example.test");
    w.must(
        "@bob:example.test",
        "!groupe proposer messagerie « Messagerie libre »",
    );
    let req = Request {
        origin: room(false),
        sender: Identity::parse(alice).expect("id"),
        display_name: Some("Alice Zyxwvut".into()),
    };
    let (reply, kept) = world::run(&mut w.db, &ctx(), &req, "!moi organisation Arles");
    assert!(kept, "{reply}");
    w.must(ADMIN, "!organisation accepter @azyx:example.test");
    w.must(alice, "!groupe rejoindre messagerie");
    w.must(alice, "!moi lier alice.zyxwvut@arles.example");
    let code = code_for(&w.db, "alice.zyxwvut@arles.example");
    w.must(alice, &format!("!moi confirmer {code}"));
    for (n, date) in [(1, "2026-12-10"), (2, "2026-12-17")] {
        w.must(
            ADMIN,
            &format!("!reunion creer « Point {n} » {date} 14:00 groupe messagerie"),
        );
    }
    w.must(alice, "!present 1");
    w.must(alice, "!excuse 2 « Zyxwvut family wedding »");
    let counts = |db: &Database| -> Vec<Vec<(Option<String>, String)>> {
        db.export()
            .expect("export")
            .meetings
            .iter()
            .map(|m| {
                m.rsvps
                    .iter()
                    .map(|r| (r.organisation.clone(), r.status.clone()))
                    .collect()
            })
            .collect()
    };
    let before = counts(&w.db);
    assert!(format!("{before:?}").contains("excused"), "{before:?}");

    let reply = w.must(alice, "!moi oublier");
    assert!(
        reply.contains("Seront effacés : le nom « Alice Zyxwvut »")
            && reply.contains("!moi oublier confirmer"),
        "{reply}"
    );
    assert!(w.export().people.iter().any(|p| p.name == "Alice Zyxwvut"));
    let reply = w.must(alice, "!moi oublier confirmer");
    assert!(
        reply.contains("ses réponses à 2 réunions restent sous « ancien membre (Arles) »"),
        "{reply}"
    );

    assert_eq!(counts(&w.db), before, "the answers by organisation stay");
    let json = serde_json::to_string(&w.export()).expect("json");
    for trace in ["Zyxwvut", "zyxwvut", "azyx"] {
        assert!(!json.contains(trace), "{trace} in the export: {json}");
    }
    assert!(json.contains("ancien membre"), "{json}");
    // Committed and checkpointed: the file as it is on disk now.
    for file in ["greffier.db", "greffier.db-wal"] {
        let Ok(bytes) = std::fs::read(dir.join(file)) else {
            continue;
        };
        for trace in ["Zyxwvut", "zyxwvut", "azyx"] {
            assert!(
                !bytes.windows(trace.len()).any(|w| w == trace.as_bytes()),
                "{trace} in {file}"
            );
        }
    }
    // The same person is a stranger now.
    let (reply, _) = w.say(alice, "!moi");
    assert!(reply.contains("Je ne vous connais pas encore"), "{reply}");
    drop(w);
    let _ = std::fs::remove_dir_all(&dir);
}
