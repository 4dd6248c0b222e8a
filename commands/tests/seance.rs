//! A séance held in a group's room (real SQLite, the commands as typed):
//! opened, three items, notes, decisions, actions with due dates,
//! check-ins and attendance recorded by the rédacteur, a correction and a
//! removal, closed into a draft that goes out for review, then approved.

mod world;

use world::World;

use greffier_commands::minutes::record::compte_rendu;
use greffier_commands::store::{MeetingId, RecordState, Records as _};
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
    w.confirmed(
        ADMIN,
        &[
            (ARLES, "Arles"),
            (BOB, "Berre"),
            (CAROL, "Vitrolles"),
            (INES, "Istres"),
            (OTHER, "Aubagne"),
        ],
    );
    w.must(ARLES, "!groupe proposer messagerie « Messagerie libre »");
    for who in [BOB, CAROL, INES] {
        w.must(who, "!groupe rejoindre messagerie");
    }
    w.must(ADMIN, "!groupe lier messagerie");
    w.address(BOB, "bob@berre.example");
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
        "Décision notée (n°3)."
    );
    assert_eq!(
        w.must(
            BOB,
            "!action Berre « Documenter la migration » echeance 2026-12-15"
        ),
        "Action n°1 (entrée n°4) : Berre, échéance le 15 décembre."
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
        "Décision notée (n°6)."
    );
    w.must(BOB, "!note « Une remarque en trop »");
    // A correction and a removal.
    assert_eq!(
        w.must(BOB, "!corriger 2 « Berre a migré 350 boîtes »"),
        "Entrée corrigée (n°2)."
    );
    assert_eq!(w.must(BOB, "!retirer 7"), "Entrée retirée (n°7).");
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
    assert_eq!(
        w.must(BOB, "!presence Istres excuse"),
        "Excuse notée : ines."
    );
    // A stranger to the séance records nothing.
    let refused = w.refused(OTHER, "!decision « Tout arrêter »");
    assert!(
        refused.starts_with("Refusé : réservé au rédacteur"),
        "{refused}"
    );

    let closed = w.must(BOB, "!seance clore");
    assert_eq!(
        closed,
        "Séance close. Projet de compte rendu posté pour le groupe, envoyé à 1 participant ; remarques attendues avant le 26 novembre."
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
        "Réponses aux invitations (intentions, avant la séance) : aucune présence annoncée, aucun excusé, 4 sans réponse.",
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
    let draft_mail = queued
        .iter()
        .find_map(|i| match &i.action {
            Action::AskByMail {
                to,
                subject,
                text,
                message_id,
                ..
            } if to == "bob@berre.example"
                && subject == "Projet de compte rendu : Atelier messagerie"
                && text.contains("vos remarques avant le 26 novembre")
                && text.contains("!compte-rendu remarque 1 « votre remarque »")
                && text.contains("répondre simplement à ce message")
                && text.contains("## Relevé des actions") =>
            {
                Some(message_id.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no draft mail to Bob in {queued:#?}"));
    let archive = w.must(CAROL, "!reunion archives");
    assert!(
        archive.ends_with("compte rendu : en relecture"),
        "{archive}"
    );
    // Remarks are attached to the draft, never applied to it.
    let said = w.must(
        CAROL,
        "!compte-rendu remarque 1 « Il manque le point sur Thunderbird »",
    );
    assert!(
        said.starts_with("Remarque jointe au projet de compte rendu de la réunion n°1"),
        "{said}"
    );
    assert!(said.contains("(1 en tout)"), "{said}");
    // A plain reply to the draft mail is a remark too, as written; an
    // empty one is answered and attaches nothing.
    let (said, kept) = w.mail_reply(
        "bob@berre.example",
        &draft_mail,
        "Au point 2, lire « 350 boîtes ».\nLe reste me convient.",
    );
    assert!(kept, "{said}");
    assert!(said.contains("(2 en tout)"), "{said}");
    let (said, kept) = w.mail_reply("bob@berre.example", &draft_mail, "  ");
    assert!(!kept);
    assert!(
        said.starts_with("Votre réponse au projet de compte rendu de la réunion n°1 « Atelier messagerie » ne contient pas de texte"),
        "{said}"
    );
    let listed = w.must(OTHER, "!minutes remarks 1");
    assert!(
        listed.contains("• carol (19 novembre) : Il manque le point sur Thunderbird\n• bob (19 novembre) : Au point 2, lire « 350 boîtes ».\nLe reste me convient."),
        "{listed}"
    );
    // Entries after the close are refused; approving freezes the draft.
    let refused = w.refused(BOB, "!note « après coup »");
    assert!(
        refused.starts_with("Aucune séance n'est ouverte ici"),
        "{refused}"
    );
    let approved = w.must(ARLES, "!compte-rendu approuver 1");
    assert!(
        approved.ends_with("Remarques reçues sur le projet : 2 (!compte-rendu remarques 1). Envoyé à 1 participant, en PDF et ODT."),
        "{approved}"
    );
    // The approved text goes to the participants, its files attached.
    let queued =
        w.db.pending(greffier_commands::Channel::EMAIL, w.ctx.now, 100)
            .expect("mail");
    let sent: Vec<(&str, &str, i64, u32)> = queued
        .iter()
        .filter_map(|i| match &i.action {
            Action::SendRecord {
                to,
                subject,
                meeting,
                version,
                text,
                ..
            } if text.contains("## Relevé des actions") => {
                Some((to.as_str(), subject.as_str(), *meeting, *version))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        sent,
        [(
            "bob@berre.example",
            "Compte rendu approuvé : Atelier messagerie",
            1,
            1
        )]
    );
    let refused = w.refused(CAROL, "!compte-rendu remarque 1 « trop tard »");
    assert!(
        refused.contains("est approuvé (version 1) : il ne change plus"),
        "{refused}"
    );
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

#[test]
fn a_decision_under_the_approval_item_approves_the_previous_compte_rendu() {
    let mut w = world();
    w.must(BOB, "!seance ouvrir");
    w.must(BOB, "!note « Tour de table fait »");
    w.must(BOB, "!seance clore");
    // The next meeting, a month later, takes up the approval.
    w.must(
        ARLES,
        "!reunion creer « Atelier messagerie 2 » 2026-12-17 10:00 groupe messagerie",
    );
    w.must(
        ARLES,
        "!reunion ordre 2 ajouter « Approbation du compte rendu du 19 novembre 2026 »",
    );
    w.must(ARLES, "!reunion ordre 2 ajouter « Bilan »");
    w.ctx.now = "2026-12-17T09:15:00Z".parse().expect("now");
    w.must(ARLES, "!seance ouvrir 2");
    // A decision elsewhere, or one that puts the approval off, approves
    // nothing.
    assert_eq!(w.must(ARLES, "!point 2"), "Point 2 : Bilan");
    assert_eq!(
        w.must(ARLES, "!decision « Le bilan est approuvé »"),
        "Décision notée (n°1)."
    );
    assert_eq!(
        w.must(ARLES, "!point 1"),
        "Point 1 : Approbation du compte rendu du 19 novembre 2026"
    );
    assert_eq!(
        w.must(
            ARLES,
            "!decision « Approbation reportée à la prochaine séance »"
        ),
        "Décision notée (n°2)."
    );
    let records = |w: &mut World| {
        w.db.write(w.ctx.now, |tx| Ok(tx.records(MeetingId(1))?))
            .expect("records")
    };
    assert_eq!(records(&mut w)[0].state, RecordState::EnRelecture);
    let said = w.must(
        ARLES,
        "!decision « Le compte rendu est approuvé à l'unanimité »",
    );
    assert!(
        said.starts_with(
            "Décision notée (n°3). Compte rendu de la réunion n°1 « Atelier messagerie »"
        ) && said.contains("approuvé (version 1) : son texte est désormais figé")
            && said.ends_with("Envoyé à 1 participant, en PDF et ODT."),
        "{said}"
    );
    let kept = records(&mut w);
    assert_eq!(
        (kept.len(), kept[0].state, kept[0].approved_by.as_deref()),
        (1, RecordState::Approuve, Some("arles"))
    );
    // Approved, it is no longer proposed, and a second decision does nothing.
    assert_eq!(
        w.must(ARLES, "!decision « Le compte rendu est adopté »"),
        "Décision notée (n°4)."
    );
}

#[test]
fn the_actions_are_followed_up() {
    use greffier_commands::store::Groups as _;
    let mut w = world();
    w.must(ARLES, "!seance ouvrir 1");
    w.must(BOB, "!point 2");
    w.must(
        BOB,
        "!action Berre « Documenter la migration » echeance 2026-12-15",
    );
    w.must(BOB, &format!("!action {CAROL} « Planifier la bascule »"));
    w.must(BOB, "!seance clore");
    assert_eq!(
        w.must(OTHER, "!action liste"),
        "Actions ouvertes :\n• n°1 Berre — Documenter la migration (échéance le 15 décembre)\n• n°2 carol — Planifier la bascule"
    );
    assert_eq!(
        w.must(OTHER, "!action liste Berre"),
        "Actions ouvertes de Berre :\n• n°1 Berre — Documenter la migration (échéance le 15 décembre)"
    );
    assert_eq!(
        w.must(CAROL, "!actions list mine"),
        "Vos actions ouvertes :\n• n°2 carol — Planifier la bascule"
    );
    // Only the owner, the record keepers and admins close or move one.
    let refused = w.refused(OTHER, "!action faite 1");
    assert!(
        refused.starts_with("Refusé : réservé à qui porte l'action"),
        "{refused}"
    );
    assert_eq!(
        w.must(BOB, "!action faite 1 « publié sur le wiki »"),
        "Action n°1 faite : Berre — Documenter la migration."
    );
    assert_eq!(
        w.refused(BOB, "!action faite 1"),
        "L'action n°1 n'est plus ouverte."
    );
    assert_eq!(
        w.must(CAROL, "!action echeance 2 2027-02-01"),
        "Action n°2 : échéance le 1er février 2027."
    );
    assert!(
        w.refused(CAROL, "!action abandonner 9")
            .starts_with("Il n'y a pas d'action n°9"),
    );
    let export = serde_json::to_value(w.export()).expect("json");
    assert_eq!(
        export["actions"],
        serde_json::json!([
            {"n": 1, "meeting": 1, "owner": "Berre", "text": "Documenter la migration", "due": "2026-12-15", "state": "faite"},
            {"n": 2, "meeting": 1, "owner": "carol", "text": "Planifier la bascule", "due": "2027-02-01", "state": "ouverte"},
        ])
    );
    // The group's digest lists the open ones; the next meeting's ordre du
    // jour proposes their follow-up.
    let ctx = w.ctx.clone();
    let digest =
        w.db.write(ctx.now, |tx| {
            let group = tx.group_by_slug("messagerie")?.expect("group");
            Ok(greffier_commands::digest::group_digest(
                tx,
                &ctx,
                &group,
                jiff::Timestamp::UNIX_EPOCH,
            )?)
        })
        .expect("digest");
    assert!(
        digest.plain.contains(
            "Actions ouvertes :\n• n°2 carol — Planifier la bascule (échéance le 1er février 2027)"
        ),
        "{}",
        digest.plain
    );
    w.must(
        ARLES,
        "!reunion creer « Atelier suivant » 2026-12-10 14:00 groupe messagerie",
    );
    let proposed = w.must(CAROL, "!reunion ordre 2");
    assert!(proposed.contains("• Suivi des actions ("), "{proposed}");
}

#[test]
fn an_actions_owner_is_reminded_once_before_and_once_when_late() {
    let mut w = world();
    w.must(ARLES, "!seance ouvrir 1");
    w.must(
        BOB,
        "!action Berre « Documenter la migration » echeance 2026-12-15",
    );
    w.must(
        BOB,
        &format!("!action {BOB} « Relire la doc » echeance 2026-12-15"),
    );
    w.must(BOB, "!seance clore");
    let at = |w: &mut World, day: &str| -> Vec<Action> {
        w.ctx.now = format!("{day}T08:00:00Z").parse().expect("a day");
        let ctx = w.ctx.clone();
        w.db.write(ctx.now, |tx| Ok(greffier_commands::actions_due(tx, &ctx)?))
            .expect("due")
    };
    assert!(
        at(&mut w, "2026-12-11").is_empty(),
        "four days before: nothing yet"
    );
    let reminders = at(&mut w, "2026-12-12");
    assert_eq!(reminders.len(), 2, "{reminders:#?}");
    // Berre's in the group's room and list, Bob's by mail.
    assert!(reminders.iter().any(|a| matches!(a, Action::PostToGroup { group, text, .. }
        if group == "messagerie"
            && text.starts_with("Rappel : action n°1 (Berre) à faire avant le 15 décembre : « Documenter la migration »"))));
    assert!(
        reminders
            .iter()
            .any(|a| matches!(a, Action::SendMail { to, text, .. }
        if to == "bob@berre.example" && text.starts_with("Rappel : action n°2 (bob)")))
    );
    assert!(at(&mut w, "2026-12-13").is_empty(), "once");
    assert!(
        at(&mut w, "2026-12-15").is_empty(),
        "the due day is not late"
    );
    let late = at(&mut w, "2026-12-16");
    assert_eq!(late.len(), 2, "{late:#?}");
    assert!(late.iter().all(|a| match a {
        Action::PostToGroup { text, .. } | Action::SendMail { text, .. } =>
            text.contains("en retard (") && text.contains("échéance le 15 décembre"),
        _ => false,
    }));
    assert!(at(&mut w, "2026-12-17").is_empty(), "late is said once");
    // Done or moved: no more reminders for the done one; the moved one
    // is reminded again before its new date.
    w.must(BOB, "!action faite 1");
    w.must(BOB, "!action echeance 2 2027-01-10");
    assert!(at(&mut w, "2027-01-06").is_empty());
    let again = at(&mut w, "2027-01-07");
    assert_eq!(again.len(), 1, "{again:#?}");
}
