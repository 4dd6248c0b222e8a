//! Rendering one compte rendu as PDF and as ODT, at the size of the 2007
//! one (tests/fixtures/minutes/): its record (the text as written) and
//! its draft (written from the registry), 100 times each, in process.
//! Prints p50 and p95 of each and the files' sizes.

use std::time::Instant;

use greffier_commands::Context;
use greffier_commands::minutes::{import, parse, record};
use greffier_commands::store::MeetingId;
use greffier_document::{Document, odt, pdf};
use greffier_storage::Database;
use jiff::Timestamp;

use crate::stats::{Sample, ms};

const MINUTES: &str = include_str!("../../tests/fixtures/minutes/2007-06-11-conference-dsi-13.txt");
const ROUNDS: usize = 100;

pub fn run() -> anyhow::Result<()> {
    let now: Timestamp = "2026-11-23T08:00:00Z".parse()?;
    let ctx = Context {
        now,
        ..crate::cost::context()?
    };
    let mut db = Database::open_in_memory()?;
    let minutes = parse::parse(MINUTES);
    let (record, draft) = db.write(now, |tx| {
        let summary = import::import(tx, &ctx, &minutes)?;
        let meeting = summary.meeting.unwrap_or(MeetingId(1));
        record::keep_imported(tx, meeting, MINUTES, "2007.txt")?;
        let record = record::compte_rendu(tx, &ctx.timezone, meeting, false)?;
        let draft = record::compte_rendu(tx, &ctx.timezone, meeting, true)?;
        Ok((record, draft))
    })?;
    let (Some(record), Some(draft)) = (record, draft) else {
        anyhow::bail!("the 2007 meeting was not imported");
    };
    println!("| compte rendu | format | p50 | p95 | size |");
    println!("|---|---|---|---|---|");
    for (name, doc) in [
        ("2007, record", &record.document),
        ("2007, draft", &draft.document),
    ] {
        measure(name, "PDF", doc, |d| {
            pdf::write(d).map_err(anyhow::Error::msg)
        })?;
        measure(name, "ODT", doc, |d| Ok(odt::write(d)?))?;
    }
    Ok(())
}

fn measure(
    name: &str,
    format: &str,
    doc: &Document,
    write: impl Fn(&Document) -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<()> {
    let mut sample = Sample::default();
    let mut size = 0;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        size = write(doc)?.len();
        sample.push(start.elapsed());
    }
    println!(
        "| {name} | {format} | {} | {} | {} KB |",
        ms(sample.p50()),
        ms(sample.p95()),
        size / 1000
    );
    Ok(())
}
