//! Issue 38: what the command line prints and what the web pages say go
//! through the same checkers as the commands' answers
//! (commands/tests/corpus.rs): Grammalecte on the French, hunspell on the
//! English. A scripted network (people, a group and a proposal, a meeting
//! with its agenda, answers, a poll, a séance and its approved compte
//! rendu, the catalogue) typed at the console of the real binary; then the
//! clerk's commands (the weekly letters, the compte rendu, the directory's
//! import and export, the usual mistakes and their errors) and every page
//! type of `greffier web`, read as text. docs/french.md says what is
//! checked.

use std::collections::BTreeSet;

use greffier_commands::Lang;
use greffier_corpus::{self as corpus, Corpus};

use crate::support::{Scratch, assert_clean};
use crate::web::{Pages, free_port};

const ADMIN: &str = "@admin:example.test";
const ALICE: &str = "@alice:example.test";
const BRUNO: &str = "bruno@berre.example";

/// The network, in `lang`, its pages on `port`.
fn config(lang: Lang, port: u16) -> String {
    let language = match lang {
        Lang::Fr => "fr",
        Lang::En => "en",
    };
    // The compte rendu is French whatever the language (docs/french.md):
    // the English pages do not publish it.
    let show_names = lang == Lang::Fr;
    format!(
        r#"
[bot]
database = "greffier.db"
language = "{language}"
admins = ["{ADMIN}"]

[groups]
quorum = 3

[web]
listen = "127.0.0.1:{port}"
show_names = {show_names}

[[groups.seed]]
slug = "messagerie"
theme = "{theme}"
lead = "Berre"
members = ["Berre", "Istres", "Arles"]
version = "2.1"
status_text = "{status}"
"#,
        theme = t(lang, "Messagerie libre", "Free mail"),
        status = t(lang, "Migration vers Postfix en cours", "Moving to Postfix"),
    )
}

