//! The code greffier runs, gathered at the front of its executable
//! (`bench/run layout`; docs/benchmarks.md, "Code layout").
//!
//! The kernel maps a program's code 64 KiB at a time around each page that
//! runs (when those pages are in the page cache: "fault-around"), and reads
//! ahead around a missing one, so code that runs spread over the whole
//! 21 MiB executable keeps most of it resident. This run starts the release
//! greffier as the peers run does (the network in its database, a user in a
//! room) with the page cache emptied and no read-ahead on the
//! disk that holds it (root; put back at the end), so that only the pages
//! its code touches become resident; has it answer the commands people use
//! most; reads which pages of its code are resident (/proc/PID/pagemap);
//! and writes the functions on those pages, in the executable's order, to
//! target/layout/greffier.order. `scripts/package` runs this on the release
//! binary it packages, then links it again with `GREFFIER_LAYOUT` naming
//! the file: build.rs hands it to the linker (`--symbol-ordering-file`),
//! which places those functions first. A function the file names that a
//! build no longer has is skipped; one it does not name keeps its place
//! after them.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Context as _;
use greffier_testkit::matrix::{Servers, User, register};

use crate::matrix::{members, until_answered};
use crate::procs::{Child, sibling};
use crate::scale::{self, Size};

/// What the user types: the commands of a day (and one mistyped).
const TEXTS: [&str; 8] = [
    "!ping",
    "!moi",
    "!aide",
    "!aide groupe",
    "!groupe liste",
    "!groupe info groupe-00001",
    "!reunion liste",
    "!groupe rejoindr",
];

/// Where the functions are written, under the repository's root: not in
/// the source tree (their names carry the hashes of this very build).
pub const ORDER: &str = "target/layout/greffier.order";

pub async fn run(dir: &Path, size: Size) -> anyhow::Result<()> {
    let servers = Servers::get();
    let exe = sibling("greffier")?;
    let _no_read_ahead = NoReadAhead::on_disk_of(&exe)?;
    empty_page_cache()?;
    let greffier_db = scale::database(dir, "greffier.db", size)?;
    let users: Vec<User> = vec![User::new().await];
    crate::peers::link(&greffier_db, &users, size)?;
    let (bot_id, bot_password) = register("layoutbot").await;
    crate::peers::write_bot_toml(dir, &bot_id)?;
    let mut bot = Child::spawn(
        &exe,
        &["--config", "bot.toml", "run"],
        &[("GREFFIER_BENCH_PASSWORD", bot_password.as_str())],
        dir,
        &dir.join("greffier.log"),
    )?;
    bot.wait_log("first Matrix sync", Duration::from_secs(120))
        .await?;
    let room = users[0].create_room(false, &[&bot_id]).await;
    let members = members(users);
    for text in TEXTS {
        until_answered(&members[0], &members[0].arrivals, &room, text, true)
            .await
            .with_context(|| bot.log())?;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;

    let pages = resident_code_pages(bot.pid())?;
    let functions = functions_on(&exe, &pages)?;
    let out = servers.root.join(ORDER);
    std::fs::create_dir_all(out.parent().expect("a parent"))?;
    let mut text = String::from(
        "# The functions greffier's code ran in a `bench/run layout` run, placed\n\
         # first when a release build is linked with GREFFIER_LAYOUT naming this file\n\
         # (scripts/package; build.rs). Written by `bench/run layout`.\n",
    );
    for f in &functions {
        text.push_str(&f.name);
        text.push('\n');
    }
    std::fs::write(&out, text)?;
    let code: u64 = functions.iter().map(|f| f.size).sum();
    println!(
        "| resident code pages | functions on them | their size | written to |\n| --- | --- | --- | --- |\n| {} ({:.1} MiB) | {} | {:.1} MiB | {} |",
        pages.len(),
        pages.len() as f64 * 4096.0 / 1048576.0,
        functions.len(),
        code as f64 / 1048576.0,
        out.strip_prefix(&servers.root).unwrap_or(&out).display(),
    );
    Ok(())
}

/// The read-ahead of the disk holding a file set to none, and put back
/// when dropped (`/sys/class/bdi/MAJOR:MINOR/read_ahead_kb`).
struct NoReadAhead {
    setting: std::path::PathBuf,
    was: String,
}

impl NoReadAhead {
    fn on_disk_of(file: &Path) -> anyhow::Result<NoReadAhead> {
        use std::os::unix::fs::MetadataExt as _;
        let dev = std::fs::metadata(file)?.dev();
        // Linux's encoding of a device number (glibc's major() and minor()).
        let major = ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff);
        let minor = ((dev >> 12) & 0xffff_ff00) | (dev & 0xff);
        let setting =
            std::path::PathBuf::from(format!("/sys/class/bdi/{major}:{minor}/read_ahead_kb"));
        let was = std::fs::read_to_string(&setting).with_context(|| {
            format!(
                "{}: the read-ahead of the disk holding {} (a block device's; \
                 build in a directory on one)",
                setting.display(),
                file.display()
            )
        })?;
        std::fs::write(&setting, "0")
            .with_context(|| format!("{}: writing it needs root", setting.display()))?;
        Ok(NoReadAhead { setting, was })
    }
}

