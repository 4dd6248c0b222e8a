//! The web pages in a real browser: headless Chromium (Debian's
//! `chromium`) loads each page of `greffier web` serving a database with
//! the founding minutes imported, and the test reads the rendered DOM;
//! the calendar feed against the real mail servers' invitations.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::{BIN, Scratch, assert_clean};

/// A free port on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// `greffier web` on a scratch directory, stopped when dropped.
pub struct Pages {
    child: Child,
    pub base: String,
}

impl Pages {
    pub async fn start(scratch: &Scratch, port: u16) -> Pages {
        let log = std::fs::File::create(scratch.dir.join("web.log")).expect("log");
        let child = Command::new(BIN)
            .args(["--config"])
            .arg(scratch.config())
            .arg("web")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("greffier web");
        let base = format!("http://127.0.0.1:{port}");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = reqwest::get(format!("{base}/healthz")).await
                && r.status() == 200
            {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the pages do not answer: {}",
                std::fs::read_to_string(scratch.dir.join("web.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Pages { child, base }
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromium(args: &[&str]) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ])
        .args(args)
        .output()
        .expect("chromium (scripts/test installs Debian's chromium)")
}

/// The DOM Chromium rendered.
fn dom(url: &str) -> String {
    let out = chromium(&["--dump-dom", url]);
    assert!(
        out.status.success(),
        "{url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 DOM")
}

fn screenshot(url: &str, file: &Path, width: u32, height: u32) {
    let out = chromium(&[
        &format!("--screenshot={}", file.display()),
        &format!("--window-size={width},{height}"),
        "--hide-scrollbars",
        url,
    ]);
    assert!(
        out.status.success(),
        "{url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(file).expect("a screenshot");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(png.len() > 5_000, "{}: {} bytes", file.display(), png.len());
}

const ADMIN: &str = "@admin:example.test";

/// A scratch directory named `name` whose pages listen on a free port, with
/// the founding minutes imported: the scratch and the port.
fn with_the_founding_minutes(name: &str) -> (Scratch, u16) {
    let port = free_port();
    let scratch = Scratch::new(
        name,
        &format!(
            "[bot]\ndatabase = \"greffier.db\"\nadmins = [\"{ADMIN}\"]\n\n[web]\nlisten = \"127.0.0.1:{port}\"\n"
        ),
    );
    let minutes = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/minutes/2007-06-11-conference-dsi-13.txt"
    );
    assert_clean(&scratch.run(&["import-minutes", minutes], b""));
    (scratch, port)
}

/// axe-core (tests/axe, npm) in Debian's Chromium on each of `urls`, with
/// the RGAA's WCAG 2.1 A/AA rules: the violations found, per page.
fn axe(urls: &[String]) -> serde_json::Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/axe/check.js");
    let out = Command::new("node")
        .arg(script)
        .args(urls)
        .output()
        .expect("node (scripts/test installs tests/axe's packages with npm ci)");
    assert!(
        out.status.success(),
        "axe-core did not run: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("axe's JSON")
}

/// Every page type (network, group, meeting, archive, poll, catalogue,
/// 404) has no axe-core violation (WCAG 2.1 A and AA, which the RGAA
/// follows): with the founding minutes imported, then with 1 000 groups.
#[tokio::test]
async fn every_page_type_passes_axe_core_with_the_seed_and_with_a_thousand_groups() {
    let (scratch, port) = with_the_founding_minutes("web-axe");
    let out = scratch.console(
        ADMIN,
        &[
            "!moi organisation Arles",
            "!reunion creer « Atelier » 2030-12-03 10:00 groupe openelec",
            "!sondage creer « Prochain atelier » 2030-12-10 2030-12-11 heure 14:00 groupe openelec",
        ],
    );
    assert!(out.contains("Sondage n°1"), "{out}");
    let pages = Pages::start(&scratch, port).await;
    let urls: Vec<String> = [
        "/",
        "/groupes/openelec",
        "/reunions",
        "/reunions/1",
        "/reunions/2",
        "/sondages/1",
        "/logiciels",
        "/pas/ici",
    ]
    .iter()
    .map(|p| format!("{}{p}", pages.base))
    .collect();
    let found = axe(&urls);
    for url in &urls {
        assert_eq!(found[url], serde_json::json!([]), "{url}: {found:#}");
    }
    // 1 000 groups: the network page, and one of them.
    let lines: Vec<String> = (0..1000)
        .map(|i| format!("!groupe proposer groupe-{i:04} « Groupe de travail {i} »"))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let out = scratch.console(ADMIN, &lines);
    assert!(
        out.contains("groupe-0999"),
        "{}",
        &out[out.len().saturating_sub(500)..]
    );
    let urls: Vec<String> = ["/", "/groupes/groupe-0500", "/logiciels"]
        .iter()
        .map(|p| format!("{}{p}", pages.base))
        .collect();
    let found = axe(&urls);
    for url in &urls {
        assert_eq!(found[url], serde_json::json!([]), "{url}: {found:#}");
    }
}

#[tokio::test]
async fn every_page_in_a_real_browser() {
    let (scratch, port) = with_the_founding_minutes("web-pages");
    // A hostile theme, and an absence with a reason nobody may read here.
    let out = scratch.console(
        ADMIN,
        &[
            "!moi organisation Arles",
            "!groupe proposer hostile « <script>alert(1)</script> \"><img src=x onerror=alert(2)> »",
        ],
    );
    assert!(out.contains("proposé"), "{out}");
    scratch.console("@zoe:example.test", &["!moi organisation Vitrolles"]);
    let out = scratch.console(ADMIN, &["!reunion creer « Atelier » 2030-12-03 10:00"]);
    assert!(out.contains("créée"), "{out}");
    let out = scratch.console(
        ADMIN,
        &["!reunion creer « Hostile » 2030-12-04 10:00 groupe hostile"],
    );
    assert!(out.contains("créée"), "{out}");
    let out = scratch.console("@zoe:example.test", &["!excuse 2 « congés très secrets »"]);
    assert!(out.contains("excusé"), "{out}");
    let pages = Pages::start(&scratch, port).await;
    let url = |path: &str| format!("{}{path}", pages.base);

    let home = dom(&url("/"));
    for group in ["OpenElec", "OpenFoncier", "openResultat"] {
        assert!(home.contains(&format!(">{group}</a>")), "{group}: {home}");
    }
    assert!(home.contains("<svg"), "the attendance chart inline: {home}");
    // A page is made again once the database changed.
    let out = scratch.console(ADMIN, &["!groupe proposer voirie « Voirie communale »"]);
    assert!(out.contains("proposé"), "{out}");
    let home = dom(&url("/"));
    assert!(home.contains(">Voirie communale</a>"), "{home}");
    let openelec = dom(&url("/groupes/openelec"));
    for org in ["Arles", "Atreal", "Fos", "Istres", "Libreair", "Miramas"] {
        assert!(
            openelec.contains(&format!("<li>{org}</li>")),
            "{org}: {openelec}"
        );
    }
    let founding = dom(&url("/reunions/1"));
    assert!(founding.contains("Présents (14)"), "{founding}");
    assert!(founding.contains("Excusés (7)"), "{founding}");
    // The minutes give a date, not an hour: none is invented (issue 38),
    // on the page and in the calendar feed (a day).
    assert!(founding.contains("lundi 11 juin 2007"), "{founding}");
    assert!(
        !founding.contains("11 juin 2007 à"),
        "an invented hour: {founding}"
    );
    let feed = reqwest::get(url("/calendrier.ics"))
        .await
        .expect("the feed")
        .text()
        .await
        .expect("a calendar");
    assert!(
        feed.contains("DTSTART;VALUE=DATE:20070611\r\nDTEND;VALUE=DATE:20070612\r\n"),
        "{feed}"
    );
    assert!(feed.contains("DTSTART:20301203T090000Z"), "{feed}");
    let atelier = dom(&url("/reunions/2"));
    assert!(atelier.contains("Excusés (1)"), "{atelier}");
    assert!(!atelier.contains("secrets"), "a reason shown: {atelier}");
    assert!(!atelier.contains("zoe"), "a name shown: {atelier}");
    for path in ["/", "/groupes/hostile", "/reunions/3"] {
        let page = dom(&url(path));
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{path}: {page}"
        );
        assert!(!page.contains("<script>alert"), "{path}: {page}");
        assert!(!page.contains("<img src=\"x\""), "{path}: {page}");
    }
    let catalogue = dom(&url("/logiciels"));
    assert!(
        catalogue.contains("<h1>Les logiciels du réseau</h1>"),
        "{catalogue}"
    );
    let missing = dom(&url("/reunions/999"));
    assert!(missing.contains("Page introuvable"), "{missing}");
    let status = reqwest::get(url("/pas/ici"))
        .await
        .expect("an answer")
        .status();
    assert_eq!(status, 404);

    // Phone and desktop widths.
    let shots: PathBuf = scratch.dir.join("shots");
    std::fs::create_dir_all(&shots).expect("dir");
    for (name, path) in [
        ("home", "/"),
        ("group", "/groupes/openelec"),
        ("meeting", "/reunions/1"),
    ] {
        screenshot(
            &url(path),
            &shots.join(format!("{name}-phone.png")),
            390,
            844,
        );
        screenshot(
            &url(path),
            &shots.join(format!("{name}-desktop.png")),
            1280,
            800,
        );
    }
}

/// The feed of one event, found by its UID: (SEQUENCE, STATUS).
fn in_feed(ics: &str, uid: &str) -> Option<(Option<u32>, Option<String>)> {
    use icalendar::Component;
    let calendar: icalendar::Calendar = ics.parse().expect("the feed parses");
    calendar
        .events()
        .find(|e| e.get_uid() == Some(uid))
        .map(|e| {
            (
                e.get_sequence(),
                e.property_value("STATUS").map(str::to_string),
            )
        })
}

/// `greffier run` serves the pages too; the calendar feed has the
/// invitation's UID and the update mail's SEQUENCE, and a cancelled
/// meeting is cancelled in it; the invitation links to the meeting's page.
#[tokio::test]
async fn the_calendar_feed_matches_the_invitations() {
    use icalendar::Component;
    let _mail = crate::mailserver::MAIL_SERVER.read().await;
    let port = free_port();
    let mut bot = crate::mailserver::MailBot::with_tables(
        "web-ics",
        &format!(
            "[web]\nlisten = \"127.0.0.1:{port}\"\npublic_url = \"http://127.0.0.1:{port}/\"\n"
        ),
    )
    .await;
    bot.start();
    let (member, member_id) = bot.member_with_id("Arles").await;
    let out = bot
        .scratch
        .console(&member_id, &["!groupe rejoindre messagerie"]);
    assert!(out.contains("Bienvenue"), "{out}");
    let out = bot.scratch.console(
        ADMIN,
        &["!reunion creer « Point calendrier » 2030-12-03 10:00 groupe messagerie"],
    );
    assert!(out.contains("créée"), "{out}");
    let invitation = member
        .wait_for("the invitation", |m| m.subject().starts_with("Invitation"))
        .await;
    assert!(
        invitation
            .body()
            .contains(&format!("http://127.0.0.1:{port}/reunions/1")),
        "{}",
        invitation.body()
    );
    let (ics, _) = invitation.calendar().expect("a calendar part");
    let invited: icalendar::Calendar = ics.parse().expect("iCalendar");
    let uid = invited
        .events()
        .next()
        .and_then(|e| e.get_uid())
        .expect("a UID")
        .to_string();

    let feed = |path: &'static str| async move {
        reqwest::get(format!("http://127.0.0.1:{port}{path}"))
            .await
            .expect("the feed answers")
            .text()
            .await
            .expect("a body")
    };
    assert_eq!(
        in_feed(&feed("/calendrier.ics").await, &uid),
        Some((Some(0), Some("CONFIRMED".into())))
    );
    let out = bot
        .scratch
        .console(ADMIN, &["!reunion modifier 1 heure 14:00"]);
    assert!(!out.contains("Erreur"), "{out}");
    let update = member
        .wait_for("the update", |m| m.subject().starts_with("Modifié"))
        .await;
    let (ics, _) = update.calendar().expect("a calendar part");
    let updated: icalendar::Calendar = ics.parse().expect("iCalendar");
    let sequence = updated.events().next().and_then(|e| e.get_sequence());
    assert_eq!(sequence, Some(1));
    assert_eq!(
        in_feed(&feed("/groupes/messagerie/calendrier.ics").await, &uid),
        Some((sequence, Some("CONFIRMED".into())))
    );
    let out = bot.scratch.console(ADMIN, &["!reunion annuler 1"]);
    assert!(out.contains("annulée"), "{out}");
    let (_, status) = in_feed(&feed("/calendrier.ics").await, &uid).expect("still in the feed");
    assert_eq!(status.as_deref(), Some("CANCELLED"));
    bot.assert_running();
    bot.stop().await;
}

