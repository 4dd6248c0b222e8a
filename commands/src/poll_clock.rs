//! What the clock does to polls, run by the bot's scheduler every minute:
//! the day before a poll closes, the invitees who have not answered get one
//! reminder (a mail to each linked address, a message in the group's room
//! and list naming them), recorded with the poll so that it never goes
//! twice, even across restarts; on its closing date (`cloture`: answers are
//! taken until the day before) an open poll is closed on its best date and
//! the meeting created, as `!sondage clore` does.

use jiff::ToSpan;

use crate::action::Action;
use crate::cmd::sondage;
use crate::exec::{Exec, Failure};
use crate::request::{Context, Origin, Request};
use crate::store::{Identity, IdentityKind, Store, StoreResult};
use crate::tr;

/// The actions due now: reminders and automatic closes.
pub fn due(store: &mut dyn Store, ctx: &Context) -> StoreResult<Vec<Action>> {
    let lang = ctx.lang;
    let today = ctx.now.to_zoned(ctx.timezone.clone()).date();
    let mut actions = Vec::new();
    for poll in store.polls(true)? {
        let group = match poll.group {
            Some(g) => store.group(g)?,
            None => None,
        };
        if today >= poll.closes_on {
            // The clock closes it: no one asks, no one is answered; the
            // group hears the result.
            let req = Request {
                origin: Origin::Console,
                sender: Identity {
                    kind: IdentityKind::Matrix,
                    value: "@greffier:clock".into(),
                },
                display_name: None,
            };
            let mut ex = Exec {
                store: &mut *store,
                ctx,
                req: &req,
                actions: Vec::new(),
            };
            match sondage::clore::close(&mut ex, &poll, None) {
                Ok(text) => {
                    let mut done = std::mem::take(&mut ex.actions);
                    if let Some(g) = &group {
                        done.push(Action::PostToGroup {
                            group: g.slug.clone(),
                            text,
                            meeting: None,
                            html: None,
                        });
                    }
                    actions.extend(done);
                }
                Err(Failure::Store(e)) => return Err(e),
                // A poll that cannot end in a meeting (its best date is
                // past, say) is closed without one, and the group told why.
                Err(Failure::Refused(why)) => {
                    store.close_poll(poll.id, None)?;
                    let shown = sondage::describe(&poll);
                    actions.extend(sondage::end_in_rooms(
                        store,
                        &poll,
                        &tr!(
                            lang,
                            "Sondage {shown} clos sans réunion.",
                            "Poll {shown} closed without a meeting."
                        ),
                    )?);
                    if let Some(g) = &group {
                        actions.push(Action::PostToGroup {
                            group: g.slug.clone(),
                            text: tr!(
                                lang,
                                "Sondage {shown} clos sans réunion : {why}",
                                "Poll {shown} closed without a meeting: {why}"
                            ),
                            meeting: None,
                            html: None,
                        });
                    }
                }
                Err(Failure::Ignored) => {}
            }
            continue;
        }
        let eve = poll
            .closes_on
            .checked_sub(1.day())
            .unwrap_or(poll.closes_on);
        if poll.reminded || today < eve {
            continue;
        }
        store.mark_poll_reminded(poll.id)?;
        let answered: Vec<_> = store
            .poll_votes(poll.id)?
            .into_iter()
            .map(|v| v.person.id)
            .collect();
        let waiting: Vec<_> = store
            .poll_invitees(poll.id)?
            .into_iter()
            .filter(|p| !answered.contains(&p.id))
            .collect();
        if waiting.is_empty() {
            continue;
        }
        let (id, title, p) = (poll.id.0, &poll.title, &ctx.prefix);
        let closes = crate::words::date_near(ctx.lang, poll.closes_on, ctx.today());
        for person in &waiting {
            if let Some(mail) = sondage::ask_by_mail(store, ctx, &poll, person, true)? {
                actions.push(mail);
            }
        }
        if let Some(g) = &group {
            let names: Vec<&str> = waiting.iter().map(|p| p.name.as_str()).collect();
            actions.push(Action::PostToGroup {
                group: g.slug.clone(),
                text: tr!(
                    lang,
                    "Rappel : le sondage n°{id} « {title} » se clôt le {closes}. Sans réponse : {}. Répondez {p}sondage voter {id} <numéros>.",
                    "Reminder: the poll #{id} “{title}” closes on {closes}. No answer yet: {}. Answer {p}poll vote {id} <numbers>.",
                    names.join(", ")
                ),
                meeting: None,
                html: None,
            });
        }
    }
    Ok(actions)
}
