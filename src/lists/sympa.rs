//! Sympa 6.2's SOAP interface, as the lists adapter uses it: greffier is a
//! trusted application of the Sympa server (`trusted_applications.conf`),
//! and every call is `authenticateRemoteAppAndRun` with the application's
//! name and password, `USER_EMAIL=<the bot's address>`, the service and
//! its parameters. Sympa then acts as if the bot had asked: the bot makes
//! the list (Sympa's `create_list` scenario lets the application do it),
//! so it is the list's owner, which lets it subscribe and unsubscribe
//! (Sympa's `add.owner`, `del.owner`) and post to the list (an owner
//! moderates a list without editors).
//!
//! Sympa's SOAP interface has no call for a list's owners: `createList`
//! makes the asker its one owner. So a group's list includes its other
//! owners (Sympa's `owner_include`) from a second list greffier makes
//! beside it, `<group>-responsables`, whose members it keeps: the lead
//! organisation's confirmed members. The `greffier` template (contrib/
//! sympa/) says so; Sympa takes the owners in when its task manager
//! synchronises the list (at once for a new list, then every `ttl`).
//!
//! Why SOAP and not Sympa's command line: docs/architecture.md ("Lists").
//! The calls, as they worked against Debian 12's Sympa 6.2.70:
//! `createList(list, subject, template, description, topics)`, `info`,
//! `add(list, address, gecos, quiet)`, `del(list, address, quiet)`,
//! `review(list)`, `which` (as the address whose lists are wanted),
//! `lists`.
//!
//! Every call is made again once Sympa answers it with a fault that a
//! second look shows to be "already so" (the list exists, the address is
//! subscribed or is not): Sympa's faults are sentences in its own
//! language (`lang` in sympa.conf), never codes, so greffier reads the
//! state back instead of the sentence.

use std::time::Duration;

use base64::Engine as _;
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::outbox::SendError;

/// The list server's Sympa.
pub struct Sympa {
    http: reqwest::Client,
    url: String,
    app: String,
    password: String,
    domain: String,
    /// The address the bot acts as: its own (`[mail] address`).
    acting_as: String,
    /// Sympa's `create_list` template of a group's list (`greffier`).
    template: String,
    /// The template of the list of its owners (`greffier_responsables`).
    owners_template: String,
    /// The topics a new list is filed under (Sympa requires one).
    topics: String,
}

/// What one call answered: the leaf values, by element name, in order.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub values: Vec<(String, String)>,
}

impl Answer {
    /// The texts of the `item` elements (a list of strings).
    pub fn items(&self) -> Vec<&str> {
        self.values
            .iter()
            .filter(|(name, _)| name == "item")
            .map(|(_, text)| text.as_str())
            .collect()
    }
}

/// A SOAP fault: Sympa's `faultstring` and `detail`.
#[derive(Debug, PartialEq, Eq)]
pub struct Fault {
    pub string: String,
    pub detail: String,
}

/// Escapes `text` for an XML element's content.
fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// The body of one `authenticateRemoteAppAndRun` call.
pub fn envelope(app: &str, password: &str, user: &str, service: &str, params: &[&str]) -> String {
    let items: String = params
        .iter()
        .map(|p| format!("<item xsi:type=\"xsd:string\">{}</item>", escape(p)))
        .collect();
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"",
            " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
            " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"",
            " xmlns:enc=\"http://schemas.xmlsoap.org/soap/encoding/\"",
            " s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">",
            "<s:Body><m:authenticateRemoteAppAndRun xmlns:m=\"urn:sympasoap\">",
            "<appname xsi:type=\"xsd:string\">{app}</appname>",
            "<apppassword xsi:type=\"xsd:string\">{password}</apppassword>",
            "<vars xsi:type=\"xsd:string\">USER_EMAIL={user}</vars>",
            "<service xsi:type=\"xsd:string\">{service}</service>",
            "<parameters xsi:type=\"enc:Array\" enc:arrayType=\"xsd:string[{n}]\">{items}</parameters>",
            "</m:authenticateRemoteAppAndRun></s:Body></s:Envelope>"
        ),
        app = escape(app),
        password = escape(password),
        user = escape(user),
        service = escape(service),
        n = params.len(),
        items = items,
    )
}

