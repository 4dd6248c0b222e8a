//! `!moi oublier`: a person erased. What names or reaches them goes (their
//! identities, link codes, what the inbox kept of their addresses and the
//! once-only keys that name them, the reasons they gave, their group
//! memberships, their name and addresses in the outbox); their answers
//! stay, under a placeholder name and their organisation, so that
//! attendance by organisation stays true. The unsubscriptions an erasure
//! queues carry the address until they are settled, then keep nothing of
//! it (`Database::forget_settled`).
//!
//! SQLite keeps deleted bytes in free space and old page versions in the
//! write-ahead log: the connection runs with `secure_delete` (deleted
//! content is overwritten with zeros) and the transaction that erased
//! someone checkpoints the log into the file and truncates it once it
//! commits (see [`crate::Database::transaction`]).

use greffier_commands::store::Groups as _;
use greffier_commands::store::{Forgotten, GroupId, PersonId, StoreResult};
use rusqlite::params;

use crate::{Tx, ts};

impl Tx<'_> {
    pub(crate) fn forget(&mut self, person: PersonId, placeholder: &str) -> StoreResult<Forgotten> {
        let name: String = self.conn().query_row(
            "SELECT name FROM people WHERE id = ?1",
            params![person.0],
            |r| r.get(0),
        )?;
        let identities: Vec<String> = {
            let mut st = self
                .conn()
                .prepare("SELECT value FROM identities WHERE person_id = ?1")?;
            st.query_map(params![person.0], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let groups: Vec<i64> = {
            let mut st = self
                .conn()
                .prepare("SELECT group_id FROM group_members WHERE person_id = ?1")?;
            st.query_map(params![person.0], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        // Through the store, so that each group's history says someone of
        // the organisation left.
        for g in &groups {
            self.remove_member(GroupId(*g), person)?;
        }
        let run = |sql: &str| -> StoreResult<usize> {
            self.conn()
                .execute(sql, params![person.0])
                .map_err(Into::into)
        };
        run("DELETE FROM identities WHERE person_id = ?1")?;
        run("DELETE FROM email_codes WHERE person_id = ?1")?;
        run("DELETE FROM code_guesses WHERE person_id = ?1")?;
        let answers: usize = self.conn().query_row(
            "SELECT COUNT(DISTINCT meeting_id) FROM rsvps WHERE person_id = ?1",
            params![person.0],
            |r| r.get(0),
        )?;
        run("UPDATE rsvps SET reason = NULL, source_ref = NULL WHERE person_id = ?1")?;
        run("UPDATE invitations SET email = NULL, message_id = NULL WHERE person_id = ?1")?;
        run("DELETE FROM poll_mails WHERE person_id = ?1")?;
        run("DELETE FROM record_mails WHERE person_id = ?1")?;
        run("DELETE FROM welcome_mails WHERE person_id = ?1")?;
        self.conn().execute(
            "UPDATE people SET name = ?2, membership_room = NULL, forgotten_at = ?3
                 WHERE id = ?1",
            params![person.0, placeholder, ts(self.now)],
        )?;
        for value in &identities {
            for sql in [
                "DELETE FROM held_mail WHERE sender = ?1",
                "DELETE FROM sender_counts WHERE sender = ?1",
                "DELETE FROM mail_refusals WHERE address = ?1",
                // A once-only key that names them (a client's Message-ID
                // may hold its sender's address): their mail would now be
                // a stranger's, refused whatever it replays.
                "DELETE FROM processed_messages WHERE instr(lower(external_id), lower(?1)) > 0",
            ] {
                self.conn().execute(sql, params![value])?;
            }
        }
        // The outbox holds actions as JSON: what names them (their name as
        // a whole word, an address or a Matrix ID of theirs), delivered or
        // not, is to them or about them, and goes.
        let json = |s: &str| serde_json::to_string(s).map(|q| q[1..q.len() - 1].to_string());
        let mut needles = Vec::new();
        for value in identities.iter().chain(std::iter::once(&name)) {
            let needle = json(value)?;
            if !needle.trim().is_empty() {
                needles.push(needle);
            }
        }
        for needle in &needles {
            let rows: Vec<(i64, String)> = {
                let mut st = self
                    .conn()
                    .prepare("SELECT id, payload FROM outbox WHERE instr(payload, ?1) > 0")?;
                st.query_map(params![needle], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?
            };
            for (id, payload) in rows {
                if names(&payload, needle) {
                    self.conn()
                        .execute("DELETE FROM outbox WHERE id = ?1", params![id])?;
                }
            }
        }
        self.wipe = true;
        Ok(Forgotten {
            identities: identities.len(),
            answers,
            groups: groups.len(),
        })
    }
}

/// Whether `text` holds `word` with no letter or digit on either side
/// ("Ann" names Ann, not "Annuler").
fn names(text: &str, word: &str) -> bool {
    let word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !word_char(before) && !word_char(after)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_is_a_whole_word() {
        assert!(super::names("C'est noté, Ann : présente", "Ann"));
        assert!(!super::names("Réunion annulée. Annuler", "Ann"));
        assert!(super::names("{\"to\":\"ann@x.fr\"}", "ann@x.fr"));
    }
}
