//! Date polls (real SQLite, the commands as typed): created by who may
//! create a meeting, answered by the invitees (a later answer replaces an
//! earlier one), tallied by organisations then people, closed into the
//! meeting with its invitations.

mod world;

use world::World;

use greffier_commands::store::{Groups as _, Identities as _, Polls as _};
use greffier_commands::{Action, Channel, Context, Origin};
use greffier_storage::Database;
use jiff::Timestamp;

use world::NOW;
const ADMIN: &str = "@admin:example.test";
const BOB: &str = "@bob:example.test"; // Berre, the lead
const ANN: &str = "@ann:example.test"; // Arles
const VIC: &str = "@vic:example.test"; // Vitrolles

fn ctx() -> Context {
    world::context(ADMIN)
}

/// Berre leads "messagerie"; Bob (Berre), Ann (Arles) and Vic (Vitrolles)
/// are confirmed members of it.
fn world() -> World {
    let mut w = World::new(ctx());
    for (who, org) in [(BOB, "Berre"), (ANN, "Arles"), (VIC, "Vitrolles")] {
        w.must(who, &format!("!moi organisation {org}"));
        w.must(ADMIN, &format!("!organisation accepter {who}"));
    }
    w.must(BOB, "!groupe proposer messagerie « Messagerie libre »");
    for who in [ANN, VIC] {
        w.must(who, "!groupe rejoindre messagerie");
    }
    w
}

const CREATE: &str = "!sondage creer « Prochaine rencontre » 2026-12-08 2026-12-15 2026-12-22 heure 14:00 lieu « Istres » groupe messagerie";

#[test]
fn a_poll_from_its_dates_to_the_meeting() {
    let mut w = world();
    let reply = w.refused(ANN, CREATE);
    assert!(
        reply.contains(
            "Refusé : réservé aux administrateurs et, pour un sondage de groupe, au chef de projet"
        ),
        "{reply}"
    );
    let reply = w.must(BOB, CREATE);
    assert!(
        reply.starts_with("Sondage n°1 « Prochaine rencontre » : quelles dates vous conviennent ?\n1. mardi 8 décembre 2026\n2. mardi 15 décembre 2026\n3. mardi 22 décembre 2026\nRépondez !sondage voter 1 <numéros> (ou aucun) avant le 7 décembre."),
        "{reply}"
    );
    assert!(
        reply.contains(
            "(3 personnes interrogées, aucune par courriel ; sondage posté dans aucun salon.)"
        ),
        "{reply}"
    );

    w.must(ANN, "!sondage voter 1 1 3");
    w.must(ANN, "!poll vote 1 2, 3"); // changes her mind
    w.must(VIC, "!sondage voter 1 2");
    w.must(BOB, "!sondage voter 1 aucun");
    let reply = w.refused("@stranger:example.test", "!sondage voter 1 2");
    assert!(
        reply.contains("Le sondage n°1 « Prochaine rencontre » ne vous interroge pas"),
        "{reply}"
    );
    let reply = w.refused(ANN, "!sondage voter 1 4");
    assert!(reply.contains("n'a pas de date n°4 (1 à 3)"), "{reply}");

    let reply = w.must("@stranger:example.test", "!sondage resultats 1");
    assert_eq!(
        reply,
        "Sondage n°1 « Prochaine rencontre » — ouvert jusqu'au 7 décembre — 3 réponses sur 3\n\
         2. mardi 15 décembre 2026 : 2 personnes (Arles et Vitrolles)\n\
         3. mardi 22 décembre 2026 : 1 personne (Arles)\n\
         1. mardi 8 décembre 2026 : personne"
    );
    // The group's digest shows it.
    let c = ctx();
    let digest =
        w.db.write(c.now, |tx| {
            let g =
                greffier_commands::store::Groups::group_by_slug(tx, "messagerie")?.expect("group");
            Ok(greffier_commands::digest::group_digest(tx, &c, &g, c.now)?)
        })
        .expect("digest");
    assert!(
        digest.plain.contains("Sondages ouverts :\n• n°1 « Prochaine rencontre » — 3 dates, 3 réponses sur 3, clôture le 7 décembre (!sondage resultats 1)"),
        "{}",
        digest.plain
    );
    let reply = w.must(VIC, "!sondage liste");
    assert!(
        reply.contains(
            "• n°1 « Prochaine rencontre » — 3 dates, 3 réponses sur 3, clôture le 7 décembre"
        ),
        "{reply}"
    );

    let reply = w.refused(VIC, "!sondage clore 1");
    assert!(
        reply.contains("Refusé : réservé aux administrateurs, à qui a créé le sondage"),
        "{reply}"
    );
    let reply = w.must(BOB, "!sondage clore 1");
    assert!(
        reply.starts_with("Sondage n°1 « Prochaine rencontre » clos sur la date n°2. Réunion n°1 « Prochaine rencontre » — mardi 15 décembre 2026 à 14 h, Istres créée : 3 invités"),
        "{reply}"
    );
    let reply = w.refused(ANN, "!sondage voter 1 1");
    assert!(reply.contains("est clos"), "{reply}");

    let e = w.export();
    let poll = &e.polls[0];
    assert_eq!(
        (
            poll.closed,
            poll.meeting,
            poll.group.as_deref(),
            poll.closes_on.as_str()
        ),
        (true, Some(1), Some("messagerie"), "2026-12-07")
    );
    let voters: Vec<(i64, Vec<&str>)> = poll
        .choices
        .iter()
        .map(|c| (c.n, c.voters.iter().map(|v| v.person.as_str()).collect()))
        .collect();
    assert_eq!(
        voters,
        [(1, vec![]), (2, vec!["ann", "vic"]), (3, vec!["ann"])]
    );
    assert_eq!(poll.choices[1].voters[0].channel, "console");
    assert_eq!(e.meetings[0].title, "Prochaine rencontre");
    assert_eq!(e.meetings[0].rsvps.len(), 3);
    // The group has no room and no one a linked address: no native poll,
    // no poll mail; the list never gets the poll.
    let queued =
        w.db.pending(
            Channel::EMAIL,
            Timestamp::from_second(NOW).expect("ts"),
            100,
        )
        .expect("pending");
    assert!(queued.iter().all(|i| !matches!(
        i.action,
        Action::PostToList { .. } | Action::AskByMail { .. }
    )));
}

