//! The permission matrix: every state-changing command, typed by each kind
//! of sender, on a fresh copy of the same small world (real SQLite). Each
//! cell says whether the change is kept, and the reply's wording.
//!
//! The senders and their world: `world::network`.
//!
//! An email sender that is not a verified address never reaches the
//! commands (the mail adapter refuses it, see tests/integration/mail.rs);
//! `an_unverified_mail_sender_is_unknown_everywhere` below checks that the
//! commands treat one as unknown too.

mod world;

use world::World;

use greffier_commands::store::Identity;
use greffier_commands::{Context, Lang, Origin, Request, execute};

use world::network::{ROLES, ctx as lang_ctx, member_code, network};

fn ctx() -> Context {
    lang_ctx(Lang::Fr)
}

fn world() -> World {
    network(Lang::Fr)
}

/// What a cell expects: the change kept, or refused with this wording; or
/// refused with only the attempt counted (a wrong link code is a guess
/// counted against the sender: the state does not change).
#[derive(Debug, Clone, Copy)]
enum Cell {
    Kept(&'static str),
    Refused(&'static str),
    Counted(&'static str),
}
use Cell::{Counted, Kept, Refused};

const NOT_ADMIN: &str = "Refusé : réservé aux administrateurs.";
const NOT_CHIEF: &str =
    "Refusé : réservé aux administrateurs et aux membres de l'organisation chef de projet.";
const NOT_LEAD: &str =
    "Refusé : réservé aux membres de l'organisation chef de projet et aux administrateurs.";
const NOT_ORGANISER: &str =
    "Refusé : réservé aux administrateurs et, pour une réunion de groupe, au chef de projet.";
const NOT_MANAGER: &str = "Refusé : réservé aux administrateurs et au chef de projet du groupe.";
const NOT_APPROVER: &str = "Refusé : réservé aux administrateurs, à l'organisation qui a organisé la réunion et au chef de projet du groupe.";
const NOT_HELD_YET: &str =
    "La réunion n°1 n'a pas encore eu lieu : son compte rendu s'approuve après.";
const PENDING_BERRE: &str = "Refusé pour l'instant : votre appartenance à Berre attend confirmation ; un membre confirmé de Berre ou un administrateur peut la confirmer.";
const NOT_CONFIRMER: &str =
    "Refusé : réservé aux administrateurs et aux membres confirmés de l'organisation.";
const NOT_BERRE: &str = "Refusé : réservé aux administrateurs et aux membres confirmés de Berre.";
const NOT_FORGETTER: &str = "Refusé : réservé aux administrateurs d'effacer quelqu'un d'autre.";
const NOT_OURS: &str = "Refusé : seul un administrateur peut déclarer les logiciels d'une autre organisation que la vôtre";
const NOT_POLLER: &str =
    "Refusé : réservé aux administrateurs et, pour un sondage de groupe, au chef de projet.";
const ERASED: &str = "C'est fait : la personne est effacée";
const NO_ORG: &str = "Indiquez d'abord votre organisation : !moi organisation <organisation>";
const NOT_INVITED: &str = "Vous ne figurez pas parmi les invités de la réunion n°1.";
const STRANGER: &str = "Je ne vous connais pas encore : indiquez votre organisation avec !moi organisation <organisation>.";
const NOT_A_MEMBER: &str = "Vous n'êtes pas membre du groupe « Messagerie libre » (messagerie).";
const ALREADY_A_MEMBER: &str = "Vous êtes déjà membre du groupe « Messagerie libre » (messagerie).";
const ORG_IS_SET: &str = "seul un administrateur peut la changer.";
const CODE_SENT: &str = "Un code vient d'être envoyé à someone@example.test";
const BAD_CODE: &str = "pas valable";

/// Every state-changing command, and what each sender gets, in the order
/// of ROLES: admin, lead, pending, member, other, unknown. `{code}` is the code
/// mailed to the member.
const MATRIX: &[(&str, [Cell; 6])] = &[
    (
        "!groupe rejoindre messagerie",
        [
            Kept("Aix en est membre."),
            Refused(ALREADY_A_MEMBER),
            Refused(ALREADY_A_MEMBER),
            Refused(ALREADY_A_MEMBER),
            Kept("Vitrolles en est membre."),
            Refused(NO_ORG),
        ],
    ),
    (
        "!groupe quitter messagerie",
        [
            Refused(NOT_A_MEMBER),
            Kept("Berre n'en est plus membre."),
            Kept("Vous avez quitté le groupe"),
            Kept("Arles n'en est plus membre."),
            Refused(NOT_A_MEMBER),
            Refused(NOT_A_MEMBER),
        ],
    ),
    (
        "!groupe proposer vehicules « Gestion des véhicules »",
        [
            Kept("proposé à l'initiative d'Aix. Soutiens : 1/2."),
            Kept("proposé à l'initiative de Berre. Soutiens : 1/2."),
            Refused(PENDING_BERRE),
            Kept("proposé à l'initiative d'Arles. Soutiens : 1/2."),
            Kept("proposé à l'initiative de Vitrolles. Soutiens : 1/2."),
            Refused(NO_ORG),
        ],
    ),
    (
        "!groupe soutenir courrier",
        [
            Kept("Aix soutient le groupe « Gestion du courrier ». Quorum atteint (2/2)"),
            Kept("Berre soutient le groupe « Gestion du courrier ». Quorum atteint (2/2)"),
            Refused(PENDING_BERRE),
            Kept("Arles soutient le groupe « Gestion du courrier ». Quorum atteint (2/2)"),
            Refused("Vitrolles soutient déjà le groupe « Gestion du courrier »."),
            Refused(NO_ORG),
        ],
    ),
    (
        "!groupe chef messagerie Arles",
        [
            Kept("Chef de projet du groupe « Messagerie libre » : Arles."),
            Kept("Chef de projet du groupe « Messagerie libre » : Arles."),
            Refused(PENDING_BERRE),
            Refused(NOT_CHIEF),
            Refused(NOT_CHIEF),
            Refused(NOT_CHIEF),
        ],
    ),
    (
        "!groupe lier messagerie",
        [
            Kept("Ce salon est désormais celui du groupe « Messagerie libre »"),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
        ],
    ),
    (
        "!groupe salon creer messagerie",
        [
            // Past the check of who may: messagerie has its room here
            // (commands/tests/rooms.rs has the room made).
            Refused("Le groupe « Messagerie libre » a déjà un salon"),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
        ],
    ),
    (
        "!groupe diffusion creer messagerie",
        [
            Kept(
                "Je crée la liste de diffusion messagerie@lists.example.test du groupe « Messagerie libre »",
            ),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
        ],
    ),
    (
        "!projet statut messagerie « En production » version 2.1",
        [
            Kept("Avancement de « Messagerie libre » enregistré : version 2.1 — En production"),
            Kept("Avancement de « Messagerie libre » enregistré : version 2.1 — En production"),
            Refused(PENDING_BERRE),
            Refused(NOT_LEAD),
            Refused(NOT_LEAD),
            Refused(NOT_LEAD),
        ],
    ),
    (
        "!projet jalon messagerie 2027-01-15 « Mise en service »",
        [
            Kept("Jalon ajouté à « Messagerie libre » : 15 janvier 2027 — Mise en service"),
            Kept("Jalon ajouté à « Messagerie libre » : 15 janvier 2027 — Mise en service"),
            Refused(PENDING_BERRE),
            Refused(NOT_LEAD),
            Refused(NOT_LEAD),
            Refused(NOT_LEAD),
        ],
    ),
    (
        "!reunion creer « Conférence DSI » 2026-12-20 09:30",
        [
            Kept(
                "Réunion n°2 « Conférence DSI » — dimanche 20 décembre 2026 à 9 h 30 créée : 5 invités",
            ),
            Refused(NOT_ORGANISER),
            Refused(NOT_ORGANISER),
            Refused(NOT_ORGANISER),
            Refused(NOT_ORGANISER),
            Refused(NOT_ORGANISER),
        ],
    ),
    (
        "!reunion creer « Atelier » 2026-12-21 10:00 groupe messagerie",
        [
            Kept("Réunion n°2 « Atelier » — lundi 21 décembre 2026 à 10 h créée : 3 invités"),
            Kept("Réunion n°2 « Atelier » — lundi 21 décembre 2026 à 10 h créée : 3 invités"),
            Refused(PENDING_BERRE),
            Refused(NOT_ORGANISER),
            Refused(NOT_ORGANISER),
            Refused(NOT_ORGANISER),
        ],
    ),
    (
        "!reunion modifier 1 lieu « Arles »",
        [
            Kept(
                "Réunion modifiée : n°1 « Point messagerie » — jeudi 10 décembre 2026 à 14 h, Arles",
            ),
            Kept(
                "Réunion modifiée : n°1 « Point messagerie » — jeudi 10 décembre 2026 à 14 h, Arles",
            ),
            Refused(PENDING_BERRE),
            Refused(NOT_MANAGER),
            Refused(NOT_MANAGER),
            Refused(NOT_MANAGER),
        ],
    ),
    (
        "!reunion ordre 1 ajouter « Bilan »",
        [
            Kept("Point 1 « Bilan » ajouté"),
            Kept("Point 1 « Bilan » ajouté"),
            Refused(PENDING_BERRE),
            Refused(NOT_APPROVER),
            Refused(NOT_APPROVER),
            Refused(NOT_APPROVER),
        ],
    ),
    (
        // Past the check of who may: meeting n°1 is still to come
        // (commands/tests/records.rs approves a past one).
        "!compte-rendu approuver 1",
        [
            Refused(NOT_HELD_YET),
            Refused(NOT_HELD_YET),
            Refused(PENDING_BERRE),
            Refused(NOT_APPROVER),
            Refused(NOT_APPROVER),
            Refused(NOT_APPROVER),
        ],
    ),
    (
        "!reunion annuler 1",
        [
            Kept("Réunion n°1 « Point messagerie » — jeudi 10 décembre 2026 à 14 h annulée"),
            Kept("Réunion n°1 « Point messagerie » — jeudi 10 décembre 2026 à 14 h annulée"),
            Refused(PENDING_BERRE),
            Refused(NOT_MANAGER),
            Refused(NOT_MANAGER),
            Refused(NOT_MANAGER),
        ],
    ),
    (
        "!present 1",
        [
            Refused(NOT_INVITED),
            Kept("C'est noté, lead : présence annoncée à la réunion n°1"),
            Kept("C'est noté, pending : présence annoncée à la réunion n°1"),
            Kept("C'est noté, member : présence annoncée à la réunion n°1"),
            Refused(NOT_INVITED),
            Refused(STRANGER),
        ],
    ),
    (
        "!excuse 1 « congés »",
        [
            Refused(NOT_INVITED),
            Kept("C'est noté, lead : absence excusée à la réunion n°1"),
            Kept("C'est noté, pending : absence excusée à la réunion n°1"),
            Kept("C'est noté, member : absence excusée à la réunion n°1"),
            Refused(NOT_INVITED),
            Refused(STRANGER),
        ],
    ),
    (
        "!peutetre 1",
        [
            Refused(NOT_INVITED),
            Kept("C'est noté, lead : présence incertaine à la réunion n°1"),
            Kept("C'est noté, pending : présence incertaine à la réunion n°1"),
            Kept("C'est noté, member : présence incertaine à la réunion n°1"),
            Refused(NOT_INVITED),
            Refused(STRANGER),
        ],
    ),
    (
        "!digest messagerie",
        [
            Kept("Lettre hebdomadaire publiée"),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
        ],
    ),
    (
        "!moi organisation Istres",
        [
            Kept("C'est noté, admin : votre organisation est Istres."),
            Refused(ORG_IS_SET),
            Refused(ORG_IS_SET),
            Refused(ORG_IS_SET),
            Refused(ORG_IS_SET),
            Kept("C'est noté, stranger : vous vous déclarez membre d'Istres."),
        ],
    ),
    (
        "!moi lier someone@example.test",
        [
            Kept(CODE_SENT),
            Kept(CODE_SENT),
            Kept(CODE_SENT),
            Kept(CODE_SENT),
            Kept(CODE_SENT),
            Kept(CODE_SENT),
        ],
    ),
    (
        "!moi confirmer {code}",
        [
            Counted(BAD_CODE),
            Counted(BAD_CODE),
            Counted(BAD_CODE),
            Kept("member@arles.example"),
            Counted(BAD_CODE),
            Refused(BAD_CODE),
        ],
    ),
    (
        "!organisation accepter @pending:example.test",
        [
            Kept("C'est noté : l'appartenance de pending à Berre est confirmée."),
            Kept("C'est noté : l'appartenance de pending à Berre est confirmée."),
            Refused(NOT_CONFIRMER),
            Refused(NOT_BERRE),
            Refused(NOT_BERRE),
            Refused(NOT_CONFIRMER),
        ],
    ),
    (
        "!organisation refuser @pending:example.test",
        [
            Kept("C'est noté : la demande de pending pour Berre est refusée."),
            Kept("C'est noté : la demande de pending pour Berre est refusée."),
            Refused(NOT_CONFIRMER),
            Refused(NOT_BERRE),
            Refused(NOT_BERRE),
            Refused(NOT_CONFIRMER),
        ],
    ),
    (
        "!organisation domaine Berre berre.example",
        [
            Kept("Domaine berre.example enregistré pour Berre"),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
        ],
    ),
    (
        "!personne adresse @pending:example.test pending@berre.example",
        [
            Kept("Adresse pending@berre.example déclarée pour pending"),
            Kept("Adresse pending@berre.example déclarée pour pending"),
            Refused("Pour votre propre adresse, tapez !moi lier"),
            Refused(NOT_BERRE),
            Refused(NOT_BERRE),
            Refused(NOT_BERRE),
        ],
    ),
    (
        "!personne matrix @pending:example.test @pending2:berre.example",
        [
            Kept("Identifiant Matrix @pending2:berre.example déclaré pour pending"),
            Kept("Identifiant Matrix @pending2:berre.example déclaré pour pending"),
            Refused("Votre identifiant Matrix est celui depuis lequel vous écrivez"),
            Refused(NOT_BERRE),
            Refused(NOT_BERRE),
            Refused(NOT_BERRE),
        ],
    ),
    (
        "!organisation renommer Berre « Berre-l'Étang »",
        [
            Kept("Berre s'appelle désormais Berre-l'Étang"),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
        ],
    ),
    (
        "!organisation fusionner Arles Vitrolles",
        [
            Kept("C'est fait : Vitrolles est réunie à Arles"),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
        ],
    ),
    (
        "!personne renommer @other:example.test « Olivier AUTRE »",
        [
            Kept("other s'appelle désormais Olivier AUTRE"),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
        ],
    ),
    (
        "!personne fusionner @member:example.test @other:example.test",
        [
            Kept("la fiche d'other est réunie à celle de member"),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
        ],
    ),
    (
        "!logiciel supprimer SPIP",
        [
            Kept("« SPIP » est ôté du catalogue"),
            Refused("Refusé : réservé aux administrateurs."),
            Refused("Refusé : réservé aux administrateurs."),
            Refused("Refusé : réservé aux administrateurs."),
            Refused("Refusé : réservé aux administrateurs."),
            Refused("Refusé : réservé aux administrateurs."),
        ],
    ),
    (
        "!groupe modifier messagerie action « Migrer vers Postfix »",
        [
            Kept("L'action du groupe « Messagerie libre » est désormais : Migrer vers Postfix"),
            Kept("L'action du groupe « Messagerie libre » est désormais : Migrer vers Postfix"),
            Refused(PENDING_BERRE),
            Refused(NOT_CHIEF),
            Refused(NOT_CHIEF),
            Refused(NOT_CHIEF),
        ],
    ),
    (
        "!groupe archiver messagerie",
        [
            Kept("Groupe « Messagerie libre » archivé"),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
        ],
    ),
    (
        "!groupe reactiver messagerie",
        [
            Refused("Le groupe « Messagerie libre » n'est pas archivé."),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
            Refused(NOT_ADMIN),
        ],
    ),
    (
        "!moi nom « Prénom NOUVEAU »",
        [
            Kept("vous vous appelez désormais Prénom NOUVEAU"),
            Kept("vous vous appelez désormais Prénom NOUVEAU"),
            Kept("vous vous appelez désormais Prénom NOUVEAU"),
            Kept("vous vous appelez désormais Prénom NOUVEAU"),
            Kept("vous vous appelez désormais Prénom NOUVEAU"),
            Kept("Bienvenue, Prénom NOUVEAU"),
        ],
    ),
    (
        "!logiciel ajouter Koha",
        [
            Kept("C'est noté : Aix — Koha, en production."),
            Kept("C'est noté : Berre — Koha, en production."),
            Refused(PENDING_BERRE),
            Kept("C'est noté : Arles — Koha, en production."),
            Kept("C'est noté : Vitrolles — Koha, en production."),
            Refused(NO_ORG),
        ],
    ),
    (
        "!logiciel ajouter Koha pour Berre",
        [
            Kept("C'est noté : Berre — Koha, en production."),
            Kept("C'est noté : Berre — Koha, en production."),
            Refused(PENDING_BERRE),
            Refused(NOT_OURS),
            Refused(NOT_OURS),
            Refused(NO_ORG),
        ],
    ),
    (
        "!logiciel retirer SPIP",
        [
            Refused("Aix n'utilise pas SPIP d'après le catalogue."),
            Kept("C'est noté : Berre n'utilise plus SPIP."),
            Refused(PENDING_BERRE),
            Refused("Arles n'utilise pas SPIP d'après le catalogue."),
            Refused("Vitrolles n'utilise pas SPIP d'après le catalogue."),
            Refused(NO_ORG),
        ],
    ),
    (
        "!sondage creer « Date » 2026-12-28 2026-12-29 groupe messagerie",
        [
            Kept("Sondage n°1 « Date »"),
            Kept("Sondage n°1 « Date »"),
            Refused(PENDING_BERRE),
            Refused(NOT_POLLER),
            Refused(NOT_POLLER),
            Refused(NOT_POLLER),
        ],
    ),
    (
        "!moi oublier confirmer",
        [
            Kept(ERASED),
            Kept(ERASED),
            Kept(ERASED),
            Kept(ERASED),
            Kept(ERASED),
            Refused("Je ne vous connais pas : je n'ai rien à oublier de vous."),
        ],
    ),
    (
        "!moi oublier pour @member:example.test confirmer",
        [
            Kept(ERASED),
            Refused(NOT_FORGETTER),
            Refused(NOT_FORGETTER),
            Refused(NOT_FORGETTER),
            Refused(NOT_FORGETTER),
            Refused(NOT_FORGETTER),
        ],
    ),
];

#[test]
fn every_state_changing_command_for_every_kind_of_sender() {
    let mut failures = Vec::new();
    for (line, cells) in MATRIX {
        for ((role, who), cell) in ROLES.iter().zip(cells) {
            let mut w = world();
            let line = line.replace("{code}", &member_code(&w.db));
            let before = w.export();
            let (reply, kept) = w.say(who, &line);
            let after = w.export();
            let ok = match cell {
                // Some changes are not in the export (a cancelled meeting,
                // a code sent): the commit says they were kept.
                Kept(wording) => kept && reply.contains(wording),
                Refused(wording) => !kept && reply.contains(wording) && before == after,
                Counted(wording) => reply.contains(wording) && before == after,
            };
            if !ok {
                failures.push(format!(
                    "{line} as {role}: expected {cell:?}, got kept={kept}: {reply}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A mail from an address nobody has linked (or a forged one): whatever
/// it asks, nothing changes and no person is created.
#[test]
fn an_unverified_mail_sender_is_unknown_everywhere() {
    let ctx = ctx();
    let mut failures = Vec::new();
    for (line, _) in MATRIX {
        let mut w = world();
        let line = line.replace("{code}", &member_code(&w.db));
        let before = w.export();
        let req = Request {
            origin: Origin::Email {
                from: "intruder@example.test".into(),
                message_id: Some("<forged@example.test>".into()),
                subject: line.clone(),
                references: Vec::new(),
            },
            sender: Identity::parse("intruder@example.test").expect("identity"),
            display_name: Some("Admin".into()),
        };
        let (reply, kept) =
            w.db.transaction(ctx.now, |tx| {
                let done = execute(tx, &ctx, &req, &line)?.expect("a command");
                let text = done.reply.clone().expect("a reply");
                Ok(((text, done.commit), done.commit))
            })
            .expect("transaction");
        if kept || before != w.export() {
            failures.push(format!("{line}: kept={kept}: {reply}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
