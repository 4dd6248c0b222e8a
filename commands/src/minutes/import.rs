//! Applying parsed minutes to the store: organisations found by name (any
//! spelling with the same key) or created, people found by name in their
//! organisation or created, the meeting with its présents and excusés, the
//! existing groups (active, members, lead, action as status text) and the
//! proposals (initiating organisation as first support, action). Everything
//! is looked up before it is created, so importing twice changes nothing.

use std::collections::BTreeMap;

use jiff::civil::Time;

use crate::lang::Lang;
use crate::meeting::{NewMeeting, NewRsvp, RsvpStatus};
use crate::minutes::names::{KNOWN_NAMES, display_name, split_excused};
use crate::minutes::parse::{GroupRow, Minutes};
use crate::minutes::problem::Problem;
use crate::minutes::projects;
use crate::request::Context;
use crate::store::{GroupStatus, MeetingId, NewGroup, OrgId, PersonId, Store, StoreResult};
use crate::text::{fold, name_key, software_key};
use crate::tr;

/// Imported meetings are stored at this local time (the minutes give no
/// hour: `time_given` is false, and the hour is not shown).
pub const MEETING_TIME: Time = Time::constant(9, 0, 0, 0);

/// What the import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub created: Vec<String>,
    pub matched: Vec<String>,
    /// The sections kept verbatim as the meeting's notes, said as
    /// "section 1.1 « … » (lignes a–b)".
    pub notes: Vec<String>,
    /// (line, what was not understood).
    pub problems: Vec<(usize, Problem)>,
    /// The meeting the compte rendu is of.
    pub meeting: Option<MeetingId>,
}

/// A readable slug from a theme: "Gestion des délibérations" →
/// "deliberations", "Main courante police municipale …" → "main-courante",
/// "OCS Inventory" → "ocs-inventory".
pub fn slug_of_theme(theme: &str) -> String {
    const SKIP: &[&str] = &[
        "gestion", "des", "du", "de", "la", "le", "les", "et", "d", "l", "libre", "libres",
        "logiciel",
    ];
    let folded = fold(theme);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !SKIP.contains(w))
        .collect();
    let slug = words.iter().take(2).copied().collect::<Vec<_>>().join("-");
    if slug.len() < 2 {
        "groupe".into()
    } else {
        slug
    }
}

/// Splits a "villes" cell into organisation names: the longest run of
/// words that names a known organisation, else one word (with the
/// connectors that follow it: "Chateauneuf les Martigues").
pub fn split_villes(villes: &str, known: &BTreeMap<String, String>) -> Vec<String> {
    // Written by greffier itself: one name per comma.
    if villes.contains(',') {
        return villes
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect();
    }
    let words: Vec<&str> = villes.split_whitespace().collect();
    let mut out = Vec::new();
    let mut i = 0;
    'outer: while i < words.len() {
        for len in (1..=words.len().saturating_sub(i).min(6)).rev() {
            let candidate = words[i..i + len].join(" ");
            if let Some(display) = known.get(&name_key(&candidate)) {
                out.push(display.clone());
                i += len;
                continue 'outer;
            }
        }
        let mut name = words[i].to_string();
        i += 1;
        while i + 1 < words.len()
            && matches!(
                fold(words[i]).as_str(),
                "les" | "de" | "du" | "la" | "sur" | "en"
            )
        {
            name = format!("{name} {} {}", words[i], words[i + 1]);
            i += 2;
        }
        out.push(name);
    }
    out
}

struct Importer<'a> {
    store: &'a mut dyn Store,
    /// The summary's language (bot.language).
    lang: Lang,
    known: BTreeMap<String, String>,
    summary: Summary,
}

