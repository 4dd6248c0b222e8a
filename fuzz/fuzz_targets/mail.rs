//! Any bytes delivered to the bot's mailbox: the whole path after IMAP
//! (MIME, charsets, loop safety, RSVP matching, commands, storage, queued
//! answers) on a database with known senders and an upcoming meeting;
//! never a panic, never a storage error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &[u8]| {
    greffier_fuzz::mail(raw);
});
