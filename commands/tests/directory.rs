//! The directory (real SQLite, the commands as typed): identities an admin
//! or a member of the same organisation declares for someone, greffier
//! writing to a declared address at once, and what `!personne info`
//! shows to whom.

mod world;

use world::World;

use greffier_commands::store::{Identities as _, Identity};
use greffier_commands::{Action, Channel, Origin};

const ADMIN: &str = "@admin:example.test";
const ANNE: &str = "@anne:example.test";
const BOB: &str = "@bob:example.test";
const ZOE: &str = "@zoe:example.test";

fn room() -> Origin {
    Origin::Matrix {
        room: "!salon:example.test".into(),
        event: Some("$e".into()),
        direct: false,
    }
}

/// Anne (Ouest Provence, confirmed), Bob (Berre, confirmed), Zoé (Ouest
/// Provence, pending); Louis MORALES of Ouest Provence known by name only
/// (as the import of the minutes leaves him).
fn world() -> World {
    let mut w = World::new(world::context(ADMIN)).typing_from(room());
    w.confirmed(ADMIN, &[(ANNE, "Ouest Provence"), (BOB, "Berre")]);
    w.must(ZOE, "!moi organisation Ouest Provence");
    w.db.write(w.ctx.now, |tx| {
        use greffier_commands::store::{Organisations as _, People as _};
        let org = tx.organisation_by_key("ouest provence")?.expect("org");
        tx.create_contact("Louis MORALES", Some(org.id))?;
        Ok(())
    })
    .expect("Louis");
    w
}

fn queued_mails(w: &World) -> Vec<Action> {
    w.db.pending(Channel::EMAIL, w.ctx.now, 100)
        .expect("pending")
        .into_iter()
        .map(|i| i.action)
        .collect()
}

