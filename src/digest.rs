//! Sending the digests: each week at `digest.weekday` + `digest.time` (in
//! `bot.timezone`) the scheduler queues every group's digest for its room
//! and list, and the overall digest for `[digest]`'s rooms and lists. Each
//! (week, destination) is claimed in the transaction that queues it: once,
//! even across restarts; a bot that was down catches up with the current
//! week only. `greffier digest` prints them; `--send` queues now what
//! `!digest` queues ([`greffier_commands::digest::now`]).

use crate::say::outln;
use greffier_commands::digest::{
    Digest, due, gets_digest, group_destination, group_digest, group_post, overall_destinations,
    overall_digest, overall_posts, since_last,
};
use greffier_commands::store::Groups as _;
use greffier_commands::store::{GroupStatus, StoreResult};
use greffier_commands::{Context, Lang, tr, words};
use greffier_storage::Tx;
use jiff::civil::{Time, Weekday};

use crate::{channels, route};

/// The cursor holding when the bot first ran with this database: a week
/// whose moment came before it is not caught up (a new installation does
/// not post a digest the moment it starts).
pub const ACTIVE_SINCE: &str = "digest.active_since";

/// Queues the digests due at `ctx.now`; returns how many were queued.
/// `note`: a line the overall digest ends with (the admins' drift line).
pub fn queue_due(
    tx: &mut Tx<'_>,
    ctx: &Context,
    weekday: Weekday,
    time: Time,
    note: Option<&str>,
) -> greffier_storage::Result<usize> {
    let Some((week, moment)) = due(ctx.now, &ctx.timezone, weekday, time) else {
        return Ok(0);
    };
    let active_since = match tx.cursor(ACTIVE_SINCE)? {
        Some(v) => v.parse::<jiff::Timestamp>().unwrap_or(ctx.now),
        None => {
            tx.set_cursor(ACTIVE_SINCE, &ctx.now.to_string())?;
            ctx.now
        }
    };
    if moment < active_since {
        return Ok(0);
    }
    let mut queued = 0;
    for group in tx.groups()? {
        if !gets_digest(&group) {
            continue;
        }
        let destination = group_destination(&group.slug);
        // Since the last claim, read before this week's is made.
        let since = since_last(tx, &destination, ctx.now)?;
        if !tx.claim_digest(&week, &destination)? {
            continue;
        }
        let post = group_post(tx, ctx, &group, since)?;
        route::enqueue(tx, channels::routes(), &[post])?;
        queued += 1;
    }
    let mut overall: Option<(Digest, Option<String>)> = None;
    for destination in overall_destinations(ctx) {
        if !tx.claim_digest(&week, destination.name())? {
            continue;
        }
        let (digest, png) = match &overall {
            Some(o) => o.clone(),
            None => {
                let mut digest = overall_digest(tx, ctx)?;
                if let Some(note) = note {
                    digest.plain.push_str(&format!("\n\n{note}"));
                    digest.html.push_str(&format!(
                        "<p>{}</p>",
                        greffier_commands::text::escape_html(note)
                    ));
                }
                let made = (digest, greffier_commands::digest::chart(tx, ctx)?);
                overall.insert(made).clone()
            }
        };
        route::enqueue(
            tx,
            channels::routes(),
            &overall_posts(&destination, &digest, png.as_deref()),
        )?;
        queued += 1;
    }
    Ok(queued)
}

/// The digests: one group's, or every group's and the overall one (slug
/// None).
pub fn render(
    tx: &mut Tx<'_>,
    ctx: &Context,
    group: Option<&str>,
) -> anyhow::Result<Vec<(Option<String>, Digest)>> {
    let lang = ctx.lang;
    let Some(name) = group else {
        return digests(tx, ctx, None).map_err(|e| anyhow::anyhow!(e));
    };
    // The group as the chat finds it: its slug, its theme, a word of it.
    let groups = tx.groups().map_err(|e| anyhow::anyhow!(e))?;
    let g = crate::say::group(lang, &groups, name)?;
    if g.status == GroupStatus::Archived {
        anyhow::bail!(
            "{}",
            tr!(
                lang,
                "le groupe « {} » est archivé : il ne reçoit pas de lettre hebdomadaire",
                "the group “{}” is archived: it gets no weekly letter",
                g.slug
            )
        );
    }
    digests(tx, ctx, Some(&g.slug)).map_err(|e| anyhow::anyhow!(e))
}

/// [`render`]'s digests, as the store gives them.
fn digests(
    tx: &mut Tx<'_>,
    ctx: &Context,
    group: Option<&str>,
) -> StoreResult<Vec<(Option<String>, Digest)>> {
    let mut out = Vec::new();
    for g in tx.groups()? {
        if g.status == GroupStatus::Archived || group.is_some_and(|s| s != g.slug) {
            continue;
        }
        let since = since_last(tx, &group_destination(&g.slug), ctx.now)?;
        out.push((Some(g.slug.clone()), group_digest(tx, ctx, &g, since)?));
    }
    if group.is_none() {
        out.push((None, overall_digest(tx, ctx)?));
    }
    Ok(out)
}

