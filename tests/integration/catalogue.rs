//! The catalogue as members use it (issue 19's commands; reading the
//! minutes into it is not done yet): in the console, and in a room of the
//! real Synapse.

use crate::support::Scratch;
use crate::synapse::{Bot, SERVER, User};

const CONFIG: &str = r#"
[bot]
admins = ["@admin:example.test"]

[[groups.seed]]
slug = "ocs-inventory"
theme = "OCS Inventory"
status = "proposed"
lead = "Berre"
members = ["Berre"]
"#;

/// The four commands in the console; the suggestion for a slip; a
/// pending member refused; the export.
#[test]
fn the_catalogue_in_the_console() {
    let s = Scratch::new("catalogue", CONFIG);
    for (who, org) in [
        ("@bob:example.test", "Berre"),
        ("@ines:example.test", "Istres"),
    ] {
        s.console(who, &[&format!("!moi organisation {org}")]);
        s.console(
            "@admin:example.test",
            &[&format!("!organisation accepter {who}")],
        );
    }
    let out = s.console(
        "@bob:example.test",
        &[
            "!logiciel ajouter OpenOffice statut projet note « migration »",
            "!logiciel ajouter « OCS Inventory »",
        ],
    );
    assert!(
        out.contains("C'est noté : Berre — OpenOffice, en projet."),
        "{out}"
    );
    let out = s.console(
        "@ines:example.test",
        &[
            "!software add openoffice.org",
            "!logiciel ajouter osc inventory",
            "!logiciel qui Open Office",
            "!logiciel liste",
            "!logiciel retirer OpenOffice",
        ],
    );
    assert!(
        out.contains("C'est noté : Istres — OpenOffice, en production."),
        "{out}"
    );
    assert!(
        out.contains("vouliez-vous dire « OCS Inventory » ?"),
        "{out}"
    );
    assert!(
        out.contains("OpenOffice — aucun groupe de travail\n• en production : Istres\n• en projet : Berre (migration)"),
        "{out}"
    );
    assert!(
        out.contains("Catalogue (2 logiciels) :\n• OCS Inventory — 1 organisation\n• OpenOffice — 2 organisations"),
        "{out}"
    );
    assert!(
        out.contains("C'est noté : Istres n'utilise plus OpenOffice."),
        "{out}"
    );
    let out = s.console(
        "@new:example.test",
        &["!moi organisation Berre", "!logiciel ajouter Koha"],
    );
    assert!(
        out.contains("Refusé pour l'instant : votre appartenance à Berre attend confirmation"),
        "{out}"
    );
    let export = s.export();
    assert_eq!(
        export["software"],
        serde_json::json!([
            {"name": "OCS Inventory", "group": "ocs-inventory", "users": [{"organisation": "Berre", "status": "production", "note": null}]},
            {"name": "OpenOffice", "group": null, "users": [{"organisation": "Berre", "status": "projet", "note": "migration"}]},
        ]),
        "{export}"
    );
}

/// The same commands typed in a room: a member records, a colleague of
/// another organisation asks who runs it.
#[tokio::test]
async fn the_catalogue_in_a_room() {
    let _server = SERVER.read().await;
    let mut alice = User::new().await;
    let mut bob = User::new().await;
    let mut bot = Bot::with_config("c-room", &[&alice.id], &[], "").await;
    bot.start();
    let room = alice.create_room(false, &[&bot.id, &bob.id]).await;
    alice.welcome(&bot.id, &room).await;
    bob.client.join_room_by_id(&room).await.expect("bob joins");
    let bob_id = bob.id.to_string();
    let steps: [(bool, String, &str); 6] = [
        (
            true,
            "!moi organisation Arles".into(),
            "votre organisation est Arles",
        ),
        (
            false,
            "!moi organisation Berre".into(),
            "vous vous déclarez membre de Berre",
        ),
        (
            false,
            "!logiciel ajouter OpenOffice statut projet".into(),
            "Refusé pour l'instant",
        ),
        (
            true,
            format!("!organisation accepter {bob_id}"),
            "confirmée",
        ),
        (
            false,
            "!logiciel ajouter OpenOffice statut projet".into(),
            "C'est noté : Berre — OpenOffice, en projet.",
        ),
        (
            true,
            "!software add open office".into(),
            "C'est noté : Arles — OpenOffice, en production. 1 autre organisation",
        ),
    ];
    for (by_alice, line, expected) in steps {
        let who = if by_alice { &mut alice } else { &mut bob };
        let asked = who.say(&room, &line).await;
        let reply = who.reply_to(&bot.id, &asked).await;
        assert!(reply.body().contains(expected), "{line}: {}", reply.body());
    }
    let asked = bob.say(&room, "!logiciel qui openoffice.org").await;
    let reply = bob.reply_to(&bot.id, &asked).await;
    assert_eq!(
        reply.body(),
        "OpenOffice — aucun groupe de travail\n• en production : Arles\n• en projet : Berre"
    );
    let asked = bob.say(&room, "!logiciel liste Arles").await;
    let reply = bob.reply_to(&bot.id, &asked).await;
    assert_eq!(
        reply.body(),
        "Logiciels d'Arles (1) :\n• OpenOffice — en production"
    );
    let asked = alice.say(&room, "!logiciel retirer OpenOffice").await;
    let reply = alice.reply_to(&bot.id, &asked).await;
    assert_eq!(
        reply.body(),
        "C'est noté : Arles n'utilise plus OpenOffice."
    );
    bot.assert_running();
    bot.stop().await;
    let export = bot.export();
    assert_eq!(
        export["software"],
        serde_json::json!([{"name": "OpenOffice", "group": null,
            "users": [{"organisation": "Berre", "status": "projet", "note": null}]}]),
        "{export}"
    );
}
