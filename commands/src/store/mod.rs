//! The domain as the commands see it, and the store they reach it through,
//! by role: [`People`], [`Identities`], [`Organisations`], [`Groups`],
//! [`Catalogue`], [`Polls`], [`Meetings`] and the bot's own [`Ledger`],
//! each a trait in its own file here; [`Store`] is all of them. The
//! storage crate implements each role on a SQLite transaction, in a file of
//! the same name; every method runs inside the transaction of the request
//! being handled, so a refused command is rolled back whole.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

mod catalogue;
mod groups;
mod held;
mod identities;
mod ledger;
mod meetings;
mod organisations;
mod people;
mod polls;
mod records;
mod seances;

pub use catalogue::Catalogue;
pub use groups::Groups;
pub use held::{HeldRequest, HeldRequests};
pub use identities::{Declared, Identities};
pub use ledger::Ledger;
pub use meetings::Meetings;
pub use organisations::Organisations;
pub use people::People;
pub use polls::Polls;
pub use records::{Record, RecordFormat, RecordState, Records, in_force};
pub use seances::{ActionItem, Attended, Entry, EntryKind, NewAction, Seance, Seances};

/// Wrong codes a person may type in 24 hours; the last one spends their
/// live codes, and no code of theirs is checked again before the day is
/// over (six digits: five guesses a day find a code once in 200 000).
pub const MAX_CODE_ATTEMPTS: usize = 5;
/// Code mails in 24 hours, to one address and asked by one person.
pub const MAX_CODE_MAILS_TO_ADDRESS: usize = 5;
pub const MAX_CODE_MAILS_BY_PERSON: usize = 20;

macro_rules! id_type {
    ($($name:ident),*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub struct $name(pub i64);
    )*};
}
id_type!(OrgId, PersonId, GroupId, MeetingId, SoftwareId, PollId);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrgId,
    /// Display form, as first written ("Ouest Provence").
    pub name: String,
    /// "commune", "intercommunalite", "entreprise", "association", or unknown.
    pub kind: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub organisation: Option<OrgId>,
    /// Whether the organisation accepted them (meaningless without one).
    pub membership: Membership,
}

impl Person {
    /// A confirmed member of their organisation: one who may act in its
    /// name and who sees the network's rosters.
    pub fn confirmed(&self) -> bool {
        self.organisation.is_some() && self.membership == Membership::Confirmed
    }
}

/// Where a person stands with the organisation they declared: `pending`
/// until an admin, a confirmed member of that organisation or one of its
/// domains confirms it; `refused` keeps the organisation refused so that
/// the same request is not made again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    Pending,
    Confirmed,
    Refused,
}

impl Membership {
    pub fn as_str(self) -> &'static str {
        match self {
            Membership::Pending => "pending",
            Membership::Confirmed => "confirmed",
            Membership::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<Membership> {
        match s {
            "pending" => Some(Membership::Pending),
            "confirmed" => Some(Membership::Confirmed),
            "refused" => Some(Membership::Refused),
            _ => None,
        }
    }
}

/// What erasing a person left: their identities (gone) and their answers
/// (kept, without reasons, under "ancien membre").
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Forgotten {
    pub identities: usize,
    pub answers: usize,
    pub groups: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Matrix,
    Email,
}

impl IdentityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityKind::Matrix => "matrix",
            IdentityKind::Email => "email",
        }
    }
}

/// A Matrix ID or an email address. Email addresses are kept in lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identity {
    pub kind: IdentityKind,
    pub value: String,
}

impl Identity {
    /// Reads `@user:server` as a Matrix ID and `user@domain` as an email.
    pub fn parse(s: &str) -> Option<Identity> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix('@') {
            let (user, server) = rest.split_once(':')?;
            if user.is_empty() || server.is_empty() || s.chars().any(char::is_whitespace) {
                return None;
            }
            return Some(Identity {
                kind: IdentityKind::Matrix,
                value: s.to_string(),
            });
        }
        let (local, domain) = s.rsplit_once('@')?;
        if !email_local_part(local) || !email_domain(domain) || s.len() > 254 {
            return None;
        }
        Some(Identity {
            kind: IdentityKind::Email,
            value: s.to_lowercase(),
        })
    }

    /// A name to show for a person first met through this identity.
    pub fn default_name(&self) -> String {
        match self.kind {
            IdentityKind::Matrix => self
                .value
                .trim_start_matches('@')
                .split(':')
                .next()
                .unwrap_or(&self.value)
                .to_string(),
            IdentityKind::Email => self
                .value
                .split('@')
                .next()
                .unwrap_or(&self.value)
                .to_string(),
        }
    }
}

/// The local part of an address as real providers issue it: RFC 5322's
/// dot-atom, restricted to letters, digits and `. _ - + '` (no `%`, `/`,
/// `#`, `?`, `!` … that some other system may read as a path, a fragment
/// or a route), no dot first, last or twice in a row, 64 bytes at most.
/// Quoted local parts (`"a b"@x`) are refused: no provider hands them out.
fn email_local_part(local: &str) -> bool {
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '\''))
}

