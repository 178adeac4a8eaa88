//! The scenario a "Simulate" code lens runs: the statement's request (built by the analysis
//! library, [`iam_analysis::evaluate::from_statement`]) with the policies that apply to it:
//! the document itself, inline (its text as the editor has it, saved or not), in the place
//! its kind gives it, and what `.iam-lsp.toml` says applies with it: the other policies of
//! the `[[principal]]` that lists this file, and `[organization]`'s SCP and RCP levels (as
//! paths relative to the workspace root, where `iam-lsp.simulate` reads them).

use std::path::{Path, PathBuf};

use iam_analysis::evaluate::from_statement::StatementRequest;
use iam_analysis::PolicyKind;
use serde_json::{json, Map, Value};

use crate::config::{self, Config, PrincipalFiles};

/// The path of `file` relative to the workspace root, with `/` separators.
pub fn relative(root: &Path, file: &Path) -> Option<String> {
    Some(file.strip_prefix(root).ok()?.to_string_lossy().replace('\\', "/"))
}

/// The `[[principal]]` whose identity, boundary or session globs list the file.
pub fn principal_listing<'c>(config: &'c Config, relative: &str) -> Option<&'c PrincipalFiles> {
    config.principals.iter().find(|p| {
        p.identity.iter().chain(&p.boundary).chain(&p.session).any(|glob| config::glob_matches(glob, relative))
    })
}

/// The scenario object `iam-lsp.simulate` takes.
pub fn scenario(
    statement: &StatementRequest,
    text: &str,
    kind: Option<PolicyKind>,
    workspace: Option<(&Config, &Path)>,
    this_file: Option<&str>,
) -> Value {
    let r = &statement.request;
    let inline: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let mut policies = Map::new();
    let mut identity = Vec::new();
    let (mut scp, mut rcp): (Vec<Value>, Vec<Value>) = (Vec::new(), Vec::new());
    if let Some((config, root)) = workspace {
        let files = workspace_files(root);
        let matching = |glob: &str| -> Vec<Value> {
            files
                .iter()
                .filter(|f| config::glob_matches(glob, f) && Some(f.as_str()) != this_file)
                .map(|f| Value::String(f.clone()))
                .collect()
        };
        if let Some(p) = config.principals.iter().find(|p| iam_analysis::pattern::matches(&p.arn, &r.principal)) {
            identity.extend(p.identity.iter().flat_map(|g| matching(g)));
            for (key, glob) in [("boundary", &p.boundary), ("session", &p.session)] {
                if let Some(first) = glob.as_deref().and_then(|g| matching(g).into_iter().next()) {
                    policies.insert(key.to_string(), first);
                }
            }
        }
        if let Some(org) = &config.organization {
            if let Some(account) = &org.management_account {
                policies.insert("organization".into(), json!({ "managementAccount": account }));
            }
            let level = |globs: &Vec<String>| -> Value {
                let mut list: Vec<Value> = globs.iter().flat_map(|g| matching(g)).collect();
                // This file, when it is one of the level's, as the editor has it.
                if this_file.is_some_and(|f| globs.iter().any(|g| config::glob_matches(g, f))) {
                    list.push(inline.clone());
                }
                Value::Array(list)
            };
            scp = org.scp.iter().map(level).collect();
            rcp = org.rcp.iter().map(level).collect();
        }
    }
    let in_org = |levels: &[Value]| levels.iter().any(|l| l.as_array().is_some_and(|l| l.contains(&inline)));
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

/// Every `*.json` file under the root, relative to it; hidden directories and build output
/// (`target`, `node_modules`) skipped.
pub(crate) fn workspace_files(root: &Path) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(root, &mut files);
    let mut out: Vec<String> = files.iter().filter_map(|f| relative(root, f)).collect();
    out.sort();
    out
}
