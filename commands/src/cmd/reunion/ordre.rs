//! `!reunion ordre <id> [ajouter "<point>" [position <n>] | retirer <n> |
//! deplacer <n> <m>]` — a meeting's ordre du jour: shown to anyone;
//! changed by admins, the group's lead and the organising organisation.
//! Once invitations are out, a change goes to the invitees as an update
//! (SEQUENCE+1) saying in words what changed, and to the group's room.
//! greffier proposes "Approbation du compte rendu du <date>" while the
//! group's previous meeting has no approved compte rendu.

use crate::exec::{Exec, Outcome};
use crate::meeting::Meeting;
use crate::parse::{self, Arg, Args, ParseErrorKind, Usage};
use crate::store::{MeetingId, in_force};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!reunion ordre <id> [ajouter \"<point>\" [position <n>] | retirer <n> | deplacer <n> <m>]",
    en: "!meeting agenda <id> [add \"<item>\" [position <n>] | remove <n> | move <n> <m>]",
    help_fr: "l'ordre du jour d'une réunion",
    help_en: "a meeting's agenda",
};

/// Items an ordre du jour holds at most.
pub const MAX_ITEMS: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Add { title: String, at: Option<usize> },
    Remove(usize),
    Move { from: usize, to: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ordre {
    pub id: i64,
    pub change: Option<Change>,
}

impl Ordre {
    pub fn parse(args: &mut Args) -> Result<Ordre, ParseErrorKind> {
        let id = super::meeting_id(args)?;
        if args.is_empty() {
            return Ok(Ordre { id, change: None });
        }
        let change = match args.next_keyword().as_deref() {
            Some("ajouter" | "add") => {
                let split = args.split(&[parse::OptSpec {
                    name: "position",
                    keywords: &["position", "pos", "at"],
                    arity: parse::Arity::One,
                }]);
                let title = parse::bounded(parse::join(&split.positional), Arg::Title)?;
                let at = match split.get("position") {
                    Some(p) => Some(
                        p.trim_start_matches('#')
                            .parse::<usize>()
                            .ok()
                            .filter(|n| *n >= 1)
                            .ok_or_else(|| {
                                ParseErrorKind::Unexpected(crate::text::excerpt(&p, 20))
                            })?,
                    ),
                    None => None,
                };
                Change::Add { title, at }
            }
            Some("retirer" | "supprimer" | "remove" | "delete") => {
                Change::Remove(parse::number(args)? as usize)
            }
            Some("deplacer" | "move") => Change::Move {
                from: parse::number(args)? as usize,
                to: parse::number(args)? as usize,
            },
            Some(other) => return Err(ParseErrorKind::UnknownSubcommand(other.to_string())),
            None => return Err(ParseErrorKind::Missing(Arg::Subcommand)),
        };
        args.end()?;
        Ok(Ordre {
            id,
            change: Some(change),
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let meeting = super::find_meeting(ex, self.id)?;
        let Some(change) = self.change else {
            return show(ex, &meeting);
        };
        super::may_keep_record(ex, &meeting)?;
        if !super::is_open(&meeting) || meeting.starts_at <= ex.ctx.now {
            return ex.refuse(tr!(
                lang,
                "La réunion n°{} est passée ou annulée : son ordre du jour ne change plus.",
                "Meeting #{} is over or cancelled: its agenda does not change any more.",
                self.id
            ));
        }
        let mut items = ex.store.agenda(meeting.id)?;
        let out_of_range = |ex: &Exec<'_>, n: usize, len: usize| {
            ex.refuse::<String>(super::no_such_item(lang, n, len))
        };
        let said = match change {
            Change::Add { title, at } => {
                if items.len() >= MAX_ITEMS {
                    return ex.refuse(tr!(
                        lang,
                        "L'ordre du jour compte déjà {MAX_ITEMS} points : retirez-en un d'abord.",
                        "The agenda already has {MAX_ITEMS} items: remove one first."
                    ));
                }
                let at = at.unwrap_or(items.len() + 1).min(items.len() + 1);
                items.insert(at - 1, title.clone());
                tr!(
                    lang,
                    "point {at} « {title} » ajouté",
                    "item {at} “{title}” added"
                )
            }
            Change::Remove(n) => {
                if n > items.len() {
                    return out_of_range(ex, n, items.len());
                }
                let title = items.remove(n - 1);
                tr!(
                    lang,
                    "point {n} « {title} » retiré",
                    "item {n} “{title}” removed"
                )
            }
            Change::Move { from, to } => {
                for n in [from, to] {
                    if n > items.len() {
                        return out_of_range(ex, n, items.len());
                    }
                }
                let title = items.remove(from - 1);
                items.insert(to - 1, title.clone());
                tr!(
                    lang,
                    "point « {title} » déplacé de la position {from} à la position {to}",
                    "item “{title}” moved from position {from} to {to}"
                )
            }
        };
        ex.store.set_agenda(meeting.id, &items)?;
        // Invitations already out: the invitees get the update.
        let invited = ex
            .store
            .invitees(meeting.id)?
            .iter()
            .any(|i| i.message_id.is_some());
        let mut told = String::new();
        if invited {
            ex.store.bump_sequence(meeting.id)?;
            let change = tr!(
                lang,
                "L'ordre du jour a changé : {said}.",
                "The agenda has changed: {said}."
            );
            let (mailed, _) = super::tell_everyone(ex, self.id, "REQUEST", Some(&change), |d| {
                tr!(
                    lang,
                    "Ordre du jour de la réunion {d} : {said}.",
                    "Agenda of meeting {d}: {said}."
                )
            })?;
            let count = super::told(lang, mailed);
            told = tr!(lang, " ; {count} par courriel", "; {count} by email");
        }
        let shown = show(ex, &meeting)?;
        let mut said = said;
        if let Some(first) = said.get(..1) {
            said = first.to_uppercase() + &said[1..];
        }
        Ok(format!("{said}{told}.\n{shown}"))
    }
}

/// The ordre du jour as a reply, with what greffier proposes to add.
fn show(ex: &mut Exec<'_>, meeting: &Meeting) -> Outcome {
    let lang = ex.lang();
    let items = ex.store.agenda(meeting.id)?;
    let described = super::describe(ex, meeting);
    let mut lines = vec![tr!(
        lang,
        "Ordre du jour de la réunion {described} :",
        "Agenda of meeting {described}:"
    )];
    if items.is_empty() {
        lines.push(tr!(lang, "(aucun point pour l'instant)", "(no item yet)"));
    }
    for (i, item) in items.iter().enumerate() {
        lines.push(format!("{}. {item}", i + 1));
    }
    let proposed: Vec<String> = proposals(ex, meeting)?
        .into_iter()
        .filter(|p| !items.contains(p))
        .collect();
    if !proposed.is_empty() {
        lines.push(tr!(
            lang,
            "Proposé par le greffier :",
            "Proposed by greffier:"
        ));
        for p in proposed {
            lines.push(tr!(
                lang,
                "• {p} ({}reunion ordre {} ajouter « {p} »)",
                "• {p} ({}meeting agenda {} add “{p}”)",
                ex.prefix(),
                meeting.id.0
            ));
        }
    }
    Ok(lines.join("\n"))
}

/// What greffier proposes for a meeting's ordre du jour: approving the
/// compte rendu of the group's previous meeting while it is not approved,
/// and following up the actions of the group's meetings still open.
pub fn proposals(
    ex: &mut Exec<'_>,
    meeting: &Meeting,
) -> Result<Vec<String>, crate::exec::Failure> {
    let mut out = Vec::new();
    let Some(group) = meeting.group else {
        return Ok(out);
    };
    if let Some(previous) = previous_unapproved(ex, meeting)? {
        // Kept in the ordre du jour: the year stays.
        let day = crate::words::date_in(
            ex.lang(),
            previous.starts_at.to_zoned(ex.ctx.timezone.clone()).date(),
        );
        out.push(tr!(
            ex.lang(),
            "Approbation du compte rendu du {day}",
            "Approval of the minutes of {day}"
        ));
    }
    let open = ex
        .store
        .open_group_actions(group)?
        .iter()
        .any(|a| a.meeting != meeting.id);
    if open {
        out.push(tr!(ex.lang(), "Suivi des actions", "Follow-up of actions"));
    }
    Ok(out)
}

/// The group's meeting before `meeting`, when its compte rendu is not
/// approved yet: the one an "Approbation du compte rendu" item is about.
pub(crate) fn previous_unapproved(
    ex: &mut Exec<'_>,
    meeting: &Meeting,
) -> Result<Option<Meeting>, crate::exec::Failure> {
    let Some(group) = meeting.group else {
        return Ok(None);
    };
    let previous = ex
        .store
        .past_meetings(meeting.starts_at, 20)?
        .into_iter()
        .filter(|m| m.group == Some(group) && m.id != meeting.id)
        .filter(|m| m.status == crate::meeting::MeetingStatus::Scheduled)
        .max_by_key(|m| m.starts_at);
    Ok(match previous {
        Some(p) if in_force(&ex.store.records(MeetingId(p.id.0))?).is_none() => Some(p),
        _ => None,
    })
}

/// Is this item of an ordre du jour the approval of a compte rendu (the
/// one greffier proposes, in either language)?
pub(crate) fn is_approval_item(title: &str) -> bool {
    let t = crate::text::fold(title);
    t.starts_with("approbation du compte rendu") || t.starts_with("approval of the minutes")
}
