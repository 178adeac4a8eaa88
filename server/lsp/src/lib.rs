//! The `iam-lsp` binary's pieces as a library, so that the fuzz targets (`server/fuzz`)
//! drive the same document store the server uses.
//!
//! The path of a message: [`wire`] (document notifications in wire order) → [`handlers`]
//! (one file per request) → the analysis library, reading the version's
//! [`iam_analysis::Document`] kept in [`documents`] → [`convert`] → [`output`].

// stdout carries the protocol when serving: nothing may print to it by accident.
#![deny(clippy::print_stdout)]

pub mod capabilities;
pub mod cli;
pub mod config;
pub mod convert;
pub mod cross_file;
pub mod documents;
pub mod handlers;
pub mod module_reads;
pub mod output;
pub mod server;
pub mod simulate;
pub mod statement_scenario;
#[cfg(unix)]
pub mod stdio;
pub mod transport;
pub mod unresolved;
pub mod wire;
pub mod workspace_policies;
