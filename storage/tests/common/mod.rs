//! What the storage tests share: running one request the way the binary's
//! dispatch does.

// Each test binary uses some of these helpers.
#![allow(dead_code)]

use greffier_commands::store::Identity;
use greffier_commands::{Action, Channel, Context, Lang, Origin, Request, execute};
use greffier_storage::Database;

/// 2026-11-18, the instant the storage tests run at.
pub const NOW: i64 = 1_795_000_000;

/// The context of the storage tests: French, `admin` the one admin, a
/// quorum of 3, Paris time, at [`NOW`], mail on.
pub fn context(admin: &str) -> Context {
    Context {
        lang: Lang::Fr,
        prefix: "!".into(),
        admins: vec![admin.into()],
        quorum: 3,
        timezone: jiff::tz::TimeZone::get("Europe/Paris").expect("tz"),
        now: jiff::Timestamp::from_second(NOW).expect("ts"),
        mail_address: Some("greffier@example.test".into()),
        digest_rooms: Vec::new(),
        digest_lists: Vec::new(),
        create_rooms: false,
        lists_domain: None,
        web_url: None,
    }
}

/// The channel that delivers an action, as the binary's table of
/// channels routes it (each adapter's `ROUTE`): a reply goes back where it
/// came from, room things to Matrix, mails to the mailbox, list changes to
/// the list server.
pub fn route(action: &Action) -> Option<Channel> {
    Some(match action {
        Action::Reply { origin, .. } | Action::Confirm { origin, .. } => match origin {
            Origin::Matrix { .. } => Channel::MATRIX,
            Origin::Email { .. } => Channel::EMAIL,
            Origin::Console => Channel::CONSOLE,
            Origin::Other { .. } => return None,
        },
        Action::PostToRoom { .. }
        | Action::PostImageToRoom { .. }
        | Action::PostPoll { .. }
        | Action::EndPoll { .. }
        | Action::CreateGroupRoom { .. }
        | Action::InviteToRoom { .. } => Channel::MATRIX,
        Action::PostToList { .. }
        | Action::SendMail { .. }
        | Action::AskByMail { .. }
        | Action::SendInvitation(_) => Channel::EMAIL,
        Action::CreateGroupList { .. }
        | Action::Subscribe { .. }
        | Action::Unsubscribe { .. }
        | Action::UnsubscribeEverywhere { .. } => Channel::LISTS,
        Action::PostToGroup { .. } => return None,
    })
}

/// Runs `req` in a transaction: the reply, and whether the change was kept
/// (with its actions queued).
pub fn run(db: &mut Database, ctx: &Context, req: &Request, line: &str) -> (String, bool) {
    db.transaction(ctx.now, |tx| {
        let done = execute(tx, ctx, req, line)?.expect("a command");
        let Some(Action::Reply { text, .. }) = done.actions.first().cloned() else {
            panic!("the first action is the reply");
        };
        if done.commit {
            tx.enqueue(&done.actions, &route)?;
        }
        Ok(((text, done.commit), done.commit))
    })
    .expect("transaction")
}

/// `who` typing `line` from `origin`: the reply, and whether it was kept.
pub fn say_as(
    db: &mut Database,
    ctx: &Context,
    origin: Origin,
    who: &str,
    line: &str,
) -> (String, bool) {
    let req = Request {
        origin,
        sender: Identity::parse(who).expect("identity"),
        display_name: None,
    };
    run(db, ctx, &req, line)
}

/// A line that must be kept: its reply.
pub fn kept(said: (String, bool), who: &str, line: &str) -> String {
    let (reply, kept) = said;
    assert!(kept, "{who}: {line} → {reply}");
    reply
}

/// A line that must be refused and change nothing (`say` runs it): its
/// reply.
pub fn refused(
    db: &mut Database,
    say: impl FnOnce(&mut Database) -> (String, bool),
    line: &str,
) -> String {
    let before = db.export().expect("export");
    let (reply, kept) = say(db);
    assert!(!kept, "{line} → {reply}");
    assert!(
        before == db.export().expect("export"),
        "{line} changed something"
    );
    reply
}
