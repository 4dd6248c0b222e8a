//! The console, tried as a new user would (issue "Foundation", must show).

use serde_json::json;

use crate::support::{Scratch, assert_clean};

const CONFIG: &str = r#"
[bot]
admins = ["@admin:example.test"]

[groups]
quorum = 3
"#;

/// `who` declares `org` (pending), and the admin accepts them.
fn accepted(s: &Scratch, who: &str, org: &str) -> String {
    let out = s.console(who, &[&format!("!moi organisation {org}")]);
    assert!(
        out.contains(&format!(
            "vous vous déclarez membre {}",
            greffier_commands::words::de(org)
        )),
        "{out}"
    );
    let ok = s.console(
        "@admin:example.test",
        &[&format!("!organisation accepter {who}")],
    );
    assert!(ok.contains("confirmée"), "{ok}");
    out
}

#[test]
fn a_new_group_from_proposal_to_milestone_shows_in_the_export() {
    let s = Scratch::new("scenario", CONFIG);
    let declared = accepted(&s, "@alice:example.test", "Arles");
    assert!(declared.contains("un administrateur"), "{declared}");
    let out = s.console(
        "@alice:example.test",
        &[
            "!groupe liste",
            "!groupe proposer sig « Système d'information géographique » action \"Présentation de QGIS\"",
        ],
    );
    assert!(out.contains("Aucun groupe pour l'instant"), "{out}");
    assert!(
        out.contains("proposé à l'initiative d'Arles. Soutiens : 1/3"),
        "{out}"
    );

    accepted(&s, "bob@example.test", "Berre");
    let out = s.console("bob@example.test", &["!groupe soutenir sig"]);
    assert!(
        out.contains(
            "Berre soutient le groupe « Système d'information géographique » : 2/3 soutiens."
        ),
        "{out}"
    );

    accepted(&s, "@carol:example.test", "vitrolles");
    let out = s.console(
        "@carol:example.test",
        &["!groupe soutenir Sig", "!groupe liste"],
    );
    assert!(out.contains("Quorum atteint (3/3)"), "{out}");
    assert!(
        out.contains(
            "Groupes actifs :\n• sig — Système d'information géographique (chef de projet : Arles"
        ),
        "{out}"
    );

    let out = s.console(
        "bob@example.test",
        &[
            "!GROUPE REJOINDRE SIG",
            "!groupe info sig",
            "!groupe quitter sig",
        ],
    );
    assert!(
        out.contains("Bienvenue dans le groupe « Système d'information géographique » (sig)"),
        "{out}"
    );
    assert!(
        out.contains("Membres : Arles (alice), Berre (bob)"),
        "{out}"
    );
    assert!(out.contains("Vous avez quitté le groupe « Système d'information géographique » (sig). Berre n'en est plus membre."), "{out}");

    let out = s.console(
        "@alice:example.test",
        &[
            "!groupe chef sig Vitrolles",
            "!projet statut sig \"Serveur cartographique installé\" version 0.1",
        ],
    );
    assert!(
        out.contains(
            "Chef de projet du groupe « Système d'information géographique » : vitrolles."
        ),
        "{out}"
    );
    assert!(out.starts_with("Chef de projet"), "{out}");
    assert!(out.contains("Refusé"), "Arles no longer leads: {out}");

    let out = s.console(
        "@carol:example.test",
        &[
            "!projet statut sig \"Serveur cartographique installé\" version 0.1",
            "!projet jalon sig 2027-01-15 « Première carte en ligne »",
        ],
    );
    assert!(out.contains("enregistré : version 0.1"), "{out}");
    assert!(out.contains("Jalon ajouté"), "{out}");

    assert_eq!(
        s.export(),
        json!({
            "organisations": [
                {"name": "Arles", "kind": null, "domains": []},
                {"name": "Berre", "kind": null, "domains": []},
                {"name": "vitrolles", "kind": null, "domains": []},
            ],
            "people": [
                {"name": "alice", "organisation": "Arles", "membership": "confirmed", "emails": [], "matrix_ids": ["@alice:example.test"]},
                {"name": "bob", "organisation": "Berre", "membership": "confirmed", "emails": ["bob@example.test"], "matrix_ids": []},
                {"name": "carol", "organisation": "vitrolles", "membership": "confirmed", "emails": [], "matrix_ids": ["@carol:example.test"]},
            ],
            "groups": [{
                "slug": "sig",
                "theme": "Système d'information géographique",
                "status": "active",
                "lead": "vitrolles",
                "members": ["Arles", "vitrolles"],
                "supporters": ["Arles", "Berre", "vitrolles"],
                "action": "Présentation de QGIS",
                "version": "0.1",
                "status_text": "Serveur cartographique installé",
                "milestones": [{"date": "2027-01-15", "text": "Première carte en ligne"}],
                "room": null,
                "list": null,
            }],
            "meetings": [],
            "software": [],
            "polls": [],
        })
    );
}

