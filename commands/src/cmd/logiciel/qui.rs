//! `!logiciel qui <logiciel>` — who runs a software, by status, with their
//! notes, and the working group about it if there is one.

use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::UseStatus;
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!logiciel qui <logiciel>",
    en: "!software who <software>",
    help_fr: "les organisations qui utilisent un logiciel, par statut",
    help_en: "the organisations running a software, by status",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qui {
    pub software: String,
}

impl Qui {
    pub fn parse(args: &mut Args) -> Result<Qui, ParseErrorKind> {
        Ok(Qui {
            software: args.rest(Arg::Software)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let software = super::find(ex, &self.software)?;
        let mut out = vec![software.name.clone()];
        match software.group {
            Some(g) => {
                if let Some(g) = ex.store.group(g)? {
                    out[0].push_str(&tr!(
                        lang,
                        " — groupe de travail : {} ({})",
                        " — working group: {} ({})",
                        g.theme,
                        g.slug
                    ));
                }
            }
            None => out[0].push_str(&tr!(
                lang,
                " — aucun groupe de travail",
                " — no working group"
            )),
        }
        let uses = ex.store.software_uses(software.id)?;
        if uses.is_empty() {
            out.push(tr!(
                lang,
                "Aucune organisation ne l'utilise pour l'instant.",
                "No organisation runs it for now."
            ));
        }
        for status in UseStatus::ALL {
            let mut names = Vec::new();
            for u in uses.iter().filter(|u| u.status == status) {
                let org = ex.store.organisation(u.organisation)?.name;
                let mut name = match &u.note {
                    Some(note) => format!("{org} ({})", crate::text::one_line(note)),
                    None => org,
                };
                if let Some(source) = &u.source {
                    name.push_str(&tr!(
                        lang,
                        " [lu dans le {source}, à confirmer]",
                        " [read in the {source}, to be confirmed]"
                    ));
                }
                names.push(name);
            }
            if !names.is_empty() {
                out.push(format!(
                    "• {} : {}",
                    crate::words::use_status(lang, status),
                    names.join(", ")
                ));
            }
        }
        Ok(out.join("\n"))
    }
}
