//! Mail the bot as a demo user and print its answer, or read the user's
//! mailbox:
//!
//!     cargo run --example mail -- '!groupe liste'          # as alice@example.test
//!     cargo run --example mail -- --as bob '!aide'
//!     cargo run --example mail -- --inbox                  # alice's last mails
//!
//! It reads `.local/servers.env` (written by `scripts/servers start`),
//! sends over SMTP (127.0.0.1:2525) to greffier@example.test, signed with
//! example.test's DKIM key as the domain's outgoing server would sign it
//! (the bot checks it, through the local DNS server), and waits up to 30 s
//! for the answer in the user's INBOX (IMAP 127.0.0.1:1143). The
//! bot only obeys linked addresses: link yours first from a room with
//! `!moi lier alice@example.test`, read the code with `--inbox`, and
//! confirm it with `!moi confirmer <code>` (see the README).

use std::collections::HashMap;
use std::time::Duration;

use anyhow::{Context as _, bail};
use futures_util::TryStreamExt;
use lettre::message::Message;
use mail_parser::MessageParser;
use tokio::net::TcpStream;

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut who, mut inbox, mut text) = ("alice".to_string(), false, None);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--as" => who = args.next().context("--as needs a user")?,
            "--inbox" => inbox = true,
            _ => text = Some(a),
        }
    }
    let env: HashMap<String, String> = std::fs::read_to_string(".local/servers.env")
        .context(".local/servers.env: run scripts/servers start (or scripts/run) first")?
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let var = |k: &str| env.get(k).cloned().with_context(|| format!("{k} missing"));
    let address = format!("{who}@{}", var("MAIL_DOMAIN")?);
    let password = var(&format!("{}_PASSWORD", who.to_uppercase()))?;
    let imap_port: u16 = var("IMAP_PORT")?.parse()?;

    if inbox {
        for (subject, body) in mails(imap_port, &address, &password)
            .await?
            .iter()
            .rev()
            .take(3)
        {
            println!("── {subject}\n{body}\n");
        }
        return Ok(());
    }
    let text = text.context("usage: mail [--as alice|bob|carol] TEXT | --inbox")?;
    let message_id = format!(
        "<demo-{}@{}>",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_nanos(),
        var("MAIL_DOMAIN")?
    );
    let mail = Message::builder()
        .from(address.parse()?)
        .to(format!("greffier@{}", var("MAIL_DOMAIN")?).parse()?)
        .subject("greffier")
        .message_id(Some(message_id.clone()))
        .body(format!("{text}\n"))?;
    let bot = format!("greffier@{}", var("MAIL_DOMAIN")?);
    greffier_testkit::mail::try_send(Some(&address), &bot, &mail.formatted())
        .await
        .map_err(|e| anyhow::anyhow!("SMTP: {e}"))?;
    println!("{address}> {text}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while tokio::time::Instant::now() < deadline {
        for raw in raw_mails(imap_port, &address, &password).await? {
            let Some(m) = MessageParser::default().parse(&raw) else {
                continue;
            };
            if m.in_reply_to().as_text() == Some(message_id.trim_matches(['<', '>'])) {
                println!("greffier> {}", m.body_text(0).unwrap_or_default());
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    bail!("no answer within 30 s: is the bot running (scripts/run), and is {address} linked?")
}

async fn raw_mails(port: u16, user: &str, password: &str) -> anyhow::Result<Vec<Vec<u8>>> {
    let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await?;
    let mut imap = client.login(user, password).await.map_err(|(e, _)| e)?;
    if imap.select("INBOX").await?.exists == 0 {
        return Ok(Vec::new());
    }
    let fetched: Vec<_> = imap
        .fetch("1:*", "BODY.PEEK[]")
        .await?
        .try_collect()
        .await?;
    imap.logout().await?;
    Ok(fetched
        .iter()
        .filter_map(|f| f.body().map(<[u8]>::to_vec))
        .collect())
}

async fn mails(port: u16, user: &str, password: &str) -> anyhow::Result<Vec<(String, String)>> {
    Ok(raw_mails(port, user, password)
        .await?
        .iter()
        .filter_map(|raw| {
            let m = MessageParser::default().parse(raw)?;
            Some((
                m.subject().unwrap_or_default().to_string(),
                m.body_text(0).unwrap_or_default().to_string(),
            ))
        })
        .collect())
}
