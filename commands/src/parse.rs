//! From a line of text to a [`Command`]: `Ok(None)` is "not for the bot"
//! (no prefix), `Err` is "for the bot but malformed" and carries the usage
//! line of the command it was meant to be, `Ok(Some)` is a command to run.
//!
//! Keywords compare with [`text::keyword`]: case, accents and hyphens do not
//! matter (`!Présent` = `!PRESENT` = `!present`). Each command module parses
//! its own arguments from an [`Args`] cursor.

use jiff::civil::{Date, Time};

use crate::cmd::{Command, aide, digest, groupe, moi, projet, reunion, rsvp};
use crate::lang::Lang;
use crate::text::{self, Token, TokenError};

/// Longest command line read, in bytes; longer ones are refused whole.
pub const MAX_LINE: usize = 4096;

/// A command's usage line and one-line help, in both languages.
#[derive(Debug, PartialEq, Eq)]
pub struct Usage {
    pub fr: &'static str,
    pub en: &'static str,
    pub help_fr: &'static str,
    pub help_en: &'static str,
}

impl Usage {
    /// The usage line with the configured prefix in place of `!`.
    pub fn line(&self, lang: Lang, prefix: &str) -> String {
        let line = match lang {
            Lang::Fr => self.fr,
            Lang::En => self.en,
        };
        match line.strip_prefix('!') {
            Some(rest) => format!("{prefix}{rest}"),
            None => line.to_string(),
        }
    }

    pub fn help(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Fr => self.help_fr,
            Lang::En => self.help_en,
        }
    }
}

/// The kind of argument a command expected, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg {
    Group,
    Organisation,
    Slug,
    Theme,
    Text,
    Date,
    Time,
    MeetingId,
    Email,
    Code,
    Title,
    Version,
    Place,
    Subcommand,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    Unbalanced(char),
    TooLong,
    UnknownCommand(String),
    UnknownSubcommand(String),
    Missing(Arg),
    Unexpected(String),
    BadDate(String),
    BadTime(String),
    BadMeetingId(String),
    BadSlug(String),
    BadEmail(String),
    TooLongArg(Arg),
    NothingToChange,
}

/// A malformed command: what is wrong and, when known, the usage line of
/// the command it was meant to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ParseErrorKind,
    pub usage: Option<&'static Usage>,
}

/// The remaining arguments of a command.
#[derive(Debug, Clone)]
pub struct Args {
    tokens: Vec<Token>,
    pos: usize,
}

/// How many tokens an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// Exactly one token; otherwise the keyword is read as ordinary text.
    One,
    /// Every token up to the next option.
    Rest,
}

/// An option of a command: its canonical name, the keywords that introduce
/// it (French first, then English aliases), and its arity.
pub struct OptSpec {
    pub name: &'static str,
    pub keywords: &'static [&'static str],
    pub arity: Arity,
}

/// Positional tokens, then the options found after them.
#[derive(Debug, Default)]
pub struct Split {
    pub positional: Vec<Token>,
    pub options: Vec<(&'static str, Vec<Token>)>,
}

impl Split {
    pub fn get(&self, name: &str) -> Option<String> {
        self.options
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| join(v))
    }
}

