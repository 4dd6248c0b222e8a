//! The table of channels: every adapter, as a [`Plugin`] its folder
//! defines. Start-up (`greffier run`), `check-config` and `greffier
//! status` read this table; adding a channel is one folder and one line
//! here (docs/architecture.md, "Adding a channel").

use crate::config::Reader;
use crate::plugin::Plugin;
use crate::{console, lists, mail, matrix, web};

pub const TABLE: &[&Plugin] = &[
    &console::PLUGIN,
    &matrix::PLUGIN,
    &mail::PLUGIN,
    &lists::PLUGIN,
    &web::PLUGIN,
];

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
