//! PDF, the archive's format: A4 pages laid out here (titles, paragraphs,
//! lists, tables whose header repeats on each page, page numbers), drawn
//! with krilla, DejaVu Sans embedded and subset. No office suite, no font
//! of the machine. The same blocks give the same bytes: a frozen compte
//! rendu's PDF never changes.

use std::sync::Arc;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::{Block, Document, fonts};

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.7;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
const BODY: f32 = 10.5;
const SMALL: f32 = 9.0;
const INDENT: f32 = 14.0;
const PADDING: f32 = 3.0;

/// What is drawn, once laid out: a run of text (its baseline) or a line.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Line {
        from: (f32, f32),
        to: (f32, f32),
    },
}

/// The document as a PDF file.
pub fn write(doc: &Document) -> Result<Vec<u8>, String> {
    let pages = layout(doc);
    let regular = Font::new(Arc::new(fonts::REGULAR.to_vec()).into(), 0)
        .ok_or("the embedded regular font cannot be read")?;
    let bold = Font::new(Arc::new(fonts::BOLD.to_vec()).into(), 0)
        .ok_or("the embedded bold font cannot be read")?;
    let mut pdf = krilla::Document::new();
    pdf.set_metadata(
        Metadata::new()
            .title(doc.title().to_string())
            .language(doc.language().to_string())
            .creator("greffier".into()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("the page size is not valid")?;
    let total = pages.len();
    for (n, ops) in pages.into_iter().enumerate() {
        let mut page = pdf.start_page_with(settings.clone());
        let mut surface = page.surface();
        let number = format!("{} / {total}", n + 1);
        let footer = Op::Text {
            x: PAGE_W / 2.0 - measure(&number, SMALL, false) / 2.0,
            y: PAGE_H - MARGIN / 2.0,
            size: SMALL,
            bold: false,
            text: number,
        };
        for op in ops.iter().chain(std::iter::once(&footer)) {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    text,
                } => {
                    surface.set_stroke(None);
                    surface.set_fill(Some(Fill::default()));
                    let font = if *b { bold.clone() } else { regular.clone() };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Line { from, to } => {
                    let mut path = PathBuilder::new();
                    path.move_to(from.0, from.1);
                    path.line_to(to.0, to.1);
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(90, 90, 90).into(),
                            width: 0.5,
                            ..Default::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    pdf.finish()
        .map_err(|e| format!("the PDF cannot be written: {e:?}"))
}

/// The width of a text in points, from the embedded font's advances.
fn measure(text: &str, size: f32, bold: bool) -> f32 {
    let data = if bold { fonts::BOLD } else { fonts::REGULAR };
    let Ok(font) = FontRef::new(data) else {
        return text.chars().count() as f32 * size * 0.6;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(size * 0.6)
        })
        .sum()
}

/// A text broken into lines no wider than `width`: at spaces, and inside
/// a word only when the word alone is wider.
fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = match line.is_empty() {
                true => word.to_string(),
                false => format!("{line} {word}"),
            };
            if measure(&candidate, size, bold) <= width || line.is_empty() && word.is_empty() {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line: cut where it fills it.
            let mut rest = word.to_string();
            while measure(&rest, size, bold) > width {
                let mut cut = String::new();
                for c in rest.chars() {
                    if measure(&format!("{cut}{c}"), size, bold) > width && !cut.is_empty() {
                        break;
                    }
                    cut.push(c);
                }
                rest = rest[cut.len()..].to_string();
                lines.push(cut);
            }
            line = rest;
        }
        lines.push(line);
    }
    lines
}

fn leading(size: f32) -> f32 {
    size * 1.4
}

/// The pages, each a list of what to draw; `y` runs down from the top.
struct Pages {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Pages {
    fn new() -> Self {
        Pages {
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("there is always a page")
    }

    /// Room for `height` more points on this page, or a new page.
    fn room(&mut self, height: f32) {
        if self.y + height > PAGE_H - MARGIN && self.y > MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    /// Lines of text at `x`, the first one after `first` (a bullet, say)
    /// drawn at `x - INDENT`.
    fn lines(&mut self, x: f32, text: &str, size: f32, bold: bool, first: Option<&str>) {
        let mut bullet = first;
        for line in wrap(text, size, bold, MARGIN + WIDTH - x) {
            self.room(leading(size));
            self.y += leading(size);
            let y = self.y - (leading(size) - size) / 2.0;
            if let Some(b) = bullet.take() {
                self.ops().push(Op::Text {
                    x: x - INDENT,
                    y,
                    size,
                    bold: false,
                    text: b.to_string(),
                });
            }
            self.ops().push(Op::Text {
                x,
                y,
                size,
                bold,
                text: line,
            });
        }
    }

    /// "Libellé : valeur", the label in bold on the first line.
    fn labelled(&mut self, label: &str, value: &str) {
        let prefix = format!("{label} :");
        let start = self.pages.len();
        let at = self.ops().len();
        self.lines(MARGIN, &format!("{prefix} {value}"), BODY, false, None);
        // The first run drawn starts with the label: split it in two.
        let page = &mut self.pages[start - 1];
        if let Some(Op::Text { x, y, text, .. }) = page.get(at).cloned()
            && let Some(rest) = text.strip_prefix(&prefix)
        {
            page[at] = Op::Text {
                x,
                y,
                size: BODY,
                bold: true,
                text: prefix.clone(),
            };
            page.insert(
                at + 1,
                Op::Text {
                    x: x + measure(&prefix, BODY, true),
                    y,
                    size: BODY,
                    bold: false,
                    text: rest.to_string(),
                },
            );
        }
    }

    fn gap(&mut self, points: f32) {
        self.y += points;
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        let n = header.len().max(1);
        // Each column as wide as its widest cell asks when the page has
        // room; else each keeps its longest word whole and shares the rest
        // by what it would ask.
        let mut natural = vec![30.0f32; n];
        let mut least = vec![20.0f32; n];
        for (r, row) in std::iter::once(header)
            .chain(rows.iter().map(Vec::as_slice))
            .enumerate()
        {
            let bold = r == 0;
            for (i, c) in row.iter().enumerate().take(n) {
                natural[i] = natural[i].max(measure(c, SMALL, bold) + 2.0 * PADDING);
                for word in c.split_whitespace() {
                    least[i] = least[i].max(measure(word, SMALL, bold) + 2.0 * PADDING);
                }
            }
        }
        let sum: f32 = natural.iter().sum();
        let floor: f32 = least.iter().sum();
        let widths: Vec<f32> = if sum <= WIDTH {
            natural
        } else if floor < WIDTH {
            let asked: f32 = natural.iter().zip(&least).map(|(n, l)| n - l).sum();
            natural
                .iter()
                .zip(&least)
                .map(|(n, l)| l + (WIDTH - floor) * (n - l) / asked.max(1.0))
                .collect()
        } else {
            natural.iter().map(|w| WIDTH * w / sum).collect()
        };
        let draw_row = |pages: &mut Pages, cells: &[String], bold: bool| {
            let wrapped: Vec<Vec<String>> = (0..n)
                .map(|i| {
                    let c = cells.get(i).map(String::as_str).unwrap_or_default();
                    wrap(c, SMALL, bold, widths[i] - 2.0 * PADDING)
                })
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let height = lines as f32 * leading(SMALL) + 2.0 * PADDING;
            pages.room(height);
            let top = pages.y;
            let mut x = MARGIN;
            for (i, cell) in wrapped.into_iter().enumerate() {
                for (k, line) in cell.into_iter().enumerate() {
                    pages.ops().push(Op::Text {
                        x: x + PADDING,
                        y: top + PADDING + (k + 1) as f32 * leading(SMALL)
                            - (leading(SMALL) - SMALL),
                        size: SMALL,
                        bold,
                        text: line,
                    });
                }
                pages.ops().push(Op::Line {
                    from: (x, top),
                    to: (x, top + height),
                });
                x += widths[i];
            }
            let right = x;
            pages.ops().push(Op::Line {
                from: (right, top),
                to: (right, top + height),
            });
            pages.ops().push(Op::Line {
                from: (MARGIN, top),
                to: (right, top),
            });
            pages.ops().push(Op::Line {
                from: (MARGIN, top + height),
                to: (right, top + height),
            });
            pages.y = top + height;
        };
        self.gap(4.0);
        draw_row(self, header, true);
        for r in rows {
            let page = self.pages.len();
            draw_row(self, r, false);
            // A row that went to a new page: the header above it again.
            if self.pages.len() != page {
                let last = self.ops().split_off(0);
                self.y = MARGIN;
                draw_row(self, header, true);
                let shift = self.y - MARGIN;
                for mut op in last {
                    match &mut op {
                        Op::Text { y, .. } => *y += shift,
                        Op::Line { from, to } => {
                            from.1 += shift;
                            to.1 += shift;
                        }
                    }
                    self.ops().push(op);
                }
                self.y += shift;
            }
        }
        self.gap(6.0);
    }
}

fn layout(doc: &Document) -> Vec<Vec<Op>> {
    let mut p = Pages::new();
    for block in &doc.blocks {
        match block {
            Block::Title { level, text } => {
                let (size, before) = match level {
                    1 => (16.0, 0.0),
                    2 => (13.0, 10.0),
                    _ => (11.5, 6.0),
                };
                p.gap(before);
                // A title is not left alone at the foot of a page.
                p.room(leading(size) + 3.0 * leading(BODY));
                p.lines(MARGIN, text, size, true, None);
                p.gap(3.0);
            }
            Block::Field { label, value } => p.labelled(label, value),
            Block::Text(text) => {
                p.lines(MARGIN, text, BODY, false, None);
                p.gap(4.0);
            }
            Block::List { label, items } => {
                p.lines(MARGIN, &format!("{label} :"), BODY, true, None);
                for i in items {
                    p.lines(MARGIN + INDENT, i, BODY, false, Some("•"));
                }
                p.gap(4.0);
            }
            Block::Numbered(items) => {
                for (n, i) in items.iter().enumerate() {
                    p.lines(
                        MARGIN + INDENT,
                        i,
                        BODY,
                        false,
                        Some(&format!("{}.", n + 1)),
                    );
                }
                p.gap(4.0);
            }
            Block::Items(items) => {
                for i in items {
                    p.lines(MARGIN + INDENT, &i.text, BODY, false, Some("•"));
                    for s in &i.sub {
                        p.lines(MARGIN + 2.0 * INDENT, s, BODY, false, Some("–"));
                    }
                }
                p.gap(4.0);
            }
            Block::Link { label, url } => {
                p.lines(MARGIN, &format!("{label} : {url}"), BODY, false, None)
            }
            Block::Table {
                title,
                header,
                rows,
                ..
            } => {
                if !title.is_empty() {
                    p.gap(6.0);
                    p.lines(MARGIN, title, 11.5, true, None);
                }
                p.table(header, rows);
            }
            Block::Notes { title, entries } => {
                p.lines(MARGIN, &format!("{title} :"), BODY, true, None);
                for (entry, note) in entries {
                    p.lines(MARGIN + INDENT, entry, BODY, false, Some("•"));
                    p.lines(MARGIN + INDENT, note, SMALL, false, None);
                }
            }
        }
    }
    p.pages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_inside_the_page_and_keeps_every_word() {
        let text = "Les collectivités mutualisent leurs logiciels libres ".repeat(20);
        let lines = wrap(text.trim(), BODY, false, WIDTH);
        assert!(lines.len() > 5, "{lines:?}");
        assert!(lines.iter().all(|l| measure(l, BODY, false) <= WIDTH));
        assert_eq!(lines.join(" "), text.trim());
    }

    #[test]
    fn a_long_table_goes_on_with_its_header_on_each_page() {
        let mut doc = Document::new("fr");
        doc.push(Block::Table {
            title: String::new(),
            header: vec!["Thème".into(), "Villes".into()],
            rows: (0..120)
                .map(|i| vec![format!("Groupe {i}"), "Arles, Berre".into()])
                .collect(),
            blank: Vec::new(),
        });
        let pages = layout(&doc);
        assert!(pages.len() >= 2, "{}", pages.len());
        for page in &pages {
            let header = page
                .iter()
                .any(|op| matches!(op, Op::Text { text, bold: true, .. } if text == "Thème"));
            assert!(header, "every page starts with the header");
            assert!(page.iter().all(|op| match op {
                Op::Text { y, .. } => *y < PAGE_H - MARGIN + 1.0,
                Op::Line { to, .. } => to.1 < PAGE_H - MARGIN + 1.0,
            }));
        }
        let pdf = write(&doc).expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(write(&doc).expect("pdf"), pdf, "the same bytes each time");
    }
}
