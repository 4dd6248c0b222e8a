//! Any line typed in a room or a mail: parsed, and a parse error rendered in
//! both languages, never a panic.
#![no_main]

use greffier_commands::Lang;
use greffier_commands::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    for prefix in ["!", "greffier:"] {
        if let Err(e) = parse(prefix, line) {
            for lang in [Lang::Fr, Lang::En] {
                assert!(!e.render(lang, prefix).is_empty());
            }
        }
    }
});
