//! Table tests of the parser: every command of SPEC.md, with and without
//! accents, in any case, with both quote styles, English aliases, typos and
//! garbage.

use crate::Command;
use crate::cmd::groupe::{
    Groupe, chef::Chef, info::Info, lier::Lier, liste::Liste, proposer::Proposer, quitter::Quitter,
    rejoindre::Rejoindre, soutenir::Soutenir,
};
use crate::cmd::moi::{Moi, confirmer::Confirmer, lier::Lier as LierEmail};
use crate::cmd::projet::{Projet, jalon::Jalon, statut::Statut};
use crate::cmd::reunion::{
    Reunion, annuler::Annuler, creer::Creer, liste::Liste as ReunionListe, modifier::Modifier,
    presences::Presences,
};
use crate::cmd::rsvp::{Answer, Given, Rsvp};
use crate::cmd::{aide::Aide, digest::Digest, moi::organisation::Organisation};
use crate::lang::Lang;
use crate::parse::{ParseErrorKind, parse};
use jiff::civil::{date, time};

fn ok(line: &str) -> Command {
    match parse("!", line) {
        Ok(Some(c)) => c,
        other => panic!("{line:?} should parse, got {other:?}"),
    }
}

fn err(line: &str) -> ParseErrorKind {
    match parse("!", line) {
        Err(e) => e.kind,
        other => panic!("{line:?} should be an error, got {other:?}"),
    }
}

fn s(x: &str) -> String {
    x.to_string()
}

#[test]
fn help() {
    for line in ["!aide", "!AIDE", "!Aide", "!help", "!aides"] {
        assert_eq!(ok(line), Command::Aide(Aide { topic: None }), "{line}");
    }
    assert_eq!(
        ok("!aide groupe rejoindre"),
        Command::Aide(Aide {
            topic: Some(s("groupe rejoindre"))
        })
    );
}

#[test]
fn group_list_and_info() {
    for line in [
        "!groupe liste",
        "!GROUPE LISTE",
        "!group list",
        "!Groupes Liste",
        "  !groupe liste",
    ] {
        assert_eq!(ok(line), Command::Groupe(Groupe::Liste(Liste)), "{line}");
    }
    for (line, group) in [
        ("!groupe info messagerie", "messagerie"),
        ("!group info Messagerie", "Messagerie"),
        (
            "!groupe info \"Gestion du courrier\"",
            "Gestion du courrier",
        ),
        (
            "!groupe info « Gestion du courrier »",
            "Gestion du courrier",
        ),
        ("!groupe info Gestion du courrier", "Gestion du courrier"),
    ] {
        assert_eq!(
            ok(line),
            Command::Groupe(Groupe::Info(Info { group: s(group) })),
            "{line}"
        );
    }
}

#[test]
fn group_join_leave_support_link() {
    let table: &[(&str, Command)] = &[
        (
            "!groupe rejoindre messagerie",
            Command::Groupe(Groupe::Rejoindre(Rejoindre {
                group: s("messagerie"),
            })),
        ),
        (
            "!GROUPE REJOINDRE MESSAGERIE",
            Command::Groupe(Groupe::Rejoindre(Rejoindre {
                group: s("MESSAGERIE"),
            })),
        ),
        (
            "!group join messagerie",
            Command::Groupe(Groupe::Rejoindre(Rejoindre {
                group: s("messagerie"),
            })),
        ),
        (
            "!groupe quitter courrier",
            Command::Groupe(Groupe::Quitter(Quitter {
                group: s("courrier"),
            })),
        ),
        (
            "!group leave courrier",
            Command::Groupe(Groupe::Quitter(Quitter {
                group: s("courrier"),
            })),
        ),
        (
            "!groupe soutenir véhicules",
            Command::Groupe(Groupe::Soutenir(Soutenir {
                group: s("véhicules"),
            })),
        ),
        (
            "!group support vehicules",
            Command::Groupe(Groupe::Soutenir(Soutenir {
                group: s("vehicules"),
            })),
        ),
        (
            "!groupe lier openelec",
            Command::Groupe(Groupe::Lier(Lier {
                group: s("openelec"),
            })),
        ),
        (
            "!group link openelec",
            Command::Groupe(Groupe::Lier(Lier {
                group: s("openelec"),
            })),
        ),
    ];
    for (line, want) in table {
        assert_eq!(&ok(line), want, "{line}");
    }
}