#[test]
fn a_member_declares_an_address_greffier_writes_to_at_once() {
    let mut w = world();
    // Louis cannot be reached yet.
    let info = w.must(ANNE, "!personne info Louis MORALES");
    assert_eq!(
        info,
        "Louis MORALES\nOrganisation : Ouest Provence\nAucune adresse ni identifiant Matrix : le greffier ne peut pas la joindre (!personne adresse …)."
    );
    // A meeting sent now says who could not be reached.
    let created = w.must(ADMIN, "!reunion creer « Atelier » 2026-12-08 10:00");
    assert!(
        created.ends_with("1 personne injoignable, sans adresse ni identifiant Matrix : Louis MORALES (!personne adresse <personne> <adresse>)."),
        "{created}"
    );
    // Someone of another organisation, a pending member, the person
    // themself for their own address: refused, nothing changes.
    for who in [BOB, ZOE] {
        let refused = w.refused(
            who,
            "!personne adresse Louis MORALES louis@ouest-provence.fr",
        );
        assert_eq!(
            refused,
            "Refusé : réservé aux administrateurs et aux membres confirmés d'Ouest Provence."
        );
    }
    let refused = w.refused(ANNE, "!personne adresse @anne:example.test anne@op.fr");
    assert!(
        refused.starts_with("Pour votre propre adresse, tapez !moi lier"),
        "{refused}"
    );
    // Bad input is named.
    let bad = w.refused(ANNE, "!personne adresse Louis MORALES louis");
    assert!(
        bad.contains("adresse électronique invalide « louis »"),
        "{bad}"
    );
    let bad = w.refused(ANNE, "!personne matrix Louis MORALES louis@op.fr");
    assert!(
        bad.contains("identifiant Matrix invalide « louis@op.fr »"),
        "{bad}"
    );
    let bad = w.refused(ANNE, "!personne adresse Personne Inconnue x@op.fr");
    assert!(
        bad.starts_with("Je ne connais personne qui s'appelle « Personne Inconnue »"),
        "{bad}"
    );

    // A confirmed member of his organisation declares his address.
    let said = w.must(
        ANNE,
        "!personne adresse Louis MORALES Louis@Ouest-Provence.fr",
    );
    assert_eq!(
        said,
        "Adresse louis@ouest-provence.fr déclarée pour Louis MORALES : le greffier lui écrira désormais (invitations, sondages, lettre des groupes) ; elle sera vérifiée quand Louis MORALES répondra au message de bienvenue qui vient de lui être envoyé. Les commandes envoyées depuis cette adresse ne seront suivies qu'ensuite."
    );
    let welcome = queued_mails(&w)
        .into_iter()
        .find_map(|a| match a {
            Action::AskByMail {
                to,
                subject,
                text,
                message_id,
                ..
            } if to == "louis@ouest-provence.fr" => Some((subject, text, message_id)),
            _ => None,
        })
        .expect("a welcome mail");
    assert_eq!(welcome.0, "Bienvenue dans le réseau : votre adresse");
    assert!(
        welcome.1.starts_with("Bonjour Louis MORALES,\n\nanne a indiqué au greffier du réseau que louis@ouest-provence.fr est votre adresse (Ouest Provence).")
            && welcome.1.contains("répondez simplement à ce message")
            && !welcome.1.contains("Matrix"),
        "{}",
        welcome.1
    );
    assert!(welcome.2.starts_with("welcome.") && welcome.2.ends_with("@example.test"));
    // Declared, not verified: greffier writes to it, nobody is obeyed from it.
    let (louis, sent_to, obeyed) =
        w.db.write(w.ctx.now, |tx| {
            let id = Identity::parse("louis@ouest-provence.fr").expect("id");
            let louis = tx.declared_person(&id)?.expect("declared");
            let sent_to = tx.email_of(louis.id)?;
            let obeyed = tx.person_by_identity(&id)?;
            let welcomed = tx.mail_sent_to(&welcome.2)?;
            assert_eq!(welcomed, Some(louis.id));
            Ok((louis, sent_to, obeyed))
        })
        .expect("read");
    assert_eq!(sent_to.as_deref(), Some("louis@ouest-provence.fr"));
    assert!(obeyed.is_none());
    // Twice: said, nothing new sent.
    let before = queued_mails(&w).len();
    assert_eq!(
        w.must(
            ANNE,
            "!personne adresse Louis MORALES louis@ouest-provence.fr"
        ),
        "« louis@ouest-provence.fr » est déjà déclarée pour Louis MORALES, en attente de vérification."
    );
    assert_eq!(queued_mails(&w).len(), before);
    // Someone else's address is refused.
    let refused = w.refused(
        ADMIN,
        "!personne adresse @bob:example.test louis@ouest-provence.fr",
    );
    assert_eq!(
        refused,
        "« louis@ouest-provence.fr » est déjà l'identité d'une autre personne : rien n'a changé."
    );
    // A meeting of the network invites him at that address.
    let created = w.must(ADMIN, "!reunion creer « Conférence DSI » 2026-12-10 14:00");
    assert!(created.contains("invitation"), "{created}");
    let invited = queued_mails(&w).into_iter().any(|a| {
        matches!(a, Action::SendInvitation(inv) if inv.to == "louis@ouest-provence.fr" && inv.attendee_name == louis.name)
    });
    assert!(invited, "{:#?}", queued_mails(&w));

    // A Matrix ID, declared by an admin.
    assert_eq!(
        w.must(
            ADMIN,
            "!person matrix Louis MORALES @louis:ouest-provence.fr"
        ),
        "Identifiant Matrix @louis:ouest-provence.fr déclaré pour Louis MORALES : il sera vérifié dès que ce compte écrira au greffier."
    );
    // What the directory shows: everything to Anne, the organisation
    // only to Bob.
    assert_eq!(
        w.must(ANNE, "!personne info louis@ouest-provence.fr"),
        "Louis MORALES\nOrganisation : Ouest Provence\nAdresse : louis@ouest-provence.fr (déclarée, pas encore vérifiée)\nMatrix : @louis:ouest-provence.fr (déclarée, pas encore vérifiée)"
    );
    assert_eq!(
        w.must(BOB, "!personne info Louis MORALES"),
        "Louis MORALES\nOrganisation : Ouest Provence"
    );
}

#[test]
fn one_says_ones_name_and_organisation() {
    let mut w = world();
    // A newcomer in a room: made with the name they write.
    let said = w.must(
        "@claire:example.test",
        "!moi nom « Claire FABRE » organisation Berre",
    );
    assert!(
        said.starts_with("Bienvenue, Claire FABRE : le greffier vous connaît désormais à l'adresse @claire:example.test.\nC'est noté, Claire FABRE : vous vous déclarez membre de Berre."),
        "{said}"
    );
    // A name written again, then corrected.
    assert_eq!(
        w.must("@claire:example.test", "!me name Claire FABRE"),
        "Votre nom est déjà Claire FABRE."
    );
    assert_eq!(
        w.must("@claire:example.test", "!moi nom « Claire FABRE-DURAND »"),
        "C'est noté : vous vous appelez désormais Claire FABRE-DURAND."
    );
    let info = w.must(ADMIN, "!personne info @claire:example.test");
    assert!(
        info.starts_with("Claire FABRE-DURAND\nOrganisation : Berre (demande en attente)"),
        "{info}"
    );
    // Without a name: the usage.
    let bad = w.refused("@claire:example.test", "!moi nom organisation Berre");
    assert!(bad.contains("!moi nom \"<Prénom NOM>\""), "{bad}");
}

