//! Who is in a room (joined or invited), as the homeserver says, for the
//! drift check (`greffier lists check`): read with the saved session's
//! access token over plain HTTP, not through matrix-sdk, so that it runs
//! beside a running bot without touching its store or its device.

use std::path::Path;

use anyhow::{Context as _, bail};
use matrix_sdk::authentication::matrix::MatrixSession;
use serde_json::Value;

/// The members of `room` (an id or an alias) who joined or are invited,
/// sorted.
pub async fn room_members(
    homeserver: &str,
    store: &Path,
    room: &str,
) -> anyhow::Result<Vec<String>> {
    let path = store.join("session.json");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {} (has `greffier run` logged in once?)",
            path.display()
        )
    })?;
    let session: MatrixSession = serde_json::from_str(&text)?;
    let token = session.tokens.access_token;
    let base = homeserver.trim_end_matches('/');
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()?;
    let get = |url: String| {
        let request = http.get(url).bearer_auth(&token);
        async move {
            let response = request.send().await?;
            let status = response.status();
            let body: Value = serde_json::from_str(&response.text().await?).unwrap_or(Value::Null);
            if !status.is_success() {
                bail!("HTTP {status}: {body}");
            }
            anyhow::Ok(body)
        }
    };
    let enc = segment;
    let room_id = if room.starts_with('#') {
        let found = get(format!(
            "{base}/_matrix/client/v3/directory/room/{}",
            enc(room)
        ))
        .await
        .with_context(|| format!("cannot resolve {room}"))?;
        found["room_id"]
            .as_str()
            .context("no room id for the alias")?
            .to_string()
    } else {
        room.to_string()
    };
    let members = get(format!(
        "{base}/_matrix/client/v3/rooms/{}/members",
        enc(&room_id)
    ))
    .await
    .with_context(|| format!("cannot read the members of {room}"))?;
    let mut out: Vec<String> = members["chunk"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| matches!(e["content"]["membership"].as_str(), Some("join" | "invite")))
        .filter_map(|e| e["state_key"].as_str().map(str::to_string))
        .collect();
    out.sort();
    Ok(out)
}

/// A room ID or alias as a URL path segment (`#`, `!` and `:` escaped).
pub(super) fn segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
