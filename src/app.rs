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
    /// The commands' context, at the current instant: the bot's settings
    /// and what each channel's section adds.
    pub fn context(&self) -> Context {
        self.loaded.config.context(jiff::Timestamp::now())
    }
}