#[test]
fn a_sheet_matches_people_by_name_and_twice_changes_nothing() {
    use greffier_commands::Lang;
    use greffier_commands::directory::{import, sheet};
    let mut w = world();
    let table = "nom;organisation;email;matrix\nM. Louis MORALES;ouest provence;louis@op.fr;\nAnne;Ouest Provence;;\nHélène ÉTIENNE;Sète;helene@sete.fr;@helene:sete.fr\nLouis MORALES;Ouest Provence;;\n";
    let read = sheet::read(table.as_bytes(), Lang::Fr).expect("read");
    let run = |w: &mut World| {
        w.db.transaction(w.ctx.now, |tx| {
            Ok((import::import(tx, &read, "annuaire.csv", Lang::Fr)?, true))
        })
        .expect("import")
    };
    let first = run(&mut w);
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    assert_eq!(
        first.lines,
        [
            "ligne 2 : ~ Louis MORALES (Ouest Provence) — adresse louis@op.fr",
            "ligne 3 : = anne (Ouest Provence)",
            "ligne 4 : + Hélène ÉTIENNE (Sète) — nouvelle organisation Sète, adresse helene@sete.fr, Matrix @helene:sete.fr",
            "ligne 5 : = Louis MORALES (Ouest Provence)",
        ]
    );
    assert_eq!((first.added, first.matched, first.changed), (1, 2, 1));
    let second = run(&mut w);
    assert_eq!((second.added, second.matched, second.changed), (0, 4, 0));
    // An address someone else has: named, for the whole sheet to be refused.
    let clash =
        sheet::read("nom;email\nBob BERRE;louis@op.fr\n".as_bytes(), Lang::Fr).expect("read");
    let report =
        w.db.transaction(w.ctx.now, |tx| {
            Ok((import::import(tx, &clash, "x.csv", Lang::Fr)?, false))
        })
        .expect("import");
    assert_eq!(
        report.problems[0].what,
        "« louis@op.fr » est l'identité de Louis MORALES, pas de Bob BERRE"
    );
    let clash = sheet::read(
        "nom;email;matrix\nBob BERRE;louis@op.fr;@helene:sete.fr\n".as_bytes(),
        Lang::Fr,
    )
    .expect("read");
    let report =
        w.db.transaction(w.ctx.now, |tx| {
            Ok((import::import(tx, &clash, "x.csv", Lang::Fr)?, false))
        })
        .expect("import");
    assert_eq!(
        report.problems[0].what,
        "l'adresse et l'identifiant Matrix sont à deux personnes différentes"
    );
}

/// Every JSON array sorted and its duplicates dropped: two names of one
/// organisation become one entry once merged.
fn folded(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Array(items) => {
            let mut items: Vec<Value> = items.into_iter().map(folded).collect();
            items.sort_by_key(|i| i.to_string());
            items.dedup();
            Value::Array(items)
        }
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, folded(v))).collect()),
        other => other,
    }
}

