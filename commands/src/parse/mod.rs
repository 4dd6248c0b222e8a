//! From a line of text to a [`Command`]: `Ok(None)` is "not for the bot"
//! (no prefix), `Err` is "for the bot but malformed" and carries the usage
//! line of the command it was meant to be, `Ok(Some)` is a command to run.
//!
//! Keywords compare with [`text::keyword`]: case, accents and hyphens do not
//! matter (`!Présent` = `!PRESENT` = `!present`). Which words name which
//! command, with their aliases and usage lines, is one table
//! ([`crate::cmd::TABLE`], made of each family's [`Entry`]): the parser,
//! the usage shown on errors and `!aide` all read it, so they cannot
//! drift. Each command module parses its own arguments from an [`Args`]
//! cursor.

mod render;

use jiff::civil::{Date, Time};

use crate::cmd::{Command, TABLE};
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
    MatrixId,
    Code,
    Title,
    Version,
    Place,
    Subcommand,
    Person,
    Domain,
    Software,
    PollId,
    Choice,
    AgendaItem,
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
    /// A date written right that the calendar does not have (2026-02-30).
    NoSuchDate(String),
    /// A poll with fewer than two dates.
    TooFewDates,
    BadTime(String),
    BadMeetingId(String),
    BadSlug(String),
    BadEmail(String),
    BadMatrixId(String),
    BadDomain(String),
    BadStatus(String),
    BadPollId(String),
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

pub use crate::text::join;

/// A number from 1 up ("3", "#3", "n°3"): an item of the ordre du jour,
/// an entry of a séance, an action.
pub fn number(args: &mut Args) -> Result<u32, ParseErrorKind> {
    let t = args.required(Arg::AgendaItem)?;
    t.text
        .trim_start_matches(['#', 'n', '°'])
        .parse::<u32>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| ParseErrorKind::Unexpected(text::excerpt(&t.text, 20)))
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

    /// The next token's keyword form, if it is an unquoted word, without
    /// taking it.
    pub fn peek_keyword(&self) -> Option<String> {
        match self.tokens.get(self.pos) {
            Some(t) if !t.quoted => Some(text::keyword(&t.text)),
            _ => None,
        }
    }

    /// Everything left, joined; required and bounded in length.
    pub fn rest(&mut self, what: Arg) -> Result<String, ParseErrorKind> {
        let rest = join(&self.tokens[self.pos.min(self.tokens.len())..]);
        self.pos = self.tokens.len();
        bounded(rest, what)
    }

    /// The last token, taken off the end: what follows a name of several
    /// words (`!personne adresse Louis MORALES louis@…`).
    pub fn last(&mut self, what: Arg) -> Result<Token, ParseErrorKind> {
        if self.is_empty() {
            return Err(ParseErrorKind::Missing(what));
        }
        self.tokens.pop().ok_or(ParseErrorKind::Missing(what))
    }

    /// `date 2026-12-11 09:30` read as `date 2026-12-11 heure 09:30`: an
    /// hour typed right after a date, the way `!reunion creer` takes them,
    /// when no `heure` is given.
    pub fn name_the_hour_after_the_date(&mut self) {
        let keyword = |t: &Token| (!t.quoted).then(|| text::keyword(&t.text));
        let rest = &self.tokens[self.pos.min(self.tokens.len())..];
        if rest
            .iter()
            .any(|t| matches!(keyword(t).as_deref(), Some("heure" | "time")))
        {
            return;
        }
        let Some(i) = rest.windows(3).position(|w| {
            keyword(&w[0]).as_deref() == Some("date")
                && looks_like_date(&w[1].text)
                && time(&w[2].text).is_ok()
        }) else {
            return;
        };
        let at = self.pos + i + 2;
        self.tokens.insert(
            at,
            Token {
                text: "heure".into(),
                quoted: false,
            },
        );
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
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    Date::new(y, m, d).map_err(|_| ParseErrorKind::NoSuchDate(text::excerpt(s, 20)))
}

