//! The documents the bot writes, as one model: a [`Document`] is a list
//! of [`Block`]s. The digests, the compte rendu and the web pages that
//! show them are built as blocks; each format is one renderer of the same
//! blocks:
//!
//! - [`Document::text`]: plain text (a room's notice body, a mail's text
//!   part);
//! - [`Document::html`]: HTML (a notice's formatted body, a mail's HTML
//!   part, the body of a web page);
//! - [`Document::markdown`]: Markdown (the compte rendu a rédacteur edits
//!   and imports back);
//! - [`odt::write`]: OpenDocument Text, the office format of the French
//!   public bodies;
//! - [`pdf::write`]: PDF, for the archive.
//!
//! [`read`] goes the other way: a stored text (an approved compte rendu,
//! Markdown or the plain text of an imported one) back into blocks, so
//! that every format of a frozen record comes from its frozen text.

pub mod fonts;
mod html;
mod markdown;
pub mod odt;
pub mod pdf;
pub mod read;
mod text;

pub use html::escape_html;

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A title: level 1 is the document's, 2 a section's, 3 a
    /// subsection's (`<h1>`…`<h3>` when the document is a page of its own;
    /// a digest's titles are 2 and 3 inside a mail).
    Title { level: u8, text: String },
    /// "Libellé : valeur".
    Field { label: String, value: String },
    /// A paragraph; a `\n` inside is a line break.
    Text(String),
    /// A labelled list: "Libellé :" then one "• " line per item.
    List { label: String, items: Vec<String> },
    /// A list without a label, each item with its own sub-items.
    Items(Vec<Item>),
    /// A numbered list (an ordre du jour): 1., 2., …
    Numbered(Vec<String>),
    /// A link, with what it leads to.
    Link { label: String, url: String },
    /// A table, with its title when it has one (after a blank line in
    /// text, one "• " line per row with its cells between dashes);
    /// `blank[i]` is what an empty cell of column `i` reads in text.
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

/// An item of [`Block::Items`], with the items under it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    pub text: String,
    pub sub: Vec<String>,
}

impl Item {
    pub fn new(text: impl Into<String>) -> Self {
        Item {
            text: text.into(),
            sub: Vec::new(),
        }
    }
}

/// A document: its blocks, in order, and the language it is written in
/// (the `lang` of its HTML, ODT and PDF).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// "fr", "en"; empty: French.
    pub lang: &'static str,
}

impl Document {
    pub fn new(lang: &'static str) -> Self {
        Document {
            blocks: Vec::new(),
            lang,
        }
    }

    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// The text of the first title: the document's name (a PDF's title,
    /// an ODT's).
    pub fn title(&self) -> &str {
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Title { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .unwrap_or_default()
    }

    pub(crate) fn language(&self) -> &'static str {
        if self.lang.is_empty() {
            "fr"
        } else {
            self.lang
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
            "Messagerie <libre>\nChef de projet : Berre\nRéunions :\n• n°1\n• n°2\n\nGroupes :\n• Courrier — chef : -"
        );
        assert_eq!(
            doc.html(),
            "<h3>Messagerie &lt;libre&gt;</h3>\n<p><b>Chef de projet</b> : Berre</p>\n<p><b>Réunions</b> :</p><ul><li>n°1</li><li>n°2</li></ul>\n<h3>Groupes</h3><table><tr><th>Thème</th><th>Chef</th></tr>\n<tr><td>Courrier</td><td></td></tr>\n</table>"
        );
    }
}
