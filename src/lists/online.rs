//! `check-config --online` for `[lists]`: Mailman's REST API answers with
//! the configured credentials.

use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use greffier_commands::tr;

use crate::app::App;
use crate::plugin::Checked;

use super::Settings;
use super::mailman::Mailman;

pub fn checks(app: &App) -> BoxFuture<'_, Vec<Checked>> {
    async move {
        let lang = app.loaded.config.bot.language;
        let Some(cfg) = app.loaded.config.section::<Settings>() else {
            return Vec::new();
        };
        let password = match app.loaded.secret("lists.password", &cfg.password) {
            Ok(Some(p)) => p,
            Ok(None) => String::new(),
            Err(e) => return vec![Checked::critical(format!("lists: {e:#}"))],
        };
        let url = &cfg.url;
        let answer = match Mailman::new(url, &cfg.user, &password, &cfg.domain, None) {
            Ok(m) => m.ping().await.map_err(|e| e.message),
            Err(e) => Err(format!("{e:#}")),
        };
        vec![match answer {
            Ok(version) => Checked::ok(tr!(
                lang,
                "lists : Mailman répond à {url} avec ces identifiants ({version})",
                "lists: Mailman answers at {url} with these credentials ({version})"
            )),
            Err(e) => Checked::critical(tr!(
                lang,
                "lists : Mailman ne répond pas à {url} : {e}",
                "lists: Mailman does not answer at {url}: {e}"
            )),
        }]
    }
    .boxed()
}
