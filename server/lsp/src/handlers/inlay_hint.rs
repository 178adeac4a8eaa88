//! `textDocument/inlayHint`: how many actions a wildcard grants (and, when asked, each
//! action's access level).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{guard, Backend};

pub(super) fn inlay_hint(backend: &Backend, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
    let snapshot = backend.snapshot(&params.text_document.uri)?;
    let doc = &snapshot.document;
    let encoding = backend.encoding();
    let (enabled, access_levels) = backend.inlay_settings();
    if !enabled {
        return Ok(None);
    }
    guard("inlay hints", || {
        let range = convert::text_range(doc, params.range, encoding);
        let hints = iam_analysis::inlay_hints::inlay_hints(doc, range, access_levels)
            .into_iter()
            .map(|h| InlayHint {
                position: convert::position(doc, h.offset, encoding),
                label: InlayHintLabel::String(h.label),
                kind: None,
                text_edits: None,
                tooltip: None,
                padding_left: Some(true),
                padding_right: None,
                data: None,
            })
            .collect();
        Some(hints)
    })
}
