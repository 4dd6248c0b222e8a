//! The directory against the real mail servers: from the seed minutes'
//! import, an admin gives Louis MORALES (Ouest Provence) an address;
//! greffier writes to it at once (its welcome mail, a meeting's
//! invitation); a signed command from it before he answered the welcome
//! mail is held as unproven mail is; his "Je serai présent" in reply to
//! the invitation counts, and proves the address.

use crate::mailserver::{Account, MAIL_SERVER, MailBot, answering, new_id, send, thunderbird};
use crate::support::{Scratch, assert_clean};

#[tokio::test]
async fn a_person_of_the_minutes_is_reached_at_the_address_an_admin_gives() {
    let _server = MAIL_SERVER.read().await;
    let mut bot = MailBot::new("directory-louis").await;
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/minutes/2007-06-11-conference-dsi-13.txt"
    );
    assert_clean(&bot.scratch.run(&["import-minutes", seed], b""));
    bot.start();
    let louis = Account::new("louis").await;
    let out = bot.scratch.console(
        "@admin:example.test",
        &[&format!(
            "!personne adresse Louis MORALES {}",
            louis.address
        )],
    );
    assert!(
        out.contains(&format!(
            "Adresse {} déclarée pour Louis MORALES",
            louis.address.to_lowercase()
        )),
        "{out}"
    );
    let welcome = louis
        .wait_for("the welcome mail", |m| m.subject().starts_with("Bienvenue"))
        .await;
    assert!(
        welcome.body().contains("répondez simplement à ce message")
            && !welcome.body().contains("Matrix"),
        "{}",
        welcome.body()
    );

    // A signed command before he answered the welcome mail: held.
    let held = bot.ask(&louis, "!groupe rejoindre messagerie").await;
    assert!(
        held.body().contains("Rien n'a encore été fait pour"),
        "{}",
        held.body()
    );

    // A meeting of the network invites him at that address.
    let out = bot.scratch.console(
        "@admin:example.test",
        &["!reunion creer « Conférence DSI » 2030-12-03 09:30"],
    );
    assert!(out.contains("1 invitation envoyée par courriel"), "{out}");
    let invitation = louis
        .wait_for("the invitation", |m| m.subject().starts_with("Invitation"))
        .await;
    let invitation_id = invitation.message_id().expect("a Message-ID");
    // He answers it as Thunderbird writes a reply: it counts.
    let answer = reply(
        &bot,
        &louis,
        "Louis MORALES",
        "Re: Invitation : Conférence DSI",
        &invitation_id,
        "Je serai présent.\n\nLouis",
    )
    .await;
    assert!(
        answer.body().contains("présence annoncée"),
        "{}",
        answer.body()
    );
    let export = bot.export();
    let meeting = export["meetings"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["title"] == "Conférence DSI"))
        .expect("the meeting")
        .clone();
    let rsvp = meeting["rsvps"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["person"] == "Louis MORALES"))
        .expect("Louis's answer")
        .clone();
    assert_eq!(rsvp["status"], "present", "{rsvp}");
    // The address is now his, verified: `!personne info` says so.
    let out = bot
        .scratch
        .console("@admin:example.test", &["!personne info Louis MORALES"]);
    assert!(
        out.contains(&format!(
            "Adresse : {} (vérifiée)",
            louis.address.to_lowercase()
        )),
        "{out}"
    );
    bot.stop().await;
}

