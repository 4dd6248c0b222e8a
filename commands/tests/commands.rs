//! The commands run against the real SQLite storage, on a fresh in-memory
//! database each time: state changes, permissions, and refusals that change
//! nothing.

mod world;

use world::World;

use greffier_commands::store::{GroupStatus, Identity, NewGroup};
use greffier_commands::store::{Groups as _, Identities as _, Organisations as _};
use greffier_commands::{Action, Channel, Context, Lang, Origin, Request, execute};
use greffier_storage::{Database, Export};
use jiff::Timestamp;

use world::NOW;

/// The tests' context (world::context): Paris, the 18th of November 2026,
/// `@admin:example.test` the admin.
fn ctx() -> Context {
    world::context("@admin:example.test")
}

/// `who` declares `org` and an admin confirms it.
fn confirmed(w: &mut World, who: &str, org: &str) {
    w.must(who, &format!("!moi organisation {org}"));
    w.must(
        "@admin:example.test",
        &format!("!organisation accepter {who}"),
    );
}

fn group<'a>(e: &'a Export, slug: &str) -> &'a greffier_storage::export::ExportGroup {
    e.groups.iter().find(|g| g.slug == slug).expect(slug)
}

/// Three people of three organisations, and the "messagerie" proposal of Berre.
fn world() -> World {
    let mut w = World::new(ctx());
    for (who, org) in [
        ("@berre:example.test", "Berre"),
        ("@arles:example.test", "Arles"),
        ("@vitrolles:example.test", "Vitrolles"),
    ] {
        confirmed(&mut w, who, org);
    }
    let (reply, kept) = w.say("@berre:example.test",
        "!groupe proposer messagerie « Messagerie libre » action « Présentation de la solution postfix – e-groupware »",
    );
    assert!(kept, "{reply}");
    w
}

#[test]
fn proposal_becomes_active_at_quorum_and_tells_the_group() {
    let mut w = world();
    let e = w.export();
    let g = group(&e, "messagerie");
    assert_eq!(
        (g.status.as_str(), g.lead.as_deref()),
        ("proposed", Some("Berre"))
    );
    assert_eq!(g.supporters, ["Berre"]);

    let (reply, _) = w.say("@arles:example.test", "!groupe soutenir messagerie");
    assert!(reply.contains("2/3"), "{reply}");
    let (reply, kept) = w.say("@arles:example.test", "!groupe soutenir messagerie");
    assert!(!kept && reply.contains("déjà"), "{reply}");
    let room = Origin::Matrix {
        room: "!salon".into(),
        event: Some("$lier".into()),
        direct: false,
    };
    let (reply, kept) = w.say_from("@admin:example.test", "!groupe lier messagerie", room);
    assert!(kept, "{reply}");
    let (reply, _) = w.say("@vitrolles:example.test", "!groupe soutenir Messagerie");
    assert!(reply.contains("désormais actif"), "{reply}");

    let e = w.export();
    let g = group(&e, "messagerie");
    assert_eq!(g.status, "active");
    assert_eq!(g.supporters, ["Arles", "Berre", "Vitrolles"]);
    let posts: Vec<_> =
        w.db.pending(
            Channel::MATRIX,
            Timestamp::from_second(NOW).expect("ts"),
            10,
        )
        .expect("pending")
        .into_iter()
        .filter(|i| matches!(i.action, Action::PostToRoom { .. }))
        .collect();
    assert_eq!(posts.len(), 1, "the room is told once");
    assert!(
        matches!(&posts[0].action, Action::PostToRoom { room, text, .. } if room == "!salon" && text.contains("Messagerie libre")),
        "{:?}",
        posts[0].action
    );
}

#[test]
fn join_and_leave_track_organisations() {
    let mut w = world();
    let (reply, kept) = w.say("@arles:example.test", "!groupe rejoindre MESSAGERIE");
    assert!(kept, "{reply}");
    assert_eq!(group(&w.export(), "messagerie").members, ["Arles", "Berre"]);
    let (reply, kept) = w.say("@arles:example.test", "!groupe rejoindre messagerie");
    assert!(!kept && reply.contains("déjà membre"), "{reply}");
    let (reply, _) = w.say("@arles:example.test", "!groupe quitter messagerie");
    assert!(reply.contains("Arles n'en est plus membre"), "{reply}");
    assert_eq!(group(&w.export(), "messagerie").members, ["Berre"]);
    let (reply, kept) = w.say("@arles:example.test", "!groupe quitter messagerie");
    assert!(!kept && reply.contains("pas membre"), "{reply}");
}

