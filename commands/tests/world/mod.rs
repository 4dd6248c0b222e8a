//! The world the commands' behaviour tests share: the real SQLite store
//! (in memory), the tests' context, and a sender typing lines in a
//! channel, run the way the binary's inbox runs them (one transaction,
//! the actions queued under the channel that delivers them, a refused
//! command rolled back). Each test file seeds its own people and groups
//! by typing the commands a user would.

// Each test binary uses some of these helpers.
#![allow(dead_code)]

pub mod network;

use greffier_commands::store::Identity;
use greffier_commands::{Action, Channel, Context, Lang, Origin, Request, execute};
use greffier_storage::{Database, Export};

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
        review_days: 7,
    }
}

/// The store, the context and where lines are typed.
pub struct World {
    pub db: Database,
    pub ctx: Context,
    /// Where [`World::say`] types (the console unless a file says).
    pub origin: Origin,
}

impl World {
    /// An empty store with `ctx`; lines typed at the console.
    pub fn new(ctx: Context) -> World {
        World {
            db: Database::open_in_memory().expect("an in-memory database"),
            ctx,
            origin: Origin::Console,
        }
    }

    /// `db` (a file, say) with `ctx`; lines typed at the console.
    pub fn on(db: Database, ctx: Context) -> World {
        World {
            db,
            ctx,
            origin: Origin::Console,
        }
    }

    /// Lines typed from `origin` (a room, a mail) from now on.
    pub fn typing_from(mut self, origin: Origin) -> World {
        self.origin = origin;
        self
    }

    /// `who` typing `line` where this world types: the reply, and whether
    /// the change was kept.
    pub fn say(&mut self, who: &str, line: &str) -> (String, bool) {
        let origin = self.origin.clone();
        self.say_from(who, line, origin)
    }

    /// `who` typing `line` from `origin`.
    pub fn say_from(&mut self, who: &str, line: &str, origin: Origin) -> (String, bool) {
        say_as(&mut self.db, &self.ctx, origin, who, line)
    }

    /// `who` typing `line` where this world types: the reply, whether the
    /// change was kept, and the actions it queued.
    pub fn said(&mut self, who: &str, line: &str) -> (String, bool, Vec<Action>) {
        let origin = self.origin.clone();
        self.said_from(who, line, origin)
    }

    /// The same, typed from `origin`.
    pub fn said_from(
        &mut self,
        who: &str,
        line: &str,
        origin: Origin,
    ) -> (String, bool, Vec<Action>) {
        let req = Request {
            origin,
            sender: Identity::parse(who).expect("identity"),
            display_name: None,
        };
        run_with_actions(&mut self.db, &self.ctx, &req, line)
    }

    /// A line that must be kept: its reply.
    pub fn must(&mut self, who: &str, line: &str) -> String {
        kept(self.say(who, line), who, line)
    }

    /// A line that must be refused and change nothing: its reply.
    pub fn refused(&mut self, who: &str, line: &str) -> String {
        let origin = self.origin.clone();
        self.refused_from(who, line, origin)
    }

    /// The same, typed from `origin`.
    pub fn refused_from(&mut self, who: &str, line: &str, origin: Origin) -> String {
        let ctx = self.ctx.clone();
        refused(&mut self.db, |db| say_as(db, &ctx, origin, who, line), line)
    }

    /// Each of `people` (who, organisation) declares their organisation
    /// and `admin` confirms them.
    pub fn confirmed(&mut self, admin: &str, people: &[(&str, &str)]) {
        for (who, org) in people {
            self.must(who, &format!("!moi organisation {org}"));
            self.must(admin, &format!("!organisation accepter {who}"));
        }
    }

    /// `who` (a Matrix ID the bot knows) has the verified address `email`.
    pub fn address(&mut self, who: &str, email: &str) {
        use greffier_commands::store::Identities as _;
        self.db
            .write(self.ctx.now, |tx| {
                let person = tx
                    .person_by_identity(&Identity::parse(who).expect("an identity"))?
                    .expect("a person the bot knows");
                tx.add_identity(person.id, &Identity::parse(email).expect("an address"))?;
                Ok(())
            })
            .expect("the address recorded");
    }

