//! The follow-up of actions: `!action liste [<groupe>|<organisation>|mes]`,
//! `!action faite <n> ["<note>"]`, `!action abandonner <n>`, `!action
//! echeance <n> <AAAA-MM-JJ>` (`!action list|done|drop|due`). Anyone reads
//! the list; an action is closed or moved by its owner (the person, or a
//! confirmed member of the organisation), the meeting's record keepers
//! and admins. Their grammar is in `!action`'s usage (`action::USAGE`).

use jiff::civil::Date;

use crate::exec::{Exec, Failure, Outcome};
use crate::parse::{self, Arg, Args, ParseErrorKind};
use crate::store::ActionItem;
use crate::tr;

/// Actions a list shows at most; the rest are counted.
pub const SHOWN: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suivi {
    Liste(Option<String>),
    Faite { n: u32, note: Option<String> },
    Abandonner(u32),
    Echeance { n: u32, due: Date },
}

/// Whether a keyword starts a follow-up rather than a new action.
pub fn is_follow_up(keyword: &str) -> bool {
    matches!(
        keyword,
        "liste" | "list" | "faite" | "fait" | "done" | "abandonner" | "drop" | "echeance" | "due"
    )
}

impl Suivi {
    pub fn parse(keyword: &str, args: &mut Args) -> Result<Suivi, ParseErrorKind> {
        Ok(match keyword {
            "liste" | "list" => Suivi::Liste(match args.is_empty() {
                true => None,
                false => Some(args.rest(Arg::Group)?),
            }),
            "faite" | "fait" | "done" => {
                let n = parse::number(args)?;
                let note = match args.is_empty() {
                    true => None,
                    false => Some(parse::bounded(args.rest(Arg::Text)?, Arg::Text)?),
                };
                Suivi::Faite { n, note }
            }
            "abandonner" | "drop" => {
                let n = parse::number(args)?;
                args.end()?;
                Suivi::Abandonner(n)
            }
            _ => {
                let n = parse::number(args)?;
                let due = parse::date(&args.required(Arg::Date)?.text)?;
                args.end()?;
                Suivi::Echeance { n, due }
            }
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        match self {
            Suivi::Liste(filter) => list(ex, filter),
            Suivi::Faite { n, note } => {
                let action = to_change(ex, n)?;
                ex.store.set_action_state(n, "faite", note.as_deref())?;
                Ok(tr!(
                    lang,
                    "Action n°{n} faite : {} — {}.",
                    "Action #{n} done: {} — {}.",
                    action.owner,
                    action.text
                ))
            }
            Suivi::Abandonner(n) => {
                let action = to_change(ex, n)?;
                ex.store.set_action_state(n, "abandonnee", None)?;
                Ok(tr!(
                    lang,
                    "Action abandonnée (n°{n}) : {} — {}.",
                    "Action #{n} dropped: {} — {}.",
                    action.owner,
                    action.text
                ))
            }
            Suivi::Echeance { n, due } => {
                to_change(ex, n)?;
                if due < ex.ctx.today() {
                    return ex.refuse(tr!(
                        lang,
                        "Cette date est passée : une échéance se donne à venir.",
                        "This date is past: a due date is in the future."
                    ));
                }
                ex.store.set_action_due(n, due)?;
                Ok(tr!(
                    lang,
                    "Action n°{n} : échéance le {}.",
                    "Action #{n}: due {}.",
                    crate::words::date_near(lang, due, ex.ctx.today())
                ))
            }
        }
    }
}

/// Action `n`, open, if the sender may change it.
fn to_change(ex: &mut Exec<'_>, n: u32) -> Result<ActionItem, Failure> {
    let lang = ex.lang();
    let Some(action) = ex.store.all_actions()?.into_iter().find(|a| a.n == n) else {
        return ex.refuse(tr!(
            lang,
            "Il n'y a pas d'action n°{n} ({}action liste).",
            "There is no action #{n} ({}action list).",
            ex.prefix()
        ));
    };
    if action.state != "ouverte" {
        return ex.refuse(tr!(
            lang,
            "L'action n°{n} n'est plus ouverte.",
            "Action #{n} is no longer open."
        ));
    }
    let me = ex.me()?;
    let owner = me.as_ref().is_some_and(|p| {
        action.owner_person == Some(p.id)
            || (action.owner_org.is_some() && p.organisation == action.owner_org && p.confirmed())
    });
    if owner || ex.is_admin() {
        return Ok(action);
    }
    let meeting = crate::cmd::reunion::find_meeting(ex, action.meeting.0)?;
    crate::cmd::reunion::may_keep_record(ex, &meeting).map_err(|e| match e {
        Failure::Refused(_) => Failure::Refused(tr!(
            lang,
            "Refusé : réservé à qui porte l'action, aux administrateurs et à ceux qui tiennent le compte rendu de la réunion.",
            "Refused: only the action's owner, admins and those who keep the meeting's record may do this."
        )),
        other => other,
    })?;
    Ok(action)
}

fn list(ex: &mut Exec<'_>, filter: Option<String>) -> Outcome {
    let lang = ex.lang();
    let mut open: Vec<ActionItem> = ex
        .store
        .all_actions()?
        .into_iter()
        .filter(|a| a.state == "ouverte")
        .collect();
    let heading = match filter.as_deref().map(crate::text::keyword).as_deref() {
        None => tr!(lang, "Actions ouvertes :", "Open actions:"),
        Some("mes" | "mine" | "moi" | "me") => {
            let me = crate::cmd::reunion::sender_person(ex)?;
            open.retain(|a| {
                a.owner_person == Some(me.id)
                    || (a.owner_org.is_some() && a.owner_org == me.organisation)
            });
            tr!(lang, "Vos actions ouvertes :", "Your open actions:")
        }
        Some(_) => {
            let name = filter.unwrap_or_default();
            match ex
                .store
                .organisation_by_key(&crate::text::name_key(&name))?
            {
                Some(org) => {
                    open.retain(|a| a.owner_org == Some(org.id));
                    let name = &org.name;
                    let de_name = crate::words::de(name);
                    tr!(
                        lang,
                        "Actions ouvertes {de_name} :",
                        "Open actions of {name}:"
                    )
                }
                None => {
                    let group = ex.find_group(&name)?;
                    let mut kept = Vec::new();
                    for a in open {
                        if ex.store.meeting(a.meeting)?.and_then(|m| m.group) == Some(group.id) {
                            kept.push(a);
                        }
                    }
                    open = kept;
                    tr!(
                        lang,
                        "Actions ouvertes du groupe « {} » :",
                        "Open actions of “{}”:",
                        group.theme
                    )
                }
            }
        }
    };
    if open.is_empty() {
        return Ok(tr!(lang, "{heading} aucune.", "{heading} none."));
    }
    let mut lines = vec![heading];
    for a in open.iter().take(SHOWN) {
        lines.push(format!(
            "• {}",
            crate::words::action_line(lang, ex.ctx.today(), a)
        ));
    }
    if open.len() > SHOWN {
        lines.push(tr!(
            lang,
            "… et {}.",
            "… and {}.",
            crate::words::count(
                lang,
                open.len() - SHOWN,
                ("autre", "autres"),
                ("more", "more")
            )
        ));
    }
    Ok(lines.join("\n"))
}
