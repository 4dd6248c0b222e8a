//! Who speaks for an organisation (real SQLite, the commands as typed): a
//! declared organisation is pending until an admin, a confirmed member or
//! one of its domains confirms it; absence reasons and names are shown to
//! those who need them; an erased person leaves no trace but their answers.

mod common;

use greffier_commands::store::Identity;
use greffier_commands::{Action, Channel, Context, Origin, Request};
use greffier_storage::{Database, Export};
use jiff::Timestamp;

use common::NOW;
const ADMIN: &str = "@admin:example.test";

fn ctx() -> Context {
    common::context(ADMIN)
}

fn say_from(db: &mut Database, who: &str, line: &str, origin: Origin) -> (String, bool) {
    common::say_as(db, &ctx(), origin, who, line)
}

/// In a shared room.
fn say(db: &mut Database, who: &str, line: &str) -> (String, bool) {
    say_from(db, who, line, room(false))
}

fn room(direct: bool) -> Origin {
    Origin::Matrix {
        room: "!salon:example.test".into(),
        event: Some("$e".into()),
        direct,
    }
}

fn must(db: &mut Database, who: &str, line: &str) -> String {
    common::kept(say(db, who, line), who, line)
}

fn refused(db: &mut Database, who: &str, line: &str) -> String {
    common::refused(db, |db| say(db, who, line), line)
}

fn export(db: &Database) -> Export {
    db.export().expect("export")
}

/// Berre (Bob, confirmed) proposed "messagerie" and leads it.
fn berre() -> Database {
    let mut db = Database::open_in_memory().expect("db");
    must(&mut db, "@bob:example.test", "!moi organisation Berre");
    must(&mut db, ADMIN, "!organisation accepter @bob:example.test");
    must(
        &mut db,
        "@bob:example.test",
        "!groupe proposer messagerie « Messagerie libre »",
    );
    db
}

#[test]
fn a_newcomer_acts_for_their_organisation_once_a_member_accepts_them() {
    let mut db = berre();
    must(&mut db, "@zoe:example.test", "!moi organisation Arles");
    must(&mut db, "@anne:example.test", "!moi organisation Arles");
    must(&mut db, ADMIN, "!organisation accepter @anne:example.test");
    must(
        &mut db,
        ADMIN,
        "!reunion creer « Point » 2026-12-10 14:00 groupe messagerie",
    );
    // A newcomer claims Berre's rights by declaring Berre: refused until
    // accepted; joining as a person is not.
    must(&mut db, "@newcomer:example.test", "!moi organisation Berre");
    must(
        &mut db,
        "@newcomer:example.test",
        "!groupe rejoindre messagerie",
    );
    let why = "votre appartenance à Berre attend confirmation ; un membre confirmé de Berre ou un administrateur peut la confirmer";
    for line in [
        "!groupe chef messagerie Arles",
        "!projet statut messagerie « En production »",
        "!reunion annuler 1",
        "!groupe proposer vehicules « Gestion des véhicules »",
    ] {
        let reply = refused(&mut db, "@newcomer:example.test", line);
        assert!(reply.contains(why), "{line} → {reply}");
    }
    // Arles's member cannot accept someone of Berre; Berre's can.
    let reply = refused(
        &mut db,
        "@anne:example.test",
        "!organisation accepter @newcomer:example.test",
    );
    assert!(reply.contains("membres confirmés de Berre"), "{reply}");
    must(
        &mut db,
        "@bob:example.test",
        "!organisation accepter newcomer",
    );
    must(
        &mut db,
        "@newcomer:example.test",
        "!projet statut messagerie « En production »",
    );
    must(&mut db, "@newcomer:example.test", "!reunion annuler 1");
    must(
        &mut db,
        "@newcomer:example.test",
        "!groupe chef messagerie Arles",
    );
    // And supporting a proposal in Berre's name.
    must(
        &mut db,
        "@anne:example.test",
        "!groupe proposer courrier « Courrier »",
    );
    let reply = must(
        &mut db,
        "@newcomer:example.test",
        "!groupe soutenir courrier",
    );
    assert!(reply.contains("Berre soutient"), "{reply}");
}

