//! The schema, as an ordered list of migrations. Each runs in its own
//! transaction and records its number in `schema_migrations`; a database is
//! brought up to date when it is opened. Never edit a migration that has
//! shipped: add the next one.

use rusqlite::{Connection, params};

/// Migration N is `MIGRATIONS[N - 1]`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the whole domain of SPEC.md, and what the adapters need.
    r#"
CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,            -- display form, as first written
    key         TEXT NOT NULL UNIQUE,     -- accent-, case-, hyphen-insensitive form
    kind        TEXT,                     -- commune, intercommunalite, entreprise, association
    created_at  TEXT NOT NULL
);

CREATE TABLE people (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX people_organisation ON people(organisation_id);

-- Matrix IDs and email addresses; only verified ones identify a sender.
CREATE TABLE identities (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('matrix', 'email')),
    value       TEXT NOT NULL,
    verified    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    UNIQUE (kind, value)
);
CREATE INDEX identities_person ON identities(person_id);

-- `!moi lier`: a code mailed to an address, single use, expiring.
CREATE TABLE email_codes (
    code        TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    theme       TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('proposed', 'active', 'archived')),
    lead_id     INTEGER REFERENCES organisations(id),  -- chef de projet, or initialisation
    action      TEXT,
    room        TEXT UNIQUE,
    list        TEXT,
    created_at  TEXT NOT NULL
);

-- A member is a person (and through them their organisation), or an
-- organisation by itself (from the minutes or the config).
CREATE TABLE group_members (
    id              INTEGER PRIMARY KEY,
    group_id        INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    person_id       INTEGER REFERENCES people(id) ON DELETE CASCADE,
    since           TEXT NOT NULL
);
CREATE UNIQUE INDEX group_members_person ON group_members(group_id, person_id)
    WHERE person_id IS NOT NULL;
CREATE UNIQUE INDEX group_members_org ON group_members(group_id, organisation_id)
    WHERE person_id IS NULL;

CREATE TABLE group_supports (
    group_id        INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    person_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    at              TEXT NOT NULL,
    PRIMARY KEY (group_id, organisation_id)
);

-- Status history: the latest row is the current status.
CREATE TABLE project_status (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    version     TEXT,
    text        TEXT NOT NULL,
    person_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
    at          TEXT NOT NULL
);
CREATE INDEX project_status_group ON project_status(group_id, id);

CREATE TABLE milestones (
    id          INTEGER PRIMARY KEY,
    group_id    INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    date        TEXT NOT NULL,            -- YYYY-MM-DD
    text        TEXT NOT NULL,
    person_id   INTEGER REFERENCES people(id) ON DELETE SET NULL,
    at          TEXT NOT NULL
);
CREATE INDEX milestones_group ON milestones(group_id, date);

-- What happened to a group, for the digests' "since last week".
CREATE TABLE group_events (
    id              INTEGER PRIMARY KEY,
    group_id        INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,        -- created, join, leave, support, activated, lead, status, milestone, room
    organisation_id INTEGER REFERENCES organisations(id),
    person_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    detail          TEXT,
    at              TEXT NOT NULL
);
CREATE INDEX group_events_group ON group_events(group_id, at);

CREATE TABLE meetings (
    id              INTEGER PRIMARY KEY,
    uid             TEXT NOT NULL UNIQUE,  -- iCalendar UID
    sequence        INTEGER NOT NULL DEFAULT 0,
    title           TEXT NOT NULL,
    starts_at       TEXT NOT NULL,         -- instant, RFC 3339 UTC
    ends_at         TEXT,
    timezone        TEXT NOT NULL,
    place           TEXT,
    organiser_id    INTEGER REFERENCES organisations(id),
    minute_taker_id INTEGER REFERENCES people(id),
    group_id        INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    status          TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    next_meeting    TEXT,                  -- "Il est proposé une nouvelle rencontre en octobre 2007"
    created_at      TEXT NOT NULL
);

-- The invitees; the Message-ID of the last invitation mail sent to each.
CREATE TABLE invitations (
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    email       TEXT,
    message_id  TEXT UNIQUE,
    sequence    INTEGER,
    sent_at     TEXT,
    reminded_at TEXT,
    PRIMARY KEY (meeting_id, person_id)
);

-- RSVP history; the latest row per (meeting, person) is the answer.
CREATE TABLE rsvps (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    status       TEXT NOT NULL CHECK (status IN ('present', 'excused', 'tentative', 'no_answer')),
    reason       TEXT,
    channel      TEXT NOT NULL CHECK (channel IN ('matrix', 'email', 'itip', 'reaction', 'console', 'import', 'admin')),
    recorded_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    source_ref   TEXT,                     -- Message-ID or event id it came from
    at           TEXT NOT NULL
);
CREATE INDEX rsvps_meeting_person ON rsvps(meeting_id, person_id, id);

