//! maubot, the plugin bot system most Matrix chat-ops bots run on, as a
//! peer in the room benchmarks: PyPI `maubot` 0.6.0 in a venv of its own
//! (`bench/run` installs it in ~/.cache/greffier/maubot-venv), SQLite, on
//! 127.0.0.1, against the local Synapse, in the management-API mode that
//! deployments run. Everything is set up through that API, as its web UI
//! would: the admin logs in, the plugin (`bench/maubot/plugin`, built with
//! `mbc build`) is uploaded, the bot's Matrix account becomes a client and
//! an instance of the plugin is created on it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use serde_json::json;

use crate::procs::Child;

/// maubot's management API, on the loopback.
const PORT: u16 = 29316;
const API: &str = "/_matrix/maubot/v1";
/// The plugin's id (bench/maubot/plugin/maubot.yaml) and its instance.
const PLUGIN: &str = "fr.greffier.bench.moi";
const INSTANCE: &str = "moi";
const ADMIN: &str = "bench";
const ADMIN_PASSWORD: &str = "bench-maubot";

/// The venv `bench/run` installs maubot in.
pub fn venv() -> anyhow::Result<PathBuf> {
    let home = std::env::var("HOME").context("HOME")?;
    let venv = PathBuf::from(home).join(".cache/greffier/maubot-venv");
    anyhow::ensure!(
        venv.join("bin/mbc").exists(),
        "{}: no maubot; bench/run installs it",
        venv.display()
    );
    Ok(venv)
}

/// maubot's config: SQLite in `dir`, the API on the loopback, one admin,
/// logs to stderr at INFO.
fn config(dir: &Path) -> String {
    format!(
        r#"database: sqlite:{dir}/maubot.db
crypto_database: default
database_opts:
    min_size: 1
    max_size: 10
plugin_directories:
    upload: {dir}/plugins
    load:
    - {dir}/plugins
    trash: delete
plugin_databases:
    sqlite: {dir}/plugins
    postgres: null
server:
    hostname: 127.0.0.1
    port: {PORT}
    public_url: http://127.0.0.1:{PORT}
    ui_base_path: /_matrix/maubot
    plugin_base_path: /_matrix/maubot/plugin/
    override_resource_path: false
    unshared_secret: generate
homeservers: {{}}
admins:
    {ADMIN}: {ADMIN_PASSWORD}
api_features:
    login: true
    plugin: true
    plugin_upload: true
    instance: true
    instance_database: true
    client: true
    client_proxy: true
    client_auth: true
    dev_open: true
    log: true
logging:
    version: 1
    formatters:
        normal:
            format: "[%(asctime)s] [%(levelname)s@%(name)s] %(message)s"
    handlers:
        console:
            class: logging.StreamHandler
            formatter: normal
    loggers:
        maubot:
            level: INFO
        mau:
            level: INFO
        aiohttp:
            level: WARNING
    root:
        level: INFO
        handlers: [console]
"#,
        dir = dir.display()
    )
}

