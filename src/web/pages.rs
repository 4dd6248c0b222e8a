//! The pages, in the bot's language, without JavaScript, readable on a
//! phone: maud escapes every text it is given; the only markup taken as
//! it is comes from greffier's own writers (the attendance chart's SVG,
//! the compte rendu's HTML), which escape what users typed.

use std::collections::BTreeMap;

use greffier_commands::meeting::{Meeting, MeetingStatus, RsvpStatus};
use greffier_commands::store::{GroupStatus, MeetingId, PollId, StoreResult};
use greffier_commands::words::{
    answers as words_answers, count, date_in, day_in, group_status, list, meeting_when, poll_state,
    record_state, use_status,
};
use greffier_commands::{Context, Lang, Store, tr};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::Options;

/// The style sheet, served as `/style.css` (a static file: the pages'
/// benchmark compares them with it).
pub const STYLE: &str = "body{font-family:system-ui,-apple-system,'DejaVu Sans',sans-serif;margin:0;color:#212121;line-height:1.45}\
header{background:#1e3a5f;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:1rem;align-items:baseline}\
header a{color:#fff;text-decoration:none}header .site{font-weight:bold;font-size:1.2rem}\
main{max-width:60rem;margin:0 auto;padding:1rem}h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:1.6rem;border-bottom:1px solid #ddd}\
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee;vertical-align:top}\
.muted{color:#616161}.chart{overflow-x:auto}.chart svg{max-width:100%;height:auto}\
@media (max-width:40rem){table,thead,tbody,tr,th,td{display:block}thead{display:none}td{border:none;padding:.1rem 0}tr{border-bottom:1px solid #ddd;padding:.4rem 0}}";

fn layout(lang: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(match lang { Lang::Fr => "fr", Lang::En => "en" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — greffier" }
                link rel="stylesheet" href="/style.css";
            }
            body {
                header {
                    a.site href="/" { "greffier" }
                    a href="/" { (tr!(lang, "Groupes", "Groups")) }
                    a href="/reunions" { (tr!(lang, "Réunions", "Meetings")) }
                    a href="/logiciels" { (tr!(lang, "Logiciels", "Software")) }
                    a href="/calendrier.ics" { (tr!(lang, "Calendrier", "Calendar")) }
                }
                main { (body) }
            }
        }
    }
}

