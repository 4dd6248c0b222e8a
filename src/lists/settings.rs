//! `[lists]`: the network's list server. The bot makes each active group's
//! list and keeps its subscribers in step with the group's members, on
//! Mailman 3 (its REST API) or Sympa 6.2 (its SOAP interface).

use greffier_commands::Context;
use serde::Deserialize;

use crate::config::{Secret, Section, https_or_loopback};

/// The list servers greffier drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Mailman,
    Sympa,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// "mailman" (the default) or "sympa".
    #[serde(default)]
    pub engine: Option<Engine>,
    /// The older spelling of `engine = "mailman"`: "mailman3".
    #[serde(default)]
    pub server: Option<String>,
    /// Mailman's REST API base URL (`http://127.0.0.1:8001`), or Sympa's
    /// SOAP address (`https://listes.example.org/sympasoap`).
    pub url: String,
    /// Mailman: a REST user that may create lists and subscribe members.
    /// Sympa: the name of greffier's trusted application
    /// (`trusted_applications.conf`).
    pub user: String,
    pub password: Option<Secret>,
    /// The lists' domain: a group's list is `<group>@<domain>`.
    pub domain: String,
    /// Sympa: the `create_list` template a group's list is made from
    /// (`greffier`, shipped in contrib/sympa/: Sympa's
    /// private_working_group, its owners included from the list below).
    #[serde(default = "greffier")]
    pub template: String,
    /// Sympa: the template of the list that holds a group list's owners,
    /// `<group>-responsables` (`greffier_responsables`, shipped too).
    #[serde(default = "greffier_responsables")]
    pub owners_template: String,
    /// Sympa: the topics a group's list is filed under (Sympa wants one).
    #[serde(default = "greffier")]
    pub topics: String,
}

fn greffier_responsables() -> String {
    "greffier_responsables".into()
}

fn greffier() -> String {
    "greffier".into()
}

impl Engine {
    /// The engine's name, as people know it.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Mailman => "Mailman",
            Engine::Sympa => "Sympa",
        }
    }
}

impl Settings {
    /// The engine bot.toml names (Mailman when it names none).
    pub fn engine(&self) -> Engine {
        self.engine.unwrap_or(Engine::Mailman)
    }
}

impl Section for Settings {
    const NAME: &'static str = "lists";
    const SECRETS: &'static [&'static str] = &["password"];

    fn check(&self, problem: &mut dyn FnMut(&str, String)) {
        if let Some(server) = &self.server
            && (server != "mailman3" || self.engine() != Engine::Mailman)
        {
            problem(
                "server",
                format!(
                    "{server:?}: write engine = \"mailman\" or engine = \"sympa\" (server = \"mailman3\" is the older spelling of the first)"
                ),
            );
        }
        let secret = match self.engine() {
            Engine::Mailman => "the REST password",
            Engine::Sympa => "the trusted application's password",
        };
        if !https_or_loopback(&self.url) {
            problem(
                "url",
                format!(
                    "{:?}: https://, or http:// to a server on this machine only ({secret} goes with every call)",
                    self.url
                ),
            );
        }
        if self.domain.is_empty() || self.domain.contains(['@', ' ', '/']) {
            problem("domain", format!("{:?} is not a domain", self.domain));
        }
        if self.engine() == Engine::Sympa {
            for (key, value) in [
                ("template", &self.template),
                ("owners_template", &self.owners_template),
                ("topics", &self.topics),
            ] {
                if value.trim().is_empty() || value.contains(['<', '>', '&', '/']) {
                    problem(key, format!("{value:?}: a name Sympa knows"));
                }
            }
        }
    }

    fn shape(&self, ctx: &mut Context) {
        ctx.lists_domain = Some(self.domain.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(toml: &str) -> (Settings, Vec<String>) {
        let s: Settings = toml::from_str(toml).expect("settings");
        let mut problems = Vec::new();
        s.check(&mut |key, p| problems.push(format!("{key}: {p}")));
        (s, problems)
    }

    #[test]
    fn mailman_is_the_default_and_sympa_is_named() {
        let base =
            "url = \"http://127.0.0.1:8001\"\nuser = \"u\"\ndomain = \"lists.example.test\"\n";
        let (s, problems) = read(base);
        assert_eq!((s.engine(), problems.len()), (Engine::Mailman, 0));
        let (s, problems) = read(&format!("server = \"mailman3\"\n{base}"));
        assert_eq!((s.engine(), problems.len()), (Engine::Mailman, 0));
        let (s, problems) = read(&format!("engine = \"sympa\"\n{base}"));
        assert_eq!((s.engine(), problems.len()), (Engine::Sympa, 0));
        assert_eq!(
            (s.template.as_str(), s.owners_template.as_str()),
            ("greffier", "greffier_responsables")
        );
        let (_, problems) = read(&format!(
            "engine = \"sympa\"\nserver = \"mailman3\"\n{base}"
        ));
        assert_eq!(problems.len(), 1, "{problems:?}");
        let (_, problems) = read(&format!("engine = \"sympa\"\ntopics = \"\"\n{base}"));
        assert!(problems[0].starts_with("topics"), "{problems:?}");
        assert!(toml::from_str::<Settings>(&format!("engine = \"listserv\"\n{base}")).is_err());
    }
}