/// A domain name: two labels or more, each of letters (an internationalised
/// name's too), digits and inner hyphens, 63 bytes at most; 253 in all.
fn email_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStatus {
    Proposed,
    Active,
    Archived,
}

impl GroupStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupStatus::Proposed => "proposed",
            GroupStatus::Active => "active",
            GroupStatus::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<GroupStatus> {
        match s {
            "proposed" => Some(GroupStatus::Proposed),
            "active" => Some(GroupStatus::Active),
            "archived" => Some(GroupStatus::Archived),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: GroupId,
    pub slug: String,
    pub theme: String,
    pub status: GroupStatus,
    /// The "chef de projet"; while proposed, the initiating organisation.
    pub lead: Option<OrgId>,
    /// First or next action ("Présentation openCourrier").
    pub action: Option<String>,
    /// Matrix room id or alias.
    pub room: Option<String>,
    /// Mailing-list address.
    pub list: Option<String>,
}

/// What a new group starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGroup {
    pub slug: String,
    pub theme: String,
    pub status: GroupStatus,
    pub lead: Option<OrgId>,
    pub action: Option<String>,
    pub room: Option<String>,
    pub list: Option<String>,
}

/// One status update of a project; the latest one is the current status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectStatus {
    pub version: Option<String>,
    pub text: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub date: Date,
    pub text: String,
}

/// What happened to a group: the kinds of its history, stored by their
/// word (`group_events.kind`) and told by the digests and the group's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupEventKind {
    Created,
    Proposed,
    Activated,
    Archived,
    Lead,
    Room,
    List,
    Join,
    Leave,
    Support,
    Status,
    Milestone,
}

impl GroupEventKind {
    pub const ALL: [GroupEventKind; 12] = [
        GroupEventKind::Created,
        GroupEventKind::Proposed,
        GroupEventKind::Activated,
        GroupEventKind::Archived,
        GroupEventKind::Lead,
        GroupEventKind::Room,
        GroupEventKind::List,
        GroupEventKind::Join,
        GroupEventKind::Leave,
        GroupEventKind::Support,
        GroupEventKind::Status,
        GroupEventKind::Milestone,
    ];

    /// The word stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupEventKind::Created => "created",
            GroupEventKind::Proposed => "proposed",
            GroupEventKind::Activated => "activated",
            GroupEventKind::Archived => "archived",
            GroupEventKind::Lead => "lead",
            GroupEventKind::Room => "room",
            GroupEventKind::List => "list",
            GroupEventKind::Join => "join",
            GroupEventKind::Leave => "leave",
            GroupEventKind::Support => "support",
            GroupEventKind::Status => "status",
            GroupEventKind::Milestone => "milestone",
        }
    }

    pub fn parse(s: &str) -> Option<GroupEventKind> {
        GroupEventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind a change of status writes.
    pub fn of_status(status: GroupStatus) -> GroupEventKind {
        match status {
            GroupStatus::Proposed => GroupEventKind::Proposed,
            GroupStatus::Active => GroupEventKind::Activated,
            GroupStatus::Archived => GroupEventKind::Archived,
        }
    }
}

/// One entry of a group's history, as the digests tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupEvent {
    pub kind: GroupEventKind,
    pub organisation: Option<String>,
    pub person: Option<String>,
    pub detail: Option<String>,
    pub at: Timestamp,
}

/// Where an organisation stands with a software.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UseStatus {
    /// En production, opérationnel.
    Production,
    /// En cours, migration, déploiement.
    Projet,
    /// Réflexion, évaluation, formation.
    Etude,
    Abandon,
}

impl UseStatus {
    pub const ALL: [UseStatus; 4] = [
        UseStatus::Production,
        UseStatus::Projet,
        UseStatus::Etude,
        UseStatus::Abandon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UseStatus::Production => "production",
            UseStatus::Projet => "projet",
            UseStatus::Etude => "etude",
            UseStatus::Abandon => "abandon",
        }
    }

    /// The stored word, or a word people type for it (French or
    /// English), compared as keywords.
    pub fn parse(s: &str) -> Option<UseStatus> {
        match crate::text::keyword(s).as_str() {
            "production" | "prod" | "operationnel" | "live" => Some(UseStatus::Production),
            "projet" | "project" | "encours" | "migration" | "deploiement" => {
                Some(UseStatus::Projet)
            }
            "etude" | "study" | "reflexion" | "evaluation" | "formation" => Some(UseStatus::Etude),
            "abandon" | "abandonne" | "abandoned" | "dropped" => Some(UseStatus::Abandon),
            _ => None,
        }
    }
}

/// A free software as the network names it; tied to the working group
/// about it, if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Software {
    pub id: SoftwareId,
    /// Display form, as first written ("OpenOffice").
    pub name: String,
    pub group: Option<GroupId>,
}

/// An organisation's current use of a software.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoftwareUse {
    pub organisation: OrgId,
    pub status: UseStatus,
    pub note: Option<String>,
    pub at: Timestamp,
    /// Where it was read ("compte rendu du 11 juin 2007"), until a member
    /// confirms it.
    pub source: Option<String>,
}

