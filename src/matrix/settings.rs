//! `[matrix]`: the bot's account on the homeserver, where its end-to-end
//! store lives, which servers' users it obeys, whether it makes rooms.

use std::path::PathBuf;

use greffier_commands::Context;
use greffier_commands::store::{Identity, IdentityKind};
use serde::Deserialize;

use crate::config::{Secret, Section, is_loopback, url_host};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub homeserver: String,
    pub user: String,
    pub password: Option<Secret>,
    pub access_token: Option<Secret>,
    #[serde(default = "default_store")]
    pub store: PathBuf,
    #[serde(default)]
    pub allowed_servers: Vec<String>,
    /// The bot makes a room for each group that becomes active.
    #[serde(default = "yes")]
    pub create_rooms: bool,
    /// The network's Space (an alias, `#reseau:example.test`): the rooms
    /// the bot makes go in it; made on first use if the alias is free.
    pub space: Option<String>,
}

fn yes() -> bool {
    true
}

fn default_store() -> PathBuf {
    PathBuf::from(".local/matrix-store")
}

impl Section for Settings {
    const NAME: &'static str = "matrix";
    const SECRETS: &'static [&'static str] = &["password", "access_token"];

    fn check(&self, problem: &mut dyn FnMut(&str, String)) {
        if self.password.is_none() && self.access_token.is_none() {
            problem(
                "password",
                "give a password or an access_token (or their _env / _file forms)".into(),
            );
        }
        let url = &self.homeserver;
        if !url.starts_with("http://") && !url.starts_with("https://") {
            problem("homeserver", format!("{url:?} is not an http(s) URL"));
        } else if let Some(rest) = url.strip_prefix("http://")
            && !is_loopback(url_host(rest))
        {
            problem(
                "homeserver",
                format!(
                    "{url:?}: http:// (no TLS) is only for a homeserver on this machine (127.0.0.1, ::1, localhost); use https://"
                ),
            );
        }
        if !matches!(Identity::parse(&self.user), Some(i) if i.kind == IdentityKind::Matrix) {
            problem(
                "user",
                format!("{:?} is not a Matrix ID (@user:server)", self.user),
            );
        }
    }

    fn shape(&self, ctx: &mut Context) {
        ctx.create_rooms = self.create_rooms;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse, reader};

    fn matrix(src: &str) -> Result<crate::config::Config, Vec<crate::config::Problem>> {
        parse(src, &[reader::<Settings>()])
    }

    #[test]
    fn http_only_to_a_homeserver_on_this_machine() {
        let section = |url: &str| {
            format!("[matrix]\nhomeserver = \"{url}\"\nuser = \"@b:x.y\"\npassword = \"p\"\n")
        };
        for url in [
            "http://127.0.0.1:8008",
            "http://localhost",
            "http://[::1]:8008/",
            "https://matrix.example.org",
        ] {
            assert!(matrix(&section(url)).is_ok(), "{url}");
        }
        for url in [
            "http://matrix.example.org",
            "http://127.0.0.1.example.org:80",
        ] {
            let p = matrix(&section(url)).expect_err(url);
            assert_eq!(p[0].key, "matrix.homeserver", "{url}");
        }
    }

    #[test]
    fn two_forms_of_one_secret_are_refused() {
        let src = "[matrix]\nhomeserver = \"http://x\"\nuser = \"@b:x.y\"\npassword = \"a\"\npassword_env = \"B\"\n";
        let p = matrix(src).expect_err("two secrets");
        assert_eq!(p[0].key, "matrix.password");
        assert_eq!(p[0].line, Some(4));
        assert_eq!(p.len(), 1, "{p:?}");
        let src = "[matrix]\nhomeserver = \"http://127.0.0.1\"\nuser = \"@b:x.y\"\naccess_token_file = \"t\"\n";
        let c = matrix(src).expect("a token file");
        let s = c.section::<Settings>().expect("[matrix]");
        assert_eq!(s.access_token, Some(Secret::File("t".into())));
        assert_eq!(s.password, None);
    }
}
