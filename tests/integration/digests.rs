//! `greffier digest --send` against the real servers: the group's room and
//! its list get the digest, with the state the export shows.

use crate::mailserver::{Account, GroupSetup, MAIL_SERVER};
use crate::support::assert_clean;
use crate::synapse::SERVER;

#[tokio::test]
async fn the_digest_reaches_the_room_and_the_list_with_the_exported_state() {
    let _mail = MAIL_SERVER.read().await;
    let _matrix = SERVER.read().await;
    let GroupSetup {
        mut alice,
        mut bot,
        bot_matrix,
        room,
        list,
    } = GroupSetup::new(
        "digest-send",
        &["Arles", "Berre"],
        &[
            "!moi organisation Fos",
            "!groupe rejoindre courrier",
            "!projet statut courrier « openCourrier déployé à Arles » version 2.1",
            "!projet jalon courrier 2030-01-15 « Mise en production à Berre »",
        ],
    )
    .await;

    let out = bot
        .scratch
        .run(&["digest", "--group", "courrier", "--send"], b"");
    assert_clean(&out);
    let printed = String::from_utf8(out.stdout).expect("utf-8");

    let export = bot.export();
    let group = export["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["slug"] == "courrier")
        .expect("courrier")
        .clone();
    let members: Vec<String> = group["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| m.as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(members, ["Arles", "Berre", "Fos"]);
    let expected = [
        format!("Chef de projet : {}", group["lead"].as_str().expect("lead")),
        format!("Villes : {}", members.join(", ")),
        format!(
            "Version {} — {}",
            group["version"].as_str().expect("version"),
            group["status_text"].as_str().expect("status")
        ),
        format!(
            "Prochain jalon : {}, le {}",
            group["milestones"][0]["text"].as_str().expect("text"),
            greffier_commands::words::date_in(
                greffier_commands::Lang::Fr,
                group["milestones"][0]["date"]
                    .as_str()
                    .expect("date")
                    .parse()
                    .expect("an ISO date")
            )
        ),
    ];
    for line in &expected {
        assert!(printed.contains(line.as_str()), "{line:?} in {printed}");
    }

    let bot_id = bot_matrix.as_str().to_string();
    // The scheduler may already have sent this week's digest when the bot
    // started (catching up): the one sent now has the latest state.
    let latest = |body: &str| expected.iter().all(|l| body.contains(l.as_str()));
    let posted = alice
        .wait_for("the digest in the room", |s| {
            s.room == room && s.sender() == bot_id && latest(s.body())
        })
        .await;
    let mail = list
        .wait_for("the digest on the list", |m| latest(&m.body()))
        .await;
    assert!(
        mail.subject().contains("Gestion du courrier"),
        "{}",
        mail.subject()
    );
    for line in &expected {
        assert!(
            posted.body().contains(line.as_str()),
            "{line:?} in {}",
            posted.body()
        );
        assert!(
            mail.body().contains(line.as_str()),
            "{line:?} in {}",
            mail.body()
        );
    }
    // The room gets HTML beside the text; the list, a multipart mail with
    // List-Id.
    let formatted = posted.json["content"]["formatted_body"]
        .as_str()
        .unwrap_or_default();
    assert!(
        formatted.contains("<h3>Gestion du courrier (courrier)"),
        "{formatted}"
    );
    assert_eq!(
        mail.header("List-Id").as_deref(),
        Some(format!("<courrier.{}>", "example.test").as_str())
    );
    let html = mail.html().expect("an HTML part");
    assert!(html.contains("<b>Chef de projet</b>"), "{html}");
    bot.stop().await;
}

/// The overall digest carries a picture: attendance per organisation, as
/// an image in the room and inline in the list's mail.
#[tokio::test]
async fn the_overall_digest_shows_attendance_as_a_picture() {
    let _mail = MAIL_SERVER.read().await;
    let _matrix = SERVER.read().await;
    let overall_list = Account::new("overall").await;
    let alias = format!("overall{}", std::process::id());
    let GroupSetup {
        mut alice,
        mut bot,
        bot_matrix,
        ..
    } = GroupSetup::with_config(
        "digest-chart",
        &["Arles"],
        &[],
        &format!(
            "[digest]\nrooms = [\"#{alias}:example.test\"]\nlists = [\"{}\"]\n",
            overall_list.address
        ),
    )
    .await;
    let overall = alice
        .create_room_with(false, &[&bot_matrix], |r| {
            r.room_alias_name = Some(alias.clone())
        })
        .await;
    alice.welcome(&bot_matrix, &overall).await;
    // A past meeting with its answers: the founding minutes.
    let seed = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/minutes/2007-06-11-conference-dsi-13.txt"
    );
    assert_clean(&bot.scratch.run(&["import-minutes", seed], b""));
    assert_clean(&bot.scratch.run(&["digest", "--send"], b""));

    let bot_id = bot_matrix.as_str().to_string();
    let image = alice
        .wait_for("the picture in the room", |s| {
            s.room == overall && s.sender() == bot_id && s.msgtype() == "m.image"
        })
        .await;
    let url = image.json["content"]["url"].as_str().expect("an mxc URL");
    let request = matrix_sdk::media::MediaRequestParameters {
        source: matrix_sdk::ruma::events::room::MediaSource::Plain(url.into()),
        format: matrix_sdk::media::MediaFormat::File,
    };
    let png = alice
        .client
        .media()
        .get_media_content(&request, false)
        .await
        .expect("download");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");

    let mail = overall_list
        .wait_for("the overall digest", |m| {
            m.body().contains("Groupes existants")
        })
        .await;
    let html = mail.html().expect("an HTML part");
    assert!(html.contains("<img src=\"cid:chart\""), "{html}");
    let inline = mail
        .part_of_type("image", "png")
        .expect("an inline picture");
    assert_eq!(&inline[..8], b"\x89PNG\r\n\x1a\n");
    bot.stop().await;
}
