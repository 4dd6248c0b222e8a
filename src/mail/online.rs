//! `check-config --online` for `[mail]`: the mailbox opens (IMAP login),
//! the SMTP server greets and takes the credentials, and, with `dkim`, a
//! mail signed with the key file verifies against the key the domain
//! publishes in DNS (`mail.dns`, else the system's resolver).

use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use greffier_commands::{Lang, tr};

use crate::app::App;
use crate::plugin::Checked;

use super::auth::{Authentication, Proof, Verifier};
use super::{Settings, dkim, imap, outbound};

pub fn checks(app: &App) -> BoxFuture<'_, Vec<Checked>> {
    async move {
        let lang = app.loaded.config.bot.language;
        let Some(cfg) = app.loaded.config.section::<Settings>() else {
            return Vec::new();
        };
        vec![mailbox(app, cfg, lang).await, smtp(app, cfg, lang).await]
            .into_iter()
            .chain(signature(app, cfg, lang).await)
            .collect()
    }
    .boxed()
}

async fn mailbox(app: &App, cfg: &Settings, lang: Lang) -> Checked {
    let loaded = &app.loaded;
    let (user, host) = (&cfg.imap_user, &cfg.imap_host);
    let login = match loaded.secret("mail.imap_password", &cfg.imap_password) {
        Ok(Some(password)) => imap::Login {
            host: host.clone(),
            port: cfg.imap_port,
            tls: cfg.imap_tls,
            ca: cfg.imap_ca_file.as_ref().map(|f| loaded.resolve(f)),
            user: user.clone(),
            password,
        },
        Ok(None) => return Checked::critical("mail: [mail] needs imap_password".into()),
        Err(e) => return Checked::critical(format!("mail: {e:#}")),
    };
    match login.connect().await {
        Ok(mut session) => {
            let _ = session.logout().await;
            Checked::ok(tr!(
                lang,
                "mail : la boîte de {user} s'ouvre sur {host} (IMAP)",
                "mail: {user}'s mailbox opens on {host} (IMAP)"
            ))
        }
        Err(e) => Checked::critical(tr!(
            lang,
            "mail : la boîte de {user} ne s'ouvre pas sur {host} (IMAP) : {e:#}",
            "mail: {user}'s mailbox does not open on {host} (IMAP): {e:#}"
        )),
    }
}

async fn smtp(app: &App, cfg: &Settings, lang: Lang) -> Checked {
    let loaded = &app.loaded;
    let host = &cfg.smtp_host;
    let credentials = match (
        &cfg.smtp_user,
        loaded.secret("mail.smtp_password", &cfg.smtp_password),
    ) {
        (_, Err(e)) => return Checked::critical(format!("mail: {e:#}")),
        (Some(user), Ok(Some(password))) => Some((user.clone(), password)),
        _ => None,
    };
    let ca = match &cfg.smtp_ca_file {
        Some(f) => std::fs::read(loaded.resolve(f)).ok(),
        None => None,
    };
    let server = outbound::Server {
        host,
        port: cfg.smtp_port,
        tls: cfg.smtp_tls,
        ca_pem: ca.as_deref(),
    };
    let auth = credentials.is_some();
    match outbound::test(server, credentials).await {
        Ok(()) if auth => Checked::ok(tr!(
            lang,
            "mail : {host} accepte l'envoi, identifiants compris (SMTP)",
            "mail: {host} greets and takes the credentials (SMTP)"
        )),
        Ok(()) => Checked::ok(tr!(
            lang,
            "mail : {host} accepte l'envoi (SMTP, sans identifiants)",
            "mail: {host} greets (SMTP, no credentials)"
        )),
        Err(e) => Checked::critical(tr!(
            lang,
            "mail : {host} refuse l'envoi (SMTP) : {e:#}",
            "mail: {host} refuses (SMTP): {e:#}"
        )),
    }
}

/// A mail signed with the key file, verified as a receiver would: the key
/// published in DNS must be the file's.
async fn signature(app: &App, cfg: &Settings, lang: Lang) -> Option<Checked> {
    let d = cfg.dkim.as_ref()?;
    let settings = dkim::Settings {
        key_file: app.loaded.resolve(&d.key_file),
        ..d.clone()
    };
    let selector = &d.selector;
    let signer = match dkim::Signer::load(&settings, &cfg.address) {
        Ok(s) => s,
        Err(e) => return Some(Checked::critical(format!("mail.dkim: {e:#}"))),
    };
    let raw = format!(
        "From: {a}\r\nTo: {a}\r\nSubject: check-config --online\r\nDate: {date}\r\nMessage-ID: <check.{stamp}@greffier>\r\n\r\nDKIM\r\n",
        a = cfg.address,
        date = jiff::Timestamp::now().strftime("%a, %d %b %Y %H:%M:%S +0000"),
        stamp = jiff::Timestamp::now().as_millisecond()
    );
    let signed = match signer.sign(raw.as_bytes()) {
        Ok(s) => s,
        Err(e) => return Some(Checked::critical(format!("mail.dkim: {e:#}"))),
    };
    let verifier = match Verifier::new(Authentication::Dkim, cfg.dns, None) {
        Ok(v) => v,
        Err(e) => return Some(Checked::critical(format!("mail.dns: {e:#}"))),
    };
    Some(match verifier.check(&signed).await {
        Proof::Signed { domain, .. } => Checked::ok(tr!(
            lang,
            "mail : la clé DKIM « {selector} » publiée pour {domain} est celle du fichier",
            "mail: the DKIM key “{selector}” published for {domain} is the file's"
        )),
        other => Checked::critical(tr!(
            lang,
            "mail : une signature faite avec la clé DKIM « {selector} » ne se vérifie pas contre le DNS ({other:?}) : publiez l'enregistrement de greffier dkim generate",
            "mail: a signature made with the DKIM key “{selector}” does not verify against DNS ({other:?}): publish greffier dkim generate's record"
        )),
    })
}
