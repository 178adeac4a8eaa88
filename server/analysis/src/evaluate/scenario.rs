//! Scenario files: a request, the policies that apply, and optionally the expected answer.
//! The CLI and the tests read the same format. Policies are inline JSON or paths, which the
//! caller resolves (the CLI: relative to the scenario file); unknown top-level keys are
//! ignored.

use serde_json::{Map, Value};

use super::{ContextValue, Decision, Policy, PolicySet, PolicyType, Request};

#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: Option<String>,
    /// The AWS page the case comes from.
    pub source: Option<String>,
    pub request: Request,
    pub policies: PolicySet,
    pub expect: Option<Expect>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    pub decision: Decision,
    pub blocked_by: Option<Vec<PolicyType>>,
}

/// Bad input: which field, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// A JSON path: `request.action`, `policies.scp[1][0]`.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "`{}`: {}", self.field, self.message)
        }
    }
}

fn error(field: &str, message: impl Into<String>) -> ScenarioError {
    ScenarioError { field: field.to_string(), message: message.into() }
}

/// Reads a scenario. `resolve` reads a policy given as a path.
pub fn parse(text: &str, resolve: &mut dyn FnMut(&str) -> Result<String, String>) -> Result<Scenario, ScenarioError> {
    let root: Value = serde_json::from_str(text).map_err(|e| error("", format!("not JSON: {e}")))?;
    let Value::Object(root) = root else {
        return Err(error("", "a scenario is a JSON object with `request` and `policies`"));
    };
    let name = optional_string(&root, "name", "name")?;
    let source = optional_string(&root, "source", "source")?;
    let request = match root.get("request") {
        Some(Value::Object(r)) => read_request(r)?,
        Some(_) => return Err(error("request", "must be an object")),
        None => return Err(error("request", "is missing")),
    };
    let mut policies = match root.get("policies") {
        Some(Value::Object(p)) => read_policies(p, resolve)?,
        None | Some(Value::Null) => PolicySet::default(),
        Some(_) => return Err(error("policies", "must be an object")),
    };
    if let Some(org) = root.get("organization") {
        let Value::Object(org) = org else {
            return Err(error("organization", "must be an object"));
        };
        policies.management_account = optional_string(org, "managementAccount", "organization.managementAccount")?;
    }
    let expect = match root.get("expect") {
        None | Some(Value::Null) => None,
        Some(Value::Object(e)) => Some(read_expect(e)?),
        Some(_) => return Err(error("expect", "must be an object")),
    };
    Ok(Scenario { name, source, request, policies, expect })
}

fn optional_string(object: &Map<String, Value>, key: &str, field: &str) -> Result<Option<String>, ScenarioError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(error(field, "must be a string")),
    }
}

fn required_string(object: &Map<String, Value>, key: &str, field: &str) -> Result<String, ScenarioError> {
    optional_string(object, key, field)?.ok_or_else(|| error(field, "is missing"))
}

fn read_request(r: &Map<String, Value>) -> Result<Request, ScenarioError> {
    let mut context = Vec::new();
    match r.get("context") {
        None | Some(Value::Null) => {}
        Some(Value::Object(c)) => {
            for (key, value) in c {
                context.push((key.clone(), context_value(value, &format!("request.context.{key}"))?));
            }
        }
        Some(_) => return Err(error("request.context", "must be an object of context keys")),
    }
    match r.get("principalTags") {
        None | Some(Value::Null) => {}
        Some(Value::Object(tags)) => {
            for (key, value) in tags {
                let field = format!("request.principalTags.{key}");
                context.push((format!("aws:PrincipalTag/{key}"), context_value(value, &field)?));
            }
        }
        Some(_) => return Err(error("request.principalTags", "must be an object of tag names and values")),
    }
    Ok(Request {
        principal: required_string(r, "principal", "request.principal")?,
        action: required_string(r, "action", "request.action")?,
        resource: optional_string(r, "resource", "request.resource")?.unwrap_or_else(|| "*".to_string()),
        resource_account: optional_string(r, "resourceAccount", "request.resourceAccount")?,
        context,
    })
}

/// A context value as AWS sees it: text; a list is a multi-valued key.
fn context_value(value: &Value, field: &str) -> Result<ContextValue, ScenarioError> {
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match value {
        Value::Array(items) => {
            let values: Option<Vec<String>> = items.iter().map(scalar).collect();
            values
                .map(|values| ContextValue { values, multi: true })
                .ok_or_else(|| error(field, "a list of context values holds strings, numbers or booleans only"))
        }
        v => scalar(v)
            .map(ContextValue::single)
            .ok_or_else(|| error(field, "a context value is a string, a number, a boolean or a list of them")),
    }
}

