//! HTML: a notice's formatted body, a mail's HTML part, the body of a
//! web page. Every text is escaped.

use crate::{Block, Document};

/// `<`, `>`, `&` and both quotes as entities: what users typed never
/// becomes markup.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Document {
    /// The document as HTML inside a page that has its own `<h1>`: every
    /// title one level down (h1 → h2 …), so the page's outline holds.
    pub fn html_in_page(&self) -> String {
        let mut inner = self.clone();
        for block in &mut inner.blocks {
            if let Block::Title { level, .. } = block {
                *level = (*level + 1).min(6);
            }
        }
        inner.html()
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
            Block::Text(text) => format!("<p>{}</p>", escape_html(text).replace('\n', "<br>")),
            Block::Numbered(items) => {
                let items: String = items
                    .iter()
                    .map(|i| format!("<li>{}</li>", escape_html(i)))
                    .collect();
                format!("<ol>{items}</ol>")
            }
            Block::Items(items) => {
                let items: String = items
                    .iter()
                    .map(|i| {
                        let sub: String = i
                            .sub
                            .iter()
                            .map(|s| format!("<li>{}</li>", escape_html(s)))
                            .collect();
                        match sub.is_empty() {
                            true => format!("<li>{}</li>", escape_html(&i.text)),
                            false => format!("<li>{}<ul>{sub}</ul></li>", escape_html(&i.text)),
                        }
                    })
                    .collect();
                format!("<ul>{items}</ul>")
            }
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
                let title = match title.is_empty() {
                    true => String::new(),
                    false => format!("<h3>{}</h3>", escape_html(title)),
                };
                let mut lines = vec![format!("{title}<table><tr>{header}</tr>")];
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
