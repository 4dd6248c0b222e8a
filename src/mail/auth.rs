//! Who really sent a mail. A `From:` header proves nothing: greffier checks
//! DKIM itself (mail-auth, the DKIM keys looked up through `mail.dns`,
//! cached by the resolver within their TTL), and takes a mail as its From's
//! when a signature verifies and its domain aligns with the From domain
//! (relaxed: the same domain, or one a parent of the other). Or, when
//! `mail.authserv_id` names the mailbox server's own checks, when the
//! topmost `Authentication-Results` header carries that authserv-id and says
//! `dmarc=pass`, or `dkim=pass` for an aligned `header.d` (RFC 8601; a header
//! of any other authserv-id is ignored, and so is one below another).
//!
//! What an unauthenticated mail may do is the inbox's business: reading
//! commands run, state changes wait for a confirmation (SECURITY.md).

use std::net::SocketAddr;

use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use mail_auth::{AuthenticatedMessage, DkimResult, MessageAuthenticator};

use crate::config::Authentication;

/// What was proven about a mail's sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// A DKIM signature of `domain`, aligned with the From domain, verifies.
    Signed { domain: String },
    /// The mailbox server's own `Authentication-Results` says so.
    ServerSaid,
    /// `mail.authentication = "none"`: the From header is believed.
    Believed,
    /// Nothing proves it (why, for the log).
    Unproven(&'static str),
}

impl Proof {
    pub fn authenticated(&self) -> bool {
        !matches!(self, Proof::Unproven(_))
    }
}

pub struct Verifier {
    mode: Authentication,
    dns: Option<MessageAuthenticator>,
    authserv_id: Option<String>,
}

impl Verifier {
    /// `dns`: the resolver to ask for DKIM keys (`mail.dns`); the system's
    /// when `None`.
    pub fn new(
        mode: Authentication,
        dns: Option<SocketAddr>,
        authserv_id: Option<String>,
    ) -> anyhow::Result<Verifier> {
        let dns = match mode {
            Authentication::Dkim => resolver(dns)?,
            Authentication::Confirm | Authentication::None => None,
        };
        Ok(Verifier {
            mode,
            dns,
            authserv_id: authserv_id.map(|id| id.to_ascii_lowercase()),
        })
    }

    /// What proves that `raw` comes from its From address.
    pub async fn check(&self, raw: &[u8]) -> Proof {
        let dns = match self.mode {
            Authentication::None => return Proof::Believed,
            Authentication::Confirm => return Proof::Unproven("mail.authentication = confirm"),
            Authentication::Dkim => match &self.dns {
                Some(dns) => dns,
                None => return Proof::Unproven("no resolver"),
            },
        };
        let Some(message) = AuthenticatedMessage::parse(raw) else {
            return Proof::Unproven("unreadable headers");
        };
        let from = match message.from.as_slice() {
            [one] => match one.rsplit_once('@') {
                Some((_, domain)) => domain.trim().to_ascii_lowercase(),
                None => return Proof::Unproven("no From domain"),
            },
            _ => return Proof::Unproven("not one From address"),
        };
        if let Some(id) = &self.authserv_id
            && server_says(&message, id, &from)
        {
            return Proof::ServerSaid;
        }
        if message.dkim_headers.is_empty() {
            return Proof::Unproven("no DKIM signature");
        }
        for output in dns.verify_dkim(&message).await {
            if output.result() != &DkimResult::Pass {
                continue;
            }
            if let Some(signature) = output.signature()
                && aligned(&signature.d, &from)
            {
                return Proof::Signed {
                    domain: signature.d.to_ascii_lowercase(),
                };
            }
        }
        Proof::Unproven("no DKIM signature verifies for the From domain")
    }
}

/// The resolver for DKIM keys: `addr`, or the system's. Without either
/// (no readable resolver configuration) nothing can be proven, and every
/// change by mail waits for a confirmation: not a reason to stop.
fn resolver(addr: Option<SocketAddr>) -> anyhow::Result<Option<MessageAuthenticator>> {
    let Some(addr) = addr else {
        return Ok(match MessageAuthenticator::new_system_conf() {
            Ok(resolver) => Some(resolver),
            Err(e) => {
                tracing::warn!(error = %e, "mail.dns is not set and the system's resolver cannot be read: DKIM cannot be checked, every change by mail will be confirmed");
                None
            }
        });
    };
    let mut server = NameServerConfig::udp_and_tcp(addr.ip());
    for connection in &mut server.connections {
        connection.port = addr.port();
    }
    Ok(Some(MessageAuthenticator::new(
        ResolverConfig::from_name_servers(vec![server]),
        ResolverOpts::default(),
    )?))
}