/// Whether `s` is written as a date (`AAAA-MM-JJ` or `JJ/MM/AAAA`), be it
/// one the calendar has or not.
pub fn looks_like_date(s: &str) -> bool {
    !matches!(date(s), Err(ParseErrorKind::BadDate(_)))
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

/// Reads a command's arguments.
pub type Parser = fn(&mut Args) -> Result<Command, ParseErrorKind>;

/// A command word and its aliases (French first, then English and the
/// other spellings people type), and what follows it.
pub struct Entry {
    pub words: &'static [&'static str],
    pub kind: Kind,
}

pub enum Kind {
    /// One command.
    One {
        usage: &'static Usage,
        parse: Parser,
    },
    /// A family of subcommands (`!groupe rejoindre`): the family's usage
    /// (shown for a missing or unknown subcommand), the command the bare
    /// word is (`!moi`), and the subcommands (each a `One`).
    Family {
        usage: &'static Usage,
        bare: Option<fn() -> Command>,
        subs: &'static [Entry],
    },
}

impl Entry {
    pub const fn one(
        words: &'static [&'static str],
        usage: &'static Usage,
        parse: Parser,
    ) -> Entry {
        Entry {
            words,
            kind: Kind::One { usage, parse },
        }
    }

    /// The usage of this entry, or of its subcommand `word` when it has one.
    pub fn usage(&self, word: Option<&str>) -> &'static Usage {
        match &self.kind {
            Kind::One { usage, .. } => usage,
            Kind::Family { usage, subs, .. } => word
                .and_then(|w| find(subs, w))
                .map_or(*usage, |sub| sub.usage(None)),
        }
    }

    /// Reads what follows the word.
    fn parse(&self, args: &mut Args) -> Result<Command, ParseError> {
        match &self.kind {
            Kind::One { usage, parse } => parse(args).map_err(|kind| ParseError {
                kind,
                usage: Some(*usage),
            }),
            Kind::Family { usage, bare, subs } => {
                if let (true, Some(bare)) = (args.is_empty(), bare) {
                    return Ok(bare());
                }
                let word = args.next_keyword().unwrap_or_default();
                match find(subs, &word) {
                    Some(sub) => sub.parse(args),
                    None => Err(ParseError {
                        kind: ParseErrorKind::UnknownSubcommand(text::excerpt(&word, 40)),
                        usage: Some(*usage),
                    }),
                }
            }
        }
    }

    /// Every usage line of the entry, in order: the bare command's (if the
    /// bare word is one), then the subcommands'.
    pub fn usages(&self) -> Vec<&'static Usage> {
        match &self.kind {
            Kind::One { usage, .. } => vec![*usage],
            Kind::Family { usage, bare, subs } => bare
                .map(|_| *usage)
                .into_iter()
                .chain(subs.iter().flat_map(Entry::usages))
                .collect(),
        }
    }
}

/// The entry one of whose words is `word` (in keyword form).
pub fn find<'a>(entries: &'a [Entry], word: &str) -> Option<&'a Entry> {
    entries.iter().find(|e| e.words.contains(&word))
}

/// Every command's usage, in the order of the table (what `!aide` lists).
pub fn usages() -> Vec<&'static Usage> {
    TABLE.iter().flat_map(Entry::usages).collect()
}

/// A slug: lower-case letters, digits and hyphens, 2 to 40, starting with a
/// letter or digit. Accents and capitals typed by the user are folded.
pub fn slug(s: &str) -> Result<String, ParseErrorKind> {
    let folded = text::fold(s);
    let ok = (2..=40).contains(&folded.chars().count())
        && folded
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !folded.starts_with('-');
    if ok {
        Ok(folded)
    } else {
        Err(ParseErrorKind::BadSlug(text::excerpt(s, 40)))
    }
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
            usage: usage_of(&cleaned),
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
    match find(TABLE, &word) {
        Some(entry) => entry.parse(&mut args).map(Some),
        None => Err(ParseError {
            kind: ParseErrorKind::UnknownCommand(text::excerpt(&word, 40)),
            usage: None,
        }),
    }
}

/// The usage line of a line that could not be tokenized, from its first
/// two words.
fn usage_of(body: &str) -> Option<&'static Usage> {
    let mut words = body.split_whitespace().map(text::keyword);
    let entry = find(TABLE, &words.next()?)?;
    Some(entry.usage(words.next().as_deref()))
}

#[cfg(test)]
mod tests;
