//! The table of channels: every adapter, as a [`Plugin`] its folder
//! defines. Start-up (`greffier run`), `check-config` and `greffier
//! status` read this table; adding a channel is one folder and one line
//! here (docs/architecture.md, "Adding a channel").

use std::sync::LazyLock;

use crate::config::Reader;
use crate::plugin::Plugin;
use crate::route::{Route, Routes};
use crate::{console, lists, mail, matrix, web};

pub const TABLE: &[&Plugin] = &[
    &console::PLUGIN,
    &matrix::PLUGIN,
    &mail::PLUGIN,
    &lists::PLUGIN,
    &web::PLUGIN,
    #[cfg(test)]
    &crate::loopback::PLUGIN,
];

/// The routes of the channels, for the inbox: which channel delivers an
/// action, what each says of its senders.
pub fn routes() -> Routes {
    static ROUTES: LazyLock<Vec<&'static Route>> =
        LazyLock::new(|| TABLE.iter().filter_map(|p| p.route).collect());
    &ROUTES
}

/// How bot.toml's channel sections are read.
pub fn readers() -> Vec<Reader> {
    TABLE.iter().filter_map(|p| p.section).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_bot_toml_is_valid() {
        let src = include_str!("../bot.toml");
        match crate::config::parse(src, &readers()) {
            Ok(c) => {
                for name in ["matrix", "mail", "lists"] {
                    assert!(c.has(name), "bot.toml has [{name}]");
                }
            }
            Err(p) => panic!("bot.toml: {p:?}"),
        }
    }

    #[test]
    fn each_channel_has_one_name() {
        let mut names: Vec<&str> = TABLE.iter().map(|p| p.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TABLE.len());
        for p in TABLE {
            if let Some(s) = p.section {
                assert_eq!(s.name, p.name, "a channel's section bears its name");
            }
        }
    }
}