#[test]
fn renamed_and_merged_names_change_everywhere_and_nothing_else() {
    use greffier_commands::minutes::{import, parse};
    let mut w = World::new(world::context(ADMIN)).typing_from(room());
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/minutes/2007-06-11-conference-dsi-13.txt"
    ))
    .expect("the seed minutes");
    let mut minutes = parse::parse(&text);
    minutes
        .complete(&parse::Given::default(), greffier_commands::Lang::Fr)
        .expect("complete");
    let ctx = w.ctx.clone();
    w.db.write(ctx.now, |tx| Ok(import::import(tx, &ctx, &minutes)?))
        .expect("import");
    let before = serde_json::to_string(&w.export()).expect("json");
    assert!(before.contains("\"Sete\"") && before.contains("\"Mairie AIX\""));

    // Only admins.
    let refused = w.refused(ANNE, "!organisation renommer Sete « Sète »");
    assert_eq!(refused, "Refusé : réservé aux administrateurs.");
    let refused = w.refused(ANNE, "!organisation fusionner « C.A. Aix » « Mairie AIX »");
    assert_eq!(refused, "Refusé : réservé aux administrateurs.");
    // A name another organisation has is a merge, not a rename.
    let refused = w.refused(ADMIN, "!organisation renommer « Mairie AIX » « C.A. AIX »");
    assert!(
        refused.contains("!organisation fusionner « C.A. Aix » « Mairie AIX »"),
        "{refused}"
    );

    assert_eq!(
        w.must(ADMIN, "!organisation renommer Sete « Sète »"),
        "C'est noté : l'organisation Sete s'appelle désormais Sète. Le nom Sete la désigne encore."
    );
    let merged = w.must(ADMIN, "!org merge C.A. Aix Mairie AIX");
    assert!(
        merged.starts_with("C'est fait : Mairie AIX est réunie à C.A. Aix (1 personne rattachée"),
        "{merged}"
    );
    let after = w.export();
    let after_json = serde_json::to_string(&after).expect("json");
    assert!(!after_json.contains("Mairie AIX") && !after_json.contains("\"Sete\""));
    // The export differs only in those names.
    let expected: serde_json::Value = serde_json::from_str(
        &before
            .replace("\"Sete\"", "\"Sète\"")
            .replace("\"Mairie AIX\"", "\"C.A. Aix\""),
    )
    .expect("json");
    let got: serde_json::Value = serde_json::from_str(&after_json).expect("json");
    assert_eq!(folded(got), folded(expected));
    // The former name still finds the organisation.
    let members = w.must(ADMIN, "!organisation membres Mairie AIX");
    assert!(
        members.contains("C.A. Aix") && members.contains("J. RICHARD"),
        "{members}"
    );
    // People too: renamed and merged by an admin only.
    assert_eq!(
        w.must(ADMIN, "!personne renommer « J. RICHARD » « Jean RICHARD »"),
        "C'est noté : J. RICHARD s'appelle désormais Jean RICHARD."
    );
    let refused = w.refused(ANNE, "!personne renommer Jean RICHARD « J. R. »");
    assert!(
        refused.starts_with("Refusé : réservé aux administrateurs."),
        "{refused}"
    );
    w.must(
        ADMIN,
        "!personne adresse « Jean RICHARD » jean.richard@aix.example",
    );
    let arrived = w.must(
        "@jrichard:aix.example",
        "!moi nom « Jean Richard » organisation C.A. Aix",
    );
    assert!(arrived.starts_with("Bienvenue, Jean Richard"), "{arrived}");
    // Two people of one name: an identity says which.
    let refused = w.refused(
        ADMIN,
        "!personne fusionner « Jean RICHARD » @jrichard:aix.example",
    );
    assert!(refused.contains("désigne plusieurs personnes"), "{refused}");
    let merged = w.must(
        ADMIN,
        "!personne fusionner jean.richard@aix.example @jrichard:aix.example",
    );
    assert!(
        merged.starts_with(
            "C'est fait : la fiche de Jean Richard est réunie à celle de Jean RICHARD"
        ),
        "{merged}"
    );
    let info = w.must(ADMIN, "!personne info Jean RICHARD");
    assert!(
        info.contains("Adresse : jean.richard@aix.example (déclarée, pas encore vérifiée)")
            && info.contains("Matrix : @jrichard:aix.example (vérifiée)"),
        "{info}"
    );
    let people = w.export().people;
    assert_eq!(
        people
            .iter()
            .filter(|p| p.name.contains("RICHARD") || p.name.contains("Richard"))
            .count(),
        1
    );
}

#[test]
fn a_close_name_is_not_created_without_nouveau_and_a_typo_can_be_deleted() {
    let mut w = world();
    w.must(ANNE, "!logiciel ajouter Koha");
    let refused = w.refused(BOB, "!logiciel ajouter koah");
    assert!(
        refused.starts_with("Logiciel inconnu « koah »") && refused.contains("« Koha »"),
        "{refused}"
    );
    assert!(
        w.must(BOB, "!logiciel ajouter koah nouveau")
            .contains("(nouveau logiciel au catalogue)")
    );
    // Only an admin deletes a name typed by mistake, with its history.
    let refused = w.refused(BOB, "!logiciel supprimer koah");
    assert!(
        refused.starts_with("Refusé : réservé aux administrateurs."),
        "{refused}"
    );
    assert_eq!(
        w.must(ADMIN, "!logiciel supprimer koah"),
        "« koah » est ôté du catalogue, avec son historique (1 organisation l'avait déclaré)."
    );
    let gone = w.refused(ADMIN, "!logiciel qui koah");
    assert!(gone.contains("« Koha »"), "{gone}");
    assert!(
        w.must(ANNE, "!logiciel qui Koha")
            .contains("Ouest Provence")
    );
    // "Aix" beside "Mairie AIX" and "C.A. Aix": both proposed.
    w.must("@richard:example.test", "!moi organisation Mairie AIX");
    w.must("@castex:example.test", "!moi organisation C.A. Aix");
    let refused = w.refused("@new:example.test", "!moi organisation Aix");
    assert!(
        refused.starts_with("Organisation inconnue « Aix »")
            && refused.contains("« C.A. Aix »")
            && refused.contains("« Mairie AIX »")
            && refused.contains("!moi organisation Aix nouvelle"),
        "{refused}"
    );
}

