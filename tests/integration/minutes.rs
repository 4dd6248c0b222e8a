//! `greffier import-minutes` on the founding meeting's minutes.

use serde_json::Value;

use crate::mailserver::{GroupSetup, MAIL_SERVER};
use crate::support::{Scratch, assert_clean};
use crate::synapse::SERVER;

const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/minutes/2007-06-11-conference-dsi-13.txt"
);

fn scratch(name: &str) -> Scratch {
    Scratch::new(
        name,
        "[bot]\ndatabase = \"greffier.db\"\nadmins = [\"@admin:example.test\"]\n",
    )
}

fn import(s: &Scratch, file: &str) -> String {
    let out = s.run(&["import-minutes", file], b"");
    assert_clean(&out);
    String::from_utf8(out.stdout).expect("utf-8")
}

fn group<'a>(e: &'a Value, slug: &str) -> &'a Value {
    e["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["slug"] == slug)
        .unwrap_or_else(|| panic!("no group {slug}: {e}"))
}

/// An export without the meetings' records: two files of the same
/// meeting (the typed minutes, greffier's Markdown of them, a PDF copy)
/// give the same state, each kept as its own text.
fn without_record(mut e: Value) -> Value {
    for m in e["meetings"].as_array_mut().expect("meetings") {
        m.as_object_mut().expect("a meeting").remove("record");
    }
    e
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_str().unwrap_or_default())
        .collect()
}

