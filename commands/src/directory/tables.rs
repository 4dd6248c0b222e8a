//! The directory as tables for the élus' spreadsheets (`greffier export
//! --csv people|organisations|groups|attendance`): a header line in
//! French, one row per person, organisation, group, or meeting and
//! organisation; written in the dialect [`super::sheet`] reads, which is
//! the one LibreOffice and Excel open in France without a question: `;`
//! between the cells, UTF-8 with a byte-order mark, CRLF line ends.

use std::collections::BTreeMap;

use crate::minutes::render::who_came;
use crate::store::{Attended, IdentityKind, Membership, StoreResult};
use crate::{Lang, Store, text, words};

/// A table: its header, then its rows.
pub type Table = Vec<Vec<String>>;

/// The tables `export --csv` knows.
pub const NAMES: [&str; 4] = ["people", "organisations", "groups", "attendance"];

/// The table named `name` (one of [`NAMES`]); none for another name.
pub fn table(store: &mut dyn Store, name: &str, lang: Lang) -> StoreResult<Option<Table>> {
    Ok(Some(match name {
        "people" => people(store, lang)?,
        "organisations" => organisations(store)?,
        "groups" => groups(store, lang)?,
        "attendance" => attendance(store)?,
        _ => return Ok(None),
    }))
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// Everyone the bot knows (not erased): name, organisation, where they
/// stand in it, address and Matrix ID (verified first, else declared),
/// groups.
fn people(store: &mut dyn Store, lang: Lang) -> StoreResult<Table> {
    let mut out = vec![row(&[
        "nom",
        "organisation",
        "appartenance",
        "email",
        "matrix",
        "groupes",
    ])];
    for person in store.people()? {
        let org = match person.organisation {
            Some(o) => store.organisation(o)?.name,
            None => String::new(),
        };
        let standing = match (person.organisation, person.membership) {
            (None, _) => String::new(),
            (Some(_), Membership::Confirmed) => crate::tr!(lang, "confirmé", "confirmed"),
            (Some(_), Membership::Pending) => crate::tr!(lang, "en attente", "pending"),
            (Some(_), Membership::Refused) => crate::tr!(lang, "refusé", "refused"),
        };
        let identities = store.identities(person.id)?;
        let first = |kind: IdentityKind| -> String {
            identities
                .iter()
                .filter(|(i, _)| i.kind == kind)
                .max_by_key(|(_, verified)| *verified)
                .map(|(i, _)| i.value.clone())
                .unwrap_or_default()
        };
        let groups: Vec<String> = store
            .person_groups(person.id)?
            .into_iter()
            .map(|g| g.slug)
            .collect();
        out.push(vec![
            person.name,
            org,
            standing,
            first(IdentityKind::Email),
            first(IdentityKind::Matrix),
            groups.join(", "),
        ]);
    }
    Ok(out)
}

/// Each organisation: its domains, confirmed members, pending requests,
/// groups.
fn organisations(store: &mut dyn Store) -> StoreResult<Table> {
    let mut out = vec![row(&[
        "organisation",
        "domaines",
        "membres confirmés",
        "demandes en attente",
        "groupes",
    ])];
    let mut groups_of: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for g in store.groups()? {
        for org in store.member_organisations(g.id)? {
            groups_of.entry(org.id.0).or_default().push(g.slug.clone());
        }
    }
    let mut orgs = store.organisations()?;
    orgs.sort_by_key(|o| text::name_key(&o.name));
    for org in orgs {
        let people = store.organisation_people(org.id)?;
        let count = |m: Membership| people.iter().filter(|p| p.membership == m).count();
        out.push(vec![
            org.name.clone(),
            store.organisation_domains(org.id)?.join(", "),
            count(Membership::Confirmed).to_string(),
            count(Membership::Pending).to_string(),
            groups_of.remove(&org.id.0).unwrap_or_default().join(", "),
        ]);
    }
    Ok(out)
}

/// Each group: slug, theme, status, lead, next action, member
/// organisations, supporters, room, list.
fn groups(store: &mut dyn Store, lang: Lang) -> StoreResult<Table> {
    let mut out = vec![row(&[
        "groupe",
        "thème",
        "statut",
        "chef de projet",
        "action",
        "organisations membres",
        "soutiens",
        "salon",
        "liste",
    ])];
    for g in store.groups()? {
        let lead = match g.lead {
            Some(o) => store.organisation(o)?.name,
            None => String::new(),
        };
        let names = |orgs: Vec<crate::store::Organisation>| -> String {
            orgs.into_iter()
                .map(|o| o.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let members = names(store.member_organisations(g.id)?);
        let supporters = names(store.supporters(g.id)?);
        out.push(vec![
            g.slug,
            g.theme,
            words::group_status(lang, g.status),
            lead,
            g.action.unwrap_or_default(),
            members,
            supporters,
            g.room.unwrap_or_default(),
            g.list.unwrap_or_default(),
        ]);
    }
    Ok(out)
}

/// One row per meeting and organisation: who was present, excused, absent
/// (held in a séance: as recorded; else the answers, an invitee with none
/// absent), names in each cell.
fn attendance(store: &mut dyn Store) -> StoreResult<Table> {
    let mut out = vec![row(&[
        "réunion",
        "date",
        "titre",
        "organisation",
        "présents",
        "excusés",
        "absents",
    ])];
    for meeting in store.all_meetings()? {
        let came = who_came(store, meeting.id)?;
        let mut by_org: BTreeMap<String, (String, [Vec<String>; 3])> = BTreeMap::new();
        for (person, attended) in came.people {
            let org = match person.organisation {
                Some(o) => store.organisation(o)?.name,
                None => String::new(),
            };
            let cell = match attended {
                Some(Attended::Present) => 0,
                Some(Attended::Excused) => 1,
                None => 2,
            };
            by_org
                .entry(text::name_key(&org))
                .or_insert_with(|| (org.clone(), Default::default()))
                .1[cell]
                .push(person.name);
        }
        let date = meeting.starts_at.to_string();
        let date = date.get(..10).unwrap_or(&date).to_string();
        for (_, (org, cells)) in by_org {
            let mut line = vec![
                meeting.id.0.to_string(),
                date.clone(),
                meeting.title.clone(),
                org,
            ];
            line.extend(cells.iter().map(|c| c.join(", ")));
            out.push(line);
        }
    }
    Ok(out)
}

/// A table as CSV the French way: UTF-8 with a byte-order mark, `;`, CRLF.
pub fn csv(table: &Table) -> Result<Vec<u8>, String> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in table {
        writer.write_record(row).map_err(|e| e.to_string())?;
    }
    writer.into_inner().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_reads_back_as_it_was_written() {
        let table: Table = vec![
            row(&["nom", "organisation", "email"]),
            row(&["Hélène ÉTIENNE; fille", "Sète", "helene@sete.fr"]),
            row(&["Jean \"Jeannot\" DUPONT", "Arles", ""]),
        ];
        let bytes = csv(&table).expect("csv");
        assert!(bytes.starts_with(b"\xEF\xBB\xBFnom;organisation;email\r\n"));
        let read = crate::directory::sheet::read(&bytes, Lang::Fr).expect("read");
        assert_eq!(
            read.encoding,
            crate::directory::sheet::Encoding::Utf8WithBom
        );
        assert_eq!(read.rows[0].name, "Hélène ÉTIENNE; fille");
        assert_eq!(read.rows[1].name, "Jean \"Jeannot\" DUPONT");
        assert_eq!(read.rows[0].organisation.as_deref(), Some("Sète"));
    }
}
