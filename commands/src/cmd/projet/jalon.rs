//! `!projet jalon <groupe> <AAAA-MM-JJ> "<texte>"` — add a dated milestone
//! (lead organisation's members or admins).

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::tr;
use jiff::civil::Date;

pub const USAGE: Usage = Usage {
    fr: "!projet jalon <groupe> <AAAA-MM-JJ> \"<texte>\"",
    en: "!project milestone <group> <YYYY-MM-DD> \"<text>\"",
    help_fr: "ajouter un jalon daté (chef de projet ou administrateurs)",
    help_en: "add a dated milestone (lead or admins)",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jalon {
    pub group: String,
    pub date: Date,
    pub text: String,
}

impl Jalon {
    pub fn parse(args: &mut Args) -> Result<Jalon, ParseErrorKind> {
        let group = args.required(Arg::Group)?.text;
        let date = parse::date(&args.required(Arg::Date)?.text)?;
        let text = args.rest(Arg::Text)?;
        Ok(Jalon { group, date, text })
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
        ex.store.add_milestone(g.id, self.date, &self.text, me)?;
        Ok(tr!(
            lang,
            "Jalon ajouté à « {} » : {} — {}",
            "Milestone added to “{}”: {} — {}",
            g.theme,
            crate::words::date_near(lang, self.date, ex.ctx.today()),
            self.text
        ))
    }
}
