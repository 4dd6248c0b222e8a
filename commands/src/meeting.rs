//! Meetings as the commands see them: invitations (with the Message-ID of
//! the last invitation mail) and the RSVP history, whose latest row per
//! person is the answer. The store's role that keeps them is
//! [`crate::store::Meetings`].

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::store::{GroupId, MeetingId, OrgId, Person, PersonId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingStatus {
    Scheduled,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: MeetingId,
    /// The iCalendar UID, the same in every invitation and update.
    pub uid: String,
    /// Raised by greffier at every change sent to the invitees.
    pub sequence: i64,
    pub title: String,
    pub starts_at: Timestamp,
    pub ends_at: Option<Timestamp>,
    pub place: Option<String>,
    pub group: Option<GroupId>,
    pub organiser: Option<OrgId>,
    pub status: MeetingStatus,
    /// Whether its hour was given: an imported meeting's minutes give a
    /// date alone (it is stored at 9 h, not shown: [`crate::words::meeting_when`]).
    pub time_given: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub title: String,
    pub starts_at: Timestamp,
    pub ends_at: Option<Timestamp>,
    pub timezone: String,
    pub place: Option<String>,
    pub group: Option<GroupId>,
    pub organiser: Option<OrgId>,
    /// False for an imported meeting whose minutes give no hour.
    pub time_given: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RsvpStatus {
    Present,
    Excused,
    Tentative,
    NoAnswer,
}

impl RsvpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RsvpStatus::Present => "present",
            RsvpStatus::Excused => "excused",
            RsvpStatus::Tentative => "tentative",
            RsvpStatus::NoAnswer => "no_answer",
        }
    }

    pub fn parse(s: &str) -> Option<RsvpStatus> {
        Some(match s {
            "present" => RsvpStatus::Present,
            "excused" => RsvpStatus::Excused,
            "tentative" => RsvpStatus::Tentative,
            "no_answer" => RsvpStatus::NoAnswer,
            _ => return None,
        })
    }
}

/// One invitee and their current answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub person: Person,
    pub email: Option<String>,
    pub message_id: Option<String>,
    pub status: RsvpStatus,
    pub reason: Option<String>,
    /// A reminder was sent to them.
    pub reminded: bool,
}

/// An answer to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRsvp<'a> {
    pub meeting: MeetingId,
    pub person: PersonId,
    pub status: RsvpStatus,
    pub reason: Option<&'a str>,
    /// matrix, email, itip, reaction, console, import, admin.
    pub channel: &'a str,
    pub recorded_by: Option<PersonId>,
    /// The Message-ID or event id it came from.
    pub source: Option<&'a str>,
}