#[test]
fn an_organisation_member_by_itself_stays_when_its_person_leaves() {
    let mut w = world();
    let now = Timestamp::from_second(NOW).expect("ts");
    w.db.write(now, |tx| {
        let g = tx.group_by_slug("messagerie")?.expect("group");
        let arles = tx.organisation_by_key("arles")?.expect("arles");
        tx.add_member(g.id, arles.id, None)?;
        Ok(())
    })
    .expect("seed membership");
    w.say("@arles:example.test", "!groupe rejoindre messagerie");
    let (reply, _) = w.say("@arles:example.test", "!groupe quitter messagerie");
    assert!(!reply.contains("plus membre"), "{reply}");
    assert_eq!(group(&w.export(), "messagerie").members, ["Arles", "Berre"]);
}

#[test]
fn lead_status_and_milestone_are_for_the_lead_or_admins() {
    let mut w = world();
    // Arles is not the lead (Berre initiated it): refused, nothing stored.
    let before = w.export();
    for line in [
        "!groupe chef messagerie Arles",
        "!projet statut messagerie \"Maquette\" version 0.1",
        "!projet jalon messagerie 2026-12-15 \"Démonstration\"",
    ] {
        let (reply, kept) = w.say("@arles:example.test", line);
        assert!(!kept && reply.starts_with("Refusé"), "{line}: {reply}");
    }
    assert_eq!(w.export(), before);

    // Berre leads: it may.
    let (reply, kept) = w.say(
        "@berre:example.test",
        "!projet statut messagerie \"Maquette\" version 0.1",
    );
    assert!(kept, "{reply}");
    let (reply, kept) = w.say(
        "@berre:example.test",
        "!projet jalon messagerie 2026-12-15 \"Démonstration\"",
    );
    assert!(kept, "{reply}");
    let (reply, kept) = w.say("@berre:example.test", "!groupe chef messagerie Arles");
    assert!(kept, "{reply}");
    // Now Arles leads, Berre no longer does; an admin always may.
    let (reply, kept) = w.say("@berre:example.test", "!projet statut messagerie \"x\"");
    assert!(!kept, "{reply}");
    let (reply, kept) = w.say("@admin:example.test", "!groupe chef messagerie Vitrolles");
    assert!(kept, "{reply}");

    let e = w.export();
    let g = group(&e, "messagerie");
    assert_eq!(g.lead.as_deref(), Some("Vitrolles"));
    assert_eq!(
        g.members,
        ["Arles", "Berre", "Vitrolles"],
        "each lead became a member"
    );
    assert_eq!(
        (g.version.as_deref(), g.status_text.as_deref()),
        (Some("0.1"), Some("Maquette"))
    );
    assert_eq!(g.milestones.len(), 1);
    assert_eq!(
        (g.milestones[0].date.as_str(), g.milestones[0].text.as_str()),
        ("2026-12-15", "Démonstration")
    );
}

#[test]
fn unknown_names_get_the_closest_ones() {
    let mut w = world();
    let (reply, _) = w.say("@berre:example.test", "!groupe rejoindre mesagerie");
    assert_eq!(
        reply,
        "Groupe inconnu « mesagerie » — vouliez-vous dire « messagerie » ?"
    );
    let (reply, _) = w.say("@admin:example.test", "!groupe chef messagerie Vitrole");
    assert_eq!(
        reply,
        "Organisation inconnue « Vitrole » — vouliez-vous dire « Vitrolles » ?"
    );
}

#[test]
fn organisation_names_match_without_accents_case_or_hyphens() {
    let mut w = World::new(ctx());
    w.say(
        "@a:example.test",
        "!moi organisation Châteauneuf-les-Martigues",
    );
    let (reply, _) = w.say(
        "@b:example.test",
        "!moi organisation CHATEAUNEUF LES MARTIGUES",
    );
    assert!(
        reply.contains("Châteauneuf-les-Martigues") && !reply.contains("nouvelle"),
        "{reply}"
    );
    w.say("@c:example.test", "!moi organisation St Martin de Crau");
    let (reply, _) = w.say("@d:example.test", "!moi organisation Saint-Martin-de-Crau");
    assert!(reply.contains("St Martin de Crau"), "{reply}");
    assert_eq!(w.export().organisations.len(), 2);
}