/// A GET: status, content type, body.
async fn fetch(url: String) -> (u16, String, Vec<u8>) {
    let r = reqwest::get(&url).await.expect("an answer");
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, kind, r.bytes().await.expect("a body").to_vec())
}

/// `/reunions` and the compte rendu of record, its page (read by
/// Chromium) and its downloads (the bytes `greffier minutes` writes, which
/// tests/integration/minutes.rs reads with LibreOffice and poppler); none
/// of it where names are not shown.
#[tokio::test]
async fn the_archive_and_the_compte_rendu_downloads() {
    let port = free_port();
    let config = |show: bool| {
        format!(
            "[bot]\ndatabase = \"greffier.db\"\nadmins = [\"{ADMIN}\"]\n\n[web]\nlisten = \"127.0.0.1:{port}\"\nshow_names = {show}\n"
        )
    };
    let scratch = Scratch::new("web-archive", &config(true));
    let minutes = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/minutes/2007-06-11-conference-dsi-13.txt"
    );
    assert_clean(&scratch.run(&["import-minutes", minutes], b""));
    let pages = Pages::start(&scratch, port).await;
    let archive = dom(&format!("{}/reunions", pages.base));
    assert!(
        archive.contains("<h2>Sans groupe</h2>")
            && archive.contains("<h3>2007</h3>")
            && archive.contains(
                "1ère Conférence DSI 13</a> — lundi 11 juin 2007 — compte rendu : approuvé"
            ),
        "{archive}"
    );
    let page = dom(&format!("{}/reunions/1/compte-rendu", pages.base));
    let sha = scratch.export()["meetings"][0]["record"]["sha256"]
        .as_str()
        .expect("a record")
        .to_string();
    assert!(
        page.contains("État : approuvé")
            && page.contains(&sha)
            && page.contains("<h2>1ère Conférence DSI 13</h2>")
            && page.contains("le 12 Juin 2007"),
        "{page}"
    );
    // The downloads: the text as it was written, and its office files.
    let base = pages.base.clone();
    let get = |path: &str| fetch(format!("{base}{path}"));
    let (status, kind, md) = get("/reunions/1/compte-rendu.md").await;
    assert_eq!(
        (status, kind.as_str()),
        (200, "text/markdown; charset=utf-8")
    );
    assert_eq!(md, std::fs::read(minutes).expect("the seed"));
    let (status, kind, pdf) = get("/reunions/1/compte-rendu.pdf").await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    let (status, kind, odt) = get("/reunions/1/compte-rendu.odt").await;
    assert_eq!(
        (status, kind.as_str()),
        (200, "application/vnd.oasis.opendocument.text")
    );
    // The same bytes as the command line writes.
    for (format, served) in [("pdf", &pdf), ("odt", &odt)] {
        let file = scratch.dir.join(format!("cli.{format}"));
        assert_clean(&scratch.run(
            &[
                "minutes",
                "1",
                "--format",
                format,
                "-o",
                file.to_str().expect("path"),
            ],
            b"",
        ));
        assert_eq!(&std::fs::read(&file).expect("the file"), served, "{format}");
    }
    let (status, _, _) = get("/reunions/1/compte-rendu.docx").await;
    assert_eq!(status, 404);
    let (status, _, _) = get("/reunions/99/compte-rendu.pdf").await;
    assert_eq!(status, 404);
    drop(pages);
    // Where names are not shown, neither the page nor the files.
    std::fs::write(scratch.config(), config(false)).expect("config");
    let pages = Pages::start(&scratch, port).await;
    let (status, _, _) = get("/reunions/1/compte-rendu.pdf").await;
    assert_eq!(status, 404);
    let page = dom(&format!("{}/reunions/1/compte-rendu", pages.base));
    assert!(
        page.contains("il n'est pas publié ici") && !page.contains("RAYNAUD"),
        "{page}"
    );
}