impl Importer<'_> {
    fn note(&mut self, created: bool, what: String) {
        // Found again after being created by this import: not news.
        if !created && self.summary.created.contains(&what) {
            return;
        }
        let list = if created {
            &mut self.summary.created
        } else {
            &mut self.summary.matched
        };
        if !list.contains(&what) {
            list.push(what);
        }
    }

    fn org(&mut self, name: &str) -> StoreResult<OrgId> {
        let key = name_key(name);
        if let Some(o) = self.store.organisation_by_key(&key)? {
            let what = tr!(self.lang, "organisation {}", "organisation {}", o.name);
            self.note(false, what);
            return Ok(o.id);
        }
        let display = self
            .known
            .get(&key)
            .cloned()
            .unwrap_or_else(|| display_name(name));
        let id = self.store.create_organisation(&display, None)?;
        self.note(
            true,
            tr!(
                self.lang,
                "organisation {display}",
                "organisation {display}"
            ),
        );
        Ok(id)
    }

    fn person(&mut self, name: &str, org: OrgId) -> StoreResult<PersonId> {
        let name = name.trim();
        if let Some(p) = self.store.person_by_name(&name_key(name), Some(org))? {
            let what = tr!(self.lang, "personne {}", "person {}", p.name);
            self.note(false, what);
            return Ok(p.id);
        }
        let id = self.store.create_contact(name, Some(org))?;
        self.note(true, tr!(self.lang, "personne {name}", "person {name}"));
        Ok(id)
    }

    fn group(&mut self, row: &GroupRow, status: GroupStatus) -> StoreResult<()> {
        let villes = split_villes(&row.villes, &self.known);
        if villes.is_empty() {
            self.summary
                .problems
                .push((row.line, Problem::NoOrganisationInRow(row.theme.clone())));
        }
        let lead = match &row.lead {
            Some(l) => Some(self.org(l)?),
            None => None,
        };
        let theme_key = name_key(&row.theme);
        let groups = self.store.groups()?;
        // The same theme, or one a letter or two away ("Gestion des
        // délibération" in the PDF copy): the same group.
        let existing = groups
            .iter()
            .find(|g| name_key(&g.theme) == theme_key)
            .or_else(|| {
                groups.iter().find(|g| {
                    theme_key.chars().count() >= 12
                        && crate::text::distance(&name_key(&g.theme), &theme_key, 2).is_some()
                })
            });
        let group = match existing {
            Some(g) if name_key(&g.theme) != theme_key => {
                self.note(
                    false,
                    tr!(
                        self.lang,
                        "groupe {} (« {} » lu comme « {} »)",
                        "group {} (“{}” read as “{}”)",
                        g.slug,
                        row.theme,
                        g.theme
                    ),
                );
                g.id
            }
            Some(g) => {
                let what = tr!(self.lang, "groupe {}", "group {}", g.slug);
                self.note(false, what);
                g.id
            }
            None => {
                let mut slug = slug_of_theme(&row.theme);
                let mut n = 2;
                while self.store.group_by_slug(&slug)?.is_some() {
                    slug = format!("{}-{n}", slug_of_theme(&row.theme));
                    n += 1;
                }
                let id = self.store.create_group(
                    &NewGroup {
                        slug: slug.clone(),
                        theme: row.theme.clone(),
                        status,
                        lead,
                        action: if status == GroupStatus::Proposed {
                            row.action.clone()
                        } else {
                            None
                        },
                        room: None,
                        list: None,
                    },
                    None,
                )?;
                self.note(true, tr!(self.lang, "groupe {slug}", "group {slug}"));
                id
            }
        };
        for ville in villes {
            let org = self.org(&ville)?;
            self.store.add_member(group, org, None)?;
        }
        if status == GroupStatus::Proposed {
            if let Some(lead) = lead {
                self.store.add_support(group, lead, None)?;
            }
        } else if let Some(action) = &row.action {
            let current = self.store.latest_status(group)?;
            if current.map(|s| s.text) != Some(action.clone()) {
                self.store.record_status(group, action, None, None)?;
            }
        }
        Ok(())
    }
}

