//! A request built from a statement, to simulate it from the editor: the statement's first
//! action (a concrete one from the catalog when it is a pattern or a `NotAction`), a
//! resource of the right ARN format for that action (the statement's own when it is a
//! concrete ARN), and the caller: the one the workspace names, the statement's `Principal`
//! in a resource or trust policy, or a placeholder of the kind the policy applies to.

use crate::catalog::{ArnFormat, Catalog};
use crate::model;
use crate::pattern;
use crate::syntax::Value;
use crate::text::TextRange;
use crate::{Document, PolicyKind};

use super::Request;

/// The caller of placeholder requests: AWS's documentation account and a role in it.
pub const PLACEHOLDER_ACCOUNT: &str = "111122223333";
pub const PLACEHOLDER_ROLE: &str = "arn:aws:iam::111122223333:role/ExampleRole";
/// A caller in another account, for `"Principal": "*"` (anyone, from anywhere).
pub const PLACEHOLDER_OTHER_ROLE: &str = "arn:aws:iam::444455556666:role/ExampleRole";
/// The Region of placeholder ARNs where the statement leaves it open.
pub const PLACEHOLDER_REGION: &str = "us-east-1";

/// Where the request's principal came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalSource {
    /// The workspace says who the policy applies to (`.iam-lsp.toml`'s `[[principal]]`).
    Workspace,
    /// The statement's own `Principal`.
    Statement,
    /// Nobody says: a role of the documentation account.
    Placeholder,
}

/// One statement's request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementRequest {
    /// Position in the `Statement` array.
    pub index: usize,
    /// The statement object (where an editor shows its lens).
    pub range: TextRange,
    /// How the statement is named in messages (`statement \`Sid\``, `statement 2`).
    pub name: String,
    pub request: Request,
    pub principal_source: PrincipalSource,
}

/// The requests of every statement of the document's policy (none for a document that is
/// not a policy, or a statement with no action to ask about). `principal` is the caller the
/// workspace names for this file, if any (a pattern's `*` is filled in).
pub fn statement_requests(doc: &Document, principal: Option<&str>) -> Vec<StatementRequest> {
    let Some(policy) = doc.policy() else { return Vec::new() };
    let kind = doc.kind().map(|k| k.kind);
    policy.statements.iter().filter_map(|s| statement_request(s, kind, principal)).collect()
}

/// The request of one statement; `None` when it names no action that a request could have.
pub fn statement_request(
    s: &model::Statement<'_>,
    kind: Option<PolicyKind>,
    principal: Option<&str>,
) -> Option<StatementRequest> {
    let catalog = Catalog::get();
    let action = match (&s.action, &s.not_action) {
        (Some(list), _) => {
            let first = list.items.first()?.value.as_str();
            concrete_action(first, catalog).unwrap_or_else(|| first.to_string())
        }
        (None, Some(list)) => {
            let excluded: Vec<&str> = list.items.iter().map(|i| i.value.as_str()).collect();
            first_action_outside(&excluded, catalog)?
        }
        (None, None) => return None,
    };
    let resource_policy = matches!(kind, Some(PolicyKind::Resource | PolicyKind::Trust | PolicyKind::Rcp));
    let (principal, principal_source) = match principal {
        Some(p) => (fill_pattern(p, PLACEHOLDER_ACCOUNT), PrincipalSource::Workspace),
        None if resource_policy => match s.principal.and_then(|m| statement_principal(m.value.as_ref())) {
            Some(p) => (p, PrincipalSource::Statement),
            None => (PLACEHOLDER_OTHER_ROLE.to_string(), PrincipalSource::Placeholder),
        },
        None => (PLACEHOLDER_ROLE.to_string(), PrincipalSource::Placeholder),
    };
    let account = super::Caller::read(&principal, &[]).account.unwrap_or_else(|| PLACEHOLDER_ACCOUNT.to_string());
    let given: Vec<&str> = s.resource.iter().flat_map(|r| r.items.iter()).map(|i| i.value.as_str()).collect();
    let resource = request_resource(&action, &given, &account, catalog);
    // AWS sends the Region of every request: the resource's, else the global endpoint's.
    // <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion>
    let region = resource.split(':').nth(3).filter(|r| !r.is_empty()).unwrap_or(PLACEHOLDER_REGION);
    let context = vec![("aws:RequestedRegion".to_string(), super::ContextValue::single(region))];
    Some(StatementRequest {
        index: s.index,
        range: s.object.range,
        name: s.name(),
        request: Request { principal, action, resource, resource_account: None, context },
        principal_source,
    })
}

/// The first catalog action a pattern (`s3:Get*`, `*`) matches; the action itself when it
/// has no wildcard (an unknown one is asked about as written: it matches nothing).
fn concrete_action(pattern: &str, catalog: &Catalog) -> Option<String> {
    if !pattern::has_wildcard(pattern) {
        return None;
    }
    let (service, action) = catalog.matching_actions(pattern).into_iter().next()?;
    Some(format!("{}:{}", service.prefix, action.name))
}

