//! `check-config --online` for `[web]`: the address the pages listen on
//! is free (before the first start; the running bot's own pages make it
//! busy, which `greffier status` checks instead).

use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use greffier_commands::tr;

use crate::app::App;
use crate::plugin::Checked;

use super::Settings;

pub fn checks(app: &App) -> BoxFuture<'_, Vec<Checked>> {
    async move {
        let lang = app.loaded.config.bot.language;
        let Some(cfg) = app.loaded.config.section::<Settings>() else {
            return Vec::new();
        };
        let listen = &cfg.listen;
        vec![match std::net::TcpListener::bind(listen.as_str()) {
            Ok(_) => Checked::ok(tr!(
                lang,
                "web : {listen} est libre",
                "web: {listen} is free"
            )),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Checked::warning(tr!(
                lang,
                "web : {listen} est déjà pris (par le bot en marche ?)",
                "web: {listen} is in use already (by the running bot?)"
            )),
            Err(e) => Checked::critical(tr!(
                lang,
                "web : impossible d'écouter sur {listen} : {e}",
                "web: cannot listen on {listen}: {e}"
            )),
        }]
    }
    .boxed()
}