/// Issue 34, case 7: after an admin's `!organisation refuser`, a confirmed
/// member of the organisation cannot confirm the refused person; an admin
/// can.
#[test]
fn only_an_admin_overturns_a_refusal() {
    let mut db = berre();
    must(&mut db, "@x:example.test", "!moi organisation Berre");
    must(&mut db, ADMIN, "!organisation refuser @x:example.test");
    let reply = refused(
        &mut db,
        "@bob:example.test",
        "!organisation accepter @x:example.test",
    );
    assert_eq!(
        reply,
        "Refusé : réservé aux administrateurs de revenir sur un refus."
    );
    let reply = must(&mut db, ADMIN, "!organisation accepter @x:example.test");
    assert!(reply.contains("membre confirmé(e) de Berre"), "{reply}");
    // A pending request is still the members' to decide.
    must(&mut db, "@y:example.test", "!moi organisation Berre");
    must(
        &mut db,
        "@bob:example.test",
        "!organisation accepter @y:example.test",
    );
}

#[test]
fn what_a_pending_member_joined_counts_for_the_organisation_once_confirmed() {
    let mut db = berre();
    must(&mut db, "@zoe:example.test", "!moi organisation Vitrolles");
    let reply = must(&mut db, "@zoe:example.test", "!groupe rejoindre messagerie");
    assert!(
        reply.contains(
            "Vitrolles en deviendra membre quand votre appartenance à Vitrolles sera confirmée"
        ),
        "{reply}"
    );
    let villes = |db: &Database| {
        export(db)
            .groups
            .into_iter()
            .find(|g| g.slug == "messagerie")
            .expect("group")
            .members
    };
    assert_eq!(villes(&db), ["Berre"]);
    must(&mut db, ADMIN, "!organisation accepter @zoe:example.test");
    assert_eq!(villes(&db), ["Berre", "Vitrolles"]);
}

#[test]
fn three_new_organisations_do_not_make_a_quorum_without_an_admin() {
    let mut db = Database::open_in_memory().expect("db");
    for (who, org) in [
        ("@sock1:example.test", "Alpha"),
        ("@sock2:example.test", "Beta"),
        ("@sock3:example.test", "Gamma"),
    ] {
        let reply = must(&mut db, who, &format!("!moi organisation {org}"));
        assert!(reply.contains("un administrateur"), "{reply}");
    }
    refused(
        &mut db,
        "@sock1:example.test",
        "!groupe proposer faux « Faux groupe »",
    );
    // Each accepting the others: none of them is confirmed anywhere.
    let reply = refused(
        &mut db,
        "@sock2:example.test",
        "!organisation accepter @sock1:example.test",
    );
    assert!(
        reply.contains("réservé aux administrateurs et aux membres confirmés"),
        "{reply}"
    );
    // An admin's proposal, then their supports: still one support.
    must(&mut db, ADMIN, "!moi organisation Delta");
    must(&mut db, ADMIN, "!groupe proposer vrai « Vrai groupe »");
    for who in ["@sock2:example.test", "@sock3:example.test"] {
        refused(&mut db, who, "!groupe soutenir vrai");
    }
    let e = export(&db);
    let g = e.groups.iter().find(|g| g.slug == "vrai").expect("group");
    assert_eq!((g.status.as_str(), g.supporters.len()), ("proposed", 1));
    // Once an admin accepts two of them, the quorum is reached.
    must(&mut db, ADMIN, "!organisation accepter @sock2:example.test");
    must(&mut db, ADMIN, "!organisation accepter @sock3:example.test");
    must(&mut db, "@sock2:example.test", "!groupe soutenir vrai");
    let reply = must(&mut db, "@sock3:example.test", "!groupe soutenir vrai");
    assert!(reply.contains("Quorum atteint (3/3)"), "{reply}");
}

