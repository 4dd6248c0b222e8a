//! A mail without commands from a known sender may answer an invitation.
//! It is matched, in SPEC.md's order, by: an iTIP REPLY (UID + ATTENDEE);
//! In-Reply-To / References naming an invitation's Message-ID; the sender
//! being invited to exactly one upcoming meeting. The answer must come from
//! the invitee (any of their linked addresses): from anyone else it changes
//! nothing and gets an explanation. Free text is classified; what cannot be
//! classified gets a question back.
//!
//! A recognised answer becomes the command it means (`!present 3`,
//! `!excuse 3 "motif"`), run like any other, so it is confirmed the same way.

use greffier_commands::cmd::rsvp::Answer;
use greffier_commands::meeting::{Meeting, MeetingStatus, MeetingStore};
use greffier_commands::rsvp_text::classify;
use greffier_commands::store::{Identity, IdentityKind, MeetingId};
use greffier_commands::{Context, Store, tr};
use greffier_storage::Tx;

use super::ical;
use super::parse::Incoming;

pub enum Decision {
    /// The command that records the answer, and how it was given.
    Answer {
        text: String,
        via: Option<&'static str>,
    },
    /// A reply that changes nothing (not your invitation; unclear answer).
    Reply(String),
    /// Not about a meeting.
    NotAnRsvp,
}

pub fn decide(
    tx: &mut Tx<'_>,
    ctx: &Context,
    mail: &Incoming,
    sender: &Identity,
) -> greffier_storage::Result<Decision> {
    let Some(me) = tx.person_by_identity(sender)? else {
        return Ok(Decision::NotAnRsvp);
    };
    let lang = ctx.lang;
    let not_yours = |m: &Meeting| {
        tr!(
            lang,
            "Cette invitation (réunion n°{} « {} ») ne vous était pas adressée : votre réponse n'est pas enregistrée. Si vous êtes invité(e), répondez à votre propre invitation, ou écrivez {}present {}.",
            "This invitation (meeting #{} “{}”) was not sent to you: your answer is not recorded. If you are invited, answer your own invitation, or write {}yes {}.",
            m.id.0,
            m.title,
            ctx.prefix,
            m.id.0
        )
    };

    // 1. An iTIP REPLY from a calendar button.
    if let Some(reply) = mail.calendar.as_deref().and_then(ical::parse_reply)
        && let Some(meeting) = tx.meeting_by_uid(&reply.uid)?
    {
        let attendee = Identity {
            kind: IdentityKind::Email,
            value: reply.attendee.clone(),
        };
        let owner = tx.person_by_identity(&attendee)?;
        if owner.map(|p| p.id) != Some(me.id) || !tx.is_invited(meeting.id, me.id)? {
            return Ok(Decision::Reply(not_yours(&meeting)));
        }
        let answer = match reply.partstat.as_str() {
            "ACCEPTED" => Answer::Present,
            "DECLINED" => Answer::Excused,
            "TENTATIVE" => Answer::Tentative,
            _ => return Ok(Decision::Reply(ask(ctx, &meeting))),
        };
        return Ok(Decision::Answer {
            text: command(ctx, answer, meeting.id, reply.comment.as_deref()),
            via: Some("itip"),
        });
    }

    // 2. A reply to an invitation mail.
    let mut meeting = None;
    for id in &mail.references {
        if let Some((m, invitee)) = tx.invitation_by_message_id(id)? {
            let Some(found) = tx.meeting(m)? else {
                continue;
            };
            if invitee != me.id {
                return Ok(Decision::Reply(not_yours(&found)));
            }
            meeting = Some(found);
            break;
        }
    }
    // 3. The only upcoming meeting the sender is invited to.
    let guessed = meeting.is_none();
    if guessed {
        let mut mine = tx.invited_upcoming(me.id, ctx.now)?;
        if mine.len() == 1 {
            meeting = mine.pop();
        }
    }
    let Some(meeting) = meeting else {
        return Ok(Decision::NotAnRsvp);
    };
    if meeting.status == MeetingStatus::Cancelled {
        return Ok(Decision::Reply(tr!(
            lang,
            "La réunion n°{} « {} » est annulée : votre réponse n'est pas enregistrée.",
            "Meeting #{} “{}” is cancelled: your answer is not recorded.",
            meeting.id.0,
            meeting.title
        )));
    }
    Ok(match classify(&mail.text) {
        Some(c) => Decision::Answer {
            text: command(ctx, c.answer, meeting.id, c.reason.as_deref()),
            via: None,
        },
        // A reply that names no invitation and says nothing understood (a
        // "Merci" to one of the bot's answers) is not asked again: asking
        // could start a ping-pong with a person or a robot.
        None if guessed && mail.is_reply => Decision::NotAnRsvp,
        None => Decision::Reply(ask(ctx, &meeting)),
    })
}

/// The command an answer means; the reason loses the quote characters it
/// would need.
fn command(ctx: &Context, answer: Answer, meeting: MeetingId, reason: Option<&str>) -> String {
    let p = &ctx.prefix;
    let id = meeting.0;
    match answer {
        Answer::Present => format!("{p}present {id}"),
        Answer::Tentative => format!("{p}peutetre {id}"),
        Answer::Excused => match reason {
            Some(r) => {
                let r: String = r
                    .chars()
                    .filter(|c| !matches!(c, '"' | '«' | '»' | '“' | '”'))
                    .collect();
                format!("{p}excuse {id} \"{}\"", r.trim())
            }
            None => format!("{p}excuse {id}"),
        },
    }
}

fn ask(ctx: &Context, meeting: &Meeting) -> String {
    tr!(
        ctx.lang,
        "Je n'ai pas compris votre réponse à la réunion n°{} « {} » : répondez simplement « présent » ou « excusé » (avec un motif si vous le souhaitez).",
        "I did not understand your answer to meeting #{} “{}”: just answer “present” or “excused” (with a reason if you like).",
        meeting.id.0,
        meeting.title
    )
}
