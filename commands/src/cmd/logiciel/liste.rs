//! `!logiciel liste [<organisation>]` — every software of the catalogue
//! with how many organisations run it, or one organisation's software.

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!logiciel liste [<organisation>]",
    en: "!software list [<organisation>]",
    help_fr: "le catalogue des logiciels, ou ceux d'une organisation",
    help_en: "the software catalogue, or an organisation's software",
};

/// Lines shown at most; the rest is counted.
const SHOWN: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Liste {
    pub organisation: Option<String>,
}

impl Liste {
    pub fn parse(args: &mut Args) -> Result<Liste, ParseErrorKind> {
        let mut tokens = Vec::new();
        while let Some(t) = args.next_token() {
            tokens.push(t);
        }
        let organisation = match tokens.is_empty() {
            true => None,
            false => Some(parse::bounded(parse::join(&tokens), Arg::Organisation)?),
        };
        Ok(Liste { organisation })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let mut lines = Vec::new();
        let title = match &self.organisation {
            Some(name) => {
                let org = ex.find_org(name)?;
                for (software, u) in ex.store.organisation_software(org.id)? {
                    let status = crate::words::use_status(lang, u.status);
                    lines.push(match &u.note {
                        Some(note) => format!(
                            "• {} — {status} ({})",
                            software.name,
                            crate::text::one_line(note)
                        ),
                        None => format!("• {} — {status}", software.name),
                    });
                }
                let (name, n) = (&org.name, lines.len());
                let de_name = crate::words::de(name);
                tr!(
                    lang,
                    "Logiciels {de_name} ({n}) :",
                    "Software of {name} ({n}):"
                )
            }
            None => {
                for software in ex.store.all_software()? {
                    let n = ex.store.software_uses(software.id)?.len();
                    if n > 0 {
                        let orgs = crate::words::count(
                            lang,
                            n,
                            ("organisation", "organisations"),
                            ("organisation", "organisations"),
                        );
                        lines.push(format!("• {} — {orgs}", software.name));
                    }
                }
                let n = crate::words::count(
                    lang,
                    lines.len(),
                    ("logiciel", "logiciels"),
                    ("software", "software"),
                );
                tr!(lang, "Catalogue ({n}) :", "Catalogue ({n}):")
            }
        };
        if lines.is_empty() {
            let p = ex.prefix();
            return Ok(tr!(
                lang,
                "Aucun logiciel déclaré — {p}logiciel ajouter <logiciel>",
                "No software recorded — {p}software add <software>"
            ));
        }
        let more = lines.len().saturating_sub(SHOWN);
        lines.truncate(SHOWN);
        let mut out = vec![title];
        out.extend(lines);
        if more > 0 {
            out.push(tr!(lang, "… et {more} autres", "… and {more} more"));
        }
        Ok(out.join("\n"))
    }
}