#[test]
fn group_lead_takes_a_multi_word_organisation() {
    for (line, org) in [
        ("!groupe chef openfoncier Arles", "Arles"),
        ("!groupe chef openfoncier Ouest Provence", "Ouest Provence"),
        (
            "!group lead openfoncier « Châteauneuf-les-Martigues »",
            "Châteauneuf-les-Martigues",
        ),
    ] {
        assert_eq!(
            ok(line),
            Command::Groupe(Groupe::Chef(Chef {
                group: s("openfoncier"),
                organisation: s(org)
            })),
            "{line}"
        );
    }
    assert_eq!(
        err("!groupe chef openfoncier"),
        ParseErrorKind::Missing(crate::parse::Arg::Organisation)
    );
}

#[test]
fn group_propose_with_options_in_both_quote_styles() {
    let table: &[(&str, Proposer)] = &[
        (
            "!groupe proposer messagerie \"Messagerie libre\"",
            Proposer {
                slug: s("messagerie"),
                theme: s("Messagerie libre"),
                initiative: None,
                action: None,
            },
        ),
        (
            "!groupe proposer messagerie « Messagerie libre » initiative Berre action « Présentation de la solution »",
            Proposer {
                slug: s("messagerie"),
                theme: s("Messagerie libre"),
                initiative: Some(s("Berre")),
                action: Some(s("Présentation de la solution")),
            },
        ),
        (
            "!group propose courrier \"Gestion du courrier\" action \"Présentation openCourrier\" initiative Ouest Provence",
            Proposer {
                slug: s("courrier"),
                theme: s("Gestion du courrier"),
                initiative: Some(s("Ouest Provence")),
                action: Some(s("Présentation openCourrier")),
            },
        ),
        (
            "!GROUPE PROPOSER Vehicules Gestion des véhicules",
            Proposer {
                slug: s("vehicules"),
                theme: s("Gestion des véhicules"),
                initiative: None,
                action: None,
            },
        ),
        (
            "!groupe proposer main-courante “Main courante”",
            Proposer {
                slug: s("main-courante"),
                theme: s("Main courante"),
                initiative: None,
                action: None,
            },
        ),
    ];
    for (line, want) in table {
        assert_eq!(
            ok(line),
            Command::Groupe(Groupe::Proposer(want.clone())),
            "{line}"
        );
    }
    assert!(matches!(
        err("!groupe proposer \"bad slug!\" \"x\""),
        ParseErrorKind::BadSlug(_)
    ));
    assert!(matches!(
        err("!groupe proposer a \"x\""),
        ParseErrorKind::BadSlug(_)
    ));
    assert_eq!(
        err("!groupe proposer messagerie"),
        ParseErrorKind::Missing(crate::parse::Arg::Theme)
    );
    assert_eq!(
        err("!groupe proposer"),
        ParseErrorKind::Missing(crate::parse::Arg::Slug)
    );
}

#[test]
fn project_status_and_milestone() {
    assert_eq!(
        ok("!projet statut openelec \"Recette en cours\" version 2.04"),
        Command::Projet(Projet::Statut(Statut {
            group: s("openelec"),
            text: s("Recette en cours"),
            version: Some(s("2.04"))
        }))
    );
    assert_eq!(
        ok("!project status openelec « Recette en cours »"),
        Command::Projet(Projet::Statut(Statut {
            group: s("openelec"),
            text: s("Recette en cours"),
            version: None
        }))
    );
    // Unquoted text; "version" followed by more than one word is text.
    assert_eq!(
        ok("!PROJET STATUT openelec la version 2 est en recette"),
        Command::Projet(Projet::Statut(Statut {
            group: s("openelec"),
            text: s("la version 2 est en recette"),
            version: None
        }))
    );
    assert_eq!(
        ok("!projet jalon openfoncier 2007-10-01 \"Permis de construire opérationnels\""),
        Command::Projet(Projet::Jalon(Jalon {
            group: s("openfoncier"),
            date: date(2007, 10, 1),
            text: s("Permis de construire opérationnels")
        }))
    );
    assert_eq!(
        ok("!project milestone openfoncier 01/10/2007 Permis"),
        Command::Projet(Projet::Jalon(Jalon {
            group: s("openfoncier"),
            date: date(2007, 10, 1),
            text: s("Permis")
        }))
    );
    assert!(matches!(
        err("!projet jalon openfoncier 2007-13-01 \"x\""),
        ParseErrorKind::BadDate(_)
    ));
    assert!(matches!(
        err("!projet jalon openfoncier demain \"x\""),
        ParseErrorKind::BadDate(_)
    ));
    assert_eq!(
        err("!projet statut openelec"),
        ParseErrorKind::Missing(crate::parse::Arg::Text)
    );
    assert!(matches!(
        err("!projet avancement x"),
        ParseErrorKind::UnknownSubcommand(_)
    ));
}

