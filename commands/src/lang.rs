//! Reply language: French by default, English when `bot.language = "en"`.
//! Every user-facing sentence is written with [`tr!`], both languages side by
//! side, so that a change to one is seen next to the other.

use serde::{Deserialize, Serialize};

/// The language of every reply (`bot.language`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        match s {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            other => Err(format!("{other:?} is neither \"fr\" nor \"en\"")),
        }
    }
}

impl Lang {
    /// The language's code, as documents carry it: "fr", "en".
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

/// `tr!(lang, "français {x}", "English {x}")`: the sentence in the language.
#[macro_export]
macro_rules! tr {
    ($lang:expr, $fr:literal, $en:literal $(, $args:expr)* $(,)?) => {
        match $lang {
            $crate::Lang::Fr => format!($fr $(, $args)*),
            $crate::Lang::En => format!($en $(, $args)*),
        }
    };
}