/// A member who only reads mail joins the network, is confirmed, joins a
/// group and answers an invitation, all by mail: no answer speaks of
/// Matrix or of rooms.
#[tokio::test]
async fn a_member_by_mail_only_joins_and_answers_without_hearing_of_matrix() {
    let _server = MAIL_SERVER.read().await;
    let mut bot = MailBot::new("directory-mail-only").await;
    bot.start();
    let claire = Account::new("claire").await;
    // Who she is, by mail: held until she confirms by replying.
    let asked = bot
        .mail_command(&claire, "!moi nom « Claire FABRE » organisation Berre")
        .await;
    let held = claire.answer_to(&asked).await;
    assert!(
        held.body().contains("Rien n'a encore été fait pour")
            && held
                .body()
                .contains("!moi nom « Claire FABRE » organisation Berre"),
        "{}",
        held.body()
    );
    let confirm_id = held.message_id().expect("a Message-ID");
    let welcomed = reply(
        &bot,
        &claire,
        "Claire FABRE",
        &format!("Re: {}", held.subject()),
        &confirm_id,
        "Oui, c'est bien moi.",
    )
    .await;
    assert!(
        welcomed.body().contains("Bienvenue, Claire FABRE")
            && welcomed
                .body()
                .contains("vous vous déclarez membre de Berre"),
        "{}",
        welcomed.body()
    );
    // An admin confirms her; she is told by mail.
    let out = bot.scratch.console(
        "@admin:example.test",
        &[&format!("!organisation accepter {}", claire.address)],
    );
    assert!(out.contains("à Berre est confirmée"), "{out}");
    claire
        .wait_for("her confirmation", |m| m.body().contains("confirm"))
        .await;
    // She joins the group, and answers its meeting's invitation.
    let joined = bot.ask(&claire, "!groupe rejoindre messagerie").await;
    assert!(
        !joined.body().starts_with("Refusé") && joined.body().contains("messagerie"),
        "{}",
        joined.body()
    );
    let out = bot.scratch.console(
        "@admin:example.test",
        &["!reunion creer « Atelier messagerie » 2030-12-04 10:00 groupe messagerie"],
    );
    assert!(out.contains("envoyée par courriel"), "{out}");
    let invitation = claire
        .wait_for("the invitation", |m| m.subject().starts_with("Invitation"))
        .await;
    let answered = reply(
        &bot,
        &claire,
        "Claire FABRE",
        "Re: Invitation : Atelier messagerie",
        &invitation.message_id().expect("a Message-ID"),
        "Je serai présente.",
    )
    .await;
    assert!(
        answered.body().contains("présence annoncée"),
        "{}",
        answered.body()
    );
    let export = bot.export();
    let rsvp = export["meetings"][0]["rsvps"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["person"] == "Claire FABRE"))
        .expect("Claire's answer")
        .clone();
    assert_eq!(rsvp["status"], "present", "{rsvp}");
    // Nothing she received speaks of Matrix or of rooms.
    for raw in claire.mails("INBOX").await {
        let mail = greffier_testkit::mail::Mail::new(raw);
        let text = format!("{}\n{}", mail.subject(), mail.body());
        assert!(
            !text.contains("Matrix") && !text.contains("salon"),
            "{text}"
        );
    }
    bot.stop().await;
}

