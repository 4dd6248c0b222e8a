//! Stamps the commit a package is built from, for `greffier --version`
//! (and `greffier status`): `GREFFIER_COMMIT`, which `scripts/package` sets
//! from git. Without it (a developer's or the tests' build) the version
//! says "development build": reading git here made every commit rebuild the
//! crate and relink every test binary, and a clone without
//! `.git/packed-refs` reran this script at every build (issue 35).
//!
//! And links the release `greffier` so that it keeps less of itself in
//! memory (docs/benchmarks.md, "Code layout"): the functions a run uses
//! first (layout/greffier.order, written by `bench/run layout`), and its
//! relocations packed (DT_RELR: 14 KiB read at start instead of 1.1 MiB).

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
