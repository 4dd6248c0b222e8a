//! Which room events are commands for the bot, and their text. Pure
//! functions over the event JSON, so that the rules are tested without a
//! homeserver: the bot ignores its own messages, `m.notice` (other bots),
//! edits, and anything that is not text; the quoted fallback of a reply is
//! not part of the command.

use serde_json::Value;

#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// A text message typed by someone else: maybe a command.
    Message {
        event_id: String,
        sender: String,
        body: String,
    },
    /// The bot's own arrival in the room: what came before is history.
    OwnJoin,
    /// An emoji on an event (`m.annotation`).
    Reaction {
        event_id: String,
        sender: String,
        target: String,
        key: String,
    },
    /// A click on a native poll (`org.matrix.msc3381.poll.response` or
    /// `m.poll.response`): the answers' ids it selects (none: withdrawn).
    PollResponse {
        event_id: String,
        sender: String,
        start: String,
        answers: Vec<String>,
    },
    /// An event withdrawn: a reaction taken back, say.
    Redaction {
        event_id: String,
        sender: String,
        redacts: String,
    },
    /// An encrypted event the bot could not decrypt.
    Undecryptable { event_id: String },
    /// Everything else: own messages, notices, edits, state, reactions.
    Other,
}

impl Event {
    /// Who sent it, for the events the bot acts on.
    pub fn sender(&self) -> Option<&str> {
        match self {
            Event::Message { sender, .. }
            | Event::Reaction { sender, .. }
            | Event::PollResponse { sender, .. }
            | Event::Redaction { sender, .. } => Some(sender),
            _ => None,
        }
    }
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k))?.as_str()
}

pub fn classify(ev: &Value, own: &str) -> Event {
    let kind = str_at(ev, &["type"]).unwrap_or_default();
    let sender = str_at(ev, &["sender"]).unwrap_or_default();
    let event_id = str_at(ev, &["event_id"]).unwrap_or_default();
    match kind {
        "m.room.member" => {
            let joined = str_at(ev, &["content", "membership"]) == Some("join");
            let before = str_at(ev, &["unsigned", "prev_content", "membership"])
                .or_else(|| str_at(ev, &["prev_content", "membership"]));
            if str_at(ev, &["state_key"]) == Some(own) && joined && before != Some("join") {
                Event::OwnJoin
            } else {
                Event::Other
            }
        }
        "m.reaction" if sender != own && !event_id.is_empty() => {
            let rel = &ev["content"]["m.relates_to"];
            match (
                str_at(rel, &["rel_type"]),
                str_at(rel, &["event_id"]),
                str_at(rel, &["key"]),
            ) {
                (Some("m.annotation"), Some(target), Some(key)) => Event::Reaction {
                    event_id: event_id.to_string(),
                    sender: sender.to_string(),
                    target: target.to_string(),
                    key: key.to_string(),
                },
                _ => Event::Other,
            }
        }
        "org.matrix.msc3381.poll.response" | "m.poll.response"
            if sender != own && !event_id.is_empty() =>
        {
            let content = &ev["content"];
            let start = str_at(content, &["m.relates_to", "event_id"]);
            let answers = content
                .get("org.matrix.msc3381.poll.response")
                .and_then(|r| r.get("answers"))
                .or_else(|| content.get("m.selections"))
                .and_then(Value::as_array);
            match (start, answers) {
                (Some(start), Some(answers)) => Event::PollResponse {
                    event_id: event_id.to_string(),
                    sender: sender.to_string(),
                    start: start.to_string(),
                    answers: answers
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
                },
                _ => Event::Other,
            }
        }
        "m.room.redaction" if sender != own && !event_id.is_empty() => {
            // Top-level before room version 11, in the content since.
            match str_at(ev, &["redacts"]).or_else(|| str_at(ev, &["content", "redacts"])) {
                Some(redacts) => Event::Redaction {
                    event_id: event_id.to_string(),
                    sender: sender.to_string(),
                    redacts: redacts.to_string(),
                },
                None => Event::Other,
            }
        }
        "m.room.encrypted" if sender != own => Event::Undecryptable {
            event_id: event_id.to_string(),
        },
        "m.room.message" if sender != own && !event_id.is_empty() => {
            let content = &ev["content"];
            let is_edit = str_at(content, &["m.relates_to", "rel_type"]) == Some("m.replace")
                || content.get("m.new_content").is_some();
            match (str_at(content, &["msgtype"]), str_at(content, &["body"])) {
                (Some("m.text"), Some(body)) if !is_edit => {
                    let is_reply = content
                        .get("m.relates_to")
                        .and_then(|r| r.get("m.in_reply_to"))
                        .is_some();
                    Event::Message {
                        event_id: event_id.to_string(),
                        sender: sender.to_string(),
                        body: if is_reply {
                            strip_reply_fallback(body).to_string()
                        } else {
                            body.to_string()
                        },
                    }
                }
                _ => Event::Other,
            }
        }
        _ => Event::Other,
    }
}

