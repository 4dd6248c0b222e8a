//! The corpus: every sentence greffier's commands write, in French and in
//! English, gathered by a scripted scenario on the real SQLite store — every
//! command typed by every kind of sender (in a room, by mail, at the
//! console), each usage error, `!aide` for every command, a séance and
//! its compte rendu, polls, the digests, the clocks' reminders, the
//! notices — and read by real checkers: Grammalecte for French (0 grammar
//! error), hunspell's en_US dictionary for English (0 unknown word beyond
//! the reviewed list). docs/french.md says what is checked and how.
//!
//! The corpus files are written under the test build's temporary folder
//! (their path is printed), each line with where it came from beside it.

mod world;

use greffier_commands::{Context, Lang, Notice, Origin};
use greffier_corpus::{self as french, Corpus};
use world::World;
use world::network::{self, ADMIN, LEAD, MEMBER, MEMBER_EMAIL, OTHER, ROLES};

/// Lines typed by each kind of sender, each on a fresh copy of the
/// network (`world::network`): kept, refused, or malformed.
const LINES: &[&str] = &[
    "!aide",
    "!aide groupe",
    "!aide zzz",
    "!moi",
    "!moi organisation Istres",
    "!moi nom « Prénom NOUVEAU »",
    "!moi lier someone@example.test",
    "!moi confirmer 000000",
    "!moi oublier",
    "!moi oublier confirmer",
    "!moi oublier pour @member:example.test confirmer",
    "!groupe liste",
    "!groupe info messagerie",
    "!groupe info mesagerie",
    "!groupe rejoindre messagerie",
    "!groupe rejoindre mesagerie",
    "!groupe quitter messagerie",
    "!groupe proposer vehicules « Gestion des véhicules »",
    "!groupe proposer messagerie « Encore »",
    "!groupe soutenir courrier",
    "!groupe soutenir messagerie",
    "!groupe chef messagerie Arles",
    "!groupe lier messagerie",
    "!groupe salon creer messagerie",
    "!groupe diffusion creer messagerie",
    "!groupe modifier messagerie action « Migrer vers Postfix »",
    "!groupe modifier messagerie theme « Messagerie collaborative »",
    "!groupe archiver messagerie",
    "!groupe reactiver messagerie",
    "!projet statut messagerie « En production » version 2.1",
    "!projet jalon messagerie 2027-01-15 « Mise en service »",
    "!projet jalon messagerie 2020-01-15 « Trop tard »",
    "!reunion liste",
    "!reunion info 1",
    "!reunion info 99",
    "!reunion creer « Conférence DSI » 2026-12-20 09:30",
    "!reunion creer « Atelier » 2026-12-21 10:00 groupe messagerie",
    "!reunion creer « Atelier » 2020-12-21 10:00 groupe messagerie",
    "!reunion creer « Atelier » 2026-02-30 10:00",
    "!reunion modifier 1 lieu « Arles »",
    "!reunion modifier 1 date 2026-12-11 09:30",
    "!reunion ordre 1",
    "!reunion ordre 1 ajouter « Bilan »",
    "!reunion annuler 1",
    "!reunion archives",
    "!present 1",
    "!excuse 1 « congés »",
    "!peutetre 1",
    "!present 99",
    "!digest",
    "!digest messagerie",
    "!organisation liste",
    "!organisation info Berre",
    "!organisation accepter @pending:example.test",
    "!organisation refuser @pending:example.test",
    "!organisation domaine Berre berre.example",
    "!organisation renommer Berre « Berre-l'Étang »",
    "!organisation fusionner Arles Vitrolles",
    "!personne info @member:example.test",
    "!personne adresse @pending:example.test pending@berre.example",
    "!personne matrix @pending:example.test @pending2:berre.example",
    "!personne renommer @other:example.test « Olivier AUTRE »",
    "!personne fusionner @member:example.test @other:example.test",
    "!logiciel liste",
    "!logiciel info SPIP",
    "!logiciel info koah",
    "!logiciel ajouter Koha",
    "!logiciel ajouter Koha pour Berre",
    "!logiciel retirer SPIP",
    "!logiciel supprimer SPIP",
    "!sondage creer « Date » 2026-12-28 2026-12-29 groupe messagerie",
    "!sondage creer « Date » 2026-02-30 2026-12-29",
    "!sondage creer « Date » 2026-12-28",
    "!sondage liste",
    "!action liste",
    "!compte-rendu approuver 1",
    "!seance ouvrir 1",
    "!note « trop tôt »",
];

fn mail(from: &str, line: &str) -> Origin {
    Origin::Email {
        from: from.into(),
        message_id: Some("<corpus@arles.example>".into()),
        subject: line.into(),
        references: Vec::new(),
    }
}

