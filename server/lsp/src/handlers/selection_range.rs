//! `textDocument/selectionRange`: string, member, statement, array, policy, for each
//! position, all from the one syntax tree of the version.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::server::{guard, Backend};

pub(super) fn selection_range(backend: &Backend, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
    let snapshot = backend.snapshot(&params.text_document.uri)?;
    let doc = &snapshot.document;
    let encoding = backend.encoding();
    guard("selection ranges", || {
        let ranges = params
            .positions
            .iter()
            .map(|position| {
                let offset = convert::offset(doc, *position, encoding);
                let chain = iam_analysis::symbols::selection_ranges(doc, offset);
                // Outermost first, each the parent of the next.
                let mut selection: Option<SelectionRange> = None;
                for r in chain.iter().rev() {
                    selection = Some(SelectionRange {
                        range: convert::range(doc, *r, encoding),
                        parent: selection.map(Box::new),
                    });
                }
                selection.unwrap_or(SelectionRange { range: Range { start: *position, end: *position }, parent: None })
            })
            .collect();
        Some(ranges)
    })
}
