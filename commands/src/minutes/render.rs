//! Writing a meeting's compte rendu in the shape of the network's minutes:
//! header, présents grouped by organisation, excusés, what each
//! organisation runs (section 1.2, from the catalogue), the table of
//! existing groups and the table of new ones, the next meeting. What it writes,
//! `import-minutes` reads back to the same state.

use std::collections::BTreeMap;

use crate::meeting::{MeetingStatus, RsvpStatus};
use crate::store::{
    ActionItem, Attended, Entry, EntryKind, MeetingId, Store, StoreResult, UseStatus,
};
use greffier_document::{Block, Document, Item};

use crate::minutes::import::UNREAD_HEADING;
use crate::text::name_key;

/// A compte rendu as blocks and in its two text forms, from one reading
/// of the store (the office formats: `greffier_document::{odt, pdf}` of
/// `document`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub markdown: String,
    pub html: String,
    pub document: Document,
}

use crate::words::de;

/// The minutes' lines and tables, before formatting.
struct Content {
    title: String,
    date: String,
    place: Option<String>,
    minute_taker: Option<String>,
    organiser: Option<String>,
    present: Vec<(String, Vec<String>)>,
    excused: Vec<(String, String)>,
    existing: Vec<[String; 4]>,
    proposed: Vec<[String; 4]>,
    /// Section 1.2: each organisation's software, from the catalogue.
    projects: Vec<(String, Vec<String>)>,
    /// Section 1.1, as the imported minutes wrote it.
    notes: Option<String>,
    /// Section 1.2's items that name no use, by organisation (kept with
    /// the notes, under [`UNREAD_HEADING`]): written in the same 1.2 as
    /// the catalogue's.
    unread: Vec<(Option<String>, Vec<String>)>,
    /// The ordre du jour.
    agenda: Vec<String>,
    /// Invitees neither present nor excused, when the meeting was held in
    /// a séance.
    absent: Vec<(String, String)>,
    /// The séance's entries and actions, when it was held in one.
    seance: Option<(Vec<Entry>, Vec<ActionItem>)>,
    /// The answers to the invitations (present, excused, no answer), told
    /// apart from the attendance when the séance recorded it.
    answers: Option<(usize, usize, usize)>,
    next_meeting: Option<String>,
}

/// Who came to a meeting, as its compte rendu says.
pub struct Came {
    /// Held in a séance: `people` is what it recorded.
    pub held: bool,
    /// Each invitee (and whoever the séance recorded without an
    /// invitation) with their attendance: held in a séance, what it
    /// recorded (the RSVPs were intentions; an excuse sent before counts
    /// when the séance recorded nothing for them), else their answer (an
    /// imported meeting, one never held in greffier); none: neither
    /// present nor excused.
    pub people: Vec<(crate::store::Person, Option<Attended>)>,
    /// The answers to the invitations: present, excused, no answer.
    pub answers: (usize, usize, usize),
}

/// Who came to meeting `id` (see [`Came`]).
pub fn who_came(store: &mut dyn Store, id: MeetingId) -> StoreResult<Came> {
    let held = store.seance(id)?.is_some();
    let recorded: BTreeMap<i64, Attended> = store
        .attendance(id)?
        .into_iter()
        .map(|(p, a)| (p.0, a))
        .collect();
    let mut people: Vec<(crate::store::Person, Option<Attended>)> = Vec::new();
    let mut answers = (0, 0, 0);
    for i in store.invitees(id)? {
        match i.status {
            RsvpStatus::Present => answers.0 += 1,
            RsvpStatus::Excused => answers.1 += 1,
            _ => answers.2 += 1,
        }
        let attended = match held {
            // Not recorded at the séance: excused if they sent an excuse.
            true => recorded.get(&i.person.id.0).copied().or(match i.status {
                RsvpStatus::Excused => Some(Attended::Excused),
                _ => None,
            }),
            false => match i.status {
                RsvpStatus::Present => Some(Attended::Present),
                RsvpStatus::Excused => Some(Attended::Excused),
                _ => None,
            },
        };
        people.push((i.person, attended));
    }
    // Someone recorded present who was not invited still came.
    for (p, a) in &recorded {
        if !people.iter().any(|(q, _)| q.id.0 == *p) {
            people.push((store.person(crate::store::PersonId(*p))?, Some(*a)));
        }
    }
    Ok(Came {
        held,
        people,
        answers,
    })
}

