//! The scenario a "Simulate" code lens runs: the statement's request (built by the analysis
//! library, [`iam_analysis::evaluate::from_statement`]) with the policies that apply to it:
//! the document itself, inline (its text as the editor has it, saved or not), in the place
//! its kind gives it, and what `.iam-lsp.toml` says applies with it: the other policies of
//! the `[[principal]]` that lists this file, and `[organization]`'s SCP and RCP levels (a
//! policy file as its path relative to the workspace root, where `iam-lsp.simulate` reads
//! it; a template's policy inline, named `FILE#NAME`: [`workspace_policies`]), named
//! levels as `{"name", "policies"}`.

use std::path::Path;

use iam_analysis::evaluate::from_statement::StatementRequest;
use iam_analysis::PolicyKind;
use serde_json::{json, Map, Value};

use crate::config::{self, Config, PrincipalFiles};
use crate::workspace_policies;

/// The path of `file` relative to the workspace root, with `/` separators.
pub fn relative(root: &Path, file: &Path) -> Option<String> {
    Some(file.strip_prefix(root).ok()?.to_string_lossy().replace('\\', "/"))
}

/// The `[[principal]]` whose identity, boundary or session globs list the file; for a
/// template's policy (`embedded`: its index among the template's, and the template's text),
/// the globs that take that policy (`PATH#ROLE` the policies attached to the role).
pub fn principal_listing<'c>(
    config: &'c Config,
    relative: &str,
    embedded: Option<(usize, &str)>,
) -> Option<&'c PrincipalFiles> {
    let policy =
        embedded.and_then(|(index, text)| workspace_policies::policies_in(relative, text).into_iter().nth(index));
    config.principals.iter().find(|p| {
        p.identity.iter().chain(&p.boundary).chain(&p.session).any(|glob| match &policy {
            Some(policy) => workspace_policies::takes(glob, policy),
            None => workspace_policies::glob_matches_file(glob, relative),
        })
    })
}

/// The scenario object `iam-lsp.simulate` takes.
pub fn scenario(
    statement: &StatementRequest,
    text: &str,
    kind: Option<PolicyKind>,
    workspace: Option<(&Config, &Path)>,
    this_file: Option<&str>,
    this_policy: Option<usize>,
) -> Value {
    let r = &statement.request;
    let inline: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let mut policies = Map::new();
    let mut identity = Vec::new();
    let (mut scp, mut rcp): (Vec<Value>, Vec<Value>) = (Vec::new(), Vec::new());
    if let Some((config, root)) = workspace {
        let files = workspace_policies::workspace_files(root);
        let read = |f: &str| std::fs::read_to_string(root.join(f)).ok();
        // A policy file by its path (which `iam-lsp.simulate` reads), a template's policy
        // inline, with its name; this document's policy is the editor's (below), the
        // template's others as saved.
        let is_this = |p: &workspace_policies::FilePolicy| {
            Some(p.file.as_str()) == this_file
                && match (&p.embedded, this_policy) {
                    (Some(e), Some(index)) => e.index == index,
                    _ => true,
                }
        };
        let matching = |glob: &str, kinds: &[PolicyKind]| -> Vec<Value> {
            workspace_policies::select(glob, kinds, &files, &read)
                .into_iter()
                .filter(|p| !is_this(p))
                .map(|p| match p.embedded {
                    None => Value::String(p.file.clone()),
                    Some(_) => p.scenario_value(),
                })
                .collect()
        };
        if let Some(p) = config.principals.iter().find(|p| iam_analysis::pattern::matches(&p.arn, &r.principal)) {
            identity.extend(p.identity.iter().flat_map(|g| matching(g, workspace_policies::IDENTITY)));
            for (key, glob, kinds) in
                [("boundary", &p.boundary, workspace_policies::BOUNDARY), ("session", &p.session, &[][..])]
            {
                if let Some(first) = glob.as_deref().and_then(|g| matching(g, kinds).into_iter().next()) {
                    policies.insert(key.to_string(), first);
                }
            }
        }
        if let Some(org) = &config.organization {
            if let Some(account) = &org.management_account {
                policies.insert("organization".into(), json!({ "managementAccount": account }));
            }
            let level = |level: &config::Level, wanted: PolicyKind| -> Value {
                let globs = level.globs();
                let kinds = [wanted];
                let mut list: Vec<Value> = globs.iter().flat_map(|g| matching(g, &kinds)).collect();
                // This file, when it is one of the level's, as the editor has it (a
                // template's policy only when it is of the level's kind).
                let listed =
                    this_file.is_some_and(|f| globs.iter().any(|g| workspace_policies::glob_matches_file(g, f)));
                let fits = this_file.is_some_and(|f| !workspace_policies::is_host_path(f)) || kind == Some(wanted);
                if listed && fits {
                    list.push(inline.clone());
                }
                match level.name() {
                    Some(name) => json!({ "name": name, "policies": list }),
                    None => Value::Array(list),
                }
            };
            scp = org.scp.iter().map(|l| level(l, PolicyKind::Scp)).collect();
            rcp = org.rcp.iter().map(|l| level(l, PolicyKind::Rcp)).collect();
        }
    }
    let in_org = |levels: &[Value]| {
        levels.iter().any(|l| l.as_array().or_else(|| l["policies"].as_array()).is_some_and(|l| l.contains(&inline)))
    };
    match kind {
        Some(PolicyKind::Boundary) => {
            policies.insert("boundary".into(), inline.clone());
        }
        Some(PolicyKind::Resource | PolicyKind::Trust) => {
            policies.insert("resource".into(), inline.clone());
        }
        Some(PolicyKind::Scp) if !in_org(&scp) => scp.push(json!([inline.clone()])),
        Some(PolicyKind::Rcp) if !in_org(&rcp) => rcp.push(json!([inline.clone()])),
        Some(PolicyKind::Scp | PolicyKind::Rcp) => {}
        Some(PolicyKind::Identity) | None => identity.insert(0, inline.clone()),
    }
    // An SCP or an RCP alone: the caller's identity policies are not known; one that allows
    // everything stands for them, so that the answer is the organization policy's.
    if identity.is_empty() && matches!(kind, Some(PolicyKind::Scp | PolicyKind::Rcp)) {
        identity
            .push(json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}));
    }
    if !identity.is_empty() {
        policies.insert("identity".into(), Value::Array(identity));
    }
    if !scp.is_empty() {
        policies.insert("scp".into(), Value::Array(scp));
    }
    if !rcp.is_empty() {
        policies.insert("rcp".into(), Value::Array(rcp));
    }
    let organization = policies.remove("organization");
    let context: Map<String, Value> = r
        .context
        .iter()
        .map(|(k, v)| {
            let value = if v.multi { json!(v.values) } else { json!(v.values.first()) };
            (k.clone(), value)
        })
        .collect();
    let mut out = json!({
        "name": format!("{} of {}", statement.name, this_file.unwrap_or("this document")),
        "request": { "principal": r.principal, "action": r.action, "resource": r.resource, "context": context },
        "policies": policies,
    });
    if let (Some(org), Some(object)) = (organization, out.as_object_mut()) {
        object.insert("organization".into(), org);
    }
    out
}
