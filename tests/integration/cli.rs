//! The CLI's contract: check-config, run without adapters, bad arguments.

use crate::support::{BIN, Scratch};
use std::process::Command;

#[test]
fn check_config_accepts_the_root_bot_toml() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml");
    let out = Command::new(BIN)
        .args(["--config", root, "check-config"])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "OK (matrix : activé, mail : activé, lists : activé, web : désactivé, 9 groupes amorcés"
        ),
        "{stdout}"
    );
}

#[test]
fn check_config_names_line_and_key() {
    let s = Scratch::new(
        "badconfig",
        "[bot]\nlanguage = \"fr\"\ntimezone = \"Europe/Marseille\"\n\n[groups]\nquorum = 3\nquorom = 4\n",
    );
    let out = s.run(&["check-config"], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bot.toml:7: quorom: unknown field `quorom`"),
        "{stderr}"
    );

    let s = Scratch::new(
        "badvalue",
        "[bot]\nlanguage = \"fr\"\ntimezone = \"Europe/Marseille\"\n",
    );
    let out = s.run(&["check-config"], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bot.toml:3: bot.timezone: unknown time zone \"Europe/Marseille\""),
        "{stderr}"
    );
}

#[test]
fn run_without_matrix_or_mail_says_so() {
    let s = Scratch::new("noadapter", "[bot]\nlanguage = \"fr\"\n");
    let out = s.run(&["run"], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ni [matrix] ni [mail] n'est configuré"),
        "{stderr}"
    );
}

#[test]
fn console_refuses_a_bad_identity() {
    let s = Scratch::new("badid", "");
    let out = s.run(&["console", "--as", "nobody"], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--as « nobody » : donnez un identifiant Matrix"),
        "{stderr}"
    );
}

#[test]
fn a_missing_config_is_a_clear_error() {
    let out = Command::new(BIN)
        .args(["--config", "/nonexistent/bot.toml", "export"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read the configuration /nonexistent/bot.toml"),
        "{stderr}"
    );
}

/// The tests' build is not stamped with a commit (only a package is:
/// scripts/package, checked by scripts/test-package), so that a commit
/// does not rebuild and relink everything.
#[test]
fn version_says_a_development_build() {
    let out = Command::new(BIN).arg("--version").output().expect("run");
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        said.trim(),
        format!("greffier {} (development build)", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_packaged_config_is_valid() {
    let packaged = concat!(env!("CARGO_MANIFEST_DIR"), "/debian/bot.toml");
    let out = Command::new(BIN)
        .args(["--config", packaged, "check-config"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("OK (matrix : désactivé, mail : désactivé, lists : désactivé, web : désactivé, aucun groupe amorcé, base de données /var/lib/greffier/greffier.sqlite)"),
        "{stdout}"
    );
}

/// `greffier backup` and `greffier status` on a database no bot runs on;
/// JSON log lines; a database newer than the binary refused untouched.
#[test]
fn backup_status_and_a_newer_database() {
    let s = Scratch::new("backup-cli", "[bot]\nadmins = [\"@alice:example.test\"]\n");
    let out = s.console(
        "@alice:example.test",
        &[
            "!moi organisation Arles",
            "!groupe proposer sauvegarde « Sauvegardes » initiative Arles action « Inventaire »",
        ],
    );
    assert!(out.contains("sauvegarde"), "{out}");
    let copy = s.dir.join("copy.sqlite");
    let out = s.run(&["backup", copy.to_str().expect("utf-8")], b"");
    crate::support::assert_clean(&out);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("écrite et vérifiée (intégrité correcte, schéma"),
        "{said}"
    );
    // The copy is a database the binary reads: the group is in it.
    let export = crate::support::run_with(&s.config(), &copy, &["export"], b"");
    crate::support::assert_clean(&export);
    assert!(String::from_utf8_lossy(&export.stdout).contains("\"sauvegarde\""));
    // Never over an existing file.
    let out = s.run(&["backup", copy.to_str().expect("utf-8")], b"");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("never overwrites"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // No bot ever ran on it: status is CRITICAL, exit 2.
    let out = s.run(&["status"], b"");
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.starts_with("GREFFIER CRITICAL: le bot ne fonctionne pas"),
        "{said}"
    );
    assert!(said.contains("file d'envoi : "), "{said}");
    // No database at all: UNKNOWN, exit 3.
    let out = crate::support::run_with(&s.config(), &s.dir.join("none.sqlite"), &["status"], b"");
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("GREFFIER UNKNOWN: il n'y a pas de base de données à")
    );

    // JSON logs: one object per line.
    let out = s.run(&["--log-format", "json", "export"], b"");
    crate::support::assert_clean(&out);
    let out = Command::new(BIN)
        .env("RUST_LOG", "info")
        // The demo's seed groups and people: logged as they are recorded.
        .args(["--log-format", "json", "--config"])
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/bot.toml"))
        .arg("--database")
        .arg(s.dir.join("fresh.sqlite"))
        .arg("export")
        .output()
        .expect("run");
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(!logs.trim().is_empty(), "some log lines at info");
    for line in logs.lines() {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        assert!(v["level"].is_string() && v["message"].is_string(), "{line}");
    }

    // A database from a newer greffier: refused, not a byte changed.
    let newer = s.dir.join("newer.sqlite");
    std::fs::copy(&copy, &newer).expect("copy");
    {
        let c = rusqlite::Connection::open(&newer).expect("open");
        c.execute("INSERT INTO schema_migrations (version) VALUES (999)", [])
            .expect("a future migration");
    }
    let bytes = std::fs::read(&newer).expect("read");
    let out = crate::support::run_with(&s.config(), &newer, &["export"], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("schema version 999, newer than this greffier knows"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&newer).expect("read"), bytes);
}

/// Today's binary on the database of every earlier schema
/// (storage/tests/fixtures/schemas; storage/tests/upgrades.rs checks the
/// rows): it upgrades and exports it.
#[test]
fn the_binary_upgrades_every_earlier_schema() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("storage/tests/fixtures/schemas");
    let s = Scratch::new("upgrade-cli", "[bot]\n");
    let mut seen = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("the fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sqlite"))
        .collect();
    entries.sort();
    for fixture in entries {
        let copy = s.dir.join(fixture.file_name().expect("a name"));
        std::fs::copy(&fixture, &copy).expect("copy");
        let groups: i64 = rusqlite::Connection::open(&copy)
            .expect("open")
            .query_row("SELECT COUNT(*) FROM groups", [], |r| r.get(0))
            .expect("groups");
        let out = crate::support::run_with(&s.config(), &copy, &["export"], b"");
        crate::support::assert_clean(&out);
        let export: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(
            export["groups"].as_array().map(Vec::len),
            Some(groups as usize),
            "{}",
            fixture.display()
        );
        seen += 1;
    }
    assert!(seen >= 12, "{seen} fixtures");
}

