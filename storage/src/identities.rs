//! The commands' [`Identities`] role on a [`Tx`].

use greffier_commands::store::{
    Declared, Identities, Identity, IdentityKind, Person, PersonId, StoreResult,
};
use rusqlite::{OptionalExtension, params};

use crate::people::{PERSON_COLUMNS, person_row};
use crate::{Tx, ts};

/// The person `identity` belongs to, verified or only declared.
fn owner(tx: &Tx<'_>, identity: &Identity, verified: bool) -> StoreResult<Option<Person>> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM identities i
         JOIN people p ON p.id = i.person_id
         WHERE i.kind = ?1 AND i.value = ?2 AND i.verified = ?3"
    );
    tx.conn()
        .prepare_cached(&sql)
        .and_then(|mut st| {
            st.query_row(
                params![identity.kind.as_str(), identity.value, verified],
                person_row,
            )
        })
        .optional()
        .map_err(Into::into)
}

impl Identities for Tx<'_> {
    fn person_by_identity(&mut self, identity: &Identity) -> StoreResult<Option<Person>> {
        owner(self, identity, true)
    }

    fn add_identity(&mut self, person: PersonId, identity: &Identity) -> StoreResult<bool> {
        let owner: Option<i64> = self
            .conn()
            .query_row(
                "SELECT person_id FROM identities WHERE kind = ?1 AND value = ?2",
                params![identity.kind.as_str(), identity.value],
                |r| r.get(0),
            )
            .optional()?;
        match owner {
            Some(p) if p != person.0 => Ok(false),
            Some(_) => {
                self.conn().execute(
                    "UPDATE identities SET verified = 1 WHERE kind = ?1 AND value = ?2",
                    params![identity.kind.as_str(), identity.value],
                )?;
                Ok(true)
            }
            None => {
                self.conn().execute(
                    "INSERT INTO identities (person_id, kind, value, verified, created_at)
                         VALUES (?1, ?2, ?3, 1, ?4)",
                    params![
                        person.0,
                        identity.kind.as_str(),
                        identity.value,
                        ts(self.now)
                    ],
                )?;
                Ok(true)
            }
        }
    }

    fn create_email_code(
        &mut self,
        person: PersonId,
        email: &str,
        expires: jiff::Timestamp,
    ) -> StoreResult<String> {
        // One live code per person and address: a new one spends the old.
        self.conn().execute(
            "UPDATE email_codes SET used_at = ?3
                 WHERE person_id = ?1 AND email = ?2 AND used_at IS NULL",
            params![person.0, email, ts(self.now)],
        )?;
        // Six digits from SQLite's random source; a clash with a live code
        // draws again.
        loop {
            let code: i64 = self
                .conn()
                .query_row("SELECT abs(random() % 1000000)", [], |r| r.get(0))?;
            let code = format!("{code:06}");
            let inserted = self.conn().execute(
                "INSERT OR IGNORE INTO email_codes (code, person_id, email, expires_at, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                params![code, person.0, email, ts(expires), ts(self.now)],
            )?;
            if inserted == 1 {
                return Ok(code);
            }
            // The code exists: free it if it is spent or expired, then retry.
            self.conn()
                .execute(
                    "DELETE FROM email_codes WHERE code = ?1 AND (used_at IS NOT NULL OR expires_at < ?2)",
                    params![code, ts(self.now)],
                )?;
        }
    }

    fn email_codes_sent(
        &mut self,
        person: PersonId,
        email: &str,
        since: jiff::Timestamp,
    ) -> StoreResult<(usize, usize)> {
        let count = |sql: &str, who: &dyn rusqlite::ToSql| -> StoreResult<usize> {
            self.conn()
                .query_row(sql, params![who, ts(since)], |r| r.get::<_, i64>(0))
                .map(|n| usize::try_from(n).unwrap_or(0))
                .map_err(Into::into)
        };
        Ok((
            count(
                "SELECT COUNT(*) FROM email_codes WHERE email = ?1 AND created_at >= ?2",
                &email,
            )?,
            count(
                "SELECT COUNT(*) FROM email_codes WHERE person_id = ?1 AND created_at >= ?2",
                &person.0,
            )?,
        ))
    }

    fn use_email_code(&mut self, person: PersonId, code: &str) -> StoreResult<Option<String>> {
        use subtle::ConstantTimeEq;
        // Every live code of the person is read and compared in constant
        // time: neither the index nor an early mismatch tells how close a
        // guess came.
        let mut st = self.conn().prepare_cached(
            "SELECT code, email FROM email_codes
                 WHERE person_id = ?1 AND used_at IS NULL AND expires_at >= ?2",
        )?;
        let live: Vec<(String, String)> = st
            .query_map(params![person.0, ts(self.now)], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut found = None;
        for (live_code, email) in live {
            let same: bool = live_code.as_bytes().ct_eq(code.as_bytes()).into();
            if same {
                found = Some((live_code, email));
            }
        }
        let Some((live_code, email)) = found else {
            return Ok(None);
        };
        self.conn().execute(
            "UPDATE email_codes SET used_at = ?2 WHERE code = ?1",
            params![live_code, ts(self.now)],
        )?;
        Ok(Some(email))
    }

    fn code_guesses(&mut self, person: PersonId, since: jiff::Timestamp) -> StoreResult<usize> {
        self.conn()
            .query_row(
                "SELECT COUNT(*) FROM code_guesses WHERE person_id = ?1 AND at >= ?2",
                params![person.0, ts(since)],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(Into::into)
    }

    fn wrong_email_code(&mut self, person: PersonId, since: jiff::Timestamp) -> StoreResult<bool> {
        self.conn().execute(
            "INSERT INTO code_guesses (person_id, at) VALUES (?1, ?2)",
            params![person.0, ts(self.now)],
        )?;
        if self.code_guesses(person, since)? < greffier_commands::store::MAX_CODE_ATTEMPTS {
            return Ok(false);
        }
        self.conn().execute(
            "UPDATE email_codes SET used_at = ?2 WHERE person_id = ?1 AND used_at IS NULL",
            params![person.0, ts(self.now)],
        )?;
        Ok(true)
    }

    fn identities(&mut self, person: PersonId) -> StoreResult<Vec<(Identity, bool)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT kind, value, verified FROM identities WHERE person_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map(params![person.0], |r| {
            let kind: String = r.get(0)?;
            Ok((
                Identity {
                    kind: if kind == "email" {
                        IdentityKind::Email
                    } else {
                        IdentityKind::Matrix
                    },
                    value: r.get(1)?,
                },
                r.get::<_, bool>(2)?,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn declare_identity(
        &mut self,
        person: PersonId,
        identity: &Identity,
        by: &str,
    ) -> StoreResult<Declared> {
        let owner: Option<(i64, bool)> = self
            .conn()
            .query_row(
                "SELECT person_id, verified FROM identities WHERE kind = ?1 AND value = ?2",
                params![identity.kind.as_str(), identity.value],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match owner {
            Some((p, verified)) if p == person.0 => Declared::Already { verified },
            Some(_) => Declared::Taken,
            None => {
                self.conn().execute(
                    "INSERT INTO identities (person_id, kind, value, verified, created_at, declared_by)
                         VALUES (?1, ?2, ?3, 0, ?4, ?5)",
                    params![
                        person.0,
                        identity.kind.as_str(),
                        identity.value,
                        ts(self.now),
                        by
                    ],
                )?;
                Declared::Added
            }
        })
    }

    fn declared_person(&mut self, identity: &Identity) -> StoreResult<Option<Person>> {
        owner(self, identity, false)
    }

    fn verify_declared(&mut self, identity: &Identity) -> StoreResult<bool> {
        Ok(self.conn().execute(
            "UPDATE identities SET verified = 1 WHERE kind = ?1 AND value = ?2 AND verified = 0",
            params![identity.kind.as_str(), identity.value],
        )? > 0)
    }

    fn record_welcome_mail(
        &mut self,
        message_id: &str,
        person: PersonId,
        address: &str,
    ) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO welcome_mails (message_id, person_id, address, created_at)
                 VALUES (?1, ?2, ?3, ?4)",
            params![message_id, person.0, address, ts(self.now)],
        )?;
        Ok(())
    }

    fn welcome_mail(&mut self, message_id: &str) -> StoreResult<Option<String>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT address FROM welcome_mails WHERE message_id = ?1",
                params![message_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn mail_sent_to(&mut self, message_id: &str) -> StoreResult<Option<PersonId>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT person_id FROM invitations WHERE message_id = ?1
                 UNION ALL SELECT person_id FROM poll_mails WHERE message_id = ?1
                 UNION ALL SELECT person_id FROM record_mails WHERE message_id = ?1
                 UNION ALL SELECT person_id FROM welcome_mails WHERE message_id = ?1
                 LIMIT 1",
                params![message_id],
                |r| r.get(0).map(PersonId),
            )
            .optional()?)
    }
}
