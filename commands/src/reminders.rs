//! Reminders: `meetings.remind_days_before` days before a meeting, each
//! invitee without an answer gets one mail, and the group's room gets one
//! message naming them. The invitation row records the reminder in the same
//! transaction as the queued mails, so nobody is reminded twice, even across
//! restarts. Run by the bot's scheduler every minute.

use jiff::SignedDuration;

use crate::action::Action;
use crate::meeting::RsvpStatus;
use crate::request::Context;
use crate::store::{Groups, Identities, Meetings, StoreResult};
use crate::tr;

/// The actions of the reminders due now; the reminded invitees are marked.
pub fn due(
    store: &mut (impl Meetings + Identities + Groups + ?Sized),
    ctx: &Context,
    days_before: u32,
) -> StoreResult<Vec<Action>> {
    let lang = ctx.lang;
    let horizon = ctx
        .now
        .checked_add(SignedDuration::from_hours(24 * i64::from(days_before)))
        .unwrap_or(ctx.now);
    let mut actions = Vec::new();
    for meeting in store.upcoming_meetings(ctx.now)? {
        if meeting.starts_at > horizon {
            break;
        }
        let waiting: Vec<_> = store
            .invitees(meeting.id)?
            .into_iter()
            .filter(|i| i.status == RsvpStatus::NoAnswer && !i.reminded)
            .collect();
        if waiting.is_empty() {
            continue;
        }
        let date = crate::words::meeting_when(lang, &meeting, &ctx.timezone);
        for invitee in &waiting {
            store.mark_reminded(meeting.id, invitee.person.id)?;
            let email = match &invitee.email {
                Some(e) => Some(e.clone()),
                None => store.email_of(invitee.person.id)?,
            };
            if let Some(to) = email {
                actions.push(Action::SendMail {
                    to,
                    subject: tr!(lang, "Rappel : {}", "Reminder: {}", meeting.title),
                    text: tr!(
                        lang,
                        "Bonjour {},\n\nLa réunion « {} » (n°{}) a lieu le {}. Nous n'avons pas encore votre réponse : répondez « présent » ou « excusé » à l'invitation, ou écrivez {}present {} / {}excuse {}.\n\n— greffier",
                        "Hello {},\n\nThe meeting “{}” (#{}) is on {}. We do not have your answer yet: answer “present” or “excused” to the invitation, or write {}yes {} / {}no {}.\n\n— greffier",
                        invitee.person.name,
                        meeting.title,
                        meeting.id.0,
                        date,
                        ctx.prefix,
                        meeting.id.0,
                        ctx.prefix,
                        meeting.id.0
                    ),
                });
            }
        }
        if let Some(g) = meeting.group
            && let Some(group) = store.group(g)?
        {
            let names: Vec<String> = waiting.iter().map(|i| i.person.name.clone()).collect();
            actions.push(Action::PostToGroup {
                group: group.slug,
                text: tr!(
                    lang,
                    "Rappel : réunion n°{} « {} » le {}. Sans réponse : {}. Répondez {}present {} ou {}excuse {}.",
                    "Reminder: meeting #{} “{}” on {}. No answer yet: {}. Answer {}yes {} or {}no {}.",
                    meeting.id.0,
                    meeting.title,
                    date,
                    names.join(", "),
                    ctx.prefix,
                    meeting.id.0,
                    ctx.prefix,
                    meeting.id.0
                ),
                meeting: Some(meeting.id.0),
                html: None,
            });
        }
    }
    Ok(actions)
}
