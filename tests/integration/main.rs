//! Integration tests: the `greffier` binary driven as its users drive it.
//! One test binary, a module per area.

mod catalogue;
mod cli;
mod console;
mod corpus;
mod digests;
mod directory;
mod dkim;
mod faults;
mod hostile;
mod lists;
mod mail;
mod mailserver;
mod matrix;
mod meetings;
mod minutes;
mod online;
mod organisations;
mod polls;
mod provisioning;
mod red_team;
mod seance;
mod secrets;
mod support;
mod sympa;
mod synapse;
mod trust;
mod web;
