//! Records the git commit the binary is built from, for `greffier
//! --version` (and `greffier status`): `GREFFIER_COMMIT` when the builder
//! sets it (a build outside a clone), else `git rev-parse`, else "unknown".
//!
//! And links the release `greffier` so that it keeps less of itself in
//! memory (docs/benchmarks.md, "Code layout"): the functions a run uses
//! first (layout/greffier.order, written by `bench/run layout`), and its
//! relocations packed (DT_RELR: 14 KiB read at start instead of 1.1 MiB).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=GREFFIER_COMMIT");
    // A new commit moves HEAD or the branch it points to.
    for file in [".git/HEAD", ".git/packed-refs"] {
        println!("cargo:rerun-if-changed={file}");
    }
    if let Ok(head) = std::fs::read_to_string(".git/HEAD")
        && let Some(branch) = head.trim().strip_prefix("ref: ")
    {
        println!("cargo:rerun-if-changed=.git/{branch}");
    }
    let commit = std::env::var("GREFFIER_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| {
            let out = Command::new("git")
                .args(["rev-parse", "--short=12", "HEAD"])
                .output()
                .ok()?;
            let commit = String::from_utf8(out.stdout).ok()?.trim().to_string();
            (out.status.success() && !commit.is_empty()).then_some(commit)
        })
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=GREFFIER_COMMIT={commit}");
    link_layout();
}

fn link_layout() {
    println!("cargo:rerun-if-changed=layout/greffier.order");
    if std::env::var("PROFILE").as_deref() != Ok("release")
        || std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux")
    {
        return;
    }
    println!("cargo:rustc-link-arg-bin=greffier=-Wl,-z,pack-relative-relocs");
    let order = std::path::Path::new("layout/greffier.order");
    if order.is_file() {
        // Names the build no longer has (code changed since the file was
        // written) are skipped without a word: the rest keep their place.
        println!(
            "cargo:rustc-link-arg-bin=greffier=-Wl,--symbol-ordering-file={},--no-warn-symbol-ordering",
            std::fs::canonicalize(order)
                .expect("layout/greffier.order")
                .display()
        );
    }
}
