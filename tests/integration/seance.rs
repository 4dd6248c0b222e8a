//! A whole séance in a group's room, against the real Synapse (Alice, the
//! admin and organiser, and Bob, the rédacteur, each with their own
//! matrix-sdk client; Carol checking in) and the real mail servers (the
//! draft reaches the group's list and Bob's mailbox, Inès's plain reply
//! is a remark): then approval, the approved text mailed with its PDF and
//! ODT, and unchanged by what the registry does afterwards.

use crate::mailserver::{GroupSetup, MAIL_SERVER, answering, new_id, send, thunderbird};
use crate::support::assert_clean;
use crate::synapse::{SERVER, User};
use greffier_testkit::mail::Account;

#[tokio::test]
async fn a_whole_seance_in_a_group_room() {
    let _mail = MAIL_SERVER.read().await;
    let _matrix = SERVER.read().await;
    let mut bob = User::new().await;
    let mut carol = User::new().await;
    let bob_mail = Account::new("bob").await;
    let ines_mail = Account::new("ines").await;
    // Bob of Berre (an address), Carol of Vitrolles, Inès of Istres (an
    // address, no Matrix account): the people of the group, as a
    // deployment seeds them.
    let people = format!(
        "[[people.seed]]\nname = \"Bob Martin\"\norganisation = \"Berre\"\nmatrix_ids = [\"{}\"]\nemails = [\"{}\"]\n\n\
         [[people.seed]]\nname = \"Carol Durand\"\norganisation = \"Vitrolles\"\nmatrix_ids = [\"{}\"]\n\n\
         [[people.seed]]\nname = \"Inès Roux\"\norganisation = \"Istres\"\nemails = [\"{}\"]\n",
        bob.id, bob_mail.address, carol.id, ines_mail.address
    );
    let GroupSetup {
        mut alice,
        mut bot,
        bot_matrix,
        room,
        list,
    } = GroupSetup::with_config(
        "seance",
        &["Arles", "Berre", "Vitrolles", "Istres"],
        &[
            "!moi organisation Arles",
            "!groupe rejoindre courrier",
            "!reunion creer « Séance courrier » 2030-12-03 10:00 groupe courrier",
            "!reunion ordre 1 ajouter « Tour de table »",
            "!reunion ordre 1 ajouter « Messagerie »",
            "!reunion ordre 1 ajouter « Questions diverses »",
            "!reunion redacteur 1 Bob Martin",
        ],
        &people,
    )
    .await;
    for user in [&bob, &carol] {
        alice.invite_bot(&room, &user.id).await;
        user.client.join_room_by_id(&room).await.expect("joins");
    }
    // Each line in the room, by whom, and what the answer starts with.
    let steps: &[(&str, &str, &str)] = &[
        (
            "alice",
            "!seance ouvrir 1",
            "Séance ouverte : réunion n°1 « Séance courrier »",
        ),
        ("bob", "!point", "Point 1 : Tour de table"),
        (
            "bob",
            "!note « Chaque ville présente son service courrier »",
            "Noté (n°1).",
        ),
        ("bob", "!point 2", "Point 2 : Messagerie"),
        (
            "bob",
            "!note « Berre a migré 300 boîtes vers Postfix »",
            "Noté (n°2).",
        ),
        (
            "bob",
            "!decision « Vitrolles migre en janvier »",
            "Décision notée (n°3).",
        ),
        (
            "bob",
            "!action Berre « Documenter la migration » echeance 2030-12-20",
            "Action n°1 (entrée n°4) : Berre, échéance le 20 décembre 2030.",
        ),
        (
            "bob",
            "!action Vitrolles « Planifier la bascule » echeance 2031-01-15",
            "Action n°2 (entrée n°5) : Vitrolles, échéance le 15 janvier 2031.",
        ),
        ("bob", "!point 3", "Point 3 : Questions diverses"),
        (
            "bob",
            "!decision « Prochaine réunion en mars »",
            "Décision notée (n°6).",
        ),
        (
            "bob",
            "!corriger 2 « Berre a migré 350 boîtes vers Postfix »",
            "Entrée corrigée (n°2).",
        ),
        ("alice", "!ici", ""),
        ("bob", "!present", "Bob Martin, votre présence est notée."),
        ("carol", "!here", "Carol Durand, votre présence est notée."),
        (
            "bob",
            "!presence « Inès Roux » excuse",
            "Excuse notée : Inès Roux.",
        ),
        (
            "bob",
            "!seance clore",
            "Séance close. Projet de compte rendu posté pour le groupe, envoyé à 2 participants",
        ),
    ];
    for (who, line, expected) in steps {
        let user = match *who {
            "alice" => &mut alice,
            "bob" => &mut bob,
            _ => &mut carol,
        };
        let asked = user.say(&room, line).await;
        let reply = user.reply_to(&bot_matrix, &asked).await;
        assert!(
            reply.body().starts_with(expected) && !reply.body().starts_with("Refusé"),
            "{who}: {line} → {}",
            reply.body()
        );
    }
    // The draft in the room, on the list and in Bob's mailbox.
    let bot_id = bot_matrix.as_str().to_string();
    let posted = alice
        .wait_for("the draft in the room", |s| {
            s.room == room && s.sender() == bot_id && s.body().contains("Relevé des actions")
        })
        .await;
    for part in [
        "vos remarques avant le",
        "### Point 2 : Messagerie",
        "Berre a migré 350 boîtes vers Postfix",
        "Décision : Vitrolles migre en janvier",
        "| 1 | Berre | Documenter la migration | 20 décembre 2030 |",
        "## Absents excusés\n\n- Inès Roux, Istres",
    ] {
        assert!(
            posted.body().contains(part),
            "{part:?} in {}",
            posted.body()
        );
    }
    let mail = list
        .wait_for("the draft on the list", |m| {
            m.body().contains("Relevé des actions")
        })
        .await;
    assert!(
        mail.body().contains("Planifier la bascule"),
        "{}",
        mail.body()
    );
    let mailed = bob_mail
        .wait_for("the draft in Bob's mailbox", |m| {
            m.subject().contains("Projet de compte rendu")
        })
        .await;
    assert!(
        mailed.body().contains("## Ordre du jour"),
        "{}",
        mailed.body()
    );
    // Bob's remark, by mail in reply: attached to the draft, not applied.
    let asked = new_id("remark");
    send(
        Some(&bob_mail.address),
        &bot.account.address,
        &thunderbird(
            &format!("Bob Martin <{}>", bob_mail.address),
            &bot.account.address,
            "Re: Projet de compte rendu : Séance courrier",
            &asked,
            "Bonjour,\n\n!compte-rendu remarque 1 « Ajouter le point sur Thunderbird »\n\nBob",
        ),
    )
    .await;
    let answer = bob_mail.answer_to(&asked).await;
    assert!(
        answer
            .body()
            .starts_with("Remarque jointe au projet de compte rendu de la réunion n°1"),
        "{}",
        answer.body()
    );
    // Inès answers her draft mail with her client's Reply button, no
    // command line: her text is the remark, the quote left out.
    let draft = ines_mail
        .wait_for("the draft in Inès's mailbox", |m| {
            m.subject().contains("Projet de compte rendu")
        })
        .await;
    let draft_id = format!("<{}>", draft.message_id().expect("a Message-ID"));
    let asked = new_id("ines-remark");
    send(
        Some(&ines_mail.address),
        &bot.account.address,
        &answering(
            thunderbird(
                &format!("Inès Roux <{}>", ines_mail.address),
                &bot.account.address,
                "Re: Projet de compte rendu : Séance courrier",
                &asked,
                "Bonjour,\n\nPour Istres, préciser que la bascule attend le marché public.\n\nInès\n\nLe 19/11/2030 à 11:00, greffier a écrit :\n> Projet de compte rendu de la réunion n°1\n> ## Ordre du jour",
            ),
            &draft_id,
        ),
    )
    .await;
    let answer = ines_mail.answer_to(&asked).await;
    assert!(
        answer
            .body()
            .starts_with("Remarque jointe au projet de compte rendu de la réunion n°1")
            && answer.body().contains("(2 en tout)"),
        "{}",
        answer.body()
    );
    let asked = alice.say(&room, "!cr remarques 1").await;
    let listed = alice.reply_to(&bot_matrix, &asked).await;
    assert!(
        listed.body().contains("• Bob Martin (")
            && listed
                .body()
                .contains(") : Ajouter le point sur Thunderbird")
            && listed.body().contains("• Inès Roux (")
            && listed
                .body()
                .contains("Pour Istres, préciser que la bascule attend le marché public.")
            && !listed.body().contains("Ordre du jour")
            && !listed.body().contains("a écrit"),
        "{}",
        listed.body()
    );
    assert!(
        !String::from_utf8_lossy(&bot.scratch.run(&["minutes", "1", "--draft"], b"").stdout)
            .contains("Thunderbird"),
        "a remark is not applied by itself"
    );

    // Approval by the organiser; then the registry changes.
    let asked = alice.say(&room, "!compte-rendu approuver 1").await;
    let reply = alice.reply_to(&bot_matrix, &asked).await;
    assert!(
        reply.body().contains("approuvé (version 1)")
            && reply.body().contains("Remarques reçues sur le projet : 2")
            && reply
                .body()
                .ends_with("Envoyé à 2 participants, en PDF et ODT."),
        "{}",
        reply.body()
    );
    let read = |args: &[&str]| {
        let out = bot.scratch.run(args, b"");
        assert_clean(&out);
        out.stdout
    };
    let approved = read(&["minutes", "1"]);
    assert!(String::from_utf8_lossy(&approved).contains("Relevé des actions"));
    // The approved text by mail, with the very files the console writes.
    let sent = bob_mail
        .wait_for("the approved compte rendu in Bob's mailbox", |m| {
            m.subject() == "Compte rendu approuvé : Séance courrier"
        })
        .await;
    assert!(
        sent.body().contains("## Relevé des actions"),
        "{}",
        sent.body()
    );
    let files = sent.attachments();
    let names: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, k, _)| (n.as_str(), k.as_str()))
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names[0].0.starts_with("compte-rendu-")
            && names[0].0.ends_with(".pdf")
            && names[0].1 == "application/pdf"
            && names[1].0.ends_with(".odt")
            && names[1].1 == "application/vnd.oasis.opendocument.text",
        "{names:?}"
    );
    assert!(
        files[0].2 == read(&["minutes", "1", "--format", "pdf"]),
        "the PDF attached is the approved one"
    );
    assert!(
        files[1].2 == read(&["minutes", "1", "--format", "odt"]),
        "the ODT attached is the approved one"
    );
    for line in [
        "!groupe chef courrier Berre",
        "!projet statut courrier « En recette »",
        "!logiciel ajouter Postfix statut production pour Berre",
    ] {
        let asked = alice.say(&room, line).await;
        let reply = alice.reply_to(&bot_matrix, &asked).await;
        assert!(
            !reply.body().starts_with("Refusé"),
            "{line}: {}",
            reply.body()
        );
    }
    assert_ne!(read(&["minutes", "1", "--draft"]), approved);
    assert_eq!(
        read(&["minutes", "1"]),
        approved,
        "the approved text, byte for byte"
    );
    // A rectificatif: a new version, the first kept as rectifié.
    let asked = alice.say(&room, "!cr approuver 1").await;
    let reply = alice.reply_to(&bot_matrix, &asked).await;
    assert!(
        reply
            .body()
            .contains("(version 2) ; la version 1 reste consultable, inchangée"),
        "{}",
        reply.body()
    );
    let record = bot.scratch.export()["meetings"][0]["record"].clone();
    assert_eq!(
        (record["version"].as_u64(), record["state"].as_str()),
        (Some(2), Some("approuve"))
    );
    bot.stop().await;
}