#[test]
fn an_address_in_a_recorded_domain_confirms_at_once() {
    let mut db = berre();
    // Anne declares Arles, pending.
    let reply = must(&mut db, "@anne:example.test", "!moi organisation Arles");
    assert!(
        reply.contains("vous vous déclarez membre de Arles"),
        "{reply}"
    );
    refused(
        &mut db,
        "@bob:example.test",
        "!organisation domaine Arles ville-arles.fr",
    );
    let reply = must(&mut db, ADMIN, "!organisation domaine Arles ville-arles.fr");
    assert!(
        reply.contains("Domaine ville-arles.fr enregistré pour Arles"),
        "{reply}"
    );
    // She links her address at the town hall: confirmed.
    must(
        &mut db,
        "@anne:example.test",
        "!moi lier anne@mairie.ville-arles.fr",
    );
    let code = code_for(&db, "anne@mairie.ville-arles.fr");
    let reply = must(
        &mut db,
        "@anne:example.test",
        &format!("!moi confirmer {code}"),
    );
    assert!(
        reply.contains(
            "Votre appartenance à Arles est confirmée : l'adresse est du domaine ville-arles.fr"
        ),
        "{reply}"
    );
    // A Matrix ID of the domain is confirmed as it declares.
    let reply = must(&mut db, "@paul:ville-arles.fr", "!moi organisation Arles");
    assert!(
        reply.contains("Confirmé : votre identité est du domaine ville-arles.fr"),
        "{reply}"
    );
    let reply = must(&mut db, "@paul:ville-arles.fr", "!moi");
    assert!(reply.contains("Arles (membre confirmé)"), "{reply}");
    // A domain is one organisation's.
    let reply = refused(&mut db, ADMIN, "!organisation domaine Berre ville-arles.fr");
    assert!(reply.contains("déjà celui de Arles"), "{reply}");
    let reply = must(&mut db, ADMIN, "!organisation membres Arles");
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
    let mut db = berre();
    // Bob (Berre, confirmed) has a linked address; the admin is a Matrix ID
    // without one.
    must(&mut db, "@bob:example.test", "!moi lier bob@berre.example");
    let code = code_for(&db, "bob@berre.example");
    must(
        &mut db,
        "@bob:example.test",
        &format!("!moi confirmer {code}"),
    );
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
    let reply = must(&mut db, "@newcomer:example.test", "!moi organisation Berre");
    assert!(
        reply.contains("!organisation accepter @newcomer:example.test"),
        "{reply}"
    );
    assert_eq!(mails_to_bob(&db), 1);
    // Asking again changes nothing and mails no one.
    refused(&mut db, "@newcomer:example.test", "!moi organisation Berre");
    assert_eq!(mails_to_bob(&db), 1);
}

