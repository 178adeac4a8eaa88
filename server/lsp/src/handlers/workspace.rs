//! `workspace/didChangeConfiguration` and `workspace/didChangeWatchedFiles`: settings
//! changed, so every open document gets a new snapshot under the new options.

use tower_lsp_server::ls_types::*;

use crate::handlers::diagnostics;
use crate::server::Backend;

pub(super) async fn reanalyze_all(backend: &Backend, error: Option<String>) {
    if let Some(error) = error {
        backend.client.show_message(MessageType::ERROR, format!("iam-lsp: {error}; using the other settings")).await;
    }
    for uri in backend.documents.uris() {
        let options = backend.options(&uri);
        if backend.documents.reanalyze(&uri, &options).is_some() {
            diagnostics::check_in_background(backend, uri);
        }
    }
    let support = backend.support();
    if support.pull_diagnostics && support.diagnostic_refresh {
        // Not awaited: the client answers while this server handles other messages.
        let client = backend.client.clone();
        tokio::spawn(async move {
            let _ = client.workspace_diagnostic_refresh().await;
        });
    }
}
