//! OpenDocument Text (.odt, ISO/IEC 26300), the format French public
//! bodies exchange office documents in: a zip whose first entry names the
//! type, then the XML parts (content, styles, meta, manifest) and the
//! fonts, embedded so the document reads the same on a machine without
//! them. Written with `zip` and `quick-xml`'s writer; no office suite
//! needed. The same blocks give the same bytes (every entry is dated
//! 1980-01-01), so a frozen compte rendu's .odt never changes.

use std::io::{Cursor, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::{Block, Document, fonts};

type Xml = Writer<Vec<u8>>;

const MIMETYPE: &str = "application/vnd.oasis.opendocument.text";

const NAMESPACES: [(&str, &str); 10] = [
    (
        "xmlns:office",
        "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    ),
    (
        "xmlns:style",
        "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    ),
    (
        "xmlns:text",
        "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    ),
    (
        "xmlns:table",
        "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    ),
    (
        "xmlns:fo",
        "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    ),
    (
        "xmlns:svg",
        "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    ),
    ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
    ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
    (
        "xmlns:meta",
        "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    ),
    (
        "xmlns:loext",
        "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0",
    ),
];

/// The document as an .odt file.
pub fn write(doc: &Document) -> std::io::Result<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let at = DateTime::default();
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(at);
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(at);
    // The type first and uncompressed: how a reader recognises the file.
    zip.start_file("mimetype", stored)?;
    zip.write_all(MIMETYPE.as_bytes())?;
    let parts: [(&str, Vec<u8>); 4] = [
        ("content.xml", content(doc)?),
        ("styles.xml", styles(doc)?),
        ("meta.xml", meta(doc)?),
        ("META-INF/manifest.xml", manifest()?),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, deflated)?;
        zip.write_all(&bytes)?;
    }
    for (name, bytes) in FONT_FILES {
        zip.start_file(format!("Fonts/{name}"), deflated)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

const FONT_FILES: [(&str, &[u8]); 2] = [
    ("DejaVuSans.ttf", fonts::REGULAR),
    ("DejaVuSans-Bold.ttf", fonts::BOLD),
];

fn xml() -> std::io::Result<Xml> {
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    Ok(w)
}

/// `<name attrs…>` … `</name>`, the inside written by `inner`.
fn element(
    w: &mut Xml,
    name: &str,
    attrs: &[(&str, &str)],
    inner: impl FnOnce(&mut Xml) -> std::io::Result<()>,
) -> std::io::Result<()> {
    w.create_element(name)
        .with_attributes(attrs.iter().copied())
        .write_inner_content(inner)?;
    Ok(())
}

fn empty(w: &mut Xml, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    w.create_element(name)
        .with_attributes(attrs.iter().copied())
        .write_empty()?;
    Ok(())
}

/// Text, its line breaks as `<text:line-break/>`.
fn text(w: &mut Xml, s: &str) -> std::io::Result<()> {
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            empty(w, "text:line-break", &[])?;
        }
        w.write_event(Event::Text(BytesText::new(line)))?;
    }
    Ok(())
}

fn paragraph(w: &mut Xml, style: &str, s: &str) -> std::io::Result<()> {
    element(w, "text:p", &[("text:style-name", style)], |w| text(w, s))
}

/// "**Libellé** : valeur" as a paragraph with its label in bold.
fn labelled(w: &mut Xml, label: &str, value: Option<&str>) -> std::io::Result<()> {
    element(w, "text:p", &[("text:style-name", "Text_20_body")], |w| {
        element(w, "text:span", &[("text:style-name", "Strong")], |w| {
            text(w, label)
        })?;
        text(
            w,
            &format!(" :{}", value.map(|v| format!(" {v}")).unwrap_or_default()),
        )
    })
}

fn list<'a>(
    w: &mut Xml,
    items: impl Iterator<Item = (&'a str, &'a [String])>,
) -> std::io::Result<()> {
    element(w, "text:list", &[("text:style-name", "Bullets")], |w| {
        for (item, sub) in items {
            element(w, "text:list-item", &[], |w| {
                paragraph(w, "List_20_Contents", item)?;
                if !sub.is_empty() {
                    element(w, "text:list", &[], |w| {
                        for s in sub {
                            element(w, "text:list-item", &[], |w| {
                                paragraph(w, "List_20_Contents", s)
                            })?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })
}

fn table(w: &mut Xml, n: usize, header: &[String], rows: &[Vec<String>]) -> std::io::Result<()> {
    let name = format!("Tableau{n}");
    let columns = header.len().max(1).to_string();
    element(
        w,
        "table:table",
        &[("table:name", &name), ("table:style-name", "Grid")],
        |w| {
            empty(
                w,
                "table:table-column",
                &[("table:number-columns-repeated", &columns)],
            )?;
            let row = |w: &mut Xml, cells: &[String], style: &str| {
                element(w, "table:table-row", &[], |w| {
                    for c in cells {
                        element(
                            w,
                            "table:table-cell",
                            &[
                                ("table:style-name", "Cell"),
                                ("office:value-type", "string"),
                            ],
                            |w| paragraph(w, style, c),
                        )?;
                    }
                    Ok(())
                })
            };
            element(w, "table:table-header-rows", &[], |w| {
                row(w, header, "Table_20_Heading")
            })?;
            for r in rows {
                let mut r = r.clone();
                r.resize(header.len().max(r.len()), String::new());
                row(w, &r, "Table_20_Contents")?;
            }
            Ok(())
        },
    )
}

fn content(doc: &Document) -> std::io::Result<Vec<u8>> {
    let mut w = xml()?;
    let mut attrs: Vec<(&str, &str)> = NAMESPACES.to_vec();
    attrs.push(("office:version", "1.3"));
    element(&mut w, "office:document-content", &attrs, |w| {
        font_faces(w)?;
        element(w, "office:automatic-styles", &[], |w| {
            element(
                w,
                "style:style",
                &[("style:name", "Grid"), ("style:family", "table")],
                |w| {
                    empty(
                        w,
                        "style:table-properties",
                        &[("style:width", "17cm"), ("table:align", "margins")],
                    )
                },
            )?;
            element(
                w,
                "style:style",
                &[("style:name", "Cell"), ("style:family", "table-cell")],
                |w| {
                    empty(
                        w,
                        "style:table-cell-properties",
                        &[
                            ("fo:border", "0.5pt solid #000000"),
                            ("fo:padding", "0.1cm"),
                        ],
                    )
                },
            )?;
            element(w, "text:list-style", &[("style:name", "Numbers")], |w| {
                element(
                    w,
                    "text:list-level-style-number",
                    &[
                        ("text:level", "1"),
                        ("style:num-format", "1"),
                        ("style:num-suffix", "."),
                    ],
                    |w| {
                        element(
                            w,
                            "style:list-level-properties",
                            &[("text:list-level-position-and-space-mode", "label-alignment")],
                            |w| {
                                empty(
                                    w,
                                    "style:list-level-label-alignment",
                                    &[
                                        ("text:label-followed-by", "listtab"),
                                        ("fo:text-indent", "-0.5cm"),
                                        ("fo:margin-left", "0.8cm"),
                                    ],
                                )
                            },
                        )
                    },
                )
            })?;
            element(w, "text:list-style", &[("style:name", "Bullets")], |w| {
                for (level, bullet, margin) in [("1", "•", "0.6cm"), ("2", "–", "1.2cm")] {
                    element(
                        w,
                        "text:list-level-style-bullet",
                        &[("text:level", level), ("text:bullet-char", bullet)],
                        |w| {
                            element(
                                w,
                                "style:list-level-properties",
                                &[("text:list-level-position-and-space-mode", "label-alignment")],
                                |w| {
                                    empty(
                                        w,
                                        "style:list-level-label-alignment",
                                        &[
                                            ("text:label-followed-by", "listtab"),
                                            ("fo:text-indent", "-0.4cm"),
                                            ("fo:margin-left", margin),
                                        ],
                                    )
                                },
                            )
                        },
                    )?;
                }
                Ok(())
            })
        })?;
        element(w, "office:body", &[], |w| {
            element(w, "office:text", &[], |w| {
                let mut tables = 0;
                for block in &doc.blocks {
                    body_block(w, block, &mut tables)?;
                }
                Ok(())
            })
        })
    })?;
    Ok(w.into_inner())
}

fn body_block(w: &mut Xml, block: &Block, tables: &mut usize) -> std::io::Result<()> {
    match block {
        Block::Title { level, text: t } => {
            let level = (*level).clamp(1, 3).to_string();
            let style = format!("Heading_20_{level}");
            element(
                w,
                "text:h",
                &[("text:style-name", &style), ("text:outline-level", &level)],
                |w| text(w, t),
            )
        }
        Block::Field { label, value } => labelled(w, label, Some(value)),
        Block::Text(t) => paragraph(w, "Text_20_body", t),
        Block::List { label, items } => {
            labelled(w, label, None)?;
            list(w, items.iter().map(|i| (i.as_str(), &[][..])))
        }
        Block::Items(items) => list(w, items.iter().map(|i| (i.text.as_str(), &i.sub[..]))),
        Block::Numbered(items) => element(w, "text:list", &[("text:style-name", "Numbers")], |w| {
            for item in items {
                element(w, "text:list-item", &[], |w| {
                    paragraph(w, "List_20_Contents", item)
                })?;
            }
            Ok(())
        }),
        Block::Link { label, url } => {
            element(w, "text:p", &[("text:style-name", "Text_20_body")], |w| {
                element(
                    w,
                    "text:a",
                    &[("xlink:type", "simple"), ("xlink:href", url)],
                    |w| text(w, label),
                )
            })
        }
        Block::Table {
            title,
            header,
            rows,
            ..
        } => {
            if !title.is_empty() {
                body_block(
                    w,
                    &Block::Title {
                        level: 3,
                        text: title.clone(),
                    },
                    tables,
                )?;
            }
            *tables += 1;
            table(w, *tables, header, rows)
        }
        Block::Notes { title, entries } => {
            labelled(w, title, None)?;
            let notes: Vec<(String, Vec<String>)> = entries
                .iter()
                .map(|(e, n)| (e.clone(), vec![n.clone()]))
                .collect();
            list(w, notes.iter().map(|(e, n)| (e.as_str(), &n[..])))
        }
    }
}

/// The font, with its embedded files (`Fonts/…` in the zip).
fn font_faces(w: &mut Xml) -> std::io::Result<()> {
    let family = format!("'{}'", fonts::FAMILY);
    element(w, "office:font-face-decls", &[], |w| {
        element(
            w,
            "style:font-face",
            &[
                ("style:name", fonts::FAMILY),
                ("svg:font-family", &family),
                ("style:font-family-generic", "swiss"),
            ],
            |w| {
                element(w, "svg:font-face-src", &[], |w| {
                    for (file, _) in FONT_FILES {
                        let href = format!("Fonts/{file}");
                        element(
                            w,
                            "svg:font-face-uri",
                            &[("xlink:href", &href), ("xlink:type", "simple")],
                            |w| empty(w, "svg:font-face-format", &[("svg:string", "truetype")]),
                        )?;
                    }
                    Ok(())
                })
            },
        )
    })
}

fn styles(doc: &Document) -> std::io::Result<Vec<u8>> {
    let mut w = xml()?;
    let mut attrs: Vec<(&str, &str)> = NAMESPACES.to_vec();
    attrs.push(("office:version", "1.3"));
    let (language, country) = match doc.language() {
        "en" => ("en", "GB"),
        _ => ("fr", "FR"),
    };
    element(&mut w, "office:document-styles", &attrs, |w| {
        font_faces(w)?;
        element(w, "office:styles", &[], |w| {
            element(
                w,
                "style:default-style",
                &[("style:family", "paragraph")],
                |w| {
                    empty(
                        w,
                        "style:text-properties",
                        &[
                            ("style:font-name", fonts::FAMILY),
                            ("fo:font-size", "10.5pt"),
                            ("fo:language", language),
                            ("fo:country", country),
                        ],
                    )
                },
            )?;
            let paragraph_style = |w: &mut Xml,
                                   name: &str,
                                   display: &str,
                                   size: &str,
                                   bold: bool,
                                   above: &str,
                                   level: Option<&str>| {
                let mut attrs = vec![
                    ("style:name", name),
                    ("style:display-name", display),
                    ("style:family", "paragraph"),
                ];
                if let Some(level) = level {
                    attrs.push(("style:default-outline-level", level));
                }
                element(w, "style:style", &attrs, |w| {
                    empty(
                        w,
                        "style:paragraph-properties",
                        &[("fo:margin-top", above), ("fo:margin-bottom", "0.12cm")],
                    )?;
                    let weight = if bold { "bold" } else { "normal" };
                    empty(
                        w,
                        "style:text-properties",
                        &[("fo:font-size", size), ("fo:font-weight", weight)],
                    )
                })
            };
            paragraph_style(w, "Standard", "Standard", "10.5pt", false, "0cm", None)?;
            paragraph_style(
                w,
                "Text_20_body",
                "Text body",
                "10.5pt",
                false,
                "0.1cm",
                None,
            )?;
            paragraph_style(
                w,
                "List_20_Contents",
                "List Contents",
                "10.5pt",
                false,
                "0cm",
                None,
            )?;
            paragraph_style(
                w,
                "Heading_20_1",
                "Heading 1",
                "16pt",
                true,
                "0.2cm",
                Some("1"),
            )?;
            paragraph_style(
                w,
                "Heading_20_2",
                "Heading 2",
                "13pt",
                true,
                "0.4cm",
                Some("2"),
            )?;
            paragraph_style(
                w,
                "Heading_20_3",
                "Heading 3",
                "11.5pt",
                true,
                "0.3cm",
                Some("3"),
            )?;
            paragraph_style(
                w,
                "Table_20_Contents",
                "Table Contents",
                "9.5pt",
                false,
                "0cm",
                None,
            )?;
            paragraph_style(
                w,
                "Table_20_Heading",
                "Table Heading",
                "9.5pt",
                true,
                "0cm",
                None,
            )?;
            element(
                w,
                "style:style",
                &[
                    ("style:name", "Strong"),
                    ("style:display-name", "Strong Emphasis"),
                    ("style:family", "text"),
                ],
                |w| empty(w, "style:text-properties", &[("fo:font-weight", "bold")]),
            )
        })?;
        element(w, "office:automatic-styles", &[], |w| {
            element(w, "style:page-layout", &[("style:name", "A4")], |w| {
                empty(
                    w,
                    "style:page-layout-properties",
                    &[
                        ("fo:page-width", "21cm"),
                        ("fo:page-height", "29.7cm"),
                        ("style:print-orientation", "portrait"),
                        ("fo:margin-top", "2cm"),
                        ("fo:margin-bottom", "2cm"),
                        ("fo:margin-left", "2cm"),
                        ("fo:margin-right", "2cm"),
                    ],
                )
            })
        })?;
        element(w, "office:master-styles", &[], |w| {
            empty(
                w,
                "style:master-page",
                &[("style:name", "Standard"), ("style:page-layout-name", "A4")],
            )
        })
    })?;
    Ok(w.into_inner())
}

fn meta(doc: &Document) -> std::io::Result<Vec<u8>> {
    let mut w = xml()?;
    let attrs = [
        NAMESPACES[0],
        NAMESPACES[7],
        NAMESPACES[8],
        ("office:version", "1.3"),
    ];
    element(&mut w, "office:document-meta", &attrs, |w| {
        element(w, "office:meta", &[], |w| {
            element(w, "meta:generator", &[], |w| text(w, "greffier"))?;
            element(w, "dc:title", &[], |w| text(w, doc.title()))?;
            element(w, "dc:language", &[], |w| text(w, doc.language()))
        })
    })?;
    Ok(w.into_inner())
}

fn manifest() -> std::io::Result<Vec<u8>> {
    let mut w = xml()?;
    element(
        &mut w,
        "manifest:manifest",
        &[
            (
                "xmlns:manifest",
                "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
            ),
            ("manifest:version", "1.3"),
        ],
        |w| {
            let entry = |w: &mut Xml, path: &str, kind: &str| {
                empty(
                    w,
                    "manifest:file-entry",
                    &[("manifest:full-path", path), ("manifest:media-type", kind)],
                )
            };
            w.create_element("manifest:file-entry")
                .with_attributes([
                    ("manifest:full-path", "/"),
                    ("manifest:version", "1.3"),
                    ("manifest:media-type", MIMETYPE),
                ])
                .write_empty()?;
            for part in ["content.xml", "styles.xml", "meta.xml"] {
                entry(w, part, "text/xml")?;
            }
            for (file, _) in FONT_FILES {
                entry(w, &format!("Fonts/{file}"), "application/x-font-ttf")?;
            }
            Ok(())
        },
    )?;
    Ok(w.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_odt_is_a_zip_with_its_type_first_and_the_same_bytes_each_time() {
        let mut doc = Document::new("fr");
        doc.push(Block::Title {
            level: 1,
            text: "Compte rendu « Messagerie » — été".into(),
        });
        doc.push(Block::Text("Une ligne & <une autre>".into()));
        let odt = write(&doc).expect("odt");
        // The zip's first entry is "mimetype", stored: its bytes at 30.
        assert_eq!(&odt[30..38], b"mimetype");
        assert_eq!(&odt[38..38 + MIMETYPE.len()], MIMETYPE.as_bytes());
        assert_eq!(write(&doc).expect("odt"), odt);
        let content = String::from_utf8(content(&doc).expect("content")).expect("utf-8");
        assert!(
            content.contains("Compte rendu « Messagerie » — été"),
            "{content}"
        );
        assert!(
            content.contains("Une ligne &amp; &lt;une autre&gt;"),
            "{content}"
        );
    }
}
