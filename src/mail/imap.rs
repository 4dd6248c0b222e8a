//! IMAP: the connection (plaintext on loopback only, and said in the logs;
//! STARTTLS or implicit TLS with rustls and the system's roots, or a CA of
//! one's own; then login), and the batch commands the reader uses: the
//! sizes of the new mails, their bodies by batches, one move per batch,
//! and waiting in IDLE.

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::time::Duration;

use anyhow::{Context as _, bail};
use async_imap::{Client, Session};
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Any byte stream async-imap can run on.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Stream for T {}

pub type Imap = Session<Box<dyn Stream>>;

pub use super::settings::Tls;

async fn wrap_tls(
    host: &str,
    tcp: TcpStream,
    ca: Option<&Path>,
) -> anyhow::Result<Box<dyn Stream>> {
    use rustls_platform_verifier::ConfigVerifierExt;
    use tokio_rustls::rustls::pki_types::CertificateDer;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    let config = match ca {
        None => tokio_rustls::rustls::ClientConfig::with_platform_verifier()?,
        Some(file) => {
            let mut roots = tokio_rustls::rustls::RootCertStore::empty();
            for cert in CertificateDer::pem_file_iter(file)
                .with_context(|| format!("cannot read {}", file.display()))?
            {
                roots
                    .add(cert.with_context(|| format!("bad certificate in {}", file.display()))?)?;
            }
            tokio_rustls::rustls::ClientConfig::builder()
                .with_root_certificates(roots)
                .with_no_client_auth()
        }
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.to_string())?;
    Ok(Box::new(connector.connect(name, tcp).await?))
}

/// Where and how to reach the bot's mailbox, and as whom: kept by the
/// reader and by the outbound check for the bot's own copies.
#[derive(Clone)]
pub struct Login {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    /// A certificate to trust instead of the system's roots.
    pub ca: Option<PathBuf>,
    pub user: String,
    pub password: String,
}

impl Login {
    /// A logged-in session.
    pub async fn connect(&self) -> anyhow::Result<Imap> {
        connect(
            &self.host,
            self.port,
            self.tls,
            self.ca.as_deref(),
            &self.user,
            &self.password,
        )
        .await
    }
}

async fn connect(
    host: &str,
    port: u16,
    tls: Tls,
    ca: Option<&Path>,
    user: &str,
    password: &str,
) -> anyhow::Result<Imap> {
    let tcp = TcpStream::connect((host, port))
        .await
        .with_context(|| format!("cannot reach IMAP {host}:{port}"))?;
    let client = match tls {
        Tls::Implicit => greeted(wrap_tls(host, tcp, ca).await?).await?,
        Tls::None => {
            let loopback = tcp
                .peer_addr()
                .map(|a| a.ip().is_loopback())
                .unwrap_or(false);
            if !loopback {
                bail!("mail.imap_tls = \"none\" is only allowed on loopback, not {host}");
            }
            tracing::info!(%host, port, "IMAP without TLS (loopback)");
            greeted(Box::new(tcp) as Box<dyn Stream>).await?
        }
        Tls::Starttls => {
            let mut client = greeted(tcp).await?;
            client
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .context("STARTTLS refused")?;
            Client::new(wrap_tls(host, client.into_inner(), ca).await?)
        }
    };
    client
        .login(user, password)
        .await
        .map_err(|(e, _)| anyhow::anyhow!("IMAP login as {user} refused: {e}"))
}

async fn greeted<T: Stream>(stream: T) -> anyhow::Result<Client<T>> {
    let mut client = Client::new(stream);
    client
        .read_response()
        .await
        .context("no IMAP greeting")?
        .context("the IMAP server closed the connection")?;
    Ok(client)
}

