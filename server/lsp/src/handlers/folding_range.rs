//! `textDocument/foldingRange`: every object and array that spans lines.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{guard, Backend};

pub(super) fn folding_range(backend: &Backend, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
    let snapshot = backend.snapshot(&params.text_document.uri)?;
    let doc = &snapshot.document;
    let encoding = backend.encoding();
    guard("folding ranges", || {
        let folds = iam_analysis::symbols::folding_ranges(doc)
            .into_iter()
            .map(|r| {
                let range = convert::range(doc, r, encoding);
                FoldingRange {
                    start_line: range.start.line,
                    end_line: range.end.line,
                    kind: Some(FoldingRangeKind::Region),
                    ..Default::default()
                }
            })
            .collect();
        Some(folds)
    })
}
