//! `Principal` and `NotPrincipal`: who a resource-based or trust policy lets in.

use super::{nearest, Ctx};
use crate::arn;
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::kind::PolicyKind;
use crate::model::{Effect, Statement};
use crate::pattern;
use crate::syntax::{Member, Object, StringLit, Value};

const PRINCIPAL_KEYS: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

/// Identity providers that `Federated` names by host rather than by ARN.
pub(super) const BUILT_IN_PROVIDERS: [&str; 4] =
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
                        if key == "Service" && BUILT_IN_PROVIDERS.contains(&value.value.as_str()) {
                            provider_as_service(cx, statement, object, entry, value);
                        } else {
                            check_value(cx, key, value);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    if cx.kind == PolicyKind::Trust {
        principal_action_mismatch(cx, statement);
        oidc_subject(cx, statement);
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

/// OIDC providers whose tokens every customer of the service can get, each with who that
/// is, the claim that names the customer's own, its fixed start and an example: without a
/// condition on that claim, any of them can assume the role.
/// - GitHub Actions: any repository's workflow
///   (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services).
/// - GitLab.com: any project's pipeline; "configure a web identity role with conditions for
///   limiting access to GitLab resources" on `gitlab.com:sub`
///   (https://archives.docs.gitlab.com/16.7/ee/ci/cloud_services/aws/index.html, read 2026-12-04).
/// - HCP Terraform: any organization's run; `app.terraform.io:sub` is
///   `organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:PHASE`
///   (https://support.hashicorp.com/hc/en-us/articles/13138701895699-Updating-Workload-Identity-for-Projects,
///   read 2026-12-04).
/// - Cognito identity pools (a built-in provider, named by host): any identity pool's users;
///   trust policies "must contain the cognito-identity.amazonaws.com:aud condition key to
///   restrict role assumption to users from your intended identity pools" (STS
///   AssumeRoleWithWebIdentity `RoleArn`,
///   https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/sts/aws.sdk.kotlin.services.sts.model/-assume-role-with-web-identity-request/role-arn.html,
///   read 2026-12-04).
struct SharedProvider {
    host: &'static str,
    /// Named by host (`"Federated": "cognito-identity.amazonaws.com"`), not by an
    /// `oidc-provider/` ARN.
    built_in: bool,
    anyone: &'static str,
    claim: &'static str,
    lead: &'static str,
    example: &'static str,
}

const SHARED_OIDC_PROVIDERS: [SharedProvider; 4] = [
    SharedProvider {
        host: "token.actions.githubusercontent.com",
        built_in: false,
        anyone: "any GitHub repository's workflow",
        claim: "sub",
        lead: "repo:",
        example: "repo:OWNER/REPO:ref:refs/heads/main",
    },
    SharedProvider {
        host: "gitlab.com",
        built_in: false,
        anyone: "any GitLab.com project's pipeline",
        claim: "sub",
        lead: "project_path:",
        example: "project_path:GROUP/PROJECT:ref_type:branch:ref:main",
    },
    SharedProvider {
        host: "app.terraform.io",
        built_in: false,
        anyone: "any HCP Terraform organization's run",
        claim: "sub",
        lead: "organization:",
        example: "organization:ORG:project:PROJECT:workspace:WORKSPACE:run_phase:*",
    },
    SharedProvider {
        host: "cognito-identity.amazonaws.com",
        built_in: true,
        anyone: "the users of any account's Cognito identity pool",
        claim: "aud",
        lead: "",
        example: "us-east-1:IDENTITY-POOL-ID",
    },
];

/// A trust policy's `Allow` of a shared OIDC provider ([`SHARED_OIDC_PROVIDERS`]) needs a
/// condition on the claim naming the customer's own (`sub`; `aud` for Cognito): a
/// non-negated `String` operator with a value that is more than a wildcard after the
/// claim's fixed start (`repo:*` matches every repository).
fn oidc_subject(cx: &mut Ctx, statement: &Statement) {
    if statement.effect != Some(Effect::Allow) {
        return;
    }
    let Some(Value::Object(principal)) = statement.principal.and_then(|m| m.value.as_ref()) else { return };
    let Some(federated) = principal.get("Federated").and_then(|m| m.value.as_ref()) else { return };
    let values: Vec<&StringLit> = match federated {
        Value::String(s) => vec![s],
        Value::Array(a) => a.items.iter().filter_map(Value::as_str).collect(),
        _ => return,
    };
    for provider in values {
        let Some(&SharedProvider { host, anyone, claim, lead, example, .. }) = SHARED_OIDC_PROVIDERS.iter().find(|p| {
            if p.built_in {
                provider.value == p.host
            } else {
                provider.value.ends_with(&format!(":oidc-provider/{}", p.host))
            }
        }) else {
            continue;
        };
        let subject = format!("{host}:{claim}");
        let names_one = |v: &str| {
            let rest = v.strip_prefix(lead).unwrap_or(v);
            rest.bytes().any(|b| b != b'*' && b != b'?')
        };
        let mut wildcard_only = false;
        let has_subject = match statement.condition.and_then(|m| m.value.as_ref()) {
            Some(Value::Object(condition)) => condition.members.iter().any(|block| {
                let operator = block.key.value.as_str();
                let base = operator.rsplit(':').next().unwrap_or(operator);
                if !base.starts_with("String") || base.starts_with("StringNot") {
                    return false;
                }
                let Some(Value::Object(keys)) = &block.value else { return false };
                keys.members.iter().filter(|k| k.key.value.eq_ignore_ascii_case(&subject)).any(|k| {
                    let values: Vec<&str> = match &k.value {
                        Some(Value::String(s)) => vec![s.value.as_str()],
                        Some(Value::Array(a)) => {
                            a.items.iter().filter_map(Value::as_str).map(|s| s.value.as_str()).collect()
                        }
                        _ => vec![],
                    };
                    let restricts = !values.is_empty() && values.iter().all(|v| names_one(v));
                    wildcard_only |= !restricts;
                    restricts
                })
            }),
            _ => false,
        };
        if !has_subject {
            let what = if wildcard_only {
                format!("its `{subject}` condition matches every `{claim}`")
            } else {
                format!("it has no condition on `{subject}`")
            };
            cx.push(Diagnostic::new(
                Code::OidcSubjectMissing,
                provider.content_range(),
                format!("{anyone} can assume this role ({what}): restrict `{subject}` to your own, such as `\"{}\": {{\"{subject}\": \"{example}\"}}`", if example.contains('*') { "StringLike" } else { "StringEquals" }),
            ));
        }
    }
}

/// How each principal type assumes a role: an IAM principal with `sts:AssumeRole`, a SAML
/// provider with `sts:AssumeRoleWithSAML`, an OIDC provider with
/// `sts:AssumeRoleWithWebIdentity` (Access Analyzer's "Mismatched action for principal").
fn principal_action_mismatch(cx: &mut Ctx, statement: &Statement) {
    let Some(Value::Object(principal)) = statement.principal.and_then(|m| m.value.as_ref()) else { return };
    let [entry] = principal.members.as_slice() else { return }; // one principal type
    let values: Vec<&StringLit> = match &entry.value {
        Some(Value::String(s)) => vec![s],
        Some(Value::Array(a)) => a.items.iter().filter_map(Value::as_str).collect(),
        _ => return,
    };
    let saml = |v: &&StringLit| v.value.contains(":saml-provider/");
    let oidc = |v: &&StringLit| v.value.contains(":oidc-provider/") || BUILT_IN_PROVIDERS.contains(&v.value.as_str());
    let (right, who) = match entry.key.value.as_str() {
        "Federated" if !values.is_empty() && values.iter().all(saml) => ("sts:AssumeRoleWithSAML", "a SAML provider"),
        "Federated" if !values.is_empty() && values.iter().all(oidc) => {
            ("sts:AssumeRoleWithWebIdentity", "an OIDC (web identity) provider")
        }
        "AWS" => ("sts:AssumeRole", "an IAM principal"),
        _ => return,
    };
    let Some(actions) = &statement.action else { return };
    let assume = ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"];
    for lit in &actions.items {
        let Some(&wrong) = assume.iter().find(|a| a.eq_ignore_ascii_case(&lit.value)) else { continue };
        if wrong == right || actions.items.iter().any(|other| other.value.eq_ignore_ascii_case(right)) {
            continue;
        }
        cx.push(
            Diagnostic::new(
                Code::ActionNotInKind,
                lit.content_range(),
                format!("{who} assumes a role with `{right}`, not `{wrong}`: this statement lets it assume nothing"),
            )
            .with_fix(Fix::replace(format!("Change to `{right}`"), lit.range, format!("\"{right}\"")).preferred(true)),
        );
    }
}

/// `{"Service": "cognito-identity.amazonaws.com"}`: Cognito identity pools assume roles as
/// the `Federated` identity provider with `sts:AssumeRoleWithWebIdentity`
/// (https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html,
/// read 2026-12-03); no service signs requests under that name, so the role is never assumed.
/// Fixed by renaming the key where that alone makes a working trust statement (one that
/// names its identity pool in an `aud` condition).
fn provider_as_service(cx: &mut Ctx, statement: &Statement, object: &Object, entry: &Member, lit: &StringLit) {
    let value = &lit.value;
    let mut d = Diagnostic::new(
        Code::PrincipalServiceUnknown,
        lit.content_range(),
        format!("`{value}` is an identity provider, not a service principal: Cognito identity pools assume roles as {{\"Federated\": \"{value}\"}} with `sts:AssumeRoleWithWebIdentity`"),
    );
    let single = matches!(entry.value, Some(Value::String(_))) && object.members.len() == 1;
    let web_identity_only = statement.action.as_ref().is_some_and(|actions| {
        let assume: Vec<&str> = actions
            .items
            .iter()
            .map(|a| a.value.as_str())
            .filter(|a| {
                a.len() > 4
                    && a[..4].eq_ignore_ascii_case("sts:")
                    && a[4..].to_ascii_lowercase().starts_with("assumerole")
            })
            .collect();
        !assume.is_empty() && assume.iter().all(|a| a.eq_ignore_ascii_case("sts:AssumeRoleWithWebIdentity"))
    });
    // Without an `aud` condition the `Federated` statement is refused too (STS: a Cognito
    // trust policy must contain it, see [`SHARED_OIDC_PROVIDERS`]), and the rename would only
    // trade this finding for `oidc-subject-missing`.
    let names_pool = statement.condition.and_then(|m| m.value.as_ref()).is_some_and(|condition| {
        matches!(condition, Value::Object(blocks) if blocks.members.iter().any(|block| {
            matches!(&block.value, Some(Value::Object(keys))
                if keys.members.iter().any(|k| k.key.value.eq_ignore_ascii_case("cognito-identity.amazonaws.com:aud")))
        }))
    });
    if cx.kind == PolicyKind::Trust && single && web_identity_only && names_pool {
        d = d.with_fix(Fix::replace("Change to \"Federated\"", entry.key.range, "\"Federated\"").preferred(true));
    }
    cx.push(d);
}

fn check_value(cx: &mut Ctx, key: &str, lit: &StringLit) {
    let value = lit.value.as_str();
    if key == "Federated" && cx.kind != PolicyKind::Trust {
        cx.push(Diagnostic::new(
            Code::PrincipalInvalid,
            lit.content_range(),
            format!(
                "a `Federated` principal can only assume a role, in a role trust policy; {} names `AWS`, `Service` or `CanonicalUser` principals",
                cx.kind.with_article()
            ),
        ));
        return;
    }
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
