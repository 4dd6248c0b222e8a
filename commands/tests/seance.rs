//! A séance held in a group's room (real SQLite, the commands as typed):
//! opened, three items, notes, decisions, actions with due dates,
//! check-ins and attendance recorded by the rédacteur, a correction and a
//! removal, closed into a draft that goes out for review, then approved.

mod world;

use world::World;

use greffier_commands::minutes::record::compte_rendu;
use greffier_commands::store::{Identities as _, Identity, MeetingId, RecordState, Records as _};
use greffier_commands::{Action, Origin};

const ADMIN: &str = "@admin:example.test";
const ARLES: &str = "@arles:example.test";
const BOB: &str = "@bob:example.test";
const CAROL: &str = "@carol:example.test";
const INES: &str = "@ines:example.test";
const OTHER: &str = "@other:example.test";
const ROOM: &str = "!messagerie:example.test";

fn room() -> Origin {
    Origin::Matrix {
        room: ROOM.into(),
        event: Some("$event".into()),
        direct: false,
    }
}

/// Arles leads "messagerie" (its room linked), Berre, Vitrolles and Istres
/// are members; Bob of Berre has an address; meeting n°1 tomorrow with
/// three items; an hour after it began.
fn world() -> World {
    let mut w = World::new(world::context(ADMIN)).typing_from(room());
    for (who, org) in [
        (ARLES, "Arles"),
        (BOB, "Berre"),
        (CAROL, "Vitrolles"),
        (INES, "Istres"),
        (OTHER, "Aubagne"),
    ] {
        w.must(who, &format!("!moi organisation {org}"));
        w.must(ADMIN, &format!("!organisation accepter {who}"));
    }
    w.must(ARLES, "!groupe proposer messagerie « Messagerie libre »");
    for who in [BOB, CAROL, INES] {
        w.must(who, "!groupe rejoindre messagerie");
    }
    w.must(ADMIN, "!groupe lier messagerie");
    w.db.write(w.ctx.now, |tx| {
        let bob = tx
            .person_by_identity(&Identity::parse(BOB).expect("id"))?
            .expect("bob");
        tx.add_identity(bob.id, &Identity::parse("bob@berre.example").expect("id"))?;
        Ok(())
    })
    .expect("address");
    w.must(
        ARLES,
        "!reunion creer « Atelier messagerie » 2026-11-19 10:00 groupe messagerie",
    );
    for item in [
        "Tour de table",
        "Migration vers Postfix",
        "Questions diverses",
    ] {
        w.must(ARLES, &format!("!reunion ordre 1 ajouter « {item} »"));
    }
    w.must(ARLES, &format!("!reunion redacteur 1 {BOB}"));
    // 2026-11-19, 10:30 in Paris.
    w.ctx.now = "2026-11-19T09:30:00Z".parse().expect("now");
    w
}