#[test]
fn meetings() {
    assert_eq!(
        ok(
            "!reunion creer \"2e Conférence DSI 13\" 2007-10-15 14:00 lieu « Mairie d'Arles » groupe openelec"
        ),
        Command::Reunion(Reunion::Creer(Creer {
            title: s("2e Conférence DSI 13"),
            date: date(2007, 10, 15),
            time: time(14, 0, 0, 0),
            place: Some(s("Mairie d'Arles")),
            group: Some(s("openelec")),
        }))
    );
    assert_eq!(
        ok("!réunion créer Point OpenElec 2007-10-15 9h30"),
        Command::Reunion(Reunion::Creer(Creer {
            title: s("Point OpenElec"),
            date: date(2007, 10, 15),
            time: time(9, 30, 0, 0),
            place: None,
            group: None,
        }))
    );
    assert_eq!(
        ok("!meeting create \"Kick-off\" 2026-12-01 10:00 place Istres"),
        Command::Reunion(Reunion::Creer(Creer {
            title: s("Kick-off"),
            date: date(2026, 12, 1),
            time: time(10, 0, 0, 0),
            place: Some(s("Istres")),
            group: None,
        }))
    );
    assert_eq!(
        ok("!reunion modifier 3 date 2007-10-16 heure 10:00 lieu \"Istres\""),
        Command::Reunion(Reunion::Modifier(Modifier {
            id: 3,
            date: Some(date(2007, 10, 16)),
            time: Some(time(10, 0, 0, 0)),
            place: Some(s("Istres"))
        }))
    );
    assert_eq!(
        ok("!meeting update #3 time 11:15"),
        Command::Reunion(Reunion::Modifier(Modifier {
            id: 3,
            date: None,
            time: Some(time(11, 15, 0, 0)),
            place: None
        }))
    );
    assert_eq!(
        ok("!reunion annuler 3"),
        Command::Reunion(Reunion::Annuler(Annuler { id: 3 }))
    );
    assert_eq!(
        ok("!meeting cancel #3"),
        Command::Reunion(Reunion::Annuler(Annuler { id: 3 }))
    );
    assert_eq!(
        ok("!REUNION LISTE"),
        Command::Reunion(Reunion::Liste(ReunionListe))
    );
    assert_eq!(
        ok("!meeting list"),
        Command::Reunion(Reunion::Liste(ReunionListe))
    );
    assert_eq!(
        ok("!reunion présences"),
        Command::Reunion(Reunion::Presences(Presences { id: None }))
    );
    assert_eq!(
        ok("!reunion presences 2"),
        Command::Reunion(Reunion::Presences(Presences { id: Some(2) }))
    );
    assert_eq!(
        ok("!meeting attendance 2"),
        Command::Reunion(Reunion::Presences(Presences { id: Some(2) }))
    );
    assert_eq!(err("!reunion modifier 3"), ParseErrorKind::NothingToChange);
    // The hour right after the date, as `!reunion creer` takes them.
    assert_eq!(
        ok("!reunion modifier 3 date 2026-12-11 09:30"),
        Command::Reunion(Reunion::Modifier(Modifier {
            id: 3,
            date: Some(date(2026, 12, 11)),
            time: Some(time(9, 30, 0, 0)),
            place: None
        }))
    );
    assert!(matches!(
        err("!reunion annuler trois"),
        ParseErrorKind::BadMeetingId(_)
    ));
    assert!(matches!(
        err("!reunion creer \"x\" 2007-10-15 25:00"),
        ParseErrorKind::BadTime(_)
    ));
    assert_eq!(
        err("!reunion creer \"x\" 2007-10-15"),
        ParseErrorKind::Missing(crate::parse::Arg::Time)
    );
}

#[test]
fn rsvps_and_their_aliases() {
    let r = |answer, meeting, reason: Option<&str>| {
        Command::Rsvp(Rsvp {
            answer,
            meeting,
            reason: reason.map(s),
            given: Given::Typed,
        })
    };
    let table: &[(&str, Command)] = &[
        ("!present", r(Answer::Present, None, None)),
        ("!présent", r(Answer::Present, None, None)),
        ("!PRÉSENT 4", r(Answer::Present, Some(4), None)),
        ("!Présente", r(Answer::Present, None, None)),
        ("!oui", r(Answer::Present, None, None)),
        ("!yes #4", r(Answer::Present, Some(4), None)),
        ("!excuse", r(Answer::Excused, None, None)),
        (
            "!excusé 4 \"je suis en congés\"",
            r(Answer::Excused, Some(4), Some("je suis en congés")),
        ),
        (
            "!Excusée « réunion à la Métropole »",
            r(Answer::Excused, None, Some("réunion à la Métropole")),
        ),
        (
            "!absent je suis en congés",
            r(Answer::Excused, None, Some("je suis en congés")),
        ),
        ("!non", r(Answer::Excused, None, None)),
        ("!no 2", r(Answer::Excused, Some(2), None)),
        ("!peutetre", r(Answer::Tentative, None, None)),
        ("!peut-être 5", r(Answer::Tentative, Some(5), None)),
        ("!PEUT-ETRE", r(Answer::Tentative, None, None)),
        ("!maybe", r(Answer::Tentative, None, None)),
    ];
    for (line, want) in table {
        assert_eq!(&ok(line), want, "{line}");
    }
    assert!(matches!(
        err("!present demain"),
        ParseErrorKind::Unexpected(_)
    ));
}

