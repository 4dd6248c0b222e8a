//! The documents the bot writes, as one model: a [`Document`] is a list
//! of [`Block`]s, rendered as plain text (a room's notice body, a mail's
//! text part) and as HTML (a notice's formatted body, a mail's HTML part).
//! The digests are written this way; the minutes, the web pages and the
//! office formats to come read the same blocks.

use crate::text::escape_html;

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A title: `<h2>` (the document's) or `<h3>` (a section's).
    Title { level: u8, text: String },
    /// "Libellé : valeur".
    Field { label: String, value: String },
    /// A paragraph.
    Text(String),
    /// A labelled list: "Libellé :" then one "• " line per item.
    List { label: String, items: Vec<String> },
    /// A link, with what it leads to.
    Link { label: String, url: String },
    /// A titled table, after a blank line in text, one "• " line per row
    /// with its cells between dashes; `blank[i]` is what an empty cell of
    /// column `i` reads in text.
    Table {
        title: String,
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        blank: Vec<&'static str>,
    },
    /// A titled list of entries, each with a note under it (a command to
    /// type, say), after a blank line in text.
    Notes {
        title: String,
        entries: Vec<(String, String)>,
    },
}

/// A document: its blocks, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub blocks: Vec<Block>,
}

impl Document {
    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// The document as plain text, a block a line (or several).
    pub fn text(&self) -> String {
        self.blocks
            .iter()
            .map(Block::text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The document as HTML, a block a line (or several).
    pub fn html(&self) -> String {
        self.blocks
            .iter()
            .map(Block::html)
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl Block {
    fn text(&self) -> String {
        match self {
            Block::Title { text, .. } | Block::Text(text) => text.clone(),
            Block::Field { label, value } => format!("{label} : {value}"),
            Block::List { label, items } => {
                let items: Vec<String> = items.iter().map(|i| format!("• {i}")).collect();
                format!("{label} :\n{}", items.join("\n"))
            }
            Block::Link { label, url } => format!("{label} : {url}"),
            Block::Table {
                title, rows, blank, ..
            } => {
                let mut lines = vec![String::new(), format!("{title} :")];
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

    fn html(&self) -> String {
        match self {
            Block::Title { level, text } => format!("<h{level}>{}</h{level}>", escape_html(text)),
            Block::Field { label, value } => {
                format!(
                    "<p><b>{}</b> : {}</p>",
                    escape_html(label),
                    escape_html(value)
                )
            }
            Block::Text(text) => format!("<p>{}</p>", escape_html(text)),
            Block::List { label, items } => {
                let items: String = items
                    .iter()
                    .map(|i| format!("<li>{}</li>", escape_html(i)))
                    .collect();
                format!("<p><b>{}</b> :</p><ul>{items}</ul>", escape_html(label))
            }
            Block::Link { label, url } => format!(
                "<p><a href=\"{}\">{}</a></p>",
                escape_html(url),
                escape_html(label)
            ),
            Block::Table {
                title,
                header,
                rows,
                ..
            } => {
                let header: String = header
                    .iter()
                    .map(|h| format!("<th>{}</th>", escape_html(h)))
                    .collect();
                let mut lines = vec![format!(
                    "<h3>{}</h3><table><tr>{header}</tr>",
                    escape_html(title)
                )];
                for row in rows {
                    let cells: String = row
                        .iter()
                        .map(|c| format!("<td>{}</td>", escape_html(c)))
                        .collect();
                    lines.push(format!("<tr>{cells}</tr>"));
                }
                lines.push("</table>".into());
                lines.join("\n")
            }
            Block::Notes { title, entries } => {
                let mut lines = vec![format!("<h3>{}</h3><ul>", escape_html(title))];
                for (entry, note) in entries {
                    lines.push(format!(
                        "<li>{}<br><code>{}</code></li>",
                        escape_html(entry),
                        escape_html(note)
                    ));
                }
                lines.push("</ul>".into());
                lines.join("\n")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_block_reads_as_text_and_as_html() {
        let mut doc = Document::default();
        doc.push(Block::Title {
            level: 3,
            text: "Messagerie <libre>".into(),
        });
        doc.push(Block::Field {
            label: "Chef de projet".into(),
            value: "Berre".into(),
        });
        doc.push(Block::List {
            label: "Réunions".into(),
            items: vec!["n°1".into(), "n°2".into()],
        });
        doc.push(Block::Table {
            title: "Groupes".into(),
            header: vec!["Thème".into(), "Chef".into()],
            rows: vec![vec!["Courrier".into(), String::new()]],
            blank: vec!["", "-"],
        });
        assert_eq!(
            doc.text(),
            "Messagerie <libre>\nChef de projet : Berre\nRéunions :\n• n°1\n• n°2\n\nGroupes :\n• Courrier — -"
        );
        assert_eq!(
            doc.html(),
            "<h3>Messagerie &lt;libre&gt;</h3>\n<p><b>Chef de projet</b> : Berre</p>\n<p><b>Réunions</b> :</p><ul><li>n°1</li><li>n°2</li></ul>\n<h3>Groupes</h3><table><tr><th>Thème</th><th>Chef</th></tr>\n<tr><td>Courrier</td><td></td></tr>\n</table>"
        );
    }
}
