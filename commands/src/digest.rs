//! The weekly digests: one per group (theme, lead, member organisations,
//! version and status, next milestone with the days left, what changed
//! since the last digest, upcoming meetings with their answers, supports
//! against the quorum for a proposal) and an overall one with the two
//! tables of the minutes with a picture of the attendance. Plain text and
//! HTML; when a week's digest is due; and what a digest sent now is
//! ([`now`]: `!digest` and `greffier digest --send` alike).

use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::action::Action;
use crate::lang::Lang;
use crate::meeting::RsvpStatus;
use crate::request::Context;
use crate::store::{Group, GroupEventKind, GroupStatus, Store, StoreResult};
use crate::store::{Meetings, Organisations};
use crate::tr;
use crate::words::group_status;
use greffier_document::{Block, Document};

/// A digest in both forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub plain: String,
    pub html: String,
}

impl Digest {
    /// The document as text and HTML.
    fn of(doc: &Document) -> Digest {
        Digest {
            plain: doc.text(),
            html: doc.html(),
        }
    }
}

/// A group's destination in the record of sent digests.
pub fn group_destination(slug: &str) -> String {
    format!("group:{slug}")
}

/// Since when a destination's digest tells the news: its last scheduled
/// digest, or a week before `now` at first.
pub fn since_last(
    store: &mut dyn Store,
    destination: &str,
    now: Timestamp,
) -> StoreResult<Timestamp> {
    Ok(match store.last_digest(destination)? {
        Some(t) => t,
        None => now
            .checked_sub(jiff::SignedDuration::from_hours(24 * 7))
            .unwrap_or(now),
    })
}

/// Whether a group's digest goes somewhere: it is not archived and has a
/// room or a list.
pub fn gets_digest(group: &Group) -> bool {
    group.status != GroupStatus::Archived && (group.room.is_some() || group.list.is_some())
}

/// A group's digest since `since`, for its room and list (text and HTML).
pub fn group_post(
    store: &mut dyn Store,
    ctx: &Context,
    group: &Group,
    since: Timestamp,
) -> StoreResult<Action> {
    let digest = group_digest(store, ctx, group, since)?;
    Ok(Action::PostToGroup {
        group: group.slug.clone(),
        text: digest.plain,
        meeting: None,
        html: Some(digest.html),
    })
}

/// The overall digest goes with a picture: attendance per organisation
/// over the last meetings.
pub const CHART_MEETINGS: usize = 5;

/// The chart's title, for the `n` meetings it shows.
pub fn chart_title(lang: Lang, n: usize) -> String {
    match n {
        1 => tr!(
            lang,
            "Présences à la dernière réunion",
            "Attendance at the last meeting"
        ),
        n => tr!(
            lang,
            "Présences aux {n} dernières réunions",
            "Attendance at the last {n} meetings"
        ),
    }
}

/// The attendance chart as SVG; none before the first meeting.
pub fn chart_svg(
    store: &mut (impl Meetings + Organisations + ?Sized),
    ctx: &Context,
) -> StoreResult<Option<String>> {
    let data = attendance(store, ctx, CHART_MEETINGS)?;
    if data.rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(crate::chart::attendance_svg(
        ctx.lang,
        &chart_title(ctx.lang, data.meetings.len()),
        &data,
    )))
}

/// The same picture, as base64 PNG (for rooms and mail); none before the
/// first meeting, or if it cannot be drawn (logged by the caller's
/// absence of a picture: the digest goes without it).
pub fn chart(
    store: &mut (impl Meetings + Organisations + ?Sized),
    ctx: &Context,
) -> StoreResult<Option<String>> {
    use base64::Engine;
    let Some(svg) = chart_svg(store, ctx)? else {
        return Ok(None);
    };
    Ok(crate::chart::png(&svg)
        .ok()
        .map(|png| base64::engine::general_purpose::STANDARD.encode(png)))
}

/// Where the overall digest goes: a room or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Room(String),
    List(String),
}

