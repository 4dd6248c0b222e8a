//! For the crash tests: `GREFFIER_FAILPOINT=<name>` makes the process die
//! at the named point, as a power cut would.

pub fn reached(name: &str) {
    if std::env::var("GREFFIER_FAILPOINT").is_ok_and(|v| v == name) {
        tracing::error!(failpoint = name, "failpoint reached: aborting");
        std::process::abort();
    }
}