pub fn import(store: &mut dyn Store, ctx: &Context, minutes: &Minutes) -> StoreResult<Summary> {
    // The names the minutes spell out, to split the "villes" cells.
    let mut known = BTreeMap::new();
    for name in KNOWN_NAMES {
        known.insert(name_key(name), name.to_string());
    }
    for o in store.organisations()? {
        known.insert(name_key(&o.name), o.name);
    }
    let mut add = |s: &str| {
        known.entry(name_key(s)).or_insert_with(|| display_name(s));
    };
    for (_, org) in &minutes.present {
        add(org);
    }
    for (_, text) in &minutes.excused {
        if let Some((_, org)) = split_excused(text) {
            add(&org);
        }
    }
    for row in minutes.existing.iter().chain(&minutes.proposed) {
        if let Some(l) = &row.lead {
            add(l);
        }
    }
    // Mixed-case spellings from the tables read better than capitals.
    for row in minutes.existing.iter().chain(&minutes.proposed) {
        for w in row.villes.split_whitespace() {
            if let Some(v) = known.get_mut(&name_key(w))
                && !v.chars().any(char::is_lowercase)
                && w.chars().any(char::is_lowercase)
            {
                *v = w.to_string();
            }
        }
    }
    // The names the cells themselves will create are known from the start,
    // as they will be on a second import: split until nothing new comes
    // (found by fuzzing: a name created by a later cell used to split an
    // earlier one differently the second time).
    for _ in 0..8 {
        let mut new = false;
        for row in minutes.existing.iter().chain(&minutes.proposed) {
            for name in split_villes(&row.villes, &known) {
                if let std::collections::btree_map::Entry::Vacant(e) = known.entry(name_key(&name))
                {
                    e.insert(name);
                    new = true;
                }
            }
        }
        if !new {
            break;
        }
    }
    let mut imp = Importer {
        store,
        lang: ctx.lang,
        known,
        summary: Summary {
            problems: minutes.problems.clone(),
            ..Summary::default()
        },
    };

    let meeting = if let (Some(title), Some(date)) = (&minutes.title, minutes.date) {
        let starts_at = date
            .to_datetime(MEETING_TIME)
            .to_zoned(ctx.timezone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(ctx.now);
        let organiser = match &minutes.organiser {
            Some(o) => Some(imp.org(o)?),
            None => None,
        };
        let meeting = match imp.store.meeting_by_title_at(title, starts_at)? {
            Some(m) => {
                imp.note(false, tr!(ctx.lang, "réunion {title}", "meeting {title}"));
                m
            }
            None => {
                let id = imp.store.create_meeting(&NewMeeting {
                    title: title.clone(),
                    starts_at,
                    ends_at: None,
                    timezone: ctx.timezone.iana_name().unwrap_or("UTC").to_string(),
                    place: minutes.place.clone(),
                    group: None,
                    organiser,
                    // The minutes give a date, not an hour.
                    time_given: false,
                })?;
                imp.note(true, tr!(ctx.lang, "réunion {title}", "meeting {title}"));
                imp.store.meeting(id)?.ok_or_else(|| {
                    crate::store::StoreError("the meeting just created is missing".into())
                })?
            }
        };
        let mut answers: Vec<(PersonId, RsvpStatus, Option<usize>)> = Vec::new();
        for (people, org) in &minutes.present {
            let org = imp.org(org)?;
            for p in people {
                answers.push((imp.person(p, org)?, RsvpStatus::Present, None));
            }
        }
        for (line, text) in &minutes.excused {
            match split_excused(text) {
                Some((person, org)) => {
                    let org = imp.org(&org)?;
                    answers.push((imp.person(&person, org)?, RsvpStatus::Excused, Some(*line)));
                }
                None => imp
                    .summary
                    .problems
                    .push((*line, Problem::NoNameAndOrganisation(text.to_string()))),
            }
        }
        // Someone listed twice (present and excused, say) keeps their first
        // answer, so that a second import finds nothing to change.
        let mut kept: Vec<(PersonId, RsvpStatus)> = Vec::new();
        for (person, status, line) in answers {
            match kept.iter().find(|k| k.0 == person) {
                None => kept.push((person, status)),
                Some(&(_, first)) if first != status => {
                    let name = imp.store.person(person)?.name;
                    imp.summary.problems.push((
                        line.unwrap_or(0),
                        Problem::ListedTwice {
                            name,
                            first,
                            then: status,
                        },
                    ));
                }
                Some(_) => {}
            }
        }
        let answers = kept;
        let invitees = imp.store.invitees(meeting.id)?;
        for (person, status) in answers {
            let current = invitees
                .iter()
                .find(|i| i.person.id == person)
                .map(|i| i.status);
            if current.is_none() {
                imp.store
                    .invite(meeting.id, person, None, None, meeting.sequence)?;
            }
            if current != Some(status) {
                imp.store.record_rsvp(&NewRsvp {
                    meeting: meeting.id,
                    person,
                    status,
                    reason: None,
                    channel: "import",
                    recorded_by: None,
                    source: None,
                })?;
            }
        }
        let taker = match &minutes.minute_taker {
            Some(name) => {
                let key = name_key(name);
                imp.store
                    .invitees(meeting.id)?
                    .into_iter()
                    .find(|i| name_key(&i.person.name) == key)
                    .map(|i| i.person.id)
            }
            None => None,
        };
        imp.store
            .set_meeting_record(meeting.id, taker, minutes.next_meeting.as_deref())?;
        Some(meeting.id)
    } else {
        if minutes.problems.is_empty() {
            imp.summary.problems.push((1, Problem::NoTitleAndDate));
        }
        None
    };
    for row in &minutes.existing {
        imp.group(row, GroupStatus::Active)?;
    }
    for row in &minutes.proposed {
        imp.group(row, GroupStatus::Proposed)?;
    }
    // The uses read here are marked as read from this compte rendu.
    let source = minutes.date.map(|d| {
        format!(
            "compte rendu du {}",
            crate::words::date_in(crate::Lang::Fr, d)
        )
    });
    let unread = imp.catalogue(&minutes.projects, source)?;
    if let Some(meeting) = meeting {
        imp.notes(meeting, minutes, &unread)?;
    }
    imp.summary.meeting = meeting;
    Ok(imp.summary)
}

impl Importer<'_> {
    /// Section 1.2 into the catalogue: each use read from it recorded for
    /// its organisation (found or created like the others), each software
    /// found by name or added (tied to the group of the same name); a name
    /// read through a slip is said in the summary.
    fn catalogue(
        &mut self,
        lines: &[(usize, String)],
        source: Option<String>,
    ) -> StoreResult<Unread> {
        if lines.is_empty() {
            return Ok(Vec::new());
        }
        let mut known: Vec<String> = projects::COMMON_SOFTWARE
            .iter()
            .map(|s| s.to_string())
            .collect();
        let groups = self.store.groups()?;
        // What the catalogue already calls them comes first. (Group themes
        // are not names to look for: "Messagerie libre" is a theme, not a
        // software; a software is tied to its group by name below.)
        let mut first: Vec<String> = self
            .store
            .all_software()?
            .into_iter()
            .map(|s| s.name)
            .collect();
        first.append(&mut known);
        let organisations = self.known.clone();
        let read = projects::read(lines, &|s| organisations.get(&name_key(s)).cloned(), &first);
        self.summary.problems.extend(read.problems);
        for (line, written, name) in read.slips {
            self.note(
                false,
                tr!(
                    self.lang,
                    "logiciel « {written} » (ligne {line}) lu comme {name}",
                    "software “{written}” (line {line}) read as {name}"
                ),
            );
        }
        for u in read.uses {
            let org = self.org(&u.organisation)?;
            let key = software_key(&u.software);
            let software = match self.store.software_by_key(&key)? {
                Some(s) => {
                    let what = tr!(self.lang, "logiciel {}", "software {}", s.name);
                    self.note(false, what);
                    s.id
                }
                None => {
                    let group = groups
                        .iter()
                        .find(|g| software_key(&g.slug) == key || software_key(&g.theme) == key)
                        .map(|g| g.id);
                    let id = self.store.create_software(&u.software, group)?;
                    let what = tr!(self.lang, "logiciel {}", "software {}", u.software);
                    self.note(true, what);
                    id
                }
            };
            let org_name = self.store.organisation(org)?.name;
            let what = tr!(
                self.lang,
                "{} utilise {} ({})",
                "{} runs {} ({})",
                org_name,
                u.software,
                crate::words::use_status(self.lang, u.status)
            );
            let changed =
                self.store
                    .record_use(software, org, Some(u.status), u.note.as_deref(), None)?;
            // Read from this compte rendu: a member confirms it.
            if changed && let Some(source) = &source {
                self.store.mark_use_source(software, org, source)?;
            }
            self.note(changed, what);
        }
        Ok(read.unread)
    }

    /// What the importer does not model, kept verbatim as the meeting's
    /// notes: section 1.1, then section 1.2's items that name no software
    /// under their organisation (with a heading of their own, so that the
    /// compte rendu written from them reads back to the same notes).
    fn notes(&mut self, meeting: MeetingId, minutes: &Minutes, unread: &Unread) -> StoreResult<()> {
        let mut lines: Vec<String> = minutes.notes.iter().map(|(_, l)| l.clone()).collect();
        if let (Some((first, heading)), Some((last, _))) =
            (minutes.notes.first(), minutes.notes.last())
        {
            let heading = crate::text::excerpt(heading, 80);
            self.summary.notes.push(tr!(
                self.lang,
                "section « {heading} » (lignes {first} à {last})",
                "section “{heading}” (lines {first}–{last})"
            ));
        }
        if !unread.is_empty() {
            lines.push(UNREAD_HEADING.to_string());
            let mut current: Option<&str> = None;
            for (_, org, item) in unread {
                if org.as_deref() != current {
                    current = org.as_deref();
                    if let Some(org) = current {
                        lines.push(format!("- {org}"));
                    }
                }
                lines.push(format!(" - {item}"));
            }
            let numbers: Vec<String> = unread.iter().map(|(n, _, _)| n.to_string()).collect();
            let items = crate::words::count(
                self.lang,
                unread.len(),
                ("élément", "éléments"),
                ("item", "items"),
            );
            let numbers = crate::words::list(self.lang, &numbers);
            self.summary.notes.push(tr!(
                self.lang,
                "section 1.2 : {items} sans logiciel en service (lignes {numbers})",
                "section 1.2: {items} naming no software in use (lines {numbers})"
            ));
        }
        if lines.is_empty() {
            return Ok(());
        }
        let text = lines.join("\n");
        if self.store.meeting_notes(meeting)?.as_deref() != Some(text.as_str()) {
            self.store.set_meeting_notes(meeting, &text)?;
        }
        Ok(())
    }
}

