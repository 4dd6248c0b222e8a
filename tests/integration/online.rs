//! Issue 39: `greffier check-config --online` against the real servers:
//! every check OK (the bot's Matrix account logs in and its rate limit is
//! lifted, the mailbox opens, SMTP takes the credentials, the DKIM key in
//! DNS is the file's, Mailman answers, the web address is free); then a
//! wrong Matrix password, a wrong IMAP password, a key DNS does not
//! publish, a stopped Mailman (a port nobody listens on) each give their
//! own line and exit status, and a missing secret file stops the offline
//! check first.

use serde_json::json;

use crate::mailserver::{Account, MAIL_SERVER};
use crate::support::Scratch;
use crate::synapse::{SERVER, Servers};
use crate::web::free_port;

/// A Matrix account that is a server admin (`register_new_matrix_user
/// --admin`), with its rate limit lifted the way docs/deploying.md says.
async fn admin_account() -> (String, String) {
    let s = Servers::get();
    let (id, password) = greffier_testkit::matrix::register_as("greffier", true).await;
    let id = id.to_string();
    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{}/_matrix/client/v3/login", s.url()))
        .header("Content-Type", "application/json")
        .body(
            json!({"type": "m.login.password", "identifier": {"type": "m.id.user", "user": id}, "password": password})
                .to_string(),
        )
        .send()
        .await
        .expect("login")
        .text()
        .await
        .map(|t| serde_json::from_str(&t).expect("JSON"))
        .expect("an answer");
    let token = login["access_token"].as_str().expect("a token");
    let lifted = http
        .post(format!(
            "{}/_synapse/admin/v1/users/{id}/override_ratelimit",
            s.url()
        ))
        .bearer_auth(token)
        .header("Content-Type", "application/json")
        .body(json!({"messages_per_second": 0, "burst_count": 0}).to_string())
        .send()
        .await
        .expect("override_ratelimit");
    assert!(lifted.status().is_success(), "{lifted:?}");
    (id, password)
}

fn config(
    room: &str,
    s: &Servers,
    matrix: &(String, String),
    mail: &Account,
    mailman: &str,
    web: u16,
) -> String {
    format!(
        r#"[bot]
admins = ["@admin:example.test"]

[matrix]
homeserver = "{homeserver}"
user = "{user}"
password = "{matrix_password}"
store = "matrix-store"

[mail]
address = "{address}"
imap_host = "127.0.0.1"
imap_port = {imap}
imap_tls = "none"
imap_user = "{address}"
imap_password = "{mail_password}"
smtp_host = "127.0.0.1"
smtp_port = {smtp}
smtp_tls = "none"
dns = "{dns}"
dkim = {{ selector = "{selector}", key_file = "{key}" }}

[lists]
url = "{mailman}"
user = "{mailman_user}"
password = "{mailman_password}"
domain = "{lists}"

[web]
listen = "127.0.0.1:{web}"

[digest]
rooms = ["{room}"]
"#,
        homeserver = s.url(),
        user = matrix.0,
        matrix_password = matrix.1,
        address = mail.address,
        mail_password = mail.password,
        imap = s.var("IMAP_PORT"),
        smtp = s.var("SMTP_PORT"),
        dns = s.var("DNS_ADDR"),
        selector = s.var("DKIM_SELECTOR"),
        key = s.var("DKIM_KEY"),
        mailman_user = s.var("MAILMAN_USER"),
        mailman_password = s.var("MAILMAN_PASSWORD"),
        lists = s.var("LISTS_DOMAIN"),
    )
}

