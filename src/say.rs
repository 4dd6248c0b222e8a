//! What the clerk's commands (console, digest, minutes, import-minutes,
//! import-people, export, lists check) say on the command line, in the
//! bot's language: the phrases several of them share — a file that cannot
//! be read or written, a meeting or a group that does not exist (with the
//! chat's close names), a date given the wrong way. The operator's
//! commands (check-config, status, run, backup, web) write for logs and
//! monitoring and stay in English (docs/french.md, "The command line").

use std::io::Write as _;
use std::path::Path;

use greffier_commands::store::Group;
use greffier_commands::{Lang, tr};

/// `println!` that does not panic when the reader has gone (`greffier
/// digest | head`): the process ends quietly, as a program killed by
/// SIGPIPE does (status 141), instead of "failed printing to stdout".
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::say::line(format_args!($($arg)*))
    };
}
pub(crate) use outln;

/// [`outln!`]'s writer.
pub fn line(args: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}").and_then(|()| out.flush()) {
        gone(&e);
    }
}

/// Standard output could not be written: a reader that has gone ends the
/// process quietly (status 141, as SIGPIPE would); anything else is said.
fn gone(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(141);
    }
    eprintln!("greffier: {e}");
    std::process::exit(1);
}

/// The bot's language, once bot.toml is read: the error the process ends
/// with is written in it ("greffier : …"); before that, in English.
static LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

/// Set once the configuration is loaded.
pub fn set_lang(lang: Lang) {
    let _ = LANG.set(lang);
}

/// "greffier : " in French, "greffier: " otherwise, before the error the
/// process ends with.
pub fn error_prefix() -> &'static str {
    match LANG.get() {
        Some(Lang::Fr) => "greffier : ",
        _ => "greffier: ",
    }
}

/// A file's bytes, or a sentence naming the file and what went wrong
/// ("le fichier n'existe pas", "accès refusé").
pub fn read(lang: Lang, file: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(file).map_err(|e| {
        let why = io_error(lang, &e);
        anyhow::anyhow!(tr!(
            lang,
            "impossible de lire {} : {why}",
            "cannot read {}: {why}",
            file.display()
        ))
    })
}

/// A file's text, refused when it is not UTF-8.
pub fn read_text(lang: Lang, file: &Path) -> anyhow::Result<String> {
    String::from_utf8(read(lang, file)?).map_err(|_| {
        anyhow::anyhow!(tr!(
            lang,
            "{} : ce n'est pas du texte UTF-8 (enregistrez-le en UTF-8)",
            "{}: not UTF-8 text (save it as UTF-8)",
            file.display()
        ))
    })
}

/// Writes `bytes` to `file`, or says why it could not.
pub fn write(lang: Lang, file: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(file, bytes).map_err(|e| {
        let why = io_error(lang, &e);
        anyhow::anyhow!(tr!(
            lang,
            "impossible d'écrire {} : {why}",
            "cannot write {}: {why}",
            file.display()
        ))
    })
}

/// Writes `bytes` to standard output.
pub fn write_stdout(lang: Lang, bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                gone(&e);
            }
            let why = io_error(lang, &e);
            anyhow::anyhow!(tr!(
                lang,
                "impossible d'écrire sur la sortie standard : {why}",
                "cannot write to standard output: {why}"
            ))
        })
}

/// The usual reasons in words; the system's own message otherwise.
fn io_error(lang: Lang, e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => tr!(lang, "le fichier n'existe pas", "no such file"),
        ErrorKind::PermissionDenied => tr!(lang, "accès refusé", "permission denied"),
        ErrorKind::IsADirectory => tr!(lang, "c'est un dossier", "it is a directory"),
        ErrorKind::AlreadyExists => tr!(lang, "le fichier existe déjà", "the file already exists"),
        _ => e.to_string(),
    }
}

/// A database that cannot be opened as it is, said in `lang` when the
/// reason is a missing file (`status`, `backup`).
pub fn opened(lang: Lang, e: greffier_storage::Error) -> anyhow::Error {
    match e {
        greffier_storage::Error::NoDatabase(path) => anyhow::anyhow!(tr!(
            lang,
            "il n'y a pas de base de données à {path}",
            "there is no database at {path}"
        )),
        e => e.into(),
    }
}

