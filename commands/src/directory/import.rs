//! `greffier import-people FILE.csv [--apply]`: a sheet's people into the
//! directory, line by line — added, matched (by an address or a Matrix ID
//! they have, else by name in their organisation: [`super::find_by_name`])
//! or changed (an address, a Matrix ID or an organisation they lacked).
//! Addresses and Matrix IDs from a sheet are *declared*: greffier writes
//! to them, and obeys them once their holder proves them. The caller runs
//! this in a transaction and keeps it only with `--apply` and no problem:
//! what is shown is exactly what is applied, and twice changes nothing.

use super::sheet::{Problem, Row, Sheet};
use super::{Found, find_by_name};
use crate::store::{Declared, Identity, IdentityKind, Membership, OrgId, Person, StoreResult};
use crate::{Lang, Store, text, tr};

/// What importing a sheet did (or would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// One line per person of the sheet, in order.
    pub lines: Vec<String>,
    pub added: usize,
    pub matched: usize,
    pub changed: usize,
    /// Lines that cannot be imported: then nothing is.
    pub problems: Vec<Problem>,
}

/// Imports `sheet` into `store` (see the module's comment); `from` names
/// the file, kept as who declared the identities.
pub fn import(store: &mut dyn Store, sheet: &Sheet, from: &str, lang: Lang) -> StoreResult<Report> {
    let mut report = Report::default();
    let by = format!("import-people {from}");
    for row in &sheet.rows {
        match one(store, row, &by, lang)? {
            Ok((line, kind)) => {
                match kind {
                    Kind::Added => report.added += 1,
                    Kind::Matched => report.matched += 1,
                    Kind::Changed => report.changed += 1,
                }
                report
                    .lines
                    .push(tr!(lang, "ligne {} : {line}", "line {}: {line}", row.line));
            }
            Err(what) => report.problems.push(Problem {
                line: row.line,
                what,
            }),
        }
    }
    Ok(report)
}

enum Kind {
    Added,
    Matched,
    Changed,
}

/// One row: what was done, or why it cannot be.
fn one(
    store: &mut dyn Store,
    row: &Row,
    by: &str,
    lang: Lang,
) -> StoreResult<Result<(String, Kind), String>> {
    let mut notes = Vec::new();
    // The organisation, made if nobody named it yet.
    let org: Option<OrgId> = match &row.organisation {
        None => None,
        Some(name) => match store.organisation_by_key(&text::name_key(name))? {
            Some(o) => Some(o.id),
            None => {
                notes.push(tr!(
                    lang,
                    "nouvelle organisation {name}",
                    "new organisation {name}"
                ));
                Some(store.create_organisation(name, None)?)
            }
        },
    };
    // Who: by an identity they have, else by name.
    let identities: Vec<&Identity> = row.email.iter().chain(row.matrix.iter()).collect();
    let mut by_identity: Option<Person> = None;
    for identity in &identities {
        let owner = match store.person_by_identity(identity)? {
            Some(p) => Some(p),
            None => store.declared_person(identity)?,
        };
        if let Some(owner) = owner {
            if by_identity.as_ref().is_some_and(|p| p.id != owner.id) {
                return Ok(Err(tr!(
                    lang,
                    "l'adresse et l'identifiant Matrix sont à deux personnes différentes",
                    "the address and the Matrix ID belong to two different people"
                )));
            }
            by_identity = Some(owner);
        }
    }
    let (person, added) = match by_identity {
        Some(p) if super::person_key(&p.name) != super::person_key(&row.name) => {
            let given = identities
                .iter()
                .map(|i| i.value.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let (owner, named) = (&p.name, &row.name);
            let (de_owner, de_named) = (crate::words::de(owner), crate::words::de(named));
            return Ok(Err(tr!(
                lang,
                "« {given} » est l'identité {de_owner}, pas {de_named}",
                "“{given}” is {owner}'s identity, not {named}'s"
            )));
        }
        Some(p) => (p, false),
        None => match find_by_name(store, &row.name, org)? {
            Found::One(p) => (p, false),
            Found::Several(people) => {
                let names: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
                return Ok(Err(tr!(
                    lang,
                    "plusieurs personnes portent ce nom ({}) : donnez son adresse pour dire laquelle",
                    "several people have this name ({}): give their address to say which",
                    names.join(", ")
                )));
            }
            Found::Nobody => {
                let id = store.create_contact(&row.name, org)?;
                (store.person(id)?, true)
            }
        },
    };
    // What they lacked.
    let mut changes = Vec::new();
    if let Some(org) = org
        && person.organisation != Some(org)
        && !added
    {
        let name = store.organisation(org)?.name;
        store.set_person_organisation(person.id, org, Membership::Confirmed, None)?;
        changes.push(tr!(lang, "organisation {name}", "organisation {name}"));
    }
    for identity in identities {
        let what = match identity.kind {
            IdentityKind::Email => tr!(lang, "adresse", "address"),
            IdentityKind::Matrix => tr!(lang, "Matrix", "Matrix"),
        };
        match store.declare_identity(person.id, identity, by)? {
            Declared::Added => changes.push(format!("{what} {}", identity.value)),
            Declared::Already { .. } => {}
            Declared::Taken => {
                return Ok(Err(tr!(
                    lang,
                    "« {} » est déjà l'identité d'une autre personne",
                    "“{}” is someone else's identity already",
                    identity.value
                )));
            }
        }
    }
    let org_name = match person.organisation.or(org) {
        Some(o) => format!(" ({})", store.organisation(o)?.name),
        None => String::new(),
    };
    notes.extend(changes.iter().cloned());
    let details = match notes.is_empty() {
        true => String::new(),
        false => format!(" — {}", notes.join(", ")),
    };
    let who = format!("{}{org_name}", person.name);
    Ok(Ok(match (added, changes.is_empty()) {
        (true, _) => (format!("+ {who}{details}"), Kind::Added),
        (false, true) => (format!("= {who}{details}"), Kind::Matched),
        (false, false) => (format!("~ {who}{details}"), Kind::Changed),
    }))
}
