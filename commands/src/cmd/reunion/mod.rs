//! `!reunion …` — meetings: create, change, cancel, list, attendance; and
//! what they share: finding a meeting, who may manage it, saying when it
//! is, and the invitation mails (one per invitee with an address, each with
//! its own Message-ID, stored).

pub mod annuler;
pub mod archives;
pub mod creer;
pub mod liste;
pub mod modifier;
pub mod ordre;
pub mod presences;
pub mod redacteur;

use crate::action::{Action, Invitation};
use crate::cmd::Command;
use crate::exec::{Exec, Failure, Outcome};
use crate::meeting::{Invitee, Meeting, MeetingStatus};
use crate::parse::{Args, Entry, Kind, ParseErrorKind, Usage};
use crate::store::{Group, MeetingId};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!reunion creer|modifier|annuler|liste|presences|ordre|redacteur|archives …",
    en: "!meeting create|update|cancel|list|attendance|agenda|minute-taker|archive …",
    help_fr: "les réunions",
    help_en: "meetings",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reunion {
    Creer(creer::Creer),
    Modifier(modifier::Modifier),
    Annuler(annuler::Annuler),
    Liste(liste::Liste),
    Presences(presences::Presences),
    Ordre(ordre::Ordre),
    Archives(archives::Archives),
    Redacteur(redacteur::Redacteur),
}

/// `!reunion` and its subcommands, with their aliases.
pub const COMMAND: Entry = Entry {
    words: &["reunion", "reunions", "meeting", "meetings"],
    kind: Kind::Family {
        usage: &USAGE,
        bare: None,
        subs: &[
            Entry::one(
                &["creer", "create", "new", "nouvelle"],
                &creer::USAGE,
                |a| Ok(cmd(Reunion::Creer(creer::Creer::parse(a)?))),
            ),
            Entry::one(
                &["modifier", "update", "modify", "edit"],
                &modifier::USAGE,
                |a| Ok(cmd(Reunion::Modifier(modifier::Modifier::parse(a)?))),
            ),
            Entry::one(&["annuler", "cancel"], &annuler::USAGE, |a| {
                Ok(cmd(Reunion::Annuler(annuler::Annuler::parse(a)?)))
            }),
            Entry::one(&["liste", "list", "ls"], &liste::USAGE, |a| {
                Ok(cmd(Reunion::Liste(liste::Liste::parse(a)?)))
            }),
            Entry::one(
                &["redacteur", "redactrice", "minutetaker", "scribe"],
                &redacteur::USAGE,
                |a| Ok(cmd(Reunion::Redacteur(redacteur::Redacteur::parse(a)?))),
            ),
            Entry::one(&["archives", "archive"], &archives::USAGE, |a| {
                Ok(cmd(Reunion::Archives(archives::Archives::parse(a)?)))
            }),
            Entry::one(&["ordre", "ordredujour", "agenda"], &ordre::USAGE, |a| {
                Ok(cmd(Reunion::Ordre(ordre::Ordre::parse(a)?)))
            }),
            Entry::one(
                &["presences", "presence", "attendance"],
                &presences::USAGE,
                |a| Ok(cmd(Reunion::Presences(presences::Presences::parse(a)?))),
            ),
        ],
    },
};

fn cmd(r: Reunion) -> Command {
    Command::Reunion(r)
}

impl Reunion {
    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        match self {
            Reunion::Creer(c) => c.apply(ex),
            Reunion::Modifier(c) => c.apply(ex),
            Reunion::Annuler(c) => c.apply(ex),
            Reunion::Liste(c) => c.apply(ex),
            Reunion::Presences(c) => c.apply(ex),
            Reunion::Ordre(c) => c.apply(ex),
            Reunion::Archives(c) => c.apply(ex),
            Reunion::Redacteur(c) => c.apply(ex),
        }
    }
}

/// Meetings last two hours unless said otherwise.
pub const DEFAULT_LENGTH_HOURS: i64 = 2;

/// The meeting `id`, or a refusal naming it.
pub(crate) fn find_meeting(ex: &mut Exec<'_>, id: i64) -> Result<Meeting, Failure> {
    match ex.store.meeting(MeetingId(id))? {
        Some(m) => Ok(m),
        None => ex.refuse(tr!(
            ex.lang(),
            "Il n'y a pas de réunion n°{id} (tapez {}reunion liste).",
            "There is no meeting #{id} (type {}meeting list).",
            ex.prefix()
        )),
    }
}