/// A mailbox name in IMAP's modified UTF-7 (RFC 3501 §5.1.3): "Traités" is
/// "Trait&AOk-s".
pub fn mailbox_name(name: &str) -> String {
    let mut out = String::new();
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        out.push('&');
        out.push_str(&base64_modified(&bytes));
        out.push('-');
        pending.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

/// Base64 with ',' for '/' and no padding.
fn base64_modified(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// At most this many mails are fetched by one command, and at most this
/// many bytes (by their RFC822.SIZE; a larger mail comes alone), so that a
/// batch holds the bot's memory to a few MiB.
const BATCH_MAILS: usize = 100;
const BATCH_BYTES: u64 = 4 << 20;

/// The UIDs and sizes of these mails.
pub async fn sizes(imap: &mut Imap, uids: &[u32]) -> anyhow::Result<Vec<(u32, u64)>> {
    if uids.is_empty() {
        return Ok(Vec::new());
    }
    let fetched: Vec<_> = imap
        .uid_fetch(uid_set(uids), "(UID RFC822.SIZE)")
        .await?
        .try_collect()
        .await?;
    let mut sizes: Vec<(u32, u64)> = fetched
        .iter()
        .filter_map(|f| Some((f.uid?, u64::from(f.size.unwrap_or(0)))))
        .collect();
    sizes.sort_unstable();
    Ok(sizes)
}

/// The mails cut in batches of at most [`BATCH_MAILS`] and [`BATCH_BYTES`].
pub fn batches(sizes: &[(u32, u64)]) -> Vec<Vec<u32>> {
    let mut out: Vec<Vec<u32>> = Vec::new();
    let mut bytes = 0;
    for &(uid, size) in sizes {
        match out.last_mut() {
            Some(batch) if batch.len() < BATCH_MAILS && bytes + size <= BATCH_BYTES => {
                batch.push(uid);
                bytes += size;
            }
            _ => {
                out.push(vec![uid]);
                bytes = size;
            }
        }
    }
    out
}

/// An IMAP sequence set of these UIDs, runs written as ranges ("3:7,9").
fn uid_set(uids: &[u32]) -> String {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        while i + 1 < sorted.len() && sorted[i + 1] == sorted[i] + 1 {
            i += 1;
        }
        parts.push(if sorted[i] == start {
            start.to_string()
        } else {
            format!("{start}:{}", sorted[i])
        });
        i += 1;
    }
    parts.join(",")
}

/// The raw mails of these UIDs, in one command.
pub async fn fetch(
    imap: &mut Imap,
    uids: &[u32],
) -> anyhow::Result<std::collections::HashMap<u32, Vec<u8>>> {
    let fetched: Vec<_> = imap
        .uid_fetch(uid_set(uids), "(UID BODY.PEEK[])")
        .await?
        .try_collect()
        .await?;
    Ok(fetched
        .iter()
        .filter_map(|f| Some((f.uid?, f.body()?.to_vec())))
        .collect())
}

/// Moves these mails to `folder`, in one command.
pub async fn move_all(imap: &mut Imap, uids: &[u32], folder: &str) -> anyhow::Result<()> {
    if uids.is_empty() {
        return Ok(());
    }
    let set = uid_set(uids);
    imap.uid_mv(&set, folder)
        .await
        .with_context(|| format!("cannot move UIDs {set} to {folder}"))
}

/// Whether the server announced new mail (an untagged EXISTS or RECENT)
/// in the answers to the last commands. async-imap keeps such answers
/// aside, and IDLE only wakes for what comes after it begins: mail that
/// came during a round would wait for the next poll. The announcements are
/// drained here (async-imap drops new ones once 100 wait).
pub fn new_mail_announced(imap: &mut Imap) -> bool {
    use async_imap::types::UnsolicitedResponse;
    let mut announced = false;
    while let Ok(response) = imap.unsolicited_responses.try_recv() {
        if matches!(
            response,
            UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
        ) {
            announced = true;
        }
    }
    announced
}

/// Waits for new mail: IDLE until the server says something or `poll`
/// passes; a plain sleep if the server has no IDLE.
pub async fn wait(imap: Imap, idle: bool, poll: Duration) -> anyhow::Result<Imap> {
    if !idle {
        tokio::time::sleep(poll).await;
        return Ok(imap);
    }
    let mut handle = imap.idle();
    handle.init().await?;
    let (wait, _stop) = handle.wait_with_timeout(poll);
    wait.await?;
    Ok(handle.done().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_names_in_modified_utf7() {
        assert_eq!(mailbox_name("Traités"), "Trait&AOk-s");
        assert_eq!(mailbox_name("Quarantaine"), "Quarantaine");
        assert_eq!(mailbox_name("A&B"), "A&-B");
        assert_eq!(
            mailbox_name("Éléments envoyés"),
            "&AMk-l&AOk-ments envoy&AOk-s"
        );
        assert_eq!(mailbox_name("日本語"), "&ZeVnLIqe-");
    }

    #[test]
    fn uid_sets_write_runs_as_ranges() {
        assert_eq!(uid_set(&[7, 3, 4, 5, 9, 10, 12]), "3:5,7,9:10,12");
        assert_eq!(uid_set(&[42]), "42");
        assert_eq!(uid_set(&[2, 2, 1]), "1:2");
    }

    #[test]
    fn batches_are_bounded_by_count_and_size() {
        let small: Vec<(u32, u64)> = (1..=250).map(|u| (u, 1000)).collect();
        let cut = batches(&small);
        assert_eq!(cut.iter().map(Vec::len).collect::<Vec<_>>(), [100, 100, 50]);
        assert_eq!(cut.concat(), (1..=250).collect::<Vec<u32>>());
        // A mail larger than a batch comes alone; others fill up to the cap.
        let big = [
            (1, BATCH_BYTES * 2),
            (2, BATCH_BYTES / 2),
            (3, BATCH_BYTES / 2),
            (4, 1),
        ];
        assert_eq!(batches(&big), [vec![1], vec![2, 3], vec![4]]);
        assert!(batches(&[]).is_empty());
    }
}