#[test]
fn a_close_new_organisation_needs_confirmation() {
    let mut w = World::new(ctx());
    w.say("@a:example.test", "!moi organisation Martigues");
    let (reply, kept) = w.say("@b:example.test", "!moi organisation Martigus");
    assert!(!kept, "{reply}");
    assert!(
        reply.contains("vouliez-vous dire « Martigues »") && reply.contains("nouvelle"),
        "{reply}"
    );
    let (reply, kept) = w.say("@b:example.test", "!moi organisation Martigus nouvelle");
    assert!(kept, "{reply}");
    assert_eq!(w.export().organisations.len(), 2);
}

#[test]
fn organisation_is_set_once_unless_admin() {
    let mut w = world();
    let (reply, kept) = w.say("@arles:example.test", "!moi organisation Vitrolles");
    assert!(!kept && reply.contains("seul un administrateur"), "{reply}");
    w.say("@admin:example.test", "!moi organisation Arles");
    let (reply, kept) = w.say("@admin:example.test", "!moi organisation Berre");
    assert!(kept, "{reply}");
}

#[test]
fn commands_that_need_an_organisation_say_how_to_set_it() {
    let mut w = world();
    let before = w.export();
    for line in [
        "!groupe rejoindre messagerie",
        "!groupe soutenir messagerie",
        "!groupe proposer sig \"SIG\"",
    ] {
        let (reply, kept) = w.say("@stranger:example.test", line);
        assert!(!kept, "{line}");
        assert_eq!(
            reply,
            "Indiquez d'abord votre organisation : !moi organisation <organisation>"
        );
    }
    assert_eq!(w.export(), before);
}

#[test]
fn an_unverified_mail_sender_cannot_create_a_person() {
    let mut w = World::new(ctx());
    let origin = Origin::Email {
        from: "intrus@example.test".into(),
        message_id: Some("<1@example.test>".into()),
        subject: "!moi organisation Arles".into(),
        references: vec![],
    };
    let (reply, kept) = w.say_from("intrus@example.test", "!moi organisation Arles", origin);
    assert!(
        !kept && reply.contains("écrivez d'abord !moi nom « Prénom NOM »"),
        "{reply}"
    );
    assert!(w.export().people.is_empty());
}

#[test]
fn link_a_room_is_for_admins_in_rooms() {
    let mut w = world();
    let room = Origin::Matrix {
        room: "!abcdef".into(),
        event: Some("$1".into()),
        direct: false,
    };
    let (reply, kept) = w.say_from(
        "@berre:example.test",
        "!groupe lier messagerie",
        room.clone(),
    );
    assert!(!kept && reply.starts_with("Refusé"), "{reply}");
    let (reply, kept) = w.say("@admin:example.test", "!groupe lier messagerie");
    assert!(!kept && reply.contains("salon"), "{reply}");
    let (reply, kept) = w.say_from(
        "@admin:example.test",
        "!groupe lier messagerie",
        room.clone(),
    );
    assert!(kept, "{reply}");
    assert_eq!(
        group(&w.export(), "messagerie").room.as_deref(),
        Some("!abcdef")
    );
}

#[test]
fn group_lookup_by_theme_word_and_ambiguity() {
    let mut w = world();
    let now = Timestamp::from_second(NOW).expect("ts");
    w.db.write(now, |tx| {
        for (slug, theme) in [
            ("courrier", "Gestion du courrier"),
            ("vehicules", "Gestion des véhicules"),
        ] {
            tx.create_group(
                &NewGroup {
                    slug: slug.into(),
                    theme: theme.into(),
                    status: GroupStatus::Active,
                    lead: None,
                    action: None,
                    room: None,
                    list: None,
                },
                None,
            )?;
        }
        Ok(())
    })
    .expect("groups");
    let (reply, _) = w.say("@arles:example.test", "!groupe info courrier");
    assert!(
        reply.starts_with("Gestion du courrier (courrier) — actif"),
        "{reply}"
    );
    let (reply, _) = w.say("@arles:example.test", "!groupe info Véhicules");
    assert!(
        reply.starts_with("Gestion des véhicules (vehicules)"),
        "{reply}"
    );
    let (reply, _) = w.say("@arles:example.test", "!groupe rejoindre gestion");
    assert_eq!(
        reply,
        "« gestion » désigne plusieurs groupes : « courrier » ou « vehicules » — précisez."
    );
}