/// The first catalog action that none of the `NotAction` patterns matches.
fn first_action_outside(excluded: &[&str], catalog: &Catalog) -> Option<String> {
    catalog
        .matching_actions("*")
        .into_iter()
        .map(|(service, action)| format!("{}:{}", service.prefix, action.name))
        .find(|name| !excluded.iter().any(|p| pattern::matches_ignore_case(p, name)))
}

/// A caller the statement's `Principal` names: an IAM ARN or account, a service; for `*`
/// (and a pattern) a role of another account.
fn statement_principal(value: Option<&Value>) -> Option<String> {
    let first = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.value.clone()),
            Value::Array(a) => a.items.iter().find_map(|i| i.as_str().map(|s| s.value.clone())),
            _ => None,
        }
    };
    match value? {
        Value::String(s) if s.value == "*" => Some(PLACEHOLDER_OTHER_ROLE.to_string()),
        Value::Object(object) => {
            let member = ["AWS", "Service", "Federated"].iter().find_map(|k| object.get(k))?;
            let named = first(member.value.as_ref()?)?;
            if named == "*" {
                return Some(PLACEHOLDER_OTHER_ROLE.to_string());
            }
            Some(fill_pattern(&named, PLACEHOLDER_ACCOUNT))
        }
        _ => None,
    }
}

/// The resource to ask about: the statement's first concrete ARN; else an ARN of the
/// action's first resource type whose format fits the statement's resources (filled in
/// from them where they are concrete); `*` for an action that takes no resource.
fn request_resource(action: &str, given: &[&str], account: &str, catalog: &Catalog) -> String {
    let concrete = |r: &&str| r.starts_with("arn:") && !pattern::has_wildcard(r) && !pattern::has_variable(r);
    if let Some(arn) = given.iter().find(|r| concrete(r)) {
        return arn.to_string();
    }
    let Some((service, found)) = catalog.action(action) else {
        return given.first().map_or("*".to_string(), |r| fill_pattern(r, account));
    };
    let formats: Vec<&ArnFormat> =
        found.resource_types.iter().filter_map(|name| service.resource_type(name)).flat_map(|t| t.formats()).collect();
    if formats.is_empty() {
        return "*".to_string();
    }
    let patterns: Vec<&str> = given.iter().copied().filter(|r| r.starts_with("arn:")).collect();
    // A format that one of the statement's resource patterns overlaps, filled in from it.
    for pattern in &patterns {
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        if parts.len() != 6 {
            continue;
        }
        for format in &formats {
            let filled = fill_format(format, parts[1], parts[3], parts[4], account);
            if pattern::matches_ignore_case(pattern, &filled) {
                return filled;
            }
        }
        // The statement's pattern with its wildcards filled in keeps its own shape.
        return fill_pattern(pattern, account);
    }
    fill_format(formats[0], "aws", "*", "*", account)
}

/// An ARN of the format: the partition, Region and account from the statement where they
/// are concrete (else `aws`, [`PLACEHOLDER_REGION`], `account`), each other `${Name}` a
/// readable example (`${BucketName}` → `bucket-name`).
fn fill_format(format: &ArnFormat, partition: &str, region: &str, account_part: &str, account: &str) -> String {
    let open = |s: &str| s.is_empty() || pattern::has_wildcard(s) || pattern::has_variable(s);
    let partition = if open(partition) { "aws" } else { partition };
    let region = match format.region {
        "" => "",
        _ if open(region) => PLACEHOLDER_REGION,
        _ => region,
    };
    let account = match format.account {
        "" => "",
        "aws" => "aws",
        _ if open(account_part) => account,
        _ => account_part,
    };
    format!("arn:{partition}:{}:{region}:{account}:{}", format.service, example_names(format.resource))
}

