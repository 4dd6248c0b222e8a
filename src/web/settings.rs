//! `[web]`: the read-only pages and calendar feeds.

use greffier_commands::Context;
use serde::Deserialize;

use crate::config::Section;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Where to listen (`127.0.0.1:8080`).
    #[serde(default = "default_listen")]
    pub listen: String,
    /// The pages' address as readers reach them (`https://greffier.example`):
    /// digests and invitations link to them when it is set.
    pub public_url: Option<String>,
    /// Pages show people's names (false: organisations only).
    #[serde(default)]
    pub show_names: bool,
}

fn default_listen() -> String {
    "127.0.0.1:8080".into()
}

impl Section for Settings {
    const NAME: &'static str = "web";

    fn check(&self, problem: &mut dyn FnMut(&str, String)) {
        if self.listen.parse::<std::net::SocketAddr>().is_err() {
            problem(
                "listen",
                format!(
                    "{:?} is not an address and port (127.0.0.1:8080)",
                    self.listen
                ),
            );
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            problem(
                "public_url",
                format!("{url:?} is not an http:// or https:// address"),
            );
        }
    }

    fn shape(&self, ctx: &mut Context) {
        ctx.web_url = self
            .public_url
            .as_ref()
            .map(|u| u.trim_end_matches('/').to_string());
    }
}