/// `greffier digest [--group <slug>] [--send]`.
pub fn print_and_send(
    app: &crate::app::App,
    db: &mut greffier_storage::Database,
    group: Option<&str>,
    send: bool,
) -> anyhow::Result<()> {
    let ctx = app.context();
    let mut problem = None;
    let (digests, queued) = db.transaction(ctx.now, |tx| {
        let digests = match render(tx, &ctx, group) {
            Ok(d) => d,
            Err(e) => {
                problem = Some(e);
                return Ok(((Vec::new(), 0), false));
            }
        };
        let mut queued = 0;
        if send {
            let group = match digests.as_slice() {
                [(Some(slug), _)] if group.is_some() => tx.group_by_slug(slug)?,
                _ => None,
            };
            let posts = greffier_commands::digest::now(tx, &ctx, group.as_ref())?;
            queued = route::enqueue(tx, channels::routes(), &posts)?.len();
        }
        Ok(((digests, queued), send))
    })?;
    if let Some(e) = problem {
        return Err(e);
    }
    for (_, digest) in &digests {
        outln!("{}\n", digest.plain);
    }
    if send {
        eprintln!("{}", queued_line(ctx.lang, queued));
    }
    Ok(())
}

/// What `digest --send` says it did: how many letters wait in the outbox,
/// or that none could be queued.
fn queued_line(lang: Lang, queued: usize) -> String {
    if queued == 0 {
        return tr!(
            lang,
            "greffier : aucune lettre n'est partie : aucun groupe n'a de salon ni de liste où l'envoyer",
            "greffier: no letter queued: no group has a room or a list to send it to"
        );
    }
    let messages = words::count(
        lang,
        queued,
        ("message", "messages"),
        ("message", "messages"),
    );
    tr!(
        lang,
        "greffier : {messages} en file d'attente pour les salons et les listes ; greffier run les distribue",
        "greffier: {messages} queued for the rooms and lists; greffier run delivers them"
    )
}

