//! `[mail]`: the bot's mailbox (IMAP in, SMTP out), how a sender is
//! proven, and what is too large to read.

use std::path::PathBuf;

use greffier_commands::Context;
use greffier_commands::store::{Identity, IdentityKind};
use serde::Deserialize;

use crate::config::{FromText, Secret, Section, check, is_loopback, optional_text, text};

/// How a mail connection is protected (`mail.imap_tls`, `mail.smtp_tls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// TLS from the first byte (IMAPS 993, SMTPS 465).
    Implicit,
    /// Plain, then STARTTLS (IMAP 143, submission 587).
    Starttls,
    /// No TLS: loopback only.
    None,
}

impl FromText for Tls {
    fn from_text(s: &str) -> Result<Tls, String> {
        match s {
            "implicit" => Ok(Tls::Implicit),
            "starttls" => Ok(Tls::Starttls),
            "none" => Ok(Tls::None),
            other => Err(format!("{other:?} is not one of implicit, starttls, none")),
        }
    }
}

/// How a mail's sender is proven (`mail.authentication`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authentication {
    /// A DKIM signature aligned with the From domain, or the mailbox
    /// server's own Authentication-Results; otherwise state changes wait
    /// for a confirmation.
    Dkim,
    /// Every state change by mail waits for a confirmation.
    Confirm,
    /// The From header is believed (check-config warns).
    None,
}

impl FromText for Authentication {
    fn from_text(s: &str) -> Result<Authentication, String> {
        match s {
            "dkim" => Ok(Authentication::Dkim),
            "confirm" => Ok(Authentication::Confirm),
            "none" => Ok(Authentication::None),
            other => Err(format!("{other:?} is not one of dkim, confirm, none")),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub address: String,
    pub imap_host: String,
    pub imap_port: u16,
    #[serde(default = "default_tls", deserialize_with = "text")]
    pub imap_tls: Tls,
    /// A PEM certificate to trust instead of the system's roots (a server
    /// with a self-signed certificate).
    pub imap_ca_file: Option<PathBuf>,
    pub imap_user: String,
    pub imap_password: Option<Secret>,
    pub smtp_host: String,
    pub smtp_port: u16,
    #[serde(default = "default_tls", deserialize_with = "text")]
    pub smtp_tls: Tls,
    pub smtp_ca_file: Option<PathBuf>,
    pub smtp_user: Option<String>,
    pub smtp_password: Option<Secret>,
    #[serde(default = "default_done")]
    pub done_folder: String,
    /// Where mail that cannot be read is moved (created if missing).
    #[serde(default = "default_quarantine")]
    pub quarantine_folder: String,
    #[serde(default = "default_poll")]
    pub poll_seconds: u64,
    /// Larger mails (in bytes, as the IMAP server counts them) go to
    /// quarantine unread.
    #[serde(default = "default_max_size")]
    pub max_size: u64,
    #[serde(default = "default_authentication", deserialize_with = "text")]
    pub authentication: Authentication,
    /// The resolver asked for DKIM keys; the system's when absent.
    #[serde(default, deserialize_with = "optional_text")]
    pub dns: Option<std::net::SocketAddr>,
    /// The authserv-id of the mailbox server's own Authentication-Results,
    /// when it writes them (and removes forged ones).
    pub authserv_id: Option<String>,
    /// Signing the bot's own mail: `dkim = { selector = "greffier",
    /// key_file = "/etc/greffier/dkim.pem" }` (src/mail/dkim.rs).
    pub dkim: Option<super::dkim::Settings>,
}

fn default_authentication() -> Authentication {
    Authentication::Dkim
}

fn default_max_size() -> u64 {
    10 << 20
}

fn default_tls() -> Tls {
    Tls::Starttls
}
fn default_done() -> String {
    "Traités".into()
}
fn default_quarantine() -> String {
    "Quarantaine".into()
}
fn default_poll() -> u64 {
    60
}

impl Section for Settings {
    const NAME: &'static str = "mail";
    const TYPED: &'static [crate::config::Typed] = &[
        ("imap_tls", check::<Tls>, "none"),
        ("smtp_tls", check::<Tls>, "none"),
        ("authentication", check::<Authentication>, "dkim"),
        ("dns", check::<std::net::SocketAddr>, "127.0.0.1"),
    ];
    const SECRETS: &'static [&'static str] = &["imap_password", "smtp_password"];

