//! Minutes (comptes rendus): reading the network's past minutes into the
//! store ([`parse`], [`import`]) and writing the next one ([`render`]).

pub mod import;
pub mod names;
pub mod parse;
pub mod pdf_table;
pub mod projects;
pub mod render;
