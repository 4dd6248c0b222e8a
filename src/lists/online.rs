//! `check-config --online` for `[lists]`: the list server (Mailman's REST
//! API, Sympa's SOAP interface) answers with the configured credentials.

use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use greffier_commands::tr;

use crate::app::App;
use crate::plugin::Checked;

use super::{ListServer, Settings};

pub fn checks(app: &App) -> BoxFuture<'_, Vec<Checked>> {
    async move {
        let lang = app.loaded.config.bot.language;
        let Some(cfg) = app.loaded.config.section::<Settings>() else {
            return Vec::new();
        };
        let url = &cfg.url;
        let engine = cfg.engine().name();
        let answer = match ListServer::open(app) {
            Ok(Some(server)) => server.ping(lang).await.map_err(|e| e.message),
            Ok(None) => return Vec::new(),
            Err(e) => Err(format!("{e:#}")),
        };
        vec![match answer {
            Ok(version) => Checked::ok(tr!(
                lang,
                "lists : {engine} répond à {url} avec ces identifiants ({version})",
                "lists: {engine} answers at {url} with these credentials ({version})"
            )),
            Err(e) => Checked::critical(tr!(
                lang,
                "lists : {engine} ne répond pas à {url} : {e}",
                "lists: {engine} does not answer at {url}: {e}"
            )),
        }]
    }
    .boxed()
}
