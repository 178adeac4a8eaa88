//! Findings across files: an identity policy read with the SCPs of the organization it is
//! in (which the workspace's `.iam-lsp.toml` names). Plain data: the identity policy's
//! [`Document`], the caller, and each SCP's name and text per level; each finding is a
//! diagnostic on the identity policy with the SCP statement that causes it.
//!
//! - `scp-denies-allow`: an `Allow` that an SCP statement without conditions denies for every
//!   action and resource the statement allows (a `Deny` applies to a set of requests only
//!   when it covers all of it, as the evaluator reads wildcard requests), so it never grants.
//! - `scp-denies-inference-region`: a cross-Region inference profile allowed, whose
//!   destination Regions an SCP denies: each destination is asked with its
//!   `aws:RequestedRegion`, as AWS authorizes the routed request.
//!   <https://docs.aws.amazon.com/bedrock/latest/userguide/cross-region-inference.html>
//!   <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html>

use crate::diagnostics::{Code, Diagnostic};
use crate::knowledge::CrossRegion;
use crate::model::Effect;
use crate::text::TextRange;
use crate::{Catalog, Document};

use super::{ContextValue, Decision, Policy, PolicySet, PolicyType, Request};

/// One SCP file.
#[derive(Clone, Debug)]
pub struct ScpFile {
    /// How messages name it (its path in the workspace).
    pub name: String,
    pub text: String,
}

/// Where a finding's cause is: a statement of an SCP file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// The SCP's [`ScpFile::name`].
    pub file: String,
    /// The level of the organization (0 the root) and the statement's index in the SCP.
    pub level: usize,
    pub index: usize,
    /// The statement's object in that file's text.
    pub range: TextRange,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrossFileFinding {
    pub diagnostic: Diagnostic,
    pub related: Vec<Related>,
}

/// The findings of an identity policy under the organization's SCPs (`levels`, root first;
/// `names`: what messages call each level, [`super::level_name`]).
pub fn scp_findings(
    identity: &Document,
    principal: &str,
    levels: &[Vec<ScpFile>],
    names: &[Option<String>],
    management_account: Option<&str>,
) -> Vec<CrossFileFinding> {
    let Some(policy) = identity.policy() else { return Vec::new() };
    if levels.is_empty() {
        return Vec::new();
    }
    let scp: Vec<Vec<Policy>> =
        levels.iter().map(|level| level.iter().map(|f| Policy::parse(f.name.clone(), &f.text)).collect()).collect();
    let set = PolicySet {
        scp,
        scp_names: names.to_vec(),
        management_account: management_account.map(str::to_string),
        ..PolicySet::default()
    };
    let mut out = Vec::new();
    for s in &policy.statements {
        if s.effect != Some(Effect::Allow) {
            continue;
        }
        let Some(actions) = &s.action else { continue };
        let resources: Vec<&str> = match (&s.resource, &s.not_resource) {
            (Some(r), _) => r.items.iter().map(|i| i.value.as_str()).collect(),
            (None, None) => vec!["*"],
            (None, Some(_)) => continue,
        };
        let ask = |action: &str, resource: &str, context: Vec<(String, ContextValue)>| Request {
            principal: principal.to_string(),
            action: action.to_string(),
            resource: resource.to_string(),
            resource_account: None,
            context,
        };
        // 1. Every (action, resource) of the statement denied by an unconditional SCP Deny.
        let mut cause = None;
        let mut always = !actions.items.is_empty() && !resources.is_empty();
        'pairs: for action in &actions.items {
            for resource in &resources {
                let e = super::evaluate(&ask(&action.value, resource, Vec::new()), &set);
                let denying = e.denying().find(|d| d.policy_type == PolicyType::Scp && unconditional(&set, d));
                match denying {
                    Some(d) => {
                        cause.get_or_insert((d.level.unwrap_or(0), d.policy.to_string(), d.index, d.describe()));
                    }
                    None => {
                        always = false;
                        break 'pairs;
                    }
                }
            }
        }
        if let (true, Some((level, file, index, described))) = (always, cause) {
            let message = format!(
                "this `Allow` never takes effect: {described} denies every action and resource it allows, with no condition; remove the statement, or change the SCP if the role needs it"
            );
            out.push(CrossFileFinding {
                diagnostic: Diagnostic::new(Code::ScpDeniesAllow, actions.member.range(), message),
                related: related(levels, level, &file, index, "the SCP statement that denies it"),
            });
        }
        // 2. Cross-Region inference profiles whose destinations an SCP denies.
        let invokes = actions
            .items
            .iter()
            .find(|a| crate::pattern::matches_ignore_case(&a.value, "bedrock:InvokeModel"))
            .is_some();
        if !invokes {
            continue;
        }
        for item in s.resource.iter().flat_map(|r| r.items.iter()) {
            let Some(found) = profile_denials(&item.value, &ask, &set) else { continue };
            let (regions, (level, file, index, described)) = found;
            let list: Vec<String> = regions.iter().map(|r| format!("`{r}`")).collect();
            let message = format!(
                "requests through this cross-Region inference profile are routed to {}, which {described} denies (`aws:RequestedRegion`): calls routed there fail; allow these Regions in the SCP for Amazon Bedrock, or call the foundation model in a Region the SCP allows",
                list.join(", ")
            );
            out.push(CrossFileFinding {
                diagnostic: Diagnostic::new(Code::ScpDeniesInferenceRegion, item.range, message),
                related: related(levels, level, &file, index, "the SCP statement that denies the Regions"),
            });
        }
    }
    out
}