/// A display name reaches rosters and digests: its control characters and
/// bidirectional overrides are dropped when the person is created.
#[test]
fn a_new_persons_name_loses_control_and_bidi_characters() {
    let mut w = World::new(ctx());
    let ctx = ctx();
    let req = Request {
        origin: Origin::Console,
        sender: Identity::parse("@x:example.test").expect("id"),
        display_name: Some("Ann\u{202e}e\u{7} Martin\u{2066}".into()),
    };
    let (_, kept) = world::run(&mut w.db, &ctx, &req, "!moi organisation Arles");
    assert!(kept);
    let e = w.export();
    assert_eq!(e.people[0].name, "Anne Martin");
}

#[test]
fn replies_in_english_when_configured() {
    let mut w = World::new(ctx());
    let mut ctx = ctx();
    ctx.lang = Lang::En;
    let req = Request {
        origin: Origin::Console,
        sender: Identity::parse("@a:example.test").expect("id"),
        display_name: Some("Alice".into()),
    };
    let reply =
        w.db.write(ctx.now, |tx| {
            Ok(execute(tx, &ctx, &req, "!me organisation Arles")?
                .expect("command")
                .into_actions(&req.origin))
        })
        .expect("tx");
    assert_eq!(
        reply[0],
        Action::Reply {
            origin: Origin::Console,
            text: "Noted, Alice: you say you are a member of Arles. (new organisation recorded)\n\
                   Until it is confirmed, you may join groups and answer your invitations; \
                   acting in the name of Arles (support, propose, lead) waits for it; an admin can give it:\n\
                   !org accept @a:example.test"
                .into()
        }
    );
}

#[test]
fn linking_an_email_address_takes_the_mailed_code() {
    let mut w = world();
    let (reply, kept) = w.say("@arles:example.test", "!moi lier Anne@Arles.example");
    assert!(kept && reply.contains("anne@arles.example"), "{reply}");
    let code = world::mailed_code(&w.db, "anne@arles.example");
    assert_eq!(code.len(), 6, "{code}");
    assert!(!reply.contains(&code), "no code in the reply: {reply}");

    // Not someone else's code (a wrong guess of theirs), not a wrong one.
    let (reply, _) = w.say("@berre:example.test", &format!("!moi confirmer {code}"));
    assert!(reply.contains("pas valable"), "{reply}");
    let (reply, _) = w.say("@arles:example.test", "!moi confirmer 000000x");
    assert!(reply.contains("pas valable"), "{reply}");

    let (reply, kept) = w.say("@arles:example.test", &format!("!moi confirmer {code}"));
    assert!(kept && reply.contains("liée"), "{reply}");
    let e = w.export();
    let anne = e
        .people
        .iter()
        .find(|p| p.matrix_ids == ["@arles:example.test"])
        .expect("person");
    assert_eq!(anne.emails, ["anne@arles.example"]);
    // Used once.
    let (reply, _) = w.say("@arles:example.test", &format!("!moi confirmer {code}"));
    assert!(reply.contains("pas valable"), "{reply}");
    // The address is taken now, and asking for it looks the same as asking
    // for a free one (issue 34, case 9: no way to learn which addresses are
    // linked); its owner is told by mail, with no code, and nothing changes.
    let free = w.say("@berre:example.test", "!moi lier nobody@berre.example");
    let (reply, kept) = w.say("@berre:example.test", "!moi lier anne@arles.example");
    assert!(kept, "{reply}");
    assert_eq!(
        reply,
        free.0.replace("nobody@berre.example", "anne@arles.example")
    );
    let notice =
        w.db.pending(
            Channel::EMAIL,
            Timestamp::from_second(NOW).expect("ts"),
            100,
        )
        .expect("pending")
        .into_iter()
        .rev()
        .find_map(|i| match i.action {
            Action::SendMail { to, subject, text } if to == "anne@arles.example" => {
                Some((subject, text))
            }
            _ => None,
        })
        .expect("a notice to the owner");
    assert!(notice.1.contains("déjà liée au vôtre"), "{notice:?}");
    assert!(!notice.1.contains("moi confirmer"), "{notice:?}");
    // The code stored for it (so that it counts against the limits) is
    // born expired: even guessed, it links nothing.
    let now = Timestamp::from_second(NOW).expect("ts");
    w.db.write(now, |tx| {
        let berre = tx
            .person_by_identity(&Identity::parse("@berre:example.test").expect("id"))?
            .expect("berre");
        let code = tx.create_email_code(
            berre.id,
            "anne@arles.example",
            now - jiff::SignedDuration::from_secs(1),
        )?;
        assert_eq!(tx.use_email_code(berre.id, &code)?, None);
        Ok(())
    })
    .expect("the stored code");
    let e = w.export();
    let owners: Vec<&str> = e
        .people
        .iter()
        .filter(|p| p.emails.iter().any(|m| m == "anne@arles.example"))
        .flat_map(|p| p.matrix_ids.iter().map(String::as_str))
        .collect();
    assert_eq!(owners, ["@arles:example.test"]);
}

