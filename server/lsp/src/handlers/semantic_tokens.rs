//! `textDocument/semanticTokens/full`: prefixes, actions, ARN parts, operators, keys.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{guard, Backend};

pub(crate) fn semantic_tokens_full(
    backend: &Backend,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>> {
    let snapshot = backend.snapshot(&params.text_document.uri)?;
    let doc = &snapshot.document;
    let encoding = backend.encoding();
    guard("semantic tokens", || {
        let tokens = iam_analysis::semantic_tokens::semantic_tokens(doc);
        Some(SemanticTokensResult::Tokens(SemanticTokens {
            result_id: None,
            data: convert::semantic_tokens(doc, &tokens, encoding),
        }))
    })
}
