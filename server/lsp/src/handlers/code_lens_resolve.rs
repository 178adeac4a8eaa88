//! `codeLens/resolve`: the "Simulate" lens's command, `iam-lsp.simulate` with the scenario
//! of its statement ([`crate::statement_scenario`]): the request the analysis library builds
//! from the statement, and the policies that apply with it. The command answers with the
//! decision, as text the client shows (`text`) and as data.
//!
//! A statement of a template's policy is simulated from the policy's JSON as the analysis
//! writes it (intrinsics and references resolved where the template settles them), in the
//! place its kind gives it; the parts the template leaves unresolved are listed in the
//! scenario (`unresolved`), for the command to say what they decide ([`crate::unresolved`]).

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use iam_analysis::embedded::host::HostPolicy;
use iam_analysis::embedded::UNKNOWN;
use iam_analysis::evaluate::{from_statement, ContextValue};
use iam_analysis::{Document, PolicyKind};

use crate::server::Backend;
use crate::statement_scenario;

/// The caller of a template's identity policy when the workspace names none: a role of the
/// account the template's `AWS::AccountId` and Terraform's `aws_caller_identity` stand for,
/// so that the template's own resources are in the caller's account.
fn template_caller() -> String {
    format!("arn:aws:iam::{}:role/ExampleRole", iam_analysis::embedded::cloudformation::ACCOUNT)
}

pub(super) fn code_lens_resolve(backend: &Backend, mut lens: CodeLens) -> Result<CodeLens> {
    let data = lens.data.clone().unwrap_or_default();
    let (Some(uri), Some(index)) = (data["uri"].as_str(), data["index"].as_u64()) else {
        return Err(Error::invalid_params("a code lens without its document and statement"));
    };
    let uri: Uri = uri.parse().map_err(|_| Error::invalid_params(format!("not a URI: {uri}")))?;
    let snapshot = backend.snapshot(&uri)?;
    let doc = &snapshot.document;
    let gone = || Error::invalid_params("the statement of this lens is gone; ask for the lenses again");
    // A template's lens names its policy (the host's `policies` index); the statement is
    // in that policy's document.
    let embedded: Option<&HostPolicy> = match data["policy"].as_u64() {
        Some(i) => Some(doc.host().and_then(|h| h.policies.get(i as usize)).ok_or_else(gone)?),
        None => None,
    };
    let policy_doc: &Document = embedded.map_or(doc, |p| &p.document);
    let kind = policy_doc.kind().map(|k| k.kind);
    let root = backend.root();
    let config = backend.workspace_config();
    let path = uri.to_file_path().map(|p| p.into_owned());
    let this_file =
        root.as_deref().zip(path.as_deref()).and_then(|(root, path)| statement_scenario::relative(root, path));
    let mut principal = config
        .as_ref()
        .zip(this_file.as_deref())
        .and_then(|(config, file)| {
            let embedded = data["policy"].as_u64().map(|i| (i as usize, doc.text()));
            statement_scenario::principal_listing(config, file, embedded)
        })
        .map(|p| p.arn.clone());
    let names_principals = matches!(kind, Some(PolicyKind::Resource | PolicyKind::Trust | PolicyKind::Rcp));
    if embedded.is_some() && principal.is_none() && !names_principals {
        principal = Some(template_caller());
    }
    let found = from_statement::statement_requests(policy_doc, principal.as_deref())
        .into_iter()
        .find(|r| r.index as u64 == index);
    // The document changed since the lens was made: it is made again.
    let mut statement = found.ok_or_else(gone)?;
    let workspace = config.as_ref().zip(root.as_deref());
    let mut unresolved = Vec::new();
    if let Some(p) = embedded {
        unresolved = crate::unresolved::parts(doc, p);
        // The request asks about a concrete resource and caller: an unresolved part of the
        // statement's pattern becomes an example value there.
        let r = &mut statement.request;
        if r.resource.contains(UNKNOWN) {
            r.resource = concrete_arn(&r.resource);
            // The Region AWS sends is the resource's, as the request built it.
            let region = r.resource.split(':').nth(3).filter(|r| !r.is_empty());
            let region = region.unwrap_or(from_statement::PLACEHOLDER_REGION).to_string();
            for (key, value) in &mut r.context {
                if key == "aws:RequestedRegion" {
                    *value = ContextValue::single(region.clone());
                }
            }
        }
        r.principal = concrete_arn(&r.principal);
        if r.action.contains(UNKNOWN) {
            // An action nobody knows has no resource format: `*` asks about any resource.
            let star = policy_doc.policy().and_then(|policy| {
                let s = policy.statements.into_iter().find(|s| s.index as u64 == index)?;
                let first = s.resource.as_ref()?.items.first()?.value.as_str() == "*";
                Some(first)
            });
            if star == Some(true) {
                r.resource = "*".to_string();
            }
            r.action = r.action.replace(UNKNOWN, "example");
        }
    }
    let this_policy = data["policy"].as_u64().map(|i| i as usize);
    let mut scenario =
        statement_scenario::scenario(&statement, policy_doc.text(), kind, workspace, this_file.as_deref(), this_policy);
    if let Some(p) = embedded {
        scenario["name"] =
            format!("{} of {} in {}", statement.name, p.policy.name, this_file.as_deref().unwrap_or("this template"))
                .into();
        if !unresolved.is_empty() {
            scenario["unresolved"] = serde_json::Value::Array(unresolved);
        }
    }
    let r = &statement.request;
    lens.command = Some(Command {
        title: format!("Simulate {} on {}", r.action, r.resource),
        command: "iam-lsp.simulate".to_string(),
        arguments: Some(vec![scenario]),
    });
    Ok(lens)
}

/// An ARN (or any text) whose unresolved parts are example values: an unresolved Region the
/// placeholder Region, an unresolved account the template's, anything else `example`.
fn concrete_arn(text: &str) -> String {
    const MARK: &str = "\u{1}";
    let marked = text.replace(UNKNOWN, MARK);
    let parts: Vec<&str> = marked.splitn(6, ':').collect();
    let filled: Vec<String> = parts
        .iter()
        .enumerate()
        .map(|(i, part)| match i {
            _ if !part.contains(MARK) => part.to_string(),
            3 if parts.len() == 6 && parts[0] == "arn" => from_statement::PLACEHOLDER_REGION.to_string(),
            4 if parts.len() == 6 && parts[0] == "arn" => iam_analysis::embedded::cloudformation::ACCOUNT.to_string(),
            _ => part.replace(MARK, "example"),
        })
        .collect();
    filled.join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unresolved_parts_of_an_arn_become_example_values_of_their_part() {
        let arn = format!("arn:aws:bedrock:{UNKNOWN}:{UNKNOWN}:agent-alias/{UNKNOWN}/x");
        assert_eq!(concrete_arn(&arn), "arn:aws:bedrock:us-east-1:123456789012:agent-alias/example/x");
        let model = format!("arn:aws:bedrock:us-east-1::foundation-model/{UNKNOWN}");
        assert_eq!(concrete_arn(&model), "arn:aws:bedrock:us-east-1::foundation-model/example");
        assert_eq!(concrete_arn(UNKNOWN), "example");
        assert_eq!(concrete_arn("arn:aws:s3:::b/k"), "arn:aws:s3:::b/k");
    }
}