/// Six digits could be guessed by trying them all: the fifth wrong code
/// spends the pending ones, and no code, not even the right one, is
/// checked for the rest of the day.
#[test]
fn wrong_codes_are_counted_and_the_fifth_spends_the_code() {
    let mut w = world();
    w.say("@arles:example.test", "!moi lier anne@arles.example");
    let code = world::mailed_code(&w.db, "anne@arles.example");
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for attempt in 1..=5 {
        let (reply, kept) = w.say("@arles:example.test", &format!("!moi confirmer {wrong}"));
        assert!(kept, "the attempt is counted: {reply}");
        assert!(reply.contains("pas valable"), "{reply}");
        assert_eq!(
            reply.contains("Trop d'essais"),
            attempt == 5,
            "{attempt}: {reply}"
        );
    }
    let (reply, kept) = w.say("@arles:example.test", &format!("!moi confirmer {code}"));
    assert!(
        !kept && reply.contains("aucun code n'est vérifié avant demain"),
        "{reply}"
    );
    assert!(w.export().people.iter().all(|p| p.emails.is_empty()));
}

/// The brute force of a link code: a thousand `!moi lier` give five code
/// mails to one address and twenty in all, one live code per address; then
/// of a thousand guesses, five are checked in the day, and the sixth is not
/// checked even when it is right.
#[test]
fn a_thousand_requests_and_guesses_check_five_codes_a_day() {
    let mut w = world();
    let mut mailed = 0;
    for _ in 0..1000 {
        let (reply, kept) = w.say("@berre:example.test", "!moi lier b@berre.example");
        mailed += usize::from(kept);
        assert!(kept || reply.contains("ces dernières 24 heures"), "{reply}");
    }
    assert_eq!(mailed, 5, "code mails to one address in a day");
    let live = |db: &Database, domain: &str| -> Vec<String> {
        db.pending(
            Channel::EMAIL,
            Timestamp::from_second(NOW).expect("ts"),
            10_000,
        )
        .expect("pending")
        .iter()
        .filter_map(|i| match &i.action {
            Action::SendMail { to, text, .. } if to.ends_with(domain) => text
                .lines()
                .find(|l| l.contains("moi confirmer"))
                .and_then(|l| l.split_whitespace().last())
                .map(str::to_string),
            _ => None,
        })
        .collect()
    };
    let mut mailed = 0;
    for i in 0..1000 {
        let (_, kept) = w.say(
            "@arles:example.test",
            &format!("!moi lier a{}@arles.example", i % 50),
        );
        mailed += usize::from(kept);
    }
    assert_eq!(mailed, 20, "code mails asked by one person in a day");
    let codes = live(&w.db, "@arles.example");
    assert_eq!(codes.len(), 20);
    let mut checked = 0;
    let mut guess = 0u32;
    for _ in 0..1000 {
        // Never one of the live codes: each guess is wrong.
        while codes.contains(&format!("{guess:06}")) {
            guess += 1;
        }
        let (reply, _) = w.say("@arles:example.test", &format!("!moi confirmer {guess:06}"));
        guess += 1;
        if reply.contains("pas valable") {
            checked += 1;
        } else {
            assert!(reply.contains("aucun code n'est vérifié"), "{reply}");
        }
    }
    assert_eq!(checked, 5, "guesses checked in a day");
    for code in &codes {
        let (reply, kept) = w.say("@arles:example.test", &format!("!moi confirmer {code}"));
        assert!(
            !kept && reply.contains("aucun code n'est vérifié"),
            "{reply}"
        );
    }
    assert!(w.export().people.iter().all(|p| p.emails.is_empty()));
}

