//! The `greffier` command: everything is in the library (`src/lib.rs`), so
//! that the fuzz targets (`fuzz/`) reach the same code as the bot.

fn main() -> std::process::ExitCode {
    greffier::main()
}
