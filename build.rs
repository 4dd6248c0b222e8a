//! Stamps the commit a package is built from, for `greffier --version`
//! (and `greffier status`): `GREFFIER_COMMIT`, which `scripts/package` sets
//! from git. Without it (a developer's or the tests' build) the version
//! says "development build": reading git here made every commit rebuild the
//! crate and relink every test binary, and a clone without
//! `.git/packed-refs` reran this script at every build (issue 35).
//!
//! And links the release `greffier` so that it keeps less of itself in
//! memory (docs/benchmarks.md, "Code layout"): its relocations packed
//! (DT_RELR: 14 KiB read at start instead of 1.1 MiB) and, when
//! `GREFFIER_LAYOUT` names a file, the functions it lists placed first —
//! `scripts/package` measures them on the binary it packages (`bench/run
//! layout`) and links it again with them; no such file is kept in the
//! source tree, where its hash-bound names went stale at every change.

fn main() {
    println!("cargo:rerun-if-env-changed=GREFFIER_COMMIT");
    let stamp = match std::env::var("GREFFIER_COMMIT") {
        Ok(commit) if !commit.trim().is_empty() => format!("commit {}", commit.trim()),
        _ => "development build".to_string(),
    };
    println!("cargo:rustc-env=GREFFIER_BUILD={stamp}");
    link_layout();
}

fn link_layout() {
    println!("cargo:rerun-if-env-changed=GREFFIER_LAYOUT");
    if std::env::var("PROFILE").as_deref() != Ok("release")
        || std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux")
    {
        return;
    }
    println!("cargo:rustc-link-arg-bin=greffier=-Wl,-z,pack-relative-relocs");
    let Ok(order) = std::env::var("GREFFIER_LAYOUT") else {
        return;
    };
    if order.trim().is_empty() {
        return;
    }
    println!("cargo:rerun-if-changed={order}");
    let order =
        std::fs::canonicalize(&order).unwrap_or_else(|e| panic!("GREFFIER_LAYOUT={order}: {e}"));
    // Names the build no longer has are skipped without a word: the rest
    // keep their place.
    println!(
        "cargo:rustc-link-arg-bin=greffier=-Wl,--symbol-ordering-file={},--no-warn-symbol-ordering",
        order.display()
    );
}