#[test]
fn digest_and_me() {
    assert_eq!(ok("!digest"), Command::Digest(Digest { group: None }));
    assert_eq!(
        ok("!DIGEST openelec"),
        Command::Digest(Digest {
            group: Some(s("openelec"))
        })
    );
    assert_eq!(ok("!moi"), Command::Moi(Moi::Montrer));
    assert_eq!(ok("!me"), Command::Moi(Moi::Montrer));
    assert_eq!(
        ok("!moi organisation Ouest Provence"),
        Command::Moi(Moi::Organisation(Organisation {
            name: s("Ouest Provence"),
            new: false
        }))
    );
    assert_eq!(
        ok("!me organization « Châteauneuf-les-Martigues »"),
        Command::Moi(Moi::Organisation(Organisation {
            name: s("Châteauneuf-les-Martigues"),
            new: false
        }))
    );
    assert_eq!(
        ok("!moi organisation Martigus nouvelle"),
        Command::Moi(Moi::Organisation(Organisation {
            name: s("Martigus"),
            new: true
        }))
    );
    assert_eq!(
        ok("!moi lier Nicolas.Issart@Arles.example"),
        Command::Moi(Moi::Lier(LierEmail {
            email: s("nicolas.issart@arles.example")
        }))
    );
    assert_eq!(
        ok("!me link mailto:bob@example.test"),
        Command::Moi(Moi::Lier(LierEmail {
            email: s("bob@example.test")
        }))
    );
    assert_eq!(
        ok("!moi confirmer 482913"),
        Command::Moi(Moi::Confirmer(Confirmer { code: s("482913") }))
    );
    assert_eq!(
        ok("!me confirm 482913"),
        Command::Moi(Moi::Confirmer(Confirmer { code: s("482913") }))
    );
    assert!(matches!(
        err("!moi lier pas-une-adresse"),
        ParseErrorKind::BadEmail(_)
    ));
    assert!(matches!(err("!moi lier a@b"), ParseErrorKind::BadEmail(_)));
    assert!(matches!(
        err("!moi devenir admin"),
        ParseErrorKind::UnknownSubcommand(_)
    ));
}

#[test]
fn not_for_the_bot() {
    for line in [
        "",
        "   ",
        "bonjour à tous",
        "je serai présent",
        "groupe liste",
        "?groupe liste",
        "ok !groupe liste",
    ] {
        assert_eq!(parse("!", line), Ok(None), "{line:?}");
    }
}

#[test]
fn typos_and_garbage_are_errors_with_usage() {
    let table: &[(&str, &str)] = &[
        ("!grupe liste", "commande inconnue « grupe »"),
        ("!groupe lister", "sous-commande inconnue « lister »"),
        ("!groupe", "sous-commande manquante"),
        (
            "!groupe rejoindre",
            "il manque le groupe — syntaxe : !groupe rejoindre <groupe>",
        ),
        (
            "!groupe info \"Gestion du courrier",
            "guillemet \" non refermé — syntaxe : !groupe info <groupe>",
        ),
        ("!groupe proposer x « Thème", "guillemet « non refermé"),
        (
            "!groupe liste en trop",
            "argument en trop « en » — syntaxe : !groupe liste",
        ),
        ("!", "commande manquante"),
        ("!!!", "commande inconnue"),
        // Control characters are dropped: nothing is left of the command.
        ("!\u{0}\u{1}\u{7f}", "commande manquante"),
        (
            "!reunion",
            "sous-commande manquante — syntaxe : !reunion creer|",
        ),
    ];
    for (line, want) in table {
        let e = parse("!", line).expect_err(line);
        let text = e.render(Lang::Fr, "!");
        assert!(text.starts_with("Erreur : "), "{line}: {text}");
        assert!(
            text.contains(want),
            "{line}: {text:?} should contain {want:?}"
        );
        assert!(!text.contains('\n'), "{line}: one line: {text:?}");
    }
}

