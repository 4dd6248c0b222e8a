//! `[lists]`: the network's list server. The bot makes each active group's
//! list and keeps its subscribers in step with the group's members.

use greffier_commands::Context;
use serde::Deserialize;

use crate::config::{Secret, Section, https_or_loopback};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// "mailman3", the one supported.
    #[serde(default = "mailman3")]
    pub server: String,
    /// Mailman's REST API base URL (`http://127.0.0.1:8001`).
    pub url: String,
    /// A REST user that may create lists and subscribe members.
    pub user: String,
    pub password: Option<Secret>,
    /// The lists' domain: a group's list is `<group>@<domain>`.
    pub domain: String,
}

fn mailman3() -> String {
    "mailman3".into()
}

impl Section for Settings {
    const NAME: &'static str = "lists";
    const SECRETS: &'static [&'static str] = &["password"];

    fn check(&self, problem: &mut dyn FnMut(&str, String)) {
        if self.server != "mailman3" {
            problem(
                "server",
                format!(
                    "{:?}: the one list server supported is \"mailman3\"",
                    self.server
                ),
            );
        }
        if !https_or_loopback(&self.url) {
            problem(
                "url",
                format!(
                    "{:?}: https://, or http:// to a server on this machine only (the REST password goes with every call)",
                    self.url
                ),
            );
        }
        if self.domain.is_empty() || self.domain.contains(['@', ' ', '/']) {
            problem("domain", format!("{:?} is not a domain", self.domain));
        }
    }

    fn shape(&self, ctx: &mut Context) {
        ctx.lists_domain = Some(self.domain.clone());
    }
}
