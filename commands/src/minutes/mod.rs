//! Minutes (comptes rendus): reading the network's past minutes into the
//! store ([`parse`], [`import`]), writing the next one ([`render`]), and
//! the record: the approved text, frozen ([`record`]).

pub mod import;
pub mod names;
pub mod parse;
pub mod pdf_table;
pub mod problem;
pub mod projects;
pub mod record;
pub mod render;
