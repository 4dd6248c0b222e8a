//! `greffier lists check [--fix]`: does each group's room and list follow
//! its members? For every group with a room (Matrix on) or a list of the
//! lists' domain (`[lists]`), the members' Matrix IDs are compared with
//! who joined or is invited in the room, their verified addresses with
//! the list's subscribers, and the lead organisation's confirmed members'
//! with the list's owners, as the homeserver and the list server say.
//! `--fix` queues what is missing (subscriptions, invitations, owners)
//! for the running bot to deliver, and never removes anything: a
//! subscriber or an owner added by hand on the list server, someone in
//! the room who is not a member, stay; they are reported.

use crate::say::outln;
use greffier_commands::store::IdentityKind;
use greffier_commands::store::{Groups as _, Identities as _};
use greffier_commands::{Action, Lang, tr, words};
use greffier_storage::Database;

use crate::app::App;
use crate::{channels, route};

/// What one group should have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub slug: String,
    pub room: Option<String>,
    pub list: Option<String>,
    pub matrix_ids: Vec<String>,
    pub addresses: Vec<String>,
    /// The list's owners: the lead organisation's confirmed members'
    /// verified addresses.
    pub owners: Vec<String>,
}

/// How one group's room or list differs from its members.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Gap {
    /// Members who should be there and are not.
    pub missing: Vec<String>,
    /// There, and not members (left alone).
    pub extra: Vec<String>,
}

/// `want` against `have`, case aside (addresses), sorted.
pub fn compare(want: &[String], have: &[String]) -> Gap {
    let norm = |v: &[String]| -> std::collections::BTreeSet<String> {
        v.iter().map(|s| s.to_lowercase()).collect()
    };
    let (want, have) = (norm(want), norm(have));
    Gap {
        missing: want.difference(&have).cloned().collect(),
        extra: have.difference(&want).cloned().collect(),
    }
}

/// Each group's room and list of the domain, with its members' Matrix IDs
/// and verified addresses.
pub fn expected(
    tx: &mut greffier_storage::Tx<'_>,
    lists_domain: Option<&str>,
) -> greffier_storage::Result<Vec<Expected>> {
    let suffix = lists_domain.map(|d| format!("@{}", d.to_lowercase()));
    let mut out = Vec::new();
    for g in tx.groups_with_room_or_list()? {
        let list = g.list.clone().filter(|l| {
            suffix
                .as_ref()
                .is_some_and(|s| l.to_lowercase().ends_with(s))
        });
        if g.room.is_none() && list.is_none() {
            continue;
        }
        let (mut matrix_ids, mut addresses) = (Vec::new(), Vec::new());
        for person in tx.member_people(g.id)? {
            for (identity, verified) in tx.identities(person.id)? {
                match identity.kind {
                    IdentityKind::Matrix => matrix_ids.push(identity.value),
                    IdentityKind::Email if verified => addresses.push(identity.value),
                    IdentityKind::Email => {}
                }
            }
        }
        let owners = match list {
            Some(_) => greffier_commands::list_owners(tx, g.lead)?,
            None => Vec::new(),
        };
        out.push(Expected {
            slug: g.slug,
            room: g.room,
            list,
            matrix_ids,
            addresses,
            owners,
        });
    }
    Ok(out)
}

/// What a gap is about: who should be in a room or on a list (its
/// members), or who should own a list (the lead's confirmed members).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Roster {
    Members,
    Owners,
}

/// One line per gap, in the bot's language.
fn lines(lang: Lang, slug: &str, what: &str, gap: &Gap, roster: Roster) -> Vec<String> {
    let mut out = Vec::new();
    if !gap.missing.is_empty() {
        let who = gap.missing.join(", ");
        out.push(match roster {
            Roster::Members => tr!(
                lang,
                "{slug} — {what} : il manque {who}",
                "{slug} — {what}: missing {who}"
            ),
            Roster::Owners => tr!(
                lang,
                "{slug} — {what} : responsables manquants : {who}",
                "{slug} — {what}: owners missing: {who}"
            ),
        });
    }
    if !gap.extra.is_empty() {
        let who = gap.extra.join(", ");
        out.push(match roster {
            Roster::Members => tr!(
                lang,
                "{slug} — {what} : inscriptions hors du groupe, laissées en place : {who}",
                "{slug} — {what}: not in the group, left alone: {who}"
            ),
            Roster::Owners => tr!(
                lang,
                "{slug} — {what} : responsables hors de l'organisation chef de projet, laissés en place : {who}",
                "{slug} — {what}: owners outside the lead, left alone: {who}"
            ),
        });
    }
    out
}

/// What the check found: a line per gap, and the actions that fill the
/// gaps (never a removal).
pub struct Found {
    pub lines: Vec<String>,
    pub fixes: Vec<Action>,
    pub groups: usize,
}