#[test]
fn an_email_code_expires_after_a_day() {
    let mut w = world();
    w.say("@arles:example.test", "!moi lier anne@arles.example");
    let code = world::mailed_code(&w.db, "anne@arles.example");
    let mut late = ctx();
    late.now = Timestamp::from_second(NOW + 25 * 3600).expect("ts");
    let req = Request {
        origin: Origin::Console,
        sender: Identity::parse("@arles:example.test").expect("id"),
        display_name: None,
    };
    let line = format!("!moi confirmer {code}");
    let done =
        w.db.transaction(late.now, |tx| {
            let done = execute(tx, &late, &req, &line)?.expect("a command");
            Ok((done, false))
        })
        .expect("tx");
    // Not linked: the expired code counts as a wrong one.
    assert!(
        done.effects.is_empty()
            && done
                .reply
                .as_deref()
                .is_some_and(|t| t.contains("pas valable")),
        "{done:?}"
    );
}

fn invitations(db: &Database) -> Vec<greffier_commands::action::Invitation> {
    db.pending(
        Channel::EMAIL,
        Timestamp::from_second(NOW).expect("ts"),
        100,
    )
    .expect("pending")
    .into_iter()
    .filter_map(|i| match i.action {
        Action::SendInvitation(inv) => Some(*inv),
        _ => None,
    })
    .collect()
}

#[test]
fn a_meeting_invites_records_answers_and_lists_attendance() {
    let mut w = world();
    world::link(&mut w, "@arles:example.test", "anne@arles.example");

    let (reply, kept) = w.say(
        "@arles:example.test",
        "!reunion creer « Conférence DSI » 2026-12-03 09:30 lieu « Mairie d'Arles »",
    );
    assert!(!kept && reply.contains("administrateurs"), "{reply}");
    let (reply, kept) = w.say(
        "@admin:example.test",
        "!reunion creer « Conférence DSI » 2026-12-03 09:30 lieu « Mairie d'Arles »",
    );
    assert!(kept, "{reply}");
    assert!(reply.contains("3 invités, 1 invitation envoyée"), "{reply}");
    assert!(reply.contains("jeudi 3 décembre 2026 à 9 h 30"), "{reply}");
    let sent = invitations(&w.db);
    assert_eq!(sent.len(), 1);
    let first = &sent[0];
    assert_eq!(
        (first.to.as_str(), first.method.as_str(), first.sequence),
        ("anne@arles.example", "REQUEST", 0)
    );
    assert_eq!(
        first.starts_at, "2026-12-03T08:30:00Z",
        "Europe/Paris is UTC+1 in December"
    );

    let (reply, kept) = w.say("@arles:example.test", "!present");
    assert!(kept && reply.contains("présence annoncée"), "{reply}");
    let (reply, kept) = w.say("@berre:example.test", "!excuse 1 « en congés »");
    assert!(kept && reply.contains("(en congés)"), "{reply}");
    let (reply, kept) = w.say("@admin:example.test", "!present 1");
    assert!(!kept && reply.contains("Je ne vous connais pas"), "{reply}");

    // The reason is personal: a member of another organisation than the
    // organiser's sees that Berre is excused, not why; an admin sees why.
    let (reply, _) = w.say("@vitrolles:example.test", "!reunion presences 1");
    assert!(reply.contains("Présents (1) :\n• Arles : "), "{reply}");
    assert!(
        reply.contains("Excusés (1) :\n• Berre : berre\n") && !reply.contains("congés"),
        "{reply}"
    );
    let (reply, _) = w.say("@admin:example.test", "!reunion presences 1");
    assert!(reply.contains("• Berre : berre (en congés)"), "{reply}");
    assert!(
        reply.contains("Sans réponse (1) :\n• Vitrolles : "),
        "{reply}"
    );

    // A later answer replaces the earlier one.
    let (_, kept) = w.say("@berre:example.test", "!peutetre");
    assert!(kept);
    let e = w.export();
    let statuses: Vec<(String, String)> = e.meetings[0]
        .rsvps
        .iter()
        .map(|r| (r.organisation.clone().unwrap_or_default(), r.status.clone()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("Arles".into(), "present".into()),
            ("Berre".into(), "tentative".into()),
            ("Vitrolles".into(), "no_answer".into())
        ]
    );

    // An update goes out with the next sequence and the same UID.
    let (reply, kept) = w.say("@admin:example.test", "!reunion modifier 1 heure 14:00");
    assert!(kept && reply.contains("à 14 h"), "{reply}");
    let sent = invitations(&w.db);
    assert_eq!(sent.len(), 2);
    assert_eq!(
        (sent[1].uid.as_str(), sent[1].sequence),
        (first.uid.as_str(), 1)
    );
    assert_ne!(sent[1].message_id, first.message_id);
    let (reply, kept) = w.say("@admin:example.test", "!reunion annuler 1");
    assert!(kept, "{reply}");
    let sent = invitations(&w.db);
    assert_eq!((sent[2].method.as_str(), sent[2].sequence), ("CANCEL", 2));
    let (reply, kept) = w.say("@arles:example.test", "!present 1");
    assert!(!kept && reply.contains("annulée"), "{reply}");
}