impl Destination {
    pub fn name(&self) -> &str {
        match self {
            Destination::Room(r) | Destination::List(r) => r,
        }
    }
}

/// `[digest]`'s rooms and lists.
pub fn overall_destinations(ctx: &Context) -> Vec<Destination> {
    ctx.digest_rooms
        .iter()
        .cloned()
        .map(Destination::Room)
        .chain(ctx.digest_lists.iter().cloned().map(Destination::List))
        .collect()
}

/// The overall digest for one destination: a room gets the text and HTML
/// then the picture; a list, one mail with the picture inline.
pub fn overall_posts(destination: &Destination, digest: &Digest, png: Option<&str>) -> Vec<Action> {
    match destination {
        Destination::Room(room) => {
            let mut posts = vec![Action::PostToRoom {
                room: room.clone(),
                text: digest.plain.clone(),
                meeting: None,
                html: Some(digest.html.clone()),
            }];
            if let Some(png) = png {
                posts.push(Action::PostImageToRoom {
                    room: room.clone(),
                    name: "presences.png".into(),
                    png: png.to_string(),
                });
            }
            posts
        }
        Destination::List(list) => {
            let html = match png {
                Some(_) => format!(
                    "{}\n<p><img src=\"cid:chart\" alt=\"présences\"></p>",
                    digest.html
                ),
                None => digest.html.clone(),
            };
            vec![Action::PostToList {
                list: list.clone(),
                text: digest.plain.clone(),
                html: Some(html),
                list_id: None,
                image: png.map(str::to_string),
            }]
        }
    }
}

/// The digest sent now, on demand (`!digest`, `greffier digest --send`):
/// one group's, or every group's that has a room or a list with the
/// overall digest and its picture for `[digest]`'s rooms and lists. It
/// tells the news since each destination's last scheduled digest, and does
/// not count as the week's: the scheduled digest still goes out.
pub fn now(
    store: &mut dyn Store,
    ctx: &Context,
    group: Option<&Group>,
) -> StoreResult<Vec<Action>> {
    let mut posts = Vec::new();
    let groups = match group {
        Some(g) => vec![g.clone()],
        None => store.groups()?,
    };
    for g in &groups {
        if !gets_digest(g) {
            continue;
        }
        let since = since_last(store, &group_destination(&g.slug), ctx.now)?;
        posts.push(group_post(store, ctx, g, since)?);
    }
    let destinations = overall_destinations(ctx);
    if group.is_none() && !destinations.is_empty() {
        let digest = overall_digest(store, ctx)?;
        let png = chart(store, ctx)?;
        for d in &destinations {
            posts.extend(overall_posts(d, &digest, png.as_deref()));
        }
    }
    Ok(posts)
}

/// The ISO week whose digest is due at `now` ("2026-W47"), if the week's
/// moment (`weekday` at `time` in `tz`) has come. Only the current week is
/// ever due: a bot that was down for weeks sends one digest, not one per
/// missed week.
pub fn due_week(now: Timestamp, tz: &TimeZone, weekday: Weekday, time: Time) -> Option<String> {
    due(now, tz, weekday, time).map(|(week, _)| week)
}

/// The due week and its moment.
pub fn due(
    now: Timestamp,
    tz: &TimeZone,
    weekday: Weekday,
    time: Time,
) -> Option<(String, Timestamp)> {
    let today = now.to_zoned(tz.clone()).date();
    let iso = today.iso_week_date();
    let monday = today
        .checked_sub((iso.weekday().to_monday_zero_offset() as i64).days())
        .ok()?;
    let day = monday
        .checked_add((weekday.to_monday_zero_offset() as i64).days())
        .ok()?;
    let moment = day.to_datetime(time).to_zoned(tz.clone()).ok()?.timestamp();
    (now >= moment).then(|| (format!("{}-W{:02}", iso.year(), iso.week()), moment))
}