/// The network's list of people as LibreOffice Calc saves it, from one
/// table: UTF-8 with a byte-order mark (as Excel's "CSV UTF-8" writes it:
/// LibreOffice 7.4 writes UTF-8 without one, the mark is put before it),
/// Windows-1252, and a copy with a bad line. The same people every time,
/// nobody of the imported minutes twice, the bad line named and nothing
/// of its file applied.
#[test]
fn the_list_of_people_from_libreoffice_calc_in_every_encoding() {
    let s = with_the_minutes("directory-sheet");
    let people = |s: &Scratch| s.export()["people"].as_array().expect("people").len();
    let known = people(&s);
    let rows = [
        ["Nom", "Organisation", "Courriel", "Matrix"],
        [
            "M. Louis MORALES",
            "Ouest Provence",
            "louis.morales@ouest-provence.fr",
            "",
        ],
        [
            "Christian BRUNETTI",
            "Sète",
            "christian.brunetti@sete.fr",
            "@cbrunetti:sete.fr",
        ],
        ["Hélène ÉTIENNE", "Sète", "helene.etienne@sete.fr", ""],
        ["Mme Valérie HENRY", "Ouest Provence", "", ""],
    ];
    let bad_row = ["Paul DURAND", "Arles", "paul.durand-arles.fr", ""];
    let good = calc_csv(&s, "annuaire", &rows, &[]);
    let bad = calc_csv(&s, "annuaire-faute", &rows, &[bad_row]);
    let utf8 = std::fs::read(good.join("utf8.csv")).expect("csv");
    assert!(
        !utf8.starts_with(b"\xEF\xBB\xBF") && std::str::from_utf8(&utf8).is_ok(),
        "LibreOffice's UTF-8"
    );
    let mut with_bom = b"\xEF\xBB\xBF".to_vec();
    with_bom.extend(&utf8);
    let bom = s.dir.join("annuaire-bom.csv");
    std::fs::write(&bom, with_bom).expect("write");
    let cp1252 = good.join("cp1252.csv");
    assert!(
        std::str::from_utf8(&std::fs::read(&cp1252).expect("csv")).is_err(),
        "Windows-1252, not UTF-8"
    );
    let import = |file: &std::path::Path, apply: bool| {
        let mut args = vec!["import-people", file.to_str().expect("path")];
        if apply {
            args.push("--apply");
        }
        s.run(&args, b"")
    };
    // Shown, not applied; then applied.
    let before = s.export();
    let shown = import(&bom, false);
    assert_clean(&shown);
    let shown = String::from_utf8(shown.stdout).expect("utf-8");
    for line in [
        "4 personnes lues (UTF-8 avec BOM)",
        "ligne 2 : ~ Louis MORALES (Ouest Provence) — adresse louis.morales@ouest-provence.fr",
        "ligne 3 : ~ Christian BRUNETTI (Sete) — adresse christian.brunetti@sete.fr, Matrix @cbrunetti:sete.fr",
        "ligne 4 : + Hélène ÉTIENNE (Sete) — adresse helene.etienne@sete.fr",
        "ligne 5 : = Valérie HENRY (Ouest Provence)",
        "1 personne ajoutée, 1 reconnue, 2 complétées.",
        "Rien n'est enregistré : relancez avec --apply",
    ] {
        assert!(shown.contains(line), "{line:?} in:\n{shown}");
    }
    assert_eq!(s.export(), before, "nothing applied without --apply");
    assert_clean(&import(&bom, true));
    assert_eq!(people(&s), known + 1, "only Hélène ÉTIENNE is new");
    let after = s.export();
    // The same table in Windows-1252: the same people, nothing to change.
    let again = import(&cp1252, true);
    assert_clean(&again);
    let again = String::from_utf8(again.stdout).expect("utf-8");
    assert!(
        again.contains("(Windows-1252)")
            && again.contains("ligne 4 : = Hélène ÉTIENNE (Sete)")
            && again.contains("aucune personne ajoutée, 4 reconnues, aucune complétée.")
            && again.contains("Rien à changer."),
        "{again}"
    );
    assert_eq!(s.export(), after);
    // A bad line: named, and nothing of the file applied.
    for file in ["utf8.csv", "cp1252.csv"] {
        let out = import(&bad.join(file), true);
        assert!(!out.status.success(), "{out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("ligne 6 : adresse électronique invalide « paul.durand-arles.fr »")
                && err.contains("rien n'est importé"),
            "{err}"
        );
        assert_eq!(s.export(), after);
    }
    // What the directory now knows of Louis.
    let info = s.console("@admin:example.test", &["!personne info Louis MORALES"]);
    assert!(
        info.contains("Adresse : louis.morales@ouest-provence.fr (déclarée, pas encore vérifiée)"),
        "{info}"
    );
}

/// `rows` (and `more`) as a flat OpenDocument spreadsheet, saved by
/// LibreOffice Calc as CSV the French way (`;`, `"`): `utf8.csv` and
/// `cp1252.csv` in the returned folder.
fn calc_csv(s: &Scratch, name: &str, rows: &[[&str; 4]], more: &[[&str; 4]]) -> std::path::PathBuf {
    let cell = |v: &str| match v {
        "" => "<table:table-cell/>".to_string(),
        v => format!(
            "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
            v.replace('&', "&amp;").replace('<', "&lt;")
        ),
    };
    let body: String = rows
        .iter()
        .chain(more)
        .map(|r| {
            format!(
                "<table:table-row>{}</table:table-row>\n",
                r.iter().map(|v| cell(v)).collect::<String>()
            )
        })
        .collect();
    let fods = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\" office:mimetype=\"application/vnd.oasis.opendocument.spreadsheet\"><office:body><office:spreadsheet><table:table table:name=\"Annuaire\">\n{body}</table:table></office:spreadsheet></office:body></office:document>\n"
    );
    let dir = s.dir.join(name);
    std::fs::create_dir_all(&dir).expect("dir");
    let source = dir.join(format!("{name}.fods"));
    std::fs::write(&source, fods).expect("fods");
    for (file, charset) in [("utf8", "76"), ("cp1252", "1")] {
        let out_dir = dir.join(file);
        let to = format!("csv:Text - txt - csv (StarCalc):59,34,{charset}");
        calc(s, &["--convert-to", &to], &out_dir, &source);
        std::fs::rename(
            out_dir.join(format!("{name}.csv")),
            dir.join(format!("{file}.csv")),
        )
        .expect("LibreOffice's CSV");
    }
    dir
}

