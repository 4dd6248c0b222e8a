//! greffier's own mail, signed: `[mail] dkim = { selector, key_file }`
//! makes every mail the bot sends carry a DKIM-Signature of its address's
//! domain (mail-auth, the crate that verifies the mail it reads), so that
//! another commune's server can tell it from a forgery. The key is an
//! RSA (2048 bits, what every receiver verifies) or an Ed25519 key, PKCS#8
//! PEM (`-----BEGIN PRIVATE KEY-----`) or PKCS#1 (`-----BEGIN RSA PRIVATE
//! KEY-----`); `greffier dkim generate` writes one and prints the DNS
//! record to publish (docs/deploying.md, "Signed mail").

use std::path::Path;

use base64::Engine as _;
use mail_auth::common::crypto::{Ed25519Key, RsaKey, Sha256};
use mail_auth::common::headers::HeaderWriter;
use mail_auth::dkim::{DkimSigner, Done};
use serde::Deserialize;

/// `[mail] dkim = { selector = "greffier", key_file = "…" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The DNS name's first label: `<selector>._domainkey.<domain>`.
    pub selector: String,
    /// The private key (PEM), readable by the bot alone.
    pub key_file: std::path::PathBuf,
    /// The signing domain; the address's domain when absent.
    pub domain: Option<String>,
}

/// The headers signed: those a reader sees and those that thread a reply.
const SIGNED: [&str; 10] = [
    "From",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "MIME-Version",
    "Content-Type",
];

enum Key {
    Rsa(RsaKey<Sha256>),
    Ed25519(Ed25519Key),
}

/// Signs the bot's outgoing mail: the key, its domain and selector, and
/// the headers signed.
pub enum Signer {
    Rsa(DkimSigner<RsaKey<Sha256>, Done>),
    Ed25519(DkimSigner<Ed25519Key, Done>),
}

impl Signer {
    /// The signer `settings` describe, for the bot's `address`; an error
    /// names the file and what is wrong with it.
    pub fn load(settings: &Settings, address: &str) -> anyhow::Result<Signer> {
        let file = &settings.key_file;
        let pem = std::fs::read_to_string(file)
            .map_err(|e| anyhow::anyhow!("{}: cannot read the DKIM key: {e}", file.display()))?;
        let key = key_from_pem(&pem).ok_or_else(|| {
            anyhow::anyhow!(
                "{}: not an RSA or Ed25519 private key in PEM (greffier dkim generate writes one)",
                file.display()
            )
        })?;
        let domain = match &settings.domain {
            Some(d) => d.to_ascii_lowercase(),
            None => address
                .rsplit_once('@')
                .map(|(_, d)| d.to_ascii_lowercase())
                .ok_or_else(|| anyhow::anyhow!("{address:?} has no domain to sign for"))?,
        };
        let selector = settings.selector.as_str();
        Ok(match key {
            Key::Rsa(k) => Signer::Rsa(
                DkimSigner::from_key(k)
                    .domain(&domain)
                    .selector(selector)
                    .headers(SIGNED),
            ),
            Key::Ed25519(k) => Signer::Ed25519(
                DkimSigner::from_key(k)
                    .domain(&domain)
                    .selector(selector)
                    .headers(SIGNED),
            ),
        })
    }

    /// `raw` with its DKIM-Signature header first.
    pub fn sign(&self, raw: &[u8]) -> anyhow::Result<Vec<u8>> {
        let signature = match self {
            Signer::Rsa(s) => s.sign(raw),
            Signer::Ed25519(s) => s.sign(raw),
        }
        .map_err(|e| anyhow::anyhow!("cannot sign the mail: {e}"))?;
        let mut signed = signature.to_header().into_bytes();
        signed.extend_from_slice(raw);
        Ok(signed)
    }
}

/// An RSA or Ed25519 private key from its PEM (PKCS#8 or PKCS#1).
fn key_from_pem(pem: &str) -> Option<Key> {
    use rustls_pki_types::PrivateKeyDer;
    use rustls_pki_types::pem::PemObject;
    let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).ok()?;
    if let PrivateKeyDer::Pkcs8(p) = &der
        && let Ok(k) = Ed25519Key::from_pkcs8_maybe_unchecked_der(p.secret_pkcs8_der())
    {
        return Some(Key::Ed25519(k));
    }
    RsaKey::<Sha256>::from_key_der(der).ok().map(Key::Rsa)
}