/// One entry of a group's history as a sentence ("Arles a rejoint le groupe");
/// `None` for the kinds that tell nothing to a reader.
pub fn event_line(
    lang: Lang,
    kind: GroupEventKind,
    org: &str,
    person: &str,
    detail: &str,
) -> Option<String> {
    use GroupEventKind as K;
    Some(match kind {
        K::Join => tr!(
            lang,
            "{} a rejoint le groupe",
            "{} joined the group",
            if person.is_empty() { org } else { person }
        ),
        K::Leave => tr!(
            lang,
            "{} a quitté le groupe",
            "{} left the group",
            if person.is_empty() { org } else { person }
        ),
        K::Support => tr!(
            lang,
            "{org} soutient la proposition",
            "{org} supports the proposal"
        ),
        K::Activated => tr!(
            lang,
            "le groupe est devenu actif",
            "the group became active"
        ),
        K::Lead => tr!(lang, "nouveau chef de projet : {org}", "new lead: {org}"),
        K::Status => tr!(lang, "avancement : {detail}", "status: {detail}"),
        K::Milestone => {
            // Stored as "2030-03-02 Bascule …": the date said in words.
            let (date, text) = match detail.split_once(' ') {
                Some((d, t)) => match d.parse::<jiff::civil::Date>() {
                    Ok(d) => (Some(crate::words::date_in(lang, d)), t),
                    Err(_) => (None, detail),
                },
                None => (None, detail),
            };
            match date {
                Some(date) => tr!(
                    lang,
                    "nouveau jalon : {text}, le {date}",
                    "new milestone: {text}, on {date}"
                ),
                None => tr!(lang, "nouveau jalon : {text}", "new milestone: {text}"),
            }
        }
        K::Created => tr!(lang, "groupe créé", "group created"),
        // A room's alias says where it is; its ID says nothing to a reader.
        K::Room if detail.starts_with('#') => tr!(lang, "salon : {detail}", "room: {detail}"),
        K::Room => tr!(lang, "salon Matrix relié", "Matrix room linked"),
        K::List => tr!(
            lang,
            "liste de diffusion : {detail}",
            "mailing list: {detail}"
        ),
        K::Proposed | K::Archived => return None,
    })
}

