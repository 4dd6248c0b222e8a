//! The rooms the bot is in: invites (accepted only from
//! `matrix.allowed_servers`), its greeting where it arrives, and the seed
//! groups' rooms named by alias in bot.toml (resolved, joined, and the
//! room id stored for the group).

use std::time::Duration;

use greffier_commands::{Notice, Origin};
use matrix_sdk::RoomState;
use matrix_sdk::ruma::{OwnedRoomId, RoomAliasId, RoomId};

use super::Bot;
use crate::inbox::{Inbound, Input};

impl Bot {
    /// Joins when the inviter is on an allowed server, declines otherwise.
    pub(super) async fn answer_invite(&self, room_id: &RoomId) {
        let Some(room) = self.client.get_room(room_id) else {
            return;
        };
        if room.state() != RoomState::Invited {
            return;
        }
        let inviter = match room.invite_details().await {
            Ok(details) => details.inviter_id,
            Err(e) => {
                tracing::warn!(room = %room_id, error = %e, "invite without an inviter: ignored");
                return;
            }
        };
        if !self
            .allowed
            .iter()
            .any(|s| s.as_str() == inviter.server_name().as_str())
        {
            tracing::info!(room = %room_id, %inviter, "invite declined: server not in matrix.allowed_servers");
            if let Err(e) = room.leave().await {
                tracing::warn!(room = %room_id, error = %e, "cannot decline the invite");
            }
            return;
        }
        for attempt in 1..=3 {
            match room.join().await {
                Ok(()) => {
                    tracing::info!(room = %room_id, %inviter, "joined on invite");
                    self.queue_welcome(room_id);
                    return;
                }
                Err(e) => {
                    tracing::warn!(room = %room_id, error = %e, attempt, "cannot join");
                    tokio::time::sleep(Duration::from_secs(attempt)).await;
                }
            }
        }
    }

    /// The greeting, as a notice in the room.
    pub(super) fn queue_welcome(&self, room_id: &RoomId) {
        let inbound = Inbound {
            origin: Origin::Matrix {
                room: room_id.to_string(),
                event: None,
                direct: false,
            },
            key: None,
            sender: super::sync::matrix_id(self.own.to_string()),
            display_name: None,
            authenticated: true,
            input: Input::Notice(Notice::Welcome),
        };
        if let Err(e) = self.run(&self.app.context(), &inbound) {
            tracing::error!(error = %e, "cannot queue the welcome message");
        }
    }

    /// Seed groups may name their room by alias: it is resolved to the
    /// room id (stored in its place, so that commands typed there find the
    /// group), and the bot joins the room if it is not in it yet (it must
    /// be public or the bot invited).
    pub(super) async fn resolve_seed_rooms(&self) {
        let groups = match self.inbox.rooms_by_alias() {
            Ok(groups) => groups,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the groups");
                return;
            }
        };
        for (group, slug, room) in groups {
            match self.join_seed_room(&room).await {
                Ok(id) => match self.inbox.set_group_room(group, id.as_str()) {
                    Ok(()) => {
                        tracing::info!(group = %slug, %room, room_id = %id, "group room found")
                    }
                    Err(e) => {
                        tracing::error!(group = %slug, error = %e, "cannot store the room id")
                    }
                },
                Err(e) => {
                    tracing::warn!(group = %slug, %room, error = %e, "cannot join the group's room; will try again at the next start")
                }
            }
        }
    }

    async fn join_seed_room(&self, alias: &str) -> anyhow::Result<OwnedRoomId> {
        let alias = <&RoomAliasId>::try_from(alias)?;
        let id = self.client.resolve_room_alias(alias).await?.room_id;
        let joined = self
            .client
            .get_room(&id)
            .is_some_and(|r| r.state() == RoomState::Joined);
        if !joined {
            self.client.join_room_by_id(&id).await?;
            tracing::info!(room = %id, %alias, "joined a group's room");
            self.queue_welcome(&id);
        }
        Ok(id)
    }
}