#[test]
fn every_bad_line_gets_one_line_and_nothing_changes() {
    let s = Scratch::new("badinput", CONFIG);
    accepted(&s, "@alice:example.test", "Arles");
    s.console("@alice:example.test", &["!groupe proposer sig \"SIG\""]);
    let before = s.export();

    let mut input: Vec<u8> = Vec::new();
    let lines: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        format!("!groupe info {}", "x".repeat(10 * 1024 * 1024)).into_bytes(),
        b"!groupe rejoindre \xff\xfe messagerie".to_vec(),
        b"!groupe info \"sans fin".to_vec(),
        b"!groupe proposer geo \xc2\xab Sans fin".to_vec(),
        b"!commande-inconnue".to_vec(),
        b"!groupe rejoindre inconnu".to_vec(),
        b"!groupe chef sig Inconnue".to_vec(),
        b"!projet jalon sig 2027-02-30 \"jamais\"".to_vec(),
        b"\x00\x01\x02".to_vec(),
        b"!".to_vec(),
        b"bonjour".to_vec(),
    ];
    for l in &lines {
        input.extend_from_slice(l);
        input.push(b'\n');
    }
    let out = s.run(&["console", "--as", "bob@example.test"], &input);
    assert_clean(&out);
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let answers: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        answers.len(),
        lines.len(),
        "one line per line: {answers:#?}"
    );
    for a in &answers {
        assert!(a.len() < 400, "short answer: {a}");
    }
    assert!(answers[0].starts_with("(ignoré"), "{}", answers[0]);
    assert!(
        answers[1].starts_with("Erreur : ") && answers[1].contains("trop long"),
        "{}",
        answers[1]
    );
    assert!(answers[2].contains("UTF-8"), "{}", answers[2]);
    assert!(
        answers[3].contains("guillemet \" non refermé"),
        "{}",
        answers[3]
    );
    assert!(
        answers[4].contains("UTF-8") || answers[4].contains("guillemet"),
        "{}",
        answers[4]
    );
    assert!(answers[5].contains("commande inconnue"), "{}", answers[5]);
    assert!(
        answers[6].starts_with("Groupe inconnu « inconnu »"),
        "{}",
        answers[6]
    );
    assert!(
        answers[7].starts_with("Organisation inconnue") || answers[7].starts_with("Refusé"),
        "{}",
        answers[7]
    );
    assert!(answers[8].contains("n'existe pas"), "{}", answers[8]);
    assert!(answers[9].starts_with("(ignoré"), "{}", answers[9]);
    assert!(
        answers[10].contains("commande manquante"),
        "{}",
        answers[10]
    );
    assert!(answers[11].starts_with("(ignoré"), "{}", answers[11]);

    assert_eq!(
        s.export(),
        before,
        "refused and malformed commands change nothing"
    );
}