fn content(
    store: &mut dyn Store,
    tz: &jiff::tz::TimeZone,
    id: MeetingId,
) -> StoreResult<Option<Content>> {
    let Some(meeting) = store.meeting(id)? else {
        return Ok(None);
    };
    let org_name = |store: &mut dyn Store, o: Option<crate::store::OrgId>| -> StoreResult<String> {
        Ok(match o {
            Some(o) => store.organisation(o)?.name,
            None => String::new(),
        })
    };
    let mut present: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    let mut excused = Vec::new();
    let mut absent = Vec::new();
    let Came {
        held,
        people,
        answers,
    } = who_came(store, id)?;
    for (person, attended) in people {
        let org = org_name(store, person.organisation)?;
        match attended {
            Some(Attended::Present) => present
                .entry(name_key(&org))
                .or_insert_with(|| (org.clone(), Vec::new()))
                .1
                .push(person.name.clone()),
            Some(Attended::Excused) => excused.push((person.name.clone(), org)),
            None if held => absent.push((person.name.clone(), org)),
            None => {}
        }
    }
    let seance = match held {
        true => Some((store.entries(id)?, store.meeting_actions(id)?)),
        false => None,
    };
    let (taker, next) = store.meeting_record(id)?;
    let minute_taker = match taker {
        Some(p) => Some(store.person(p)?.name),
        None => None,
    };
    let (existing, proposed) = crate::digest::group_tables(store)?;
    let organiser = match meeting.organiser {
        Some(o) => Some(store.organisation(o)?.name),
        None => None,
    };
    let projects = projects(store)?;
    let (notes, unread) = split_notes(store.meeting_notes(id)?);
    let agenda = store.agenda(id)?;
    let mut title = meeting.title.clone();
    if meeting.status == MeetingStatus::Cancelled {
        title.push_str(" (annulée)");
    }
    Ok(Some(Content {
        title,
        date: crate::words::date_in(
            crate::Lang::Fr,
            meeting.starts_at.to_zoned(tz.clone()).date(),
        ),
        place: meeting.place.clone(),
        minute_taker,
        organiser,
        present: present.into_values().collect(),
        excused,
        existing,
        proposed,
        projects,
        notes,
        unread,
        agenda,
        absent,
        seance,
        answers: held.then_some(answers),
        next_meeting: next,
    }))
}

/// What the séance recorded: for each item of the ordre du jour its notes
/// and decisions (what was typed under no item first), then the relevé des
/// actions.
fn seance_blocks(doc: &mut Document, agenda: &[String], entries: &[Entry], actions: &[ActionItem]) {
    let mut items: Vec<Option<u32>> = entries.iter().map(|e| e.item).collect();
    items.sort();
    items.dedup();
    for item in items {
        let heading = match item {
            Some(n) => match agenda.get(n as usize - 1) {
                Some(t) => format!("Point {n} : {t}"),
                None => format!("Point {n}"),
            },
            None => "Hors ordre du jour".to_string(),
        };
        let lines: Vec<Item> = entries
            .iter()
            .filter(|e| e.item == item)
            .filter_map(|e| match e.kind {
                EntryKind::Note => Some(Item::new(e.text.clone())),
                EntryKind::Decision => Some(Item::new(format!("Décision : {}", e.text))),
                EntryKind::Action => None,
            })
            .collect();
        let decided: Vec<Item> = actions
            .iter()
            .filter(|a| entries.iter().any(|e| e.n == a.entry && e.item == item))
            .map(|a| Item::new(format!("Action n°{} : {} — {}", a.n, a.owner, a.text)))
            .collect();
        if lines.is_empty() && decided.is_empty() {
            continue;
        }
        doc.push(Block::Title {
            level: 3,
            text: heading,
        });
        doc.push(Block::Items(lines.into_iter().chain(decided).collect()));
    }
    if !actions.is_empty() {
        doc.push(Block::Title {
            level: 2,
            text: "Relevé des actions".into(),
        });
        doc.push(Block::Table {
            title: String::new(),
            header: ["N°", "Qui", "Quoi", "Échéance"].map(String::from).to_vec(),
            rows: actions
                .iter()
                .map(|a| {
                    vec![
                        a.n.to_string(),
                        a.owner.clone(),
                        a.text.clone(),
                        a.due
                            .map(|d| crate::words::date_in(crate::Lang::Fr, d))
                            .unwrap_or_else(|| "—".into()),
                    ]
                })
                .collect(),
            blank: Vec::new(),
        });
    }
}