#[test]
fn the_founding_minutes_import_into_the_whole_state() {
    let s = scratch("minutes-seed");
    let summary = import(&s, SEED);
    // Section 1.1 is not modelled: kept as the meeting's notes, and said.
    assert!(
        summary.contains("Gardé tel quel comme notes de la réunion (2) :\n  ~ section « 1.1 Echanges sur l'adullact entre les adhérents adullact: » (lignes 41 à 49)\n  ~ section 1.2 : 16 éléments sans logiciel en service (lignes 56, 57, 58, 60, 62, 64, 67, 68, 69, 70, 71, 72, 73, 74, 75 et 76)\nCompte rendu gardé tel qu'il est écrit, approuvé (version 1).\nLe reste a été compris."),
        "{summary}"
    );
    assert!(!summary.contains("Tout a été compris"), "{summary}");
    let e = s.export();

    let meetings = e["meetings"].as_array().expect("meetings");
    assert_eq!(meetings.len(), 1);
    let m = &meetings[0];
    assert_eq!(m["title"], "1ère Conférence DSI 13");
    assert!(
        m["starts_at"]
            .as_str()
            .is_some_and(|t| t.starts_with("2007-06-11")),
        "{m}"
    );
    assert!(
        m["place"]
            .as_str()
            .is_some_and(|p| p.to_lowercase().contains("istres")),
        "{m}"
    );
    assert_eq!(m["organiser"], "Ouest Provence");
    assert_eq!(m["minute_taker"], "François RAYNAUD");
    let rsvps = m["rsvps"].as_array().expect("rsvps");
    let of = |status: &str| -> (usize, std::collections::BTreeSet<&str>) {
        let r: Vec<&Value> = rsvps.iter().filter(|r| r["status"] == status).collect();
        (
            r.len(),
            r.iter()
                .map(|r| r["organisation"].as_str().unwrap_or_default())
                .collect(),
        )
    };
    let (present, present_orgs) = of("present");
    assert_eq!((present, present_orgs.len()), (14, 10), "{present_orgs:?}");
    let (excused, excused_orgs) = of("excused");
    assert_eq!((excused, excused_orgs.len()), (7, 7), "{excused_orgs:?}");
    assert!(excused_orgs.contains("Lancon de Provence") && excused_orgs.contains("C.A. Aix"));
    assert!(rsvps.iter().all(|r| r["channel"] == "import"));

    let active: Vec<&str> = e["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|g| g["status"] == "active")
        .map(|g| g["slug"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(active, ["openelec", "openfoncier", "openresultat"]);
    let openelec = group(&e, "openelec");
    assert_eq!(openelec["lead"], "Arles");
    assert_eq!(
        names(&openelec["members"]),
        ["Arles", "Atreal", "Fos", "Istres", "Libreair", "Miramas"]
    );
    assert!(
        openelec["status_text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Version 2.03"))
    );
    let openfoncier = group(&e, "openfoncier");
    assert_eq!(
        openfoncier["lead"],
        Value::Null,
        "no chef de projet in the table"
    );
    assert_eq!(
        names(&openfoncier["members"]),
        [
            "Arles",
            "Chateauneuf les Martigues",
            "Generale Infographie",
            "Libreair",
            "Saint Martin de Crau",
            "Vitrolles"
        ]
    );

    for (slug, initiative, action) in [
        (
            "deliberations",
            "Istres",
            "Presentation plonedeliberation par ATREAL",
        ),
        ("courrier", "Arles", "Presentation openCourrier"),
        ("main-courante", "Berre", "Demonstration de l application"),
        ("vehicules", "Berre", "Demonstration de l application"),
        ("ocs-inventory", "Berre", "Presentation de l application"),
        (
            "messagerie",
            "Berre",
            "Presentation de la solution postfix – e-groupware",
        ),
    ] {
        let g = group(&e, slug);
        assert_eq!(g["status"], "proposed", "{slug}");
        assert_eq!(g["lead"], initiative, "{slug}");
        assert_eq!(names(&g["supporters"]), [initiative], "{slug}");
        assert_eq!(g["action"], action, "{slug}");
    }
    assert_eq!(
        names(&group(&e, "messagerie")["members"]),
        ["Arles", "Berre", "Vitrolles"]
    );

    // Section 1.2 into the catalogue.
    let uses = |software: &str| -> Vec<(String, String)> {
        e["software"]
            .as_array()
            .expect("software")
            .iter()
            .find(|s| s["name"] == software)
            .unwrap_or_else(|| panic!("no {software} in {}", e["software"]))["users"]
            .as_array()
            .expect("users")
            .iter()
            .map(|u| {
                (
                    u["organisation"].as_str().unwrap_or_default().to_string(),
                    u["status"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    };
    let pair = |o: &str, s: &str| (o.to_string(), s.to_string());
    assert_eq!(uses("Koha"), [pair("Ouest Provence", "production")]);
    assert!(uses("OpenElec").contains(&pair("Istres", "production")));
    assert_eq!(uses("SPIP"), [pair("Vitrolles", "production")]);
    assert_eq!(uses("OpenOffice"), [pair("Berre", "projet")]);
    // Only what a line says an organisation runs: not what Vitrolles
    // compared before choosing SPIP (Plone, Typo3), not the "gelec" Berre
    // tried to collaborate on without an answer, not Istres' trainings
    // and reflections (plone, plonedeliberation, openoffice).
    let named: Vec<&str> = e["software"]
        .as_array()
        .expect("software")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    for absent in ["Typo3", "Plone", "gelec", "plonedeliberation"] {
        assert!(!named.contains(&absent), "{absent} in {named:?}");
    }
    assert_eq!(uses("e-groupware"), [pair("Berre", "production")]);
    assert_eq!(uses("Postfix"), [pair("Berre", "production")]);
    assert_eq!(uses("OCS Inventory"), [pair("Berre", "production")]);
    let ocs = e["software"]
        .as_array()
        .expect("software")
        .iter()
        .find(|s| s["name"] == "OCS Inventory")
        .expect("OCS Inventory");
    assert_eq!(ocs["group"], "ocs-inventory");
    assert!(
        summary.contains("logiciel « osc inventory » (ligne 80) lu comme OCS Inventory"),
        "{summary}"
    );
}

#[test]
fn importing_twice_changes_nothing_and_the_groups_are_usable() {
    let s = scratch("minutes-twice");
    import(&s, SEED);
    let first = s.export();
    let again = import(&s, SEED);
    assert!(again.contains("Créé (0)"), "{again}");
    assert_eq!(s.export(), first);

    let out = s.console(
        "@marie:example.test",
        &[
            "!moi organisation Martigues",
            "!groupe rejoindre messagerie",
        ],
    );
    assert!(
        out.contains("Bienvenue dans le groupe « Messagerie libre »"),
        "{out}"
    );
}

#[test]
fn a_file_that_is_not_minutes_is_reported() {
    let s = scratch("minutes-garbage");
    let file = s.dir.join("garbage.txt");
    std::fs::write(&file, "bonjour\n\tpas\tun\ttableau\n").expect("write");
    let out = s.run(&["import-minutes", file.to_str().expect("path")], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("aucune date trouvée sous le titre ; donnez-les avec --title et --date (et --place) ; rien n'est importé"),
        "{stderr}"
    );
    assert_eq!(s.export()["groups"], serde_json::json!([]));
    let binary = s.dir.join("binary.txt");
    std::fs::write(&binary, [0xff, 0xfe, 0x00]).expect("write");
    let out = s.run(&["import-minutes", binary.to_str().expect("path")], b"");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ce n'est pas du texte UTF-8"));
}

#[test]
fn the_written_minutes_import_back_to_the_same_state() {
    let first = scratch("minutes-write");
    import(&first, SEED);
    let out = first.run(&["minutes", "1", "--draft"], b"");
    assert_clean(&out);
    let written = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        written.starts_with("# 1ère Conférence DSI 13\n\n11 juin 2007\n"),
        "{written}"
    );
    assert!(written.contains("\n- Mr BUZIN, Miramas\n"), "{written}");
    assert!(
        written.contains("\n- Laurence OLIVIER Gardanne\n"),
        "{written}"
    );
    // The groups as a real Markdown table.
    assert!(
        written.contains("| Thème | Villes | Initialisation | Action |\n|---|---|---|---|\n| Gestion du courrier | Berre, Fos, Martigues, Ouest Provence, Vitrolles | Arles | Presentation openCourrier |"),
        "{written}"
    );

    let second = scratch("minutes-reread");
    let file = second.dir.join("compte-rendu.md");
    std::fs::write(&file, &written).expect("write");
    assert!(
        written.contains("### 1.2 Les projets libres dans les collectivités\n\n- Berre :\n  - « e-groupware » : opérationnel"),
        "{written}"
    );
    let summary = import(&second, file.to_str().expect("path"));
    assert!(summary.contains("Le reste a été compris."), "{summary}");
    assert!(
        written.contains("1.1 Echanges sur l'adullact entre les adhérents adullact:\\\n- Ouest Provence : n'a pas trouvé d'avantage"),
        "{written}"
    );
    // The catalogue included.
    assert!(
        first.export()["software"]
            .as_array()
            .is_some_and(|s| s.len() > 10)
    );
    // The same state; the record of each is its own text (the typed
    // minutes there, greffier's Markdown here), so their hashes differ.
    assert_eq!(
        without_record(second.export()),
        without_record(first.export())
    );
    // The notes and the catalogue come back whole: the second database
    // writes the same compte rendu.
    let again = second.run(&["minutes", "1", "--draft"], b"");
    assert_clean(&again);
    assert_eq!(String::from_utf8(again.stdout).expect("utf-8"), written);

    let html = first.run(&["minutes", "1", "--format", "html", "--draft"], b"");
    assert_clean(&html);
    let html = String::from_utf8(html.stdout).expect("utf-8");
    assert!(
        html.contains("<table>")
            && html.contains("<td>Messagerie libre</td>")
            && html.contains("<h2>Étaient présents</h2>"),
        "{html}"
    );
    let missing = first.run(&["minutes", "99"], b"");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("il n'y a pas de réunion n°99"));
}

const PDF: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/minutes/2007-06-11-conference-dsi-13.pdf.txt"
);

/// The PDF text copy lost its first page's header: without it, nothing is
/// imported, and the error says what to give.
#[test]
fn a_pdf_copy_without_its_header_is_refused_whole() {
    let s = scratch("minutes-pdf-bare");
    let out = s.run(&["import-minutes", PDF], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("le compte rendu commence à la ligne 1, sans son titre, sa date ni son lieu ; donnez-les avec --title et --date (et --place) ; rien n'est importé"),
        "{stderr}"
    );
    let e = s.export();
    assert_eq!(
        (&e["meetings"], &e["groups"], &e["people"]),
        (
            &serde_json::json!([]),
            &serde_json::json!([]),
            &serde_json::json!([])
        ),
        "nothing half imported: {e}"
    );
    // An option that contradicts the file is an error too.
    let out = s.run(&["import-minutes", SEED, "--date", "2007-06-12"], b"");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "--date 2007-06-12 : le fichier est daté du 11 juin 2007, pas du 12 juin 2007"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(s.export()["meetings"], serde_json::json!([]));
}

fn import_pdf(s: &Scratch) -> String {
    let out = s.run(
        &[
            "import-minutes",
            PDF,
            "--title",
            "1ère Conférence DSI 13",
            "--date",
            "2007-06-11",
            "--place",
            "Istres",
        ],
        b"",
    );
    assert_clean(&out);
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A table whose rows cannot be read is reported with its line, and
/// nothing of the file is imported.
#[test]
fn an_unreadable_table_imports_nothing() {
    let s = scratch("minutes-bad-table");
    let file = s.dir.join("bad.txt");
    std::fs::write(
        &file,
        "Etaient présents:\n- Anne MARTIN, Arles\n\n2.1Groupes existants\n\ntheme Villes Chef de projet Action\nOpenElec\n\nVersion 2.03 septembre\n",
    )
    .expect("write");
    let path = file.to_str().expect("path");
    let out = s.run(
        &[
            "import-minutes",
            path,
            "--title",
            "Essai",
            "--date",
            "2007-06-11",
        ],
        b"",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("un tableau des groupes n'a pas pu être lu ; rien n'est importé")
            && stderr.contains("ligne 7 : aucune organisation après le thème « OpenElec »"),
        "{stderr}"
    );
    let e = s.export();
    assert_eq!(
        (&e["meetings"], &e["people"]),
        (&serde_json::json!([]), &serde_json::json!([]))
    );
}

/// The PDF copy, its header given, reads to the state of the original (its
/// one cell-per-line tables, "−" bullets and lost apostrophes included),
/// up to the theme it writes in the singular; twice changes nothing, and
/// after the original it changes nothing either.
#[test]
fn the_pdf_copy_imports_to_the_state_of_the_original() {
    let original = scratch("minutes-original");
    import(&original, SEED);
    let want = original.export();
    let copy = scratch("minutes-copy");
    let summary = import_pdf(&copy);
    assert!(summary.contains("Le reste a été compris."), "{summary}");
    let got = without_record(copy.export());
    let mut want = without_record(want);
    for g in want["groups"].as_array_mut().expect("groups") {
        if g["slug"] == "deliberations" {
            g["slug"] = "deliberation".into();
            g["theme"] = "Gestion des délibération".into();
        }
    }
    assert_eq!(got, want);
    let again = import_pdf(&copy);
    assert!(again.contains("Créé (0)"), "{again}");
    assert_eq!(without_record(copy.export()), got);

    let summary = import_pdf(&original);
    assert!(summary.contains("Créé (0)"), "{summary}");
    assert!(
        summary.contains("groupe deliberations (« Gestion des délibération » lu comme « Gestion des délibérations »)"),
        "{summary}"
    );
    let before = want.clone();
    let after = without_record(original.export());
    assert_eq!(after["people"], before["people"]);
    assert_eq!(after["software"], before["software"]);
    assert_eq!(after["meetings"], before["meetings"]);
    assert!(
        after["groups"]
            .as_array()
            .is_some_and(|g| g.iter().any(|g| g["slug"] == "deliberations"))
    );
}

/// What the seed's organisations run, pooled: software that several run
/// and no group covers, in the overall digest.
#[test]
fn the_overall_digest_pools_the_seeds_software() {
    let s = scratch("minutes-pooling");
    import(&s, SEED);
    // The 2007 minutes say only Berre runs (moves to) OpenOffice; Istres
    // says it runs it too.
    let said = s.console(
        "@admin:example.test",
        &["!logiciel ajouter OpenOffice statut production pour Istres"],
    );
    assert!(said.contains("C'est noté : Istres — OpenOffice"), "{said}");
    let out = s.run(&["digest"], b"");
    assert_clean(&out);
    let printed = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        printed.contains(
            "À mutualiser : logiciels utilisés par plusieurs organisations, sans groupe de travail :\n\
             • OpenOffice : Berre (migration), Istres — aucun groupe de travail\n  \
             !groupe proposer openoffice « OpenOffice »"
        ),
        "{printed}"
    );
    // OpenElec and OCS Inventory have their group.
    assert!(
        !printed.contains("• OpenElec :") && !printed.contains("• OCS Inventory :"),
        "{printed}"
    );
}

#[tokio::test]
async fn minutes_are_sent_to_the_groups_room_and_list() {
    let _mail = MAIL_SERVER.read().await;
    let _matrix = SERVER.read().await;
    let GroupSetup {
        mut alice,
        mut bot,
        bot_matrix,
        room,
        list,
    } = GroupSetup::new(
        "minutes-send",
        &["Arles"],
        &[
            "!moi organisation Arles",
            "!groupe rejoindre courrier",
            "!reunion creer « Point courrier » 2030-12-03 10:00 groupe courrier",
            "!present 1",
        ],
    )
    .await;
    let out = bot.scratch.run(&["minutes", "1", "--send"], b"");
    assert_clean(&out);
    let written = String::from_utf8(out.stdout).expect("utf-8");
    assert!(written.contains("Point courrier"), "{written}");

    let bot_id = bot_matrix.as_str().to_string();
    let posted = alice
        .wait_for("the minutes in the room", |s| {
            s.room == room && s.sender() == bot_id && s.body().contains("Étaient présents")
        })
        .await;
    assert!(posted.body().contains("Arles"), "{}", posted.body());
    let mail = list
        .wait_for("the minutes on the list", |m| {
            m.body().contains("Étaient présents")
        })
        .await;
    assert!(mail.body().contains("Point courrier"), "{}", mail.body());
    bot.stop().await;
}

/// Every section of the founding compte rendu as it was written (the
/// record), with its accents: what a reader of the .odt and of the .pdf
/// must find.
const RECORD_SECTIONS: [&str; 14] = [
    "1ère Conférence DSI 13",
    "11 Juin 2007",
    "ISTRES (ouest Provence)",
    "Rédacteur M. François RAYNAUD",
    "Arles, le 12 Juin 2007",
    "Etaient présents:",
    "Louis MORALES, Antoine LAMOGLIA, Valérie HENRY, Ouest Provence",
    "Laurence OLIVIER GARDANNE",
    "la réunion a pour but de faire le point sur les projets logiciels libres",
    "1.1 Echanges sur l'adullact entre les adhérents adullact:",
    "Vitrolles a choisi SPIP comme CMS après avoir étudié les produits existants",
    "Berre est équipé d'une messagerie libre : e-groupware – postfix",
    "2.1 Groupes existants",
    "Il est propose une nouvelle rencontre en octobre 2007",
];

/// The sections of the draft greffier writes from the registry.
const DRAFT_SECTIONS: [&str; 14] = [
    "1ère Conférence DSI 13",
    "11 juin 2007",
    "Rédacteur",
    "Étaient présents",
    "Antoine LAMOGLIA, Louis MORALES, Valérie HENRY, Ouest Provence",
    "Absents excusés",
    "Laurence OLIVIER Gardanne",
    "Organisée à l'initiative d'Ouest Provence.",
    "1.1 Echanges sur l'adullact entre les adhérents adullact:",
    "« e-groupware » : opérationnel",
    "2.1 Groupes existants",
    "2.2 Nouveaux groupes",
    "Presentation de la solution postfix – e-groupware",
    "Il est propose une nouvelle rencontre en octobre 2007",
];

/// Whitespace folded: a reader breaks lines and cells where it likes.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_compte_rendu_opens_in_libreoffice_and_reads_back_from_its_pdf() {
    let s = scratch("minutes-office");
    import(&s, SEED);
    for (version, sections) in [("record", &RECORD_SECTIONS), ("draft", &DRAFT_SECTIONS)] {
        read_office_files(&s, version, sections);
    }
}

/// Writes the compte rendu of meeting 1 (`version`: the record, or the
/// draft) as .odt and .pdf, and reads them back with LibreOffice and
/// poppler: every section is there.
fn read_office_files(s: &Scratch, version: &str, sections: &[&str]) {
    let odt = s.dir.join(format!("{version}.odt"));
    let pdf = s.dir.join(format!("{version}.pdf"));
    for (format, file) in [("odt", &odt), ("pdf", &pdf)] {
        let mut args = vec![
            "minutes",
            "1",
            "--format",
            format,
            "-o",
            file.to_str().expect("path"),
        ];
        if version == "draft" {
            args.push("--draft");
        }
        let out = s.run(&args, b"");
        assert_clean(&out);
    }
    // The ODT as a DSI's LibreOffice reads it (its own profile, so that
    // tests may run side by side).
    let profile = format!("file://{}", s.dir.join("lo-profile").display());
    let out = std::process::Command::new("soffice")
        .args(["--headless", &format!("-env:UserInstallation={profile}")])
        .args(["--convert-to", "txt:Text", "--outdir"])
        .arg(&s.dir)
        .arg(&odt)
        .output()
        .expect("soffice (scripts/test installs Debian's libreoffice-writer-nogui)");
    assert!(out.status.success(), "{out:?}");
    let text =
        std::fs::read_to_string(s.dir.join(format!("{version}.txt"))).expect("LibreOffice's text");
    // The PDF as poppler reads it.
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (scripts/test installs Debian's poppler-utils)");
    assert!(out.status.success(), "{out:?}");
    let from_pdf = String::from_utf8(out.stdout).expect("utf-8");
    for (reader, read) in [
        ("LibreOffice", words(&text)),
        ("pdftotext", words(&from_pdf)),
    ] {
        for section in sections {
            assert!(
                read.contains(&words(section)),
                "{reader} does not find {section:?} in the {version}:\n{read}"
            );
        }
    }
    // Every group of both tables, in both.
    for theme in ["openResultat", "Messagerie libre", "OCS Inventory"] {
        assert!(text.contains(theme) && from_pdf.contains(theme), "{theme}");
    }
    // The PDF carries its fonts: poppler lists them embedded.
    let fonts = std::process::Command::new("pdffonts")
        .arg(&pdf)
        .output()
        .expect("pdffonts");
    let fonts = String::from_utf8_lossy(&fonts.stdout).to_string();
    let embedded: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!embedded.is_empty(), "{fonts}");
    assert!(
        embedded
            .iter()
            .all(|l| l.contains("DejaVuSans") && l.contains(" yes yes yes ")),
        "{fonts}"
    );
    // A picture of page 1 reads (pdftoppm draws it).
    let out = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "40", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(s.dir.join(format!("{version}-page")))
        .output()
        .expect("pdftoppm");
    assert!(out.status.success(), "{out:?}");
    let png = std::fs::read(s.dir.join(format!("{version}-page-1.png"))).expect("page 1");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "{}",
        png.len()
    );
}

#[test]
fn an_imported_compte_rendu_is_a_record_that_ordinary_commands_do_not_change() {
    let s = scratch("minutes-record");
    let summary = import(&s, SEED);
    assert!(
        summary.contains("Compte rendu gardé tel qu'il est écrit, approuvé (version 1)."),
        "{summary}"
    );
    let seed = std::fs::read_to_string(SEED).expect("the seed");
    let read = |s: &Scratch, args: &[&str]| {
        let out = s.run(args, b"");
        assert_clean(&out);
        out.stdout
    };
    // The record is the text as it was written, every line of it.
    let before = read(&s, &["minutes", "1"]);
    assert_eq!(String::from_utf8(before.clone()).expect("utf-8"), seed);
    let pdf = |s: &Scratch| {
        let file = s.dir.join("cr.pdf");
        read(
            s,
            &[
                "minutes",
                "1",
                "--format",
                "pdf",
                "-o",
                file.to_str().expect("path"),
            ],
        );
        std::fs::read(&file).expect("the pdf")
    };
    let (pdf_before, html_before) = (pdf(&s), read(&s, &["minutes", "1", "--format", "html"]));
    let draft_before = read(&s, &["minutes", "1", "--draft"]);
    let record = s.export()["meetings"][0]["record"].clone();
    assert_eq!(record["state"], "approuve");
    assert_eq!(
        record["approved_by"],
        Value::Null,
        "imported, not approved by anyone here"
    );
    // Ordinary commands change the groups, their lead and status, the
    // catalogue.
    let commands = "!groupe chef openfoncier Arles\n\
                    !projet statut openelec « Version 3 en recette »\n\
                    !logiciel ajouter Koha statut production pour Arles\n";
    let out = s.run(
        &["console", "--as", "@admin:example.test"],
        commands.as_bytes(),
    );
    assert_clean(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        !said.contains("Refusé") && !said.contains("introuvable"),
        "{said}"
    );
    assert_ne!(
        read(&s, &["minutes", "1", "--draft"]),
        draft_before,
        "{said}"
    );
    // The compte rendu of record, in every format, is what it was.
    assert_eq!(read(&s, &["minutes", "1"]), before);
    assert_eq!(read(&s, &["minutes", "1", "--format", "html"]), html_before);
    assert_eq!(pdf(&s), pdf_before);
    assert_eq!(s.export()["meetings"][0]["record"], record);
    // Importing the same file again keeps the record as it is.
    let again = import(&s, SEED);
    assert!(
        again.contains("Compte rendu déjà enregistré tel quel (version 1)."),
        "{again}"
    );
}

/// The rédacteur edits the compte rendu in any editor and reads it back:
/// what changed is shown before it is applied; applied, it is the version
/// under review, which approval freezes as it is (here a rectificatif of
/// the 2007 record, which stays the official text until then).
#[test]
fn an_edited_compte_rendu_is_shown_then_put_under_review() {
    let s = scratch("minutes-edited");
    import(&s, SEED);
    let seed = std::fs::read_to_string(SEED).expect("the seed");
    let edited = seed.replace(
        "Il est propose une nouvelle rencontre en octobre 2007",
        "Il est proposé une nouvelle rencontre en octobre 2007.\nRectificatif : Sete était représentée par M. BRUNETTI.",
    );
    let file = s.dir.join("cr.txt");
    std::fs::write(&file, &edited).expect("the edited file");
    let path = file.to_str().expect("path");
    let shown = s.run(&["import-minutes", path, "--meeting", "1"], b"");
    assert_clean(&shown);
    let shown = String::from_utf8(shown.stdout).expect("utf-8");
    assert_eq!(
        shown,
        "Changements (3) :\n- Il est propose une nouvelle rencontre en octobre 2007\n+ Il est proposé une nouvelle rencontre en octobre 2007.\n+ Rectificatif : Sete était représentée par M. BRUNETTI.\nRien n'est appliqué : relancez avec --apply pour mettre ce texte en relecture.\n"
    );
    let official = |s: &Scratch| {
        let out = s.run(&["minutes", "1"], b"");
        assert_clean(&out);
        String::from_utf8(out.stdout).expect("utf-8")
    };
    assert_eq!(official(&s), seed, "nothing applied");
    let applied = s.run(&["import-minutes", path, "--meeting", "1", "--apply"], b"");
    assert_clean(&applied);
    let applied = String::from_utf8(applied.stdout).expect("utf-8");
    assert!(
        applied.ends_with("Appliqué : le compte rendu de la réunion n°1 est en relecture (version 2) ; son approbation le fige tel quel.\n"),
        "{applied}"
    );
    assert_eq!(
        official(&s),
        seed,
        "the approved text stays official until approval"
    );
    let said = s.console("@admin:example.test", &["!compte-rendu approuver 1"]);
    assert!(
        said.contains("(version 2) ; la version 1 reste consultable, inchangée"),
        "{said}"
    );
    assert_eq!(official(&s), edited, "the edited text, byte for byte");
    // Kept as plain text, as it was written: its HTML keeps its lines.
    let html = s.run(&["minutes", "1", "--format", "html"], b"");
    assert_clean(&html);
    let html = String::from_utf8(html.stdout).expect("utf-8");
    assert!(
        html.contains("Il est proposé une nouvelle rencontre en octobre 2007.<br>Rectificatif : Sete était représentée par M. BRUNETTI."),
        "{html}"
    );
    // The same file again: nothing to change.
    let again = s.run(&["import-minutes", path, "--meeting", "1"], b"");
    assert_clean(&again);
    assert_eq!(
        String::from_utf8(again.stdout).expect("utf-8"),
        "Aucun changement : le fichier est le texte en cours.\n"
    );
    let missing = s.run(&["import-minutes", path, "--meeting", "9"], b"");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("il n'y a pas de réunion n°9"));
}

