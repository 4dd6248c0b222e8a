//! The rooms the bot makes: a group's room (named after its theme, its
//! members invited, the lead organisation's confirmed members moderators,
//! alias `#<group>:<server>` when free, in the network's Space) and the
//! invitations of those who join later.
//!
//! A room is made once. It carries a `fr.greffier.group` state event naming
//! the group; before making one, the bot looks among the rooms it is in
//! (asked of the homeserver, not of its cache) for that event. So a
//! delivery interrupted after the homeserver made the room (a SIGKILL, a
//! lost answer) finds that room the second time instead of making another;
//! the steps after it (moderators, the Space) are done again, harmlessly.

use greffier_commands::Action;
use matrix_sdk::Client;
use matrix_sdk::ruma::api::client::membership::joined_rooms;
use matrix_sdk::ruma::api::client::room::create_room;
use matrix_sdk::ruma::api::client::state::{get_state_event_for_key, send_state_event};
use matrix_sdk::ruma::events::{AnyInitialStateEvent, AnyStateEventContent, StateEventType};
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId, RoomAliasId, UserId};
use serde_json::{Value, json};

use crate::outbox::SendError;

/// The state event that names the group a room was made for.
const MARK: &str = "fr.greffier.group";

fn from_sdk(what: &str, e: &matrix_sdk::HttpError) -> SendError {
    let status = e.as_client_api_error().map(|c| c.status_code.as_u16());
    SendError {
        permanent: super::is_permanent(status),
        in_doubt: false,
        message: format!("{what}: {e}"),
    }
}

/// Where the rooms go.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The bot's server: the alias's.
    pub server: String,
    /// The Space's alias, if the network has one (`matrix.space`).
    pub space: Option<String>,
}

/// Delivers a `CreateGroupRoom`, an `InviteToRoom` or a `NameRoom`; the
/// room's id.
pub async fn deliver(
    client: &Client,
    settings: &Settings,
    action: &Action,
) -> Result<Option<String>, SendError> {
    match action {
        Action::CreateGroupRoom {
            group,
            name,
            topic,
            invite,
            moderators,
        } => {
            let room = match find(client, group).await? {
                Some(room) => {
                    tracing::info!(%group, %room, "the group's room was made before: not made again");
                    room
                }
                None => create(client, settings, group, name, topic, invite).await?,
            };
            crate::failpoint::reached("matrix-room-created");
            moderate(client, &room, moderators).await?;
            if let Some(space) = &settings.space {
                let space = ensure_space(client, &settings.server, space).await?;
                add_to_space(client, &space, &room, &settings.server).await?;
            }
            Ok(Some(room.to_string()))
        }
        Action::InviteToRoom { room, user } => {
            let room = super::outbound::room_id(client, room).await?;
            let user = UserId::parse(user.as_str())
                .map_err(|e| SendError::permanent(format!("invalid user {user:?}: {e}")))?;
            invite_one(client, &room, &user).await?;
            Ok(Some(room.to_string()))
        }
        Action::NameRoom { room, name, topic } => {
            let room = super::outbound::room_id(client, room).await?;
            put_state(client, &room, "m.room.name", "", json!({ "name": name })).await?;
            put_state(client, &room, "m.room.topic", "", json!({ "topic": topic })).await?;
            Ok(Some(room.to_string()))
        }
        other => Err(SendError::permanent(format!(
            "not a provisioning action: {other:?}"
        ))),
    }
}

/// The room the bot made for `group`, if any: among the rooms it is in,
/// the one whose `fr.greffier.group` event names it.
async fn find(client: &Client, group: &str) -> Result<Option<OwnedRoomId>, SendError> {
    let joined = client
        .send(joined_rooms::v3::Request::new())
        .await
        .map_err(|e| from_sdk("cannot list the bot's rooms", &e))?;
    for room in joined.joined_rooms {
        if let Some(mark) = state(client, &room, MARK, "").await?
            && mark["group"] == group
        {
            return Ok(Some(room));
        }
    }
    Ok(None)
}

/// A state event's content, or `None` when the room has no such event.
async fn state(
    client: &Client,
    room: &OwnedRoomId,
    kind: &str,
    key: &str,
) -> Result<Option<Value>, SendError> {
    let request = get_state_event_for_key::v3::Request::new(
        room.clone(),
        StateEventType::from(kind),
        key.to_string(),
    );
    match client.send(request).await {
        Ok(r) => serde_json::from_str(r.event_or_content.get())
            .map(Some)
            .map_err(|e| SendError::permanent(format!("unreadable {kind}: {e}"))),
        Err(e)
            if e.as_client_api_error()
                .is_some_and(|c| matches!(c.status_code.as_u16(), 403 | 404)) =>
        {
            Ok(None)
        }
        Err(e) => Err(from_sdk(&format!("cannot read {kind} in {room}"), &e)),
    }
}

async fn put_state(
    client: &Client,
    room: &OwnedRoomId,
    kind: &str,
    key: &str,
    content: Value,
) -> Result<(), SendError> {
    let body: Raw<AnyStateEventContent> = Raw::new(&content)
        .map_err(|e| SendError::permanent(format!("cannot write {kind}: {e}")))?
        .cast_unchecked();
    let request = send_state_event::v3::Request::new_raw(
        room.clone(),
        StateEventType::from(kind),
        key.to_string(),
        body,
    );
    client
        .send(request)
        .await
        .map_err(|e| from_sdk(&format!("cannot set {kind} in {room}"), &e))?;
    Ok(())
}

