//! `textDocument/codeAction`: the quick fixes of the diagnostics under the range (or named
//! by the client), then the refactors available there.

use std::collections::HashMap;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::handlers::diagnostics::checked;
use crate::server::{guard, Backend};

pub(super) async fn code_action(backend: &Backend, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    // The fixes come with the checks: wait for this version's (off this thread when large).
    let snapshot = checked(backend.snapshot(&uri)?).await;
    let doc = &snapshot.document;
    let encoding = backend.encoding();
    let document_changes = backend.support().document_changes;
    guard("code action", || {
        let analysis = doc.analysis()?;
        let wanted = convert::text_range(doc, params.range, encoding);
        // The diagnostics under the requested range, and those the client names (Neovim
        // sends the cursor line's, which may not overlap the cursor itself).
        let named = |d: &iam_analysis::Diagnostic| {
            params.context.diagnostics.iter().any(|c| {
                c.code == Some(NumberOrString::String(d.code.as_str().to_string()))
                    && c.range == convert::range(doc, d.range, encoding)
            })
        };
        let under = |d: &iam_analysis::Diagnostic| d.range.start <= wanted.end && wanted.start <= d.range.end;
        let workspace_edit = |fix: &iam_analysis::Fix| {
            let edits: Vec<TextEdit> = fix
                .edits
                .iter()
                .map(|e| TextEdit { range: convert::range(doc, e.range, encoding), new_text: e.new_text.clone() })
                .collect();
            if document_changes {
                WorkspaceEdit {
                    document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                        text_document: OptionalVersionedTextDocumentIdentifier {
                            uri: uri.clone(),
                            version: Some(snapshot.version),
                        },
                        edits: edits.into_iter().map(OneOf::Left).collect(),
                    }])),
                    ..Default::default()
                }
            } else {
                WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }
            }
        };
        let mut actions = Vec::new();
        for d in analysis.diagnostics.iter().filter(|d| under(d) || named(d)) {
            for fix in &d.fixes {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![convert::diagnostic(doc, d, encoding)]),
                    edit: Some(workspace_edit(fix)),
                    is_preferred: fix.preferred.then_some(true),
                    ..Default::default()
                }));
            }
        }
        for refactor in iam_analysis::refactors::refactors(doc, wanted) {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: refactor.title.clone(),
                kind: Some(CodeActionKind::REFACTOR_REWRITE),
                edit: Some(workspace_edit(&refactor)),
                ..Default::default()
            }));
        }
        Some(actions)
    })
}