/// The meeting's notes split in two: section 1.1 as written, and the
/// items of section 1.2 that name no use ("- Berre" then " - intranet"),
/// by organisation.
#[allow(clippy::type_complexity)]
fn split_notes(notes: Option<String>) -> (Option<String>, Vec<(Option<String>, Vec<String>)>) {
    let Some(notes) = notes else {
        return (None, Vec::new());
    };
    let mut lines = notes.lines();
    let before: Vec<&str> = lines
        .by_ref()
        .take_while(|l| *l != UNREAD_HEADING)
        .collect();
    let mut unread: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for line in lines {
        match line.strip_prefix(" - ") {
            Some(item) => match unread.last_mut() {
                Some((_, items)) => items.push(item.to_string()),
                None => unread.push((None, vec![item.to_string()])),
            },
            None => unread.push((
                Some(line.trim_start_matches("- ").trim().to_string()),
                Vec::new(),
            )),
        }
    }
    let before = before.join("\n");
    ((!before.trim().is_empty()).then_some(before), unread)
}

/// Section 1.2 from the catalogue: every organisation that runs something,
/// by name, with an item per software that the importer reads back to the
/// same use: « Koha » : opérationnel; « OpenOffice » : migration en cours.
fn projects(store: &mut dyn Store) -> StoreResult<Vec<(String, Vec<String>)>> {
    let mut by_org: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
    for software in store.all_software()? {
        for u in store.software_uses(software.id)? {
            let org = store.organisation(u.organisation)?.name;
            let said = match (u.status, u.note.as_deref()) {
                (UseStatus::Production, _) => "opérationnel".to_string(),
                (UseStatus::Projet, Some(note @ ("migration" | "deploiement"))) => {
                    format!(
                        "{} en cours",
                        if note == "migration" {
                            "migration"
                        } else {
                            "déploiement"
                        }
                    )
                }
                (UseStatus::Projet, _) => "en cours".to_string(),
                (UseStatus::Etude, _) => "réflexion".to_string(),
                (UseStatus::Abandon, _) => "abandonné".to_string(),
            };
            let note = match u.note.as_deref() {
                Some("migration" | "deploiement") | None => String::new(),
                Some(note) => format!(" ({})", crate::text::one_line(note)),
            };
            by_org
                .entry(name_key(&org))
                .or_insert_with(|| (org, Vec::new()))
                .1
                .push(format!("« {} » : {said}{note}", software.name));
        }
    }
    Ok(by_org.into_values().collect())
}

/// An excused line: "Laurence OLIVIER GARDANNE" when the name ends in
/// capitals (the minutes' way), else with a comma.
fn excused_line(name: &str, org: &str) -> String {
    let last_caps = name
        .split_whitespace()
        .last()
        .is_some_and(|w| !w.chars().any(char::is_lowercase));
    if last_caps && name.split_whitespace().count() > 1 {
        format!("{name} {org}")
    } else {
        format!("{name}, {org}")
    }
}

pub fn render(
    store: &mut dyn Store,
    tz: &jiff::tz::TimeZone,
    id: MeetingId,
) -> StoreResult<Option<Rendered>> {
    Ok(content(store, tz, id)?.map(|c| {
        let document = document(&c);
        Rendered {
            markdown: document.markdown(),
            html: document.html(),
            document,
        }
    }))
}

