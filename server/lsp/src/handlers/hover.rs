//! `textDocument/hover`: read from the version's syntax tree, without waiting for checks.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{guard, Backend};

pub(super) fn hover(backend: &Backend, params: HoverParams) -> Result<Option<Hover>> {
    let position = params.text_document_position_params;
    let snapshot = backend.snapshot(&position.text_document.uri)?;
    let doc = &snapshot.document;
    let encoding = backend.encoding();
    let markdown = backend.support().markdown_hover;
    guard("hover", || {
        let offset = convert::offset(doc, position.position, encoding);
        iam_analysis::hover(doc, offset).map(|h| Hover {
            contents: if markdown {
                HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: h.markdown })
            } else {
                HoverContents::Scalar(MarkedString::String(h.markdown))
            },
            range: Some(convert::range(doc, h.range, encoding)),
        })
    })
}
