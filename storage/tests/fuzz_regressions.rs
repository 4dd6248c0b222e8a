//! Inputs the fuzz targets (fuzz/) found to break an invariant, kept as
//! tests on the real storage. The mail one is in src/mail/parse.rs.

use greffier_commands::minutes::{import, parse};
use greffier_commands::{Context, Lang};
use greffier_storage::Database;
use jiff::Timestamp;
use jiff::tz::TimeZone;

fn ctx() -> Context {
    Context {
        lang: Lang::Fr,
        prefix: "!".into(),
        admins: Vec::new(),
        quorum: 3,
        timezone: TimeZone::get("Europe/Paris").expect("tz"),
        now: Timestamp::from_second(1_795_000_000).expect("ts"),
        mail_address: None,
        digest_rooms: Vec::new(),
        digest_lists: Vec::new(),
        create_rooms: false,
        lists_domain: None,
        web_url: None,
        review_days: 7,
    }
}

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/fuzz")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Target `minutes_import`: minutes naming people both among the présents
/// and the excusés. The second import used to flip their answers; now the
/// first answer is kept, the contradiction is reported with its line, and
/// importing again changes nothing.
#[test]
fn someone_listed_present_and_excused_keeps_the_first_answer() {
    let text = fixture("minutes-listed-twice.txt");
    let minutes = parse::parse(&text);
    let ctx = ctx();
    let mut db = Database::open_in_memory().expect("db");
    let first = db
        .write(ctx.now, |tx| {
            import::import(tx, &ctx, &minutes).map_err(Into::into)
        })
        .expect("import");
    let twice: Vec<_> = first
        .problems
        .iter()
        .filter(|(_, what)| {
            matches!(
                what,
                greffier_commands::minutes::problem::Problem::ListedTwice {
                    first: greffier_commands::meeting::RsvpStatus::Present,
                    then: greffier_commands::meeting::RsvpStatus::Excused,
                    ..
                }
            )
        })
        .collect();
    assert!(
        twice
            .iter()
            .any(|(line, what)| *line > 0 && what.text(Lang::Fr).starts_with("Alain TEYSSANDIER")),
        "{:?}",
        first.problems
    );
    let export = db.export().expect("export");
    let alain = export.meetings[0]
        .rsvps
        .iter()
        .find(|r| r.person == "Alain TEYSSANDIER")
        .expect("Alain");
    assert_eq!(alain.status, "present");
    let again = db
        .write(ctx.now, |tx| {
            import::import(tx, &ctx, &minutes).map_err(Into::into)
        })
        .expect("import again");
    assert!(again.created.is_empty(), "{:?}", again.created);
    assert_eq!(export, db.export().expect("export"));
}

fn import_twice(text: &str) {
    let minutes = parse::parse(text);
    let ctx = ctx();
    let mut db = Database::open_in_memory().expect("db");
    db.write(ctx.now, |tx| {
        import::import(tx, &ctx, &minutes).map_err(Into::into)
    })
    .expect("import");
    let first = db.export().expect("export");
    let again = db
        .write(ctx.now, |tx| {
            import::import(tx, &ctx, &minutes).map_err(Into::into)
        })
        .expect("import again");
    assert!(again.created.is_empty(), "{:?}", again.created);
    assert_eq!(first, db.export().expect("export"));
}

/// Target `minutes_import`: a NUL joined two towns of a villes cell into
/// one new organisation, which the second import then found in another
/// cell. Control characters now separate words, and the names the cells
/// create are known before any cell is split.
#[test]
fn a_name_made_by_a_later_cell_splits_the_same_way_twice() {
    import_twice(&fixture("minutes-name-made-by-a-later-cell.txt"));
    // The same without a NUL: a hyphenated unknown name in a later cell.
    let seed = fixture("minutes-listed-twice.txt");
    let table = "Gestion du courrier\tOuest Provence Berre Martigues Fos Vitrolles\tArles\tPresentation openCourrier";
    assert!(seed.contains(table));
    let text = seed
        .replace(
            table,
            "Gestion du courrier\tOuest Provence Berre Port-Bouc Vitrolles\tArles\tPresentation openCourrier",
        )
        .replace(
            "Istres Ouest Provence Martigues Fos",
            "Istres Ouest Provence Port Bouc Martigues Fos",
        );
    import_twice(&text);
}