/// Starts maubot in `dir` (its config written there the first time); ready
/// when its API answers.
pub async fn start(dir: &Path) -> anyhow::Result<Child> {
    let venv = venv()?;
    std::fs::create_dir_all(dir.join("plugins"))?;
    let config_file = dir.join("config.yaml");
    if !config_file.exists() {
        std::fs::write(&config_file, config(dir))?;
    }
    let log = dir.join("maubot.log");
    let mut child = Child::spawn(
        &venv.join("bin/python"),
        &["-m", "maubot", "-c", "config.yaml"],
        &[],
        dir,
        &log,
    )?;
    child
        .wait_log("Listening on", Duration::from_secs(60))
        .await?;
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        // Any answer will do (this one asks for a token).
        let up = client
            .get(format!("http://127.0.0.1:{PORT}{API}/version"))
            .send()
            .await
            .is_ok();
        if up {
            return Ok(child);
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "maubot's API does not answer:\n{}",
            child.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The management API's calls, with the admin's token.
struct Api {
    http: reqwest::Client,
    token: String,
}

impl Api {
    async fn login() -> anyhow::Result<Api> {
        let http = reqwest::Client::new();
        let answer = post_json(
            &http,
            &format!("http://127.0.0.1:{PORT}{API}/auth/login"),
            &json!({ "username": ADMIN, "password": ADMIN_PASSWORD }),
            "maubot's admin login",
        )
        .await?;
        let token = answer["token"]
            .as_str()
            .context("maubot's login gave no token")?
            .to_string();
        Ok(Api { http, token })
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: reqwest::Body,
        what: &str,
    ) -> anyhow::Result<serde_json::Value> {
        let response = self
            .http
            .request(method, format!("http://127.0.0.1:{PORT}{API}{path}"))
            .bearer_auth(&self.token)
            .body(body)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        anyhow::ensure!(status.is_success(), "maubot: {what}: {status}: {text}");
        Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }
}

/// POSTs `body` as JSON; the JSON answer, or an error saying `what` failed.
async fn post_json(
    http: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
    what: &str,
) -> anyhow::Result<serde_json::Value> {
    let response = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_string())
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    anyhow::ensure!(status.is_success(), "{what}: {status}: {text}");
    Ok(serde_json::from_str(&text)?)
}

/// A password login on the homeserver: the access token and device a
/// maubot client is made of.
async fn matrix_login(
    homeserver: &str,
    user: &str,
    password: &str,
) -> anyhow::Result<(String, String)> {
    let answer = post_json(
        &reqwest::Client::new(),
        &format!("{homeserver}/_matrix/client/v3/login"),
        &json!({
            "type": "m.login.password",
            "identifier": { "type": "m.id.user", "user": user },
            "password": password,
            "initial_device_display_name": "maubot (benchmark)",
        }),
        "the maubot account's Matrix login",
    )
    .await?;
    Ok((
        answer["access_token"]
            .as_str()
            .context("no access token")?
            .to_string(),
        answer["device_id"]
            .as_str()
            .context("no device id")?
            .to_string(),
    ))
}

/// The plugin built, uploaded, the client and the instance made: from then
/// on maubot answers `!moi` as `user`, reading `network` (greffier's schema).
pub async fn set_up(
    dir: &Path,
    homeserver: &str,
    user: &str,
    password: &str,
    network: &Path,
) -> anyhow::Result<()> {
    let venv = venv()?;
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("maubot/plugin");
    let built = dir.join("moi.mbp");
    let out = tokio::process::Command::new(venv.join("bin/mbc"))
        .arg("build")
        .arg("-o")
        .arg(&built)
        .arg(&source)
        .output()
        .await?;
    anyhow::ensure!(
        out.status.success() && built.exists(),
        "mbc build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let api = Api::login().await?;
    api.call(
        reqwest::Method::POST,
        "/plugins/upload?allow_override=true",
        std::fs::read(&built)?.into(),
        "the plugin's upload",
    )
    .await?;
    let (token, device) = matrix_login(homeserver, user, password).await?;
    let client = json!({
        "id": user,
        "homeserver": homeserver,
        "access_token": token,
        "device_id": device,
        "enabled": true,
        "started": true,
        "sync": true,
        "autojoin": true,
        "online": true,
    });
    api.call(
        reqwest::Method::PUT,
        &format!("/client/{user}"),
        client.to_string().into(),
        "the client",
    )
    .await?;
    let instance = json!({
        "primary_user": user,
        "type": PLUGIN,
        "enabled": true,
        "started": true,
        "config": format!("database: {}\n", network.display()),
    });
    api.call(
        reqwest::Method::PUT,
        &format!("/instance/{INSTANCE}"),
        instance.to_string().into(),
        "the instance",
    )
    .await?;
    Ok(())
}

/// The network's SQLite file for maubot's plugin: the benchmark's network
/// in greffier's schema (the same generator as greffier's database), with
/// the index a plugin author would add for "the groups of a person".
pub fn network(dir: &Path, size: crate::scale::Size) -> anyhow::Result<PathBuf> {
    let path = crate::scale::database(dir, "maubot-network.db", size)?;
    rusqlite::Connection::open(&path)?.execute_batch(
        "CREATE INDEX IF NOT EXISTS group_members_by_person ON group_members(person_id)",
    )?;
    Ok(path)
}