/// May the sender organise for `group` (a meeting, a poll)? Admins, and
/// for a group the confirmed members of its lead.
pub(crate) fn may_organise(ex: &mut Exec<'_>, group: Option<&Group>) -> Result<bool, Failure> {
    Ok(ex.is_admin()
        || match group {
            Some(g) => ex.leads(g)?,
            None => false,
        })
}

/// May the sender act for the meeting's record (its ordre du jour, its
/// compte rendu)? Admins, the group's lead, and the organising
/// organisation's confirmed members.
pub(crate) fn may_keep_record(ex: &mut Exec<'_>, meeting: &Meeting) -> Result<(), Failure> {
    let organiser = match (meeting.organiser, ex.me()?) {
        (Some(org), Some(me)) => me.organisation == Some(org) && me.confirmed(),
        _ => false,
    };
    let group = match meeting.group {
        Some(g) => ex.store.group(g)?,
        None => None,
    };
    if organiser || may_organise(ex, group.as_ref())? {
        return Ok(());
    }
    ex.refuse_not_allowed(&tr!(
        ex.lang(),
        "aux administrateurs, à l'organisation qui a organisé la réunion et au chef de projet du groupe",
        "admins, the meeting's organising organisation and the group's lead"
    ))
}

/// Admins, and for a group's meeting the members of the group's lead.
pub(crate) fn may_manage(ex: &mut Exec<'_>, meeting: &Meeting) -> Result<(), Failure> {
    let group = match meeting.group {
        Some(g) => ex.store.group(g)?,
        None => None,
    };
    if may_organise(ex, group.as_ref())? {
        return Ok(());
    }
    ex.refuse_not_allowed(&tr!(
        ex.lang(),
        "aux administrateurs et au chef de projet du groupe",
        "admins and the group's lead"
    ))
}

/// The meeting `id`, if the sender may change it and it is not cancelled.
pub(crate) fn to_manage(ex: &mut Exec<'_>, id: i64) -> Result<Meeting, Failure> {
    let meeting = find_meeting(ex, id)?;
    may_manage(ex, &meeting)?;
    if !is_open(&meeting) {
        return ex.refuse(tr!(
            ex.lang(),
            "La réunion n°{id} est annulée : elle ne change plus.",
            "Meeting #{id} is cancelled: it does not change any more."
        ));
    }
    Ok(meeting)
}

/// How many invitees a change was mailed to: "aucun invité prévenu",
/// "2 invités prévenus" (annulée, modifiée, ordre du jour).
pub(crate) fn told(lang: crate::Lang, mailed: usize) -> String {
    crate::words::count_or_none(
        lang,
        mailed,
        "aucun",
        ("invité prévenu", "invités prévenus"),
        ("invitee told", "invitees told"),
    )
}

/// « Il n'y a pas de point n°4 : l'ordre du jour en compte 2. », or « …
/// : l'ordre du jour est vide. »
pub(crate) fn no_such_item(lang: crate::Lang, n: impl std::fmt::Display, len: usize) -> String {
    match len {
        0 => tr!(
            lang,
            "Il n'y a pas de point n°{n} : l'ordre du jour est vide.",
            "There is no item #{n}: the agenda is empty."
        ),
        _ => {
            let items = crate::words::count(lang, len, ("point", "points"), ("item", "items"));
            tr!(
                lang,
                "Il n'y a pas de point n°{n} : l'ordre du jour compte {items}.",
                "There is no item #{n}: the agenda has {items}."
            )
        }
    }
}

/// "jeudi 3 décembre 2026 à 9 h" in the bot's time zone (the day alone
/// for a meeting whose hour was not given).
pub fn when(ex: &Exec<'_>, m: &Meeting) -> String {
    crate::words::meeting_when(ex.lang(), m, &ex.ctx.timezone)
}

/// "n°3 « Conférence DSI » — jeudi 3 décembre 2026 à 9 h, Mairie d'Arles"
pub fn describe(ex: &Exec<'_>, m: &Meeting) -> String {
    let place = m
        .place
        .as_deref()
        .map(|p| format!(", {p}"))
        .unwrap_or_default();
    tr!(
        ex.lang(),
        "n°{} « {} » — {}{}",
        "#{} “{}” — {}{}",
        m.id.0,
        m.title,
        when(ex, m),
        place
    )
}

