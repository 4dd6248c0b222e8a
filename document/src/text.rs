//! Plain text: a room's notice body, a mail's text part.

use crate::{Block, Document};

impl Document {
    /// The document as plain text, a block a line (or several).
    pub fn text(&self) -> String {
        self.blocks
            .iter()
            .map(Block::text)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Block {
    pub(crate) fn text(&self) -> String {
        match self {
            Block::Title { text, .. } | Block::Text(text) => text.clone(),
            Block::Field { label, value } => format!("{label} : {value}"),
            Block::List { label, items } => {
                let items: Vec<String> = items.iter().map(|i| format!("• {i}")).collect();
                format!("{label} :\n{}", items.join("\n"))
            }
            Block::Items(items) => {
                let mut lines = Vec::new();
                for i in items {
                    lines.push(format!("• {}", i.text));
                    lines.extend(i.sub.iter().map(|s| format!("  – {s}")));
                }
                lines.join("\n")
            }
            Block::Numbered(items) => numbered(items).join("\n"),
            Block::Link { label, url } => format!("{label} : {url}"),
            Block::Table {
                title, rows, blank, ..
            } => {
                let mut lines = match title.is_empty() {
                    true => vec![String::new()],
                    false => vec![String::new(), format!("{title} :")],
                };
                for row in rows {
                    let cells: Vec<&str> = row
                        .iter()
                        .enumerate()
                        .map(|(i, c)| match (c.is_empty(), blank.get(i)) {
                            (true, Some(b)) => *b,
                            _ => c.as_str(),
                        })
                        .collect();
                    lines.push(format!("• {}", cells.join(" — ")));
                }
                lines.join("\n")
            }
            Block::Notes { title, entries } => {
                let mut lines = vec![String::new(), format!("{title} :")];
                for (entry, note) in entries {
                    lines.push(format!("• {entry}"));
                    lines.push(format!("  {note}"));
                }
                lines.join("\n")
            }
        }
    }
}

/// "1. Premier point", "2. …".
pub(crate) fn numbered(items: &[String]) -> Vec<String> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| format!("{}. {item}", i + 1))
        .collect()
}