/// Relaxed alignment, without a public-suffix list: the same domain, or
/// one a parent of the other (`example.org` signs for
/// `mairie.example.org`). Two sibling subdomains do not align.
pub fn aligned(signer: &str, from: &str) -> bool {
    let (d, f) = (signer.to_ascii_lowercase(), from.to_ascii_lowercase());
    let (d, f) = (d.trim_end_matches('.'), f.trim_end_matches('.'));
    if d.is_empty() || !d.contains('.') {
        return false;
    }
    d == f || f.ends_with(&format!(".{d}")) || d.ends_with(&format!(".{f}"))
}

/// Whether the topmost `Authentication-Results` header is `authserv_id`'s
/// and says the From domain passed: `dmarc=pass`, or `dkim=pass` with an
/// aligned `header.d`.
fn server_says(message: &AuthenticatedMessage<'_>, authserv_id: &str, from: &str) -> bool {
    let Some((_, value)) = message
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(b"Authentication-Results"))
    else {
        return false;
    };
    let text = without_comments(&String::from_utf8_lossy(value));
    let mut parts = text.split(';');
    let id = parts
        .next()
        .and_then(|p| p.split_whitespace().next())
        .unwrap_or_default();
    if !id.eq_ignore_ascii_case(authserv_id) {
        return false;
    }
    parts.any(|result| {
        let words: Vec<String> = result
            .split_whitespace()
            .map(str::to_ascii_lowercase)
            .collect();
        let says = |what: &str| words.first().is_some_and(|w| w == what);
        let property = |name: &str| {
            words
                .iter()
                .find_map(|w| w.strip_prefix(name).map(str::to_string))
        };
        says("dmarc=pass")
            || (says("dkim=pass") && property("header.d=").is_some_and(|d| aligned(&d, from)))
    })
}

/// A header's value without its (comments).
fn without_comments(value: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxed_alignment() {
        for (d, from) in [
            ("example.test", "example.test"),
            ("Example.Test", "example.test"),
            ("example.org", "mairie.example.org"),
            ("mail.example.org", "example.org"),
        ] {
            assert!(aligned(d, from), "{d} for {from}");
        }
        for (d, from) in [
            ("evil.example", "example.test"),
            ("a.example.org", "b.example.org"),
            ("org", "example.org"),
            ("xexample.test", "example.test"),
        ] {
            assert!(!aligned(d, from), "{d} for {from}");
        }
    }

    fn parsed(headers: &str) -> Vec<u8> {
        format!("{headers}From: Alice <alice@example.test>\r\nTo: g@example.test\r\nSubject: x\r\n\r\nbody\r\n")
            .into_bytes()
    }

    #[test]
    fn only_the_topmost_results_of_our_server_count() {
        let says = |headers: &str| {
            let raw = parsed(headers);
            let m = AuthenticatedMessage::parse(&raw).expect("a message");
            server_says(&m, "mx.example.test", "example.test")
        };
        assert!(says(
            "Authentication-Results: mx.example.test;\r\n\tdkim=pass (good signature) header.d=example.test;\r\n\tspf=none\r\n"
        ));
        assert!(says(
            "Authentication-Results: MX.example.test 1; dmarc=pass (p=reject) header.from=example.test\r\n"
        ));
        // Another authserv-id, a failure, an unaligned signer, a forged one
        // below the server's own.
        assert!(!says(
            "Authentication-Results: evil.example; dmarc=pass\r\n"
        ));
        assert!(!says(
            "Authentication-Results: mx.example.test; dmarc=fail; dkim=fail\r\n"
        ));
        assert!(!says(
            "Authentication-Results: mx.example.test; dkim=pass header.d=evil.example\r\n"
        ));
        assert!(!says(
            "Authentication-Results: mx.example.test; dmarc=none\r\nAuthentication-Results: mx.example.test; dmarc=pass\r\n"
        ));
        assert!(!says(
            "Authentication-Results: mx.example.test (dmarc=pass); none\r\n"
        ));
    }
}
