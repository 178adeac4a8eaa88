//! `textDocument/completion`: read from the version's syntax tree, without waiting for checks.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::capabilities::ClientSupport;
use crate::convert;
use crate::server::{guard, Backend};

pub(super) fn completion(backend: &Backend, params: CompletionParams) -> Result<Option<CompletionResponse>> {
    let position = params.text_document_position;
    let snapshot = backend.snapshot(&position.text_document.uri)?;
    let doc = &snapshot.document;
    let encoding = backend.encoding();
    let ClientSupport { snippets, markdown_completion: markdown, .. } = backend.support();
    guard("completion", || {
        let offset = convert::offset(doc, position.position, encoding);
        let items: Vec<CompletionItem> = iam_analysis::complete(doc, offset)
            .into_iter()
            .map(|item| convert::completion_item(doc, item, encoding, snippets, markdown))
            .collect();
        (!items.is_empty()).then_some(CompletionResponse::List(CompletionList { is_incomplete: false, items }))
    })
}
