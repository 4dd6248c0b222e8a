//! Logging in, once: the session (user, device, access token) is saved in
//! `session.json` beside the matrix-sdk SQLite store under `matrix.store`,
//! so a restart reuses the same device and its end-to-end keys. A session
//! the homeserver no longer knows is replaced by a fresh login (and a fresh
//! store: the old device's keys are useless to a new device).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::StoreConfig;
use matrix_sdk::cross_process_lock::CrossProcessLockConfig;
use matrix_sdk::ruma::{OwnedDeviceId, OwnedUserId};
use matrix_sdk::{Client, SessionMeta, SessionTokens};

/// How the bot proves who it is.
pub enum Credentials {
    Password(String),
    AccessToken(String),
}

/// A failed homeserver call: does retrying make sense?
struct Failure {
    permanent: bool,
    message: String,
}

fn failure(status: Option<u16>, message: String) -> Failure {
    Failure {
        permanent: super::is_permanent(status),
        message,
    }
}

impl From<matrix_sdk::Error> for Failure {
    fn from(e: matrix_sdk::Error) -> Failure {
        failure(
            e.as_client_api_error().map(|c| c.status_code.as_u16()),
            e.to_string(),
        )
    }
}

impl From<matrix_sdk::HttpError> for Failure {
    fn from(e: matrix_sdk::HttpError) -> Failure {
        failure(
            e.as_client_api_error().map(|c| c.status_code.as_u16()),
            e.to_string(),
        )
    }
}

/// Runs `call` until it succeeds or fails for good; a homeserver that is
/// away is waited for (1, 2, 4 … 30 s between tries), never given up on.
async fn patiently<T, F, Fut>(what: &str, mut call: F) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let mut delay = Duration::from_secs(1);
    loop {
        match call().await {
            Ok(v) => return Ok(v),
            Err(f) if f.permanent => return Err(f),
            Err(f) => {
                tracing::warn!(error = %f.message, retry_in = ?delay, "{what}: homeserver unreachable");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(30));
            }
        }
    }
}

/// matrix-sdk's stores: the rooms' state in memory, the end-to-end keys,
/// the event cache and the media cache in SQLite under `store`.
///
/// The rooms' state is what matrix-sdk reads and writes at every sync: in
/// SQLite that took about 5 ms of each response, most of the bot's time
/// between a command arriving and its answer leaving (docs/benchmarks.md).
/// In memory it is gone at a restart, and rebuilt by the first sync, made
/// without a position (`sync.rs`). The keys must outlive a restart (the
/// same device): SQLite, with one connection per core and a 500 KB page
/// cache per database rather than four and 2 MB (a bot reads little of
/// them; the defaults cost it its memory target).
async fn build(homeserver: &str, store: &Path) -> anyhow::Result<Client> {
    let opened = async {
        forget_saved_state(store)?;
        let config = matrix_sdk::SqliteStoreConfig::with_low_memory_config(store);
        let (keys, events, media) = tokio::try_join!(
            matrix_sdk::SqliteCryptoStore::open_with_config(&config),
            matrix_sdk::SqliteEventCacheStore::open_with_config(&config),
            matrix_sdk::SqliteMediaStore::open_with_config(&config),
        )?;
        let stores = StoreConfig::new(CrossProcessLockConfig::multi_process(LOCK_HOLDER))
            .state_store(matrix_sdk::MemoryStore::new())
            .crypto_store(keys)
            .event_cache_store(events)
            .media_store(media);
        Box::pin(
            Client::builder()
                .homeserver_url(homeserver)
                .request_config(super::request_config())
                .store_config(stores)
                .build(),
        )
        .await
        .map_err(anyhow::Error::from)
    };
    opened
        .await
        .with_context(|| format!("cannot open the Matrix store {}", store.display()))
}

/// The name matrix-sdk gives its own process in its stores' locks (its
/// default: the stores of earlier greffier versions hold it).
const LOCK_HOLDER: &str = "main";

/// Removes the SQLite state store of greffier versions before 2026-12
/// (`matrix-sdk-state.sqlite3`): the state now lives in memory, and the
/// file would only go stale.
fn forget_saved_state(store: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let path = store.join(format!("{}{suffix}", matrix_sdk::STATE_STORE_DATABASE_NAME));
        match std::fs::remove_file(&path) {
            Ok(()) => tracing::info!(file = %path.display(), "old Matrix state store removed"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
    }
    Ok(())
}

fn session_file(store: &Path) -> PathBuf {
    store.join("session.json")
}

fn save(store: &Path, session: &MatrixSession) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = store.join("session.json.tmp");
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(serde_json::to_string(session)?.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, session_file(store))?;
    Ok(())
}

