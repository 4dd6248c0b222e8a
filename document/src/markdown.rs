//! Markdown (CommonMark with its tables): the compte rendu as a rédacteur
//! edits it in any editor and imports it back (`greffier import-minutes
//! cr.md --meeting <id>`), and the `.md` download. A block is a paragraph
//! of its own (blank lines between); a table is a pipe table.

use crate::{Block, Document};

impl Document {
    /// The document as Markdown, ending with a line break.
    pub fn markdown(&self) -> String {
        let mut out = self
            .blocks
            .iter()
            .map(Block::markdown)
            .collect::<Vec<_>>()
            .join("\n\n");
        out.push('\n');
        out
    }
}

/// A table cell: a pipe is escaped, a line break becomes a space (a pipe
/// table's row is one line).
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl Block {
    fn markdown(&self) -> String {
        match self {
            Block::Title { level, text } => {
                format!("{} {}", "#".repeat(usize::from((*level).clamp(1, 6))), text)
            }
            Block::Field { label, value } => format!("**{label}** : {value}"),
            // A line break inside a paragraph: a backslash at the line's end
            // (CommonMark's visible hard break, which editors keep).
            Block::Text(text) => text.replace('\n', "\\\n"),
            Block::List { label, items } => {
                let mut lines = vec![format!("**{label}** :"), String::new()];
                lines.extend(items.iter().map(|i| format!("- {i}")));
                lines.join("\n")
            }
            Block::Items(items) => {
                let mut lines = Vec::new();
                for i in items {
                    lines.push(format!("- {}", i.text));
                    lines.extend(i.sub.iter().map(|s| format!("  - {s}")));
                }
                lines.join("\n")
            }
            Block::Numbered(items) => crate::text::numbered(items).join("\n"),
            Block::Link { label, url } => format!("[{label}]({url})"),
            Block::Table {
                title,
                header,
                rows,
                ..
            } => {
                let mut lines = Vec::new();
                if !title.is_empty() {
                    lines.push(format!("**{title}**"));
                    lines.push(String::new());
                }
                let row = |cells: &[String]| {
                    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
                    format!("| {} |", cells.join(" | "))
                };
                lines.push(row(header));
                lines.push(format!("|{}", "---|".repeat(header.len().max(1))));
                for r in rows {
                    let mut r = r.clone();
                    r.resize(header.len().max(r.len()), String::new());
                    lines.push(row(&r));
                }
                lines.join("\n")
            }
            Block::Notes { title, entries } => {
                let mut lines = vec![format!("**{title}** :"), String::new()];
                for (entry, note) in entries {
                    lines.push(format!("- {entry}  "));
                    lines.push(format!("  `{note}`"));
                }
                lines.join("\n")
            }
        }
    }
}