#[test]
fn reminders_go_once_to_those_without_an_answer() {
    let mut w = world();
    world::link(&mut w, "@arles:example.test", "anne@arles.example");
    // The meeting is the day after NOW (2026-11-18): 2026-11-19 at 14:00.
    let (reply, kept) = w.say(
        "@admin:example.test",
        "!reunion creer Point 2026-11-19 14:00",
    );
    assert!(kept, "{reply}");
    w.say("@berre:example.test", "!excuse");

    let due = |db: &mut Database, days: u32| {
        let ctx = ctx();
        db.write(ctx.now, |tx| {
            greffier_commands::reminders_due(tx, &ctx, days).map_err(Into::into)
        })
        .expect("reminders")
    };
    assert!(
        due(&mut w.db, 0).is_empty(),
        "not yet: the meeting is more than 0 days away"
    );
    let first = due(&mut w.db, 2);
    let mails: Vec<&str> = first
        .iter()
        .filter_map(|a| match a {
            Action::SendMail { to, subject, .. } if subject.starts_with("Rappel") => {
                Some(to.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        mails,
        ["anne@arles.example"],
        "Berre answered; Vitrolles has no address"
    );
    assert!(due(&mut w.db, 2).is_empty(), "never twice");
}

#[test]
fn a_large_network_lists_fifty_groups_per_section_and_says_how_many_more() {
    let mut w = world();
    w.db.write(Timestamp::from_second(NOW).expect("ts"), |tx| {
        for g in 0..60 {
            tx.create_group(
                &NewGroup {
                    slug: format!("projet-{g:02}"),
                    theme: format!("Projet {g}"),
                    status: GroupStatus::Active,
                    lead: None,
                    action: None,
                    room: None,
                    list: None,
                },
                None,
            )?;
        }
        Ok(())
    })
    .expect("groups");
    let (out, _) = w.say("@arles:example.test", "!groupe liste");
    assert_eq!(out.matches("• projet-").count(), 50, "{out}");
    assert!(out.contains("• projet-49 "), "{out}");
    assert!(!out.contains("projet-50"), "{out}");
    assert!(
        out.contains("… et 10 autres : !groupe info <groupe>"),
        "{out}"
    );
    // The proposals' section is short: all of it, nothing more to say.
    assert!(out.contains("• messagerie — "), "{out}");
    assert_eq!(out.matches(" autres : ").count(), 1, "{out}");
}

#[test]
fn moi_names_the_groups_the_person_joined_and_no_other() {
    let mut w = world();
    w.say("@admin:example.test", "!groupe proposer cartes \"Cartes\"");
    let (out, kept) = w.say("@arles:example.test", "!groupe rejoindre messagerie");
    assert!(kept, "{out}");
    let (out, _) = w.say("@arles:example.test", "!moi");
    assert!(out.contains("Groupes : messagerie"), "{out}");
    assert!(!out.contains("cartes"), "{out}");
}

/// `!aide` finds a command by any word its usage writes as typed, the
/// third one too ("creer" in "!groupe salon creer <groupe>").
#[test]
fn help_finds_a_command_by_every_word_it_is_typed_with() {
    let mut w = world();
    let (reply, kept) = w.say("@berre:example.test", "!aide groupe salon creer");
    assert!(kept, "{reply}");
    assert!(
        reply.starts_with("!groupe salon creer <groupe> — "),
        "{reply}"
    );
    let (reply, _) = w.say("@berre:example.test", "!aide room create");
    assert!(reply.contains("!groupe salon creer <groupe>"), "{reply}");
    let (reply, kept) = w.say("@berre:example.test", "!aide groupe salon zzz");
    assert!(
        !kept && reply.starts_with("Pas d'aide pour « groupe salon zzz »"),
        "{reply}"
    );
}