#[test]
fn a_whole_seance_in_the_groups_room() {
    let mut w = world();
    // Only the rédacteur, the lead, the organisers and admins record.
    let refused = w.refused(OTHER, "!seance ouvrir");
    assert!(
        refused.starts_with("Refusé : réservé au rédacteur"),
        "{refused}"
    );
    let refused = w.refused(BOB, "!note « trop tôt »");
    assert!(
        refused.starts_with("Aucune séance n'est ouverte ici"),
        "{refused}"
    );
    let opened = w.must(ARLES, "!seance ouvrir");
    assert!(
        opened.starts_with("Séance ouverte : réunion n°1 « Atelier messagerie »")
            && opened
                .contains("1. Tour de table\n2. Migration vers Postfix\n3. Questions diverses"),
        "{opened}"
    );
    assert_eq!(w.must(BOB, "!point"), "Point 1 : Tour de table");
    assert_eq!(
        w.must(BOB, "!note « Chacun présente son service »"),
        "Noté (n°1)."
    );
    assert_eq!(w.must(BOB, "!point 2"), "Point 2 : Migration vers Postfix");
    assert_eq!(
        w.must(BOB, "!note « Berre a migré 300 boîtes »"),
        "Noté (n°2)."
    );
    assert_eq!(
        w.must(BOB, "!decision « Vitrolles migre en janvier »"),
        "Décision n°3 notée."
    );
    assert_eq!(
        w.must(
            BOB,
            "!action Berre « Documenter la migration » echeance 2026-12-15"
        ),
        "Action n°1 (entrée n°4) : Berre, échéance le 15 décembre 2026."
    );
    assert_eq!(
        w.must(
            BOB,
            &format!("!action {CAROL} « Planifier la bascule » echeance 2027-01-10")
        ),
        "Action n°2 (entrée n°5) : carol, échéance le 10 janvier 2027."
    );
    assert_eq!(w.must(ARLES, "!topic 3"), "Point 3 : Questions diverses");
    assert_eq!(
        w.must(BOB, "!decision « Prochaine réunion en mars »"),
        "Décision n°6 notée."
    );
    w.must(BOB, "!note « Une remarque en trop »");
    // A correction and a removal.
    assert_eq!(
        w.must(BOB, "!corriger 2 « Berre a migré 350 boîtes »"),
        "Entrée n°2 corrigée."
    );
    assert_eq!(w.must(BOB, "!retirer 7"), "Entrée n°7 retirée.");
    assert_eq!(
        w.refused(BOB, "!retirer 7"),
        "Il n'y a pas d'entrée n°7 dans cette séance."
    );
    // Check-ins, and who the rédacteur records.
    assert_eq!(w.must(CAROL, "!ici"), "carol, votre présence est notée.");
    assert_eq!(
        w.must(ARLES, "!present"),
        "arles, votre présence est notée."
    );
    w.must(BOB, "!ici");
    assert_eq!(w.must(BOB, "!presence Istres excuse"), "Excusé(s) : ines.");
    // A stranger to the séance records nothing.
    let refused = w.refused(OTHER, "!decision « Tout arrêter »");
    assert!(
        refused.starts_with("Refusé : réservé au rédacteur"),
        "{refused}"
    );

    let closed = w.must(BOB, "!seance clore");
    assert_eq!(
        closed,
        "Séance close. Projet de compte rendu posté pour le groupe, envoyé à 1 participant(s) ; remarques attendues avant le 26 novembre 2026."
    );
    let draft =
        w.db.write(w.ctx.now, |tx| {
            Ok(compte_rendu(
                tx,
                &w.ctx.timezone.clone(),
                MeetingId(1),
                false,
            )?)
        })
        .expect("read")
        .expect("meeting 1")
        .text;
    for part in [
        "**Rédacteur** : bob",
        "## Étaient présents\n\n- arles, Arles\n- bob, Berre\n- carol, Vitrolles\n",
        "## Absents excusés\n\n- ines, Istres\n",
        "## Ordre du jour\n\n1. Tour de table\n2. Migration vers Postfix\n3. Questions diverses\n",
        "### Point 1 : Tour de table\n\n- Chacun présente son service\n",
        "### Point 2 : Migration vers Postfix\n\n- Berre a migré 350 boîtes\n- Décision : Vitrolles migre en janvier\n- Action n°1 : Berre — Documenter la migration\n- Action n°2 : carol — Planifier la bascule\n",
        "### Point 3 : Questions diverses\n\n- Décision : Prochaine réunion en mars\n",
        "## Relevé des actions\n\n| N° | Qui | Quoi | Échéance |\n|---|---|---|---|\n| 1 | Berre | Documenter la migration | 15 décembre 2026 |\n| 2 | carol | Planifier la bascule | 10 janvier 2027 |",
    ] {
        assert!(draft.contains(part), "{part:?} in:\n{draft}");
    }
    assert!(
        !draft.contains("Une remarque en trop") && !draft.contains("300 boîtes"),
        "{draft}"
    );
    // It went to the room and the list, and to Bob by mail, under review.
    let queued =
        w.db.pending(greffier_commands::Channel::EMAIL, w.ctx.now, 100)
            .expect("mail");
    assert!(
        queued.iter().any(
            |i| matches!(&i.action, Action::SendMail { to, subject, text }
            if to == "bob@berre.example"
                && subject == "Projet de compte rendu : Atelier messagerie"
                && text.contains("vos remarques avant le 26 novembre 2026")
                && text.contains("## Relevé des actions"))
        ),
        "{queued:#?}"
    );
    let archive = w.must(CAROL, "!reunion archives");
    assert!(
        archive.ends_with("compte rendu : en relecture"),
        "{archive}"
    );
    // Entries after the close are refused; approving freezes the draft.
    let refused = w.refused(BOB, "!note « après coup »");
    assert!(
        refused.starts_with("Aucune séance n'est ouverte ici"),
        "{refused}"
    );
    w.must(ARLES, "!compte-rendu approuver 1");
    let records =
        w.db.write(w.ctx.now, |tx| Ok(tx.records(MeetingId(1))?))
            .expect("records");
    assert_eq!(
        records.len(),
        1,
        "the version under review became the approved one"
    );
    assert_eq!(
        (records[0].version, records[0].state),
        (1, RecordState::Approuve)
    );
    assert_eq!(records[0].body, draft);
    let archive = w.must(CAROL, "!reunion archives");
    assert!(archive.ends_with("compte rendu : approuvé"), "{archive}");
}
