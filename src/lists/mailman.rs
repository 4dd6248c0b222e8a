//! Mailman 3 core's REST API (version 3.1), as the lists adapter uses it:
//! make a list (taken as it is when it exists: a list's address is its
//! identity, so a second delivery after a crash makes no second list),
//! let the bot post to it, subscribe and unsubscribe addresses, give and
//! take its owner role (nothing when already done), and read its
//! subscribers and owners.
//!
//! Calls that worked against the real Mailman are in docs/architecture.md
//! ("Lists"): `POST /3.1/lists`, `PATCH /3.1/lists/<id>/config`, `POST
//! /3.1/members`, `POST /3.1/members/find`, `DELETE /3.1/members/<id>`,
//! `GET /3.1/lists/<id>/roster/member` (and `roster/owner`).
//!
//! No address ever goes into a URL: members are found by a search whose
//! criteria travel in the body, then removed by the id Mailman gave them.
//! What does go into a path (a list's id) goes through [`path`], which
//! percent-encodes each segment as one segment and refuses a segment that
//! a server could read as more than one (`/`, `..`). A linked address once
//! carried `../../<another list>` into the path and made greffier delete
//! that list with the REST admin's credentials (issue 34).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::outbox::SendError;

pub struct Mailman {
    http: reqwest::Client,
    base: String,
    user: String,
    password: String,
    domain: String,
    /// The bot's own address: allowed to post to the lists it makes.
    poster: Option<String>,
}

/// A list's id in Mailman: `urba@lists.example.test` is
/// `urba.lists.example.test`.
pub fn list_id(list: &str) -> String {
    list.replacen('@', ".", 1).to_lowercase()
}