/// Compares `groups` with their rooms and lists, as the homeserver and
/// the list server say.
pub async fn find(app: &App, groups: &[Expected]) -> anyhow::Result<Found> {
    let config = &app.loaded.config;
    let lang = config.bot.language;
    let lists = crate::lists::ListServer::open(app)?;
    let mut found = Found {
        lines: Vec::new(),
        fixes: Vec::new(),
        groups: groups.len(),
    };
    for g in groups {
        if let (Some(list), Some(server)) = (&g.list, &lists) {
            let have = server
                .subscribers(list)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let gap = compare(&g.addresses, &have);
            found
                .lines
                .extend(lines(lang, &g.slug, list, &gap, Roster::Members));
            found
                .fixes
                .extend(gap.missing.iter().map(|address| Action::Subscribe {
                    list: list.clone(),
                    address: address.clone(),
                }));
            let owners = server
                .owners(list)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let gap = compare(&g.owners, &owners);
            found
                .lines
                .extend(lines(lang, &g.slug, list, &gap, Roster::Owners));
            if !gap.missing.is_empty() {
                found.fixes.push(Action::ListOwners {
                    list: list.clone(),
                    add: gap.missing,
                    remove: Vec::new(),
                });
            }
        }
        if let (Some(room), Some(m)) = (&g.room, config.section::<crate::matrix::Settings>()) {
            let store = app.loaded.resolve(&m.store);
            let have = crate::matrix::members::room_members(&m.homeserver, &store, room).await?;
            // The bot is in its rooms and in no group.
            let have: Vec<String> = have.into_iter().filter(|u| *u != m.user).collect();
            let gap = compare(&g.matrix_ids, &have);
            found
                .lines
                .extend(lines(lang, &g.slug, room, &gap, Roster::Members));
            found
                .fixes
                .extend(gap.missing.iter().map(|user| Action::InviteToRoom {
                    room: room.clone(),
                    user: user.clone(),
                }));
        }
    }
    Ok(found)
}

/// The line the weekly overall digest carries for the admins when rooms
/// or lists drifted; `None` when nothing did.
pub fn digest_line(lang: Lang, found: &Found) -> Option<String> {
    if found.lines.is_empty() {
        return None;
    }
    let gaps = words::count(
        lang,
        found.lines.len(),
        ("écart", "écarts"),
        ("difference", "differences"),
    );
    Some(tr!(
        lang,
        "Pour les administrateurs : {gaps} entre les groupes et leurs salons ou listes (greffier lists check).",
        "For the admins: {gaps} between the groups and their rooms or lists (greffier lists check)."
    ))
}

/// `greffier lists check [--fix]`: the check, printed; with `fix`, what is
/// missing queued.
pub fn check(app: &App, db: &mut Database, fix: bool) -> anyhow::Result<()> {
    let config = &app.loaded.config;
    let lang = config.bot.language;
    let domain = config
        .section::<crate::lists::Settings>()
        .map(|l| l.domain.as_str());
    let groups = db.read(jiff::Timestamp::now(), |tx| expected(tx, domain))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let found = runtime.block_on(find(app, &groups))?;
    if found.lines.is_empty() {
        outln!(
            "{}",
            tr!(
                lang,
                "Aucun écart : les salons et les listes {} suivent leurs membres.",
                "No drift: the rooms and lists of {} follow their members.",
                match lang {
                    Lang::Fr if found.groups == 1 => "du groupe".to_string(),
                    Lang::Fr => format!("des {} groupes", found.groups),
                    Lang::En => words::count(lang, found.groups, ("", ""), ("group", "groups")),
                }
            )
        );
    } else {
        for line in &found.lines {
            outln!("{line}");
        }
    }
    if fix && !found.fixes.is_empty() {
        db.write(jiff::Timestamp::now(), |tx| {
            route::enqueue(tx, channels::routes(), &found.fixes)
        })?;
        outln!("{}", {
            let fixes = words::count(
                lang,
                found.fixes.len(),
                ("correction", "corrections"),
                ("fix", "fixes"),
            );
            tr!(
                lang,
                "{fixes} en file d'attente : greffier run les envoie (rien n'est retiré).",
                "{fixes} queued: greffier run sends them (nothing is removed)."
            )
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_missing_and_what_is_extra() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let gap = compare(
            &s(&["anne@arles.example", "Bob@Berre.example"]),
            &s(&["bob@berre.example", "hand@elsewhere.example"]),
        );
        assert_eq!(gap.missing, ["anne@arles.example"]);
        assert_eq!(gap.extra, ["hand@elsewhere.example"]);
        assert_eq!(compare(&s(&["a"]), &s(&["A"])), Gap::default());
    }

    #[test]
    fn the_digest_line_counts_the_gaps_and_is_absent_without_any() {
        let mut found = Found {
            lines: Vec::new(),
            fixes: Vec::new(),
            groups: 3,
        };
        assert_eq!(digest_line(Lang::Fr, &found), None);
        found.lines = lines(
            Lang::Fr,
            "urba",
            "urba@lists.example.test",
            &Gap {
                missing: vec!["anne@arles.example".into()],
                extra: vec!["hand@elsewhere.example".into()],
            },
            Roster::Members,
        );
        assert_eq!(
            found.lines,
            [
                "urba — urba@lists.example.test : il manque anne@arles.example",
                "urba — urba@lists.example.test : inscriptions hors du groupe, laissées en place : hand@elsewhere.example"
            ]
        );
        assert_eq!(
            lines(
                Lang::Fr,
                "urba",
                "urba@lists.example.test",
                &compare(
                    &["anne@arles.example".into()],
                    &["hand@elsewhere.example".into()]
                ),
                Roster::Owners,
            ),
            [
                "urba — urba@lists.example.test : responsables manquants : anne@arles.example",
                "urba — urba@lists.example.test : responsables hors de l'organisation chef de projet, laissés en place : hand@elsewhere.example"
            ]
        );
        assert_eq!(
            digest_line(Lang::Fr, &found).as_deref(),
            Some(
                "Pour les administrateurs : 2 écarts entre les groupes et leurs salons ou listes (greffier lists check)."
            )
        );
    }
}