#[test]
fn errors_in_english() {
    let e = parse("!", "!group join").expect_err("missing");
    assert_eq!(
        e.render(Lang::En, "!"),
        "Error: the group is missing — usage: !group join <group>"
    );
}

#[test]
fn another_prefix() {
    assert_eq!(
        parse("?", "?groupe liste"),
        Ok(Some(Command::Groupe(Groupe::Liste(Liste))))
    );
    assert_eq!(parse("?", "!groupe liste"), Ok(None));
    let e = parse("?", "?groupe rejoindre").expect_err("missing");
    assert!(
        e.render(Lang::Fr, "?")
            .contains("syntaxe : ?groupe rejoindre <groupe>")
    );
}

#[test]
fn very_long_and_odd_input_never_panics() {
    let long = format!("!groupe info {}", "x".repeat(10 * 1024 * 1024));
    assert_eq!(err(&long), ParseErrorKind::TooLong);
    let long_theme = format!("!groupe proposer abc \"{}\"", "y".repeat(600));
    assert_eq!(
        err(&long_theme),
        ParseErrorKind::TooLongArg(crate::parse::Arg::Theme)
    );
    for line in [
        "!groupe info «»",
        "!groupe info \"\"",
        "!« »",
        "!\"\"",
        "!groupe «",
        "!moi lier «a@b.c»",
        "!excuse 99999999999999999999",
        "!present #0",
        "!reunion creer \" \" 2007-02-30 10:00",
    ] {
        let _ = parse("!", line);
    }
    assert_eq!(
        err("!groupe info \"\""),
        ParseErrorKind::Missing(crate::parse::Arg::Group)
    );
    assert!(matches!(
        err("!reunion creer \"x\" 2007-02-30 10:00"),
        ParseErrorKind::NoSuchDate(_)
    ));
}

/// The table drives the parser, the usage lines and `!aide`: every word of
/// every entry, at each level, means what the entry's first word means and
/// gets the entry's usage line when what follows is malformed.
#[test]
fn every_alias_gets_its_usage_line() {
    use crate::cmd::TABLE;
    use crate::parse::{Entry, Kind};
    let same = |a: &str, b: &str| {
        let (x, y) = (parse("!", a), parse("!", b));
        match (&x, &y) {
            (Ok(x), Ok(y)) => assert_eq!(x, y, "{a} / {b}"),
            (Err(x), Err(y)) => assert_eq!((&x.kind, x.usage), (&y.kind, y.usage), "{a} / {b}"),
            _ => panic!("{a} → {x:?} but {b} → {y:?}"),
        }
    };
    let unique = |entries: &[Entry]| {
        let mut seen = std::collections::HashSet::new();
        for w in entries.iter().flat_map(|e| e.words.iter()) {
            assert_eq!(crate::text::keyword(w), *w, "{w}: keyword form");
            assert!(seen.insert(*w), "{w} names two commands");
        }
    };
    unique(TABLE);
    let mut checked = 0;
    for entry in TABLE {
        let first = entry.words[0];
        for word in entry.words {
            match &entry.kind {
                Kind::One { usage, .. } => {
                    let line = format!("!{word} \"x");
                    let e = parse("!", &line).expect_err(&line);
                    assert_eq!(e.usage, Some(*usage), "{line}");
                    assert!(
                        e.render(Lang::Fr, "!")
                            .contains(&format!("syntaxe : {}", usage.fr)),
                        "{line}"
                    );
                    same(&format!("!{first} 3"), &format!("!{word} 3"));
                    checked += 1;
                }
                Kind::Family { usage, subs, .. } => {
                    unique(subs);
                    let line = format!("!{word} zzz");
                    assert_eq!(parse("!", &line).expect_err(&line).usage, Some(*usage));
                    for sub in subs.iter() {
                        let sub_first = sub.words[0];
                        for sub_word in sub.words {
                            let line = format!("!{word} {sub_word} \"x");
                            let e = parse("!", &line).expect_err(&line);
                            assert_eq!(e.usage, Some(sub.usage(None)), "{line}");
                            same(
                                &format!("!{first} {sub_first} messagerie"),
                                &format!("!{word} {sub_word} messagerie"),
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 80, "only {checked} aliases checked");
    // What used to lose its usage line.
    let e = parse("!", "!groupes rejoindre \"x").expect_err("unbalanced");
    assert_eq!(e.usage, Some(&crate::cmd::groupe::rejoindre::USAGE));
}