#[test]
fn a_refused_command_changes_nothing() {
    let s = Scratch::new("refused", CONFIG);
    accepted(&s, "@alice:example.test", "Arles");
    s.console("@alice:example.test", &["!groupe proposer sig \"SIG\""]);
    accepted(&s, "@bob:example.test", "Berre");
    let before = s.export();
    let out = s.console(
        "@bob:example.test",
        &[
            "!groupe chef sig Berre",
            "!projet statut sig \"pirate\"",
            "!projet jalon sig 2027-01-01 \"pirate\"",
            "!moi organisation Arles",
            "!groupe soutenir sig",
        ],
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("Refusé")).count(),
        3,
        "{out}"
    );
    assert!(
        out.contains("seul un administrateur peut la changer"),
        "{out}"
    );
    // Only the last line (a support) is a change.
    let after = s.export();
    assert_eq!(after["groups"][0]["supporters"], json!(["Arles", "Berre"]));
    let mut expected = before.clone();
    expected["groups"][0]["supporters"] = json!(["Arles", "Berre"]);
    assert_eq!(after, expected);
}

#[test]
fn english_replies_when_configured() {
    let s = Scratch::new("english", "[bot]\nlanguage = \"en\"\n");
    let out = s.console(
        "@alice:example.test",
        &[
            "!me organisation Arles",
            "!group join nothing",
            "!help join",
        ],
    );
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "Noted, alice: you say you are a member of Arles. (new organisation recorded)",
            "Until it is confirmed, you may join groups and answer your invitations; acting in the name of Arles (support, propose, lead) waits for it; an admin can give it:",
            "!org accept @alice:example.test",
            "Unknown group “nothing” — type !group list",
            "!group join <group> — join a group (your organisation becomes a member)",
        ]
    );
}

