//! `textDocument/codeLens`: a "Simulate" lens on each statement of a policy. The lens
//! carries only the statement's position; building its request and scenario (which reads
//! the workspace's configuration and lists its files) waits for `codeLens/resolve`
//! ([`super::code_lens_resolve`]), for the lenses the editor shows.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::Backend;

pub(super) fn code_lens(backend: &Backend, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let snapshot = backend.snapshot(&uri)?;
    let doc = &snapshot.document;
    let Some(policy) = doc.policy() else { return Ok(None) };
    let encoding = backend.encoding();
    let lenses = policy
        .statements
        .iter()
        .filter(|s| s.action.is_some() || s.not_action.is_some())
        .map(|s| {
            // One line: the statement's first.
            let start = convert::position(doc, s.object.range.start, encoding);
            CodeLens {
                range: Range { start, end: start },
                command: None,
                data: Some(serde_json::json!({ "uri": uri.as_str(), "index": s.index, "version": snapshot.version })),
            }
        })
        .collect();
    Ok(Some(lenses))
}
