//! `codeLens/resolve`: the "Simulate" lens's command, `iam-lsp.simulate` with the scenario
//! of its statement ([`crate::statement_scenario`]): the request the analysis library builds
//! from the statement, and the policies that apply with it. The command answers with the
//! decision, as text the client shows (`text`) and as data.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use iam_analysis::evaluate::from_statement;

use crate::server::Backend;
use crate::statement_scenario;

pub(super) fn code_lens_resolve(backend: &Backend, mut lens: CodeLens) -> Result<CodeLens> {
    let data = lens.data.clone().unwrap_or_default();
    let (Some(uri), Some(index)) = (data["uri"].as_str(), data["index"].as_u64()) else {
        return Err(Error::invalid_params("a code lens without its document and statement"));
    };
    let uri: Uri = uri.parse().map_err(|_| Error::invalid_params(format!("not a URI: {uri}")))?;
    let snapshot = backend.snapshot(&uri)?;
    let doc = &snapshot.document;
    let root = backend.root();
    let config = backend.workspace_config();
    let path = uri.to_file_path().map(|p| p.into_owned());
    let this_file =
        root.as_deref().zip(path.as_deref()).and_then(|(root, path)| statement_scenario::relative(root, path));
    let principal = config
        .as_ref()
        .zip(this_file.as_deref())
        .and_then(|(config, file)| statement_scenario::principal_listing(config, file))
        .map(|p| p.arn.clone());
    let found =
        from_statement::statement_requests(doc, principal.as_deref()).into_iter().find(|r| r.index as u64 == index);
    let Some(statement) = found else {
        // The document changed since the lens was made: it is made again.
        return Err(Error::invalid_params("the statement of this lens is gone; ask for the lenses again"));
    };
    let workspace = config.as_ref().zip(root.as_deref());
    let kind = doc.kind().map(|k| k.kind);
    let scenario = statement_scenario::scenario(&statement, doc.text(), kind, workspace, this_file.as_deref());
    let r = &statement.request;
    lens.command = Some(Command {
        title: format!("Simulate {} on {}", r.action, r.resource),
        command: "iam-lsp.simulate".to_string(),
        arguments: Some(vec![scenario]),
    });
    Ok(lens)
}