/// Reads a SOAP answer: its leaf values, or its fault. A `base64Binary`
/// leaf (Sympa sends its non-ASCII sentences so) is decoded.
pub fn read(xml: &str) -> Result<Result<Answer, Fault>, String> {
    let mut reader = Reader::from_str(xml);
    // The open elements: local name, whether base64, the text so far.
    let mut open: Vec<(String, bool, String)> = Vec::new();
    let mut answer = Answer::default();
    let mut fault: Option<Fault> = None;
    loop {
        match reader.read_event() {
            Err(e) => return Err(format!("not XML: {e}")),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let name = e.local_name().as_ref().to_string();
                let base64 = e.attributes().flatten().any(|a| {
                    a.key.local_name().as_ref() == "type"
                        && a.value.as_ref().ends_with("base64Binary")
                });
                if name == "Fault" {
                    fault = Some(Fault {
                        string: String::new(),
                        detail: String::new(),
                    });
                }
                open.push((name, base64, String::new()));
            }
            Ok(Event::Text(t)) => {
                if let Some(top) = open.last_mut() {
                    top.2.push_str(&t);
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(top) = open.last_mut() {
                    top.2.push_str(&t);
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => match r.as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => format!("&{other};"),
                    },
                };
                if let Some(top) = open.last_mut() {
                    top.2.push_str(&resolved);
                }
            }
            Ok(Event::End(_)) => {
                let Some((name, base64, text)) = open.pop() else {
                    continue;
                };
                let text = if base64 {
                    base64::engine::general_purpose::STANDARD
                        .decode(text.trim())
                        .map(|b| String::from_utf8_lossy(&b).to_string())
                        .unwrap_or(text)
                } else {
                    text
                };
                match (&mut fault, name.as_str()) {
                    (Some(f), "faultstring") => f.string = text,
                    (Some(f), "detail") => f.detail = text,
                    (Some(_), _) => {}
                    (None, _) => {
                        if !text.trim().is_empty() {
                            answer.values.push((name, text));
                        }
                    }
                }
            }
            Ok(_) => {}
        }
    }
    Ok(match fault {
        Some(f) => Err(f),
        None => Ok(answer),
    })
}