#[test]
fn the_root_config_seeds_the_groups_of_the_minutes() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml");
    let dir = std::env::temp_dir().join(format!("greffier-it-seed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("demo.db");
    let out = crate::support::run_with(
        std::path::Path::new(root),
        &db,
        &["console", "--as", "@bob:example.test"],
        "!moi\n!groupe rejoindre messagerie\n".as_bytes(),
    );
    assert_clean(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The demo's users are confirmed members by the demo data.
    assert!(
        stdout
            .contains("Vous êtes Bob (@bob:example.test), organisation : Berre (membre confirmé)."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Bienvenue dans le groupe « Messagerie libre » (messagerie)"),
        "{stdout}"
    );
    // Seeding twice changes nothing.
    let export = |db: &std::path::Path| {
        let out =
            crate::support::run_with(std::path::Path::new(root), db, &["export", "--json"], b"");
        assert_clean(&out);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")
    };
    let first = export(&db);
    assert_eq!(export(&db), first);
    let groups = first["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 9);
    let active: Vec<&str> = groups
        .iter()
        .filter(|g| g["status"] == "active")
        .map(|g| g["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(active, ["openelec", "openfoncier", "openresultat"]);
    let openelec = groups
        .iter()
        .find(|g| g["slug"] == "openelec")
        .expect("openelec");
    assert_eq!(openelec["lead"], "Arles");
    assert_eq!(
        openelec["members"],
        json!(["Arles", "Atreal", "Fos", "Istres", "Libreair", "Miramas"])
    );
    assert_eq!(openelec["version"], "2.03");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Issue 38, must show: the console's answers and the command line's
/// errors in French — "d'Istres", "1 invité", "2 invités", "aucune
/// invitation", dates in words, "9 h 30", the impossible date named as
/// such, and the chat's close names in the command line's errors — then
/// the same command line in English.
#[test]
fn french_at_the_console_and_on_the_command_line() {
    const SEEDED: &str = r#"
[bot]
admins = ["@admin:example.test"]

[[groups.seed]]
slug = "messagerie"
theme = "Messagerie libre"
lead = "Berre"
members = ["Berre", "Istres"]
"#;
    let s = Scratch::new("french-cli", SEEDED);
    let admin = "@admin:example.test";
    // At the console an address is the operator's word: `!moi nom` makes
    // the person (by mail, only a reply to the confirmation does).
    let out = s.console("claire@arles.example", &["!moi nom « Claire Dubois »"]);
    assert_eq!(
        out,
        "Bienvenue, Claire Dubois : le greffier vous connaît désormais à l'adresse claire@arles.example.\n"
    );
    let declared = accepted(&s, "@alice:example.test", "Istres");
    assert!(declared.contains("membre d'Istres"), "{declared}");
    assert!(declared.contains("agir au nom d'Istres"), "{declared}");
    let out = s.console("@alice:example.test", &["!groupe rejoindre messagerie"]);
    assert!(out.contains("Istres en est membre"), "{out}");
    let out = s.console(
        admin,
        &["!reunion creer \"Point messagerie\" 2030-01-17 09:30 groupe messagerie"],
    );
    assert!(
        out.contains("« Point messagerie » — jeudi 17 janvier 2030 à 9 h 30 créée : 1 invité, aucune invitation envoyée par courriel."),
        "{out}"
    );
    accepted(&s, "@bruno:example.test", "Istres");
    s.console("@bruno:example.test", &["!groupe rejoindre messagerie"]);
    let out = s.console(
        admin,
        &[
            "!reunion creer \"Point suivant\" 2030-02-14 14:30 groupe messagerie",
            "!sondage creer \"Choix\" 2030-02-30 2030-03-02",
            "!sondage creer \"Choix\" 2030-03-01 2030-03-04 groupe messagerie",
        ],
    );
    for said in [
        "jeudi 14 février 2030 à 14 h 30 créée : 2 invités, aucune invitation envoyée par courriel.",
        "la date « 2030-02-30 » n'existe pas",
        "1. vendredi 1er mars 2030",
        "avant le 28 février 2030",
        "Sans heure indiquée, la réunion sera fixée à 9 h 30",
    ] {
        assert!(out.contains(said), "{said:?} in:\n{out}");
    }
    for bad in ["(s)", "09:30", "2030-01-17 ", "de Istres"] {
        assert!(!out.contains(bad), "{bad:?} in:\n{out}");
    }

    // The command line, in the bot's language, with the chat's close names.
    let err = |args: &[&str]| {
        let out = s.run(args, b"");
        assert!(!out.status.success(), "{args:?} succeeded");
        String::from_utf8(out.stderr).expect("utf-8")
    };
    assert_eq!(
        err(&["digest", "--group", "mesagerie"]),
        "greffier : Groupe inconnu « mesagerie » — vouliez-vous dire « messagerie » ?\n"
    );
    assert_eq!(
        err(&["digest", "--group", "zzz"]),
        "greffier : Groupe inconnu « zzz » — greffier export --csv groups les énumère\n"
    );
    assert_eq!(
        err(&["import-minutes", "/dev/null", "--date", "11/06/2007"]),
        "greffier : --date « 11/06/2007 » : une date s'écrit AAAA-MM-JJ, ici « --date 2007-06-11 »\n"
    );
    assert_eq!(
        err(&["minutes", "99"]),
        "greffier : il n'y a pas de réunion n°99\n"
    );
    assert_eq!(
        err(&["import-people", "/nonexistent/annuaire.csv"]),
        "greffier : impossible de lire /nonexistent/annuaire.csv : le fichier n'existe pas\n"
    );
    // `digest --send` says what it queued: nothing, without a room or list.
    let out = s.run(&["digest", "--group", "Messagerie libre", "--send"], b"");
    assert_clean(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "greffier : aucune lettre n'est partie : aucun groupe n'a de salon ni de liste où l'envoyer\n"
    );

    // The same database, the bot configured in English.
    let english = s.dir.join("english.toml");
    std::fs::write(
        &english,
        SEEDED.replace("[bot]", "[bot]\nlanguage = \"en\""),
    )
    .expect("write");
    let database = s.dir.join("greffier.db");
    let out = crate::support::run_with(
        &english,
        &database,
        &["digest", "--group", "mesagerie"],
        b"",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "greffier: Unknown group “mesagerie” — did you mean “messagerie”?\n"
    );
}
