//! The actions' clock: an open action's owner is reminded once, three days
//! before its due date, and told once when it is late. The owner is a
//! person (a mail to their address) or an organisation (a message in the
//! room and on the list of the group whose meeting decided it). The action
//! row records each reminder in the same transaction as what is queued,
//! so nobody is reminded twice, even across restarts. Run by the bot's
//! scheduler every minute.

use crate::action::Action;
use crate::request::Context;
use crate::store::{ActionItem, Groups, Identities, Meetings, Seances, StoreResult};
use crate::tr;

/// Days before its due date an action's owner is reminded.
pub const DAYS_BEFORE: i64 = 3;

/// The reminders due now; the reminded actions are marked.
pub fn due(
    store: &mut (impl Seances + Meetings + Identities + Groups + ?Sized),
    ctx: &Context,
) -> StoreResult<Vec<Action>> {
    let lang = ctx.lang;
    let today = ctx.today();
    let mut actions = Vec::new();
    for a in store.all_actions()? {
        let Some(due) = a.due else { continue };
        if a.state != "ouverte" {
            continue;
        }
        let late = today > due;
        let soon = !late && (due - today).get_days() <= DAYS_BEFORE as i32;
        let due_now = (late && !a.late) || (soon && !a.reminded);
        if !due_now {
            continue;
        }
        store.mark_action_reminded(a.n, late)?;
        let when = crate::words::date_near(lang, due, ctx.today());
        let text = match late {
            true => tr!(
                lang,
                "Action n°{} en retard ({}, échéance le {when}) : « {} ». Quand elle est faite : {}action faite {} ; pour une autre échéance : {}action echeance {} <AAAA-MM-JJ>.",
                "Action #{} is late ({}, due {when}): “{}”. When it is done: {}action done {}; for another due date: {}action due {} <YYYY-MM-DD>.",
                a.n,
                a.owner,
                a.text,
                ctx.prefix,
                a.n,
                ctx.prefix,
                a.n
            ),
            false => tr!(
                lang,
                "Rappel : action n°{} ({}) à faire avant le {when} : « {} ». Quand elle est faite : {}action faite {}.",
                "Reminder: action #{} ({}) due {when}: “{}”. When it is done: {}action done {}.",
                a.n,
                a.owner,
                a.text,
                ctx.prefix,
                a.n
            ),
        };
        let subject = match late {
            true => tr!(lang, "Action n°{} en retard", "Action #{} is late", a.n),
            false => tr!(lang, "Rappel : action n°{}", "Reminder: action #{}", a.n),
        };
        tell_owner(store, &a, subject, text, &mut actions)?;
    }
    Ok(actions)
}

/// A person by mail; an organisation (or a person without an address) in
/// the room and on the list of the group whose meeting decided it.
fn tell_owner(
    store: &mut (impl Meetings + Identities + Groups + ?Sized),
    a: &ActionItem,
    subject: String,
    text: String,
    actions: &mut Vec<Action>,
) -> StoreResult<()> {
    if let Some(person) = a.owner_person
        && let Some(to) = store.email_of(person)?
    {
        actions.push(Action::SendMail { to, subject, text });
        return Ok(());
    }
    let group = match store.meeting(a.meeting)?.and_then(|m| m.group) {
        Some(g) => store.group(g)?,
        None => None,
    };
    if let Some(group) = group {
        actions.push(Action::PostToGroup {
            group: group.slug,
            text,
            meeting: None,
            html: None,
        });
    }
    Ok(())
}
