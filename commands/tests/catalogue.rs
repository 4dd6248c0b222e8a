//! The catalogue (real SQLite, the commands as typed): which organisation
//! runs which free software, who may say so, and what the overall digest
//! makes of it.

mod world;

use world::World;

use greffier_commands::Context;

const ADMIN: &str = "@admin:example.test";
const BERRE: &str = "@bob:example.test";
const ISTRES: &str = "@ines:example.test";

fn ctx() -> Context {
    world::context(ADMIN)
}

/// Bob of Berre and Inès of Istres, confirmed; the group OpenElec.
fn world() -> World {
    let mut w = World::new(ctx());
    for (who, org) in [(BERRE, "Berre"), (ISTRES, "Istres")] {
        w.must(who, &format!("!moi organisation {org}"));
        w.must(ADMIN, &format!("!organisation accepter {who}"));
    }
    w.must(ADMIN, "!moi organisation Arles");
    w.must(ADMIN, "!groupe proposer openelec « OpenElec »");
    w
}

#[test]
fn members_record_what_their_organisation_runs_and_anyone_reads_it() {
    let mut w = world();
    let reply = w.must(
        BERRE,
        "!logiciel ajouter OpenOffice statut projet note « migration »",
    );
    assert_eq!(
        reply,
        "C'est noté : Berre — OpenOffice, en projet. (nouveau logiciel au catalogue)"
    );
    // The same software, written otherwise.
    let reply = w.must(ISTRES, "!logiciel ajouter openoffice.org");
    assert!(
        reply.starts_with("C'est noté : Istres — OpenOffice, en production.")
            && reply.contains("1 autre organisation l'utilise"),
        "{reply}"
    );
    let reply = w.refused(ISTRES, "!software add Open Office");
    assert!(reply.contains("C'est déjà noté"), "{reply}");
    // Tied to its group by name; the group's info says who runs it.
    w.must(ISTRES, "!logiciel ajouter OpenElec");
    let reply = w.must(BERRE, "!groupe info openelec");
    assert!(
        reply.contains("Logiciel OpenElec — en production : Istres"),
        "{reply}"
    );

    let reply = w.must("@someone:example.test", "!logiciel qui open office");
    assert_eq!(
        reply,
        "OpenOffice — aucun groupe de travail\n• en production : Istres\n• en projet : Berre (migration)"
    );
    let reply = w.must(BERRE, "!logiciel qui openelec");
    assert!(
        reply.starts_with("OpenElec — groupe de travail : OpenElec (openelec)"),
        "{reply}"
    );
    let reply = w.must(BERRE, "!logiciel liste");
    assert_eq!(
        reply,
        "Catalogue (2 logiciels) :\n• OpenElec — 1 organisation\n• OpenOffice — 2 organisations"
    );
    let reply = w.must(BERRE, "!logiciel liste Berre");
    assert_eq!(
        reply,
        "Logiciels de Berre (1) :\n• OpenOffice — en projet (migration)"
    );
    let reply = w.must(BERRE, "!logiciel retirer OpenOffice");
    assert_eq!(reply, "C'est noté : Berre n'utilise plus OpenOffice.");
    w.refused(BERRE, "!logiciel retirer OpenOffice");
    let reply = w.must(BERRE, "!logiciel liste Berre");
    assert!(reply.starts_with("Aucun logiciel déclaré"), "{reply}");

    let e = w.export();
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
    let mut w = world();
    w.must(BERRE, "!logiciel ajouter « OCS Inventory »");
    let reply = w.refused(ISTRES, "!logiciel ajouter osc inventory");
    assert!(
        reply
            .contains("Logiciel inconnu « osc inventory » — vouliez-vous dire « OCS Inventory » ?")
            && reply.contains("!logiciel ajouter osc inventory nouveau"),
        "{reply}"
    );
    let reply = w.refused(ISTRES, "!logiciel qui ocs inventori");
    assert!(
        reply.contains("vouliez-vous dire « OCS Inventory »"),
        "{reply}"
    );
    w.must(ISTRES, "!logiciel ajouter osc inventory nouveau");
    assert_eq!(w.export().software.len(), 2);
    let reply = w.refused(ISTRES, "!logiciel ajouter Koha statut bientot");
    assert!(reply.contains("statut inconnu « bientot »"), "{reply}");
}

#[test]
fn a_pending_member_or_another_organisation_cannot_speak_for_it() {
    let mut w = world();
    w.must("@new:example.test", "!moi organisation Berre");
    let reply = w.refused("@new:example.test", "!logiciel ajouter Koha");
    assert!(
        reply.contains("votre appartenance à Berre attend confirmation"),
        "{reply}"
    );
    let reply = w.refused(ISTRES, "!logiciel ajouter Koha pour Berre");
    assert!(reply.contains("seul un administrateur"), "{reply}");
    let reply = w.must(ADMIN, "!logiciel ajouter Koha pour Berre");
    assert!(
        reply.starts_with("C'est noté : Berre — Koha, en production."),
        "{reply}"
    );
}

#[test]
fn the_overall_digest_lists_what_several_run_without_a_group() {
    let mut w = world();
    w.must(
        BERRE,
        "!logiciel ajouter OpenOffice statut projet note « migration »",
    );
    w.must(ISTRES, "!logiciel ajouter OpenOffice");
    w.must(ISTRES, "!logiciel ajouter OpenElec");
    w.must(BERRE, "!logiciel ajouter OpenElec statut etude");
    w.must(BERRE, "!logiciel ajouter SPIP");
    let ctx = ctx();
    let digest =
        w.db.write(ctx.now, |tx| {
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
