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
    /// With `GREFFIER_KEEP_DATABASES=<dir>`, the scratch's database is
    /// copied there first (`<scratch name>.db`): the databases the suite
    /// filled, for comparing two builds' exports of them
    /// (docs/reliability.md, "The same export").
    fn drop(&mut self) {
        if let Some(keep) = std::env::var_os("GREFFIER_KEEP_DATABASES") {
            let db = self.dir.join("greffier.db");
            if let Some(name) = self.dir.file_name() {
                let _ = std::fs::create_dir_all(&keep);
                let kept = Path::new(&keep).join(name).with_extension("db");
                let _ = std::fs::remove_file(&kept);
                // A consistent copy, whatever the WAL still holds.
                if let Ok(conn) = rusqlite::Connection::open(&db) {
                    let _ = conn.execute("VACUUM INTO ?1", [kept.to_string_lossy()]);
                }
            }
        }
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

/// `greffier run` as a child process, in a scratch directory with its
/// bot.toml and database; each run's log kept for failure messages.
pub struct BotProcess {
    pub scratch: Scratch,
    env: Vec<(String, String)>,
    child: Option<tokio::process::Child>,
    runs: usize,
}

impl BotProcess {
    pub fn new(name: &str, config: &str, env: &[(&str, &str)]) -> BotProcess {
        BotProcess {
            scratch: Scratch::new(name, config),
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            child: None,
            runs: 0,
        }
    }

    fn log_path(&self, run: usize) -> PathBuf {
        self.scratch.dir.join(format!("run-{run}.log"))
    }

    pub fn start(&mut self) {
        self.start_with(&[]);
    }

    /// The value of an environment variable the bot is given.
    pub fn env_value(&self, key: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Starts with extra environment variables (a failpoint, say).
    pub fn start_with(&mut self, env: &[(&str, &str)]) {
        assert!(self.child.is_none(), "the bot is already running");
        self.runs += 1;
        let log = std::fs::File::create(self.log_path(self.runs)).expect("log file");
        let mut command = tokio::process::Command::new(BIN);
        command
            .arg("--config")
            .arg(self.scratch.config())
            .arg("run")
            .env(
                "RUST_LOG",
                "info,matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=warn",
            )
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true);
        for (k, v) in self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(env.iter().copied())
        {
            command.env(k, v);
        }
        self.child = Some(command.spawn().expect("spawn greffier run"));
    }

    /// The running bot's process id.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(|c| c.id())
    }

    /// SIGTERM, and wait for a clean exit.
    pub async fn stop(&mut self) {
        let mut child = self.child.take().expect("the bot is running");
        let pid = child.id().expect("pid").to_string();
        let _ = tokio::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await;
        let status = tokio::time::timeout(std::time::Duration::from_secs(20), child.wait())
            .await
            .expect("the bot stops within 20 s of SIGTERM")
            .expect("wait");
        assert!(
            status.success(),
            "the bot exited with {status}: {}",
            self.logs()
        );
    }

    /// SIGKILL, as a power cut would: no chance to finish anything.
    pub async fn kill(&mut self) {
        let mut child = self.child.take().expect("the bot is running");
        child.start_kill().expect("SIGKILL");
        let _ = child.wait().await;
    }

    /// Waits for the bot to exit by itself (a failpoint); returns whether it
    /// did so within `secs`.
    pub async fn wait_exit(&mut self, secs: u64) -> bool {
        let child = self.child.as_mut().expect("started");
        let exited = tokio::time::timeout(std::time::Duration::from_secs(secs), child.wait())
            .await
            .is_ok();
        if exited {
            self.child = None;
        }
        exited
    }

    /// Every run's log.
    pub fn logs(&self) -> String {
        (1..=self.runs)
            .map(|r| std::fs::read_to_string(self.log_path(r)).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n--- restart ---\n")
    }

    /// `greffier export --json` on the bot's database.
    pub fn export(&self) -> serde_json::Value {
        self.scratch.export()
    }

    /// Fails the test with the bot's logs unless it is still running.
    pub fn assert_running(&mut self) {
        let child = self.child.as_mut().expect("started");
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the bot exited ({status}): {}", self.logs());
        }
    }
}
