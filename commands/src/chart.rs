//! The attendance chart a reader of minutes wants: organisations × the
//! last meetings, each cell present, excused, without a firm answer (invited,
//! neither present nor excused) or not invited, with each organisation's rate of presence. Drawn once,
//! as SVG (inline on the web page); the PNG for rooms and mail is that SVG
//! rasterised by resvg with DejaVu Sans embedded in the binary
//! (`assets/fonts/`, its licence beside it), so full names with their
//! accents ("Châteauneuf-les-Martigues") are drawn as they are.

use std::fmt::Write as _;
use std::sync::{Arc, LazyLock};

use crate::lang::Lang;
use crate::text::escape_html;
use crate::tr;

/// DejaVu Sans (Bitstream Vera licence, assets/fonts/LICENSE-DejaVu.txt).
const FONT: &[u8] = greffier_document::fonts::REGULAR;

/// One organisation at one meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Present,
    Excused,
    /// Invited, and neither present nor excused: no answer, or "peut-être".
    NoFirmAnswer,
    NotInvited,
}

/// One organisation's line: a cell per meeting, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub organisation: String,
    pub cells: Vec<Cell>,
}

impl Row {
    /// Present at what share of the meetings it was invited to, in
    /// percent; `None` when it was invited to none.
    pub fn rate(&self) -> Option<u32> {
        let invited = self
            .cells
            .iter()
            .filter(|c| **c != Cell::NotInvited)
            .count();
        let present = self.cells.iter().filter(|c| **c == Cell::Present).count();
        (invited > 0).then(|| (present * 100 / invited) as u32)
    }
}

/// The chart's data: the meetings' labels (oldest first) and a row per
/// organisation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attendance {
    pub meetings: Vec<String>,
    pub rows: Vec<Row>,
}

const GREEN: &str = "#2e7d32";
const AMBER: &str = "#f9a825";
const RED: &str = "#c62828";
const GREY: &str = "#e0e0e0";

const FONT_SIZE: usize = 14;
const ROW: usize = 26;
const CELL: usize = 20;
const COLUMN: usize = 64;
const MARGIN: usize = 16;
/// DejaVu Sans's average advance at 14 px, rounded up: the width given to
/// the longest name.
const CHAR: usize = 9;

fn colour(c: Cell) -> &'static str {
    match c {
        Cell::Present => GREEN,
        Cell::Excused => AMBER,
        Cell::NoFirmAnswer => RED,
        Cell::NotInvited => GREY,
    }
}

fn word(lang: Lang, c: Cell) -> String {
    match c {
        Cell::Present => tr!(lang, "présent", "present"),
        Cell::Excused => tr!(lang, "excusé", "excused"),
        Cell::NoFirmAnswer => tr!(lang, "sans réponse ferme", "no firm answer"),
        Cell::NotInvited => tr!(lang, "non invité", "not invited"),
    }
}