/// Those of `people` greffier cannot reach, having neither an address
/// (verified or declared) nor a Matrix ID, said after an invitation or a
/// poll: " ; 2 personnes injoignables, sans adresse ni identifiant Matrix
/// : A, B (!personne adresse …)" — their names only to those who may see
/// the network's names, else how many. Empty when everyone is reachable.
pub(crate) fn unreachable(
    ex: &mut Exec<'_>,
    people: &[crate::store::Person],
) -> Result<String, Failure> {
    let mut names = Vec::new();
    for person in people {
        if ex.store.identities(person.id)?.is_empty() {
            names.push(person.name.clone());
        }
    }
    if names.is_empty() {
        return Ok(String::new());
    }
    let lang = ex.lang();
    let n = crate::words::count(
        lang,
        names.len(),
        ("personne injoignable", "personnes injoignables"),
        ("person cannot be reached", "people cannot be reached"),
    );
    let p = ex.prefix().to_string();
    Ok(match ex.sees_names()? {
        true => tr!(
            lang,
            " {n}, sans adresse ni identifiant Matrix : {} ({p}personne adresse <personne> <adresse>).",
            " {n}, with neither an address nor a Matrix ID: {} ({p}person address <person> <address>).",
            names.join(", ")
        ),
        false => tr!(
            lang,
            " {n}, sans adresse ni identifiant Matrix.",
            " {n}, with neither an address nor a Matrix ID."
        ),
    })
}

/// The invitee's first verified email address.
pub(crate) fn email_of(
    ex: &mut Exec<'_>,
    person: crate::store::PersonId,
) -> Result<Option<String>, Failure> {
    Ok(ex.store.email_of(person)?)
}

/// Records the invitees and queues one invitation mail (REQUEST or CANCEL)
/// per invitee with an address, with its Message-ID; returns how many mails
/// were queued.
pub(crate) fn send_invitations(
    ex: &mut Exec<'_>,
    meeting: &Meeting,
    invitees: &[Invitee],
    method: &str,
    change: Option<&str>,
) -> Result<usize, Failure> {
    let lang = ex.lang();
    let domain = ex.ctx.mail_domain().map(str::to_string);
    // The ordre du jour, in the mail and in the calendar part.
    let agenda = ex.store.agenda(meeting.id)?;
    let description = (!agenda.is_empty()).then(|| {
        let items: Vec<String> = agenda
            .iter()
            .enumerate()
            .map(|(i, item)| format!("{}. {item}", i + 1))
            .collect();
        tr!(lang, "Ordre du jour :\n{}", "Agenda:\n{}", items.join("\n"))
    });
    let agenda_text = description
        .as_ref()
        .map(|d| format!("\n\n{d}"))
        .unwrap_or_default();
    let change_text = change.map(|c| format!("\n{c}")).unwrap_or_default();
    let ends_at = meeting.ends_at.unwrap_or_else(|| {
        meeting
            .starts_at
            .checked_add(jiff::SignedDuration::from_hours(DEFAULT_LENGTH_HOURS))
            .unwrap_or(meeting.starts_at)
    });
    let date = when(ex, meeting);
    let place = meeting.place.clone().unwrap_or_default();
    let mut sent = 0;
    for invitee in invitees {
        // Without mail (or an address), the invitee answers in a room.
        let email = invitee.email.clone().or(email_of(ex, invitee.person.id)?);
        let (Some(email), Some(domain)) = (email, domain.as_deref()) else {
            ex.store
                .invite(meeting.id, invitee.person.id, None, None, meeting.sequence)?;
            continue;
        };
        // Unguessable: quoting it proves the invitation was read, and the
        // meeting's UID, which every invitee sees, does not give it away.
        let message_id = format!("invitation.{}@{domain}", ex.store.random_token()?);
        let cancelled = method == "CANCEL";
        let (subject, text) = if cancelled {
            (
                tr!(lang, "Annulé : {}", "Cancelled: {}", meeting.title),
                tr!(
                    lang,
                    "Bonjour {},\n\nLa réunion « {} » du {} est annulée.\n\n— greffier",
                    "Hello {},\n\nThe meeting “{}” of {} is cancelled.\n\n— greffier",
                    invitee.person.name,
                    meeting.title,
                    date
                ),
            )
        } else {
            let lieu = if place.is_empty() {
                String::new()
            } else {
                tr!(lang, "\nLieu : {}", "\nPlace: {}", place)
            };
            let update = meeting.sequence > 0;
            let page = ex
                .ctx
                .page(&format!("/reunions/{}", meeting.id.0))
                .map(|url| {
                    tr!(
                        lang,
                        "\nLa réunion en ligne : {url}",
                        "\nThe meeting online: {url}"
                    )
                })
                .unwrap_or_default();
            (
                if update {
                    tr!(lang, "Modifié : {}", "Updated: {}", meeting.title)
                } else {
                    tr!(lang, "Invitation : {}", "Invitation: {}", meeting.title)
                },
                tr!(
                    lang,
                    "Bonjour {},\n\n{} « {} » (réunion n°{}).{change_text}\nDate : {}{}{page}{agenda_text}\n\nRépondez à ce message par « présent » ou « excusé » (avec un motif si vous le souhaitez), ou avec les boutons de votre messagerie.\n\n— greffier",
                    "Hello {},\n\n{} “{}” (meeting #{}).{change_text}\nDate: {}{}{page}{agenda_text}\n\nAnswer this message with “present” or “excused” (with a reason if you like), or with your mail client's buttons.\n\n— greffier",
                    invitee.person.name,
                    if update {
                        tr!(lang, "La réunion a changé :", "The meeting has changed:")
                    } else {
                        tr!(lang, "Le greffier vous invite à", "You are invited to")
                    },
                    meeting.title,
                    meeting.id.0,
                    date,
                    lieu
                ),
            )
        };
        ex.store.invite(
            meeting.id,
            invitee.person.id,
            Some(&email),
            Some(&message_id),
            meeting.sequence,
        )?;
        ex.actions.push(Action::SendInvitation(Box::new(Invitation {
            to: email,
            attendee_name: invitee.person.name.clone(),
            method: method.to_string(),
            uid: meeting.uid.clone(),
            sequence: meeting.sequence,
            title: meeting.title.clone(),
            starts_at: meeting.starts_at.to_string(),
            ends_at: ends_at.to_string(),
            place: meeting.place.clone(),
            message_id,
            subject,
            text,
            description: if cancelled { None } else { description.clone() },
        })));
        sent += 1;
    }
    Ok(sent)
}

