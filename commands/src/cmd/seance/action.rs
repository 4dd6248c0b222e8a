//! `!action <organisation|personne> "<texte>" [echeance <AAAA-MM-JJ>]` —
//! an action decided in the séance open where it is typed: who does it
//! (an organisation, or a person the bot knows), what, by when. It is
//! numbered across the network, for its follow-up.

use jiff::civil::Date;

use crate::exec::{Exec, Outcome};
use crate::parse::{self, Arg, Args, Arity, OptSpec, ParseErrorKind, Usage};
use crate::store::{EntryKind, NewAction};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!action <organisation|personne> \"<texte>\" [echeance <AAAA-MM-JJ>] | liste | faite <n> | abandonner <n> | echeance <n> <date>",
    en: "!action <organisation|person> \"<text>\" [due <YYYY-MM-DD>] | list | done <n> | drop <n> | due <n> <date>",
    help_fr: "noter une action (qui, quoi, pour quand), dans la séance ouverte ici",
    help_en: "record an action (who, what, by when), in the session open here",
};

const OPTIONS: &[OptSpec] = &[OptSpec {
    name: "echeance",
    keywords: &["echeance", "due", "pour", "avant"],
    arity: Arity::One,
}];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionCmd {
    pub owner: String,
    pub text: String,
    pub due: Option<Date>,
}

impl ActionCmd {
    pub fn parse(args: &mut Args) -> Result<ActionCmd, ParseErrorKind> {
        let owner = parse::bounded(args.required(Arg::Organisation)?.text, Arg::Organisation)?;
        let split = args.split(OPTIONS);
        if split.positional.is_empty() {
            return Err(ParseErrorKind::Missing(Arg::Text));
        }
        let text = parse::bounded(parse::join(&split.positional), Arg::Text)?;
        let due = split.get("echeance").map(|d| parse::date(&d)).transpose()?;
        Ok(ActionCmd { owner, text, due })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let (meeting, seance) = super::current(ex)?;
        super::may_write(ex, &meeting)?;
        // An organisation by its name, else a person the bot knows.
        let key = crate::text::name_key(&self.owner);
        let (org, person, owner) = match ex.store.organisation_by_key(&key)? {
            Some(o) => (Some(o.id), None, o.name),
            None => {
                let p = crate::membership::find_person(ex, &self.owner).map_err(|e| match e {
                    crate::exec::Failure::Refused(_) => crate::exec::Failure::Refused(tr!(
                        lang,
                        "Je ne connais ni organisation ni personne « {} » : qui fera cette action ?",
                        "I know no organisation or person “{}”: who will do this action?",
                        crate::text::excerpt(&self.owner, 60)
                    )),
                    other => other,
                })?;
                (p.organisation, Some(p.id), p.name)
            }
        };
        let author = super::author(ex)?;
        let n = ex.store.add_entry(
            meeting.id,
            EntryKind::Action,
            seance.item,
            &self.text,
            &author,
        )?;
        let number = ex.store.add_action(
            meeting.id,
            n,
            &NewAction {
                owner_org: if person.is_some() { None } else { org },
                owner_person: person,
                owner: &owner,
                text: &self.text,
                due: self.due,
            },
        )?;
        Ok(match self.due {
            Some(d) => tr!(
                lang,
                "Action n°{number} (entrée n°{n}) : {owner}, échéance le {}.",
                "Action #{number} (entry #{n}): {owner}, due {}.",
                crate::words::date_near(lang, d, ex.ctx.today())
            ),
            None => tr!(
                lang,
                "Action n°{number} (entrée n°{n}) : {owner}, sans échéance.",
                "Action #{number} (entry #{n}): {owner}, no due date."
            ),
        })
    }
}
