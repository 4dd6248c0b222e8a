//! A message without a command line may still answer an invitation: a
//! calendar's Accept / Decline button (an iTIP REPLY) or a sentence ("Je
//! serai présent", "Excusé, je suis en congés"); or a poll mail ("1 et
//! 3", read by `poll_reply`). [`decide`] finds what it answers, in
//! SPEC.md's order — the iTIP REPLY's UID and ATTENDEE; In-Reply-To /
//! References naming a poll mail's Message-ID, a draft compte rendu's
//! (the reply is a remark on it), or an invitation's; the
//! sender being invited to exactly one upcoming meeting — and checks
//! that the sender is the invitee (any of their linked addresses).
//!
//! The outcome is the [`Rsvp`] command itself, the reason as it was
//! written, or a notice: the channel never prints a command to parse it
//! again.

use crate::cmd::Command;
use crate::cmd::compte_rendu::CompteRendu;
use crate::cmd::compte_rendu::remarque::Remarque;
use crate::cmd::rsvp::{Answer, Given, Rsvp};
use crate::cmd::sondage::Sondage;
use crate::cmd::sondage::voter::{Via, Voter};
use crate::meeting::MeetingStatus;
use crate::notices::Notice;
use crate::parse::MAX_TEXT;
use crate::request::Context;
use crate::rsvp_text::classify;
use crate::store::{Identity, IdentityKind, StoreResult};
use crate::{Store, text};

/// The longest remark a reply to a draft mail makes (longer ones are cut
/// there): a few paragraphs, more than a typed line's [`MAX_TEXT`].
pub const MAX_REMARK: usize = 4000;

/// What a calendar button says (the adapter reads it from the iTIP part).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CalendarReply {
    pub uid: String,
    pub attendee: String,
    /// ACCEPTED, DECLINED, TENTATIVE (anything else is asked again).
    pub partstat: String,
    /// The COMMENT the invitee typed, unescaped.
    pub comment: Option<String>,
}

/// A message with no command line, as far as answering goes.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Message {
    pub calendar: Option<CalendarReply>,
    /// In-Reply-To and References, without angle brackets.
    pub references: Vec<String>,
    /// The new text (quotes and signature removed).
    pub text: String,
    /// A reply (Re:, In-Reply-To): if it says nothing understood, it gets
    /// no answer (a "Merci" must not start a ping-pong).
    pub is_reply: bool,
}

/// What to do with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Record this answer (an [`Rsvp`] command). `quoted` when the message
    /// named the sender's own invitation by its Message-ID, which only they
    /// received: that proves the mailbox like a signature does.
    Run { command: Command, quoted: bool },
    /// Tell the sender this, and change nothing.
    Say(Notice),
    /// Nothing to say.
    Silence,
}