#[test]
fn absence_reasons_go_to_the_organiser_and_the_person_in_private() {
    let mut db = berre();
    must(&mut db, "@carol:example.test", "!moi organisation Berre");
    must(
        &mut db,
        "@bob:example.test",
        "!organisation accepter @carol:example.test",
    );
    must(
        &mut db,
        "@victor:example.test",
        "!moi organisation Vitrolles",
    );
    must(
        &mut db,
        ADMIN,
        "!organisation accepter @victor:example.test",
    );
    for who in ["@carol:example.test", "@victor:example.test"] {
        must(&mut db, who, "!groupe rejoindre messagerie");
    }
    must(
        &mut db,
        "@bob:example.test",
        "!reunion creer « Point » 2026-12-10 14:00 groupe messagerie",
    );
    must(
        &mut db,
        "@victor:example.test",
        "!excuse 1 « chez le dentiste »",
    );
    must(&mut db, "@carol:example.test", "!present 1");
    let presences = |db: &mut Database, who: &str, direct: bool| {
        say_from(db, who, "!reunion presences 1", room(direct)).0
    };
    // Bob, of the lead (Berre), in a direct room: the reason.
    let reply = presences(&mut db, "@bob:example.test", true);
    assert!(
        reply.contains("• Vitrolles : victor (chez le dentiste)"),
        "{reply}"
    );
    // The same in a shared room: not there, and why.
    let reply = presences(&mut db, "@bob:example.test", false);
    assert!(
        !reply.contains("dentiste") && reply.contains("ne sont donnés qu'en privé"),
        "{reply}"
    );
    // Carol, of another organisation than Vitrolles but Berre's: yes.
    let reply = presences(&mut db, "@carol:example.test", true);
    assert!(reply.contains("dentiste"), "{reply}");
    // Victor sees his own; a confirmed member of another organisation does
    // not see anyone's.
    let reply = presences(&mut db, "@victor:example.test", true);
    assert!(reply.contains("victor (chez le dentiste)"), "{reply}");
    must(
        &mut db,
        "@olga:example.test",
        "!moi organisation Ouest Provence",
    );
    must(&mut db, ADMIN, "!organisation accepter @olga:example.test");
    let reply = presences(&mut db, "@olga:example.test", true);
    assert!(
        reply.contains("• Vitrolles : victor\n") && !reply.contains("dentiste"),
        "{reply}"
    );
    // Someone not confirmed anywhere sees organisations, not names.
    must(&mut db, "@zoe:example.test", "!moi organisation Istres");
    let reply = presences(&mut db, "@zoe:example.test", true);
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
    let mut db = berre();
    let reply = must(&mut db, "@zoe:example.test", "!organisation membres Berre");
    assert!(
        reply.contains("1 membre(s) confirmé(s)") && !reply.contains("bob"),
        "{reply}"
    );
    let reply = must(&mut db, "@bob:example.test", "!groupe info messagerie");
    assert!(reply.contains("Membres : Berre (bob)"), "{reply}");
    let reply = must(&mut db, "@zoe:example.test", "!groupe info messagerie");
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
    let mut db = Database::open(&path).expect("open");
    let alice = "@azyx:example.test";
    must(&mut db, "@bob:example.test", "!moi organisation Berre");
    must(&mut db, ADMIN, "!organisation accepter @bob:example.test");
    must(
        &mut db,
        "@bob:example.test",
        "!groupe proposer messagerie « Messagerie libre »",
    );
    let req = Request {
        origin: room(false),
        sender: Identity::parse(alice).expect("id"),
        display_name: Some("Alice Zyxwvut".into()),
    };
    let (reply, kept) = common::run(&mut db, &ctx(), &req, "!moi organisation Arles");
    assert!(kept, "{reply}");
    must(&mut db, ADMIN, "!organisation accepter @azyx:example.test");
    must(&mut db, alice, "!groupe rejoindre messagerie");
    must(&mut db, alice, "!moi lier alice.zyxwvut@arles.example");
    let code = code_for(&db, "alice.zyxwvut@arles.example");
    must(&mut db, alice, &format!("!moi confirmer {code}"));
    for (n, date) in [(1, "2026-12-10"), (2, "2026-12-17")] {
        must(
            &mut db,
            ADMIN,
            &format!("!reunion creer « Point {n} » {date} 14:00 groupe messagerie"),
        );
    }
    must(&mut db, alice, "!present 1");
    must(&mut db, alice, "!excuse 2 « Zyxwvut family wedding »");
    let counts = |db: &Database| -> Vec<Vec<(Option<String>, String)>> {
        export(db)
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
    let before = counts(&db);
    assert!(format!("{before:?}").contains("excused"), "{before:?}");

    let reply = must(&mut db, alice, "!moi oublier");
    assert!(
        reply.contains("Seront effacés : le nom « Alice Zyxwvut »")
            && reply.contains("!moi oublier confirmer"),
        "{reply}"
    );
    assert!(export(&db).people.iter().any(|p| p.name == "Alice Zyxwvut"));
    let reply = must(&mut db, alice, "!moi oublier confirmer");
    assert!(
        reply.contains("ses réponses à 2 réunion(s) restent sous « ancien membre (Arles) »"),
        "{reply}"
    );

    assert_eq!(counts(&db), before, "the answers by organisation stay");
    let json = serde_json::to_string(&export(&db)).expect("json");
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
    let (reply, _) = say(&mut db, alice, "!moi");
    assert!(reply.contains("Je ne vous connais pas encore"), "{reply}");
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}
