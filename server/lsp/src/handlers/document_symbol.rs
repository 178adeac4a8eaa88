//! `textDocument/documentSymbol`: the outline, statements with their elements.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{guard, Backend};

pub(crate) fn document_symbol(
    backend: &Backend,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    let snapshot = backend.snapshot(&params.text_document.uri)?;
    let doc = &snapshot.document;
    let encoding = backend.encoding();
    guard("document symbols", || {
        let symbols = iam_analysis::symbols::document_symbols(doc);
        Some(DocumentSymbolResponse::Nested(symbols.into_iter().map(|s| convert::symbol(doc, s, encoding)).collect()))
    })
}