/// « il n'y a pas de réunion n°12 ».
pub fn no_meeting(lang: Lang, meeting: i64) -> anyhow::Error {
    anyhow::anyhow!(tr!(
        lang,
        "il n'y a pas de réunion n°{meeting}",
        "there is no meeting #{meeting}"
    ))
}

/// The group `name` designates, as the chat finds it (slug, theme, a word
/// of the theme), or the chat's answer: « Groupe inconnu « mesagerie » —
/// vouliez-vous dire « messagerie » ? », and where the list is when no
/// name is close.
pub fn group<'a>(lang: Lang, groups: &'a [Group], name: &str) -> anyhow::Result<&'a Group> {
    match greffier_commands::group_named(groups, lang, name) {
        Ok(i) => Ok(&groups[i]),
        Err(unnamed) => {
            let mut text = unnamed.text;
            if !unnamed.suggested {
                text.push_str(&tr!(
                    lang,
                    " — greffier export --csv groups les énumère",
                    " — greffier export --csv groups lists them"
                ));
            }
            Err(anyhow::anyhow!(text))
        }
    }
}

/// `--date`: a date written YYYY-MM-DD. A date written the French way
/// (11/06/2007) gets its ISO spelling back; an impossible one is named as
/// such.
pub fn date(lang: Lang, given: &str) -> anyhow::Result<jiff::civil::Date> {
    if let Ok(date) = given.parse() {
        return Ok(date);
    }
    let parts: Vec<&str> = given.split(['/', '.']).collect();
    let french = match parts.as_slice() {
        [d, m, y] if y.len() == 4 => match (d.parse(), m.parse(), y.parse()) {
            (Ok(d), Ok(m), Ok(y)) => Some(jiff::civil::Date::new(y, m, d)),
            _ => None,
        },
        _ => None,
    };
    let iso_shaped =
        given.len() == 10 && given.as_bytes()[4] == b'-' && given.as_bytes()[7] == b'-';
    let text = match french {
        Some(Ok(d)) => tr!(
            lang,
            "--date « {given} » : une date s'écrit AAAA-MM-JJ, ici « --date {d} »",
            "--date “{given}”: a date is written YYYY-MM-DD, here “--date {d}”"
        ),
        Some(Err(_)) => tr!(
            lang,
            "--date « {given} » : cette date n'existe pas",
            "--date “{given}”: this date does not exist"
        ),
        None if iso_shaped
            && given
                .split('-')
                .all(|p| p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            tr!(
                lang,
                "--date « {given} » : cette date n'existe pas",
                "--date “{given}”: this date does not exist"
            )
        }
        None => tr!(
            lang,
            "--date « {given} » : ce n'est pas une date ; écrivez-la AAAA-MM-JJ (2007-06-11)",
            "--date “{given}”: not a date; write it YYYY-MM-DD (2007-06-11)"
        ),
    };
    Err(anyhow::anyhow!(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_the_french_way_gets_its_iso_spelling_back() {
        let said = |s: &str| date(Lang::Fr, s).expect_err("not a date").to_string();
        assert_eq!(
            date(Lang::Fr, "2007-06-11").ok(),
            Some(jiff::civil::date(2007, 6, 11))
        );
        assert_eq!(
            said("11/06/2007"),
            "--date « 11/06/2007 » : une date s'écrit AAAA-MM-JJ, ici « --date 2007-06-11 »"
        );
        assert_eq!(
            said("30/02/2007"),
            "--date « 30/02/2007 » : cette date n'existe pas"
        );
        assert_eq!(
            said("2026-02-30"),
            "--date « 2026-02-30 » : cette date n'existe pas"
        );
        assert_eq!(
            said("juin"),
            "--date « juin » : ce n'est pas une date ; écrivez-la AAAA-MM-JJ (2007-06-11)"
        );
        assert_eq!(
            date(Lang::En, "11/06/2007")
                .expect_err("not ISO")
                .to_string(),
            "--date “11/06/2007”: a date is written YYYY-MM-DD, here “--date 2007-06-11”"
        );
    }

    #[test]
    fn a_missing_file_is_named_in_words() {
        let e = read(Lang::Fr, Path::new("/nonexistent/cr.md")).expect_err("no such file");
        assert_eq!(
            e.to_string(),
            "impossible de lire /nonexistent/cr.md : le fichier n'existe pas"
        );
    }
}
