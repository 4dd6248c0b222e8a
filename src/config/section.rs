//! A channel's section of bot.toml: the [`Section`] its folder defines,
//! and the [`Reader`] the table of channels hands to [`super::load`].

use std::any::Any;

use greffier_commands::Context;
use serde::de::DeserializeOwned;

use super::problems::{Problem, key_problem, serde_problem};
use super::secret;
use super::text::Typed;

/// A channel's section of bot.toml, defined in the channel's folder: serde
/// reads it (unknown keys refused), after its typed keys were checked one
/// by one and its secrets folded; then [`Section::check`] checks it.
pub trait Section: DeserializeOwned + std::fmt::Debug + Send + Sync + 'static {
    /// `[matrix]`: its name in the file, and the channel's.
    const NAME: &'static str;
    /// The keys written as text and read into a type.
    const TYPED: &'static [Typed] = &[];
    /// The keys that may be given inline, as `_env` or as `_file`.
    const SECRETS: &'static [&'static str] = &[];
    /// The values' problems, each with its key (`homeserver`).
    fn check(&self, _problem: &mut dyn FnMut(&str, String)) {}
    /// What is allowed but unwise, for `check-config` and `run` to say.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
    /// What the commands' context takes from this section (the bot's mail
    /// address, the lists' domain…).
    fn shape(&self, _ctx: &mut Context) {}
}

/// A section once read, whatever its type.
pub trait ReadSection: std::fmt::Debug + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn warnings(&self) -> Vec<String>;
    fn shape(&self, ctx: &mut Context);
}

impl<S: Section> ReadSection for S {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn warnings(&self) -> Vec<String> {
        Section::warnings(self)
    }
    fn shape(&self, ctx: &mut Context) {
        Section::shape(self, ctx)
    }
}

/// Reads a section from the file's text (for the lines of its problems)
/// and its value, adding its problems.
type Read = fn(&str, toml::Value, &mut Vec<Problem>) -> Option<Box<dyn ReadSection>>;

/// How the file reads one channel's section: [`reader`]`::<S>()`.
#[derive(Clone, Copy)]
pub struct Reader {
    pub name: &'static str,
    pub(super) read: Read,
}

pub const fn reader<S: Section>() -> Reader {
    Reader {
        name: S::NAME,
        read: read::<S>,
    }
}

fn read<S: Section>(
    src: &str,
    value: toml::Value,
    problems: &mut Vec<Problem>,
) -> Option<Box<dyn ReadSection>> {
    let before = problems.len();
    let mut problem = |key: &str, message: String| {
        problems.push(key_problem(src, S::NAME, 0, key, message));
    };
    let toml::Value::Table(mut table) = value else {
        problem("", "must be a [section]".into());
        return None;
    };
    for key in S::SECRETS {
        if let Err(message) = secret::fold(&mut table, key) {
            problem(key, message);
        }
    }
    for (key, check, good) in S::TYPED {
        let Some(value) = table.get_mut(*key) else {
            continue;
        };
        if let Some(Err(message)) = value.as_str().map(check) {
            problem(key, message);
            *value = toml::Value::String((*good).into());
        }
    }
    match S::deserialize(toml::Value::Table(table)) {
        Err(e) => {
            problems.push(serde_problem(src, Some(S::NAME), &e));
            None
        }
        Ok(section) => {
            if problems.len() == before {
                section.check(&mut |key, message| {
                    problems.push(key_problem(src, S::NAME, 0, key, message));
                });
            }
            Some(Box::new(section))
        }
    }
}
