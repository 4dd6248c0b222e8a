//! Delivering the outbox's "matrix" items: a reply is an `m.notice` in
//! reply to the command (plain body and HTML; without the relation when
//! there is nothing to reply to), a post is an `m.notice` in the room, a
//! picture an `m.image`. Each send carries a transaction id made from the outbox id, so
//! a retry after a crash or a timeout never shows twice in the room.

use crate::outbox::{OutboxItem, SendError};
use greffier_commands::{Action, Origin};
use matrix_sdk::Client;
use matrix_sdk::ruma::events::relation::Reply;
use matrix_sdk::ruma::events::room::message::{Relation, RoomMessageEventContent};
use matrix_sdk::ruma::{
    EventId, OwnedEventId, OwnedRoomId, OwnedTransactionId, RoomAliasId, RoomId, RoomOrAliasId,
};

fn from_sdk(e: &matrix_sdk::Error) -> SendError {
    let status = e.as_client_api_error().map(|c| c.status_code.as_u16());
    SendError {
        permanent: super::is_permanent(status),
        in_doubt: false,
        message: e.to_string(),
    }
}

/// A notice's HTML: the text escaped (it holds what users typed), line
/// breaks kept.
pub use greffier_commands::text::html_lines as html;

/// What a message says, as text and, when it has one, as HTML.
type Says<'a> = (&'a str, Option<&'a str>);

/// Where an item goes, what it replies to, and what it says.
fn target(action: &Action) -> Result<(&str, Option<&str>, Says<'_>), SendError> {
    match action {
        Action::Reply {
            origin: Origin::Matrix { room, event, .. },
            text,
        } => Ok((room, event.as_deref(), (text, None))),
        Action::PostToRoom {
            room, text, html, ..
        } => Ok((room, None, (text, html.as_deref()))),
        other => Err(SendError::permanent(format!(
            "not a Matrix action: {other:?}"
        ))),
    }
}

async fn room_id(client: &Client, room: &str) -> Result<OwnedRoomId, SendError> {
    let parsed = <&RoomOrAliasId>::try_from(room)
        .map_err(|e| SendError::permanent(format!("invalid room {room:?}: {e}")))?;
    match <&RoomId>::try_from(parsed) {
        Ok(id) => Ok(id.to_owned()),
        Err(alias) => {
            let alias: &RoomAliasId = alias;
            let found = client
                .resolve_room_alias(alias)
                .await
                .map_err(|e| SendError {
                    permanent: e
                        .as_client_api_error()
                        .is_some_and(|c| c.status_code == 404),
                    in_doubt: false,
                    message: format!("cannot resolve {alias}: {e}"),
                })?;
            Ok(found.room_id)
        }
    }
}

/// Sends one item; returns the event id it got.
pub async fn deliver(
    client: &Client,
    item: &OutboxItem,
    instance: &str,
) -> Result<OwnedEventId, SendError> {
    let txn = OwnedTransactionId::from(format!("greffier-{instance}-{}", item.id));
    if let Action::PostImageToRoom { room, name, png } = &item.action {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png)
            .map_err(|e| SendError::permanent(format!("the picture is not base64: {e}")))?;
        let id = room_id(client, room).await?;
        let Some(joined) = client.get_room(&id) else {
            return Err(SendError::permanent(format!(
                "the bot is not in room {room}"
            )));
        };
        let config = matrix_sdk::attachment::AttachmentConfig::new().txn_id(txn);
        let sent = joined
            .send_attachment(name.clone(), &mime::IMAGE_PNG, bytes, config)
            .await
            .map_err(|e| from_sdk(&e))?;
        return Ok(sent.event_id);
    }
    let (room, in_reply_to, (text, given_html)) = target(&item.action)?;
    let id = room_id(client, room).await?;
    let Some(joined) = client.get_room(&id) else {
        return Err(SendError::permanent(format!(
            "the bot is not in room {room}"
        )));
    };
    let formatted = given_html.map_or_else(|| html(text), str::to_string);
    let mut content = RoomMessageEventContent::notice_html(text, formatted);
    if let Some(event) = in_reply_to {
        let event = EventId::parse(event)
            .map_err(|e| SendError::permanent(format!("invalid event id {event:?}: {e}")))?;
        content.relates_to = Some(Relation::Reply(Reply::with_event_id(event)));
    }
    let sent = joined
        .send(content)
        .with_transaction_id(txn)
        .await
        .map_err(|e| from_sdk(&e))?;
    Ok(sent.response.event_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_what_users_typed() {
        assert_eq!(
            html("Groupe « <b>x</b> » & co\nligne 2"),
            "Groupe « &lt;b&gt;x&lt;/b&gt; » &amp; co<br>ligne 2"
        );
    }

    #[test]
    fn only_matrix_actions_are_sent_here() {
        let mail = Action::Reply {
            origin: Origin::Console,
            text: "x".into(),
        };
        assert!(target(&mail).is_err_and(|e| e.permanent));
        let post = Action::PostToRoom {
            room: "!abc".into(),
            text: "t".into(),
            meeting: None,
            html: None,
        };
        assert!(matches!(target(&post), Ok(("!abc", None, ("t", None)))));
    }
}
