//! The compte rendu of record (real SQLite, the commands as typed): who
//! may approve it, what approving freezes, and a rectificatif that keeps
//! the earlier version.

mod world;

use world::World;

use greffier_commands::minutes::record::compte_rendu;
use greffier_commands::store::{MeetingId, RecordState, Records as _};

const ADMIN: &str = "@admin:example.test";
const ARLES: &str = "@arles:example.test";
const BERRE: &str = "@bob:example.test";

/// Arles proposed "messagerie" (and so leads it); meeting n°1 is the
/// group's.
fn world() -> World {
    let mut w = World::new(world::context(ADMIN));
    w.confirmed(ADMIN, &[(ARLES, "Arles"), (BERRE, "Berre")]);
    w.must(ARLES, "!groupe proposer messagerie « Messagerie libre »");
    w.must(
        ARLES,
        "!reunion creer « Atelier messagerie » 2026-11-20 14:00 groupe messagerie",
    );
    // Nobody approves the compte rendu of a meeting still to come.
    let early = w.refused(ARLES, "!compte-rendu approuver 1");
    assert_eq!(
        early,
        "La réunion n°1 n'a pas encore eu lieu : son compte rendu s'approuve après."
    );
    // A week later.
    w.ctx.now += jiff::SignedDuration::from_hours(24 * 7);
    w
}

/// The compte rendu as `greffier minutes 1` prints it.
fn minutes(w: &mut World, draft: bool) -> String {
    let tz = w.ctx.timezone.clone();
    w.db.write(w.ctx.now, |tx| {
        Ok(compte_rendu(tx, &tz, MeetingId(1), draft)?.map(|c| c.text))
    })
    .expect("read")
    .expect("meeting 1")
}

fn records(w: &mut World) -> Vec<greffier_commands::store::Record> {
    w.db.write(w.ctx.now, |tx| Ok(tx.records(MeetingId(1))?))
        .expect("records")
}

#[test]
fn only_the_organisers_and_admins_approve_and_then_the_text_is_frozen() {
    let mut w = world();
    let draft_state = w.must(BERRE, "!reunion archives");
    assert!(
        draft_state.ends_with("compte rendu : brouillon"),
        "{draft_state}"
    );
    let refused = w.refused(BERRE, "!compte-rendu approuver 1");
    assert_eq!(
        refused,
        "Refusé : réservé aux administrateurs, à l'organisation qui a organisé la réunion et au chef de projet du groupe."
    );
    assert!(records(&mut w).is_empty(), "a refusal stores nothing");
    let draft = minutes(&mut w, false);
    let reply = w.must(ARLES, "!compte-rendu approuver 1");
    assert!(
        reply.starts_with("Compte rendu de la réunion n°1 « Atelier messagerie » — vendredi 20 novembre 2026 à 14 h approuvé (version 1) : son texte est désormais figé (SHA-256 "),
        "{reply}"
    );
    let approved = records(&mut w);
    assert_eq!(approved.len(), 1);
    assert_eq!(approved[0].state, RecordState::Approuve);
    assert_eq!(approved[0].body, draft);
    assert!(approved[0].approved_by.is_some());
    // Approving the same text again changes nothing.
    let same = w.must(ADMIN, "!cr approuver 1");
    assert!(
        same.contains("déjà approuvé tel quel (version 1)"),
        "{same}"
    );
    assert_eq!(records(&mut w).len(), 1);
    // What changes afterwards in the registry no longer changes the text:
    // the group's lead, its status, the catalogue.
    w.must(ADMIN, "!groupe chef messagerie Berre");
    w.must(BERRE, "!projet statut messagerie « En recette » version 3");
    w.must(BERRE, "!logiciel ajouter Postfix statut production");
    assert_eq!(minutes(&mut w, false), draft, "the approved text");
    assert_ne!(
        minutes(&mut w, true),
        draft,
        "the draft follows the registry"
    );
}

