//! The built `iam-lsp` binary, started as an editor starts it: stdio piped, stderr dropped.

use std::process::{Child, Command, Stdio};

pub fn spawn() -> Child {
    Command::new(env!("CARGO_BIN_EXE_iam-lsp"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start iam-lsp")
}
