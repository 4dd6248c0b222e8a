//! What bot.toml records at start-up: `[[groups.seed]]`,
//! `[[organisations.seed]]`, `[[people.seed]]` (crate::seed applies them),
//! and their checks.

use greffier_commands::store::{GroupStatus, Identity, IdentityKind};
use serde::Deserialize;

use super::Config;
use super::problems::{Problem, key_problem};
use super::text::text;

/// A group created at start-up if no group has its slug yet; never
/// overwrites what the bot has recorded since.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedGroup {
    pub slug: String,
    pub theme: String,
    #[serde(default = "default_seed_status", deserialize_with = "text")]
    pub status: GroupStatus,
    pub lead: Option<String>,
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub supporters: Vec<String>,
    pub action: Option<String>,
    pub version: Option<String>,
    pub status_text: Option<String>,
    pub room: Option<String>,
    pub list: Option<String>,
}

fn default_seed_status() -> GroupStatus {
    GroupStatus::Active
}

/// `[[organisations.seed]]`: organisations and their domains, recorded at
/// start-up (added to, never removed from).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationsConfig {
    #[serde(default)]
    pub seed: Vec<SeedOrganisation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedOrganisation {
    pub name: String,
    pub kind: Option<String>,
    /// Addresses and Matrix IDs of these domains confirm a membership.
    #[serde(default)]
    pub domains: Vec<String>,
}

/// `[[people.seed]]`: people recorded at start-up, confirmed members of
/// their organisation (an operator's act, like `import-minutes`): a
/// deployment's first members, or the demo's users. A person whose
/// identities are all known already is left as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeopleConfig {
    #[serde(default)]
    pub seed: Vec<SeedPerson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedPerson {
    pub name: String,
    pub organisation: String,
    #[serde(default)]
    pub matrix_ids: Vec<String>,
    #[serde(default)]
    pub emails: Vec<String>,
}

/// The wrong `status` of each `[[groups.seed]]`, replaced in `table` by a
/// good one so that the rest of the file can be checked.
pub(super) fn typed_problems(src: &str, table: &mut toml::Table) -> Vec<Problem> {
    let mut problems = Vec::new();
    let seeds = table
        .get_mut("groups")
        .and_then(|g| g.get_mut("seed"))
        .and_then(|s| s.as_array_mut());
    for (i, seed) in seeds.into_iter().flatten().enumerate() {
        let Some(value) = seed.get_mut("status") else {
            continue;
        };
        if let Some(Err(message)) = value.as_str().map(super::text::check::<GroupStatus>) {
            problems.push(key_problem(src, "groups.seed", i, "status", message));
            *value = toml::Value::String("active".into());
        }
    }
    problems
}

/// The seeds' values: slugs, domains, identities.
pub(super) fn check(src: &str, config: &Config, problems: &mut Vec<Problem>) {
    for (i, seed) in config.groups.seed.iter().enumerate() {
        if greffier_commands::slug(&seed.slug).as_deref() != Ok(seed.slug.as_str()) {
            let message = format!(
                "{:?}: lower-case letters, digits and hyphens, 2 to 40",
                seed.slug
            );
            problems.push(key_problem(src, "groups.seed", i, "slug", message));
        }
    }
    for (i, seed) in config.organisations.seed.iter().enumerate() {
        for d in &seed.domains {
            if greffier_commands::normalise_domain(d).is_none() {
                let message = format!("{d:?}: not a domain (ville-arles.fr, say)");
                problems.push(key_problem(
                    src,
                    "organisations.seed",
                    i,
                    "domains",
                    message,
                ));
            }
        }
    }
    for (i, seed) in config.people.seed.iter().enumerate() {
        let ids = seed
            .matrix_ids
            .iter()
            .map(|m| ("matrix_ids", m, IdentityKind::Matrix));
        let mails = seed
            .emails
            .iter()
            .map(|m| ("emails", m, IdentityKind::Email));
        for (key, value, kind) in ids.chain(mails) {
            if Identity::parse(value).map(|id| id.kind) != Some(kind) {
                let message = format!("{value:?}: not a {}", kind_name(kind));
                problems.push(key_problem(src, "people.seed", i, key, message));
            }
        }
        if seed.matrix_ids.is_empty() && seed.emails.is_empty() {
            let message = "give at least one Matrix ID or email address".to_string();
            problems.push(key_problem(src, "people.seed", i, "name", message));
        }
    }
}

fn kind_name(kind: IdentityKind) -> &'static str {
    match kind {
        IdentityKind::Matrix => "Matrix ID (@user:server)",
        IdentityKind::Email => "email address",
    }
}