#[test]
fn a_rectificatif_is_a_new_version_and_the_first_is_kept() {
    let mut w = world();
    w.must(ADMIN, "!compte-rendu approuver 1");
    let first = minutes(&mut w, false);
    w.must(ADMIN, "!groupe chef messagerie Berre");
    let reply = w.must(ADMIN, "!minutes approve 1");
    assert!(
        reply.starts_with("Rectificatif du compte rendu de la réunion n°1")
            && reply.contains("(version 2) ; la version 1 reste consultable, inchangée"),
        "{reply}"
    );
    let all = records(&mut w);
    assert_eq!(all.len(), 2);
    assert_eq!(
        (all[0].state, all[0].body.as_str()),
        (RecordState::Rectifie, first.as_str())
    );
    assert_eq!(all[1].state, RecordState::Approuve);
    assert_eq!(
        all[1].note.as_deref(),
        Some("rectificatif du mercredi 25 novembre 2026")
    );
    assert_eq!(minutes(&mut w, false), all[1].body);
    // The export says which version is in force and its hash.
    let export = serde_json::to_value(w.export()).expect("json");
    let record = &export["meetings"][0]["record"];
    assert_eq!(record["state"], "approuve");
    assert_eq!(record["version"], 2);
    assert_eq!(record["sha256"], all[1].sha256.as_str());
    // The archive says where each compte rendu stands.
    let archive = w.must(BERRE, "!reunion archives messagerie");
    assert_eq!(
        archive,
        "Réunions passées du groupe « Messagerie libre » :\n• n°1 « Atelier messagerie » — vendredi 20 novembre 2026 à 14 h — compte rendu : rectifié (version 2)"
    );
    let archive = w.must(BERRE, "!meeting archive");
    assert!(
        archive.starts_with("Réunions passées :\n• n°1"),
        "{archive}"
    );
    // Unknown meetings are said so.
    let missing = w.refused(ADMIN, "!compte-rendu approuver 9");
    assert!(missing.contains("pas de réunion n°9"), "{missing}");
}

/// The invitations queued for the mail.
fn invitations(w: &World) -> Vec<greffier_commands::action::Invitation> {
    w.db.pending(greffier_commands::Channel::EMAIL, w.ctx.now, 100)
        .expect("pending")
        .into_iter()
        .filter_map(|i| match i.action {
            greffier_commands::Action::SendInvitation(inv) => Some(*inv),
            _ => None,
        })
        .collect()
}

