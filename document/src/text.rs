//! Plain text: a room's notice body, a mail's text part.

use crate::{Block, Document};

impl Document {
    /// The document as plain text, a block a line (or several).
    pub fn text(&self) -> String {
        // The colon as each language writes it: "Villes : …", "Lead: …".
        let colon = match self.language() {
            "fr" => " :",
            _ => ":",
        };
        self.blocks
            .iter()
            .map(|b| b.text(colon))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Block {
    pub(crate) fn text(&self, colon: &str) -> String {
        match self {
            Block::Title { text, .. } | Block::Text(text) => text.clone(),
            Block::Field { label, value } => format!("{label}{colon} {value}"),
            Block::List { label, items } => {
                let items: Vec<String> = items.iter().map(|i| format!("• {i}")).collect();
                format!("{label}{colon}\n{}", items.join("\n"))
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
            Block::Link { label, url } => format!("{label}{colon} {url}"),
            Block::Table {
                title,
                header,
                rows,
                blank,
            } => {
                let mut lines = match title.is_empty() {
                    true => vec![String::new()],
                    false => vec![String::new(), format!("{title}{colon}")],
                };
                for row in rows {
                    // The first cell names the row; each other cell says
                    // which column it is: "• OpenElec — villes : Arles,
                    // Fos — chef de projet : Arles — action : …".
                    let cells: Vec<String> = row
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let value = match (c.is_empty(), blank.get(i)) {
                                (true, Some(b)) => *b,
                                _ => c.as_str(),
                            };
                            match (i, header.get(i)) {
                                (1.., Some(h)) if !h.is_empty() => {
                                    format!("{}{colon} {value}", lower_first(h))
                                }
                                _ => value.to_string(),
                            }
                        })
                        .collect();
                    lines.push(format!("• {}", cells.join(" — ")));
                }
                lines.join("\n")
            }
            Block::Notes { title, entries } => {
                let mut lines = vec![String::new(), format!("{title}{colon}")];
                for (entry, note) in entries {
                    lines.push(format!("• {entry}"));
                    lines.push(format!("  {note}"));
                }
                lines.join("\n")
            }
        }
    }
}

/// "Chef de projet" → "chef de projet", a label inside a line; an acronym
/// ("SHA-256", "N°") stays as it is.
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => first
            .to_lowercase()
            .chain(label[first.len_utf8()..].chars())
            .collect(),
        _ => label.to_string(),
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