    fn check(&self, problem: &mut dyn FnMut(&str, String)) {
        for (key, tls, host) in [
            ("imap_tls", self.imap_tls, &self.imap_host),
            ("smtp_tls", self.smtp_tls, &self.smtp_host),
        ] {
            if tls == Tls::None && !is_loopback(host) {
                problem(
                    key,
                    format!(
                        "\"none\" sends passwords and mail in clear: only for a server on this machine (127.0.0.1, ::1, localhost), not {host:?}"
                    ),
                );
            }
        }
        if !matches!(Identity::parse(&self.address), Some(i) if i.kind == IdentityKind::Email) {
            problem(
                "address",
                format!("{:?} is not an email address", self.address),
            );
        }
        if self.poll_seconds == 0 {
            problem("poll_seconds", "must be at least 1".into());
        }
        if self.max_size < 1024 {
            problem(
                "max_size",
                "must be at least 1024 (bytes; the default is 10485760, 10 MiB)".into(),
            );
        }
    }

    fn warnings(&self) -> Vec<String> {
        match self.authentication {
            Authentication::None => vec![
                "mail.authentication = \"none\": the From header of a mail is believed, so anyone who knows a linked address can run commands in that person's name (use \"dkim\" or \"confirm\")".into(),
            ],
            Authentication::Dkim | Authentication::Confirm => Vec::new(),
        }
    }

    fn shape(&self, ctx: &mut Context) {
        ctx.mail_address = Some(self.address.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Problem, parse, reader};

    fn mail(src: &str) -> Result<Config, Vec<Problem>> {
        parse(src, &[reader::<Settings>()])
    }

    #[test]
    fn values_are_read_into_their_types_once() {
        let src = "[mail]\naddress = \"g@example.test\"\nimap_host = \"h\"\nimap_port = 1\nimap_user = \"u\"\nimap_password = \"p\"\nsmtp_host = \"h\"\nsmtp_port = 2\nimap_tls = \"implicit\"\n";
        let c = mail(src).expect("valid");
        let m = c.section::<Settings>().expect("[mail]");
        assert_eq!((m.imap_tls, m.smtp_tls), (Tls::Implicit, Tls::Starttls));
        let p = mail(&src.replace("implicit", "ssl3")).expect_err("bad tls");
        assert_eq!(p[0].key, "mail.imap_tls");
        let p = mail(&src.replace("imap_port = 1", "imap_port = \"one\"")).expect_err("type");
        assert_eq!((p[0].key.as_str(), p[0].line), ("mail.imap_port", Some(4)));
    }

    #[test]
    fn no_tls_only_on_this_machine() {
        let section = |host: &str, tls: &str| {
            format!(
                "[mail]\naddress = \"g@example.test\"\nimap_host = \"127.0.0.1\"\nimap_port = 1\nimap_user = \"u\"\nimap_password = \"p\"\nsmtp_host = \"{host}\"\nsmtp_port = 2\nsmtp_tls = \"{tls}\"\n"
            )
        };
        for host in ["127.0.0.1", "localhost", "::1", "127.0.0.2"] {
            assert!(mail(&section(host, "none")).is_ok(), "{host}");
        }
        let p = mail(&section("mail.example.org", "none")).expect_err("clear text");
        assert_eq!((p[0].key.as_str(), p[0].line), ("mail.smtp_tls", Some(9)));
        assert!(mail(&section("mail.example.org", "starttls")).is_ok());
    }
}
