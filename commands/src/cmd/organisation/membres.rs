//! `!organisation membres <organisation>` — its confirmed members and the
//! requests waiting for confirmation, and its domains. Names and IDs are
//! shown to the network's confirmed members and admins; others get the
//! counts.

use crate::exec::{Exec, Outcome};
use crate::parse::{Arg, Args, ParseErrorKind, Usage};
use crate::store::{Membership, Person};
use crate::tr;

pub const USAGE: Usage = Usage {
    fr: "!organisation membres <organisation>",
    en: "!org members <organisation>",
    help_fr: "membres confirmés et demandes en attente d'une organisation",
    help_en: "an organisation's confirmed members and pending requests",
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membres {
    pub organisation: String,
}

impl Membres {
    pub fn parse(args: &mut Args) -> Result<Membres, ParseErrorKind> {
        Ok(Membres {
            organisation: args.rest(Arg::Organisation)?,
        })
    }

    pub fn apply(self, ex: &mut Exec<'_>) -> Outcome {
        let lang = ex.lang();
        let org = ex.find_org(&self.organisation)?;
        let people = ex.store.organisation_people(org.id)?;
        let of = |m: Membership| -> Vec<&Person> {
            people.iter().filter(|p| p.membership == m).collect()
        };
        let (confirmed, pending) = (of(Membership::Confirmed), of(Membership::Pending));
        let name = &org.name;
        let mut out = vec![tr!(lang, "Organisation {name}", "Organisation {name}")];
        if !ex.sees_names()? {
            out.push(tr!(
                lang,
                "{}, {} en attente. Les noms sont montrés aux membres confirmés du réseau.",
                "{}, {} pending. Names are shown to the network's confirmed members.",
                crate::words::count(
                    lang,
                    confirmed.len(),
                    ("membre confirmé", "membres confirmés"),
                    ("confirmed member", "confirmed members")
                ),
                crate::words::count(
                    lang,
                    pending.len(),
                    ("demande", "demandes"),
                    ("request", "requests")
                ),
            ));
            return Ok(out.join("\n"));
        }
        let names: Vec<String> = confirmed.iter().map(|p| p.name.clone()).collect();
        let list = match names.is_empty() {
            true => "—".to_string(),
            false => names.join(", "),
        };
        out.push(tr!(
            lang,
            "Membres confirmés ({}) : {list}",
            "Confirmed members ({}): {list}",
            names.len()
        ));
        // Each request with an ID to accept it by.
        let mut requests = Vec::new();
        for p in &pending {
            let id = crate::membership::verified(ex, p)?
                .into_iter()
                .next()
                .map(|i| i.value)
                .unwrap_or_default();
            requests.push(format!("{} ({id})", p.name));
        }
        let list = match requests.is_empty() {
            true => "—".to_string(),
            false => requests.join(", "),
        };
        out.push(tr!(
            lang,
            "Demandes en attente ({}) : {list}",
            "Pending requests ({}): {list}",
            requests.len()
        ));
        let domains = ex.store.organisation_domains(org.id)?;
        if !domains.is_empty() {
            let domains = domains.join(", ");
            out.push(tr!(lang, "Domaines : {domains}", "Domains: {domains}"));
        }
        if !pending.is_empty() {
            let p = ex.prefix();
            out.push(tr!(
                lang,
                "Pour confirmer : {p}organisation accepter <personne> ; pour refuser : {p}organisation refuser <personne>",
                "To confirm: {p}org accept <person>; to refuse: {p}org refuse <person>"
            ));
        }
        Ok(out.join("\n"))
    }
}
