//! Issue 39: greffier's own mail leaves signed (`[mail] dkim`). Every kind
//! of mail a member gets — the link code, a reply, an invitation with its
//! calendar part, a poll, the draft compte rendu, the approved one with
//! its ODT and PDF — verifies with another
//! implementation (PyPI's dkimpy, tests/dkim/verify.py) against the key
//! the local DNS server publishes, and with greffier's own verifier; the
//! same mail with one byte changed fails both.

use std::io::Write as _;
use std::process::{Command, Stdio};

use greffier::mail::auth::{Authentication, Proof, Verifier};
use greffier_testkit::mail::Mail;

use crate::mailserver::{MAIL_SERVER, MailBot};
use crate::synapse::Servers;

const ADMIN: &str = "@admin:example.test";

/// dkimpy's verdict on `raw`, asking the test DNS server for the key.
fn dkimpy(raw: &[u8]) -> (bool, String) {
    let python = std::env::var("GREFFIER_DKIM_PYTHON").unwrap_or_else(|_| {
        format!(
            "{}/.cache/greffier/dkim-venv/bin/python",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/dkim/verify.py");
    let mut child = Command::new(&python)
        .arg(script)
        .arg(Servers::get().var("DNS_ADDR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{python}: {e} (scripts/test installs dkimpy)"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(raw)
        .expect("the mail to dkimpy");
    let out = child.wait_with_output().expect("dkimpy");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// `raw` with one byte of its body changed.
fn tampered(raw: &[u8]) -> Vec<u8> {
    let mut copy = raw.to_vec();
    let body = copy
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a body")
        + 4;
    let at = (body..copy.len())
        .find(|&i| copy[i].is_ascii_alphabetic())
        .expect("a letter in the body");
    copy[at] ^= 0x20;
    copy
}

#[tokio::test]
async fn every_kind_of_mail_greffier_sends_is_signed_and_verifies_with_dkimpy() {
    let _mail = MAIL_SERVER.read().await;
    let s = Servers::get();
    // An Ed25519 key, then an RSA-2048 one (what `greffier dkim generate`
    // writes by default), each published by the local DNS server.
    for (name, selector, key) in [
        ("dkim-ed25519", "DKIM_SELECTOR", "DKIM_KEY"),
        ("dkim-rsa", "DKIM_RSA_SELECTOR", "DKIM_RSA_KEY"),
    ] {
        every_kind_signed_with(name, s.var(selector), s.var(key)).await;
    }
}

async fn every_kind_signed_with(name: &str, selector: &str, key: &str) {
    let s = Servers::get();
    let settings = format!("dkim = {{ selector = \"{selector}\", key_file = \"{key}\" }}");
    let mut bot = MailBot::with_mail(name, &settings).await;
    bot.start();
    // The link code mail, then a reply, an invitation, a poll, the draft
    // compte rendu.
    let (member, member_id) = bot.member_with_id("Berre").await;
    let out = bot
        .scratch
        .console(&member_id, &["!groupe rejoindre messagerie"]);
    assert!(out.contains("Bienvenue"), "{out}");
    let reply = bot.ask(&member, "!aide").await;
    assert!(reply.body().contains("!groupe"), "{}", reply.body());
    let out = bot.scratch.console(
        ADMIN,
        &[
            "!reunion creer « Point messagerie » 2030-12-03 09:30 groupe messagerie",
            "!sondage creer « Atelier » 2030-12-10 2030-12-11 groupe messagerie",
        ],
    );
    assert!(
        out.contains("créée") && out.contains("Sondage n°1"),
        "{out}"
    );
    member
        .wait_for("the invitation", |m| m.calendar().is_some())
        .await;
    member
        .wait_for("the poll", |m| m.subject().contains("Atelier"))
        .await;
    let out = bot.scratch.console(
        ADMIN,
        &[
            "!seance ouvrir 1",
            "!note « Chacun présente son service »",
            "!seance clore",
        ],
    );
    assert!(out.contains("Séance close"), "{out}");
    member
        .wait_for("the draft compte rendu", |m| {
            m.subject().contains("Projet de compte rendu")
        })
        .await;
    // The approved compte rendu, its ODT and PDF attached.
    let out = bot.scratch.console(ADMIN, &["!compte-rendu approuver 1"]);
    assert!(out.contains("approuvé"), "{out}");
    member
        .wait_for("the approved compte rendu", |m| {
            m.subject().contains("Compte rendu approuvé") && !m.attachments().is_empty()
        })
        .await;

    let dns: std::net::SocketAddr = s.var("DNS_ADDR").parse().expect("DNS_ADDR");
    let verifier = Verifier::new(Authentication::Dkim, Some(dns), None).expect("verifier");
    let mails = member.mails("INBOX").await;
    let mut kinds = Vec::new();
    for raw in &mails {
        let mail = Mail::new(raw.clone());
        let subject = mail.subject();
        let signature = mail.header("DKIM-Signature").unwrap_or_default();
        assert!(
            signature.contains(&format!("d={}", s.var("DKIM_DOMAIN")))
                && signature.contains(&format!("s={selector}")),
            "{subject}: not signed by the bot's domain and key: {signature:?}"
        );
        let (ok, said) = dkimpy(raw);
        assert!(ok, "{subject}: dkimpy says\n{said}");
        let proof = verifier.check(raw).await;
        assert!(
            matches!(&proof, Proof::Signed { .. }),
            "{subject}: greffier's verifier says {proof:?}"
        );
        let changed = tampered(raw);
        let (ok, said) = dkimpy(&changed);
        assert!(!ok, "{subject}: a changed byte still verifies:\n{said}");
        let proof = verifier.check(&changed).await;
        assert!(
            !matches!(proof, Proof::Signed { .. }),
            "{subject}: a changed byte still verifies for greffier"
        );
        kinds.push(subject);
    }
    assert!(mails.len() >= 6, "{kinds:#?}");
    println!(
        "dkim ({selector}): {} mails verified by dkimpy: {kinds:#?}",
        mails.len()
    );
    bot.stop().await;
}