/// The digest of one group; `since` is the last digest's time.
pub fn group_digest(
    store: &mut dyn Store,
    ctx: &Context,
    group: &Group,
    since: Timestamp,
) -> StoreResult<Digest> {
    let lang = ctx.lang;
    let org = |store: &mut dyn Store, o| -> StoreResult<Option<String>> {
        Ok(match o {
            Some(o) => Some(store.organisation(o)?.name),
            None => None,
        })
    };
    let status_word = group_status(lang, group.status);
    let mut doc = Document::new(lang.code());
    doc.push(Block::Title {
        level: 3,
        text: format!("{} ({}) — {status_word}", group.theme, group.slug),
    });
    let lead_label = if group.status == GroupStatus::Proposed {
        tr!(lang, "Initialisation", "Initiated by")
    } else {
        tr!(lang, "Chef de projet", "Lead")
    };
    let lead = org(store, group.lead)?.unwrap_or_else(|| tr!(lang, "aucun", "none"));
    doc.push(Block::Field {
        label: lead_label,
        value: lead,
    });
    let villes: Vec<String> = store
        .member_organisations(group.id)?
        .into_iter()
        .map(|o| o.name)
        .collect();
    doc.push(Block::Field {
        label: tr!(lang, "Villes", "Members"),
        value: villes.join(", "),
    });
    if let Some(s) = store.latest_status(group.id)? {
        let text = match &s.version {
            Some(v) if v != &s.text => {
                format!("{} {v} — {}", tr!(lang, "Version", "Version"), s.text)
            }
            _ => s.text.clone(),
        };
        doc.push(Block::Field {
            label: tr!(lang, "Avancement", "Status"),
            value: text,
        });
    }
    let today = ctx.today();
    if let Some(m) = store
        .milestones(group.id)?
        .into_iter()
        .find(|m| m.date >= today)
    {
        let days = (m.date - today).get_days();
        let days = crate::words::count(
            lang,
            usize::try_from(days).unwrap_or(0),
            ("jour", "jours"),
            ("day", "days"),
        );
        let text = tr!(
            lang,
            "Prochain jalon : {}, le {} (dans {days})",
            "Next milestone: {}, on {} (in {days})",
            m.text,
            crate::words::date_in(lang, m.date)
        );
        doc.push(Block::Text(text));
    }
    // The actions of the group's meetings still open, the late ones said.
    let open: Vec<String> = store
        .open_group_actions(group.id)?
        .iter()
        .map(|a| crate::words::action_line(lang, today, a))
        .collect();
    if !open.is_empty() {
        doc.push(Block::List {
            label: tr!(lang, "Actions ouvertes", "Open actions"),
            items: open,
        });
    }
    if group.status == GroupStatus::Proposed {
        let supporters: Vec<String> = store
            .supporters(group.id)?
            .into_iter()
            .map(|o| o.name)
            .collect();
        let text = tr!(
            lang,
            "Soutiens : {}/{} ({})",
            "Supports: {}/{} ({})",
            supporters.len(),
            ctx.quorum,
            supporters.join(", ")
        );
        doc.push(Block::Text(text));
    }
    let events: Vec<String> = store
        .group_events(group.id, since)?
        .into_iter()
        .filter_map(|e| {
            event_line(
                lang,
                e.kind,
                e.organisation.as_deref().unwrap_or(""),
                e.person.as_deref().unwrap_or(""),
                e.detail.as_deref().unwrap_or(""),
            )
        })
        .collect();
    let changes = tr!(
        lang,
        "Depuis la dernière lettre hebdomadaire",
        "Since the last digest"
    );
    if events.is_empty() {
        let text = tr!(
            lang,
            "{changes} : rien de nouveau.",
            "{changes}: nothing new."
        );
        doc.push(Block::Text(text));
    } else {
        doc.push(Block::List {
            label: changes,
            items: events,
        });
    }
    let mut meetings = Vec::new();
    for m in store.upcoming_meetings(ctx.now)? {
        if m.group != Some(group.id) {
            continue;
        }
        let invitees = store.invitees(m.id)?;
        meetings.push(tr!(
            lang,
            "n°{} « {} » — {} : {}",
            "#{} “{}” — {}: {}",
            m.id.0,
            m.title,
            crate::words::meeting_when(lang, &m, &ctx.timezone),
            crate::words::attendance(lang, &invitees)
        ));
    }
    if !meetings.is_empty() {
        doc.push(Block::List {
            label: tr!(lang, "Réunions à venir", "Upcoming meetings"),
            items: meetings,
        });
    }
    // Its open polls, with their answers.
    let mut polls = Vec::new();
    for poll in store.polls(true)? {
        if poll.group != Some(group.id) {
            continue;
        }
        let asked = store.poll_invitees(poll.id)?.len();
        let answered = store.poll_votes(poll.id)?.len();
        polls.push(tr!(
            lang,
            "n°{} « {} » — {} ({}sondage resultats {})",
            "#{} “{}” — {} ({}poll results {})",
            poll.id.0,
            poll.title,
            crate::words::poll_state(lang, &poll, answered, asked, Some(ctx.today())),
            ctx.prefix,
            poll.id.0
        ));
    }
    if !polls.is_empty() {
        doc.push(Block::List {
            label: tr!(lang, "Sondages ouverts", "Open polls"),
            items: polls,
        });
    }
    if let Some(url) = ctx.page(&format!("/groupes/{}", group.slug)) {
        doc.push(Block::Link {
            label: tr!(lang, "Page du groupe", "The group's page"),
            url,
        });
    }
    Ok(Digest::of(&doc))
}

