//! Any segments through Mailman's REST path builder
//! (`greffier::lists::mailman::path`): refused, or a path that reads back
//! as exactly those segments, with no dot segment; never a panic. A linked
//! address once became `../../<a list>` in a path (issue 34, case 1).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    greffier_fuzz::rest_path(input);
});
