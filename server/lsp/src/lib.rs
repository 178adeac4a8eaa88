//! The `iam-lsp` binary's pieces as a library, so that the fuzz targets (`server/fuzz`)
//! drive the same document store the server uses.

// stdout carries the protocol when serving: nothing may print to it by accident.
#![deny(clippy::print_stdout)]

pub mod cli;
pub mod config;
pub mod convert;
pub mod documents;
pub mod output;
pub mod server;
pub mod transport;