/// Removes matrix-sdk's files (and the saved session) from the store.
fn wipe(store: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(store)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("matrix-sdk-") || name.starts_with("session.json") {
            let path = entry.path();
            if path.is_dir() {
                std::fs::remove_dir_all(&path)?;
            } else {
                std::fs::remove_file(&path)?;
            }
        }
    }
    Ok(())
}

/// A logged-in client whose session is saved under `store`.
pub async fn connect(
    homeserver: &str,
    user: &str,
    store: &Path,
    credentials: &Credentials,
) -> anyhow::Result<Client> {
    std::fs::create_dir_all(store)
        .with_context(|| format!("cannot create the Matrix store {}", store.display()))?;
    // The session's access token and the encryption keys are in there.
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(store, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict {}", store.display()))?;
    }
    if let Some(client) = restore(homeserver, user, store).await? {
        return Ok(client);
    }
    wipe(store)?;
    let client = build(homeserver, store).await?;
    let session = match credentials {
        Credentials::Password(password) => {
            let auth = client.matrix_auth();
            patiently("login", || async {
                auth.login_username(user, password)
                    .initial_device_display_name("greffier")
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(Failure::from)
            })
            .await
            .map_err(|f| anyhow::anyhow!("login as {user} refused: {}", f.message))?;
            auth.session().context("no session after login")?
        }
        Credentials::AccessToken(token) => {
            let (user_id, device_id) = whoami(homeserver, token).await?;
            let session = MatrixSession {
                meta: SessionMeta { user_id, device_id },
                tokens: SessionTokens {
                    access_token: token.clone(),
                    refresh_token: None,
                },
            };
            client
                .matrix_auth()
                .restore_session(session.clone(), Default::default())
                .await?;
            session
        }
    };
    save(store, &session)?;
    tracing::info!(user = %session.meta.user_id, device = %session.meta.device_id, "logged in to Matrix");
    Ok(client)
}

/// The saved session, if there is one the homeserver still accepts.
async fn restore(homeserver: &str, user: &str, store: &Path) -> anyhow::Result<Option<Client>> {
    let Ok(text) = std::fs::read_to_string(session_file(store)) else {
        return Ok(None);
    };
    let Ok(session) = serde_json::from_str::<MatrixSession>(&text) else {
        tracing::warn!("the saved Matrix session is unreadable: logging in again");
        return Ok(None);
    };
    if user.starts_with('@') && session.meta.user_id.as_str() != user {
        tracing::warn!(saved = %session.meta.user_id, "the saved Matrix session is another user's: logging in again");
        return Ok(None);
    }
    let client = build(homeserver, store).await?;
    client
        .matrix_auth()
        .restore_session(session.clone(), Default::default())
        .await?;
    match patiently("session check", || async {
        client.whoami().await.map(|_| ()).map_err(Failure::from)
    })
    .await
    {
        Ok(()) => {
            tracing::info!(user = %session.meta.user_id, device = %session.meta.device_id, "Matrix session restored");
            Ok(Some(client))
        }
        Err(f) => {
            tracing::warn!(error = %f.message, "the saved Matrix session was refused: logging in again");
            drop(client);
            Ok(None)
        }
    }
}

/// Who an access token belongs to, asked with a throwaway client.
async fn whoami(homeserver: &str, token: &str) -> anyhow::Result<(OwnedUserId, OwnedDeviceId)> {
    let probe = Box::pin(
        Client::builder()
            .homeserver_url(homeserver)
            .request_config(super::request_config())
            .build(),
    )
    .await?;
    let placeholder = MatrixSession {
        meta: SessionMeta {
            user_id: "@probe:invalid".try_into()?,
            device_id: "PROBE".into(),
        },
        tokens: SessionTokens {
            access_token: token.to_string(),
            refresh_token: None,
        },
    };
    probe
        .matrix_auth()
        .restore_session(placeholder, Default::default())
        .await?;
    let who = patiently("whoami", || async {
        probe.whoami().await.map_err(Failure::from)
    })
    .await
    .map_err(|f| anyhow::anyhow!("the access token was refused: {}", f.message))?;
    let Some(device_id) = who.device_id else {
        bail!("the access token is not tied to a device: log in with a password instead");
    };
    Ok((who.user_id, device_id))
}