/// Section 1.2's items that name no software (line, organisation, text).
type Unread = Vec<(usize, Option<String>, String)>;

/// The heading of those items in the notes.
pub const UNREAD_HEADING: &str =
    "1.2 Les projets libres dans les collectivités (non repris au catalogue)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_and_readable() {
        for (theme, slug) in [
            ("Gestion des délibérations", "deliberations"),
            ("Gestion du courrier", "courrier"),
            (
                "Main courante police municipale et gestion des épaves",
                "main-courante",
            ),
            ("Gestion des véhicules", "vehicules"),
            ("OCS Inventory", "ocs-inventory"),
            ("Messagerie libre", "messagerie"),
            ("OpenElec", "openelec"),
            ("openResultat", "openresultat"),
        ] {
            assert_eq!(slug_of_theme(theme), slug, "{theme}");
        }
    }

    #[test]
    fn villes_cells_split_on_known_names() {
        let mut known = BTreeMap::new();
        for n in [
            "Generale Infographie",
            "Saint Martin de Crau",
            "Chateauneuf les Martigues",
            "Ouest Provence",
            "Arles",
        ] {
            known.insert(name_key(n), n.to_string());
        }
        assert_eq!(
            split_villes(
                "Vitrolles Arles Libreair Generale Infographie Saint Martin de Crau Chateauneuf les Martigues",
                &known
            ),
            [
                "Vitrolles",
                "Arles",
                "Libreair",
                "Generale Infographie",
                "Saint Martin de Crau",
                "Chateauneuf les Martigues"
            ]
        );
        assert_eq!(
            split_villes(
                "Istres Ouest Provence Martigues Fos Miramas St Martin de Crau",
                &known
            ),
            [
                "Istres",
                "Ouest Provence",
                "Martigues",
                "Fos",
                "Miramas",
                "Saint Martin de Crau"
            ]
        );
        assert_eq!(
            split_villes("Eyguieres sur Mer Fos", &known),
            ["Eyguieres sur Mer", "Fos"]
        );
    }

    #[test]
    fn excused_lines_split_name_and_organisation() {
        for (text, person, org) in [
            ("Laurence OLIVIER GARDANNE", "Laurence OLIVIER", "GARDANNE"),
            (
                "Philippe FALANGA LANCON DE PROVENCE",
                "Philippe FALANGA",
                "LANCON DE PROVENCE",
            ),
            ("Jacques CASTEX C.A. AIX", "Jacques CASTEX", "C.A. AIX"),
            ("J. RICHARD Mairie AIX", "J. RICHARD", "Mairie AIX"),
        ] {
            assert_eq!(
                split_excused(text),
                Some((person.into(), org.into())),
                "{text}"
            );
        }
        assert_eq!(split_excused("Laurence"), None);
    }

    #[test]
    fn capitals_become_names() {
        assert_eq!(
            display_name("CHATEAUNEUF LES MARTIGUES"),
            "Chateauneuf les Martigues"
        );
        assert_eq!(display_name("C.A. AIX"), "C.A. Aix");
        assert_eq!(display_name("Ouest Provence"), "Ouest Provence");
    }
}
