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
        stdout.contains("OK (matrix: on, mail: on, 9 seed group(s)"),
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
        stderr.contains("neither [matrix] nor [mail] is configured"),
        "{stderr}"
    );
}

#[test]
fn console_refuses_a_bad_identity() {
    let s = Scratch::new("badid", "");
    let out = s.run(&["console", "--as", "nobody"], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--as \"nobody\""), "{stderr}");
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
