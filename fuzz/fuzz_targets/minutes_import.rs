//! Any text given to `greffier import-minutes`: parsed, imported into a
//! fresh database, imported a second time (which must change nothing) and
//! every meeting written back as a compte rendu; never a panic, never a
//! storage error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    greffier_fuzz::minutes_import(text);
});
