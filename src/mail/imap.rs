//! The IMAP connection: plaintext (loopback only, and said in the logs),
//! STARTTLS or implicit TLS (rustls, the system's roots), then login.

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use async_imap::{Client, Session};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Any byte stream async-imap can run on.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send + Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Debug> Stream for T {}

pub type Imap = Session<Box<dyn Stream>>;

/// How the connection is protected (`mail.imap_tls`, `mail.smtp_tls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    Implicit,
    Starttls,
    None,
}

impl Tls {
    pub fn parse(s: &str) -> anyhow::Result<Tls> {
        Ok(match s {
            "implicit" | "tls" => Tls::Implicit,
            "starttls" => Tls::Starttls,
            "none" => Tls::None,
            other => bail!("unknown TLS mode {other:?}: implicit, starttls or none"),
        })
    }
}

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
    fn tls_modes() {
        assert_eq!(Tls::parse("none").expect("none"), Tls::None);
        assert_eq!(Tls::parse("starttls").expect("starttls"), Tls::Starttls);
        assert!(Tls::parse("ssl3").is_err());
    }
}
