//! Secrets — the mail and Matrix passwords, the Matrix access token, the
//! codes of `!moi lier` — never reach the logs or an error message: with
//! every log of greffier on (trace) and the libraries at debug, through a
//! login, a link confirmed in a room, a wrong code, and wrong passwords.

use std::time::Duration;

use crate::mailserver::{Account, MAIL_SERVER, MailBot};
use crate::support::Scratch;
use crate::synapse::{Bot, SERVER, User};

/// greffier at trace, the protocol libraries at debug.
const VERBOSE: &str = "trace,matrix_sdk=debug,matrix_sdk_base=debug,matrix_sdk_crypto=debug,async_imap=debug,lettre=debug,hyper=debug,hyper_util=debug,reqwest=debug,rustls=debug,h2=info,tokio=info";

fn assert_absent(what: &str, secret: &str, text: &str) {
    assert!(secret.len() >= 6, "{what} is too short to search for");
    assert!(!text.contains(secret), "{what} appears in:\n{text}");
}

async fn wait_for_log(bot: &crate::support::BotProcess, needle: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !bot.logs().contains(needle) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {needle:?} in the logs: {}",
            bot.logs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn secrets_stay_out_of_the_logs() {
    let _matrix = SERVER.read().await;
    let _mail = MAIL_SERVER.read().await;
    let mut alice = User::new().await;
    let mut bot = MailBot::with_matrix("secrets", &alice.id).await;
    bot.start_with(&[("RUST_LOG", VERBOSE)]);
    let bot_id = bot.matrix_id.clone().expect("a Matrix account");
    let room = alice.create_room(false, &[&bot_id]).await;
    alice.welcome(&bot_id, &room).await;

    // A link confirmed in the room: the code travels by mail only.
    let anne = Account::new("anne").await;
    let asked = alice.say(&room, "!moi organisation Arles").await;
    alice.reply_to(&bot_id, &asked).await;
    let asked = alice
        .say(&room, &format!("!moi lier {}", anne.address))
        .await;
    alice.reply_to(&bot_id, &asked).await;
    let code = anne.link_code().await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let asked = alice.say(&room, &format!("!moi confirmer {wrong}")).await;
    let reply = alice.reply_to(&bot_id, &asked).await;
    assert!(reply.body().contains("pas valable"), "{}", reply.body());
    let asked = alice.say(&room, &format!("!moi confirmer {code}")).await;
    let reply = alice.reply_to(&bot_id, &asked).await;
    assert!(reply.body().contains("C'est fait"), "{}", reply.body());
    assert!(!reply.body().contains(&code), "{}", reply.body());
    // And a mail command, so that IMAP and SMTP both log in.
    let answer = bot.ask(&anne, "!groupe liste").await;
    assert!(answer.body().contains("messagerie"), "{}", answer.body());

    bot.assert_running();
    bot.stop().await;
    let session = std::fs::read_to_string(bot.scratch.dir.join("matrix-store/session.json"))
        .expect("the saved session");
    let session: serde_json::Value = serde_json::from_str(&session).expect("JSON");
    let token = session["access_token"]
        .as_str()
        .or_else(|| session["tokens"]["access_token"].as_str())
        .unwrap_or_else(|| panic!("no access token in {session}"))
        .to_string();
    let logs = bot.logs();
    assert!(
        logs.contains("logged in to Matrix") && logs.contains("reading the mailbox"),
        "the logs cover the logins: {logs}"
    );
    assert_absent("the mail password", &bot.account.password, &logs);
    let matrix_password = bot
        .env_value("GREFFIER_TEST_MATRIX_PASSWORD")
        .expect("the Matrix password")
        .to_string();
    assert_absent("the Matrix password", &matrix_password, &logs);
    assert_absent("the access token", &token, &logs);
    assert_absent("the link code", &format!("confirmer {code}"), &logs);
    assert_absent("the link code", &format!("\"{code}\""), &logs);
}

/// Wrong passwords, refused by the servers: the errors say so without
/// repeating them; a broken bot.toml names the line and key, not the value.
#[tokio::test]
async fn wrong_secrets_are_not_repeated_in_errors() {
    let _matrix = SERVER.read().await;
    let _mail = MAIL_SERVER.read().await;
    let wrong_mail = "Wrong-Imap-S3cret-4242";
    let mut mail_bot = MailBot::new("secrets-mail").await;
    mail_bot.start_with(&[
        ("GREFFIER_TEST_BOT_PASSWORD", wrong_mail),
        ("RUST_LOG", VERBOSE),
    ]);
    wait_for_log(&mail_bot, "IMAP session ended").await;
    mail_bot.stop().await;
    assert_absent("the wrong mail password", wrong_mail, &mail_bot.logs());

    let wrong_matrix = "Wrong-Matrix-S3cret-4242";
    let mut matrix_bot = Bot::new("secrets-matrix", &[], &[]).await;
    matrix_bot.start_with(&[
        ("GREFFIER_TEST_BOT_PASSWORD", wrong_matrix),
        ("RUST_LOG", VERBOSE),
    ]);
    // A refused login ends the bot, with an error that says why.
    assert!(matrix_bot.wait_exit(60).await, "{}", matrix_bot.logs());
    assert!(
        matrix_bot.logs().contains("refused"),
        "{}",
        matrix_bot.logs()
    );
    assert_absent(
        "the wrong Matrix password",
        wrong_matrix,
        &matrix_bot.logs(),
    );

    let inline = "Inline-S3cret-4242";
    let s = Scratch::new(
        "secrets-config",
        &format!(
            "[mail]\naddress = \"greffier@example.test\"\nimap_host = \"127.0.0.1\"\nimap_user = \"greffier@example.test\"\nimap_pasword = \"{inline}\"\nsmtp_host = \"127.0.0.1\"\n\n[matrix]\nhomeserver = \"http://127.0.0.1:1\"\nuser = \"@x:example.test\"\npassword = [\"{inline}\"]\n"
        ),
    );
    let out = s.run(&["check-config"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains(":5: imap_pasword: unknown field"), "{err}");
    assert_absent("an inline password", inline, &err);
    assert_absent(
        "an inline password",
        inline,
        &String::from_utf8_lossy(&out.stdout),
    );
}