/// What an import reads into the catalogue is marked as read from that
/// compte rendu, until a member says it again (or removes it).
#[test]
fn the_catalogue_read_from_a_compte_rendu_waits_for_a_member() {
    let s = scratch("minutes-source");
    import(&s, SEED);
    let koha = |s: &Scratch| {
        s.export()["software"]
            .as_array()
            .expect("software")
            .iter()
            .find(|x| x["name"] == "Koha")
            .expect("Koha")["users"][0]
            .clone()
    };
    assert_eq!(koha(&s)["source"], "compte rendu du 11 juin 2007");
    let said = s.console("@admin:example.test", &["!logiciel qui Koha"]);
    assert!(
        said.contains("Ouest Provence [lu dans le compte rendu du 11 juin 2007, à confirmer]"),
        "{said}"
    );
    // Importing again changes nothing; a member's word confirms it.
    let again = import(&s, SEED);
    assert!(again.contains("Créé (0)"), "{again}");
    assert_eq!(koha(&s)["source"], "compte rendu du 11 juin 2007");
    let said = s.console(
        "@admin:example.test",
        &["!logiciel ajouter Koha statut production pour « Ouest Provence »"],
    );
    assert!(
        said.contains(
            "C'est confirmé : Ouest Provence — Koha, en production (lu dans un compte rendu)."
        ),
        "{said}"
    );
    assert_eq!(koha(&s).get("source"), None, "confirmed");
    let said = s.console("@admin:example.test", &["!logiciel qui Koha"]);
    assert!(!said.contains("à confirmer"), "{said}");
}