/// `${ResourceId}` → `resource-id`: each placeholder of a format as a value of its name.
fn example_names(template: &str) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A pattern made concrete: a `*` Region or account part becomes the placeholder's, every
/// other `*` `example`, `?` `x`; a policy variable is left as written.
fn fill_pattern(pattern: &str, account: &str) -> String {
    if !pattern.starts_with("arn:") {
        return pattern.replace('*', "example").replace('?', "x");
    }
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    if parts.len() != 6 {
        return pattern.to_string();
    }
    let part = |i: usize, whole: &str| if parts[i] == "*" { whole.to_string() } else { parts[i].replace('?', "x") };
    format!(
        "arn:{}:{}:{}:{}:{}",
        part(1, "aws"),
        parts[2].replace('*', "example"),
        part(3, PLACEHOLDER_REGION),
        part(4, account),
        parts[5].replace('*', "example").replace('?', "x"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requests(text: &str, principal: Option<&str>) -> Vec<(String, String, String)> {
        let doc = Document::from(text);
        statement_requests(&doc, principal)
            .into_iter()
            .map(|r| (r.request.principal, r.request.action, r.request.resource))
            .collect()
    }

    fn policy(statements: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
    }

    #[test]
    fn a_concrete_action_and_resource_are_asked_as_written() {
        let text = policy(
            r#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/report.csv"}"#,
        );
        assert_eq!(
            requests(&text, None),
            [(PLACEHOLDER_ROLE.into(), "s3:GetObject".into(), "arn:aws:s3:::amzn-s3-demo-bucket/report.csv".into())]
        );
    }

    #[test]
    fn a_wildcard_action_is_its_first_catalog_action_on_an_arn_of_its_format() {
        // The bucket from the statement, the object key filled in.
        let text =
            policy(r#"{"Effect":"Allow","Action":"s3:GetObj*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}"#);
        let [(_, action, resource)] = requests(&text, None).try_into().unwrap();
        assert!(action.starts_with("s3:GetObj"), "{action}");
        assert!(resource.starts_with("arn:aws:s3:::amzn-s3-demo-bucket/"), "{resource}");
        assert!(!resource.contains('*'), "{resource}");
    }

    #[test]
    fn not_action_asks_about_an_action_it_leaves_in() {
        let text = policy(r#"{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*"}"#);
        let [(_, action, _)] = requests(&text, None).try_into().unwrap();
        assert!(!action.starts_with("iam:") && !action.starts_with("sts:") && action.contains(':'), "{action}");
        assert!(Catalog::get().action(&action).is_some(), "{action}");
    }

    #[test]
    fn a_star_resource_becomes_an_arn_of_the_actions_resource_type() {
        let text = policy(r#"{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}"#);
        assert_eq!(
            requests(&text, None),
            [(
                PLACEHOLDER_ROLE.into(),
                "dynamodb:GetItem".into(),
                "arn:aws:dynamodb:us-east-1:111122223333:table/table-name".into()
            )]
        );
        // An action that takes no resource is asked on `*`.
        let text = policy(r#"{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}"#);
        assert_eq!(requests(&text, None)[0].2, "*");
    }

    #[test]
    fn a_bedrock_foundation_model_pattern_keeps_its_shape_with_a_region() {
        let text = policy(
            r#"{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:*::foundation-model/*"}"#,
        );
        assert_eq!(
            requests(&text, Some("arn:aws:sts::123456789012:assumed-role/AgentRole/*")),
            [(
                "arn:aws:sts::123456789012:assumed-role/AgentRole/example".into(),
                "bedrock:InvokeModel".into(),
                "arn:aws:bedrock:us-east-1::foundation-model/resource-id".into()
            )]
        );
        let concrete = policy(
            r#"{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":["arn:aws:bedrock:*::foundation-model/*","arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"]}"#,
        );
        assert_eq!(
            requests(&concrete, None)[0].2,
            "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"
        );
    }

    #[test]
    fn resource_and_trust_policies_ask_as_their_principal() {
        let bucket = policy(
            r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/Reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}"#,
        );
        let [(principal, _, _)] = requests(&bucket, None).try_into().unwrap();
        assert_eq!(principal, "arn:aws:iam::444455556666:role/Reader");
        let trust =
            policy(r#"{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole"}"#);
        let [(principal, action, _)] = requests(&trust, None).try_into().unwrap();
        assert_eq!((principal.as_str(), action.as_str()), ("bedrock.amazonaws.com", "sts:AssumeRole"));
    }

    #[test]
    fn statements_without_actions_and_other_json_ask_nothing() {
        assert!(requests(&policy(r#"{"Effect":"Allow","Resource":"*"}"#), None).is_empty());
        assert!(requests(r#"{"name": "not a policy"}"#, None).is_empty());
        assert!(requests("{", None).is_empty());
    }

    #[test]
    fn the_request_carries_the_resources_region() {
        let text = policy(
            r#"{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:eu-west-1::foundation-model/m"}"#,
        );
        let doc = Document::from(text.as_str());
        let region = &statement_requests(&doc, None)[0].request.context;
        assert_eq!(region, &[("aws:RequestedRegion".to_string(), super::super::ContextValue::single("eu-west-1"))]);
        let global =
            policy(r#"{"Effect":"Allow","Action":"iam:GetRole","Resource":"arn:aws:iam::111122223333:role/R"}"#);
        let doc = Document::from(global.as_str());
        assert_eq!(statement_requests(&doc, None)[0].request.context[0].1.values, ["us-east-1"]);
    }

    #[test]
    fn placeholder_names_read_as_words() {
        assert_eq!(example_names("table/${TableName}"), "table/table-name");
        assert_eq!(example_names("${BucketName}/${ObjectName}"), "bucket-name/object-name");
        assert_eq!(example_names("key/${"), "key/${");
    }
}
