//! What every subcommand needs: the checked configuration, and the
//! commands' context made from it.

use greffier_commands::Context;

use crate::config::Loaded;

/// `greffier --version`: the version and the git commit a package was
/// built from, or "development build" (build.rs).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("GREFFIER_BUILD"), ")");

pub struct App {
    pub loaded: Loaded,
}

impl App {
    /// The commands' context, at the current instant.
    pub fn context(&self) -> Context {
        let c = &self.loaded.config;
        Context {
            lang: c.bot.language,
            prefix: c.bot.prefix.clone(),
            admins: c.bot.admins.clone(),
            quorum: c.groups.quorum,
            timezone: c.bot.timezone.clone(),
            now: jiff::Timestamp::now(),
            mail_address: c.mail.as_ref().map(|m| m.address.clone()),
            digest_rooms: c.digest.rooms.clone(),
            digest_lists: c.digest.lists.clone(),
            create_rooms: c.matrix.as_ref().is_some_and(|m| m.create_rooms),
            lists_domain: c.lists.as_ref().map(|l| l.domain.clone()),
            web_url: c
                .web
                .as_ref()
                .and_then(|w| w.public_url.as_ref())
                .map(|u| u.trim_end_matches('/').to_string()),
        }
    }
}