impl Drop for NoReadAhead {
    fn drop(&mut self) {
        if let Err(e) = std::fs::write(&self.setting, self.was.trim()) {
            eprintln!(
                "could not put back {} to {}: {e}",
                self.setting.display(),
                self.was.trim()
            );
        }
    }
}

/// The page cache emptied (after a `sync`: the linker has just written
/// the executable), so that no page of the executable is in it: the
/// kernel's own switch, `/proc/sys/vm/drop_caches` (root).
fn empty_page_cache() -> anyhow::Result<()> {
    let synced = Command::new("sync").status().context("sync")?;
    anyhow::ensure!(synced.success(), "sync failed");
    std::fs::write("/proc/sys/vm/drop_caches", "1")
        .context("/proc/sys/vm/drop_caches: writing it needs root")?;
    Ok(())
}

/// A code page of the executable: its virtual address (as linked).
type Page = u64;

/// The pages of the executable's code resident in process `pid`, as
/// addresses of the executable (the link-time addresses: greffier is a
/// position-independent executable, mapped at a base).
fn resident_code_pages(pid: u32) -> anyhow::Result<Vec<Page>> {
    let exe = std::fs::read_link(format!("/proc/{pid}/exe"))?;
    let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))?;
    let mut pagemap = std::fs::File::open(format!("/proc/{pid}/pagemap"))?;
    let mut base = None;
    let mut pages = Vec::new();
    for line in maps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() < 6 || Path::new(fields[5]) != exe {
            continue;
        }
        let (start, end) = fields[0].split_once('-').context("maps: a range")?;
        let (start, end) = (
            u64::from_str_radix(start, 16)?,
            u64::from_str_radix(end, 16)?,
        );
        // The first mapping starts at file offset 0: the base.
        let base = *base.get_or_insert(start);
        if !fields[1].contains('x') {
            continue;
        }
        let count = ((end - start) / 4096) as usize;
        let mut entries = vec![0u8; count * 8];
        pagemap.seek(SeekFrom::Start(start / 4096 * 8))?;
        pagemap.read_exact(&mut entries)?;
        for (i, entry) in entries.chunks_exact(8).enumerate() {
            let entry = u64::from_le_bytes(entry.try_into().expect("8 bytes"));
            if entry >> 63 == 1 {
                pages.push(start - base + i as u64 * 4096);
            }
        }
    }
    anyhow::ensure!(
        !pages.is_empty(),
        "no code page of {} resident",
        exe.display()
    );
    Ok(pages)
}

struct Function {
    name: String,
    size: u64,
}

/// A function of the executable: where it starts, its size, its name.
struct Symbol {
    address: u64,
    function: Function,
}

/// The functions of `exe`, from its symbol table (read with `nm`).
fn functions_of(exe: &Path) -> anyhow::Result<Vec<Symbol>> {
    let out = Command::new("nm")
        .args(["--defined-only", "--print-size"])
        .arg(exe)
        .output()
        .context("nm (binutils) reads the executable's symbols")?;
    anyhow::ensure!(out.status.success(), "nm failed on {}", exe.display());
    let mut symbols = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [address, size, kind, name] = fields[..] else {
            continue;
        };
        if !matches!(kind, "t" | "T" | "w" | "W") {
            continue;
        }
        let (Ok(address), Ok(size)) = (
            u64::from_str_radix(address, 16),
            u64::from_str_radix(size, 16),
        ) else {
            continue;
        };
        if size > 0 {
            symbols.push(Symbol {
                address,
                function: Function {
                    name: name.to_string(),
                    size,
                },
            });
        }
    }
    Ok(symbols)
}

/// The functions of `exe` with a byte on one of `pages`, in address order.
fn functions_on(exe: &Path, pages: &[Page]) -> anyhow::Result<Vec<Function>> {
    let resident: std::collections::HashSet<Page> = pages.iter().copied().collect();
    let mut found: Vec<Symbol> = functions_of(exe)?
        .into_iter()
        .filter(|s| {
            let first = s.address / 4096;
            let last = (s.address + s.function.size - 1) / 4096;
            (first..=last).any(|p| resident.contains(&(p * 4096)))
        })
        .collect();
    found.sort_by_key(|s| s.address);
    Ok(found.into_iter().map(|s| s.function).collect())
}

/// How many of the functions the layout file names (`GREFFIER_LAYOUT`, or
/// [`ORDER`] under `root`) the release greffier has, and how many it
/// names: all of them when the binary was linked with the file measured on
/// it (`scripts/package`).
pub fn order_found(root: &Path) -> anyhow::Result<(usize, usize)> {
    let file = match std::env::var_os("GREFFIER_LAYOUT") {
        Some(f) if !f.is_empty() => std::path::PathBuf::from(f),
        _ => root.join(ORDER),
    };
    let order = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let named: Vec<&str> = order
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let have: std::collections::HashSet<String> = functions_of(&sibling("greffier")?)?
        .into_iter()
        .map(|s| s.function.name)
        .collect();
    let found = named.iter().filter(|n| have.contains(**n)).count();
    Ok((found, named.len()))
}
