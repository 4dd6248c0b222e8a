//! A channel used only by the tests, added the way every channel is: this
//! folder and one line in the table of channels (`crate::channels`). Lines
//! come in through a queue the test holds, replies go back through
//! another; between them, everything is the bot's own: its section of
//! bot.toml read and checked, its serve loop started by `greffier run`,
//! the inbox, the commands, the outbox routing its replies to it, its
//! pump (run.rs's tests drive it).

use std::sync::{Arc, Mutex};

use greffier_commands::store::Identity;
use greffier_commands::{Action, Channel, Origin};
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::app::App;
use crate::config::{self, Section};
use crate::inbox::{Inbound, Inbox, Input};
use crate::outbox;
use crate::plugin::Plugin;
use crate::route::{self, Route};

const CHANNEL: Channel = Channel::named("loopback");

/// `[loopback]`: who speaks through it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub sender: String,
}

impl Section for Settings {
    const NAME: &'static str = "loopback";

    fn check(&self, problem: &mut dyn FnMut(&str, String)) {
        if Identity::parse(&self.sender).is_none() {
            problem("sender", format!("{:?} is not an identity", self.sender));
        }
    }
}

pub const ROUTE: Route = Route {
    channel: CHANNEL,
    carries: |action| route::answers_on(action, CHANNEL),
    lane: |action| match action {
        Action::Reply { origin, .. } | Action::Confirm { origin, .. } => route::reply_lane(origin),
        _ => String::new(),
    },
    parallel: 1,
    takes_newcomers: true,
    commands_per_hour: None,
    confirmation: None,
};

pub const PLUGIN: Plugin = Plugin {
    name: "loopback",
    section: Some(config::reader::<Settings>()),
    serve: Some(|app, inbox| Box::pin(serve(app, inbox))),
    takes_commands: true,
    route: Some(&ROUTE),
    own_connection: false,
    health: None,
    online: None,
};

/// The test's ends of the channel: what it types, what it reads.
pub struct Ends {
    pub lines: mpsc::UnboundedSender<String>,
    pub replies: mpsc::UnboundedReceiver<String>,
}

/// The bot's ends, taken by its serve loop.
struct BotEnds {
    lines: mpsc::UnboundedReceiver<String>,
    replies: mpsc::UnboundedSender<String>,
}

static WIRE: Mutex<Option<BotEnds>> = Mutex::new(None);

/// A new wire: the test keeps its ends, the next serve loop takes the
/// bot's.
pub fn wire() -> Ends {
    let (lines_in, lines_out) = mpsc::unbounded_channel();
    let (replies_in, replies_out) = mpsc::unbounded_channel();
    *WIRE.lock().unwrap_or_else(|p| p.into_inner()) = Some(BotEnds {
        lines: lines_out,
        replies: replies_in,
    });
    Ends {
        lines: lines_in,
        replies: replies_out,
    }
}

async fn serve(app: Arc<App>, inbox: Arc<Inbox>) -> anyhow::Result<()> {
    let cfg = app
        .loaded
        .config
        .section::<Settings>()
        .ok_or_else(|| anyhow::anyhow!("no [loopback] section"))?;
    let sender = Identity::parse(&cfg.sender)
        .ok_or_else(|| anyhow::anyhow!("loopback.sender: not an identity"))?;
    let BotEnds { mut lines, replies } = WIRE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
        .ok_or_else(|| anyhow::anyhow!("no loopback wire"))?;
    tokio::spawn(outbox::pump(inbox.clone(), &ROUTE, move |item| {
        let replies = replies.clone();
        async move {
            if let Action::Reply { text, .. } = item.action {
                replies
                    .send(text)
                    .map_err(|_| outbox::SendError::permanent("the test has gone"))?;
            }
            Ok(None)
        }
    }));
    let mut n = 0;
    while let Some(line) = lines.recv().await {
        n += 1;
        let inbound = Inbound {
            origin: Origin::Other {
                name: CHANNEL.as_str().into(),
                to: sender.value.clone(),
            },
            key: Some(format!("line {n}")),
            sender: sender.clone(),
            display_name: None,
            authenticated: true,
            input: Input::Lines(vec![line]),
        };
        inbox.run(&app.context(), &inbound)?;
    }
    Ok(())
}
