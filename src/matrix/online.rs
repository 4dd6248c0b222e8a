//! `check-config --online` for `[matrix]`: the bot's account logs in (or
//! its token is known: `whoami`), whether the homeserver rate-limits it
//! (Synapse's admin API, when the account may ask; else a warning), and
//! the rooms bot.toml names (`[digest] rooms`, a seed group's `room`) let
//! it in — it joins them, as it will at its start. A password login made
//! for the check is logged out at once: it leaves no device behind.

use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use greffier_commands::{Lang, tr};
use serde_json::{Value, json};

use crate::app::App;
use crate::plugin::Checked;

use super::Settings;

pub fn checks(app: &App) -> BoxFuture<'_, Vec<Checked>> {
    async move {
        let lang = app.loaded.config.bot.language;
        let Some(cfg) = app.loaded.config.section::<Settings>() else {
            return Vec::new();
        };
        match account(app, cfg, lang).await {
            Ok(checked) => checked,
            Err(e) => vec![Checked::critical(tr!(
                lang,
                "matrix : {} refuse le compte {} : {e}",
                "matrix: {} refuses the account {}: {e}",
                cfg.homeserver,
                cfg.user
            ))],
        }
    }
    .boxed()
}

async fn account(app: &App, cfg: &Settings, lang: Lang) -> Result<Vec<Checked>, String> {
    let base = cfg.homeserver.trim_end_matches('/');
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .map_err(|e| e.to_string())?;
    let secret = |key: &str, s: &Option<crate::config::Secret>| {
        app.loaded.secret(key, s).map_err(|e| format!("{e:#}"))
    };
    let (token, logged_in) = match secret("matrix.access_token", &cfg.access_token)? {
        Some(token) => (token, false),
        None => {
            let password = secret("matrix.password", &cfg.password)?.unwrap_or_default();
            let answer = call(
                &http,
                reqwest::Method::POST,
                &format!("{base}/_matrix/client/v3/login"),
                None,
                Some(json!({
                    "type": "m.login.password",
                    "identifier": {"type": "m.id.user", "user": cfg.user},
                    "password": password,
                    "initial_device_display_name": "greffier check-config --online",
                })),
            )
            .await?;
            let token = answer["access_token"]
                .as_str()
                .ok_or("no access token in the login's answer")?
                .to_string();
            (token, true)
        }
    };
    let me = call(
        &http,
        reqwest::Method::GET,
        &format!("{base}/_matrix/client/v3/account/whoami"),
        Some(&token),
        None,
    )
    .await;
    // The rate limit the bot would meet: Synapse's admin API says, to an
    // admin account.
    let user = cfg.user.as_str();
    let limit = call(
        &http,
        reqwest::Method::GET,
        &format!("{base}/_synapse/admin/v1/users/{user}/override_ratelimit"),
        Some(&token),
        None,
    )
    .await;
    // The rooms bot.toml names: joined, as the bot will join them.
    let config = &app.loaded.config;
    let rooms: Vec<&String> = config
        .digest
        .rooms
        .iter()
        .chain(config.groups.seed.iter().filter_map(|g| g.room.as_ref()))
        .collect();
    let mut joined = Vec::new();
    for room in rooms {
        let target = super::members::segment(room);
        joined.push(
            match call(
                &http,
                reqwest::Method::POST,
                &format!("{base}/_matrix/client/v3/join/{target}"),
                Some(&token),
                Some(json!({})),
            )
            .await
            {
                Ok(_) => Checked::ok(tr!(
                    lang,
                    "matrix : {user} entre dans {room}",
                    "matrix: {user} may join {room}"
                )),
                Err(e) => Checked::critical(tr!(
                    lang,
                    "matrix : {user} ne peut pas entrer dans {room} : {e}",
                    "matrix: {user} cannot join {room}: {e}"
                )),
            },
        );
    }
    if logged_in {
        let _ = call(
            &http,
            reqwest::Method::POST,
            &format!("{base}/_matrix/client/v3/logout"),
            Some(&token),
            Some(json!({})),
        )
        .await;
    }
    let me = me?;
    let who = me["user_id"].as_str().unwrap_or("?").to_string();
    if !who.eq_ignore_ascii_case(user) {
        return Err(tr!(
            lang,
            "le jeton est celui de {who}, pas de {user}",
            "the token is {who}'s, not {user}'s"
        ));
    }
    let mut checked = vec![Checked::ok(tr!(
        lang,
        "matrix : {user} se connecte à {base}",
        "matrix: {user} logs in to {base}"
    ))];
    checked.push(match limit {
        Ok(v) if v.get("messages_per_second").is_some_and(|m| m == 0) => Checked::ok(tr!(
            lang,
            "matrix : {user} n'a pas de limite de débit",
            "matrix: {user} is not rate-limited"
        )),
        Ok(_) => Checked::warning(tr!(
            lang,
            "matrix : {user} a la limite de débit ordinaire (docs/deploying.md : la lever)",
            "matrix: {user} has the ordinary rate limit (docs/deploying.md: lift it)"
        )),
        Err(_) => Checked::warning(tr!(
            lang,
            "matrix : impossible de savoir si {user} a une limite de débit (il n'est pas administrateur du serveur ; docs/deploying.md)",
            "matrix: cannot tell whether {user} is rate-limited (it is not a server admin; docs/deploying.md)"
        )),
    });
    checked.extend(joined);
    Ok(checked)
}

/// One call of the client-server API: its JSON answer, or what went wrong
/// (the server's errcode and error).
async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Result<Value, String> {
    let mut request = http.request(method, url);
    if let Some(t) = token {
        request = request.bearer_auth(t);
    }
    if let Some(b) = body {
        request = request
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let text = response.text().await.map_err(|e| e.to_string())?;
    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if status.is_success() {
        Ok(value)
    } else {
        Err(format!(
            "HTTP {status} {} {}",
            value["errcode"].as_str().unwrap_or_default(),
            value["error"].as_str().unwrap_or_default()
        ))
    }
}