#[tokio::test]
async fn check_config_online_asks_every_server_and_names_what_fails() {
    let _matrix = SERVER.read().await;
    let _mail = MAIL_SERVER.read().await;
    let s = Servers::get();
    let matrix = admin_account().await;
    let mail = Account::new("online").await;
    let web = free_port();
    // The overall letter's room, the bot invited: it may join it.
    let alias = format!("online{}", std::process::id());
    let room = format!("#{alias}:{}", s.var("MATRIX_SERVER_NAME"));
    let bot: matrix_sdk::ruma::OwnedUserId = matrix.0.as_str().try_into().expect("an ID");
    let alice = greffier_testkit::matrix::User::new().await;
    alice
        .create_room_with(false, &[&bot], |r| r.room_alias_name = Some(alias.clone()))
        .await;
    let good = config(&room, s, &matrix, &mail, s.var("MAILMAN_URL"), web);
    let scratch = Scratch::new("online", &good);
    let run = |toml: &str| {
        std::fs::write(scratch.config(), toml).expect("bot.toml");
        let out = scratch.run(&["check-config", "--online"], b"");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, said, err) = run(&good);
    assert_eq!(code, Some(0), "{said}{err}");
    for line in [
        "GREFFIER OK: chaque serveur répond comme bot.toml l'attend",
        &format!("matrix : {} se connecte à", matrix.0),
        &format!("matrix : {} n'a pas de limite de débit", matrix.0),
        &format!(
            "mail : la boîte de {} s'ouvre sur 127.0.0.1 (IMAP)",
            mail.address
        ),
        "mail : 127.0.0.1 accepte l'envoi (SMTP, sans identifiants)",
        "publiée pour example.test est celle du fichier",
        "lists : Mailman répond à",
        &format!("web : 127.0.0.1:{web} est libre"),
        &format!("matrix : {} entre dans {room}", matrix.0),
    ] {
        assert!(said.contains(line), "{line:?} in:\n{said}");
    }

    // SMTP over STARTTLS with AUTH, as a submission port is used: the
    // credentials taken; wrong ones refused.
    let submission = |password: &str| {
        good.replace(
            "smtp_tls = \"none\"",
            &format!(
                "smtp_tls = \"starttls\"\nsmtp_ca_file = \"{}\"\nsmtp_user = \"{}\"\nsmtp_password = \"{password}\"",
                s.var("MAIL_CA"),
                mail.address
            ),
        )
    };
    let (code, said, err) = run(&submission(&mail.password));
    assert_eq!(code, Some(0), "{said}{err}");
    assert!(
        said.contains("mail : 127.0.0.1 accepte l'envoi, identifiants compris (SMTP)"),
        "{said}"
    );
    let (code, said, _) = run(&submission("wrong"));
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains("mail : 127.0.0.1 refuse l'envoi (SMTP)"),
        "{said}"
    );

    // Each failure: its own line, CRITICAL, exit 2.
    let dead = format!("http://127.0.0.1:{}", free_port());
    let cases = [
        (
            good.replace(&matrix.1, "not-the-password"),
            format!("matrix : {} refuse le compte {}", s.url(), matrix.0),
        ),
        (
            good.replace(
                &format!("imap_password = \"{}\"", mail.password),
                "imap_password = \"wrong\"",
            ),
            format!("mail : la boîte de {} ne s'ouvre pas", mail.address),
        ),
        (
            good.replace(
                &format!("selector = \"{}\"", s.var("DKIM_SELECTOR")),
                "selector = \"unpublished\"",
            ),
            "ne se vérifie pas contre le DNS".to_string(),
        ),
        (
            good.replace(s.var("MAILMAN_URL"), &dead),
            format!("lists : Mailman ne répond pas à {dead}"),
        ),
        (
            good.replace(&room, "#nowhere:example.test"),
            format!(
                "matrix : {} ne peut pas entrer dans #nowhere:example.test",
                matrix.0
            ),
        ),
    ];
    for (toml, line) in cases {
        let (code, said, err) = run(&toml);
        assert_eq!(code, Some(2), "{line}: {said}{err}");
        assert!(said.starts_with("GREFFIER CRITICAL: "), "{said}");
        assert!(said.contains(&line), "{line:?} in:\n{said}");
        // The others still say OK.
        assert!(said.contains("web : 127.0.0.1:"), "{said}");
    }
    // Sympa instead of Mailman: its SOAP interface takes greffier's trusted
    // application; a wrong password is named.
    let mailman_table = format!(
        "[lists]\nurl = \"{}\"\nuser = \"{}\"\npassword = \"{}\"\ndomain = \"{}\"\n",
        s.var("MAILMAN_URL"),
        s.var("MAILMAN_USER"),
        s.var("MAILMAN_PASSWORD"),
        s.var("LISTS_DOMAIN")
    );
    assert!(good.contains(&mailman_table), "{good}");
    let sympa = |password: &str| {
        good.replace(
            &mailman_table,
            &format!(
                "[lists]\nengine = \"sympa\"\nurl = \"{}\"\nuser = \"{}\"\npassword = \"{password}\"\ndomain = \"{}\"\n",
                s.var("SYMPA_URL"),
                s.var("SYMPA_APP"),
                s.var("SYMPA_DOMAIN")
            ),
        )
    };
    let (code, said, err) = run(&sympa(s.var("SYMPA_PASSWORD")));
    assert_eq!(code, Some(0), "{said}{err}");
    let url = s.var("SYMPA_URL");
    assert!(
        said.contains(&format!(
            "lists : Sympa répond à {url} avec ces identifiants ("
        )) && (said.contains(" liste visible)") || said.contains(" listes visibles)")),
        "{said}"
    );
    let (code, said, _) = run(&sympa("not-the-password"));
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains(&format!(
            "lists : Sympa ne répond pas à {url} : Sympa: lists: Authentication failed"
        )),
        "{said}"
    );
    // Sympa without [mail]: greffier has no address to act as there.
    let with = sympa("x");
    let (mail_at, lists_at) = (
        with.find("[mail]").expect("[mail]"),
        with.find("[lists]").expect("[lists]"),
    );
    let no_mail = format!("{}{}", &with[..mail_at], &with[lists_at..]);
    std::fs::write(scratch.config(), &no_mail).expect("bot.toml");
    let out = scratch.run(&["check-config"], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("[lists] engine = \"sympa\" needs [mail] address"),
        "{err}"
    );

    // A secret file that is not there: the offline check stops first.
    let missing = good.replace(
        &format!("password = \"{}\"", matrix.1),
        "password_file = \"matrix-password\"",
    );
    let (code, said, err) = run(&missing);
    assert_eq!(code, Some(1), "{said}{err}");
    assert!(err.contains("matrix.password_file: cannot read"), "{err}");
}
