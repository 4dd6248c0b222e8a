//! What `greffier status` says of the list server, from the bot's own
//! records (status asks no server: `check-config --online` does): the
//! engine and its domain, what waits for it in the outbox, and a critical
//! problem when an item has waited longer than half an hour — the server
//! refuses or does not answer, and each try is in the journal.

use greffier_commands::{Channel, tr, words};
use jiff::SignedDuration;

use crate::config::Config;
use crate::plugin::{Checkup, Said, age};

use super::Settings;

/// How long a lists item may wait before the server is said not to take
/// it (the outbox tries again within minutes).
const LATE: SignedDuration = SignedDuration::from_secs(30 * 60);

pub fn health(config: &Config, checkup: &Checkup<'_>) -> Vec<Said> {
    let Some(cfg) = config.section::<Settings>() else {
        return Vec::new();
    };
    let lang = checkup.lang;
    let engine = cfg.engine().name();
    let domain = &cfg.domain;
    let waiting = checkup
        .health
        .waiting
        .iter()
        .find(|w| w.channel == Channel::LISTS.as_str());
    let Some(w) = waiting else {
        return vec![Said::Line(tr!(
            lang,
            "lists : {engine} ({domain}), rien en attente",
            "lists: {engine} ({domain}), nothing waiting"
        ))];
    };
    let items = words::number(lang, usize::try_from(w.items).unwrap_or(0));
    let oldest = checkup.since(&Some(w.oldest.clone()));
    let ago = oldest.map(|o| age(lang, o)).unwrap_or_default();
    let mut said = vec![Said::Line(tr!(
        lang,
        "lists : {engine} ({domain}), {items} en attente depuis {ago}",
        "lists: {engine} ({domain}), {items} waiting for {ago}"
    ))];
    said.extend(checkup.silence(
        oldest,
        LATE,
        |silent| {
            tr!(
                lang,
                "{engine} ne prend pas ce que le greffier lui envoie depuis {silent} (voir le journal)",
                "{engine} has not taken what greffier sends it for {silent} (see the log)"
            )
        },
        String::new,
    ));
    said
}