/// Joins tokens with spaces (a lone quoted token is its text).
pub fn join(tokens: &[Token]) -> String {
    tokens
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Longest text argument kept (themes, status texts, reasons).
pub const MAX_TEXT: usize = 500;

impl Args {
    pub fn new(tokens: Vec<Token>) -> Args {
        Args { tokens, pos: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.pos >= self.tokens.len()
    }

    pub fn next_token(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    /// The next token, which must be there.
    pub fn required(&mut self, what: Arg) -> Result<Token, ParseErrorKind> {
        self.next_token().ok_or(ParseErrorKind::Missing(what))
    }

    /// The next token's keyword form, if it is an unquoted word.
    pub fn next_keyword(&mut self) -> Option<String> {
        match self.tokens.get(self.pos) {
            Some(t) if !t.quoted => {
                self.pos += 1;
                Some(text::keyword(&t.text))
            }
            _ => None,
        }
    }

    /// Everything left, joined; required and bounded in length.
    pub fn rest(&mut self, what: Arg) -> Result<String, ParseErrorKind> {
        let rest = join(&self.tokens[self.pos.min(self.tokens.len())..]);
        self.pos = self.tokens.len();
        bounded(rest, what)
    }

    /// Fails if anything is left.
    pub fn end(&self) -> Result<(), ParseErrorKind> {
        match self.tokens.get(self.pos) {
            None => Ok(()),
            Some(t) => Err(ParseErrorKind::Unexpected(text::excerpt(&t.text, 40))),
        }
    }

    /// Splits what is left into positional tokens and options.
    pub fn split(&mut self, specs: &[OptSpec]) -> Split {
        let tokens = &self.tokens[self.pos.min(self.tokens.len())..];
        self.pos = self.tokens.len();
        let find = |t: &Token| -> Option<&OptSpec> {
            if t.quoted {
                return None;
            }
            let k = text::keyword(&t.text);
            specs.iter().find(|s| s.keywords.contains(&k.as_str()))
        };
        // Where each option starts, honouring arities.
        let mut starts: Vec<(usize, &OptSpec)> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if let Some(spec) = find(&tokens[i]) {
                let next_opt = (i + 1..tokens.len())
                    .find(|&j| find(&tokens[j]).is_some())
                    .unwrap_or(tokens.len());
                let ok = match spec.arity {
                    Arity::One => next_opt == i + 2,
                    Arity::Rest => next_opt > i + 1,
                };
                if ok {
                    starts.push((i, spec));
                    i = next_opt;
                    continue;
                }
            }
            i += 1;
        }
        let first = starts.first().map_or(tokens.len(), |(i, _)| *i);
        let mut split = Split {
            positional: tokens[..first].to_vec(),
            options: Vec::new(),
        };
        for (n, (start, spec)) in starts.iter().enumerate() {
            let end = starts.get(n + 1).map_or(tokens.len(), |(i, _)| *i);
            split
                .options
                .push((spec.name, tokens[start + 1..end].to_vec()));
        }
        split
    }
}

/// Refuses empty and overlong text arguments.
pub fn bounded(s: String, what: Arg) -> Result<String, ParseErrorKind> {
    let s = s.trim().to_string();
    if s.is_empty() {
        Err(ParseErrorKind::Missing(what))
    } else if s.chars().count() > MAX_TEXT {
        Err(ParseErrorKind::TooLongArg(what))
    } else {
        Ok(s)
    }
}

/// `AAAA-MM-JJ`, or `JJ/MM/AAAA` as French users also write it.
pub fn date(s: &str) -> Result<Date, ParseErrorKind> {
    let bad = || ParseErrorKind::BadDate(text::excerpt(s, 20));
    let parts: Vec<&str> = if s.contains('/') {
        let mut p: Vec<&str> = s.split('/').collect();
        p.reverse();
        p
    } else {
        s.split('-').collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 {
        return Err(bad());
    }
    let y: i16 = y.parse().map_err(|_| bad())?;
    let m: i8 = m.parse().map_err(|_| bad())?;
    let d: i8 = d.parse().map_err(|_| bad())?;
    Date::new(y, m, d).map_err(|_| bad())
}

/// `HH:MM`, or `14h30` / `14h` as French users also write it.
pub fn time(s: &str) -> Result<Time, ParseErrorKind> {
    let bad = || ParseErrorKind::BadTime(text::excerpt(s, 20));
    let lower = s.to_lowercase();
    let (h, m) = lower
        .split_once(':')
        .or_else(|| lower.split_once('h'))
        .ok_or_else(bad)?;
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = if m.is_empty() {
        0
    } else if m.len() == 2 {
        m.parse().map_err(|_| bad())?
    } else {
        return Err(bad());
    };
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

/// A meeting id: `12` or `#12`.
pub fn meeting_id(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('#').unwrap_or(s);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&n| n > 0)
}

/// Parses one line. `Ok(None)`: the line does not start with the prefix.
pub fn parse(prefix: &str, line: &str) -> Result<Option<Command>, ParseError> {
    let line = line.trim_start();
    let Some(body) = line.strip_prefix(prefix) else {
        return Ok(None);
    };
    if line.len() > MAX_LINE {
        return Err(ParseError {
            kind: ParseErrorKind::TooLong,
            usage: None,
        });
    }
    let cleaned = text::clean(body.lines().next().unwrap_or(""));
    let tokens = text::tokenize(&cleaned).map_err(|e| {
        let TokenError::Unbalanced(c) = e;
        ParseError {
            kind: ParseErrorKind::Unbalanced(c),
            usage: usage_of(body),
        }
    })?;
    let mut args = Args::new(tokens);
    // The command word; a quoted or punctuation-only one is unknown, and
    // named as typed.
    let first = args.next_token().map(|t| t.text).unwrap_or_default();
    let word = text::keyword(&first);
    if word.is_empty() || body.trim_start().starts_with(['"', '«', '“']) {
        return Err(ParseError {
            kind: ParseErrorKind::UnknownCommand(text::excerpt(&first, 40)),
            usage: None,
        });
    }
    let command_err = |usage: &'static Usage| {
        move |kind| ParseError {
            kind,
            usage: Some(usage),
        }
    };
    let cmd = match word.as_str() {
        "aide" | "help" | "aides" => aide::Aide::parse(&mut args)
            .map(Command::Aide)
            .map_err(command_err(&aide::USAGE))?,
        "groupe" | "groupes" | "group" | "groups" | "gt" => {
            Command::Groupe(groupe::Groupe::parse(&mut args)?)
        }
        "projet" | "project" => Command::Projet(projet::Projet::parse(&mut args)?),
        "reunion" | "reunions" | "meeting" | "meetings" => {
            Command::Reunion(reunion::Reunion::parse(&mut args)?)
        }
        "present" | "presente" | "oui" | "yes" | "attending" => {
            Command::Rsvp(rsvp::Rsvp::parse(rsvp::Answer::Present, &mut args)?)
        }
        "excuse" | "excusee" | "absent" | "absente" | "non" | "no" | "excused" | "decline" => {
            Command::Rsvp(rsvp::Rsvp::parse(rsvp::Answer::Excused, &mut args)?)
        }
        "peutetre" | "maybe" | "tentative" => {
            Command::Rsvp(rsvp::Rsvp::parse(rsvp::Answer::Tentative, &mut args)?)
        }
        "digest" | "resume" => digest::Digest::parse(&mut args)
            .map(Command::Digest)
            .map_err(command_err(&digest::USAGE))?,
        "moi" | "me" | "whoami" => Command::Moi(moi::Moi::parse(&mut args)?),
        other => {
            return Err(ParseError {
                kind: ParseErrorKind::UnknownCommand(text::excerpt(other, 40)),
                usage: None,
            });
        }
    };
    Ok(Some(cmd))
}

/// Best guess at the usage line of a line that could not be tokenized.
fn usage_of(body: &str) -> Option<&'static Usage> {
    let words: Vec<String> = body.split_whitespace().take(2).map(text::keyword).collect();
    let first = words.first()?.as_str();
    let second = words.get(1).map(String::as_str).unwrap_or("");
    match first {
        "groupe" | "group" => groupe::usage_of(second),
        "projet" | "project" => projet::usage_of(second),
        "reunion" | "meeting" => reunion::usage_of(second),
        "excuse" | "absent" | "non" | "no" => Some(&rsvp::USAGE_EXCUSE),
        "moi" | "me" => Some(&moi::USAGE),
        _ => None,
    }
}