/// A date poll as it is created: its candidate dates (numbered from 1 in
/// this order), an optional time for all of them, and who is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPoll {
    pub title: String,
    pub dates: Vec<Date>,
    pub time: Option<jiff::civil::Time>,
    pub place: Option<String>,
    pub group: Option<GroupId>,
    pub closes_on: Date,
    pub created_by: Option<PersonId>,
    pub invitees: Vec<PersonId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Poll {
    pub id: PollId,
    pub title: String,
    pub dates: Vec<Date>,
    pub time: Option<jiff::civil::Time>,
    pub place: Option<String>,
    pub group: Option<GroupId>,
    pub closes_on: Date,
    pub created_by: Option<PersonId>,
    pub closed: bool,
    /// The meeting it ended in.
    pub meeting: Option<MeetingId>,
    /// Its reminder went out (the day before closing, once).
    pub reminded: bool,
}

/// A person's current answer to a poll: the numbers of the dates they can
/// attend (none: they can attend none), and where they said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vote {
    pub person: Person,
    pub choices: Vec<usize>,
    pub channel: String,
}

/// A failure of the storage itself (not of the user's input): logged, and
/// the user gets a short apology.
///
/// Any error converts into it with `?` (the storage's SQLite and JSON
/// errors, say), as into `anyhow::Error`; and like `anyhow::Error` it is
/// not itself a `std::error::Error` (that would make the conversion
/// conflict with `From<T> for T`): [`StoreError::into_inner`] gives the
/// boxed error where one is needed.
pub struct StoreError(pub Box<dyn std::error::Error + Send + Sync>);

impl<E: std::error::Error + Send + Sync + 'static> From<E> for StoreError {
    fn from(e: E) -> Self {
        StoreError(Box::new(e))
    }
}

impl StoreError {
    /// The error itself.
    pub fn into_inner(self) -> Box<dyn std::error::Error + Send + Sync> {
        self.0
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "storage: {}", self.0)
    }
}

impl std::fmt::Debug for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoreError({:?})", self.0)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the commands read and write, by role: each role is a trait
/// of its own, in its own file here, implemented by the storage crate in
/// its own file there. Implemented by the storage crate on one SQLite
/// transaction; implemented in memory by nothing: the commands' tests run
/// on a fresh in-memory SQLite database through the storage crate.
///
/// A function that needs only some roles asks for them
/// (`store: &mut (impl Meetings + Organisations + ?Sized)`: the attendance
/// chart; a `&mut dyn Store` is accepted there); a command gets the whole
/// store through its `Exec`. Code that holds the storage's
/// transaction itself imports the roles it calls (`use
/// greffier_commands::store::Groups as _`). Writing methods also append the group's
/// history (joins, leaves, supports, status updates, milestones, lead
/// changes) that the digests read.
pub trait Store:
    People
    + Identities
    + Organisations
    + Groups
    + Catalogue
    + Polls
    + Ledger
    + Meetings
    + HeldRequests
    + Records
    + Seances
{
}

impl<
    T: People
        + Identities
        + Organisations
        + Groups
        + Catalogue
        + Polls
        + Ledger
        + Meetings
        + HeldRequests
        + Records
        + Seances
        + ?Sized,
> Store for T
{
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_event_kind_reads_back_its_word() {
        for kind in GroupEventKind::ALL {
            assert_eq!(GroupEventKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(GroupEventKind::parse("renamed"), None);
    }

    /// Addresses as providers issue them are read; anything another system
    /// could take for a path, a fragment, a route or a quoted string is not
    /// (the red team's `%2e%2e/…#@attacker.org` reached Mailman's REST API
    /// as a path: issue 34, case 1).
    #[test]
    fn only_plain_addresses_are_email_identities() {
        for ok in [
            "alice@example.test",
            "Jean-Pierre.Martin@Ville-Arles.fr",
            "j.o'brien+greffier@mairie.example.org",
            "dsi_13@agglo.example.fr",
            "elus@mairie-châteauneuf.fr",
        ] {
            assert!(
                Identity::parse(ok).is_some_and(|i| i.kind == IdentityKind::Email),
                "{ok}"
            );
        }
        for bad in [
            "%2e%2e/%2e%2e/victime.lists.example.test#@attacker.org",
            "a%b@example.test",
            "a/b@example.test",
            "a#b@example.test",
            "a?b@example.test",
            "\"a b\"@example.test",
            "a@b@example.test",
            ".a@example.test",
            "a.@example.test",
            "a..b@example.test",
            "a@example",
            "a@-example.test",
            "a@example-.test",
            "a@exa_mple.test",
            "a@example..test",
            "a@[127.0.0.1]",
            "a@example.test/x",
            "a@example.test#x",
            "@example.test",
            "a@",
            "a b@example.test",
            "<a@example.test>",
            "élus@example.test",
        ] {
            assert!(
                Identity::parse(bad).is_none_or(|i| i.kind != IdentityKind::Email),
                "{bad}"
            );
        }
        let long = format!("{}@example.test", "a".repeat(65));
        assert!(Identity::parse(&long).is_none());
    }
}
