//! Delivering the outbox's "matrix" items: a reply is an `m.notice` in
//! reply to the command (plain body and HTML; without the relation when
//! there is nothing to reply to), a post is an `m.notice` in the room, a
//! picture an `m.image`, a poll a native poll (start and end events). Each send carries a transaction id made from the outbox id, so
//! a retry after a crash or a timeout never shows twice in the room.

use crate::outbox::{OutboxItem, SendError};
use greffier_commands::{Action, Origin};
use matrix_sdk::Client;
use matrix_sdk::ruma::events::relation::Reply;
use matrix_sdk::ruma::events::room::message::{Relation, RoomMessageEventContent};
use matrix_sdk::ruma::{
    EventId, OwnedEventId, OwnedRoomId, OwnedTransactionId, RoomAliasId, RoomId, RoomOrAliasId,
    UInt,
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

pub(super) async fn room_id(client: &Client, room: &str) -> Result<OwnedRoomId, SendError> {
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

/// Sends one item; returns the event id it got (a made room: its id).
pub async fn deliver(
    client: &Client,
    item: &OutboxItem,
    instance: &str,
    rooms: &super::provision::Settings,
) -> Result<Option<String>, SendError> {
    if matches!(
        item.action,
        Action::CreateGroupRoom { .. } | Action::InviteToRoom { .. } | Action::NameRoom { .. }
    ) {
        return super::provision::deliver(client, rooms, &item.action).await;
    }
    send(client, item, instance)
        .await
        .map(|e| Some(e.to_string()))
}

/// Sends one message-like item; returns the event id it got.
async fn send(
    client: &Client,
    item: &OutboxItem,
    instance: &str,
) -> Result<OwnedEventId, SendError> {
    let txn = OwnedTransactionId::from(format!("greffier-{instance}-{}", item.unique()));
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
    if let Some((room, event_type, content)) = poll_event(&item.action)? {
        let id = room_id(client, room).await?;
        let Some(joined) = client.get_room(&id) else {
            return Err(SendError::permanent(format!(
                "the bot is not in room {room}"
            )));
        };
        let sent = joined
            .send_raw(event_type, content)
            .with_transaction_id(&txn)
            .await
            .map_err(|e| from_sdk(&e))?;
        return Ok(sent.response.event_id);
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

/// A poll's start or end event: its room, type and content. The start is
/// the unstable `org.matrix.msc3381.poll.start` that clients render today,
/// with the stable `m.poll` and `m.text` fields beside it (one event both
/// kinds of clients read); a disclosed poll, as many selections as
/// answers, the answers' ids the dates' numbers.
fn poll_event(action: &Action) -> Result<Option<(&str, &str, serde_json::Value)>, SendError> {
    use matrix_sdk::ruma::events::message::TextContentBlock;
    use matrix_sdk::ruma::events::poll::start::{
        PollAnswer, PollAnswers, PollContentBlock, PollKind, PollStartEventContent,
    };
    use matrix_sdk::ruma::events::poll::unstable_end::UnstablePollEndEventContent;
    use matrix_sdk::ruma::events::poll::unstable_start::{
        NewUnstablePollStartEventContent, UnstablePollAnswer, UnstablePollAnswers,
        UnstablePollStartContentBlock,
    };
    let json = |v: Result<serde_json::Value, serde_json::Error>| {
        v.map_err(|e| SendError::permanent(format!("cannot write the poll event: {e}")))
    };
    match action {
        Action::PostPoll {
            room,
            question,
            answers,
            text,
            ..
        } => {
            let bad = |e: &dyn std::fmt::Display| SendError::permanent(format!("a poll: {e}"));
            let max = UInt::try_from(answers.len()).map_err(|e| bad(&e))?;
            let ids = (1..=answers.len()).map(|n| n.to_string());
            let unstable: Vec<UnstablePollAnswer> = ids
                .clone()
                .zip(answers)
                .map(|(id, a)| UnstablePollAnswer::new(id, a.clone()))
                .collect();
            let mut block = UnstablePollStartContentBlock::new(
                question.clone(),
                UnstablePollAnswers::try_from(unstable).map_err(|e| bad(&e))?,
            );
            block.kind = PollKind::Disclosed;
            block.max_selections = max;
            let mut content = json(serde_json::to_value(
                NewUnstablePollStartEventContent::plain_text(text.clone(), block),
            ))?;
            let stable: Vec<PollAnswer> = ids
                .zip(answers)
                .map(|(id, a)| PollAnswer::new(id, TextContentBlock::plain(a.clone())))
                .collect();
            let mut poll = PollContentBlock::new(
                TextContentBlock::plain(question.clone()),
                PollAnswers::try_from(stable).map_err(|e| bad(&e))?,
            );
            poll.kind = PollKind::Disclosed;
            poll.max_selections = max;
            let stable = json(serde_json::to_value(
                PollStartEventContent::with_plain_text(text.clone(), poll),
            ))?;
            merge(&mut content, stable);
            Ok(Some((room, "org.matrix.msc3381.poll.start", content)))
        }
        Action::EndPoll { room, start, text } => {
            let start = EventId::parse(start)
                .map_err(|e| SendError::permanent(format!("invalid event id {start:?}: {e}")))?;
            let mut content = json(serde_json::to_value(UnstablePollEndEventContent::new(
                text.clone(),
                start,
            )))?;
            merge(
                &mut content,
                serde_json::json!({ "m.text": [{ "body": text }] }),
            );
            Ok(Some((room, "org.matrix.msc3381.poll.end", content)))
        }
        _ => Ok(None),
    }
}

/// `extra`'s fields added to `content`'s (those it has already stay).
fn merge(content: &mut serde_json::Value, extra: serde_json::Value) {
    if let (Some(to), serde_json::Value::Object(from)) = (content.as_object_mut(), extra) {
        for (k, v) in from {
            to.entry(k).or_insert(v);
        }
    }
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
    fn a_poll_is_written_for_both_kinds_of_clients() {
        let post = Action::PostPoll {
            room: "!r".into(),
            poll: 3,
            question: "« Rencontre » : quelles dates vous conviennent ?".into(),
            answers: vec![
                "mardi 15 décembre 2026".into(),
                "jeudi 17 décembre 2026".into(),
            ],
            text: "Sondage n°3".into(),
        };
        let (room, kind, c) = poll_event(&post).expect("written").expect("a poll");
        assert_eq!((room, kind), ("!r", "org.matrix.msc3381.poll.start"));
        let unstable = &c["org.matrix.msc3381.poll.start"];
        assert_eq!(unstable["kind"], "org.matrix.msc3381.poll.disclosed", "{c}");
        assert_eq!(unstable["max_selections"], 2, "{c}");
        assert_eq!(unstable["answers"][1]["id"], "2", "{c}");
        assert_eq!(
            unstable["answers"][1]["org.matrix.msc1767.text"], "jeudi 17 décembre 2026",
            "{c}"
        );
        assert_eq!(c["org.matrix.msc1767.text"], "Sondage n°3", "{c}");
        assert_eq!(c["m.poll"]["kind"], "m.disclosed", "{c}");
        assert_eq!(c["m.poll"]["answers"][0]["m.id"], "1", "{c}");
        assert_eq!(c["m.text"][0]["body"], "Sondage n°3", "{c}");

        let end = Action::EndPoll {
            room: "!r".into(),
            start: "$start".into(),
            text: "Sondage clos".into(),
        };
        let (_, kind, c) = poll_event(&end).expect("written").expect("an end");
        assert_eq!(kind, "org.matrix.msc3381.poll.end");
        assert_eq!(c["m.relates_to"]["event_id"], "$start", "{c}");
        assert_eq!(c["m.relates_to"]["rel_type"], "m.reference", "{c}");
        assert_eq!(c["org.matrix.msc1767.text"], "Sondage clos", "{c}");
        assert_eq!(c["m.text"][0]["body"], "Sondage clos", "{c}");
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
