//! What executing a command asks the adapters to do. Actions are data: they
//! are written to the outbox in the same transaction as the state change,
//! and the adapters deliver them.

use serde::{Deserialize, Serialize};

use crate::request::Origin;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// The answer to a request, on the channel it came from.
    Reply { origin: Origin, text: String },
    /// An answer by mail that asks its recipient to confirm what it holds
    /// by replying: it carries its own unguessable Message-ID, which the
    /// reply names.
    Confirm {
        origin: Origin,
        text: String,
        message_id: String,
    },
    /// A message to a group's room and mailing list (a proposal became
    /// active, say). Storage turns it into a `PostToRoom` and a `PostToList`
    /// when it is queued, for what the group has.
    PostToGroup {
        group: String,
        text: String,
        /// The meeting it announces: reactions to it in the room answer
        /// the invitation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        meeting: Option<i64>,
        /// An HTML version (a digest's tables), sent beside the text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        html: Option<String>,
    },
    /// A message to a Matrix room (id or alias), not in reply to anything.
    PostToRoom {
        room: String,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        meeting: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        html: Option<String>,
    },
    /// A picture (PNG, base64) in a Matrix room: the digest's chart.
    PostImageToRoom {
        room: String,
        name: String,
        png: String,
    },
    /// A message to a mailing-list address; `list_id` names the group for
    /// the List-Id header.
    PostToList {
        list: String,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        html: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        list_id: Option<String>,
        /// A picture (PNG, base64) shown inline in the HTML, as
        /// `<img src="cid:chart">`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image: Option<String>,
    },
    /// A native Matrix poll (`org.matrix.msc3381.poll.start`, with the
    /// stable `m.poll` fields beside): one answer per candidate date, ids
    /// "1", "2", … (the dates' numbers), `text` the fallback for clients
    /// without polls. Its event id is remembered with the poll: responses
    /// to it are votes.
    PostPoll {
        room: String,
        poll: i64,
        question: String,
        answers: Vec<String>,
        text: String,
    },
    /// The end of a native Matrix poll (the event `start` in `room`), with
    /// the result as text: clients show the poll closed.
    EndPoll {
        room: String,
        start: String,
        text: String,
    },
    /// A mail that asks its recipient for an answer (a poll): its own
    /// unguessable Message-ID, which a reply quotes and so authenticates;
    /// not marked automatic, since it wants a reply.
    AskByMail {
        to: String,
        name: String,
        subject: String,
        text: String,
        message_id: String,
    },
    /// A group's room, made by the bot (Matrix): named after the theme, the
    /// topic its action and lead, alias `#<group>:<server>` when free, in
    /// the network's Space when one is configured; `invite` asked in,
    /// `moderators` given power 50. The room id it gets becomes the
    /// group's room. Made once: the room carries a `fr.greffier.group`
    /// state event naming the group, by which a second delivery (after a
    /// crash) finds it instead of making another.
    CreateGroupRoom {
        group: String,
        name: String,
        topic: String,
        invite: Vec<String>,
        moderators: Vec<String>,
    },
    /// An invitation to a group's room (nothing for someone already in it
    /// or invited).
    InviteToRoom { room: String, user: String },
    /// A group's room's name and topic, set again (its theme or action
    /// changed; archived, or active again).
    NameRoom {
        room: String,
        name: String,
        topic: String,
    },
    /// A group's list on the network's list server (Mailman 3 or Sympa),
    /// made by the bot with the members' verified addresses subscribed and
    /// the lead organisation's confirmed members' as its owners; `list` is
    /// `<group>@<lists domain>` and becomes the group's list. Made once: a
    /// list that exists already is taken as it is.
    CreateGroupList {
        group: String,
        list: String,
        /// The list's subject: the group's theme (empty in items queued
        /// before it was carried: the group's slug then).
        #[serde(default)]
        subject: String,
        subscribe: Vec<String>,
        /// The list's owners: the verified addresses of the lead
        /// organisation's confirmed members (none in items queued before
        /// they were carried).
        #[serde(default)]
        owners: Vec<String>,
    },
    /// A list the bot made gets owners and loses others (the group's lead
    /// changed, or the drift check found an owner missing); an owner there
    /// already, or one already gone, is nothing to do.
    ListOwners {
        list: String,
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// An address subscribed to a list the bot made (nothing if it is).
    Subscribe { list: String, address: String },
    /// An address unsubscribed from a list the bot made (nothing if it is
    /// not subscribed).
    Unsubscribe { list: String, address: String },
    /// An address unsubscribed from every list of the lists' domain (an
    /// erased person).
    UnsubscribeEverywhere { address: String },
    /// A meeting invitation, update (`method` "REQUEST") or cancellation
    /// ("CANCEL") to one invitee: a mail with an iTIP calendar part.
    SendInvitation(Box<Invitation>),
    /// A mail to one address (a confirmation code, say).
    SendMail {
        to: String,
        subject: String,
        text: String,
    },
    /// A meeting's approved compte rendu to one address: the text, with
    /// that version attached as PDF and as OpenDocument Text, which the
    /// adapter writes from the frozen text when it sends the mail (the
    /// outbox holds no file; the same bytes at every try).
    SendRecord {
        to: String,
        name: String,
        subject: String,
        text: String,
        meeting: i64,
        version: u32,
    },
}

/// What a room post stands for, remembered with the event id it gets: a
/// meeting's announcement (reactions to it answer the invitation) or a
/// poll (responses to it are votes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Announced {
    Meeting(i64),
    Poll(i64),
    /// The room made for a group (the "event id" is the room's id).
    GroupRoom(String),
    /// The list made for a group (the "event id" is its address).
    GroupList(String),
}

impl Action {
    /// The room and what a room post announces, for the posts whose event
    /// id is remembered.
    pub fn announces(&self) -> Option<(&str, Announced)> {
        match self {
            Action::PostToRoom {
                room,
                meeting: Some(meeting),
                ..
            } => Some((room, Announced::Meeting(*meeting))),
            Action::PostPoll { room, poll, .. } => Some((room, Announced::Poll(*poll))),
            Action::CreateGroupRoom { group, .. } => {
                Some(("", Announced::GroupRoom(group.clone())))
            }
            Action::CreateGroupList { group, .. } => {
                Some(("", Announced::GroupList(group.clone())))
            }
            _ => None,
        }
    }
}

/// What an invitation mail carries; the adapter writes the iCalendar part
/// from it (the organiser is the bot's address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub to: String,
    pub attendee_name: String,
    /// "REQUEST" or "CANCEL".
    pub method: String,
    pub uid: String,
    pub sequence: i64,
    pub title: String,
    /// RFC 3339 instants.
    pub starts_at: String,
    pub ends_at: String,
    pub place: Option<String>,
    /// The Message-ID to send it with, without angle brackets.
    pub message_id: String,
    pub subject: String,
    pub text: String,
    /// The calendar part's DESCRIPTION: the ordre du jour (absent in
    /// invitations queued before there was one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
