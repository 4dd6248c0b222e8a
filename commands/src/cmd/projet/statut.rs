//! `!projet statut <groupe> "<texte>" [version <v>]` — a status update, by
//! members of the lead organisation or admins. The history is kept.

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, Arity, OptSpec, ParseErrorKind, Usage};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!projet statut <groupe> \"<texte>\" [version <v>]",
    en: "!project status <group> \"<text>\" [version <v>]",
    help_fr: "mettre à jour l'avancement (chef de projet ou administrateurs)",
    help_en: "update the project status (lead or admins)",
};

const OPTIONS: &[OptSpec] = &[OptSpec {
    name: "version",
    keywords: &["version", "v"],
    arity: Arity::One,
}];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statut {
    pub group: String,
    pub text: String,
    pub version: Option<String>,
}

impl Statut {
    pub fn parse(args: &mut Args) -> Result<Statut, ParseErrorKind> {
        let group = args.required(Arg::Group)?.text;
        let split = args.split(OPTIONS);
        let text = parse::bounded(parse::join(&split.positional), Arg::Text)?;
        let version = split
            .get("version")
            .map(|v| parse::bounded(v, Arg::Version))
            .transpose()?;
        Ok(Statut {
            group,
            text,
            version,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let g = ex.find_group(&self.group)?;
        if !ex.leads(&g)? {
            return ex.refuse_not_allowed(&tr!(
                lang,
                "aux membres de l'organisation chef de projet et aux administrateurs",
                "members of the lead organisation and admins"
            ));
        }
        let me = ex.me()?.map(|p| p.id);
        ex.store
            .record_status(g.id, &self.text, self.version.as_deref(), me)?;
        Ok(match &self.version {
            Some(v) => tr!(
                lang,
                "Avancement de « {} » enregistré : version {v} — {}",
                "Status of “{}” recorded: version {v} — {}",
                g.theme,
                self.text
            ),
            None => tr!(
                lang,
                "Avancement de « {} » enregistré : {}",
                "Status of “{}” recorded: {}",
                g.theme,
                self.text
            ),
        })
    }
}