/// An action's owner is reminded once before its due date, and not again
/// when the bot restarts (the mark is written with the queued mail).
#[tokio::test]
async fn an_actions_reminder_goes_once_even_across_restarts() {
    let _mail = MAIL_SERVER.read().await;
    let mut bot = crate::mailserver::MailBot::new("seance-remind").await;
    bot.start();
    let (member, member_id) = bot.member_with_id("Arles").await;
    // Held around a table (the console): an action due in two days.
    let due = jiff::Zoned::now()
        .checked_add(jiff::SignedDuration::from_hours(48))
        .expect("date")
        .date();
    let out = bot.scratch.console(
        "@admin:example.test",
        &[
            "!reunion creer « Point rapide » 2030-12-03 18:00",
            "!seance ouvrir 1",
            &format!("!action {member_id} « Relire le compte rendu » echeance {due}"),
            "!seance clore",
        ],
    );
    assert!(
        out.contains("Action n°1 (entrée n°1)") && out.contains("Séance close"),
        "{out}"
    );
    // The scheduler runs at start and every minute: restart it for a new
    // run at once.
    bot.stop().await;
    bot.start();
    let reminder = member
        .wait_for("the reminder", |m| m.subject().starts_with("Rappel"))
        .await;
    assert!(
        reminder.body().contains("action n°1")
            && reminder.body().contains("Relire le compte rendu"),
        "{}",
        reminder.body()
    );
    crate::mailserver::no_second_reminder(&mut bot, &member).await;
}