-- Adapters' positions: Matrix sync token, IMAP UIDVALIDITY and last UID.
CREATE TABLE cursors (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Inbound messages already handled (Matrix event ids, Message-IDs).
CREATE TABLE processed_messages (
    channel      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    PRIMARY KEY (channel, external_id)
);

-- Actions to deliver, written in the transaction of the change they follow.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    channel         TEXT NOT NULL,        -- console, matrix, email, group
    payload         TEXT NOT NULL,        -- the action, as JSON
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    delivered_at    TEXT,
    failed_at       TEXT,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox(channel, next_attempt_at)
    WHERE delivered_at IS NULL AND failed_at IS NULL;

-- One row per week and destination: a week's digest goes out once.
CREATE TABLE digests_sent (
    week        TEXT NOT NULL,            -- ISO week, 2026-W47
    destination TEXT NOT NULL,            -- room id or list address
    group_id    INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    sent_at     TEXT NOT NULL,
    PRIMARY KEY (week, destination)
);
"#,
    // 2: the mail adapter's polite refusals to unknown senders, at most one
    // per address per hour.
    r#"
CREATE TABLE mail_refusals (
    address     TEXT PRIMARY KEY,
    last_at     TEXT NOT NULL
);
"#,
    // 3: meeting announcements posted in rooms, whose reactions answer.
    r#"
CREATE TABLE announcements (
    event_id    TEXT PRIMARY KEY,
    room        TEXT NOT NULL,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL
);
"#,
    // 4: wrong codes typed after `!moi lier`: the fifth burns the live codes.
    r#"
ALTER TABLE email_codes ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
"#,
    // 5: when a delivery began and has not ended (a crash in between leaves
    // it set: the mail adapter then checks before sending again).
    r#"
ALTER TABLE outbox ADD COLUMN sending_since TEXT;
"#,
    // 6: lookups that scanned whole tables on a large network (bench/):
    // a group's members (the partial unique indexes serve only lookups
    // that name the person or the organisation), a person's groups, a
    // person's invitations.
    r#"
CREATE INDEX group_members_group ON group_members(group_id, organisation_id);
CREATE INDEX group_members_of_person ON group_members(person_id) WHERE person_id IS NOT NULL;
CREATE INDEX invitations_person ON invitations(person_id);
"#,
    // 7: link codes limited per day (mails per address and per person;
    // wrong guesses per person, whatever the code), counted from these;
    // commands by mail counted per sender and hour; what pruning reads;
    // what an unauthenticated mail asked, until its sender confirms it.
    r#"
CREATE TABLE code_guesses (
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    at          TEXT NOT NULL
);
CREATE INDEX code_guesses_person ON code_guesses(person_id, at);
CREATE INDEX email_codes_person ON email_codes(person_id, created_at);
CREATE INDEX email_codes_email ON email_codes(email, created_at);
CREATE TABLE sender_counts (
    channel     TEXT NOT NULL,
    sender      TEXT NOT NULL,
    commands    INTEGER NOT NULL,
    notices     INTEGER NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX sender_counts_by ON sender_counts(channel, sender, at);
CREATE INDEX processed_messages_at ON processed_messages(processed_at);
CREATE INDEX outbox_delivered ON outbox(delivered_at) WHERE delivered_at IS NOT NULL;
CREATE TABLE held_mail (
    token       TEXT PRIMARY KEY,
    sender      TEXT NOT NULL,
    input       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    applied_at  TEXT
);
"#,
    // 8: who speaks for an organisation. A declared organisation is
    // pending until confirmed; people recorded before this migration keep
    // the rights they had (confirmed; `!organisation membres` reviews
    // them). The domains whose addresses and Matrix IDs confirm at once.
    // An erased person keeps their answers under a placeholder name.
    r#"
ALTER TABLE people ADD COLUMN membership TEXT NOT NULL DEFAULT 'confirmed'
    CHECK (membership IN ('pending', 'confirmed', 'refused'));
ALTER TABLE people ADD COLUMN membership_at TEXT;
ALTER TABLE people ADD COLUMN membership_by INTEGER REFERENCES people(id) ON DELETE SET NULL;
ALTER TABLE people ADD COLUMN membership_room TEXT;
ALTER TABLE people ADD COLUMN forgotten_at TEXT;
CREATE TABLE organisation_domains (
    domain          TEXT PRIMARY KEY,     -- lower case, no trailing dot
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL
);
CREATE INDEX organisation_domains_org ON organisation_domains(organisation_id);
CREATE INDEX people_membership ON people(organisation_id, membership);
"#,
    // 9: the catalogue: which organisation runs which free software. Uses
    // are a history: the latest row per software and organisation is the
    // current one, `status` NULL when it was removed.
    r#"
CREATE TABLE software (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,            -- display form, as first written
    key         TEXT NOT NULL UNIQUE,     -- text::software_key
    group_id    INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE software_uses (
    id              INTEGER PRIMARY KEY,
    software_id     INTEGER NOT NULL REFERENCES software(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    status          TEXT CHECK (status IN ('production', 'projet', 'etude', 'abandon')),
    note            TEXT,
    person_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    at              TEXT NOT NULL
);
CREATE INDEX software_uses_current ON software_uses(software_id, organisation_id, id);
CREATE INDEX software_uses_organisation ON software_uses(organisation_id, software_id);
"#,
    // 10: what the minutes say that greffier does not model (section 1.1,
    // "Echanges sur l'adullact…"), kept verbatim with the meeting.
    r#"
ALTER TABLE meetings ADD COLUMN notes TEXT;
"#,
    // 11: date polls: candidate dates, who is asked, and their answers (a
    // history: the latest row per person counts; `choices` the numbers of
    // the dates, comma separated, empty for none).
    r#"
CREATE TABLE polls (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    time        TEXT,                     -- HH:MM, for every date
    place       TEXT,
    group_id    INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    created_by  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    closes_on   TEXT NOT NULL,            -- YYYY-MM-DD
    closed_at   TEXT,
    meeting_id  INTEGER REFERENCES meetings(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE poll_dates (
    poll_id     INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    n           INTEGER NOT NULL,
    date        TEXT NOT NULL,
    PRIMARY KEY (poll_id, n)
);
CREATE TABLE poll_invitees (
    poll_id     INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    PRIMARY KEY (poll_id, person_id)
);
CREATE TABLE poll_votes (
    id          INTEGER PRIMARY KEY,
    poll_id     INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    choices     TEXT NOT NULL,
    channel     TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX poll_votes_by ON poll_votes(poll_id, person_id, id);
"#,
    // 12: the day-before-closing reminder of a poll, sent once.
    r#"
ALTER TABLE polls ADD COLUMN reminded_at TEXT;
"#,
    // 13: a poll in the rooms and by mail. `poll_posts`: the native Matrix
    // polls posted for it (their responses are votes, their end event
    // closes them); `poll_mails`: the unguessable Message-ID of the mail
    // each invitee got, whose quoting authenticates a reply; a vote row
    // may withdraw the person's answer (an empty poll response).
    r#"
CREATE TABLE poll_posts (
    event_id    TEXT PRIMARY KEY,
    room        TEXT NOT NULL,
    poll_id     INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL
);
CREATE INDEX poll_posts_by_poll ON poll_posts(poll_id);
CREATE TABLE poll_mails (
    message_id  TEXT PRIMARY KEY,
    poll_id     INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL
);
ALTER TABLE poll_votes ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;
"#,
    // 14: the compte rendu as a record: its versions, the approved ones
    // frozen. The triggers keep an approved text as it was approved: its
    // body, hash, approval and note never change, and the row is never
    // deleted (a meeting with an approved record cannot be deleted
    // either); the only change allowed is `approuve` → `rectifie` when a
    // later version is approved.
    r#"
CREATE TABLE records (
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id),
    version      INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('brouillon', 'en_relecture', 'approuve', 'rectifie')),
    format       TEXT NOT NULL CHECK (format IN ('markdown', 'text')),
    body         TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    approved_by  TEXT,
    approved_at  TEXT,
    note         TEXT,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (meeting_id, version)
);
CREATE TRIGGER records_frozen BEFORE UPDATE ON records
WHEN OLD.state IN ('approuve', 'rectifie')
 AND (NEW.body IS NOT OLD.body OR NEW.sha256 IS NOT OLD.sha256
      OR NEW.format IS NOT OLD.format OR NEW.approved_by IS NOT OLD.approved_by
      OR NEW.approved_at IS NOT OLD.approved_at OR NEW.note IS NOT OLD.note
      OR NEW.meeting_id IS NOT OLD.meeting_id OR NEW.version IS NOT OLD.version
      OR NOT (NEW.state = OLD.state OR (OLD.state = 'approuve' AND NEW.state = 'rectifie')))
BEGIN
    SELECT RAISE(ABORT, 'an approved compte rendu is frozen');
END;
CREATE TRIGGER records_kept BEFORE DELETE ON records
WHEN OLD.state IN ('approuve', 'rectifie')
BEGIN
    SELECT RAISE(ABORT, 'an approved compte rendu is kept');
END;
"#,
    // 15: a meeting's ordre du jour, its items in order (1, 2, …).
    r#"
CREATE TABLE agenda_items (
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    PRIMARY KEY (meeting_id, position)
);
"#,
    // 16: the séance: where a meeting is held and its current item; what
    // the rédacteur records (numbered per meeting, corrections and
    // removals kept as dates); who was there as recorded (not the RSVP);
    // the actions decided (numbered across the network); the remarks on a
    // draft, attached to it and never applied; where a use of the catalogue
    // was read (an imported compte rendu), until a member confirms it.
    r#"
CREATE TABLE seances (
    meeting_id  INTEGER PRIMARY KEY REFERENCES meetings(id),
    place       TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    closed_at   TEXT,
    item        INTEGER
);
CREATE INDEX seances_open ON seances(place) WHERE closed_at IS NULL;
CREATE TABLE seance_entries (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id),
    n            INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('note', 'decision', 'action')),
    item         INTEGER,
    text         TEXT NOT NULL,
    author       TEXT NOT NULL,
    at           TEXT NOT NULL,
    corrected_at TEXT,
    removed_at   TEXT,
    UNIQUE (meeting_id, n)
);
CREATE TABLE attendance (
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    status      TEXT NOT NULL CHECK (status IN ('present', 'excused')),
    recorded_by TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);
CREATE TABLE actions (
    n            INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id),
    entry        INTEGER NOT NULL,
    owner_org    INTEGER REFERENCES organisations(id),
    owner_person INTEGER REFERENCES people(id) ON DELETE SET NULL,
    owner        TEXT NOT NULL,
    text         TEXT NOT NULL,
    due          TEXT,
    state        TEXT NOT NULL DEFAULT 'ouverte' CHECK (state IN ('ouverte', 'faite', 'abandonnee')),
    note         TEXT,
    created_at   TEXT NOT NULL,
    closed_at    TEXT,
    reminded_at  TEXT,
    late_at      TEXT
);
CREATE INDEX actions_by_meeting ON actions(meeting_id, n);
ALTER TABLE software_uses ADD COLUMN source TEXT;
CREATE TABLE record_remarks (
    id          INTEGER PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
    author      TEXT NOT NULL,
    text        TEXT NOT NULL,
    channel     TEXT NOT NULL,
    at          TEXT NOT NULL
);
"#,
    // 17: the unguessable Message-ID of the mail that sent a draft compte
    // rendu to a participant: a reply naming it is a remark on that draft.
    // Identities an admin or a member declares for someone (`verified` 0
    // until their holder proves them), with who declared them; the welcome
    // mail sent to a declared address, whose reply verifies it; the former
    // names of renamed and merged organisations.
    r#"
CREATE TABLE record_mails (
    message_id  TEXT PRIMARY KEY,
    meeting_id  INTEGER NOT NULL REFERENCES meetings(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    created_at  TEXT NOT NULL
);
ALTER TABLE identities ADD COLUMN declared_by TEXT;
CREATE TABLE welcome_mails (
    message_id  TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    address     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
-- The names an organisation was known by before it was renamed or
-- another was merged into it (their keys): typed, they still find it.
CREATE TABLE organisation_aliases (
    key             TEXT PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE
);
"#,
    // Whether a meeting's hour was given (issue 38): an imported one's
    // minutes give a date alone, and the hour it is stored at is not
    // shown. The meetings imported before this schema are those whose
    // record says so.
    r#"
ALTER TABLE meetings ADD COLUMN time_given INTEGER NOT NULL DEFAULT 1;
UPDATE meetings SET time_given = 0
 WHERE id IN (SELECT meeting_id FROM records WHERE note LIKE 'importé de %');
"#,
];

/// The schema version of a database: its last applied migration (0 for a
/// new file). Reads only.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(0);
    }
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )
}

/// Applies the migrations the database does not have yet; a database
/// made by a newer greffier (a higher version than [`MIGRATIONS`] knows) is
/// refused before anything is written to it. Two processes
/// opening a new database at once (the bot and a console) are serialised:
/// the version is read inside an immediate (write-locking) transaction.
pub fn migrate(conn: &mut Connection) -> crate::Result<usize> {
    let found = version(conn)?;
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(crate::Error::TooNew { found, known });
    }
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
         )",
    )?;
    let mut applied = 0;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?;
        if version <= current {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES (?1)",
            params![version],
        )?;
        tx.commit()?;
        applied += 1;
    }
    Ok(applied)
}
