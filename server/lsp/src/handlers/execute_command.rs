//! `workspace/executeCommand`: `iam-lsp.simulate` (one argument, a scenario object as
//! `iam-lsp simulate` reads; policy paths relative to the workspace root) and
//! `iam-lsp.explain` (the AccessDenied message, and optionally the directory whose policies
//! to evaluate it against; the workspace root when omitted). The answers are what the CLI's
//! `--format json` prints.

use std::path::PathBuf;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::server::{guard, Backend};
use crate::simulate;

pub(super) const COMMANDS: [&str; 2] = ["iam-lsp.simulate", "iam-lsp.explain"];

pub(super) fn execute_command(backend: &Backend, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
    let root = backend.root();
    let arguments = params.arguments;
    let answer = match params.command.as_str() {
        "iam-lsp.simulate" => {
            let Some(scenario) = arguments.first() else {
                return Err(Error::invalid_params("iam-lsp.simulate takes a scenario object"));
            };
            let base = root.unwrap_or_else(|| PathBuf::from("."));
            guard("iam-lsp.simulate", || simulate::simulate_value(scenario, &base))?
        }
        "iam-lsp.explain" => {
            let Some(message) = arguments.first().and_then(|m| m.as_str()) else {
                return Err(Error::invalid_params("iam-lsp.explain takes the AccessDenied message as a string"));
            };
            let workspace = arguments.get(1).and_then(|d| d.as_str()).map(PathBuf::from).or(root);
            guard("iam-lsp.explain", || simulate::explain_value(message, workspace.as_deref()))?
        }
        other => {
            return Err(Error::invalid_params(format!(
                "unknown command `{other}`; iam-lsp runs {}",
                COMMANDS.join(", ")
            )))
        }
    };
    answer.map(Some).map_err(Error::invalid_params)
}