/// Attendance per organisation over the last `meetings` meetings (not
/// cancelled, oldest first): a cell per meeting — present if one of its
/// people was, else excused if one was, else without a firm answer if one
/// was invited,
/// else not invited — for every organisation invited at least once; the
/// most present first.
pub fn attendance(
    store: &mut (impl Meetings + Organisations + ?Sized),
    ctx: &Context,
    meetings: usize,
) -> StoreResult<crate::chart::Attendance> {
    use crate::chart::{Attendance, Cell, Row};
    // The scheduled ones: a cancelled meeting is no attendance.
    let mut past = store.past_meetings(ctx.now, meetings)?;
    past.sort_by_key(|m| m.starts_at);
    let mut by_org: std::collections::BTreeMap<String, Vec<Cell>> = Default::default();
    for (i, m) in past.iter().enumerate() {
        for invitee in store.invitees(m.id)? {
            let Some(org) = invitee.person.organisation else {
                continue;
            };
            let name = store.organisation(org)?.name;
            let cells = by_org
                .entry(name)
                .or_insert_with(|| vec![Cell::NotInvited; past.len()]);
            let now = match invitee.status {
                RsvpStatus::Present => Cell::Present,
                RsvpStatus::Excused => Cell::Excused,
                _ => Cell::NoFirmAnswer,
            };
            let rank = |c: Cell| match c {
                Cell::Present => 3,
                Cell::Excused => 2,
                Cell::NoFirmAnswer => 1,
                Cell::NotInvited => 0,
            };
            if rank(now) > rank(cells[i]) {
                cells[i] = now;
            }
        }
    }
    let mut rows: Vec<Row> = by_org
        .into_iter()
        .map(|(organisation, cells)| Row {
            organisation,
            cells,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.rate()
            .cmp(&a.rate())
            .then(a.organisation.cmp(&b.organisation))
    });
    let meetings = past
        .iter()
        .map(|m| {
            m.starts_at
                .to_zoned(ctx.timezone.clone())
                .strftime("%d/%m/%Y")
                .to_string()
        })
        .collect();
    Ok(Attendance { meetings, rows })
}

/// The two tables of the minutes: existing groups (theme, villes, lead,
/// status or action) and new ones (theme, villes, initiating organisation,
/// action). Villes are comma separated.
pub type GroupTables = (Vec<[String; 4]>, Vec<[String; 4]>);

pub fn group_tables(store: &mut dyn Store) -> StoreResult<GroupTables> {
    let mut existing = Vec::new();
    let mut proposed = Vec::new();
    for g in store.groups()? {
        let villes: Vec<String> = store
            .member_organisations(g.id)?
            .into_iter()
            .map(|o| o.name)
            .collect();
        let lead = match g.lead {
            Some(o) => store.organisation(o)?.name,
            None => String::new(),
        };
        match g.status {
            GroupStatus::Active => {
                let action = store
                    .latest_status(g.id)?
                    .map(|s| s.text)
                    .or(g.action.clone())
                    .unwrap_or_default();
                existing.push([g.theme.clone(), villes.join(", "), lead, action]);
            }
            GroupStatus::Proposed => {
                let action = g.action.clone().unwrap_or_default();
                proposed.push([g.theme.clone(), villes.join(", "), lead, action]);
            }
            GroupStatus::Archived => {}
        }
    }
    Ok((existing, proposed))
}