fn read_policies(
    p: &Map<String, Value>,
    resolve: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<PolicySet, ScenarioError> {
    let mut set = PolicySet::default();
    let one =
        |key: &str, resolve: &mut dyn FnMut(&str) -> Result<String, String>| -> Result<Option<Policy>, ScenarioError> {
            match p.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => read_policy(v, &format!("policies.{key}"), resolve).map(Some),
            }
        };
    set.boundary = one("boundary", resolve)?;
    set.session = one("session", resolve)?;
    set.resource = one("resource", resolve)?;
    set.vpc_endpoint = one("vpcEndpoint", resolve)?;
    set.identity = match p.get("identity") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| read_policy(v, &format!("policies.identity[{i}]"), resolve))
            .collect::<Result<_, _>>()?,
        // One policy without the list around it.
        Some(v) => vec![read_policy(v, "policies.identity", resolve)?],
    };
    for (key, levels, names) in [("scp", &mut set.scp, &mut set.scp_names), ("rcp", &mut set.rcp, &mut set.rcp_names)] {
        let items = match p.get(key) {
            None | Some(Value::Null) => continue,
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(error(&format!("policies.{key}"), "must be a list of levels, each a list of policies"))
            }
        };
        for (l, level) in items.iter().enumerate() {
            // A level is a list of policies, or one with its name: `{"name": "OU Workloads", "policies": [...]}`.
            let (name, list, at) =
                match level {
                    Value::Array(list) => (None, list, format!("policies.{key}[{l}]")),
                    Value::Object(named) if named.contains_key("policies") || named.contains_key("name") => {
                        let name = optional_string(named, "name", &format!("policies.{key}[{l}].name"))?;
                        let at = format!("policies.{key}[{l}].policies");
                        match named.get("policies") {
                            Some(Value::Array(list)) => (name, list, at),
                            _ => return Err(error(&at, "a named level lists its policies in `policies`")),
                        }
                    }
                    _ => return Err(error(
                        &format!("policies.{key}[{l}]"),
                        "each level (root, each OU, the account) is a list of policies, or `{\"name\", \"policies\"}`",
                    )),
                };
            let policies = list
                .iter()
                .enumerate()
                .map(|(i, v)| read_policy(v, &format!("{at}[{i}]"), resolve))
                .collect::<Result<Vec<_>, _>>()?;
            levels.push(policies);
            names.push(name);
        }
    }
    for key in p.keys() {
        if !["identity", "boundary", "session", "resource", "vpcEndpoint", "scp", "rcp"].contains(&key.as_str()) {
            return Err(error(
                &format!("policies.{key}"),
                "is not a policy type (identity, boundary, session, resource, vpcEndpoint, scp, rcp)",
            ));
        }
    }
    Ok(set)
}

fn read_policy(
    value: &Value,
    field: &str,
    resolve: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Policy, ScenarioError> {
    match value {
        Value::String(path) => {
            let text = resolve(path).map_err(|e| error(field, format!("cannot read `{path}`: {e}")))?;
            let policy = Policy::parse(path.clone(), &text);
            match &policy.problem {
                Some(problem) => Err(error(field, format!("`{path}`: {problem}"))),
                None => Ok(policy),
            }
        }
        // A policy with the name answers give it: `{"name": "stack.yaml#Guardrails", "policy": {...}}`.
        Value::Object(members) if members.contains_key("policy") && !members.contains_key("Statement") => {
            let name = match members.get("name") {
                Some(Value::String(name)) => name.clone(),
                _ => return Err(error(&format!("{field}.name"), "a named policy has its `name` as a string")),
            };
            let mut policy = read_policy(&members["policy"], &format!("{field}.policy"), resolve)?;
            policy.name = name;
            Ok(policy)
        }
        Value::Object(_) => {
            let text = serde_json::to_string(value).map_err(|e| error(field, e.to_string()))?;
            let policy = Policy::parse(field.trim_start_matches("policies."), &text);
            match &policy.problem {
                Some(problem) => Err(error(field, problem.clone())),
                None => Ok(policy),
            }
        }
        _ => Err(error(field, "a policy is a JSON object, or the path of a policy file")),
    }
}

fn read_expect(e: &Map<String, Value>) -> Result<Expect, ScenarioError> {
    let decision = required_string(e, "decision", "expect.decision")?;
    let decision = Decision::parse(&decision)
        .ok_or_else(|| error("expect.decision", "is one of `Allowed`, `ExplicitlyDenied`, `ImplicitlyDenied`"))?;
    let blocked_by = match e.get("blockedBy") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_str().and_then(PolicyType::parse).ok_or_else(|| {
                        error(
                            &format!("expect.blockedBy[{i}]"),
                            "is a policy type: identity, boundary, session, resource, scp, rcp, vpcEndpoint",
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => return Err(error("expect.blockedBy", "must be a list of policy types")),
    };
    Ok(Expect { decision, blocked_by })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_policies_may_be_named() {
        let text = r#"{"request": {"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject"},
            "policies": {"scp": [[{"Version": "2012-10-17", "Statement": []}],
                                 {"name": "Workloads", "policies": [{"name": "stack.yaml#Guardrails", "policy": {"Version": "2012-10-17", "Statement": []}}]}]}}"#;
        let s = parse(text, &mut |_| Err("no files".into())).unwrap();
        assert_eq!(s.policies.scp_names, [None, Some("Workloads".to_string())]);
        assert_eq!(s.policies.scp[1][0].name, "stack.yaml#Guardrails");
        assert_eq!(s.policies.scp[0][0].name, "scp[0][0]");
        let bad = r#"{"request": {"principal": "p", "action": "a"}, "policies": {"scp": [{"name": "W"}]}}"#;
        let e = parse(bad, &mut |_| Err("no files".into())).unwrap_err();
        assert_eq!(e.field, "policies.scp[0].policies");
        let bad =
            r#"{"request": {"principal": "p", "action": "a"}, "policies": {"identity": [{"name": 1, "policy": {}}]}}"#;
        assert_eq!(parse(bad, &mut |_| Err("no files".into())).unwrap_err().field, "policies.identity[0].name");
    }
}