/// Which invitation `message` from `sender` answers, and how.
pub fn decide(
    store: &mut dyn Store,
    ctx: &Context,
    sender: &Identity,
    message: &Message,
) -> StoreResult<Decision> {
    let not_an_answer = if message.is_reply {
        Decision::Silence
    } else {
        Decision::Say(Notice::NoCommand)
    };
    let Some(me) = store.person_by_identity(sender)? else {
        return Ok(not_an_answer);
    };

    // 1. An iTIP REPLY from a calendar button.
    if let Some(reply) = &message.calendar
        && let Some(meeting) = store.meeting_by_uid(&reply.uid)?
    {
        let attendee = Identity {
            kind: IdentityKind::Email,
            value: reply.attendee.to_lowercase(),
        };
        let owner = store.person_by_identity(&attendee)?;
        if owner.map(|p| p.id) != Some(me.id) || !store.is_invited(meeting.id, me.id)? {
            return Ok(Decision::Say(Notice::not_your_invitation(&meeting)));
        }
        let answer = match reply.partstat.as_str() {
            "ACCEPTED" => Answer::Present,
            "DECLINED" => Answer::Excused,
            "TENTATIVE" => Answer::Tentative,
            _ => return Ok(Decision::Say(Notice::unclear_answer(&meeting))),
        };
        return Ok(Decision::Run {
            command: rsvp(
                answer,
                meeting.id.0,
                reply.comment.as_deref(),
                Given::CalendarButton,
            ),
            quoted: false,
        });
    }

    // 2. A reply to a poll mail: the dates it picks.
    for id in &message.references {
        if let Some((poll, invitee)) = store.poll_mail(id)? {
            let Some(poll) = store.poll(poll)? else {
                continue;
            };
            if invitee != me.id {
                return Ok(Decision::Say(Notice::NotYourPoll {
                    poll: poll.id.0,
                    title: poll.title,
                }));
            }
            return Ok(match crate::poll_reply::read(&message.text, &poll.dates) {
                Some(choices) => Decision::Run {
                    command: Command::Sondage(Sondage::Voter(Voter {
                        poll: Some(poll.id.0),
                        choices: Some(choices),
                        via: Via::MailReply,
                    })),
                    quoted: true,
                },
                None => Decision::Say(Notice::UnclearPollAnswer {
                    poll: poll.id.0,
                    dates: crate::cmd::sondage::numbered(ctx.lang, &poll),
                    title: poll.title,
                }),
            });
        }
    }

    // 3. A reply to the mail that sent a draft compte rendu: a remark on
    // it, as written (the quote proves the mailbox of the participant it
    // went to; anyone else's reply waits for their confirmation).
    for id in &message.references {
        if let Some((meeting, person)) = store.draft_mail(id)? {
            let Some(found) = store.meeting(meeting)? else {
                continue;
            };
            let text = message.text.trim();
            if text.is_empty() {
                return Ok(Decision::Say(Notice::EmptyRemark {
                    meeting: found.id.0,
                    title: found.title,
                }));
            }
            return Ok(Decision::Run {
                command: Command::CompteRendu(CompteRendu::Remarque(Remarque {
                    id: found.id.0,
                    text: Some(text::excerpt(text, MAX_REMARK)),
                })),
                quoted: person == me.id,
            });
        }
    }

    // 4. A reply to an invitation mail.
    let mut meeting = None;
    for id in &message.references {
        if let Some((m, invitee)) = store.invitation_by_message_id(id)? {
            let Some(found) = store.meeting(m)? else {
                continue;
            };
            if invitee != me.id {
                return Ok(Decision::Say(Notice::not_your_invitation(&found)));
            }
            meeting = Some(found);
            break;
        }
    }
    // 5. The only upcoming meeting the sender is invited to.
    let guessed = meeting.is_none();
    if guessed {
        let mut mine = store.invited_upcoming(me.id, ctx.now)?;
        if mine.len() == 1 {
            meeting = mine.pop();
        }
    }
    let Some(meeting) = meeting else {
        return Ok(not_an_answer);
    };
    if meeting.status == MeetingStatus::Cancelled {
        return Ok(Decision::Say(Notice::meeting_cancelled(&meeting)));
    }
    Ok(match classify(&message.text) {
        Some(c) => Decision::Run {
            command: rsvp(c.answer, meeting.id.0, c.reason.as_deref(), Given::Typed),
            quoted: !guessed,
        },
        // A reply that names no invitation and says nothing understood (a
        // "Merci" to one of the bot's answers) is not asked again: asking
        // could start a ping-pong with a person or a robot.
        None if guessed && message.is_reply => Decision::Silence,
        None => Decision::Say(Notice::unclear_answer(&meeting)),
    })
}

/// The command an answer means. The reason keeps every character; one
/// longer than a typed reason may be ([`MAX_TEXT`]) is cut there.
fn rsvp(answer: Answer, meeting: i64, reason: Option<&str>, given: Given) -> Command {
    let reason = reason
        .map(str::trim)
        .filter(|r| !r.is_empty() && answer == Answer::Excused)
        .map(|r| text::excerpt(r, MAX_TEXT));
    Command::Rsvp(Rsvp {
        answer,
        meeting: Some(meeting),
        reason,
        given,
    })
}
