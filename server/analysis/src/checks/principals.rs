//! `Principal` and `NotPrincipal`: who a resource-based or trust policy lets in.

use super::{nearest, Ctx};
use crate::arn;
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::kind::PolicyKind;
use crate::model::{Effect, Statement};
use crate::pattern;
use crate::syntax::{StringLit, Value};

const PRINCIPAL_KEYS: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

/// Identity providers that `Federated` names by host rather than by ARN.
const BUILT_IN_PROVIDERS: [&str; 4] =
    ["cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com", "www.amazon.com"];

pub fn check(cx: &mut Ctx, statement: &Statement) {
    for member in [statement.principal, statement.not_principal].into_iter().flatten() {
        let Some(value) = &member.value else { continue };
        match value {
            Value::String(s) if s.value == "*" => {}
            Value::String(s) => cx.push(Diagnostic::new(
                Code::PrincipalInvalid,
                s.range,
                format!(
                    "a `{}` string can only be \"*\"; name principals in an object such as {{\"AWS\": \"{}\"}}",
                    member.key.value, s.value
                ),
            )),
            Value::Object(object) => {
                for entry in &object.members {
                    let key = entry.key.value.as_str();
                    if !PRINCIPAL_KEYS.contains(&key) {
                        let close = nearest(key, PRINCIPAL_KEYS.iter().copied(), 1);
                        let mut d = Diagnostic::new(
                            Code::PrincipalInvalid,
                            entry.key.range,
                            format!(
                                "`{key}` is not a principal type: use `AWS`, `Service`, `Federated` or `CanonicalUser`"
                            ),
                        );
                        if let Some(&k) = close.first() {
                            d = d.with_fixes(super::rename_member(cx.text, object, entry, k));
                        }
                        cx.push(d);
                        continue;
                    }
                    let values: Vec<&StringLit> = match &entry.value {
                        Some(Value::String(s)) => vec![s],
                        Some(Value::Array(a)) => a.items.iter().filter_map(Value::as_str).collect(),
                        _ => Vec::new(),
                    };
                    for value in values {
                        check_value(cx, key, value);
                    }
                }
            }
            _ => {}
        }
    }

    // Anyone, with no condition, in an Allow of a resource or trust policy.
    if statement.effect == Some(Effect::Allow)
        && matches!(cx.kind, PolicyKind::Resource | PolicyKind::Trust)
        && statement.condition.is_none()
    {
        if let Some(everyone) = statement.principal.and_then(|m| m.value.as_ref()).and_then(wildcard_principal) {
            cx.push(Diagnostic::new(
                Code::PrincipalWildcard,
                everyone.range,
                format!(
                    "this {} lets anyone (any AWS account, or anonymous callers) in: restrict it with a condition such as `aws:PrincipalOrgID` or `aws:SourceAccount`, or name the principals",
                    cx.kind.description()
                ),
            ));
        }
    }
}

/// The `"*"` of `"Principal": "*"` or `{"AWS": "*"}`.
fn wildcard_principal(value: &Value) -> Option<&StringLit> {
    match value {
        Value::String(s) if s.value == "*" => Some(s),
        Value::Object(o) => match o.get("AWS").and_then(|m| m.value.as_ref()) {
            Some(Value::String(s)) if s.value == "*" => Some(s),
            Some(Value::Array(a)) => a.items.iter().filter_map(Value::as_str).find(|s| s.value == "*"),
            _ => None,
        },
        _ => None,
    }
}

fn check_value(cx: &mut Ctx, key: &str, lit: &StringLit) {
    let value = lit.value.as_str();
    let problem = match key {
        "AWS" if value != "*" && pattern::has_wildcard(value) => Some(
            "wildcards are not allowed in an `AWS` principal (only `\"*\"` alone): name the principals, or use `\"*\"` with an `aws:PrincipalArn` condition (`ArnLike`)".to_string(),
        ),
        "AWS" => (!valid_aws_principal(value)).then(|| {
            "an `AWS` principal is `*`, a 12-digit account id, `arn:aws:iam::ACCOUNT:root`, or the ARN of an IAM user or role (`arn:aws:iam::ACCOUNT:role/NAME`), an assumed-role session or a federated user".to_string()
        }),
        "Service" => {
            if !(value.ends_with(".amazonaws.com") || value.ends_with(".amazonaws.com.cn")) {
                Some(format!("a `Service` principal is a service's host name such as `bedrock.amazonaws.com`, not \"{value}\""))
            } else if !cx.catalog.is_service_principal(value) {
                let host = value.split('.').next().unwrap_or(value);
                let close = nearest(host, cx.catalog.services.iter().map(|s| s.prefix), 1);
                let mut d = Diagnostic::new(
                    Code::PrincipalServiceUnknown,
                    lit.content_range(),
                    format!("no AWS service is known as `{value}`: check the service principal's name"),
                );
                if let Some(service) = close.first() {
                    let fixed = value.replacen(host, service, 1);
                    if cx.catalog.is_service_principal(&fixed) {
                        d.message = format!("no AWS service is known as `{value}`; did you mean `{fixed}`?");
                        d = d.with_fix(Fix::replace(format!("Change to \"{fixed}\""), lit.range, format!("\"{fixed}\"")).preferred(true));
                    }
                }
                cx.push(d);
                None
            } else {
                None
            }
        }
        "Federated" => {
            let provider_arn = arn::parse(value).ok().filter(|a| {
                a.service.text == "iam" && (a.resource.text.starts_with("saml-provider/") || a.resource.text.starts_with("oidc-provider/"))
            });
            (provider_arn.is_none() && !BUILT_IN_PROVIDERS.contains(&value)).then(|| {
                "a `Federated` principal is an IAM identity provider ARN (`arn:aws:iam::ACCOUNT:saml-provider/NAME` or `oidc-provider/HOST`) or `cognito-identity.amazonaws.com`, `accounts.google.com`, `graph.facebook.com`, `www.amazon.com`".to_string()
            })
        }
        "CanonicalUser" => (!(value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())))
            .then(|| "a `CanonicalUser` principal is a 64-character hexadecimal canonical user id".to_string()),
        _ => None,
    };
    if let Some(message) = problem {
        cx.push(Diagnostic::new(Code::PrincipalInvalid, lit.content_range(), message));
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

fn valid_aws_principal(value: &str) -> bool {
    if value == "*" || is_account_id(value) {
        return true;
    }
    // Unique ids (AROA..., AIDA...) appear where a principal was deleted and recreated.
    if value.len() == 21
        && value.starts_with("A")
        && value.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return true;
    }
    let Ok(parsed) = arn::parse(value) else { return false };
    // A CloudFront origin access identity, as CloudFront writes it into bucket policies:
    // `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLE`
    // (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html).
    if parsed.service.text == "iam" && parsed.account.text == "cloudfront" {
        let id = parsed.resource.text.strip_prefix("user/CloudFront Origin Access Identity ");
        return id.is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
    let account = parsed.account.text;
    if !(is_account_id(account) || pattern::has_variable(account)) {
        return false;
    }
    let resource = parsed.resource.text;
    match parsed.service.text {
        "iam" => {
            resource == "root"
                || ["user/", "role/", "federated-user/"]
                    .iter()
                    .any(|p| resource.len() > p.len() && resource.starts_with(p))
        }
        "sts" => {
            ["assumed-role/", "federated-user/"].iter().any(|p| resource.len() > p.len() && resource.starts_with(p))
        }
        _ => false,
    }
}