#[test]
fn bad_polls_are_refused_with_why() {
    let mut w = world();
    for (line, why) in [
        ("!sondage creer « X » 2026-12-08", "au moins deux dates"),
        ("!sondage creer 2026-12-08 2026-12-15", "il manque le titre"),
        (
            "!sondage creer « X » 2026-11-01 2026-12-15",
            "doivent être à venir",
        ),
        (
            "!sondage creer « X » 2026-12-08 2026-12-08",
            "au moins deux dates différentes",
        ),
        (
            "!sondage creer « X » 2026-12-08 2026-12-15 cloture 2026-12-10",
            "La clôture (le 10 décembre) doit tomber entre aujourd'hui et la première date proposée (le 8 décembre).",
        ),
        ("!sondage voter 9 1", "Il n'y a pas de sondage n°9"),
        ("!sondage voter 1", "il manque les numéros des dates"),
        ("!sondage voter 1 1 aucun", "argument en trop"),
        ("!sondage clore x", "numéro de sondage invalide « x »"),
    ] {
        let reply = w.refused(ADMIN, line);
        assert!(reply.contains(why), "{line} → {reply}");
    }
}

/// The clock: the day before closing, one reminder for those who have not
/// answered (never twice); on the closing date, the poll closes on its
/// best date into the meeting.
#[test]
fn the_clock_reminds_once_then_closes_the_poll() {
    let mut w = world();
    w.must(BOB,
        "!sondage creer « Point » 2026-11-25 2026-11-26 heure 10:00 groupe messagerie cloture 2026-11-20",
    );
    w.must(ANN, "!sondage voter 1 2");
    let at = |s: &str| {
        let mut c = ctx();
        c.now = s.parse().expect("instant");
        c
    };
    let run = |db: &mut Database, c: &Context| {
        db.write(c.now, |tx| Ok(greffier_commands::polls_due(tx, c)?))
            .expect("clock")
    };
    let posts = |actions: &[Action]| -> Vec<String> {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::PostToGroup { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect()
    };
    // Two days before closing: nothing.
    assert!(run(&mut w.db, &at("2026-11-18T09:00:00Z")).is_empty());
    // The day before: the reminder names who has not answered.
    let reminded = posts(&run(&mut w.db, &at("2026-11-19T09:00:00Z")));
    assert_eq!(
        reminded,
        [
            "Rappel : le sondage n°1 « Point » se clôt le 20 novembre. Sans réponse : bob, vic. Répondez !sondage voter 1 <numéros>."
        ]
    );
    assert!(
        run(&mut w.db, &at("2026-11-19T15:00:00Z")).is_empty(),
        "never twice"
    );
    // The closing date: closed on date 2, the meeting created.
    let closed = posts(&run(&mut w.db, &at("2026-11-20T00:05:00Z")));
    assert!(
        closed.iter().any(|t| t.starts_with("Sondage n°1 « Point » clos sur la date n°2. Réunion n°1 « Point » — jeudi 26 novembre 2026 à 10 h créée")),
        "{closed:?}"
    );
    let e = w.export();
    assert_eq!((e.polls[0].closed, e.polls[0].meeting), (true, Some(1)));
    assert!(run(&mut w.db, &at("2026-11-21T00:05:00Z")).is_empty());
}

/// Runs a command handed over by an adapter (a poll response, a mail
/// reply's vote) for `who`: the reply, if any, and whether it was kept.
fn handed(
    db: &mut Database,
    who: &str,
    command: greffier_commands::Command,
) -> (Option<String>, bool) {
    let c = ctx();
    let req = greffier_commands::Request {
        origin: Origin::Matrix {
            room: "!messagerie:example.test".into(),
            event: Some("$click".into()),
            direct: false,
        },
        sender: greffier_commands::store::Identity::parse(who).expect("identity"),
        display_name: None,
    };
    db.transaction(c.now, |tx| {
        let Some(done) = greffier_commands::run(tx, &c, &req, command)? else {
            return Ok(((None, false), false));
        };
        let reply = done.reply.clone();
        let commit = done.commit;
        if commit {
            tx.enqueue(&done.into_actions(&req.origin), &world::route)?;
        }
        Ok(((reply, commit), commit))
    })
    .expect("transaction")
}

fn click(start: &str, choices: Option<Vec<usize>>) -> greffier_commands::Command {
    use greffier_commands::{Sondage, Via, Voter};
    greffier_commands::Command::Sondage(Sondage::Voter(Voter {
        poll: None,
        choices,
        via: Via::PollResponse {
            start: start.into(),
        },
    }))
}

/// The two channels of a poll: a native poll in the group's room (clicks
/// are votes, said nothing to; a stranger's click gets one notice), a mail
/// to each invitee with a linked address (a reply quoting it is a vote; an
/// unreadable one a question); closing ends the room's poll.
#[test]
fn a_poll_in_the_room_and_by_mail() {
    use greffier_commands::answer::{self, Decision};
    use greffier_commands::store::{Identity, PollId};
    let mut w = world();
    let c = ctx();
    w.db.write(c.now, |tx| {
        let g = tx.group_by_slug("messagerie")?.expect("group");
        tx.set_group_room(g.id, "!messagerie:example.test")?;
        let ann = tx
            .person_by_identity(&Identity::parse(ANN).expect("id"))?
            .expect("ann");
        tx.add_identity(ann.id, &Identity::parse("ann@arles.example").expect("id"))?;
        Ok(())
    })
    .expect("setup");
    w.must(BOB, CREATE);
    let now = Timestamp::from_second(NOW).expect("ts");
    let queued: Vec<Action> = [Channel::MATRIX, Channel::EMAIL]
        .into_iter()
        .flat_map(|ch| w.db.pending(ch, now, 100).expect("pending"))
        .map(|i| i.action)
        .collect();
    let Some(Action::PostPoll {
        room,
        answers,
        poll,
        ..
    }) = queued.iter().find(|a| matches!(a, Action::PostPoll { .. }))
    else {
        panic!("no native poll in {queued:?}");
    };
    assert_eq!(room, "!messagerie:example.test");
    assert_eq!(
        answers,
        &[
            "mardi 8 décembre 2026",
            "mardi 15 décembre 2026",
            "mardi 22 décembre 2026"
        ]
    );
    let mails: Vec<(&str, &str)> = queued
        .iter()
        .filter_map(|a| match a {
            Action::AskByMail { to, message_id, .. } => Some((to.as_str(), message_id.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(mails.len(), 1, "{queued:?}");
    let (to, message_id) = mails[0];
    assert_eq!(to, "ann@arles.example");
    assert!(
        message_id.starts_with("poll.") && message_id.ends_with("@example.test"),
        "{message_id}"
    );
    // The poll event as the adapter remembers it once delivered.
    w.db.write(now, |tx| {
        Ok(tx.record_poll_post("$poll", room, PollId(*poll))?)
    })
    .expect("post");

    // Clicks: Vic picks 1 then 2 (the latest counts); Ann 1 then withdraws.
    for (who, choices) in [
        (VIC, Some(vec![1])),
        (VIC, Some(vec![2])),
        (ANN, Some(vec![1])),
        (ANN, None),
    ] {
        assert_eq!(
            handed(&mut w.db, who, click("$poll", choices)),
            (None, true)
        );
    }
    // A stranger's click: one notice, then silence; nothing counts.
    let (notice, _) = handed(
        &mut w.db,
        "@eve:example.test",
        click("$poll", Some(vec![1])),
    );
    assert!(
        notice
            .as_deref()
            .is_some_and(|n| n.contains("ne vous interroge pas")),
        "{notice:?}"
    );
    assert_eq!(
        handed(
            &mut w.db,
            "@eve:example.test",
            click("$poll", Some(vec![2]))
        )
        .0,
        None
    );
    // A click on someone else's poll is not the bot's business.
    assert_eq!(
        handed(&mut w.db, VIC, click("$other", Some(vec![1]))),
        (None, false)
    );

    // Ann answers the mail; a reply that names no date is asked again.
    let reply = |text: &str| answer::Message {
        calendar: None,
        references: vec![message_id.to_string()],
        text: text.into(),
        is_reply: true,
    };
    let ann_mail = Identity::parse("ann@arles.example").expect("id");
    let decide = |db: &mut Database, m: &answer::Message| {
        db.write(now, |tx| Ok(answer::decide(tx, &c, &ann_mail, m)?))
            .expect("decide")
    };
    match decide(&mut w.db, &reply("Merci, je regarde.")) {
        Decision::Say(n) => assert!(
            n.text(c.lang, "!")
                .contains("Je n'ai pas compris quelles dates"),
            "{n:?}"
        ),
        other => panic!("{other:?}"),
    }
    let Decision::Run { command, quoted } =
        decide(&mut w.db, &reply("Je peux le 15 et le 22, pas le 8."))
    else {
        panic!("a vote");
    };
    assert!(quoted, "quoting the poll mail authenticates");
    let (said, kept) = handed(&mut w.db, ANN, command);
    assert!(kept, "{said:?}");
    // Someone else quoting Ann's poll mail.
    let vic_mail = Identity::parse("vic@vitrolles.example").expect("id");
    w.db.write(now, |tx| {
        let vic = tx
            .person_by_identity(&Identity::parse(VIC).expect("id"))?
            .expect("vic");
        tx.add_identity(vic.id, &vic_mail)?;
        Ok(())
    })
    .expect("vic's address");
    let stolen =
        w.db.write(now, |tx| {
            Ok(answer::decide(tx, &c, &vic_mail, &reply("1 et 2"))?)
        })
        .expect("decide");
    assert!(
        matches!(
            stolen,
            Decision::Say(greffier_commands::Notice::NotYourPoll { .. })
        ),
        "{stolen:?}"
    );

    let e = w.export();
    let voters: Vec<(i64, Vec<(&str, &str)>)> = e.polls[0]
        .choices
        .iter()
        .map(|c| {
            (
                c.n,
                c.voters
                    .iter()
                    .map(|v| (v.person.as_str(), v.channel.as_str()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        voters,
        [
            (1, vec![]),
            (2, vec![("ann", "email"), ("vic", "poll")]),
            (3, vec![("ann", "email")])
        ]
    );

    // Closing ends the room's poll with the result.
    let reply = w.must(BOB, "!sondage clore 1");
    assert!(reply.contains("clos sur la date n°2"), "{reply}");
    let ends: Vec<Action> =
        w.db.pending(Channel::MATRIX, now, 100)
            .expect("pending")
            .into_iter()
            .map(|i| i.action)
            .filter(|a| matches!(a, Action::EndPoll { .. }))
            .collect();
    assert_eq!(
        ends,
        [Action::EndPoll {
            room: "!messagerie:example.test".into(),
            start: "$poll".into(),
            text: "Sondage clos : la réunion « Prochaine rencontre » aura lieu le mardi 15 décembre 2026 (date n°2 : 2 organisations, 2 personnes).".into(),
        }]
    );
}

/// Issue 38: a date the calendar does not have is named as such, and a
/// poll with one date says it needs two, in French and in English.
#[test]
fn an_impossible_date_and_a_single_date_are_named() {
    let mut w = World::new(world::context(ADMIN));
    let said = w.refused(ADMIN, "!sondage creer \"X\" 2026-02-30 2026-12-16");
    assert!(
        said.starts_with("Erreur : la date « 2026-02-30 » n'existe pas — syntaxe : !sondage creer"),
        "{said}"
    );
    let said = w.refused(ADMIN, "!sondage creer \"X\" 2026-12-16");
    assert!(
        said.starts_with("Erreur : un sondage propose au moins deux dates — syntaxe :"),
        "{said}"
    );
    let said = w.refused(ADMIN, "!reunion creer « X » 2026-02-30 10:00");
    assert!(
        said.contains("la date « 2026-02-30 » n'existe pas"),
        "{said}"
    );
    w.ctx.lang = greffier_commands::Lang::En;
    let said = w.refused(ADMIN, "!poll create \"X\" 2026-02-30 2026-12-16");
    assert!(
        said.starts_with("Error: the date “2026-02-30” does not exist"),
        "{said}"
    );
}