/// `fr` or `en`: the data the test types is in the bot's language (the
/// English corpus would otherwise read French themes and names).
fn t(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// The lines typed at the console, by whom, in `lang`. French command
/// words: the English bot understands them too (`!aide` lists both).
fn script(lang: Lang) -> Vec<(&'static str, String)> {
    let q = |fr, en| format!("« {} »", t(lang, fr, en));
    vec![
        (ALICE, "!moi nom « Alice Martin »".to_string()),
        (BRUNO, "!moi nom « Bruno Roux »".to_string()),
        (ALICE, "!moi organisation Istres".to_string()),
        (
            ADMIN,
            "!organisation accepter @alice:example.test".to_string(),
        ),
        (BRUNO, "!moi organisation Berre".to_string()),
        (
            ADMIN,
            "!organisation accepter bruno@berre.example".to_string(),
        ),
        (ALICE, "!groupe rejoindre messagerie".to_string()),
        (BRUNO, "!groupe rejoindre messagerie".to_string()),
        (
            BRUNO,
            format!(
                "!groupe proposer vehicules {} action {}",
                q("Gestion des véhicules", "Vehicle fleet"),
                q("Présentation de l'outil", "Presenting the tool")
            ),
        ),
        (ALICE, "!groupe soutenir vehicules".to_string()),
        (
            ADMIN,
            format!(
                "!projet jalon messagerie 2030-03-02 {}",
                q("Bascule des boîtes aux lettres", "Mailbox switchover")
            ),
        ),
        (
            ALICE,
            "!logiciel ajouter Thunderbird statut production".to_string(),
        ),
        (
            BRUNO,
            "!logiciel ajouter Thunderbird statut etude".to_string(),
        ),
        (BRUNO, "!logiciel ajouter Postfix statut projet".to_string()),
        (
            ADMIN,
            format!(
                "!reunion creer {} 2030-01-17 09:30 lieu {} groupe messagerie",
                q("Point messagerie", "Mail review"),
                q("Mairie de Berre", "Berre town hall")
            ),
        ),
        (
            ADMIN,
            format!(
                "!reunion ordre 1 ajouter {}",
                q("Tour de table", "Round table")
            ),
        ),
        (
            ADMIN,
            format!(
                "!reunion ordre 1 ajouter {}",
                q("Calendrier de la bascule", "Switchover calendar")
            ),
        ),
        (ALICE, "!present 1".to_string()),
        (BRUNO, format!("!excuse 1 {}", q("congés", "on holiday"))),
        (
            ADMIN,
            format!(
                "!sondage creer {} 2030-02-04 2030-02-05 groupe messagerie",
                q("Atelier Postfix", "Postfix workshop")
            ),
        ),
        (ALICE, "!sondage voter 1 1".to_string()),
        (ADMIN, "!seance ouvrir 1".to_string()),
        (ADMIN, "!point 1".to_string()),
        (
            ADMIN,
            format!(
                "!note {}",
                q(
                    "Chacun présente son service",
                    "Everyone presents their service"
                )
            ),
        ),
        (ADMIN, "!point 2".to_string()),
        (
            ADMIN,
            format!(
                "!decision {}",
                q("Istres bascule en mars", "Istres switches in March")
            ),
        ),
        (
            ADMIN,
            format!(
                "!action Berre {} echeance 2030-01-31",
                q("Documenter la migration", "Document the migration")
            ),
        ),
        (ADMIN, "!seance clore".to_string()),
        (ADMIN, "!compte-rendu approuver 1".to_string()),
    ]
}

/// A spreadsheet of the directory, as LibreOffice saves it.
fn people(lang: Lang) -> String {
    format!(
        "nom;organisation;email;matrix\n{};Arles;helene.etienne@arles.example;\nBruno Roux;Berre;bruno@berre.example;\n",
        t(lang, "Hélène Étienne", "Helen Stone")
    )
}

/// The command line: what the clerk types, and the usual mistakes.
fn command_line(c: &mut Corpus, s: &Scratch) {
    let csv = s.dir.join("annuaire.csv");
    std::fs::write(&csv, people(c.lang)).expect("the spreadsheet");
    let csv = csv.to_str().expect("a path").to_string();
    let exported = s.dir.join("personnes.csv");
    let exported = exported.to_str().expect("a path").to_string();
    let draft = s.dir.join("cr.md");
    let draft = draft.to_str().expect("a path").to_string();
    let runs: &[&[&str]] = &[
        &["digest"],
        &["digest", "--group", "vehicules"],
        &["digest", "--group", "mesagerie"],
        &["digest", "--group", "zzz"],
        &["digest", "--group", "messagerie", "--send"],
        &["import-people", &csv],
        &["import-people", &csv, "--apply"],
        &["import-people", "/nonexistent/annuaire.csv"],
        &["export", "--csv", "people", "-o", &exported],
        &["minutes", "99"],
        &["minutes", "1", "--send"],
        &["import-minutes", "/dev/null", "--date", "11/06/2007"],
        &["import-minutes", "/dev/null", "--date", "2007-02-30"],
        &["minutes", "1", "--draft", "-o", &draft],
        &["import-minutes", &draft, "--meeting", "1"],
        &["import-minutes", &draft, "--meeting", "9"],
    ];
    for args in runs {
        let out = s.run(args, b"");
        let source = format!("greffier {}", args.join(" "));
        // `minutes` prints the compte rendu: French whatever the language.
        if c.lang == Lang::Fr || args[0] != "minutes" {
            c.add(&source, &String::from_utf8_lossy(&out.stdout));
        }
        c.add(&source, &String::from_utf8_lossy(&out.stderr));
    }
    // The compte rendu, in French whatever the language.
    if c.lang == Lang::Fr {
        let out = s.run(&["minutes", "1"], b"");
        assert_clean(&out);
        c.add("greffier minutes 1", &String::from_utf8_lossy(&out.stdout));
    }
}

/// Every page type, as text.
async fn pages(c: &mut Corpus, s: &Scratch, port: u16) {
    let pages = Pages::start(s, port).await;
    for path in [
        "/",
        "/groupes/messagerie",
        "/groupes/vehicules",
        "/reunions",
        "/reunions/1",
        "/reunions/1/compte-rendu",
        "/logiciels",
        "/sondages/1",
        "/pas/ici",
    ] {
        let html = reqwest::get(format!("{}{path}", pages.base))
            .await
            .expect("an answer")
            .text()
            .await
            .expect("a page");
        let text = corpus::html_text(&html);
        assert!(!text.is_empty(), "{path}: no text");
        c.add(&format!("page {path}"), &text);
    }
}

/// The whole scenario in `lang`: the corpus of the command line and the
/// pages.
async fn scenario(lang: Lang) -> Corpus {
    let port = free_port();
    let name = match lang {
        Lang::Fr => "corpus-fr",
        Lang::En => "corpus-en",
    };
    let s = Scratch::new(name, &config(lang, port));
    for (who, line) in script(lang) {
        let out = s.console(who, &[&line]);
        assert!(
            !out.contains("Erreur") && !out.contains("Error"),
            "{line}: {out}"
        );
    }
    let help = s.console(ADMIN, &["!aide"]);
    let mut vocabulary = BTreeSet::new();
    corpus::vocabulary_from_help(&help, &mut vocabulary);
    // The command line's subcommands and the values its options take.
    vocabulary.extend(
        [
            "digest",
            "minutes",
            "export",
            "import-minutes",
            "import-people",
            "lists",
            "check",
            "groups",
            "people",
            "organisations",
            "attendance",
            "run",
        ]
        .map(String::from),
    );
    // The console's answers are the commands' corpus's; here, what the
    // command line and the pages add.
    let mut c = Corpus::new(lang, vocabulary);
    command_line(&mut c, &s);
    pages(&mut c, &s, port).await;
    c
}

#[tokio::test]
async fn every_french_sentence_of_the_command_line_and_the_pages_passes_grammalecte() {
    let c = scenario(Lang::Fr).await;
    corpus::check_french(
        &c,
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")),
        "cli-and-pages.fr",
    );
}

#[tokio::test]
async fn every_english_sentence_of_the_command_line_and_the_pages_is_spelled() {
    let c = scenario(Lang::En).await;
    corpus::check_english(
        &c,
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")),
        "cli-and-pages.en",
    );
}
