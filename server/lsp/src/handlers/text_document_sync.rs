//! `textDocument/didOpen`, `didChange`, `didClose`: applied by [`crate::wire`] in the order
//! they arrive, before any later message is handled. Each new version is checked in the
//! background ([`diagnostics::check_in_background`]); requests read its syntax at once.

use tower_lsp_server::ls_types::*;

use crate::documents::Change;
use crate::handlers::diagnostics::{self, PUBLISH_DIAGNOSTICS};
use crate::server::Backend;

pub(crate) fn did_open(backend: &Backend, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    backend.forget_module_kind(&doc.uri);
    let options = backend.options(&doc.uri);
    backend.documents.open(doc.uri.clone(), &doc.text, doc.version, &options);
    crate::cross_file::scp_changed(backend, &doc.uri);
    diagnostics::check_in_background(backend, doc.uri);
}

pub(crate) fn did_change(backend: &Backend, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let changes = params.content_changes.into_iter().map(|c| Change { range: c.range, text: c.text }).collect();
    let options = backend.options(&uri);
    let changed = backend.documents.change(&uri, params.text_document.version, changes, backend.encoding(), &options);
    if changed.is_some() {
        crate::cross_file::scp_changed(backend, &uri);
        diagnostics::check_in_background(backend, uri);
    } else {
        let client = backend.client.clone();
        tokio::spawn(async move {
            let message = format!("iam-lsp: didChange for a document that is not open: {}", uri.as_str());
            client.log_message(MessageType::WARNING, message).await;
        });
    }
}

pub(crate) fn did_close(backend: &Backend, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    backend.documents.close(&uri);
    // The SCP on disk counts again.
    crate::cross_file::scp_changed(backend, &uri);
    // Through the outbox, as every `publishDiagnostics`: after any queued for the document
    // (a check that ends later sees the document gone and publishes nothing).
    let params = PublishDiagnosticsParams { uri, diagnostics: Vec::new(), version: None };
    backend.outbox.notify(PUBLISH_DIAGNOSTICS, &params);
}
