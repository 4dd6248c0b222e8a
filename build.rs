//! Records the git commit the binary is built from, for `greffier
//! --version` (and `greffier status`): `GREFFIER_COMMIT` when the builder
//! sets it (a build outside a clone), else `git rev-parse`, else "unknown".

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
}
