//! Any free-text answer to an invitation: only its new text kept, then
//! classified, never a panic.
#![no_main]

use greffier_commands::classify;
use greffier_commands::text::new_text;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &str| {
    let _ = classify(&new_text(body).join("\n"));
    let _ = classify(body);
});
