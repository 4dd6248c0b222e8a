//! Who really sent a mail. A `From:` header proves nothing: greffier checks
//! DKIM itself (mail-auth, the DKIM keys looked up through `mail.dns`,
//! cached by the resolver within their TTL), and takes a mail as its From's
//! when a signature verifies and its domain aligns with the From domain
//! (relaxed: the same domain, or one a parent of the other). Or, when
//! `mail.authserv_id` names the mailbox server's own checks, when the
//! topmost `Authentication-Results` header carries that authserv-id and says
//! `dmarc=pass` with `header.from` the From domain, or `dkim=pass` for an
//! aligned `header.d` (RFC 8601; a header of any other authserv-id is
//! ignored, and so is one below another).
//!
//! The mail is parsed once ([`parse::message`]) for this check and for what
//! greffier then does: the proof names the From address it speaks for, and
//! vouches for nothing else. A signature older than
//! [`MAX_SIGNATURE_AGE`] proves nothing.
//!
//! What an unauthenticated mail may do is the inbox's business: reading
//! commands run, state changes wait for a confirmation (SECURITY.md).

use std::net::SocketAddr;

use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
use mail_auth::{AuthenticatedMessage, DkimResult, MessageAuthenticator};

pub use super::settings::Authentication;
use crate::mail::parse;

/// What was proven about a mail's sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// A DKIM signature of `domain`, aligned with the domain of `from`,
    /// verifies; `from` is the address as greffier reads it.
    Signed { domain: String, from: String },
    /// The mailbox server's own `Authentication-Results` says `from` passed.
    ServerSaid { from: String },
    /// `mail.authentication = "none"`: the From header is believed.
    Believed,
    /// Nothing proves it (why, for the log).
    Unproven(&'static str),
}

impl Proof {
    /// Whether this proves that `from` (the address greffier acts for) sent
    /// the mail: a proof speaks for one address, the one read by the same
    /// parse as the commands (issue 34, case 3).
    pub fn vouches_for(&self, from: &str) -> bool {
        match self {
            Proof::Signed { from: proven, .. } | Proof::ServerSaid { from: proven } => {
                proven.eq_ignore_ascii_case(from)
            }
            Proof::Believed => true,
            Proof::Unproven(_) => false,
        }
    }
}

/// A signature older than this proves nothing: a mail signed for someone
/// else weeks ago and forwarded to the bot is not obeyed (issue 34, case
/// 5). Mail reaches the bot within minutes; a few days leave room for a
/// server's queue and a bot stopped over a long weekend.
pub const MAX_SIGNATURE_AGE: jiff::SignedDuration = jiff::SignedDuration::from_hours(72);

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

    /// What proves that `raw` comes from its From address, now.
    pub async fn check(&self, raw: &[u8]) -> Proof {
        self.check_at(raw, jiff::Timestamp::now()).await
    }

    /// The same, at `now` (a signature's age is counted to it). The mail
    /// is parsed once, by [`parse::message`], and its From read by
    /// [`parse::sender`]: what is verified is what the commands will act on.
    pub async fn check_at(&self, raw: &[u8], now: jiff::Timestamp) -> Proof {
        let dns = match self.mode {
            Authentication::None => return Proof::Believed,
            Authentication::Confirm => return Proof::Unproven("mail.authentication = confirm"),
            Authentication::Dkim => match &self.dns {
                Some(dns) => dns,
                None => return Proof::Unproven("no resolver"),
            },
        };
        let Ok(parsed) = parse::message(raw) else {
            return Proof::Unproven("unreadable mail");
        };
        let Ok((from, _)) = parse::sender(&parsed) else {
            return Proof::Unproven("not one From address");
        };
        let Some((_, domain)) = from.rsplit_once('@') else {
            return Proof::Unproven("no From domain");
        };
        let domain = domain.trim().to_ascii_lowercase();
        let message = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            AuthenticatedMessage::from_parsed(&parsed, raw, true)
        })) {
            Ok(message) => message,
            Err(_) => return Proof::Unproven("unreadable headers"),
        };
        drop(parsed);
        if let Some(id) = &self.authserv_id
            && server_says(&message, id, &domain)
        {
            return Proof::ServerSaid { from };
        }
        if message.dkim_headers.is_empty() {
            return Proof::Unproven("no DKIM signature");
        }
        let mut too_old = false;
        for output in dns.verify_dkim(&message).await {
            if output.result() != &DkimResult::Pass {
                continue;
            }
            let Some(signature) = output.signature() else {
                continue;
            };
            if !aligned(&signature.d, &domain) {
                continue;
            }
            if !recent(signature.t, now) {
                too_old = true;
                continue;
            }
            return Proof::Signed {
                domain: signature.d.to_ascii_lowercase(),
                from,
            };
        }
        if too_old {
            return Proof::Unproven("the only signature for the From domain is too old");
        }
        Proof::Unproven("no DKIM signature verifies for the From domain")
    }
}

/// Whether a signature made at `t` (seconds since 1970; 0 when it does not
/// say) is recent enough at `now`. A signature without `t=` cannot be
/// dated and is taken (RFC 6376 makes `t=` optional; the big providers
/// write it). One from the future by more than an hour is not.
fn recent(t: u64, now: jiff::Timestamp) -> bool {
    if t == 0 {
        return true;
    }
    let Ok(t) = i64::try_from(t) else {
        return false;
    };
    let age = jiff::SignedDuration::from_secs(now.as_second().saturating_sub(t));
    age <= MAX_SIGNATURE_AGE && age >= -jiff::SignedDuration::from_hours(1)
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
        // dmarc=pass speaks for the domain its header.from names, which
        // must be the From domain greffier reads (issue 34, case 8).
        (says("dmarc=pass")
            && property("header.from=").is_some_and(|d| d.trim_end_matches('.') == from))
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
    fn a_signature_is_recent_for_three_days() {
        let now = jiff::Timestamp::from_second(1_800_000_000).expect("ts");
        let at = |hours_ago: i64| u64::try_from(now.as_second() - hours_ago * 3600).expect("t");
        assert!(recent(0, now), "no t=: not dated");
        assert!(recent(at(0), now));
        assert!(recent(at(71), now));
        assert!(!recent(at(73), now));
        assert!(!recent(at(24 * 30), now));
        assert!(!recent(at(-2), now), "from the future");
    }

    #[test]
    fn a_proof_vouches_for_its_from_only() {
        let signed = Proof::Signed {
            domain: "example.org".into(),
            from: "alice@example.org".into(),
        };
        assert!(signed.vouches_for("Alice@Example.org"));
        assert!(!signed.vouches_for("attacker@evil.example"));
        assert!(!signed.vouches_for("bob@example.org"));
        assert!(Proof::Believed.vouches_for("anyone@example.org"));
        assert!(!Proof::Unproven("x").vouches_for("alice@example.org"));
    }

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
        // dmarc=pass for no domain, or for another one (issue 34, case 8).
        assert!(!says(
            "Authentication-Results: mx.example.test; dmarc=pass\r\n"
        ));
        assert!(!says(
            "Authentication-Results: mx.example.test; dmarc=pass header.from=evil.example\r\n"
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