/// Every line of [`LINES`] by every kind of sender in the group's room,
/// then by the member by mail and by the admin at the console.
fn every_line_by_everyone(c: &mut Corpus) {
    for line in LINES {
        for (role, who) in ROLES {
            let mut w = network::network(c.lang);
            let (reply, _, actions) = w.said(who, line);
            c.add(&format!("{line} ({role})"), &reply);
            c.actions(&format!("{line} ({role}), effects"), &actions);
        }
        let mut w = network::network(c.lang);
        w.address(MEMBER, MEMBER_EMAIL);
        let (reply, _, actions) = w.said_from(MEMBER_EMAIL, line, mail(MEMBER_EMAIL, line));
        c.add(&format!("{line} (member, by mail)"), &reply);
        c.actions(&format!("{line} (member, by mail), effects"), &actions);
        let (reply, _, actions) = w.said_from(ADMIN, line, Origin::Console);
        c.add(&format!("{line} (admin, console)"), &reply);
        c.actions(&format!("{line} (admin, console), effects"), &actions);
    }
}

/// `!aide` for each command it lists, and each command typed bare and
/// with a word too many or wrong: the usage errors.
fn help_and_usage_errors(c: &mut Corpus) {
    let mut w = network::network(c.lang);
    let (list, _, _) = w.said(ADMIN, "!aide");
    let commands: Vec<String> = list
        .lines()
        .filter_map(|l| l.strip_prefix("• "))
        .map(|l| {
            l.split_whitespace()
                .take_while(|w| !w.starts_with(['<', '[', '«', '—', '"', '“']))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert!(commands.len() > 40, "the commands !aide lists: {list}");
    for command in &commands {
        let topic = command.trim_start_matches('!');
        for line in [
            format!("!aide {topic}"),
            command.clone(),
            format!("{command} zzz"),
            format!("{command} 1 2 3 4 5 6 7 8 9"),
        ] {
            let (reply, _, actions) = w.said(LEAD, &line);
            c.add(&line, &reply);
            c.actions(&format!("{line}, effects"), &actions);
        }
    }
}

/// A meeting of "messagerie" with an agenda, a séance held in its room,
/// actions, the compte rendu reviewed, remarked upon and approved; a poll
/// voted on and closed; then the clocks: reminders, actions due, polls'
/// closing.
fn a_meeting_from_invitation_to_record(c: &mut Corpus) {
    let mut w = network::network(c.lang);
    w.address(MEMBER, MEMBER_EMAIL);
    let room = network::room("!messagerie:example.test");
    let script: &[(&str, &str)] = &[
        (LEAD, "!reunion ordre 1 ajouter « Tour de table »"),
        (LEAD, "!reunion ordre 1 ajouter « Migration vers Postfix »"),
        (LEAD, "!reunion ordre 1 deplacer 2 1"),
        (LEAD, "!reunion redacteur 1 @member:example.test"),
        (LEAD, "!reunion modifier 1 lieu « Mairie de Berre »"),
        (MEMBER, "!present 1"),
        (OTHER, "!excuse 1 « congés »"),
        (
            LEAD,
            "!sondage creer « Prochain atelier » 2026-12-28 14:00 2026-12-29 groupe messagerie",
        ),
        (MEMBER, "!sondage voter 1 1"),
        (LEAD, "!sondage voter 1 1 2"),
        (LEAD, "!sondage resultats 1"),
        (LEAD, "!sondage clore 1"),
        (LEAD, "!sondage liste"),
        (LEAD, "!digest messagerie"),
        (ADMIN, "!digest"),
    ];
    for (who, line) in script {
        let (reply, _, actions) = w.said_from(who, line, room.clone());
        c.add(line, &reply);
        c.actions(&format!("{line}, effects"), &actions);
    }
    clocks(c, &mut w, "before the meeting", "2026-12-08T08:00:00Z");
    w.ctx.now = "2026-12-10T13:30:00Z".parse().expect("the meeting's hour");
    let seance: &[(&str, &str)] = &[
        (MEMBER, "!seance ouvrir"),
        (MEMBER, "!point"),
        (MEMBER, "!note « Chacun présente son service »"),
        (MEMBER, "!point 2"),
        (MEMBER, "!decision « Vitrolles migre en janvier »"),
        (
            MEMBER,
            "!action Berre « Documenter la migration » echeance 2026-12-15",
        ),
        (
            MEMBER,
            "!action @other:example.test « Planifier la bascule » echeance 2027-01-10",
        ),
        (MEMBER, "!action liste"),
        (MEMBER, "!presence Vitrolles excuse"),
        (LEAD, "!ici"),
        (MEMBER, "!corriger 3 « Vitrolles migre en février »"),
        (MEMBER, "!retirer 2"),
        (MEMBER, "!retirer 9"),
        (MEMBER, "!seance clore"),
        (
            OTHER,
            "!compte-rendu remarque 1 « Il manque la date de la bascule »",
        ),
        (MEMBER, "!compte-rendu remarques 1"),
        (LEAD, "!compte-rendu approuver 1"),
        (LEAD, "!action faite 1 « publié sur le wiki »"),
        (LEAD, "!action echeance 2 2027-02-01"),
        (LEAD, "!action abandonner 2"),
        (LEAD, "!reunion archives"),
        (LEAD, "!reunion info 1"),
    ];
    for (who, line) in seance {
        let (reply, _, actions) = w.said_from(who, line, room.clone());
        c.add(line, &reply);
        c.actions(&format!("{line}, effects"), &actions);
    }
    let (reply, _) = w.mail_reply(MEMBER_EMAIL, "draft@example.test", "Je serai présent");
    c.add("a mail reply", &reply);
    clocks(c, &mut w, "after the meeting", "2026-12-16T08:00:00Z");
    clocks(c, &mut w, "a month after", "2027-01-20T08:00:00Z");
}

/// What the clocks send at `when`: reminders of meetings and of polls,
/// polls closed, actions due.
fn clocks(c: &mut Corpus, w: &mut World, what: &str, when: &str) {
    w.ctx.now = when.parse().expect("a time");
    let ctx: Context = w.ctx.clone();
    let actions =
        w.db.write(ctx.now, |tx| {
            let mut all = greffier_commands::reminders_due(tx, &ctx, 3)?;
            all.extend(greffier_commands::polls_due(tx, &ctx)?);
            all.extend(greffier_commands::actions_due(tx, &ctx)?);
            Ok(all)
        })
        .expect("the clocks");
    c.actions(&format!("the clocks, {what}"), &actions);
}

/// Every notice, as the adapters say it.
fn notices(c: &mut Corpus) {
    let title = "Atelier messagerie".to_string();
    let all = [
        Notice::Welcome,
        Notice::Apology,
        Notice::UnknownSender {
            address: "inconnu@example.test".into(),
        },
        Notice::NoCommand,
        Notice::NotACommand,
        Notice::NotYourInvitation {
            meeting: 3,
            title: title.clone(),
        },
        Notice::MeetingCancelled {
            meeting: 3,
            title: title.clone(),
        },
        Notice::UnclearAnswer {
            meeting: 3,
            title: title.clone(),
        },
        Notice::NotYourPoll {
            poll: 2,
            title: title.clone(),
        },
        Notice::AddressVerified {
            address: "ines@istres.example".into(),
        },
        Notice::EmptyRemark {
            meeting: 3,
            title: title.clone(),
        },
        Notice::UnclearPollAnswer {
            poll: 2,
            title: title.clone(),
            dates: match c.lang {
                Lang::Fr => "1. lundi 28 décembre 2026\n2. mardi 29 décembre 2026".into(),
                Lang::En => "1. Monday December 28, 2026\n2. Tuesday December 29, 2026".into(),
            },
        },
        Notice::TooManyCommands { per_hour: 30 },
        Notice::ConfirmationNeeded {
            held: vec!["!groupe rejoindre messagerie".into()],
            hours: 24,
        },
        Notice::AlreadyConfirmed,
        Notice::ConfirmationExpired { hours: 24 },
        Notice::LineTooLong { max: 4096 },
        Notice::NotUtf8,
        Notice::ForeignServer {
            server: "matrix.example.org".into(),
        },
    ];
    for notice in all {
        c.add(&format!("{notice:?}"), &notice.text(c.lang, "!"));
    }
}

/// The words of the commands in both languages, read from `!aide`:
/// what the corpus masks.
fn vocabulary() -> std::collections::BTreeSet<String> {
    let mut words = std::collections::BTreeSet::new();
    for lang in [Lang::Fr, Lang::En] {
        let mut w = network::network(lang);
        let (list, _, _) = w.said(ADMIN, "!aide");
        french::vocabulary_from_help(&list, &mut words);
    }
    words
}

/// The whole scenario in `lang`.
fn corpus(lang: Lang) -> Corpus {
    let mut c = Corpus::new(lang, vocabulary());
    every_line_by_everyone(&mut c);
    help_and_usage_errors(&mut c);
    a_meeting_from_invitation_to_record(&mut c);
    notices(&mut c);
    c
}

/// Where the corpus files are written: beside this test's build.
fn tmp() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
}

#[test]
fn every_french_sentence_passes_grammalecte() {
    french::check_french(&corpus(Lang::Fr), tmp(), "commands.fr");
}

#[test]
fn every_english_sentence_is_spelled() {
    french::check_english(&corpus(Lang::En), tmp(), "commands.en");
}