type Cause = (usize, String, usize, String);

/// Builds the request for (action, resource, context).
type Ask<'a> = dyn Fn(&str, &str, Vec<(String, ContextValue)>) -> Request + 'a;

/// The destination Regions of a system inference profile ARN that the SCPs deny, and the
/// first statement that denies one.
fn profile_denials(arn: &str, ask: &Ask<'_>, set: &PolicySet) -> Option<(Vec<String>, Cause)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[2] != "bedrock" {
        return None;
    }
    let profile = parts[5].strip_prefix("inference-profile/")?;
    if crate::pattern::has_wildcard(profile) {
        return None;
    }
    let table = CrossRegion::get();
    let (geography, model) = table.split_profile(profile)?;
    let source = if parts[3].is_empty() { "*" } else { parts[3] };
    let destinations = table.destinations(geography, model, source, Catalog::get());
    let mut denied = Vec::new();
    let mut cause = None;
    for region in destinations {
        let model_arn = format!("arn:{}:bedrock:{region}::foundation-model/{model}", parts[1]);
        let context = vec![("aws:RequestedRegion".to_string(), ContextValue::single(region.clone()))];
        let e = super::evaluate(&ask("bedrock:InvokeModel", &model_arn, context), set);
        if e.decision != Decision::ExplicitlyDenied {
            continue;
        }
        let first = e
            .denying()
            .find(|d| d.policy_type == PolicyType::Scp)
            .map(|d| (d.level.unwrap_or(0), d.policy.to_string(), d.index, d.describe()));
        if let Some(found) = first {
            cause.get_or_insert(found);
            denied.push(region);
        }
    }
    Some((denied, cause?))
}

/// Whether the SCP statement a report names has no `Condition`.
fn unconditional(set: &PolicySet, report: &super::StatementReport<'_>) -> bool {
    let Some(level) = report.level.and_then(|l| set.scp.get(l)) else { return false };
    level
        .iter()
        .filter(|p| p.name == report.policy)
        .flat_map(|p| p.statements.iter())
        .find(|s| s.index == report.index)
        .is_some_and(|s| s.condition.is_none())
}

/// The SCP statement's location, found in its file's text.
fn related(levels: &[Vec<ScpFile>], level: usize, file: &str, index: usize, message: &str) -> Vec<Related> {
    let Some(scp) = levels.get(level).and_then(|l| l.iter().find(|f| f.name == file)) else { return Vec::new() };
    let doc = Document::from(scp.text.as_str());
    let range = doc
        .policy()
        .and_then(|p| p.statements.iter().find(|s| s.index == index).map(|s| s.object.range))
        .unwrap_or_default();
    vec![Related { file: file.to_string(), level, index, range, message: message.to_string() }]
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE: &str = "arn:aws:sts::111122223333:assumed-role/AgentRole/s";

    fn fixture(workspace: &str, path: &str) -> String {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/workspaces/");
        std::fs::read_to_string(format!("{dir}{workspace}/{path}")).unwrap()
    }

    fn findings(workspace: &str) -> Vec<(Code, String, Vec<String>)> {
        let identity = Document::from(fixture(workspace, "roles/agent.json").as_str());
        let file = |name: &str| ScpFile { name: name.to_string(), text: fixture(workspace, name) };
        let levels = vec![vec![file("org/root/full-access.json")], vec![file("org/workloads/guardrails.json")]];
        scp_findings(&identity, ROLE, &levels, &[], Some("999999999999"))
            .into_iter()
            .map(|f| {
                let text = identity.text()[f.diagnostic.range.start..f.diagnostic.range.end].to_string();
                (f.diagnostic.code, text, f.related.iter().map(|r| format!("{} {}", r.file, r.range.start)).collect())
            })
            .collect()
    }

    #[test]
    fn the_scps_deny_the_log_deletion_and_the_profiles_destinations() {
        let found = findings("scp-denies");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, Code::ScpDeniesInferenceRegion);
        assert!(found[0].1.contains("inference-profile/us.anthropic"), "{found:?}");
        assert_eq!(found[1].0, Code::ScpDeniesAllow);
        assert_eq!(found[1].1, "\"Action\": \"logs:DeleteLogGroup\"");
        // Both point at a statement of the workloads SCP.
        assert!(found.iter().all(|f| f.2.len() == 1 && f.2[0].starts_with("org/workloads/guardrails.json ")));
    }

    #[test]
    fn the_valid_twin_has_none() {
        assert_eq!(findings("scp-allows"), []);
    }

    #[test]
    fn the_management_account_and_no_organization_have_none() {
        let identity = Document::from(fixture("scp-denies", "roles/agent.json").as_str());
        let levels =
            vec![vec![ScpFile { name: "g.json".into(), text: fixture("scp-denies", "org/workloads/guardrails.json") }]];
        assert_eq!(scp_findings(&identity, ROLE, &levels, &[], Some("111122223333")), []);
        assert_eq!(scp_findings(&identity, ROLE, &[], &[], None), []);
        assert_eq!(scp_findings(&Document::from("{"), ROLE, &levels, &[], None), []);
    }
}
