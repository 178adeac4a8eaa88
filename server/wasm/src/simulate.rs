//! The page's "simulate" panel: the policy in the editor (for a template, one of its policies)
//! evaluated against one request by the library's evaluator, as the policy type it is, and
//! the answer rendered as `iam-lsp simulate` renders it.

use iam_analysis::evaluate::{self, render::render, ContextValue, Policy, PolicySet, PolicyType, Request};
use iam_analysis::{Document, PolicyKind};
use serde::{Deserialize, Serialize};

use crate::{Playground, Range};

/// What the panel asks.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Question {
    pub principal: String,
    pub action: String,
    /// Empty: `*`.
    pub resource: String,
    /// `KEY=VALUE` lines; a value written as a JSON list (`["a", "b"]`) is multi-valued.
    /// Blank lines and lines starting with `#` are skipped.
    pub context: String,
    /// For a template: which of [`Playground::template_policies`] (by index); `None`: the
    /// one under `at`, else the first.
    pub policy: Option<usize>,
    pub at: Option<crate::abi::At>,
    /// The policy type to evaluate it as (`identity`, `resource`, `boundary`, `session`,
    /// `scp`, `rcp`, `vpcEndpoint`); `None`: from its kind.
    #[serde(rename = "as")]
    pub as_type: Option<String>,
    /// Add an identity-based policy that allows everything, so that a boundary, an SCP or a
    /// session policy is seen limiting something (alone, they allow nothing).
    pub allow_identity: bool,
}

/// The answer.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Simulation {
    /// How the policy is named in the answer.
    pub policy: String,
    pub policy_type: &'static str,
    /// The evaluator's [`evaluate::Evaluation`], as `iam-lsp simulate --format json` writes it.
    pub evaluation: serde_json::Value,
    /// Where each of [`evaluate::Evaluation::statements`] is in the editor (for the page's
    /// policy; `None` for the assumed identity policy, or where it cannot be placed).
    pub statement_ranges: Vec<Option<Range>>,
    /// The answer as the CLI prints it.
    pub text: String,
}

/// The policy type a policy of a kind is evaluated as: a trust policy is the role's
/// resource-based policy (what `sts:AssumeRole` is decided by).
pub fn policy_type(kind: PolicyKind) -> PolicyType {
    match kind {
        PolicyKind::Identity => PolicyType::Identity,
        PolicyKind::Resource | PolicyKind::Trust => PolicyType::Resource,
        PolicyKind::Scp => PolicyType::Scp,
        PolicyKind::Rcp => PolicyType::Rcp,
        PolicyKind::Boundary => PolicyType::Boundary,
    }
}

/// `KEY=VALUE` lines as a request context.
pub fn parse_context(text: &str) -> Result<Vec<(String, ContextValue)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("context line {}: `{line}` is not KEY=VALUE", n + 1));
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() {
            return Err(format!("context line {}: the key before `=` is missing", n + 1));
        }
        let value = match serde_json::from_str::<serde_json::Value>(value) {
            Ok(serde_json::Value::Array(items)) => ContextValue::list(items.iter().map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })),
            _ => ContextValue::single(value),
        };
        out.push((key.to_string(), value));
    }
    Ok(out)
}

/// The policy the simulation evaluates: its name, its JSON text and kind, and how to place its
/// statements in the editor.
struct Chosen<'d> {
    name: String,
    kind: Option<PolicyKind>,
    /// The document of its JSON (the editor's, or a template policy's virtual JSON).
    document: &'d Document,
    /// For a template policy: its virtual JSON, which maps its ranges to the template's.
    json: Option<&'d iam_analysis::embedded::VirtualJson>,
}

