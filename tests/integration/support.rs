//! Running the built binary in a scratch directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_greffier");

/// A scratch directory with a bot.toml, removed on drop.
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new(name: &str, config: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("greffier-it-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        std::fs::write(dir.join("bot.toml"), config).expect("bot.toml");
        Scratch { dir }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.join("bot.toml")
    }

    /// `greffier --config <scratch>/bot.toml ARGS` with `stdin` as input.
    pub fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        run_with(&self.config(), &self.dir.join("greffier.db"), args, stdin)
    }

    /// The console as `who`, one command per line; returns stdout.
    pub fn console(&self, who: &str, lines: &[&str]) -> String {
        let mut input = lines.join("\n").into_bytes();
        input.push(b'\n');
        let out = self.run(&["console", "--as", who], &input);
        assert_clean(&out);
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    pub fn export(&self) -> serde_json::Value {
        let out = self.run(&["export", "--json"], b"");
        assert_clean(&out);
        serde_json::from_slice(&out.stdout).expect("export is JSON")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn run_with(config: &Path, database: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .arg("--config")
        .arg(config)
        .arg("--database")
        .arg(database)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn greffier");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().expect("wait greffier");
    writer.join().expect("stdin writer");
    out
}

/// Exit 0 and no panic.
pub fn assert_clean(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "greffier failed: {stderr}");
    assert!(!stderr.contains("panicked"), "greffier panicked: {stderr}");
}
