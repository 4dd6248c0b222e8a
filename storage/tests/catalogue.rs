//! The catalogue (real SQLite, the commands as typed): which organisation
//! runs which free software, who may say so, and what the overall digest
//! makes of it.

mod common;

use greffier_commands::{Context, Origin};
use greffier_storage::{Database, Export};

const ADMIN: &str = "@admin:example.test";
const BERRE: &str = "@bob:example.test";
const ISTRES: &str = "@ines:example.test";

fn ctx() -> Context {
    common::context(ADMIN)
}

fn say(db: &mut Database, who: &str, line: &str) -> (String, bool) {
    common::say_as(db, &ctx(), Origin::Console, who, line)
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

/// Bob of Berre and Inès of Istres, confirmed; the group OpenElec.
fn world() -> Database {
    let mut db = Database::open_in_memory().expect("db");
    for (who, org) in [(BERRE, "Berre"), (ISTRES, "Istres")] {
        must(&mut db, who, &format!("!moi organisation {org}"));
        must(&mut db, ADMIN, &format!("!organisation accepter {who}"));
    }
    must(&mut db, ADMIN, "!moi organisation Arles");
    must(&mut db, ADMIN, "!groupe proposer openelec « OpenElec »");
    db
}

#[test]
fn members_record_what_their_organisation_runs_and_anyone_reads_it() {
    let mut db = world();
    let reply = must(
        &mut db,
        BERRE,
        "!logiciel ajouter OpenOffice statut projet note « migration »",
    );
    assert_eq!(
        reply,
        "C'est noté : Berre — OpenOffice, en projet. (nouveau logiciel au catalogue)"
    );
    // The same software, written otherwise.
    let reply = must(&mut db, ISTRES, "!logiciel ajouter openoffice.org");
    assert!(
        reply.starts_with("C'est noté : Istres — OpenOffice, en production.")
            && reply.contains("1 autre(s) organisation(s) l'utilisent"),
        "{reply}"
    );
    let reply = refused(&mut db, ISTRES, "!software add Open Office");
    assert!(reply.contains("C'est déjà noté"), "{reply}");
    // Tied to its group by name; the group's info says who runs it.
    must(&mut db, ISTRES, "!logiciel ajouter OpenElec");
    let reply = must(&mut db, BERRE, "!groupe info openelec");
    assert!(
        reply.contains("Logiciel OpenElec — en production : Istres"),
        "{reply}"
    );

    let reply = must(
        &mut db,
        "@someone:example.test",
        "!logiciel qui open office",
    );
    assert_eq!(
        reply,
        "OpenOffice — aucun groupe de travail\n• en production : Istres\n• en projet : Berre (migration)"
    );
    let reply = must(&mut db, BERRE, "!logiciel qui openelec");
    assert!(
        reply.starts_with("OpenElec — groupe de travail : OpenElec (openelec)"),
        "{reply}"
    );
    let reply = must(&mut db, BERRE, "!logiciel liste");
    assert_eq!(
        reply,
        "Catalogue (2 logiciels) :\n• OpenElec — 1 organisation(s)\n• OpenOffice — 2 organisation(s)"
    );
    let reply = must(&mut db, BERRE, "!logiciel liste Berre");
    assert_eq!(
        reply,
        "Logiciels de Berre (1) :\n• OpenOffice — en projet (migration)"
    );
    let reply = must(&mut db, BERRE, "!logiciel retirer OpenOffice");
    assert_eq!(reply, "C'est noté : Berre n'utilise plus OpenOffice.");
    refused(&mut db, BERRE, "!logiciel retirer OpenOffice");
    let reply = must(&mut db, BERRE, "!logiciel liste Berre");
    assert!(reply.starts_with("Aucun logiciel déclaré"), "{reply}");

    let e = export(&db);
    let names: Vec<(&str, Option<&str>, usize)> = e
        .software
        .iter()
        .map(|s| (s.name.as_str(), s.group.as_deref(), s.users.len()))
        .collect();
    assert_eq!(
        names,
        [("OpenElec", Some("openelec"), 1), ("OpenOffice", None, 1)]
    );
}

#[test]
fn a_misspelt_software_gets_a_suggestion_and_new_forces_it() {
    let mut db = world();
    must(&mut db, BERRE, "!logiciel ajouter « OCS Inventory »");
    let reply = refused(&mut db, ISTRES, "!logiciel ajouter osc inventory");
    assert!(
        reply
            .contains("Logiciel inconnu « osc inventory » — vouliez-vous dire « OCS Inventory » ?")
            && reply.contains("!logiciel ajouter osc inventory nouveau"),
        "{reply}"
    );
    let reply = refused(&mut db, ISTRES, "!logiciel qui ocs inventori");
    assert!(
        reply.contains("vouliez-vous dire « OCS Inventory »"),
        "{reply}"
    );
    must(&mut db, ISTRES, "!logiciel ajouter osc inventory nouveau");
    assert_eq!(export(&db).software.len(), 2);
    let reply = refused(&mut db, ISTRES, "!logiciel ajouter Koha statut bientot");
    assert!(reply.contains("statut inconnu « bientot »"), "{reply}");
}

#[test]
fn a_pending_member_or_another_organisation_cannot_speak_for_it() {
    let mut db = world();
    must(&mut db, "@new:example.test", "!moi organisation Berre");
    let reply = refused(&mut db, "@new:example.test", "!logiciel ajouter Koha");
    assert!(
        reply.contains("votre appartenance à Berre attend confirmation"),
        "{reply}"
    );
    let reply = refused(&mut db, ISTRES, "!logiciel ajouter Koha pour Berre");
    assert!(reply.contains("seul un administrateur"), "{reply}");
    let reply = must(&mut db, ADMIN, "!logiciel ajouter Koha pour Berre");
    assert!(
        reply.starts_with("C'est noté : Berre — Koha, en production."),
        "{reply}"
    );
}

#[test]
fn the_overall_digest_lists_what_several_run_without_a_group() {
    let mut db = world();
    must(
        &mut db,
        BERRE,
        "!logiciel ajouter OpenOffice statut projet note « migration »",
    );
    must(&mut db, ISTRES, "!logiciel ajouter OpenOffice");
    must(&mut db, ISTRES, "!logiciel ajouter OpenElec");
    must(&mut db, BERRE, "!logiciel ajouter OpenElec statut etude");
    must(&mut db, BERRE, "!logiciel ajouter SPIP");
    let ctx = ctx();
    let digest = db
        .write(ctx.now, |tx| {
            Ok(greffier_commands::digest::overall_digest(tx, &ctx)?)
        })
        .expect("digest");
    assert!(
        digest.plain.contains(
            "À mutualiser : logiciels utilisés par plusieurs organisations, sans groupe de travail :\n\
             • OpenOffice : Berre (migration), Istres — aucun groupe de travail\n  \
             !groupe proposer openoffice « OpenOffice »"
        ),
        "{}",
        digest.plain
    );
    // OpenElec has its group; SPIP one organisation.
    assert!(
        !digest.plain.contains("OpenElec :") && !digest.plain.contains("SPIP"),
        "{}",
        digest.plain
    );
    assert!(
        digest
            .html
            .contains("<li>OpenOffice : Berre (migration), Istres"),
        "{}",
        digest.html
    );
}