#[test]
fn the_ordre_du_jour_is_kept_in_order_and_a_change_after_invitations_is_an_update() {
    let mut w = World::new(world::context(ADMIN));
    w.confirmed(ADMIN, &[(ARLES, "Arles"), (BERRE, "Berre")]);
    w.must(ARLES, "!groupe proposer messagerie « Messagerie libre »");
    w.must(BERRE, "!groupe rejoindre messagerie");
    // Bob has an address: he gets the invitations by mail.
    w.address(BERRE, "bob@berre.example");
    // A first meeting, held and not approved: greffier proposes approving
    // its compte rendu at the next one.
    w.must(
        ARLES,
        "!reunion creer « Atelier 1 » 2026-11-20 14:00 groupe messagerie",
    );
    w.ctx.now += jiff::SignedDuration::from_hours(24 * 3);
    w.must(
        ARLES,
        "!reunion creer « Atelier 2 » 2026-12-10 14:00 groupe messagerie",
    );
    let shown = w.must(BERRE, "!reunion ordre 2");
    assert_eq!(
        shown,
        "Ordre du jour de la réunion n°2 « Atelier 2 » — jeudi 10 décembre 2026 à 14 h :\n(aucun point pour l'instant)\nProposé par le greffier :\n• Approbation du compte rendu du 20 novembre 2026 (!reunion ordre 2 ajouter « Approbation du compte rendu du 20 novembre 2026 »)"
    );
    let before = invitations(&w).len();
    // Only the lead, the organisers and admins change it.
    let refused = w.refused(BERRE, "!reunion ordre 2 ajouter « Bilan »");
    assert!(
        refused.starts_with("Refusé : réservé aux administrateurs"),
        "{refused}"
    );
    w.must(
        ARLES,
        "!reunion ordre 2 ajouter « Approbation du compte rendu du 20 novembre 2026 »",
    );
    w.must(ARLES, "!reunion ordre 2 ajouter « Bilan de la migration »");
    let reply = w.must(
        ARLES,
        "!reunion ordre 2 ajouter « Tour de table » position 1",
    );
    assert!(
        reply.starts_with("Point 1 « Tour de table » ajouté ; 1 invité prévenu par courriel."),
        "{reply}"
    );
    let reply = w.must(ADMIN, "!meeting agenda 2 move 3 2");
    assert!(
        reply.contains("Ordre du jour de la réunion n°2 « Atelier 2 » — jeudi 10 décembre 2026 à 14 h :\n1. Tour de table\n2. Bilan de la migration\n3. Approbation du compte rendu du 20 novembre 2026"),
        "{reply}"
    );
    assert!(!reply.contains("Proposé par le greffier"), "{reply}");
    let reply = w.must(ARLES, "!reunion ordre 2 retirer 1");
    assert!(
        reply.starts_with("Point 1 « Tour de table » retiré"),
        "{reply}"
    );
    // Each change went to Bob as an update: a higher SEQUENCE, the change
    // in words, the ordre du jour in the mail and in the calendar part.
    let sent = invitations(&w);
    let updates = &sent[before..];
    assert_eq!(updates.len(), 5, "{updates:#?}");
    let last = updates.last().expect("an update");
    assert_eq!(last.to, "bob@berre.example");
    assert!(last.sequence > updates[0].sequence && updates[0].sequence >= 1);
    assert!(
        last.text.contains("L'ordre du jour a changé : point 1 « Tour de table » retiré.")
            && last.text.contains("Ordre du jour :\n1. Bilan de la migration\n2. Approbation du compte rendu du 20 novembre 2026"),
        "{}",
        last.text
    );
    assert_eq!(
        last.description.as_deref(),
        Some(
            "Ordre du jour :\n1. Bilan de la migration\n2. Approbation du compte rendu du 20 novembre 2026"
        )
    );
    // The draft compte rendu and the export carry it.
    let tz = w.ctx.timezone.clone();
    let draft =
        w.db.write(w.ctx.now, |tx| {
            Ok(compte_rendu(tx, &tz, MeetingId(2), true)?)
        })
        .expect("read")
        .expect("meeting 2");
    assert!(
        draft.text.contains("## Ordre du jour\n\n1. Bilan de la migration\n2. Approbation du compte rendu du 20 novembre 2026\n"),
        "{}",
        draft.text
    );
    assert!(
        draft.html.contains("<ol><li>Bilan de la migration</li>"),
        "{}",
        draft.html
    );
    let export = serde_json::to_value(w.export()).expect("json");
    assert_eq!(
        export["meetings"][1]["agenda"],
        serde_json::json!([
            "Bilan de la migration",
            "Approbation du compte rendu du 20 novembre 2026"
        ])
    );
    // Bad numbers are said so, and change nothing.
    let refused = w.refused(ARLES, "!reunion ordre 2 retirer 9");
    assert_eq!(
        refused,
        "Il n'y a pas de point n°9 : l'ordre du jour compte 2 points."
    );
    let refused = w.refused(ARLES, "!reunion ordre 2 deplacer un deux");
    assert!(refused.contains("un"), "{refused}");
    // A past meeting's ordre du jour does not change.
    let refused = w.refused(ARLES, "!reunion ordre 1 ajouter « Trop tard »");
    assert!(refused.contains("est passée ou annulée"), "{refused}");
}
