//! The real Synapse, as the Matrix tests use it: the accounts and the user's
//! client come from greffier-testkit (shared with the benchmarks); here,
//! the bot as a child process with its own account, config and database.

use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId};
use serde_json::Value;

pub use greffier_testkit::matrix::{Seen, Servers, User, register};

use crate::support::BotProcess;

/// Synapse restarts (one test does it) exclude every other Matrix test.
pub static SERVER: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// The bot, with its own Matrix account, config and database.
pub struct Bot {
    pub id: OwnedUserId,
    pub process: BotProcess,
}

impl std::ops::Deref for Bot {
    type Target = BotProcess;
    fn deref(&self) -> &BotProcess {
        &self.process
    }
}

impl std::ops::DerefMut for Bot {
    fn deref_mut(&mut self) -> &mut BotProcess {
        &mut self.process
    }
}

impl Bot {
    /// A bot whose admins are `admins`, accepting invites from
    /// `allowed_servers`, with the seed group "messagerie".
    pub async fn new(name: &str, admins: &[&OwnedUserId], allowed_servers: &[&str]) -> Bot {
        Bot::with_config(name, admins, allowed_servers, "").await
    }

    /// The same, with `extra` bot.toml text before the "messagerie" seed
    /// (a `[groups]` table, more `[[groups.seed]]`).
    pub async fn with_config(
        name: &str,
        admins: &[&OwnedUserId],
        allowed_servers: &[&str],
        extra: &str,
    ) -> Bot {
        let (id, password) = register("bot").await;
        let admins: Vec<String> = admins.iter().map(|a| format!("{a:?}")).collect();
        let allowed: Vec<String> = allowed_servers.iter().map(|s| format!("{s:?}")).collect();
        let config = format!(
            r#"[bot]
database = "greffier.db"
admins = [{admins}]

[matrix]
homeserver = "{url}"
user = "{id}"
password_env = "GREFFIER_TEST_BOT_PASSWORD"
store = "matrix-store"
allowed_servers = [{allowed}]

{extra}

[[groups.seed]]
slug = "messagerie"
theme = "Messagerie libre"
status = "active"
lead = "Berre"
members = ["Berre"]
"#,
            admins = admins.join(", "),
            url = Servers::get().url(),
            allowed = allowed.join(", "),
        );
        let process = BotProcess::new(name, &config, &[("GREFFIER_TEST_BOT_PASSWORD", &password)]);
        Bot { id, process }
    }

    /// Starts the bot and has `user` invite it to a new plain room: the
    /// room, once the bot has greeted it.
    pub async fn start_in_a_room_of(&mut self, user: &mut User) -> OwnedRoomId {
        self.start();
        let room = user.create_room(false, &[&self.id]).await;
        user.welcome(&self.id, &room).await;
        room
    }

    /// The device of the saved session.
    pub fn device(&self) -> String {
        let text = std::fs::read_to_string(self.scratch.dir.join("matrix-store/session.json"))
            .expect("session.json");
        let v: Value = serde_json::from_str(&text).expect("session JSON");
        v["device_id"].as_str().expect("device_id").to_string()
    }
}