/// `[[people.seed]]` and `[[organisations.seed]]` after the minutes'
/// import: the seed's person is the one the minutes named (identities
/// given to them, nobody made twice), and the seed's spelling of an
/// organisation is the one shown.
#[test]
fn the_seeds_complete_the_people_of_the_minutes_without_doubling_them() {
    let s = with_the_minutes("directory-seed");
    let before = s.export();
    let count = |e: &serde_json::Value, name: &str| {
        e["people"]
            .as_array()
            .expect("people")
            .iter()
            .filter(|p| p["name"] == name)
            .count()
    };
    assert_eq!(count(&before, "François RAYNAUD"), 1);
    let mut config = std::fs::read_to_string(s.config()).expect("bot.toml");
    config.push_str(
        "\n[[organisations.seed]]\nname = \"Sète\"\n\n[[people.seed]]\nname = \"M. François Raynaud\"\norganisation = \"Arles\"\nemails = [\"francois.raynaud@arles.example\"]\n",
    );
    std::fs::write(s.config(), config).expect("bot.toml");
    let after = s.export();
    assert_eq!(count(&after, "François RAYNAUD"), 1, "{}", after["people"]);
    assert_eq!(
        after["people"].as_array().map(Vec::len),
        before["people"].as_array().map(Vec::len)
    );
    let info = s.console("@admin:example.test", &["!personne info François RAYNAUD"]);
    assert!(
        info.contains("Adresse : francois.raynaud@arles.example (vérifiée)"),
        "{info}"
    );
    let orgs: Vec<&str> = after["organisations"]
        .as_array()
        .expect("organisations")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert!(
        orgs.contains(&"Sète") && !orgs.contains(&"Sete"),
        "{orgs:?}"
    );
}

/// A group archived against the real Synapse, its list a real mailbox:
/// the last notice in the room and on the list, the room's name saying
/// so, no digest for it; reactivated, its name back and its digest sent.
#[tokio::test]
async fn an_archived_group_leaves_the_digests_and_its_room_says_so() {
    let _mail = MAIL_SERVER.read().await;
    let _matrix = crate::synapse::SERVER.read().await;
    let crate::mailserver::GroupSetup {
        mut alice,
        mut bot,
        bot_matrix,
        room,
        list,
    } = crate::mailserver::GroupSetup::new("directory-archive", &["Arles", "Berre"], &[]).await;
    // The room's admin lets the bot name the room (a room the bot made
    // is its own already).
    let joined = alice.client.get_room(&room).expect("the room");
    joined
        .update_power_levels(vec![(bot_matrix.as_ref(), 100.into())])
        .await
        .expect("power levels");
    let bot_id = bot_matrix.as_str().to_string();
    let asked = alice.say(&room, "!groupe archiver courrier").await;
    let reply = alice.reply_to(&bot_matrix, &asked).await;
    assert!(
        reply
            .body()
            .starts_with("Groupe « Gestion du courrier » archivé"),
        "{}",
        reply.body()
    );
    alice
        .wait_for("the last notice", |s| {
            s.room == room
                && s.sender() == bot_id
                && s.body()
                    .starts_with("Le groupe « Gestion du courrier » est archivé")
        })
        .await;
    alice
        .wait_for("the room named archived", |s| {
            s.room == room
                && s.kind() == "m.room.name"
                && s.json["content"]["name"] == "Gestion du courrier (archivé)"
        })
        .await;
    alice
        .wait_for("the topic", |s| {
            s.room == room
                && s.kind() == "m.room.topic"
                && s.json["content"]["topic"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Groupe archivé le "))
        })
        .await;
    list.wait_for("the notice on the list", |m| {
        m.body().contains("est archivé : son travail est terminé")
    })
    .await;
    // No digest for it.
    let out = bot
        .scratch
        .run(&["digest", "--group", "courrier", "--send"], b"");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("est archivé : il ne reçoit pas de lettre hebdomadaire"),
        "{out:?}"
    );
    // Back.
    let asked = alice.say(&room, "!groupe reactiver courrier").await;
    let reply = alice.reply_to(&bot_matrix, &asked).await;
    assert!(
        reply
            .body()
            .starts_with("Groupe « Gestion du courrier » de nouveau actif"),
        "{}",
        reply.body()
    );
    alice
        .wait_for("the room named again", |s| {
            s.room == room
                && s.kind() == "m.room.name"
                && s.json["content"]["name"] == "Gestion du courrier"
        })
        .await;
    assert_clean(
        &bot.scratch
            .run(&["digest", "--group", "courrier", "--send"], b""),
    );
    let digest = list
        .wait_for("the digest on the list", |m| {
            m.subject().contains("Gestion du courrier") && !m.body().contains("archivé")
        })
        .await;
    assert!(
        digest.body().contains("Gestion du courrier"),
        "{}",
        digest.body()
    );
    bot.stop().await;
}