fn org_names(orgs: Vec<greffier_commands::store::Organisation>) -> String {
    orgs.into_iter()
        .map(|o| o.name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn meeting_line(store: &mut dyn Store, ctx: &Context, m: &Meeting) -> StoreResult<Markup> {
    let group = match m.group {
        Some(g) => store.group(g)?,
        None => None,
    };
    let cancelled = m.status == MeetingStatus::Cancelled;
    Ok(html! {
        li {
            a href=(format!("/reunions/{}", m.id.0)) { (m.title) }
            " — " (meeting_when(ctx.lang, m, &ctx.timezone))
            @if let Some(p) = &m.place { ", " (p) }
            @if let Some(g) = group {
                " (" a href=(format!("/groupes/{}", g.slug)) { (g.theme) } ")"
            }
            @if cancelled { " — " strong { (tr!(ctx.lang, "annulée", "cancelled")) } }
        }
    })
}

/// `/`: the active groups, the proposals against the quorum, the
/// upcoming meetings, the open polls and the attendance chart.
pub fn index(store: &mut dyn Store, ctx: &Context, _o: &Options) -> StoreResult<Markup> {
    let lang = ctx.lang;
    let mut active = Vec::new();
    let mut proposed = Vec::new();
    for g in store.groups()? {
        match g.status {
            GroupStatus::Active => {
                let lead = match g.lead {
                    Some(o) => store.organisation(o)?.name,
                    None => String::new(),
                };
                let orgs = store.member_organisations(g.id)?;
                let orgs = org_names(orgs);
                active.push((g, lead, orgs));
            }
            GroupStatus::Proposed => {
                let supporters = store.supporters(g.id)?;
                let n = supporters.len();
                proposed.push((g, n, org_names(supporters)));
            }
            GroupStatus::Archived => {}
        }
    }
    let upcoming = store.upcoming_meetings(ctx.now)?;
    let mut meetings = Vec::new();
    for m in upcoming.iter().take(10) {
        meetings.push(meeting_line(store, ctx, m)?);
    }
    let polls = store.polls(true)?;
    let mut poll_lines = Vec::new();
    for p in &polls {
        let answers = store.poll_votes(p.id)?.len();
        let asked = store.poll_invitees(p.id)?.len();
        poll_lines.push((p.clone(), answers, asked));
    }
    let chart = greffier_commands::digest::chart_svg(store, ctx)?;
    let title = tr!(lang, "Les groupes de travail", "The working groups");
    Ok(layout(
        lang,
        &title,
        html! {
            h1 { (title) }
            h2 { (tr!(lang, "Groupes actifs", "Active groups")) }
            table {
                thead { tr {
                    th { (tr!(lang, "Groupe", "Group")) }
                    th { (tr!(lang, "Chef de projet", "Lead")) }
                    th { (tr!(lang, "Organisations", "Organisations")) }
                } }
                tbody {
                    @for (g, lead, orgs) in &active {
                        tr {
                            td { a href=(format!("/groupes/{}", g.slug)) { (g.theme) } }
                            td { (lead) }
                            td { (orgs) }
                        }
                    }
                }
            }
            h2 { (tr!(lang, "Propositions", "Proposals")) }
            @if proposed.is_empty() {
                p.muted { (tr!(lang, "Aucune proposition en cours.", "No proposal at the moment.")) }
            } @else {
                table {
                    thead { tr {
                        th { (tr!(lang, "Groupe proposé", "Proposed group")) }
                        th { (tr!(lang, "Soutiens (sur les {} requis)", "Supports (of the {} needed)", ctx.quorum)) }
                        th { (tr!(lang, "Organisations qui la soutiennent", "Supporting organisations")) }
                    } }
                    tbody {
                        @for (g, n, orgs) in &proposed {
                            tr {
                                td { a href=(format!("/groupes/{}", g.slug)) { (g.theme) } }
                                td { (n) }
                                td { (orgs) }
                            }
                        }
                    }
                }
            }
            h2 { (tr!(lang, "Prochaines réunions", "Upcoming meetings")) }
            @if meetings.is_empty() {
                p.muted { (tr!(lang, "Aucune réunion prévue.", "No meeting planned.")) }
            } @else {
                ul { @for m in &meetings { (m) } }
            }
            h2 { (tr!(lang, "Sondages ouverts", "Open polls")) }
            @if poll_lines.is_empty() {
                p.muted { (tr!(lang, "Aucun sondage ouvert.", "No open poll.")) }
            } @else {
                ul {
                    @for (p, answers, asked) in &poll_lines {
                        li {
                            a href=(format!("/sondages/{}", p.id.0)) { (p.title) }
                            " — " (poll_state(lang, p, *answers, *asked, None))
                        }
                    }
                }
            }
            @if let Some(svg) = chart {
                h2 { (tr!(lang, "Présences", "Attendance")) }
                div.chart { (PreEscaped(svg)) }
            }
        },
    ))
}

/// `/groupes/<slug>`: theme, lead, organisations, status and version
/// history, milestones, meetings, the software it covers.
pub fn group(
    store: &mut dyn Store,
    ctx: &Context,
    o: &Options,
    slug: &str,
) -> StoreResult<Option<Markup>> {
    let lang = ctx.lang;
    let Some(g) = store.group_by_slug(slug)? else {
        return Ok(None);
    };
    let lead = match g.lead {
        Some(o) => Some(store.organisation(o)?.name),
        None => None,
    };
    let members = store.member_organisations(g.id)?;
    let supporters = store.supporters(g.id)?;
    let latest = store.latest_status(g.id)?;
    let milestones = store.milestones(g.id)?;
    // The history as the digests tell it; people named only with
    // `web.show_names`.
    let history: Vec<(jiff::Timestamp, String)> = store
        .group_events(g.id, jiff::Timestamp::UNIX_EPOCH)?
        .into_iter()
        .filter_map(|e| {
            let person = match o.show_names {
                true => e.person.clone().unwrap_or_default(),
                false => String::new(),
            };
            greffier_commands::digest::event_line(
                lang,
                e.kind,
                e.organisation.as_deref().unwrap_or_default(),
                &person,
                e.detail.as_deref().unwrap_or_default(),
            )
            .map(|line| (e.at, line))
        })
        .collect();
    let mut meetings: Vec<Meeting> = store
        .upcoming_meetings(ctx.now)?
        .into_iter()
        .chain(store.past_meetings(ctx.now, 50)?)
        .filter(|m| m.group == Some(g.id))
        .collect();
    meetings.sort_by_key(|m| std::cmp::Reverse(m.starts_at));
    let mut meeting_lines = Vec::new();
    for m in &meetings {
        meeting_lines.push(meeting_line(store, ctx, m)?);
    }
    let software: Vec<String> = store
        .all_software()?
        .into_iter()
        .filter(|s| s.group == Some(g.id))
        .map(|s| s.name)
        .collect();
    let tz = ctx.timezone.clone();
    let date = |at: jiff::Timestamp| day_in(lang, at.to_zoned(tz.clone()).date());
    Ok(Some(layout(
        lang,
        &g.theme,
        html! {
            h1 { (g.theme) }
            p {
                (group_status(lang, g.status))
                @if let Some(lead) = &lead { " — " (tr!(lang, "chef de projet", "lead")) " : " (lead) }
            }
            @if let Some(action) = &g.action { p { (tr!(lang, "Action", "Action")) " : " (action) } }
            h2 { (tr!(lang, "Organisations", "Organisations")) }
            @if members.is_empty() { p.muted { "—" } } @else {
                ul { @for o in &members { li { (o.name) } } }
            }
            @if g.status == GroupStatus::Proposed {
                p { (tr!(lang, "Soutiens : {} sur les {} requis", "Supports: {} of the {} needed", supporters.len(), ctx.quorum))
                    @if !supporters.is_empty() { " (" (list(lang, &supporters.iter().map(|o| o.name.clone()).collect::<Vec<_>>())) ")" } }
            }
            h2 { (tr!(lang, "Avancement", "Status")) }
            @if let Some(s) = &latest {
                p { @if let Some(v) = &s.version { (tr!(lang, "version", "version")) " " (v) " — " } (s.text) }
            }
            @if !history.is_empty() {
                ul {
                    @for (at, line) in &history {
                        li { (date(*at)) " — " (line) }
                    }
                }
            }
            h2 { (tr!(lang, "Jalons", "Milestones")) }
            @if milestones.is_empty() { p.muted { "—" } } @else {
                ul { @for m in &milestones { li { (day_in(lang, m.date)) " — " (m.text) } } }
            }
            h2 { (tr!(lang, "Réunions", "Meetings")) }
            @if meeting_lines.is_empty() { p.muted { "—" } } @else { ul { @for m in &meeting_lines { (m) } } }
            p { a href=(format!("/groupes/{}/calendrier.ics", g.slug)) { (tr!(lang, "S'abonner au calendrier du groupe", "Subscribe to the group's calendar")) } }
            h2 { (tr!(lang, "Logiciels", "Software")) }
            @if software.is_empty() { p.muted { "—" } } @else { ul { @for s in &software { li { (s) } } } }
        },
    )))
}

/// `/reunions/<id>`: who came, who was excused, who did not answer, by
/// organisation (names with `web.show_names`); reasons never; the compte
/// rendu when there is one and names may be shown.
pub fn meeting(
    store: &mut dyn Store,
    ctx: &Context,
    o: &Options,
    id: i64,
) -> StoreResult<Option<Markup>> {
    let lang = ctx.lang;
    let Some(m) = store.meeting(MeetingId(id))? else {
        return Ok(None);
    };
    let group = match m.group {
        Some(g) => store.group(g)?,
        None => None,
    };
    // Status → organisation → names.
    let mut by: BTreeMap<u8, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for i in store.invitees(m.id)? {
        let rank = match i.status {
            RsvpStatus::Present => 0,
            RsvpStatus::Excused => 1,
            RsvpStatus::Tentative => 2,
            RsvpStatus::NoAnswer => 3,
        };
        let org = match i.person.organisation {
            Some(o) => store.organisation(o)?.name,
            None => tr!(lang, "sans organisation", "no organisation"),
        };
        by.entry(rank)
            .or_default()
            .entry(org)
            .or_default()
            .push(i.person.name);
    }
    let headings = [
        tr!(lang, "Présents", "Present"),
        tr!(lang, "Excusés", "Excused"),
        tr!(lang, "Peut-être", "Maybe"),
        tr!(lang, "Sans réponse", "No answer"),
    ];
    let (record_taker, _) = store.meeting_record(m.id)?;
    let has_record = record_taker.is_some()
        || store.meeting_notes(m.id)?.is_some()
        || !store.records(m.id)?.is_empty();
    // The approved text when there is one (frozen), else the draft.
    let minutes = match (has_record, o.show_names) {
        (true, true) => {
            greffier_commands::minutes::record::compte_rendu(store, &ctx.timezone, m.id, false)?
                .map(|r| r.document.html_in_page())
        }
        _ => None,
    };
    let agenda = store.agenda(m.id)?;
    let people = |n: usize| count(lang, n, ("personne", "personnes"), ("person", "people"));
    Ok(Some(layout(
        lang,
        &m.title,
        html! {
            h1 { (m.title) }
            p {
                (meeting_when(lang, &m, &ctx.timezone))
                @if let Some(p) = &m.place { ", " (p) }
                @if let Some(g) = &group { " — " a href=(format!("/groupes/{}", g.slug)) { (g.theme) } }
            }
            @if m.status == MeetingStatus::Cancelled { p { strong { (tr!(lang, "Réunion annulée.", "Meeting cancelled.")) } } }
            @if !agenda.is_empty() {
                h2 { (tr!(lang, "Ordre du jour", "Agenda")) }
                ol { @for item in &agenda { li { (item) } } }
            }
            @for (rank, heading) in headings.iter().enumerate() {
                @if let Some(orgs) = by.get(&(rank as u8)) {
                    h2 { (heading) " (" (orgs.values().map(Vec::len).sum::<usize>()) ")" }
                    ul {
                        @for (org, names) in orgs {
                            li {
                                strong { (org) }
                                @if o.show_names { " — " (names.join(", ")) } @else { " — " (people(names.len())) }
                            }
                        }
                    }
                }
            }
            @if let Some(html) = minutes {
                h2 { (tr!(lang, "Compte rendu", "Minutes")) }
                p { a href=(format!("/reunions/{}/compte-rendu", m.id.0)) { (tr!(lang, "Le compte rendu seul, et à télécharger (ODT, PDF, Markdown)", "The minutes alone, and to download (ODT, PDF, Markdown)")) } }
                div.minutes { (PreEscaped(html)) }
            } @else if has_record {
                p.muted { (tr!(lang, "Le compte rendu nomme les participants : il n'est pas publié ici.", "The minutes name the participants: they are not published here.")) }
            }
        },
    )))
}

/// `/reunions`: every meeting, by group and by year (the latest first),
/// each past one with where its compte rendu stands.
pub fn archive(store: &mut dyn Store, ctx: &Context, _o: &Options) -> StoreResult<Markup> {
    let lang = ctx.lang;
    let tz = ctx.timezone.clone();
    // Group theme (or none) → year → meetings, the latest first.
    let mut by: BTreeMap<(bool, String), BTreeMap<std::cmp::Reverse<i16>, Vec<Markup>>> =
        BTreeMap::new();
    let mut meetings = store.all_meetings()?;
    meetings.sort_by_key(|m| std::cmp::Reverse(m.starts_at));
    let mut themes: BTreeMap<i64, (String, String)> = BTreeMap::new();
    for m in &meetings {
        let group = match m.group {
            Some(g) => match themes.get(&g.0) {
                Some(t) => Some(t.clone()),
                None => {
                    let found = store.group(g)?.map(|g| (g.theme, g.slug));
                    if let Some(t) = &found {
                        themes.insert(g.0, t.clone());
                    }
                    found
                }
            },
            None => None,
        };
        let state = match (m.status, m.starts_at <= ctx.now) {
            (MeetingStatus::Cancelled, _) => tr!(lang, "annulée", "cancelled"),
            (_, true) => tr!(
                lang,
                "compte rendu : {}",
                "minutes: {}",
                greffier_commands::minutes::record::state_in(lang, &store.records(m.id)?)
            ),
            (_, false) => tr!(lang, "à venir", "upcoming"),
        };
        let year = m.starts_at.to_zoned(tz.clone()).year();
        let line = html! {
            li {
                a href=(format!("/reunions/{}", m.id.0)) { (m.title) }
                " — " (day_in(lang, m.starts_at.to_zoned(tz.clone()).date()))
                " — " (state)
            }
        };
        let key = match &group {
            Some((theme, _)) => (false, theme.clone()),
            None => (true, tr!(lang, "Sans groupe", "No group")),
        };
        by.entry(key)
            .or_default()
            .entry(std::cmp::Reverse(year))
            .or_default()
            .push(line);
    }
    let title = tr!(lang, "Les réunions", "The meetings");
    Ok(layout(
        lang,
        &title,
        html! {
            h1 { (title) }
            @if by.is_empty() { p.muted { (tr!(lang, "Aucune réunion pour l'instant.", "No meeting yet.")) } }
            @for ((_, theme), years) in &by {
                h2 { (theme) }
                @for (year, lines) in years {
                    h3 { (year.0) }
                    ul { @for line in lines { (line) } }
                }
            }
        },
    ))
}

/// `/reunions/<id>/compte-rendu`: the compte rendu alone (the approved
/// text when there is one), its state and versions, and its downloads;
/// only where names may be shown.
pub fn compte_rendu(
    store: &mut dyn Store,
    ctx: &Context,
    o: &Options,
    id: i64,
) -> StoreResult<Option<Markup>> {
    let lang = ctx.lang;
    let Some(m) = store.meeting(MeetingId(id))? else {
        return Ok(None);
    };
    let title = tr!(lang, "Compte rendu — {}", "Minutes — {}", m.title);
    if !o.show_names {
        return Ok(Some(layout(
            lang,
            &title,
            html! {
                h1 { (title) }
                p.muted { (tr!(lang, "Le compte rendu nomme les participants : il n'est pas publié ici.", "The minutes name the participants: they are not published here.")) }
            },
        )));
    }
    let Some(cr) =
        greffier_commands::minutes::record::compte_rendu(store, &ctx.timezone, m.id, false)?
    else {
        return Ok(None);
    };
    let records = store.records(m.id)?;
    let state = greffier_commands::minutes::record::state_in(lang, &records);
    let tz = ctx.timezone.clone();
    let when = |at: jiff::Timestamp| day_in(lang, at.to_zoned(tz.clone()).date());
    Ok(Some(layout(
        lang,
        &title,
        html! {
            h1 { (title) }
            p {
                (tr!(lang, "État", "State")) " : " (state)
                @if let Some(r) = &cr.record {
                    @if let Some(at) = r.approved_at { " — " (tr!(lang, "approuvé le", "approved on")) " " (when(at)) }
                    @if let Some(by) = &r.approved_by { " " (tr!(lang, "par", "by")) " " (by) }
                    br;
                    "SHA-256 : " code { (r.sha256) }
                }
            }
            p {
                (tr!(lang, "Télécharger", "Download")) " : "
                a href=(format!("/reunions/{id}/compte-rendu.odt")) { "OpenDocument (.odt)" } ", "
                a href=(format!("/reunions/{id}/compte-rendu.pdf")) { "PDF" } ", "
                a href=(format!("/reunions/{id}/compte-rendu.md")) { "Markdown" }
            }
            @if records.len() > 1 {
                h2 { (tr!(lang, "Versions", "Versions")) }
                ul {
                    @for r in &records {
                        li {
                            (tr!(lang, "version", "version")) " " (r.version) " — " (record_state(lang, r.state))
                            @if let Some(note) = &r.note { " — " (note) }
                            " — SHA-256 " code { (r.sha256.get(..16).unwrap_or_default()) } "…"
                        }
                    }
                }
            }
            div.minutes { (PreEscaped(cr.document.html_in_page())) }
        },
    )))
}

/// `/logiciels`: the catalogue, software by software.
pub fn catalogue(store: &mut dyn Store, ctx: &Context, _o: &Options) -> StoreResult<Markup> {
    let lang = ctx.lang;
    let mut rows = Vec::new();
    for s in store.all_software()? {
        let group = match s.group {
            Some(g) => store.group(g)?,
            None => None,
        };
        let mut uses = Vec::new();
        for u in store.software_uses(s.id)? {
            let org = store.organisation(u.organisation)?.name;
            uses.push(format!("{org} ({})", use_status(lang, u.status)));
        }
        rows.push((s.name, group, uses.join(", ")));
    }
    let title = tr!(lang, "Les logiciels du réseau", "The network's software");
    Ok(layout(
        lang,
        &title,
        html! {
            h1 { (title) }
            @if rows.is_empty() { p.muted { (tr!(lang, "Le catalogue est vide.", "The catalogue is empty.")) } } @else {
                table {
                    thead { tr {
                        th { (tr!(lang, "Logiciel", "Software")) }
                        th { (tr!(lang, "Groupe", "Group")) }
                        th { (tr!(lang, "Organisations", "Organisations")) }
                    } }
                    tbody {
                        @for (name, group, uses) in &rows {
                            tr {
                                td { (name) }
                                td { @if let Some(g) = group { a href=(format!("/groupes/{}", g.slug)) { (g.theme) } } @else { "—" } }
                                td { (uses) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

/// `/sondages/<id>`: each date with the organisations that can come and
/// how many people, best first.
pub fn poll(
    store: &mut dyn Store,
    ctx: &Context,
    _o: &Options,
    id: i64,
) -> StoreResult<Option<Markup>> {
    let lang = ctx.lang;
    let Some(p) = store.poll(PollId(id))? else {
        return Ok(None);
    };
    let tally = greffier_commands::tally::tally(store, &p)?;
    let answers = store.poll_votes(p.id)?.len();
    let asked = store.poll_invitees(p.id)?.len();
    let state = match p.closed {
        true => tr!(lang, "clos", "closed"),
        false => tr!(
            lang,
            "ouvert jusqu'au {}",
            "open until {}",
            date_in(lang, p.closes_on)
        ),
    };
    Ok(Some(layout(
        lang,
        &p.title,
        html! {
            h1 { (p.title) }
            p { (state) " — " (words_answers(lang, answers, asked)) }
            @if let Some(m) = p.meeting { p { a href=(format!("/reunions/{}", m.0)) { (tr!(lang, "La réunion fixée par ce sondage", "The meeting this poll settled")) } } }
            table {
                thead { tr {
                    th { (tr!(lang, "Date", "Date")) }
                    th { (tr!(lang, "Organisations", "Organisations")) }
                    th { (tr!(lang, "Personnes", "People")) }
                } }
                tbody {
                    @for t in &tally {
                        tr {
                            td { (t.n) ". " (day_in(lang, t.date)) }
                            td { (t.organisations.iter().cloned().collect::<Vec<_>>().join(", ")) }
                            td { (t.people) }
                        }
                    }
                }
            }
        },
    )))
}

pub fn not_found(lang: Lang) -> Markup {
    let title = tr!(lang, "Page introuvable", "Page not found");
    layout(
        lang,
        &title,
        html! {
            h1 { (title) }
            p { a href="/" { (tr!(lang, "Retour aux groupes", "Back to the groups")) } }
        },
    )
}

pub fn failed(lang: Lang) -> Markup {
    let title = tr!(lang, "Erreur", "Error");
    layout(
        lang,
        &title,
        html! {
            h1 { (title) }
            p { (tr!(lang, "La page n'a pas pu être lue ; l'erreur est consignée.", "The page could not be read; the error is logged.")) }
        },
    )
}