/// After a change to meeting `id`: the invitees get the update (`method`
/// REQUEST, with `change` saying what changed in words) or the
/// cancellation (CANCEL) by mail, the group's room and list get
/// `announcement(described)`; returns (mails queued, description).
pub(crate) fn tell_everyone(
    ex: &mut Exec<'_>,
    id: i64,
    method: &str,
    change: Option<&str>,
    announcement: impl FnOnce(&str) -> String,
) -> Result<(usize, String), Failure> {
    let meeting = find_meeting(ex, id)?;
    let invitees = ex.store.invitees(meeting.id)?;
    let mailed = send_invitations(ex, &meeting, &invitees, method, change)?;
    let described = describe(ex, &meeting);
    announce(ex, &meeting, announcement(&described))?;
    Ok((mailed, described))
}

/// Tells the meeting's group (its room and list), if it has one.
pub(crate) fn announce(ex: &mut Exec<'_>, meeting: &Meeting, text: String) -> Result<(), Failure> {
    let Some(g) = meeting.group else {
        return Ok(());
    };
    if let Some(group) = ex.store.group(g)? {
        ex.actions.push(Action::PostToGroup {
            group: group.slug,
            text,
            meeting: Some(meeting.id.0),
            html: None,
        });
    }
    Ok(())
}

/// The sender as a person, or a refusal saying how to become one.
pub(crate) fn sender_person(ex: &mut Exec<'_>) -> Result<crate::store::Person, Failure> {
    match ex.me()? {
        Some(p) => Ok(p),
        None => ex.refuse(tr!(
            ex.lang(),
            "Je ne vous connais pas encore : indiquez votre organisation avec {}moi organisation <organisation>.",
            "I do not know you yet: set your organisation with {}me organisation <organisation>.",
            ex.prefix()
        )),
    }
}

/// Is a meeting still open to answers and changes?
pub(crate) fn is_open(m: &Meeting) -> bool {
    m.status == MeetingStatus::Scheduled
}

/// `12`, `#12`, or a parse error.
pub(crate) fn meeting_id(args: &mut Args) -> Result<i64, ParseErrorKind> {
    let t = args.required(crate::parse::Arg::MeetingId)?;
    crate::parse::meeting_id(&t.text)
        .ok_or_else(|| ParseErrorKind::BadMeetingId(crate::text::excerpt(&t.text, 20)))
}