/// The algorithm `greffier dkim generate` writes a key for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Algorithm {
    /// RSA, 2048 bits: what every receiving server verifies.
    Rsa,
    /// Ed25519 (RFC 8463): short, not yet verified everywhere.
    Ed25519,
}

/// `greffier dkim generate`: a new private key in `file` (created, mode
/// 0600; an existing file is not replaced), and the DNS TXT record that
/// publishes its public half.
pub fn generate(
    algorithm: Algorithm,
    selector: &str,
    domain: &str,
    file: &Path,
) -> anyhow::Result<String> {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::KeyPair as _;
    let (pkcs8, public, k) = match algorithm {
        Algorithm::Rsa => {
            let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
                .map_err(|_| anyhow::anyhow!("cannot generate an RSA key"))?;
            let pkcs8: aws_lc_rs::encoding::Pkcs8V1Der<'_> = pair
                .as_der()
                .map_err(|_| anyhow::anyhow!("cannot encode the RSA key"))?;
            let public: aws_lc_rs::encoding::PublicKeyX509Der<'_> = pair
                .public_key()
                .as_der()
                .map_err(|_| anyhow::anyhow!("cannot encode the public key"))?;
            (pkcs8.as_ref().to_vec(), public.as_ref().to_vec(), "rsa")
        }
        Algorithm::Ed25519 => {
            let pkcs8 = Ed25519Key::generate_pkcs8()
                .map_err(|e| anyhow::anyhow!("cannot generate an Ed25519 key: {e}"))?;
            let key = Ed25519Key::from_pkcs8_der(&pkcs8)
                .map_err(|e| anyhow::anyhow!("cannot read the Ed25519 key: {e}"))?;
            (pkcs8, key.public_key(), "ed25519")
        }
    };
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let body = b64(&pkcs8)
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\n");
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n");
    write_private(file, pem.as_bytes())?;
    let p = b64(&public);
    // A TXT string holds 255 bytes: the value in quoted pieces.
    let value = format!("v=DKIM1; k={k}; p={p}");
    let pieces: Vec<String> = value
        .as_bytes()
        .chunks(250)
        .map(|c| format!("\"{}\"", String::from_utf8_lossy(c)))
        .collect();
    Ok(format!(
        "{selector}._domainkey.{domain}. IN TXT ( {} )",
        pieces.join(" ")
    ))
}

/// Creates `file` with `bytes`, readable by its owner alone.
fn write_private(file: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options
        .open(file)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    out.write_all(bytes)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generated key loads, signs, and its record carries its public
    /// half; the file is the owner's alone and is not replaced.
    #[test]
    fn a_generated_key_signs_and_its_record_is_printed() {
        let dir = std::env::temp_dir().join(format!("greffier-dkim-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        for (algorithm, k) in [(Algorithm::Rsa, "rsa"), (Algorithm::Ed25519, "ed25519")] {
            let file = dir.join(format!("{k}.pem"));
            let record = generate(algorithm, "greffier", "arles.example", &file).expect("a key");
            assert!(
                record.starts_with(&format!(
                    "greffier._domainkey.arles.example. IN TXT ( \"v=DKIM1; k={k}; p="
                )),
                "{record}"
            );
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&file).expect("file").permissions().mode();
                assert_eq!(mode & 0o777, 0o600);
            }
            assert!(generate(algorithm, "greffier", "arles.example", &file).is_err());
            let signer = Signer::load(
                &Settings {
                    selector: "greffier".into(),
                    key_file: file,
                    domain: None,
                },
                "greffier@arles.example",
            )
            .expect("the key loads");
            let raw = b"From: greffier@arles.example\r\nTo: anne@berre.example\r\nSubject: Test\r\n\r\nBonjour\r\n";
            let signed = String::from_utf8(signer.sign(raw).expect("signed")).expect("utf-8");
            assert!(signed.starts_with("DKIM-Signature: "), "{signed}");
            assert!(signed.contains("d=arles.example"), "{signed}");
            assert!(signed.contains("s=greffier"), "{signed}");
            assert!(signed.ends_with("\r\n\r\nBonjour\r\n"));
        }
        let junk = dir.join("junk.pem");
        std::fs::write(&junk, "not a key").expect("write");
        let err = Signer::load(
            &Settings {
                selector: "s".into(),
                key_file: junk,
                domain: None,
            },
            "g@arles.example",
        )
        .err()
        .expect("refused");
        assert!(
            err.to_string()
                .contains("not an RSA or Ed25519 private key")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