/// The compte rendu as blocks, in the order of the network's minutes.
fn document(c: &Content) -> Document {
    let mut doc = Document::new("fr");
    let title = |level: u8, text: &str| Block::Title {
        level,
        text: text.to_string(),
    };
    doc.push(title(1, &c.title));
    doc.push(Block::Text(c.date.clone()));
    if let Some(p) = &c.place {
        doc.push(Block::Text(p.clone()));
    }
    if let Some(t) = &c.minute_taker {
        doc.push(Block::Field {
            label: "Rédacteur".into(),
            value: t.clone(),
        });
    }
    doc.push(title(2, "Étaient présents"));
    doc.push(Block::Items(
        c.present
            .iter()
            .map(|(org, people)| Item::new(format!("{}, {org}", people.join(", "))))
            .collect(),
    ));
    if !c.excused.is_empty() {
        doc.push(title(2, "Absents excusés"));
        doc.push(Block::Items(
            c.excused
                .iter()
                .map(|(name, org)| Item::new(excused_line(name, org)))
                .collect(),
        ));
    }
    if !c.absent.is_empty() {
        doc.push(title(2, "Absents"));
        doc.push(Block::Items(
            c.absent
                .iter()
                .map(|(name, org)| Item::new(format!("{name}, {org}")))
                .collect(),
        ));
    }
    if let Some((present, excused, silent)) = c.answers {
        let present = crate::words::count_or_none(
            crate::Lang::Fr,
            present,
            "aucune",
            ("présence annoncée", "présences annoncées"),
            ("", ""),
        );
        let excused = crate::words::count_or_none(
            crate::Lang::Fr,
            excused,
            "aucun",
            ("excusé", "excusés"),
            ("", ""),
        );
        doc.push(Block::Text(format!(
            "Réponses aux invitations (intentions, avant la séance) : {present}, {excused}, {silent} sans réponse."
        )));
    }
    if let Some(o) = &c.organiser {
        doc.push(Block::Text(format!("Organisée à l'initiative {}.", de(o))));
    }
    if !c.agenda.is_empty() {
        doc.push(title(2, "Ordre du jour"));
        doc.push(Block::Numbered(c.agenda.clone()));
    }
    if let Some((entries, actions)) = &c.seance {
        seance_blocks(&mut doc, &c.agenda, entries, actions);
    }
    if !c.projects.is_empty() || c.notes.is_some() || !c.unread.is_empty() {
        doc.push(title(2, "1 - Les projets libres des collectivités"));
    }
    if let Some(notes) = &c.notes {
        doc.push(Block::Text(notes.clone()));
    }
    // One 1.2: what each organisation runs (the catalogue), then the items
    // of the minutes that name no use, by organisation.
    let mut by_org: BTreeMap<String, Item> = BTreeMap::new();
    for (org, items) in &c.projects {
        by_org
            .entry(name_key(org))
            .or_insert_with(|| Item::new(format!("{org} :")))
            .sub
            .extend(items.iter().cloned());
    }
    let mut loose = Vec::new();
    for (org, items) in &c.unread {
        match org {
            Some(org) => by_org
                .entry(name_key(org))
                .or_insert_with(|| Item::new(format!("{org} :")))
                .sub
                .extend(items.iter().cloned()),
            None => loose.extend(items.iter().cloned().map(Item::new)),
        }
    }
    if !by_org.is_empty() || !loose.is_empty() {
        doc.push(title(3, "1.2 Les projets libres dans les collectivités"));
        loose.extend(by_org.into_values());
        doc.push(Block::Items(loose));
    }
    doc.push(title(2, "2 – Les groupes de travail"));
    let table = |third: &str, rows: &[[String; 4]]| Block::Table {
        title: String::new(),
        header: ["Thème", "Villes", third, "Action"]
            .map(String::from)
            .to_vec(),
        rows: rows.iter().map(|r| r.to_vec()).collect(),
        blank: Vec::new(),
    };
    doc.push(title(3, "2.1 Groupes existants"));
    doc.push(table("Chef de projet", &c.existing));
    doc.push(title(3, "2.2 Nouveaux groupes"));
    doc.push(table("Initialisation", &c.proposed));
    if let Some(n) = &c.next_meeting {
        doc.push(Block::Text(n.clone()));
    }
    doc
}
