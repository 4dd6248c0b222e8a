//! The processes a benchmark runs or watches: the release `greffier`, the
//! relay, Synapse; their resident memory read from /proc.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context as _;

/// Resident memory of a process, in KiB: now (VmRSS) and its peak since it
/// started (VmHWM).
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub rss_kib: u64,
    pub peak_kib: u64,
    /// Of the resident memory: the process's own (heap, stacks), and the
    /// pages of files it maps (its code, shared with other processes).
    pub anon_kib: u64,
    pub file_kib: u64,
}

/// What a burst samples: a resident size in KiB, 0 for a process gone.
pub type Probe = std::sync::Arc<dyn Fn() -> u64 + Send + Sync>;

impl Memory {
    /// The resident size of `pid`, sampled.
    pub fn rss_probe(pid: u32) -> Probe {
        std::sync::Arc::new(move || Memory::of(pid).map_or(0, |m| m.rss_kib))
    }

    pub fn of(pid: u32) -> Option<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        };
        Some(Memory {
            rss_kib: field("VmRSS:")?,
            peak_kib: field("VmHWM:")?,
            anon_kib: field("RssAnon:").unwrap_or(0),
            file_kib: field("RssFile:").unwrap_or(0),
        })
    }
}

/// MiB, to one decimal.
pub fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// Synapse's process, from the pid file `scripts/servers` writes.
pub fn synapse_pid(root: &Path) -> anyhow::Result<u32> {
    let file = root.join(".local/synapse/pid");
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("{}: is Synapse running?", file.display()))?;
    text.trim()
        .parse()
        .with_context(|| format!("{}: not a pid", file.display()))
}

/// A program built beside this one (`target/release/NAME`).
pub fn sibling(name: &str) -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let path = me.with_file_name(name);
    anyhow::ensure!(
        path.exists(),
        "{}: missing; bench/run builds it (cargo build --release)",
        path.display()
    );
    Ok(path)
}

/// A child process with its stderr in a log file, stopped with SIGTERM.
pub struct Child {
    child: tokio::process::Child,
    log: PathBuf,
}

impl Child {
    pub fn spawn(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        dir: &Path,
        log: &Path,
    ) -> anyhow::Result<Child> {
        let file = std::fs::File::create(log)?;
        let mut command = tokio::process::Command::new(program);
        command
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(file)
            .kill_on_drop(true);
        for (k, v) in env {
            command.env(k, v);
        }
        let child = command
            .spawn()
            .with_context(|| format!("cannot start {}", program.display()))?;
        Ok(Child {
            child,
            log: log.to_path_buf(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    pub fn memory(&self) -> Memory {
        Memory::of(self.pid()).unwrap_or_default()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log holds `what`; an error if the process exits or
    /// `patience` passes first.
    pub async fn wait_log(&mut self, what: &str, patience: Duration) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + patience;
        while !self.log().contains(what) {
            if let Some(status) = self.child.try_wait()? {
                anyhow::bail!("exited ({status}) before {what:?}:\n{}", self.log());
            }
            anyhow::ensure!(
                tokio::time::Instant::now() < deadline,
                "no {what:?} within {patience:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    /// SIGTERM, and the exit.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let pid = self.pid().to_string();
        tokio::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await?;
        tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .context("no exit within 20 s of SIGTERM")??;
        Ok(())
    }
}

/// A scratch directory, removed on drop.
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> anyhow::Result<Scratch> {
        let dir =
            std::env::temp_dir().join(format!("greffier-bench-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        Ok(Scratch { dir })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