    /// A mail from `from` (an address the bot knows) with no command
    /// line, replying to the bot's mail `message_id`, run as the inbox
    /// runs it: what it answers (a notice, or the reply of the command it
    /// means) and whether a change was kept. What an unproven sender's
    /// reply would have to confirm first is refused here.
    pub fn mail_reply(&mut self, from: &str, message_id: &str, text: &str) -> (String, bool) {
        use greffier_commands::answer::{self, Decision};
        let sender = Identity::parse(from).expect("an address");
        let message = answer::Message {
            calendar: None,
            references: vec![message_id.to_string()],
            text: text.into(),
            is_reply: true,
        };
        let ctx = self.ctx.clone();
        let decided = self
            .db
            .write(ctx.now, |tx| {
                Ok(answer::decide(tx, &ctx, &sender, &message)?)
            })
            .expect("decide");
        match decided {
            Decision::Run {
                command,
                quoted: true,
            } => {
                let req = Request {
                    origin: Origin::Email {
                        from: from.into(),
                        message_id: Some("reply@client.example".into()),
                        subject: "Re: greffier".into(),
                        references: vec![message_id.to_string()],
                    },
                    sender,
                    display_name: None,
                };
                self.db
                    .transaction(ctx.now, |tx| {
                        let done =
                            greffier_commands::run(tx, &ctx, &req, command)?.expect("a command");
                        let (text, commit) = (done.reply.clone().unwrap_or_default(), done.commit);
                        if commit {
                            tx.enqueue(&done.into_actions(&req.origin), &route)?;
                        }
                        Ok(((text, commit), commit))
                    })
                    .expect("transaction")
            }
            Decision::Run { command, .. } => (format!("to confirm first: {command:?}"), false),
            Decision::Say(notice) => (notice.text(ctx.lang, &ctx.prefix), false),
            Decision::Silence => (String::new(), false),
        }
    }

    /// Everything stored, as `greffier export` writes it.
    pub fn export(&self) -> Export {
        self.db.export().expect("export")
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
        | Action::InviteToRoom { .. }
        | Action::NameRoom { .. } => Channel::MATRIX,
        Action::PostToList { .. }
        | Action::SendMail { .. }
        | Action::SendRecord { .. }
        | Action::AskByMail { .. }
        | Action::SendInvitation(_) => Channel::EMAIL,
        Action::CreateGroupList { .. }
        | Action::Subscribe { .. }
        | Action::Unsubscribe { .. }
        | Action::ListOwners { .. }
        | Action::UnsubscribeEverywhere { .. } => Channel::LISTS,
        Action::PostToGroup { .. } => return None,
    })
}

/// Runs `req` in a transaction: the reply, and whether the change was kept
/// (with its actions queued).
pub fn run(db: &mut Database, ctx: &Context, req: &Request, line: &str) -> (String, bool) {
    let (text, commit, _) = run_with_actions(db, ctx, req, line);
    (text, commit)
}

/// The same, with the actions it queued (none when refused).
pub fn run_with_actions(
    db: &mut Database,
    ctx: &Context,
    req: &Request,
    line: &str,
) -> (String, bool, Vec<Action>) {
    db.transaction(ctx.now, |tx| {
        let done = execute(tx, ctx, req, line)?.expect("a command");
        let (text, commit) = (done.reply.clone().expect("a reply"), done.commit);
        let actions = done.into_actions(&req.origin);
        if commit {
            tx.enqueue(&actions, &route)?;
        }
        let actions = if commit { actions } else { Vec::new() };
        Ok(((text, commit, actions), commit))
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

/// Links `email` to `who` the way users do: `!moi lier`, then the mailed
/// code.
pub fn link(w: &mut World, who: &str, email: &str) {
    w.say(who, &format!("!moi lier {email}"));
    let code = mailed_code(&w.db, email);
    w.must(who, &format!("!moi confirmer {code}"));
}

/// The code mailed by `!moi lier`, read from the outbox.
pub fn mailed_code(db: &Database, to: &str) -> String {
    let mails = db
        .pending(
            Channel::EMAIL,
            jiff::Timestamp::from_second(NOW).expect("ts"),
            100,
        )
        .expect("pending");
    let text = mails
        .iter()
        .rev()
        .find_map(|i| match &i.action {
            Action::SendMail { to: t, text, .. } if t == to => Some(text.clone()),
            _ => None,
        })
        .expect("a code mail");
    let line = text
        .lines()
        .find(|l| l.contains("moi confirmer"))
        .expect("the command line in the mail");
    line.split_whitespace().last().expect("code").to_string()
}