/// `greffier digest --chart FILE`: the overall digest's attendance chart,
/// as SVG (`.svg`) or PNG (any other name).
pub fn write_chart(
    app: &crate::app::App,
    db: &mut greffier_storage::Database,
    path: &std::path::Path,
) -> anyhow::Result<()> {
    let ctx = app.context();
    let svg = db
        .read(ctx.now, |tx| {
            Ok(greffier_commands::digest::chart_svg(tx, &ctx)?)
        })?
        .ok_or_else(|| {
            anyhow::anyhow!(tr!(
                ctx.lang,
                "aucune réunion pour l'instant : il n'y a pas de présence à représenter",
                "no meeting yet: there is no attendance to draw"
            ))
        })?;
    let lang = ctx.lang;
    let bytes = if path.extension().is_some_and(|e| e == "svg") {
        svg.into_bytes()
    } else {
        greffier_commands::chart::png(&svg).map_err(|e| {
            anyhow::anyhow!(tr!(
                lang,
                "impossible de dessiner le graphique : {e}",
                "cannot draw: {e}"
            ))
        })?
    };
    crate::say::write(lang, path, &bytes)?;
    eprintln!(
        "{}",
        tr!(
            lang,
            "greffier : le graphique des présences est dans {}",
            "greffier: the attendance chart is in {}",
            path.display()
        )
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use greffier_commands::Lang;
    use greffier_commands::store::NewGroup;
    use greffier_storage::Database;
    use jiff::Timestamp;
    use jiff::tz::TimeZone;

    fn ctx(now: &str) -> Context {
        Context {
            lang: Lang::Fr,
            prefix: "!".into(),
            admins: vec![],
            quorum: 3,
            timezone: TimeZone::get("Europe/Paris").expect("tz"),
            now: now.parse::<Timestamp>().expect("ts"),
            mail_address: None,
            digest_rooms: vec!["!overall".into()],
            digest_lists: Vec::new(),
            create_rooms: false,
            lists_domain: None,
            web_url: None,
            review_days: 7,
        }
    }

    /// A database with one group that has a room, created at `now`.
    fn with_group(now: &str) -> Database {
        let mut db = Database::open_in_memory().expect("db");
        let c = ctx(now);
        db.write(c.now, |tx| {
            tx.create_group(
                &NewGroup {
                    slug: "messagerie".into(),
                    theme: "Messagerie libre".into(),
                    status: GroupStatus::Active,
                    lead: None,
                    action: None,
                    room: Some("!salon".into()),
                    list: None,
                },
                None,
            )?;
            Ok(())
        })
        .expect("group");
        db
    }

    /// The same, for a bot running since March 2026.
    fn db() -> Database {
        let mut db = with_group("2026-03-01T00:00:00Z");
        let since = ctx("2026-03-01T00:00:00Z").now;
        db.set_cursor(ACTIVE_SINCE, "2026-03-01T00:00:00Z", since)
            .expect("active since");
        db
    }

    fn run(db: &mut Database, now: &str) -> usize {
        let c = ctx(now);
        db.write(c.now, |tx| {
            queue_due(tx, &c, Weekday::Monday, Time::constant(9, 0, 0, 0), None)
        })
        .expect("queue")
    }

    #[test]
    fn once_a_week_at_the_hour_across_dst() {
        let mut db = db();
        // Monday 26 October 2026, the day after the return to winter time:
        // 09:00 in Paris is 08:00 UTC.
        assert_eq!(run(&mut db, "2026-10-26T07:59:00Z"), 0);
        assert_eq!(
            run(&mut db, "2026-10-26T08:00:00Z"),
            2,
            "the group's and the overall one"
        );
        assert_eq!(run(&mut db, "2026-10-26T08:01:00Z"), 0);
        assert_eq!(run(&mut db, "2026-10-28T12:00:00Z"), 0);
        assert_eq!(run(&mut db, "2026-11-02T08:00:00Z"), 2);
        // Monday 30 March 2026 in summer time: 09:00 is 07:00 UTC.
        let mut db2 = self::db();
        assert_eq!(run(&mut db2, "2026-03-30T06:59:00Z"), 0);
        assert_eq!(run(&mut db2, "2026-03-30T07:00:00Z"), 2);
    }

    #[test]
    fn the_overall_digest_ends_with_the_admins_drift_line() {
        let mut db = db();
        let c = ctx("2026-10-26T08:00:00Z");
        let note = "Pour les administrateurs : 2 écarts entre les groupes et leurs salons ou listes (greffier lists check).";
        let queued = db
            .write(c.now, |tx| {
                queue_due(
                    tx,
                    &c,
                    Weekday::Monday,
                    Time::constant(9, 0, 0, 0),
                    Some(note),
                )
            })
            .expect("queue");
        assert_eq!(queued, 2);
        let posts = db
            .pending(greffier_commands::Channel::MATRIX, c.now, 100)
            .expect("pending");
        let overall: Vec<&str> = posts
            .iter()
            .filter_map(|p| match &p.action {
                greffier_commands::Action::PostToRoom { room, text, .. } if room == "!overall" => {
                    Some(text.as_str())
                }
                _ => None,
            })
            .collect();
        assert_eq!(overall.len(), 1, "{posts:?}");
        assert!(overall[0].ends_with(note), "{}", overall[0]);
        let group: Vec<&str> = posts
            .iter()
            .filter_map(|p| match &p.action {
                greffier_commands::Action::PostToRoom { room, text, .. } if room == "!salon" => {
                    Some(text.as_str())
                }
                _ => None,
            })
            .collect();
        assert!(!group[0].contains("administrateurs"), "{}", group[0]);
    }

    #[test]
    fn with_public_pages_the_digests_link_to_them() {
        let mut db = db();
        let mut c = ctx("2026-10-26T08:00:00Z");
        c.web_url = Some("https://greffier.example".into());
        let digests = db
            .read(c.now, |tx| Ok(render(tx, &c, None).expect("rendered")))
            .expect("read");
        let group = &digests[0].1;
        assert!(
            group
                .plain
                .ends_with("Page du groupe : https://greffier.example/groupes/messagerie"),
            "{}",
            group.plain
        );
        assert!(
            group
                .html
                .contains("<a href=\"https://greffier.example/groupes/messagerie\">"),
            "{}",
            group.html
        );
        let overall = &digests[1].1;
        assert!(
            overall
                .plain
                .ends_with("Les groupes en ligne : https://greffier.example/"),
            "{}",
            overall.plain
        );
    }

    #[test]
    fn a_new_installation_waits_for_the_next_moment() {
        let mut db = with_group("2026-10-20T10:00:00Z");
        // First run on Tuesday: Monday's moment was before the bot existed.
        assert_eq!(run(&mut db, "2026-10-20T10:00:00Z"), 0);
        assert_eq!(run(&mut db, "2026-10-26T08:00:00Z"), 2);
    }

    #[test]
    fn a_bot_that_was_down_catches_up_once() {
        let mut db = db();
        assert_eq!(run(&mut db, "2026-10-05T08:00:00Z"), 2);
        // Down from then until Wednesday three weeks later: one digest, the
        // current week's, and nothing at the next restart.
        assert_eq!(run(&mut db, "2026-10-28T10:00:00Z"), 2);
        assert_eq!(run(&mut db, "2026-10-28T10:05:00Z"), 0);
        let posts = db
            .pending(
                greffier_commands::Channel::MATRIX,
                "2026-10-28T10:05:00Z".parse().expect("ts"),
                100,
            )
            .expect("pending");
        assert_eq!(posts.len(), 4, "two weeks, two destinations each");
    }
}
