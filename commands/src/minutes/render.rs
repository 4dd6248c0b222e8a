//! Writing a meeting's compte rendu in the shape of the network's minutes:
//! header, présents grouped by organisation, excusés, what each
//! organisation runs (section 1.2, from the catalogue), the table of
//! existing groups and the table of new ones, the next meeting. What it writes,
//! `import-minutes` reads back to the same state.

use std::collections::BTreeMap;

use crate::meeting::{MeetingStatus, RsvpStatus};
use crate::store::{MeetingId, Store, StoreResult, UseStatus};
use crate::text::{escape_html, fold, name_key};

/// A compte rendu in both forms, from one reading of the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub markdown: String,
    pub html: String,
}

/// "11 Juin 2007".
fn french_date(d: jiff::civil::Date) -> String {
    const MONTHS: [&str; 12] = [
        "Janvier",
        "Février",
        "Mars",
        "Avril",
        "Mai",
        "Juin",
        "Juillet",
        "Août",
        "Septembre",
        "Octobre",
        "Novembre",
        "Décembre",
    ];
    format!(
        "{} {} {}",
        d.day(),
        MONTHS[(d.month() - 1) as usize],
        d.year()
    )
}

/// "de Berre", "d'Ouest Provence".
fn de(name: &str) -> String {
    let first = fold(name).chars().next().unwrap_or('x');
    if "aeiouy".contains(first) {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

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
    next_meeting: Option<String>,
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
    for i in store.invitees(id)? {
        let org = org_name(store, i.person.organisation)?;
        match i.status {
            RsvpStatus::Present => present
                .entry(name_key(&org))
                .or_insert_with(|| (org.clone(), Vec::new()))
                .1
                .push(i.person.name.clone()),
            RsvpStatus::Excused => excused.push((i.person.name.clone(), org)),
            _ => {}
        }
    }
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
    let notes = store.meeting_notes(id)?;
    let mut title = meeting.title.clone();
    if meeting.status == MeetingStatus::Cancelled {
        title.push_str(" (annulée)");
    }
    Ok(Some(Content {
        title,
        date: french_date(meeting.starts_at.to_zoned(tz.clone()).date()),
        place: meeting.place.clone(),
        minute_taker,
        organiser,
        present: present.into_values().collect(),
        excused,
        existing,
        proposed,
        projects,
        notes,
        next_meeting: next,
    }))
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
    Ok(content(store, tz, id)?.map(|c| Rendered {
        markdown: markdown(&c),
        html: html(&c),
    }))
}

fn markdown(c: &Content) -> String {
    let mut out = vec![c.title.clone(), String::new(), c.date.clone()];
    if let Some(p) = &c.place {
        out.push(p.clone());
    }
    out.push(String::new());
    if let Some(t) = &c.minute_taker {
        out.push(format!("Rédacteur {t}"));
        out.push(String::new());
    }
    out.push("Etaient présents:".into());
    out.push(String::new());
    for (org, people) in &c.present {
        out.push(format!("- *{}, {org}*", people.join(", ")));
    }
    out.push(String::new());
    out.push("Absents excusés:".into());
    out.push(String::new());
    for (name, org) in &c.excused {
        out.push(format!("- *{}*", excused_line(name, org)));
    }
    out.push(String::new());
    if let Some(o) = &c.organiser {
        out.push(format!("Organisée à l'initiative {}.", de(o)));
        out.push(String::new());
    }
    if !c.projects.is_empty() || c.notes.is_some() {
        out.push("1 - Les projets libres des collectivités:".into());
        out.push(String::new());
    }
    if let Some(notes) = &c.notes {
        out.push(notes.clone());
        out.push(String::new());
    }
    if !c.projects.is_empty() {
        out.push("1.2 Les projets libres dans les collectivités".into());
        out.push(String::new());
        for (org, items) in &c.projects {
            out.push(format!("- {org} :"));
            for item in items {
                out.push(format!(" - {item}"));
            }
        }
        out.push(String::new());
    }
    out.push("2 – Les groupes de travail".into());
    out.push(String::new());
    out.push("2.1 Groupes existants".into());
    out.push(String::new());
    out.push("<i>theme</i>\t<i>Villes</i>\t<i>Chef de projet</i>\t<i>Action</i>".into());
    for row in &c.existing {
        out.push(row.join("\t"));
    }
    out.push(String::new());
    out.push("2.2 Nouveaux groupes".into());
    out.push(String::new());
    out.push("<i>theme</i>\t<i>Villes</i>\t<i>initialisation</i>\t<i>Action</i>".into());
    for row in &c.proposed {
        out.push(row.join("\t"));
    }
    out.push(String::new());
    if let Some(n) = &c.next_meeting {
        out.push(n.clone());
    }
    out.join("\n") + "\n"
}

fn html(c: &Content) -> String {
    let mut out = format!(
        "<h1>{}</h1>\n<p>{}",
        escape_html(&c.title),
        escape_html(&c.date)
    );
    if let Some(p) = &c.place {
        out.push_str(&format!(" — {}", escape_html(p)));
    }
    out.push_str("</p>\n");
    if let Some(t) = &c.minute_taker {
        out.push_str(&format!("<p>Rédacteur : {}</p>\n", escape_html(t)));
    }
    out.push_str("<h2>Etaient présents</h2>\n<ul>\n");
    for (org, people) in &c.present {
        out.push_str(&format!(
            "<li>{} — <b>{}</b></li>\n",
            escape_html(&people.join(", ")),
            escape_html(org)
        ));
    }
    out.push_str("</ul>\n<h2>Absents excusés</h2>\n<ul>\n");
    for (name, org) in &c.excused {
        out.push_str(&format!(
            "<li>{} — <b>{}</b></li>\n",
            escape_html(name),
            escape_html(org)
        ));
    }
    out.push_str("</ul>\n");
    if let Some(notes) = &c.notes {
        out.push_str("<section class=\"notes\">\n");
        for line in notes.lines() {
            out.push_str(&format!("<p>{}</p>\n", escape_html(line)));
        }
        out.push_str("</section>\n");
    }
    if !c.projects.is_empty() {
        out.push_str("<h2>Les projets libres dans les collectivités</h2>\n<ul>\n");
        for (org, items) in &c.projects {
            out.push_str(&format!("<li><b>{}</b><ul>\n", escape_html(org)));
            for item in items {
                out.push_str(&format!("<li>{}</li>\n", escape_html(item)));
            }
            out.push_str("</ul></li>\n");
        }
        out.push_str("</ul>\n");
    }
    let table = |title: &str, third: &str, rows: &[[String; 4]]| {
        let mut t = format!(
            "<h2>{title}</h2>\n<table>\n<tr><th>Thème</th><th>Villes</th><th>{third}</th><th>Action</th></tr>\n"
        );
        for r in rows {
            t.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                escape_html(&r[0]),
                escape_html(&r[1]),
                escape_html(&r[2]),
                escape_html(&r[3])
            ));
        }
        t.push_str("</table>\n");
        t
    };
    out.push_str(&table("Groupes existants", "Chef de projet", &c.existing));
    out.push_str(&table("Nouveaux groupes", "Initialisation", &c.proposed));
    if let Some(n) = &c.next_meeting {
        out.push_str(&format!("<p>{}</p>\n", escape_html(n)));
    }
    out
}
