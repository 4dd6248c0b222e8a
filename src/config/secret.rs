//! A password or token in bot.toml, in one of three forms: inline
//! (`password = "…"`), the name of an environment variable
//! (`password_env = "GREFFIER_PASSWORD"`), or a file (`password_file =
//! "/etc/greffier/password"`, its trailing newline dropped). A section
//! names its secrets ([`super::Section::SECRETS`]); before the section is
//! read, each one's three keys are folded into one [`Secret`], and two
//! forms of one secret are refused.

use std::path::PathBuf;

use anyhow::{Context as _, bail};

use super::Loaded;

#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    Inline(String),
    Env(String),
    File(PathBuf),
}

/// Never the value itself: a configuration printed in a log shows where
/// its secrets come from, not what they are.
impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Inline(_) => f.write_str("Secret(inline)"),
            Secret::Env(var) => write!(f, "Secret(env {var})"),
            Secret::File(path) => write!(f, "Secret(file {})", path.display()),
        }
    }
}

/// The form a folded secret takes in the section's table, which serde then
/// reads: a string is inline; `{ env = … }` and `{ file = … }` the others.
impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        let value = toml::Value::deserialize(d)?;
        let wrong =
            || serde::de::Error::custom("a secret is a text (or given as key_env or key_file)");
        match value {
            toml::Value::String(s) => Ok(Secret::Inline(s)),
            toml::Value::Table(t) if t.len() == 1 => match t.into_iter().next() {
                Some((k, toml::Value::String(v))) if k == "env" => Ok(Secret::Env(v)),
                Some((k, toml::Value::String(v))) if k == "file" => Ok(Secret::File(v.into())),
                _ => Err(wrong()),
            },
            _ => Err(wrong()),
        }
    }
}

/// Folds `key_env` and `key_file` of `section` into `key`; the message when
/// more than one form is given (the forms are left as they were).
pub(super) fn fold(section: &mut toml::Table, key: &str) -> Result<(), String> {
    let env = format!("{key}_env");
    let file = format!("{key}_file");
    let given = [key, env.as_str(), file.as_str()]
        .into_iter()
        .filter(|k| section.contains_key(*k))
        .count();
    if given > 1 {
        // Only the problem is reported, not the forms as unknown keys.
        section.remove(&env);
        section.remove(&file);
        return Err(format!("give only one of {key}, {key}_env, {key}_file"));
    }
    for (from, form) in [(env, "env"), (file, "file")] {
        if let Some(v) = section.remove(&from) {
            let mut t = toml::Table::new();
            t.insert(form.into(), v);
            section.insert(key.into(), toml::Value::Table(t));
        }
    }
    Ok(())
}

impl Loaded {
    /// The secret's value; `key` (`matrix.password`) names it in errors.
    pub fn secret(&self, key: &str, secret: &Option<Secret>) -> anyhow::Result<Option<String>> {
        match secret {
            None => Ok(None),
            Some(Secret::Inline(v)) => Ok(Some(v.clone())),
            Some(Secret::Env(var)) => match std::env::var(var) {
                Ok(v) if !v.is_empty() => Ok(Some(v)),
                _ => bail!(
                    "{}: {key}_env: the environment variable {var} is not set",
                    self.path.display()
                ),
            },
            Some(Secret::File(f)) => {
                let path = self.resolve(f);
                let v = std::fs::read_to_string(&path).with_context(|| {
                    format!(
                        "{}: {key}_file: cannot read {}",
                        self.path.display(),
                        path.display()
                    )
                })?;
                Ok(Some(v.trim_end_matches(['\r', '\n']).to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_fold_into_one_and_two_are_refused() {
        let mut t: toml::Table =
            toml::from_str("password_file = \"/run/p\"\nuser = \"u\"\n").expect("toml");
        fold(&mut t, "password").expect("one form");
        let s: Secret = t["password"].clone().try_into().expect("a secret");
        assert_eq!(s, Secret::File("/run/p".into()));
        assert_eq!(format!("{s:?}"), "Secret(file /run/p)");
        let mut t: toml::Table =
            toml::from_str("password = \"a\"\npassword_env = \"B\"\n").expect("toml");
        let e = fold(&mut t, "password").expect_err("two forms");
        assert_eq!(e, "give only one of password, password_env, password_file");
        let s: Secret = toml::Value::String("hunter2".into())
            .try_into()
            .expect("inline");
        assert_eq!(format!("{s:?}"), "Secret(inline)");
    }
}
