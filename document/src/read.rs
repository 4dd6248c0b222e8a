//! A stored text back into blocks: an approved compte rendu is frozen as
//! the text that was approved (Markdown written by greffier, or the plain
//! text of an imported compte rendu, as it was written); its HTML, ODT and
//! PDF are rendered from that text, so that no later change of the
//! database can alter any of them.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::{Block, Document, Item};

/// Markdown (CommonMark with pipe tables) as blocks: headings, paragraphs
/// (a hard break kept as a line break), lists with one level of sub-items,
/// tables. Emphasis, code and links keep their text.
pub fn markdown(text: &str, lang: &'static str) -> Document {
    let mut doc = Document::new(lang);
    let mut buf = String::new();
    // Lists: the items of the outer list, the depth we are at, whether
    // the outer list is numbered.
    let mut items: Vec<Item> = Vec::new();
    let mut depth = 0usize;
    let mut ordered = false;
    let mut table: Option<(Vec<String>, Vec<Vec<String>>)> = None;
    let mut row: Vec<String> = Vec::new();
    let mut in_head = false;
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. } | Tag::Paragraph | Tag::TableCell) if depth == 0 => {
                buf.clear();
            }
            Event::End(TagEnd::Heading(level)) => {
                doc.push(Block::Title {
                    level: level as u8,
                    text: std::mem::take(&mut buf).trim().to_string(),
                });
            }
            Event::End(TagEnd::Paragraph) if depth == 0 => {
                doc.push(Block::Text(std::mem::take(&mut buf).trim().to_string()));
            }
            Event::Start(Tag::List(first)) => {
                if depth > 0 {
                    flush_item(&mut items, &mut buf, depth);
                } else {
                    ordered = first.is_some();
                }
                depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                flush_item(&mut items, &mut buf, depth);
                depth -= 1;
                if depth == 0 && !items.is_empty() {
                    let items = std::mem::take(&mut items);
                    doc.push(match ordered && items.iter().all(|i| i.sub.is_empty()) {
                        true => Block::Numbered(items.into_iter().map(|i| i.text).collect()),
                        false => Block::Items(items),
                    });
                }
            }
            Event::Start(Tag::Item) => buf.clear(),
            Event::End(TagEnd::Item) => flush_item(&mut items, &mut buf, depth),
            Event::Start(Tag::Table(_)) => table = Some((Vec::new(), Vec::new())),
            Event::Start(Tag::TableHead) => in_head = true,
            Event::End(TagEnd::TableCell) => row.push(std::mem::take(&mut buf).trim().to_string()),
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                if let Some((header, _)) = table.as_mut() {
                    *header = std::mem::take(&mut row);
                }
            }
            Event::End(TagEnd::TableRow) if !in_head => {
                if let Some((_, rows)) = table.as_mut() {
                    rows.push(std::mem::take(&mut row));
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some((header, rows)) = table.take() {
                    doc.push(Block::Table {
                        title: String::new(),
                        blank: Vec::new(),
                        header,
                        rows,
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => buf.push_str(&t),
            Event::SoftBreak => buf.push(' '),
            Event::HardBreak => buf.push('\n'),
            _ => {}
        }
    }
    doc
}

/// The text gathered for a list item: an item of the outer list, or a
/// sub-item of the last one.
fn flush_item(items: &mut Vec<Item>, buf: &mut String, depth: usize) {
    let text = std::mem::take(buf).trim().to_string();
    if text.is_empty() {
        return;
    }
    match (depth, items.last_mut()) {
        (2.., Some(last)) => last.sub.push(text),
        _ => items.push(Item::new(text)),
    }
}

/// A plain text as it was written (an imported compte rendu): its first
/// line is the title; groups of lines between blank lines are paragraphs
/// with their line breaks kept; lines starting with a dash or a bullet
/// are lists; tab-separated lines are tables (the first row the header).
/// Every character of every line is kept.
pub fn plain(text: &str, lang: &'static str) -> Document {
    let mut doc = Document::new(lang);
    let mut lines = text.lines().map(str::trim_end).peekable();
    while lines.peek().is_some_and(|l| l.trim().is_empty()) {
        lines.next();
    }
    if let Some(title) = lines.next() {
        doc.push(Block::Title {
            level: 1,
            text: title.trim().to_string(),
        });
    }
    let mut group: Vec<&str> = Vec::new();
    for line in lines.chain(std::iter::once("")) {
        if !line.trim().is_empty() {
            group.push(line);
            continue;
        }
        let mut run: Vec<&str> = Vec::new();
        let mut kind = Kind::Text;
        for l in group.drain(..) {
            let k = Kind::of(l);
            if k != kind && !run.is_empty() {
                push_run(&mut doc, kind, &run);
                run.clear();
            }
            kind = k;
            run.push(l);
        }
        if !run.is_empty() {
            push_run(&mut doc, kind, &run);
        }
    }
    doc
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Item,
    Row,
}

impl Kind {
    fn of(line: &str) -> Kind {
        let t = line.trim_start();
        if line.contains('\t') {
            Kind::Row
        } else if t.starts_with(['-', '•', '–'])
            && t.chars().nth(1).is_some_and(char::is_whitespace)
        {
            Kind::Item
        } else {
            Kind::Text
        }
    }
}

/// The typed minutes' formatting marks, which a reader should not see as
/// text: an item wrapped in asterisks (italics in the word processor it
/// came from), `<i>`/`<b>` around a table's header. The stored text keeps
/// them; only the rendering drops them.
fn unmarked(s: &str) -> String {
    let t = s.trim();
    let t = match t.len() > 2 && t.starts_with('*') && t.ends_with('*') {
        true => &t[1..t.len() - 1],
        false => t,
    };
    let mut out = t.to_string();
    for tag in ["<i>", "</i>", "<b>", "</b>"] {
        out = out.replace(tag, "");
    }
    out.trim().to_string()
}

fn push_run(doc: &mut Document, kind: Kind, run: &[&str]) {
    match kind {
        Kind::Text => doc.push(Block::Text(
            run.iter().map(|l| l.trim()).collect::<Vec<_>>().join("\n"),
        )),
        Kind::Item => {
            let mut items: Vec<Item> = Vec::new();
            for l in run {
                let nested = l.starts_with([' ', '\t']) && !items.is_empty();
                let text = unmarked(l.trim_start()[1..].trim());
                match (nested, items.last_mut()) {
                    (true, Some(last)) => last.sub.push(text),
                    _ => items.push(Item::new(text)),
                }
            }
            doc.push(Block::Items(items));
        }
        Kind::Row => {
            let mut rows: Vec<Vec<String>> = run
                .iter()
                .map(|l| l.split('\t').map(unmarked).collect())
                .collect();
            let header = rows.remove(0);
            doc.push(Block::Table {
                title: String::new(),
                header,
                rows,
                blank: Vec::new(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_written_reads_back_to_the_same_blocks() {
        let mut doc = Document::new("fr");
        doc.push(Block::Title {
            level: 1,
            text: "1ère Conférence DSI 13".into(),
        });
        doc.push(Block::Text("11 juin 2007\nArles".into()));
        doc.push(Block::Title {
            level: 2,
            text: "Étaient présents".into(),
        });
        doc.push(Block::Items(vec![
            Item {
                text: "Arles".into(),
                sub: vec!["François RAYNAUD".into()],
            },
            Item::new("Berre"),
        ]));
        doc.push(Block::Numbered(vec![
            "Tour de table".into(),
            "Bilan".into(),
        ]));
        doc.push(Block::Table {
            title: String::new(),
            header: vec!["Thème".into(), "Villes".into()],
            rows: vec![vec!["OpenElec | élections".into(), "Arles".into()]],
            blank: Vec::new(),
        });
        let back = markdown(&doc.markdown(), "fr");
        assert_eq!(back, doc, "{}", doc.markdown());
    }

    #[test]
    fn a_plain_text_keeps_every_line() {
        let text = "Titre\n\n11 Juin 2007\nArles\n\n- *M. X, Arles*\n- *Mme Y, Berre*\n\n<i>theme</i>\t<i>Villes</i>\nOpenElec\tArles\n\nLa suite.\n";
        let doc = plain(text, "fr");
        assert_eq!(doc.title(), "Titre");
        let rendered = doc.html();
        for line in text.lines().filter(|l| !l.is_empty()) {
            for part in line.split('\t') {
                let part = unmarked(part.trim_start_matches("- "));
                assert!(rendered.contains(&part), "{part:?} in {rendered}");
            }
        }
        assert!(matches!(&doc.blocks[2], Block::Items(i) if i[0].text == "M. X, Arles"));
        assert!(
            !rendered.contains('*') && !rendered.contains("&lt;i&gt;"),
            "{rendered}"
        );
        assert!(matches!(&doc.blocks[3], Block::Table { rows, .. } if rows.len() == 1));
    }
}