#[test]
fn a_group_is_corrected_archived_and_made_active_again() {
    let mut w = world();
    w.must(ANNE, "!groupe proposer messagrie « Mesagerie libre »");
    let (said, kept) = w.say_from(
        ADMIN,
        "!groupe lier messagrie",
        Origin::Matrix {
            room: "!messagerie:example.test".into(),
            event: Some("$lier".into()),
            direct: false,
        },
    );
    assert!(kept, "{said}");
    let rooms = |w: &World| -> Vec<Action> {
        w.db.pending(Channel::MATRIX, w.ctx.now, 100)
            .expect("pending")
            .into_iter()
            .map(|i| i.action)
            .collect()
    };
    let named = |w: &World| -> Vec<(String, String)> {
        rooms(w)
            .into_iter()
            .filter_map(|a| match a {
                Action::NameRoom { name, topic, .. } => Some((name, topic)),
                _ => None,
            })
            .collect()
    };
    // Corrected by the lead; refused to others.
    let refused = w.refused(BOB, "!groupe modifier messagrie theme « Tout autre chose »");
    assert!(
        refused.starts_with(
            "Refusé : réservé aux administrateurs et aux membres de l'organisation chef de projet"
        ),
        "{refused}"
    );
    assert_eq!(
        w.must(
            ANNE,
            "!groupe modifier messagrie theme « Messagerie libre »"
        ),
        "Le thème du groupe « Mesagerie libre » est désormais « Messagerie libre »."
    );
    assert_eq!(
        w.must(
            ANNE,
            "!groupe modifier messagrie action « Migrer vers Postfix »"
        ),
        "L'action du groupe « Messagerie libre » est désormais : Migrer vers Postfix"
    );
    assert_eq!(
        w.must(ANNE, "!group edit messagrie slug messagerie"),
        "Le groupe « Messagerie libre » s'appelle désormais messagerie (son salon et sa liste gardent leur adresse)."
    );
    let bad = w.refused(ANNE, "!groupe modifier messagerie couleur bleue");
    assert!(bad.contains("« couleur »"), "{bad}");
    assert_eq!(
        named(&w).last().cloned(),
        Some((
            "Messagerie libre".to_string(),
            "Migrer vers Postfix — chef de projet : Ouest Provence".to_string()
        ))
    );
    // Archived by an admin only: a last notice, the room says so, the
    // group leaves the list of groups.
    let refused = w.refused(ANNE, "!groupe archiver messagerie");
    assert_eq!(refused, "Refusé : réservé aux administrateurs.");
    let said = w.must(ADMIN, "!groupe archiver messagerie");
    assert!(
        said.starts_with("Groupe « Messagerie libre » archivé : il quitte la liste des groupes"),
        "{said}"
    );
    let posted = rooms(&w);
    let notice = posted.iter().rev().find_map(|a| match a {
        Action::PostToRoom { text, .. } => Some(text.clone()),
        _ => None,
    });
    assert!(
        notice
            .as_deref()
            .is_some_and(|t| t.starts_with("Le groupe « Messagerie libre » est archivé")),
        "{posted:?}"
    );
    let (name, topic) = named(&w).pop().expect("named");
    assert_eq!(name, "Messagerie libre (archivé)");
    assert!(
        topic.starts_with("Groupe archivé le 18 novembre 2026."),
        "{topic}"
    );
    assert!(!w.must(ANNE, "!groupe liste").contains("Messagerie libre"));
    assert_eq!(
        w.refused(ADMIN, "!groupe archiver messagerie"),
        "Le groupe « Messagerie libre » est déjà archivé."
    );
    // And back.
    let said = w.must(ADMIN, "!groupe reactiver messagerie");
    assert!(
        said.starts_with("Groupe « Messagerie libre » de nouveau proposé"),
        "{said}"
    );
    assert_eq!(
        named(&w).pop(),
        Some((
            "Messagerie libre".to_string(),
            "Migrer vers Postfix — chef de projet : Ouest Provence".to_string()
        ))
    );
    assert!(w.must(ANNE, "!groupe liste").contains("Messagerie libre"));
}