/// `export --csv`: each table of the directory, opened by LibreOffice
/// Calc (the `;` and UTF-8 its import dialog offers) and saved again as
/// plain CSV: the same cells, accents whole.
#[test]
fn the_directory_tables_open_in_libreoffice_calc() {
    let s = with_the_minutes("directory-export");
    let read_back = |table: &str| -> Vec<Vec<String>> {
        let file = s.dir.join(format!("{table}.csv"));
        assert_clean(&s.run(
            &["export", "--csv", table, "-o", file.to_str().expect("path")],
            b"",
        ));
        let bytes = std::fs::read(&file).expect("csv");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
        let out_dir = s.dir.join(format!("lo-{table}"));
        calc(
            &s,
            &[
                "--infilter=CSV:59,34,76,1",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76",
            ],
            &out_dir,
            &file,
        );
        let text =
            std::fs::read_to_string(out_dir.join(format!("{table}.csv"))).expect("Calc's CSV");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| r.expect("a row").iter().map(str::to_string).collect())
            .collect()
    };
    let people = read_back("people");
    assert_eq!(
        people[0],
        [
            "nom",
            "organisation",
            "appartenance",
            "email",
            "matrix",
            "groupes"
        ]
    );
    assert!(
        people
            .iter()
            .any(|r| r[0] == "Valérie HENRY" && r[1] == "Ouest Provence" && r[2] == "confirmé"),
        "{people:?}"
    );
    let attendance = read_back("attendance");
    assert_eq!(
        attendance[0],
        [
            "réunion",
            "date",
            "titre",
            "organisation",
            "présents",
            "excusés",
            "absents"
        ]
    );
    let ouest = attendance
        .iter()
        .find(|r| r[3] == "Ouest Provence")
        .expect("Ouest Provence's row");
    assert_eq!(ouest[0], "1");
    assert!(
        ["Louis MORALES", "Antoine LAMOGLIA", "Valérie HENRY"]
            .iter()
            .all(|n| ouest[4].contains(n)),
        "{ouest:?}"
    );
    assert!(
        attendance.iter().any(|r| r[5].contains("Laurence OLIVIER")),
        "{attendance:?}"
    );
    let groups = read_back("groups");
    assert_eq!(groups[0][..3], ["groupe", "thème", "statut"]);
    assert!(groups.len() > 1, "{groups:?}");
    let organisations = read_back("organisations");
    assert!(
        organisations
            .iter()
            .any(|r| r[0] == "Ouest Provence" && r[2] == "3"),
        "{organisations:?}"
    );
}

/// A scratch bot's directory with the seed minutes imported.
fn with_the_minutes(name: &str) -> Scratch {
    let s = Scratch::new(
        name,
        "[bot]\ndatabase = \"greffier.db\"\nadmins = [\"@admin:example.test\"]\n",
    );
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/minutes/2007-06-11-conference-dsi-13.txt"
    );
    assert_clean(&s.run(&["import-minutes", seed], b""));
    s
}

/// LibreOffice Calc, headless with its own profile, converting `file`
/// into `out_dir` as `args` say.
fn calc(s: &Scratch, args: &[&str], out_dir: &std::path::Path, file: &std::path::Path) {
    let profile = format!("file://{}", s.dir.join("lo-profile").display());
    let out = std::process::Command::new("soffice")
        .args(["--headless", &format!("-env:UserInstallation={profile}")])
        .args(args)
        .arg("--outdir")
        .arg(out_dir)
        .arg(file)
        .output()
        .expect("soffice (scripts/test installs Debian's libreoffice-calc-nogui)");
    assert!(out.status.success(), "{out:?}");
}

/// `from` (called `name`) answers the bot's mail `message_id` as
/// Thunderbird's Reply button writes it, signed by example.test's server:
/// the bot's answer in the thread.
async fn reply(
    bot: &MailBot,
    from: &Account,
    name: &str,
    subject: &str,
    message_id: &str,
    body: &str,
) -> greffier_testkit::mail::Mail {
    let asked = new_id("reply");
    send(
        Some(&from.address),
        &bot.account.address,
        &answering(
            thunderbird(
                &format!("{name} <{}>", from.address),
                &bot.account.address,
                subject,
                &asked,
                body,
            ),
            &format!("<{message_id}>"),
        ),
    )
    .await;
    from.answer_to(&asked).await
}
