//! `textDocument/codeLens`: a "Simulate" lens on each statement of a policy, and of each
//! policy a template or a Terraform module holds (at the statement's place in the host
//! text: the YAML mapping, the `statement` block). The lens carries only where its
//! statement is; building its request and scenario (which reads the workspace's
//! configuration and lists its files) waits for `codeLens/resolve`
//! ([`super::code_lens_resolve`]), for the lenses the editor shows.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use iam_analysis::model::Statement;

use crate::convert;
use crate::server::Backend;

/// Whether a request can be built from the statement (it names actions).
fn asks(s: &Statement<'_>) -> bool {
    s.action.is_some() || s.not_action.is_some()
}

pub(super) fn code_lens(backend: &Backend, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let snapshot = backend.snapshot(&uri)?;
    let doc = &snapshot.document;
    let encoding = backend.encoding();
    // On the statement's first line; `statement` is its whole range, for clients that run
    // the lens of the statement under the cursor.
    let lens = |start: usize, end: usize, data: serde_json::Value| {
        let (start, end) = (convert::position(doc, start, encoding), convert::position(doc, end.max(start), encoding));
        let mut data = data;
        data["uri"] = uri.as_str().into();
        data["version"] = snapshot.version.into();
        data["statement"] = serde_json::json!({ "start": start, "end": end });
        CodeLens { range: Range { start, end: start }, command: None, data: Some(data) }
    };
    if let Some(host) = doc.host() {
        let mut lenses: Vec<CodeLens> = Vec::new();
        // Every variant of a policy (an `Fn::If` branch is a statement of its own, elsewhere
        // in the text); a statement the variants share gets one lens, the first variant's.
        // Statements of one policy at one place (in a `jsonencode` string of a `.tf.json`)
        // each get theirs.
        let mut seen: Vec<(usize, &str, usize, usize)> = Vec::new();
        for (i, p) in host.policies.iter().enumerate() {
            let Some(policy) = p.document.policy() else { continue };
            for s in policy.statements.iter().filter(|s| asks(s)) {
                let at = p.policy.json.to_host(s.object.range.start..s.object.range.end);
                let key = (p.policy.host.start, p.policy.origin.as_str(), s.index, at.start);
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                lenses.push(lens(at.start, at.end, serde_json::json!({ "policy": i, "index": s.index })));
            }
        }
        lenses.sort_by_key(|l| (l.range.start.line, l.range.start.character));
        return Ok(Some(lenses));
    }
    let Some(policy) = doc.policy() else { return Ok(None) };
    let lenses = policy
        .statements
        .iter()
        .filter(|s| asks(s))
        .map(|s| lens(s.object.range.start, s.object.range.end, serde_json::json!({ "index": s.index })))
        .collect();
    Ok(Some(lenses))
}