impl Playground {
    /// Evaluates the page's policy against the question's request.
    pub fn simulate(&self, question: &Question) -> Result<Simulation, String> {
        let doc = self.document.as_ref().ok_or("no text to simulate")?;
        let chosen = self.chosen(doc, question)?;
        let policy = Policy::parse(chosen.name.clone(), chosen.document.text());
        if let Some(problem) = &policy.problem {
            return Err(format!("{}: {problem}", chosen.name));
        }
        let as_type = match &question.as_type {
            Some(name) if !name.is_empty() => PolicyType::parse(name).ok_or_else(|| {
                let names: Vec<&str> = PolicyType::ALL.iter().map(|t| t.as_str()).collect();
                format!("unknown policy type `{name}`: expected one of {}", names.join(", "))
            })?,
            _ => chosen.kind.map(policy_type).unwrap_or(PolicyType::Identity),
        };
        let principal = question.principal.trim();
        let action = question.action.trim();
        if principal.is_empty() {
            return Err("the principal is missing (an ARN, an account ID or a service principal)".to_string());
        }
        if action.is_empty() {
            return Err("the action is missing (`service:Action`)".to_string());
        }
        let resource = match question.resource.trim() {
            "" => "*",
            r => r,
        };
        let request = Request {
            principal: principal.to_string(),
            action: action.to_string(),
            resource: resource.to_string(),
            resource_account: None,
            context: parse_context(&question.context)?,
        };
        let mut set = PolicySet::default();
        if question.allow_identity && as_type != PolicyType::Identity {
            set.identity.push(Policy::parse(
                "assumed: allow everything",
                r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
            ));
        }
        match as_type {
            PolicyType::Identity => set.identity.push(policy),
            PolicyType::Boundary => set.boundary = Some(policy),
            PolicyType::Session => set.session = Some(policy),
            PolicyType::Resource => set.resource = Some(policy),
            PolicyType::VpcEndpoint => set.vpc_endpoint = Some(policy),
            // One level: the policy attached to the account.
            PolicyType::Scp => set.scp = vec![vec![policy]],
            PolicyType::Rcp => set.rcp = vec![vec![policy]],
        }
        let evaluation = evaluate::evaluate_every_part(&request, &set);
        let statements = chosen.document.policy().map(|p| p.statements).unwrap_or_default();
        let statement_ranges = evaluation
            .statements
            .iter()
            .map(|s| {
                if s.policy != chosen.name {
                    return None;
                }
                let object = statements.iter().find(|st| st.index == s.index)?.object.range;
                let range = match chosen.json {
                    Some(json) => {
                        let host = json.to_host(object.start..object.end);
                        iam_analysis::TextRange::new(host.start, host.end.max(host.start))
                    }
                    None => object,
                };
                Some(self.range(doc, range))
            })
            .collect();
        Ok(Simulation {
            policy: chosen.name.clone(),
            policy_type: as_type.as_str(),
            evaluation: serde_json::to_value(&evaluation).map_err(|e| e.to_string())?,
            statement_ranges,
            text: render(&request, &evaluation),
        })
    }

    fn chosen<'d>(&self, doc: &'d Document, question: &Question) -> Result<Chosen<'d>, String> {
        let Some(host) = doc.host() else {
            return Ok(Chosen {
                name: "the editor's policy".to_string(),
                kind: doc.kind().map(|k| k.kind),
                document: doc,
                json: None,
            });
        };
        let policies = Self::distinct(host);
        if policies.is_empty() {
            return Err("the template holds no IAM policy to simulate".to_string());
        }
        let index = match (question.policy, question.at) {
            (Some(i), _) => i,
            (None, Some(at)) => {
                let offset = doc.offset(iam_analysis::LineCol { line: at.line, col: at.col }, self.encoding);
                policies.iter().position(|p| p.policy.host.start <= offset && offset <= p.policy.host.end).unwrap_or(0)
            }
            (None, None) => 0,
        };
        let p = policies
            .get(index)
            .ok_or_else(|| format!("the template has {} policies: no policy {}", policies.len(), index + 1))?;
        Ok(Chosen {
            name: label(&p.policy.origin),
            kind: Some(p.policy.kind),
            document: &p.document,
            json: Some(&p.policy.json),
        })
    }
}

/// How the answer names a template's policy: its origin without the kind (which the answer
/// says) and without the backticks (which the answer puts around the name).
pub fn label(origin: &str) -> String {
    let origin = match origin.rfind(" (") {
        Some(at) if origin.ends_with(')') => &origin[..at],
        _ => origin,
    };
    origin.replace('`', "")
}