/// The chart as SVG: the title, the meetings' dates over their columns,
/// a line per organisation with its full name, a cell per meeting and its
/// rate, and the legend. Every text escaped.
pub fn attendance_svg(lang: Lang, title: &str, data: &Attendance) -> String {
    let longest = data
        .rows
        .iter()
        .map(|r| r.organisation.chars().count())
        .max()
        .unwrap_or(0)
        .max(12);
    let label = longest * CHAR;
    let rate_width = 70;
    let legend: Vec<(Cell, String)> = [
        Cell::Present,
        Cell::Excused,
        Cell::NoFirmAnswer,
        Cell::NotInvited,
    ]
    .into_iter()
    .map(|c| (c, word(lang, c)))
    .collect();
    let legend_step = |text: &str| 20 + text.chars().count() * 8 + 24;
    let legend_width: usize = legend.iter().map(|(_, t)| legend_step(t)).sum();
    let width = (MARGIN * 2 + label + COLUMN * data.meetings.len().max(1) + rate_width)
        .max(MARGIN * 2 + legend_width);
    let top = MARGIN + 28 + 22;
    let legend_y = top + ROW * data.rows.len() + 16;
    let height = legend_y + 28 + MARGIN;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans" font-size="{FONT_SIZE}" role="img" aria-label="{}">"##,
        escape_html(title)
    );
    let _ = write!(
        s,
        r##"<rect width="{width}" height="{height}" fill="#ffffff"/><text x="{MARGIN}" y="{}" font-size="18" fill="#212121">{}</text>"##,
        MARGIN + 18,
        escape_html(title)
    );
    // The meetings' dates over their columns, and the rate's heading.
    let x0 = MARGIN + label;
    for (i, m) in data.meetings.iter().enumerate() {
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" font-size="11" fill="#616161" text-anchor="middle">{}</text>"##,
            x0 + COLUMN * i + COLUMN / 2,
            top - 8,
            escape_html(m)
        );
    }
    let rate_x = x0 + COLUMN * data.meetings.len().max(1);
    let _ = write!(
        s,
        r##"<text x="{}" y="{}" font-size="11" fill="#616161" text-anchor="end">{}</text>"##,
        rate_x + rate_width - 4,
        top - 8,
        tr!(lang, "présence", "attendance")
    );
    for (r, row) in data.rows.iter().enumerate() {
        let y = top + ROW * r;
        if r % 2 == 1 {
            let _ = write!(
                s,
                r##"<rect x="{MARGIN}" y="{y}" width="{}" height="{ROW}" fill="#f5f5f5"/>"##,
                width - 2 * MARGIN
            );
        }
        let _ = write!(
            s,
            r##"<text x="{MARGIN}" y="{}" fill="#212121">{}</text>"##,
            y + ROW / 2 + 5,
            escape_html(&row.organisation)
        );
        for (i, cell) in row.cells.iter().enumerate() {
            let _ = write!(
                s,
                r##"<rect x="{}" y="{}" width="{CELL}" height="{CELL}" rx="3" fill="{}"><title>{} — {}</title></rect>"##,
                x0 + COLUMN * i + (COLUMN - CELL) / 2,
                y + (ROW - CELL) / 2,
                colour(*cell),
                escape_html(&row.organisation),
                word(lang, *cell)
            );
        }
        let rate = row.rate().map_or("—".to_string(), |p| format!("{p} %"));
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" fill="#212121" text-anchor="end">{rate}</text>"##,
            rate_x + rate_width - 4,
            y + ROW / 2 + 5
        );
    }
    // The legend.
    let mut x = MARGIN;
    for (cell, text) in legend {
        let _ = write!(
            s,
            r##"<rect x="{x}" y="{legend_y}" width="14" height="14" rx="2" fill="{}"/><text x="{}" y="{}" font-size="12" fill="#424242">{}</text>"##,
            colour(cell),
            x + 20,
            legend_y + 12,
            escape_html(&text)
        );
        x += legend_step(&text);
    }
    s.push_str("</svg>");
    s
}

/// resvg's options, with the embedded font as the only one (the same
/// picture on every machine).
static OPTIONS: LazyLock<resvg::usvg::Options<'static>> = LazyLock::new(|| {
    let mut db = resvg::usvg::fontdb::Database::new();
    db.load_font_data(FONT.to_vec());
    resvg::usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: Arc::new(db),
        ..Default::default()
    }
});

/// An SVG drawn by [`attendance_svg`], as a PNG.
pub fn png(svg: &str) -> Result<Vec<u8>, String> {
    let tree = resvg::usvg::Tree::from_str(svg, &OPTIONS).map_err(|e| e.to_string())?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| "an empty picture".to_string())?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Attendance {
        Attendance {
            meetings: vec!["11/06/2007".into(), "16/10/2007".into()],
            rows: vec![
                Row {
                    organisation: "Châteauneuf-les-Martigues".into(),
                    cells: vec![Cell::Present, Cell::Excused],
                },
                Row {
                    organisation: "<script>alert(1)</script>".into(),
                    cells: vec![Cell::NotInvited, Cell::NoFirmAnswer],
                },
            ],
        }
    }

    #[test]
    fn rates_count_the_meetings_one_was_invited_to() {
        let d = data();
        assert_eq!(d.rows[0].rate(), Some(50));
        assert_eq!(d.rows[1].rate(), Some(0));
        let never = Row {
            organisation: "x".into(),
            cells: vec![Cell::NotInvited],
        };
        assert_eq!(never.rate(), None);
    }

    #[test]
    fn the_svg_has_full_names_escaped_and_a_legend() {
        let svg = attendance_svg(Lang::Fr, "Présences", &data());
        assert!(svg.contains(">Châteauneuf-les-Martigues<"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
        assert!(!svg.contains("<script>"), "{svg}");
        for word in [
            "présent",
            "excusé",
            "sans réponse ferme",
            "non invité",
            "50 %",
        ] {
            assert!(svg.contains(word), "{word}: {svg}");
        }
    }

    #[test]
    fn the_png_is_the_svg_rasterised_with_the_embedded_font() {
        let svg = attendance_svg(Lang::Fr, "Présences", &data());
        let png = png(&svg).expect("rasterised");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // Text was drawn: the same picture without its texts is lighter.
        let bare = svg
            .split("<text")
            .enumerate()
            .map(|(i, part)| match i {
                0 => part.to_string(),
                _ => part
                    .split_once("</text>")
                    .map_or(String::new(), |(_, rest)| rest.to_string()),
            })
            .collect::<String>();
        let without = super::png(&bare).expect("rasterised");
        assert!(
            png.len() > without.len() + 1000,
            "{} vs {}",
            png.len(),
            without.len()
        );
    }
}