/// A reply's body may start with the quoted message ("> <@a:b> text"
/// lines, then an empty line); the command is what follows.
pub fn strip_reply_fallback(body: &str) -> &str {
    if !body.starts_with("> ") {
        return body;
    }
    let mut rest = body;
    while rest.starts_with('>') {
        match rest.find('\n') {
            Some(i) => rest = &rest[i + 1..],
            None => return "",
        }
    }
    rest.strip_prefix('\n').unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BOT: &str = "@greffier:example.test";

    fn message(sender: &str, content: Value) -> Value {
        json!({"type": "m.room.message", "sender": sender, "event_id": "$e1", "content": content})
    }

    #[test]
    fn text_messages_of_others_are_candidates() {
        let ev = message(
            "@alice:example.test",
            json!({"msgtype": "m.text", "body": "!groupe liste"}),
        );
        assert_eq!(
            classify(&ev, BOT),
            Event::Message {
                event_id: "$e1".into(),
                sender: "@alice:example.test".into(),
                body: "!groupe liste".into()
            }
        );
    }

    #[test]
    fn own_messages_notices_edits_and_others_are_ignored() {
        let cases = [
            message(BOT, json!({"msgtype": "m.text", "body": "!aide"})),
            message(
                "@otherbot:example.test",
                json!({"msgtype": "m.notice", "body": "!aide"}),
            ),
            message(
                "@alice:example.test",
                json!({"msgtype": "m.emote", "body": "!aide"}),
            ),
            message(
                "@alice:example.test",
                json!({"msgtype": "m.text", "body": "* !aide",
                       "m.new_content": {"msgtype": "m.text", "body": "!aide"},
                       "m.relates_to": {"rel_type": "m.replace", "event_id": "$e0"}}),
            ),
            json!({"type": "m.room.member", "sender": "@alice:example.test", "event_id": "$m",
                   "state_key": "@alice:example.test", "content": {"membership": "join"}}),
        ];
        for ev in cases {
            assert_eq!(classify(&ev, BOT), Event::Other, "{ev}");
        }
    }

    #[test]
    fn own_join_is_recognised_but_not_a_profile_change() {
        let join = json!({"type": "m.room.member", "sender": BOT, "event_id": "$j",
                          "state_key": BOT, "content": {"membership": "join"},
                          "unsigned": {"prev_content": {"membership": "invite"}}});
        assert_eq!(classify(&join, BOT), Event::OwnJoin);
        let rename = json!({"type": "m.room.member", "sender": BOT, "event_id": "$j",
                            "state_key": BOT, "content": {"membership": "join", "displayname": "G"},
                            "unsigned": {"prev_content": {"membership": "join"}}});
        assert_eq!(classify(&rename, BOT), Event::Other);
    }

    #[test]
    fn reactions_and_their_withdrawal() {
        let ev = json!({"type": "m.reaction", "sender": "@alice:example.test", "event_id": "$r",
                        "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$e0", "key": "✅"}}});
        assert_eq!(
            classify(&ev, BOT),
            Event::Reaction {
                event_id: "$r".into(),
                sender: "@alice:example.test".into(),
                target: "$e0".into(),
                key: "✅".into()
            }
        );
        for ev in [
            json!({"type": "m.room.redaction", "sender": "@alice:example.test", "event_id": "$x", "redacts": "$r", "content": {}}),
            json!({"type": "m.room.redaction", "sender": "@alice:example.test", "event_id": "$x", "content": {"redacts": "$r"}}),
        ] {
            assert_eq!(
                classify(&ev, BOT),
                Event::Redaction {
                    event_id: "$x".into(),
                    sender: "@alice:example.test".into(),
                    redacts: "$r".into()
                }
            );
        }
    }

    #[test]
    fn poll_responses_unstable_and_stable() {
        let reference = json!({"rel_type": "m.reference", "event_id": "$poll"});
        let cases = [
            json!({"type": "org.matrix.msc3381.poll.response", "sender": "@alice:example.test",
                   "event_id": "$v", "content": {"m.relates_to": reference,
                   "org.matrix.msc3381.poll.response": {"answers": ["1", "3"]}}}),
            json!({"type": "m.poll.response", "sender": "@alice:example.test",
                   "event_id": "$v", "content": {"m.relates_to": reference,
                   "m.selections": ["1", "3"]}}),
        ];
        for ev in cases {
            assert_eq!(
                classify(&ev, BOT),
                Event::PollResponse {
                    event_id: "$v".into(),
                    sender: "@alice:example.test".into(),
                    start: "$poll".into(),
                    answers: vec!["1".into(), "3".into()]
                },
                "{ev}"
            );
        }
        let withdrawn = json!({"type": "org.matrix.msc3381.poll.response", "sender": "@alice:example.test",
                   "event_id": "$w", "content": {"m.relates_to": reference,
                   "org.matrix.msc3381.poll.response": {"answers": []}}});
        assert!(
            matches!(classify(&withdrawn, BOT), Event::PollResponse { answers, .. } if answers.is_empty())
        );
        let own = json!({"type": "m.poll.response", "sender": BOT, "event_id": "$o",
                   "content": {"m.relates_to": reference, "m.selections": ["1"]}});
        assert_eq!(classify(&own, BOT), Event::Other);
    }

    #[test]
    fn undecryptable_events_are_reported() {
        let ev = json!({"type": "m.room.encrypted", "sender": "@alice:example.test",
                        "event_id": "$x", "content": {"algorithm": "m.megolm.v1.aes-sha2"}});
        assert_eq!(
            classify(&ev, BOT),
            Event::Undecryptable {
                event_id: "$x".into()
            }
        );
    }

    #[test]
    fn reply_fallback_is_stripped() {
        let ev = message(
            "@alice:example.test",
            json!({"msgtype": "m.text",
                   "body": "> <@bob:example.test> on se voit quand ?\n> suite\n\n!reunion liste",
                   "m.relates_to": {"m.in_reply_to": {"event_id": "$e0"}}}),
        );
        let Event::Message { body, .. } = classify(&ev, BOT) else {
            panic!("a message");
        };
        assert_eq!(body, "!reunion liste");
        assert_eq!(strip_reply_fallback("!aide"), "!aide");
        assert_eq!(strip_reply_fallback("> only a quote"), "");
        assert_eq!(strip_reply_fallback("> a\n!aide"), "!aide");
    }
}