/// Issue 39: `check-config` (which the unit runs before `run`) fails on a
/// file bot.toml names that cannot be read — a password file, a DKIM key
/// that is not one — naming the key; it warns when nobody is an admin.
#[test]
fn check_config_reads_the_files_it_names_and_warns_without_admins() {
    let s = Scratch::new(
        "check-files",
        "[bot]\nadmins = [\"@a:example.test\"]\n\n[matrix]\nhomeserver = \"http://127.0.0.1:8008\"\nuser = \"@bot:example.test\"\npassword_file = \"matrix-password\"\n",
    );
    let out = s.run(&["check-config"], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("matrix.password_file: cannot read ") && stderr.contains("matrix-password"),
        "{stderr}"
    );
    std::fs::write(s.dir.join("matrix-password"), "secret\n").expect("write");
    let out = s.run(&["check-config"], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A DKIM key that is not one.
    let s = Scratch::new(
        "check-dkim",
        "[bot]\nadmins = []\n\n[mail]\naddress = \"g@example.test\"\nimap_host = \"127.0.0.1\"\nimap_port = 143\nimap_tls = \"none\"\nimap_user = \"g\"\nimap_password = \"p\"\nsmtp_host = \"127.0.0.1\"\nsmtp_port = 25\nsmtp_tls = \"none\"\ndkim = { selector = \"greffier\", key_file = \"dkim.pem\" }\n",
    );
    std::fs::write(s.dir.join("dkim.pem"), "not a key\n").expect("write");
    let out = s.run(&["check-config"], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("mail.dkim: ") && stderr.contains("not an RSA or Ed25519 private key"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ATTENTION : ") && stderr.contains("bot.admins est vide"),
        "{stderr}"
    );
    // The key greffier writes passes.
    std::fs::remove_file(s.dir.join("dkim.pem")).expect("remove");
    let key = s.dir.join("dkim.pem");
    let out = s.run(
        &[
            "dkim",
            "generate",
            "--selector",
            "greffier",
            "--domain",
            "example.test",
            "--key-file",
            key.to_str().expect("a path"),
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("greffier._domainkey.example.test. IN TXT ( \"v=DKIM1; k=rsa; p=")
    );
    let out = s.run(&["check-config"], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 39: `greffier backup` without a file (the package's daily timer)
/// writes a dated copy in [backup]'s folder and keeps the `keep` newest;
/// `status` says when the last one was taken.
#[test]
fn backups_into_a_folder_keep_the_newest() {
    let s = Scratch::new(
        "backup-rotate",
        "[bot]\nadmins = [\"@alice:example.test\"]\n\n[backup]\ndir = \"copies\"\nkeep = 2\n",
    );
    s.console("@alice:example.test", &["!moi organisation Arles"]);
    for _ in 0..3 {
        let out = s.run(&["backup"], b"");
        crate::support::assert_clean(&out);
        // The copies are named to the second.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let mut copies: Vec<String> = std::fs::read_dir(s.dir.join("copies"))
        .expect("the folder")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    copies.sort();
    assert_eq!(copies.len(), 2, "{copies:?}");
    assert!(
        copies
            .iter()
            .all(|c| c.starts_with("greffier-") && c.ends_with(".sqlite"))
    );
    let out = s.run(&["backup"], b"");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("2 copies gardées, 1 ancienne retirée"),
        "{said}"
    );
    let out = s.run(&["status"], b"");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("sauvegardes : la dernière copie date d'il y a"),
        "{said}"
    );
    // Without [backup], a file must be named.
    let s = Scratch::new("backup-nofile", "[bot]\n");
    let out = s.run(&["backup"], b"");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("pas de section [backup]"),
        "{out:?}"
    );
}
