//! For the crash tests: `GREFFIER_FAILPOINT=<name>` makes the process die
//! at the named point, as a power cut would.

pub fn reached(name: &str) {
    if std::env::var("GREFFIER_FAILPOINT").is_ok_and(|v| v == name) {
        tracing::error!(failpoint = name, "failpoint reached: aborting");
        std::process::abort();
    }
}

/// For the tests of what survives a panic: `GREFFIER_FAILPOINT=<name>`
/// makes the code panic at the named point.
pub fn panics(name: &str) {
    if std::env::var("GREFFIER_FAILPOINT").is_ok_and(|v| v == name) {
        tracing::error!(failpoint = name, "failpoint reached: panicking");
        panic!("failpoint {name}");
    }
}