/// The overall digest: the two tables of the minutes.
pub fn overall_digest(store: &mut dyn Store, ctx: &Context) -> StoreResult<Digest> {
    let lang = ctx.lang;
    let (existing, proposed) = group_tables(store)?;
    let title = tr!(
        lang,
        "Lettre hebdomadaire des groupes de travail",
        "The working groups' weekly letter"
    );
    let sections = [
        (
            tr!(lang, "Groupes existants", "Existing groups"),
            tr!(lang, "Chef de projet", "Lead"),
            existing,
        ),
        (
            tr!(lang, "Nouveaux groupes", "New groups"),
            tr!(lang, "Initialisation", "Initiated by"),
            proposed,
        ),
    ];
    let mut doc = Document::new(lang.code());
    doc.push(Block::Title {
        level: 2,
        text: title,
    });
    for (name, third, rows) in sections {
        doc.push(Block::Table {
            title: name,
            header: vec![
                tr!(lang, "Thème", "Theme"),
                tr!(lang, "Villes", "Members"),
                third,
                "Action".into(),
            ],
            rows: rows.into_iter().map(Vec::from).collect(),
            // A group without a lead says so in text.
            blank: vec!["", "", tr_static(lang, "aucun", "none"), ""],
        });
    }
    let pooling = pooling(store, ctx)?;
    if !pooling.is_empty() {
        doc.push(Block::Notes {
            title: tr!(
                lang,
                "À mutualiser : logiciels utilisés par plusieurs organisations, sans groupe de travail",
                "To pool: software run by several organisations, without a working group"
            ),
            entries: pooling,
        });
    }
    if let Some(url) = ctx.page("/") {
        doc.push(Block::Link {
            label: tr!(lang, "Les groupes en ligne", "The groups online"),
            url,
        });
    }
    Ok(Digest::of(&doc))
}

/// `tr!` for a word that must live as long as the program.
fn tr_static(lang: Lang, fr: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// Software run by at least two organisations (not counting those who
/// dropped it) that no working group covers: a line each ("OpenOffice :
/// Berre (migration), Istres — aucun groupe de travail") and the command
/// that would start one.
pub fn pooling(store: &mut dyn Store, ctx: &Context) -> StoreResult<Vec<(String, String)>> {
    let lang = ctx.lang;
    let mut out = Vec::new();
    for software in store.all_software()? {
        if software.group.is_some() {
            continue;
        }
        let uses: Vec<_> = store
            .software_uses(software.id)?
            .into_iter()
            .filter(|u| u.status != crate::store::UseStatus::Abandon)
            .collect();
        if uses.len() < 2 {
            continue;
        }
        let mut who = Vec::new();
        for u in &uses {
            let org = store.organisation(u.organisation)?.name;
            who.push(match &u.note {
                Some(note) => format!("{org} ({})", crate::text::one_line(note)),
                None => org,
            });
        }
        let name = &software.name;
        let who = who.join(", ");
        let line = tr!(
            lang,
            "{name} : {who} — aucun groupe de travail",
            "{name}: {who} — no working group"
        );
        let slug: String = crate::text::fold(name)
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let p = &ctx.prefix;
        let propose = tr!(
            lang,
            "{p}groupe proposer {slug} « {name} »",
            "{p}group propose {slug} \"{name}\""
        );
        out.push((line, propose));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn the_digest_is_due_at_nine_in_paris_on_both_sides_of_dst() {
        let paris = TimeZone::get("Europe/Paris").expect("tz");
        let nine = Time::constant(9, 0, 0, 0);
        let due = |t: &str| due_week(at(t), &paris, Weekday::Monday, nine);
        // Summer time (UTC+2) began on Sunday 29 March 2026.
        assert_eq!(due("2026-03-30T06:59:59Z"), None);
        assert_eq!(due("2026-03-30T07:00:00Z").as_deref(), Some("2026-W14"));
        // The Monday before, in winter time (UTC+1).
        assert_eq!(due("2026-03-23T07:30:00Z"), None);
        assert_eq!(due("2026-03-23T08:00:00Z").as_deref(), Some("2026-W13"));
        // Winter time again from Sunday 25 October 2026.
        assert_eq!(due("2026-10-19T07:00:00Z").as_deref(), Some("2026-W43"));
        assert_eq!(due("2026-10-26T07:30:00Z"), None);
        assert_eq!(due("2026-10-26T08:00:00Z").as_deref(), Some("2026-W44"));
        // Later in the week: still this week's digest, not the next.
        assert_eq!(due("2026-10-29T12:00:00Z").as_deref(), Some("2026-W44"));
        // Sunday night, before Monday's hour: last week's.
        assert_eq!(due("2026-11-01T22:00:00Z").as_deref(), Some("2026-W44"));
    }
}