/// A path of Mailman's API made of `segments`, each percent-encoded as one
/// segment (every byte but RFC 3986's unreserved ones: `%` is written
/// `%25`, so that nothing in a segment is decoded into a dot segment). A
/// segment that is empty, `.` or `..`, or holds a `/`, a backslash or a control
/// character is refused: a WSGI server decodes `%2F` into `/` before it
/// routes, so no encoding keeps such a segment whole.
pub fn path(segments: &[&str]) -> Result<String, SendError> {
    let mut out = String::new();
    for segment in segments {
        if segment.is_empty()
            || *segment == "."
            || *segment == ".."
            || segment
                .chars()
                .any(|c| c == '/' || c == '\\' || c.is_control())
        {
            return Err(SendError::permanent(format!(
                "Mailman: refused to put {segment:?} in a path"
            )));
        }
        out.push('/');
        for byte in segment.bytes() {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
                out.push(char::from(byte));
            } else {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    Ok(out)
}

impl Mailman {
    pub fn new(
        url: &str,
        user: &str,
        password: &str,
        domain: &str,
        poster: Option<String>,
    ) -> anyhow::Result<Mailman> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Mailman {
            http,
            base: format!("{}/3.1", url.trim_end_matches('/')),
            user: user.to_string(),
            password: password.to_string(),
            domain: domain.to_lowercase(),
            poster,
        })
    }

    /// One call; the status and the JSON answer (`Null` when empty).
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(StatusCode, Value), SendError> {
        let url = format!("{}{path}", self.base);
        let mut request = self
            .http
            .request(method.clone(), &url)
            .basic_auth(&self.user, Some(&self.password));
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        let response = request
            .send()
            .await
            .map_err(|e| SendError::transient(format!("Mailman {method} {path}: {e}")))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| SendError::transient(format!("Mailman {method} {path}: {e}")))?;
        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok((status, value))
    }

    /// A failure to report: 4xx are permanent (but 408 and 429), the rest
    /// is tried again.
    fn failed(what: &str, status: StatusCode, answer: &Value) -> SendError {
        let message = format!("Mailman: {what}: HTTP {status} {answer}");
        let code = status.as_u16();
        if (400..500).contains(&code) && code != 408 && code != 429 {
            SendError::permanent(message)
        } else {
            SendError::transient(message)
        }
    }

    /// Whether the REST API answers with these credentials: its version
    /// (`check-config --online`).
    pub async fn ping(&self) -> Result<String, SendError> {
        let (status, answer) = self.call(Method::GET, "/system/versions", None).await?;
        if !status.is_success() {
            return Err(Self::failed("GET /system/versions", status, &answer));
        }
        Ok(format!(
            "{}, API {}",
            answer["mailman_version"].as_str().unwrap_or("?"),
            answer["api_version"].as_str().unwrap_or("?")
        ))
    }

    /// Makes `list` (an existing one is kept) described by `subject`, lets
    /// the bot post to it, and has Mailman send no welcome or goodbye of
    /// its own (in English): the bot tells people in the group's words.
    pub async fn create(&self, list: &str, subject: &str) -> Result<(), SendError> {
        let (status, answer) = self
            .call(
                Method::POST,
                "/lists",
                Some(json!({ "fqdn_listname": list })),
            )
            .await?;
        let exists = status == StatusCode::BAD_REQUEST
            && answer.to_string().to_lowercase().contains("exists");
        if !status.is_success() && !exists {
            return Err(Self::failed(&format!("make {list}"), status, &answer));
        }
        let mut config = json!({
            "send_welcome_message": false,
            "send_goodbye_message": false,
        });
        if let Some(poster) = &self.poster {
            config["accept_these_nonmembers"] = json!([poster]);
        }
        if !subject.is_empty() {
            config["description"] = json!(subject);
        }
        let path = path(&["lists", &list_id(list), "config"])?;
        let (status, answer) = self.call(Method::PATCH, &path, Some(config)).await?;
        if !status.is_success() {
            return Err(Self::failed(&format!("configure {list}"), status, &answer));
        }
        Ok(())
    }

    pub async fn subscribe(&self, list: &str, address: &str) -> Result<(), SendError> {
        let member = json!({
            "list_id": list_id(list),
            "subscriber": address,
            "pre_verified": true,
            "pre_confirmed": true,
            "pre_approved": true,
        });
        self.add_member(member, &format!("subscribe {address} to {list}"))
            .await
    }

    /// One membership made by `POST /members` (`member` its body); one
    /// there already is nothing to do (409 for a subscriber, 400 "… is
    /// already an owner of …" for an owner).
    async fn add_member(&self, member: Value, what: &str) -> Result<(), SendError> {
        let (status, answer) = self.call(Method::POST, "/members", Some(member)).await?;
        let already = status == StatusCode::CONFLICT
            || (status == StatusCode::BAD_REQUEST
                && answer.to_string().to_lowercase().contains("already"));
        if status.is_success() || already {
            return Ok(());
        }
        Err(Self::failed(what, status, &answer))
    }

    /// `address` off `list`: nothing when it is not subscribed.
    pub async fn unsubscribe(&self, list: &str, address: &str) -> Result<(), SendError> {
        let criteria = json!({ "list_id": list_id(list), "subscriber": address, "role": "member" });
        self.remove_found(criteria, &format!("unsubscribe {address} from {list}"))
            .await
    }

    /// `address` made an owner of `list` (Mailman's owner role: the list's
    /// administrator in Postorius, who gets its owner mail and moderates);
    /// nothing when it is one already.
    pub async fn add_owner(&self, list: &str, address: &str) -> Result<(), SendError> {
        let member = json!({ "list_id": list_id(list), "subscriber": address, "role": "owner" });
        self.add_member(member, &format!("make {address} an owner of {list}"))
            .await
    }

    /// `address` no longer an owner of `list`: nothing when it is not one.
    pub async fn remove_owner(&self, list: &str, address: &str) -> Result<(), SendError> {
        let criteria = json!({ "list_id": list_id(list), "subscriber": address, "role": "owner" });
        self.remove_found(criteria, &format!("take {address} off {list}'s owners"))
            .await
    }

    /// `address` off every list of the domain, whatever its role there.
    pub async fn unsubscribe_everywhere(&self, address: &str) -> Result<(), SendError> {
        let criteria = json!({ "subscriber": address });
        self.remove_found(criteria, &format!("unsubscribe {address}"))
            .await
    }

    /// Removes the memberships `POST /members/find` finds for `criteria`,
    /// on lists of the domain only, by the member ids Mailman gives.
    async fn remove_found(&self, criteria: Value, what: &str) -> Result<(), SendError> {
        let (status, answer) = self
            .call(Method::POST, "/members/find", Some(criteria))
            .await?;
        if !status.is_success() {
            return Err(Self::failed(what, status, &answer));
        }
        let suffix = format!(".{}", self.domain);
        for entry in answer["entries"].as_array().into_iter().flatten() {
            let Some(list) = entry["list_id"].as_str() else {
                continue;
            };
            if !list.ends_with(&suffix) {
                continue;
            }
            let id = match &entry["member_id"] {
                Value::String(id) => id.clone(),
                Value::Number(id) => id.to_string(),
                _ => continue,
            };
            let (status, answer) = self
                .call(Method::DELETE, &path(&["members", &id])?, None)
                .await?;
            // 404: removed meanwhile.
            if !status.is_success() && status != StatusCode::NOT_FOUND {
                return Err(Self::failed(what, status, &answer));
            }
        }
        Ok(())
    }

    /// The addresses subscribed to `list`, lower case, sorted.
    pub async fn subscribers(&self, list: &str) -> Result<Vec<String>, SendError> {
        self.roster(list, "member").await
    }

    /// The owners of `list`, lower case, sorted.
    pub async fn owners(&self, list: &str) -> Result<Vec<String>, SendError> {
        self.roster(list, "owner").await
    }

    /// The addresses of one role on `list`, lower case, sorted.
    async fn roster(&self, list: &str, role: &str) -> Result<Vec<String>, SendError> {
        let path = path(&["lists", &list_id(list), "roster", role])?;
        let (status, answer) = self.call(Method::GET, &path, None).await?;
        if !status.is_success() {
            return Err(Self::failed(&format!("read {list}"), status, &answer));
        }
        let mut out: Vec<String> = answer["entries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["email"].as_str())
            .map(str::to_lowercase)
            .collect();
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lists_id_is_its_address_with_a_dot() {
        assert_eq!(
            list_id("Urba@Lists.Example.test"),
            "urba.lists.example.test"
        );
    }

    /// Each segment stays one segment whatever it holds; what a server
    /// could split or climb with is refused (issue 34, case 1).
    #[test]
    fn a_path_segment_is_one_segment_or_refused() {
        assert_eq!(
            path(&["lists", "urba.lists.example.test", "config"]).expect("a path"),
            "/lists/urba.lists.example.test/config"
        );
        assert_eq!(
            path(&["members", "a%2e%2e@x#y?z é"]).expect("a path"),
            "/members/a%252e%252e%40x%23y%3Fz%20%C3%A9"
        );
        for bad in ["", ".", "..", "a/b", "..\\x", "a\nb"] {
            assert!(path(&["members", bad]).is_err(), "{bad:?}");
        }
        // What the red team linked, taken as a list's id, cannot leave its
        // segment.
        let linked = "%2e%2e/%2e%2e/victime.lists.example.test#@attacker.org";
        assert!(path(&["lists", &list_id(linked), "config"]).is_err());
    }
}