fn initial(kind: &str, content: Value) -> Result<Raw<AnyInitialStateEvent>, SendError> {
    Raw::new(&json!({"type": kind, "state_key": "", "content": content}))
        .map(Raw::cast_unchecked)
        .map_err(|e| SendError::permanent(format!("cannot write {kind}: {e}")))
}

/// Whether `#<local>:<server>` names no room yet.
async fn alias_free(client: &Client, local: &str, server: &str) -> Result<bool, SendError> {
    let alias = format!("#{local}:{server}");
    let Ok(alias) = <&RoomAliasId>::try_from(alias.as_str()) else {
        return Ok(false);
    };
    match client.resolve_room_alias(alias).await {
        Ok(_) => Ok(false),
        Err(e)
            if e.as_client_api_error()
                .is_some_and(|c| c.status_code.as_u16() == 404) =>
        {
            Ok(true)
        }
        Err(e) => Err(from_sdk("cannot look the alias up", &e)),
    }
}

async fn create(
    client: &Client,
    settings: &Settings,
    group: &str,
    name: &str,
    topic: &str,
    invite: &[String],
) -> Result<OwnedRoomId, SendError> {
    let mut request = create_room::v3::Request::new();
    request.name = Some(name.to_string());
    if !topic.is_empty() {
        request.topic = Some(topic.to_string());
    }
    if alias_free(client, group, &settings.server).await? {
        request.room_alias_name = Some(group.to_string());
    }
    request.preset = Some(create_room::v3::RoomPreset::PrivateChat);
    request.invite = invite
        .iter()
        .filter_map(|u| OwnedUserId::try_from(u.as_str()).ok())
        .filter(|u| Some(u.as_ref()) != client.user_id())
        .collect();
    request.initial_state = vec![initial(MARK, json!({ "group": group }))?];
    let room = client.create_room(request).await.map_err(|e| SendError {
        permanent: super::is_permanent(e.as_client_api_error().map(|c| c.status_code.as_u16())),
        in_doubt: false,
        message: format!("cannot make the room of {group}: {e}"),
    })?;
    tracing::info!(%group, room = %room.room_id(), "the group's room is made");
    Ok(room.room_id().to_owned())
}

/// Power 50 for `moderators` (what they have already stays; the room's
/// creators, who outrank everyone in room version 12, are left out).
async fn moderate(
    client: &Client,
    room: &OwnedRoomId,
    moderators: &[String],
) -> Result<(), SendError> {
    if moderators.is_empty() {
        return Ok(());
    }
    let mut levels = state(client, room, "m.room.power_levels", "")
        .await?
        .unwrap_or_else(|| json!({}));
    let own = client.user_id().map(|u| u.to_string()).unwrap_or_default();
    let users = levels
        .as_object_mut()
        .map(|l| l.entry("users").or_insert_with(|| json!({})));
    let Some(Value::Object(users)) = users else {
        return Err(SendError::permanent("unreadable power levels"));
    };
    let mut changed = false;
    for m in moderators.iter().filter(|m| **m != own) {
        if users.get(m).and_then(Value::as_i64).unwrap_or(0) < 50 {
            users.insert(m.clone(), json!(50));
            changed = true;
        }
    }
    if changed {
        put_state(client, room, "m.room.power_levels", "", levels).await?;
    }
    Ok(())
}

/// The network's Space: found by its alias, or made with it.
async fn ensure_space(
    client: &Client,
    server: &str,
    alias: &str,
) -> Result<OwnedRoomId, SendError> {
    let parsed = <&RoomAliasId>::try_from(alias)
        .map_err(|e| SendError::permanent(format!("matrix.space {alias:?}: {e}")))?;
    if !alias_free(client, parsed.alias(), server).await? {
        return super::outbound::room_id(client, alias).await;
    }
    let mut request = create_room::v3::Request::new();
    request.name = Some(parsed.alias().to_string());
    request.room_alias_name = Some(parsed.alias().to_string());
    request.preset = Some(create_room::v3::RoomPreset::PublicChat);
    request.creation_content = Some(
        Raw::new(&json!({ "type": "m.space" }))
            .map(Raw::cast_unchecked)
            .map_err(|e| SendError::permanent(format!("cannot write the Space: {e}")))?,
    );
    let space = client
        .create_room(request)
        .await
        .map_err(|e| SendError::transient(format!("cannot make the Space {alias}: {e}")))?;
    tracing::info!(%alias, space = %space.room_id(), "the network's Space is made");
    Ok(space.room_id().to_owned())
}

/// `room` in `space` (both ways: the Space's child, the room's parent).
async fn add_to_space(
    client: &Client,
    space: &OwnedRoomId,
    room: &OwnedRoomId,
    server: &str,
) -> Result<(), SendError> {
    let via = json!({ "via": [server] });
    put_state(client, space, "m.space.child", room.as_str(), via.clone()).await?;
    let mut parent = via;
    parent["canonical"] = json!(true);
    put_state(client, room, "m.space.parent", space.as_str(), parent).await
}

/// An invitation; nothing for someone already in the room or invited.
async fn invite_one(client: &Client, room: &OwnedRoomId, user: &UserId) -> Result<(), SendError> {
    if let Some(member) = state(client, room, "m.room.member", user.as_str()).await?
        && matches!(member["membership"].as_str(), Some("join" | "invite"))
    {
        return Ok(());
    }
    use matrix_sdk::ruma::api::client::membership::invite_user::v3::{
        InvitationRecipient, InviteUserId, Request,
    };
    let request = Request::new(
        room.clone(),
        InvitationRecipient::UserId(InviteUserId::new(user.to_owned())),
    );
    client
        .send(request)
        .await
        .map_err(|e| from_sdk(&format!("cannot invite {user} to {room}"), &e))?;
    Ok(())
}