impl Sympa {
    /// The Sympa `[lists]` names, with the trusted application's
    /// password, acting as the bot's address.
    pub fn new(cfg: &super::Settings, password: &str, acting_as: &str) -> anyhow::Result<Sympa> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()?;
        Ok(Sympa {
            http,
            url: cfg.url.clone(),
            app: cfg.user.clone(),
            password: password.to_string(),
            domain: cfg.domain.to_lowercase(),
            acting_as: acting_as.to_string(),
            template: cfg.template.clone(),
            owners_template: cfg.owners_template.clone(),
            topics: cfg.topics.clone(),
        })
    }

    /// One service, as `user`: the answer, or Sympa's fault. A failure to
    /// reach Sympa, or an answer that is not SOAP, is tried again later.
    async fn call_as(
        &self,
        user: &str,
        service: &str,
        params: &[&str],
    ) -> Result<Result<Answer, Fault>, SendError> {
        let what = format!("Sympa {service}");
        // `vars` is split at commas, then at "=": an address holding one
        // would set more than USER_EMAIL.
        if user.is_empty() || user.contains([',', '=']) {
            return Err(SendError::permanent(format!(
                "{what}: refused to act as {user:?}"
            )));
        }
        let body = envelope(&self.app, &self.password, user, service, params);
        let response = self
            .http
            .post(&self.url)
            .header("Content-Type", "text/xml; charset=utf-8")
            .header(
                "SOAPAction",
                "\"urn:sympasoap#authenticateRemoteAppAndRun\"",
            )
            .body(body)
            .send()
            .await
            .map_err(|e| SendError::transient(format!("{what}: {e}")))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| SendError::transient(format!("{what}: {e}")))?;
        match read(&text) {
            Ok(answer) => Ok(answer),
            Err(e) => Err(SendError::transient(format!(
                "{what}: HTTP {status}, {e}: {}",
                text.chars().take(200).collect::<String>()
            ))),
        }
    }

    async fn call(
        &self,
        service: &str,
        params: &[&str],
    ) -> Result<Result<Answer, Fault>, SendError> {
        self.call_as(&self.acting_as, service, params).await
    }

    /// A fault that stays a fault: the credentials, the rights, the list.
    fn failed(what: &str, fault: &Fault) -> SendError {
        let message = format!("Sympa: {what}: {} ({})", fault.string, fault.detail);
        if fault.string.contains("Internal error") {
            SendError::transient(message)
        } else {
            SendError::permanent(message)
        }
    }

    /// The list's name at Sympa: its address's local part, for a list of
    /// the domain; `None` for any other address.
    fn name<'a>(&self, list: &'a str) -> Option<&'a str> {
        let (name, domain) = list.rsplit_once('@')?;
        (domain.eq_ignore_ascii_case(&self.domain) && !name.is_empty()).then_some(name)
    }

    fn own_name<'a>(&self, list: &'a str) -> Result<&'a str, SendError> {
        self.name(list).ok_or_else(|| {
            SendError::permanent(format!("Sympa: {list} is not a list of {}", self.domain))
        })
    }

    /// Whether the credentials are taken: the number of lists Sympa shows
    /// the bot (`check-config --online`).
    pub async fn ping(&self) -> Result<usize, SendError> {
        match self.call("lists", &[]).await? {
            Ok(answer) => Ok(answer.items().len()),
            Err(fault) => Err(Self::failed("lists", &fault)),
        }
    }

    /// Whether `name` is a list Sympa knows.
    async fn exists(&self, name: &str) -> Result<bool, SendError> {
        Ok(self.call("info", &[name]).await?.is_ok())
    }

    /// Makes `list` (an existing one is kept) with `subject`, filed under
    /// the configured topics, from the configured template; the bot, who
    /// asks, is its owner. The list of its other owners is made first, so
    /// that it is there when Sympa first reads it.
    pub async fn create(&self, list: &str, subject: &str) -> Result<(), SendError> {
        let owners = self.owners_list(list)?;
        let about = format!("Responsables : {subject}");
        self.make(&owners, &about, &self.owners_template).await?;
        self.make(list, subject, &self.template).await
    }

    /// One list made from `template` (an existing one is kept).
    async fn make(&self, list: &str, subject: &str, template: &str) -> Result<(), SendError> {
        let name = self.own_name(list)?;
        let description = format!("{subject} (greffier)");
        let answer = self
            .call(
                "createList",
                &[name, subject, template, &description, &self.topics],
            )
            .await?;
        match answer {
            Ok(_) => Ok(()),
            Err(fault) if self.exists(name).await? => {
                tracing::debug!(%list, fault = %fault.detail, "the list exists already");
                Ok(())
            }
            Err(fault) => Err(Self::failed(&format!("make {list}"), &fault)),
        }
    }

    /// The list `list`'s owners are included from: `<name>-responsables`.
    fn owners_list(&self, list: &str) -> Result<String, SendError> {
        let name = self.own_name(list)?;
        Ok(format!("{name}-responsables@{}", self.domain))
    }

    /// `address` one of `list`'s owners: a member of its list of owners
    /// (made then, for a list an older greffier made without one).
    pub async fn add_owner(&self, list: &str, address: &str) -> Result<(), SendError> {
        let owners = self.owners_list(list)?;
        match self.subscribe(&owners, address).await {
            Err(e) if !self.exists(self.own_name(&owners)?).await? => {
                tracing::debug!(%list, error = %e.message, "no list of owners yet: made");
                let subject = self.subject(list).await?;
                let about = format!("Responsables : {subject}");
                self.make(&owners, &about, &self.owners_template).await?;
                self.subscribe(&owners, address).await
            }
            done => done,
        }
    }

    /// `address` no longer one of `list`'s owners.
    pub async fn remove_owner(&self, list: &str, address: &str) -> Result<(), SendError> {
        self.unsubscribe(&self.owners_list(list)?, address).await
    }

    /// The owners greffier gave `list`: the members of its list of owners
    /// (none without one).
    pub async fn owners(&self, list: &str) -> Result<Vec<String>, SendError> {
        let owners = self.owners_list(list)?;
        match self.subscribers(&owners).await {
            Err(_) if !self.exists(self.own_name(&owners)?).await? => Ok(Vec::new()),
            read => read,
        }
    }

    /// `list`'s subject, as Sympa's `info` gives it (its name if none).
    async fn subject(&self, list: &str) -> Result<String, SendError> {
        let name = self.own_name(list)?;
        Ok(match self.call("info", &[name]).await? {
            Ok(answer) => answer
                .values
                .iter()
                .find(|(key, _)| key == "subject")
                .map(|(_, subject)| subject.clone())
                .unwrap_or_else(|| name.to_string()),
            Err(_) => name.to_string(),
        })
    }

    /// `address` on `list`, quietly (no welcome from Sympa: the bot tells
    /// people in the group's words); nothing when it is on already.
    pub async fn subscribe(&self, list: &str, address: &str) -> Result<(), SendError> {
        let name = self.own_name(list)?;
        match self.call("add", &[name, address, "", "1"]).await? {
            Ok(_) => Ok(()),
            Err(fault) => {
                if self
                    .subscribers(list)
                    .await?
                    .contains(&address.to_lowercase())
                {
                    return Ok(());
                }
                Err(Self::failed(
                    &format!("subscribe {address} to {list}"),
                    &fault,
                ))
            }
        }
    }

    /// `address` off `list`, quietly; nothing when it is not on it.
    pub async fn unsubscribe(&self, list: &str, address: &str) -> Result<(), SendError> {
        let name = self.own_name(list)?;
        match self.call("del", &[name, address, "1"]).await? {
            Ok(_) => Ok(()),
            Err(fault) => {
                if !self.exists(name).await?
                    || !self
                        .subscribers(list)
                        .await?
                        .contains(&address.to_lowercase())
                {
                    return Ok(());
                }
                Err(Self::failed(
                    &format!("unsubscribe {address} from {list}"),
                    &fault,
                ))
            }
        }
    }

    /// `address` off every list of the domain it is on (Sympa's `which`,
    /// asked as that address, names them) that greffier may change.
    pub async fn unsubscribe_everywhere(&self, address: &str) -> Result<(), SendError> {
        let answer = match self.call_as(address, "which", &[]).await? {
            Ok(answer) => answer,
            Err(fault) => return Err(Self::failed(&format!("find {address}'s lists"), &fault)),
        };
        // Each list in turn: one Sympa refuses (a list greffier did not
        // make, whose owner it is not) does not keep the address on the
        // others; the refusals are reported together, for good.
        let mut refused = Vec::new();
        for item in answer.items() {
            let list = item
                .split(';')
                .find_map(|field| field.strip_prefix("listAddress="))
                .unwrap_or_default();
            let subscribed = item.split(';').any(|field| field == "isSubscriber=1");
            if subscribed && self.name(list).is_some() {
                match self.unsubscribe(list, address).await {
                    Ok(()) => {}
                    Err(e) if e.permanent => refused.push(e.message),
                    Err(e) => return Err(e),
                }
            }
        }
        if refused.is_empty() {
            Ok(())
        } else {
            Err(SendError::permanent(refused.join("; ")))
        }
    }

    /// The addresses subscribed to `list`, lower case, sorted.
    pub async fn subscribers(&self, list: &str) -> Result<Vec<String>, SendError> {
        let name = self.own_name(list)?;
        match self.call("review", &[name]).await? {
            Ok(answer) => {
                // An empty list answers the one result "no_subscribers".
                let mut out: Vec<String> =
                    answer.items().iter().map(|a| a.to_lowercase()).collect();
                out.sort();
                Ok(out)
            }
            Err(fault) => Err(Self::failed(&format!("read {list}"), &fault)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Sympa 6.2.70 answered, as the real server wrote it.
    #[test]
    fn an_answer_a_list_of_strings_and_a_fault_are_read() {
        let review = r#"<?xml version="1.0" encoding="UTF-8"?><soap:Envelope soap:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body><authenticateRemoteAppAndRunResponse xmlns="urn:sympasoap"><return soapenc:arrayType="xsd:string[2]" xsi:type="soapenc:Array"><item xsi:type="xsd:string">alice@example.test</item><item xsi:type="xsd:string">bob@example.test</item></return></authenticateRemoteAppAndRunResponse></soap:Body></soap:Envelope>"#;
        let answer = read(review).expect("XML").expect("no fault");
        assert_eq!(answer.items(), ["alice@example.test", "bob@example.test"]);

        let empty = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><r><result xsi:type="xsd:string">no_subscribers</result></r></soap:Body></soap:Envelope>"#;
        assert!(
            read(empty)
                .expect("XML")
                .expect("no fault")
                .items()
                .is_empty()
        );

        // "L'utilisateur 'alice@example.test' est déjà abonné…", base64.
        let fault = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Undef</faultstring><detail xsi:type="xsd:base64Binary">TCd1dGlsaXNhdGV1cg==</detail></soap:Fault></soap:Body></soap:Envelope>"#;
        assert_eq!(
            read(fault).expect("XML"),
            Err(Fault {
                string: "Undef".into(),
                detail: "L'utilisateur".into()
            })
        );
        let escaped = r#"<e><item>a &amp; b &#233;</item></e>"#;
        assert_eq!(
            read(escaped).expect("XML").expect("ok").items(),
            ["a & b é"]
        );
        assert!(read("<a><b></a>").is_err());
    }

    #[test]
    fn what_is_sent_is_escaped() {
        let body = envelope(
            "greffier",
            "p<&>",
            "bot@example.test",
            "add",
            &["urba", "a&b@x"],
        );
        assert!(body.contains("<apppassword xsi:type=\"xsd:string\">p&lt;&amp;&gt;</apppassword>"));
        assert!(body.contains("xsd:string[2]"));
        assert!(body.contains("<item xsi:type=\"xsd:string\">a&amp;b@x</item>"));
    }

    #[test]
    fn only_the_domains_lists_are_named() {
        let cfg: crate::lists::Settings = toml::from_str(
            "engine = \"sympa\"\nurl = \"http://127.0.0.1:8002/sympasoap\"\nuser = \"greffier\"\ndomain = \"Sympa.Example.test\"",
        )
        .expect("settings");
        let s = Sympa::new(&cfg, "x", "bot@example.test").expect("a client");
        assert_eq!(s.name("urba@sympa.example.test"), Some("urba"));
        assert_eq!(s.name("urba@lists.example.test"), None);
        assert_eq!(s.name("@sympa.example.test"), None);
        assert!(s.own_name("x@elsewhere.org").is_err());
        assert_eq!(
            s.owners_list("urba@sympa.example.test").expect("a list"),
            "urba-responsables@sympa.example.test"
        );
    }
}
