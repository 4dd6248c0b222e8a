//! `greffier console --as <id>`: the command language on stdin/stdout, no
//! network. The console is a local operator's tool: the identity is
//! trusted. Each line goes through the same inbox and outbox as a room
//! message; the console delivers the replies addressed to it and leaves the
//! rest (room posts, mails) queued for a running `greffier run`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::Context as _;
use greffier_commands::store::Identity;
use greffier_commands::{Channel, Notice, Origin};

use crate::app::App;
use crate::inbox::{Handled, Inbound, Inbox, Input};
use crate::outbox;
use crate::plugin::Plugin;
use crate::route::{self, Route};

/// The console as a channel: no section, nothing to start with `run`
/// (`greffier console` runs it and prints its replies).
pub const PLUGIN: Plugin = Plugin {
    name: "console",
    section: None,
    serve: None,
    takes_commands: true,
    route: Some(&ROUTE),
    own_connection: false,
    health: None,
    online: None,
};

/// The console's replies; its operator is trusted (`--as`).
pub const ROUTE: Route = Route {
    channel: Channel::CONSOLE,
    carries: |action| route::answers_on(action, Channel::CONSOLE),
    lane: |_| "console".into(),
    parallel: outbox::PARALLEL,
    takes_newcomers: true,
    commands_per_hour: None,
    confirmation: None,
};

/// Longest line read whole; the rest of a longer line is skipped.
const MAX_READ: usize = 1 << 20;

pub fn run(app: &App, inbox: &Inbox, who: &str) -> anyhow::Result<()> {
    let lang = app.loaded.config.bot.language;
    let sender = Identity::parse(who).with_context(|| {
        greffier_commands::tr!(
            lang,
            "--as « {who} » : donnez un identifiant Matrix (@nom:serveur) ou une adresse électronique",
            "--as “{who}”: give a Matrix ID (@user:server) or an email address"
        )
    })?;
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut input = stdin.lock();
    let mut out = std::io::stdout().lock();
    let prefix = &app.loaded.config.bot.prefix;
    loop {
        if interactive {
            write!(out, "> ")?;
            out.flush()?;
        }
        let (line, truncated) = read_line(&mut input)?;
        let Some(line) = line else { break };
        let answer = if truncated {
            Notice::LineTooLong { max: MAX_READ }.text(lang, prefix)
        } else {
            match String::from_utf8(line) {
                Err(_) => Notice::NotUtf8.text(lang, prefix),
                Ok(text) => handle_line(app, inbox, &sender, text)?,
            }
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}

fn handle_line(
    app: &App,
    inbox: &Inbox,
    sender: &Identity,
    text: String,
) -> anyhow::Result<String> {
    let ctx = app.context();
    let inbound = Inbound {
        origin: Origin::Console,
        key: None,
        sender: sender.clone(),
        display_name: None,
        authenticated: true,
        input: Input::Lines(vec![text]),
    };
    Ok(match inbox.run(&ctx, &inbound)? {
        Handled::Ignored => Notice::NotACommand.text(ctx.lang, &ctx.prefix),
        Handled::Duplicate => String::new(),
        Handled::Queued(ids) => outbox::console_replies(inbox, &ids)?.join("\n"),
    })
}

/// One line as bytes, without its end of line; `None` at end of input.
/// A line over `MAX_READ` bytes is consumed whole but not kept.
fn read_line(input: &mut impl BufRead) -> anyhow::Result<(Option<Vec<u8>>, bool)> {
    let mut line = Vec::new();
    let mut truncated = false;
    let mut any = false;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            break;
        }
        any = true;
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..i], Some(i + 1)),
            None => (buf, None),
        };
        if !truncated && line.len() + chunk.len() <= MAX_READ {
            line.extend_from_slice(chunk);
        } else {
            truncated = true;
            line.clear();
        }
        let used = done.unwrap_or(buf.len());
        input.consume(used);
        if done.is_some() {
            break;
        }
    }
    if !any {
        return Ok((None, false));
    }
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok((Some(line), truncated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_line_splits_and_flags_overlong_lines() {
        let mut long = vec![b'a'; MAX_READ + 10];
        long.extend_from_slice(b"\nnext\r\nlast");
        let mut input = std::io::Cursor::new(long);
        assert_eq!(read_line(&mut input).expect("read"), (Some(vec![]), true));
        assert_eq!(
            read_line(&mut input).expect("read"),
            (Some(b"next".to_vec()), false)
        );
        assert_eq!(
            read_line(&mut input).expect("read"),
            (Some(b"last".to_vec()), false)
        );
        assert_eq!(read_line(&mut input).expect("read"), (None, false));
    }
}
