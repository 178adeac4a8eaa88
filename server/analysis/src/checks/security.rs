//! Security warnings: grants broader than they look, and the policy's size quota.

use super::Ctx;
use crate::arn;
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::kind::PolicyKind;
use crate::model::{Effect, Outline, Statement};
use crate::pattern;
use crate::syntax::{StringLit, Value};
use crate::text::TextRange;

/// Keys that tie a service principal's access to one account, resource or organisation.
const SOURCE_KEYS: [&str; 4] = ["aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"];

/// Service principals that assume roles for the account's own instances and functions;
/// they send no source account or ARN, so those conditions would lock them out (AWS's
/// EC2 and Lambda execution-role documentation uses no conditions).
const NO_SOURCE_CONTEXT: [&str; 3] = ["ec2.amazonaws.com", "lambda.amazonaws.com", "edgelambda.amazonaws.com"];

pub fn check(cx: &mut Ctx, statement: &Statement) {
    if statement.effect != Some(Effect::Allow) {
        return;
    }
    let keys = condition_keys(statement);
    allow_with_not(cx, statement);
    full_admin(cx, statement);
    pass_role(cx, statement, &keys);
    if matches!(cx.kind, PolicyKind::Trust | PolicyKind::Resource) {
        confused_deputy(cx, statement, &keys);
    }
    if cx.kind == PolicyKind::Trust {
        whole_account(cx, statement, &keys);
    }
}

/// Lower-cased condition keys of a statement.
fn condition_keys(statement: &Statement) -> Vec<String> {
    let Some(Value::Object(condition)) = statement.condition.and_then(|m| m.value.as_ref()) else { return Vec::new() };
    condition
        .members
        .iter()
        .filter_map(|b| b.value.as_ref().and_then(Value::as_object))
        .flat_map(|o| o.members.iter().map(|m| m.key.value.to_ascii_lowercase()))
        .collect()
}

fn allow_with_not(cx: &mut Ctx, statement: &Statement) {
    for (key, what) in [
        ("NotAction", "every action except those listed, in every service, including ones AWS adds later"),
        ("NotResource", "its actions on every resource except those listed"),
        ("NotPrincipal", "everyone except the principals listed, anonymous callers included"),
    ] {
        if let Some(member) = statement.object.get(key) {
            cx.push(Diagnostic::new(
                Code::AllowWithNot,
                member.key.range,
                format!("`Allow` with `{key}` grants {what}: list what to allow instead, or use `Deny` with `{key}`"),
            ));
        }
    }
}

fn full_admin(cx: &mut Ctx, statement: &Statement) {
    if matches!(cx.kind, PolicyKind::Scp | PolicyKind::Rcp | PolicyKind::Boundary) {
        return; // `FullAWSAccess`-style SCPs, `RCPFullAWSAccess` and boundaries only set a ceiling
    }
    if let Some(all) = full_admin_entry(statement) {
        cx.push(Diagnostic::new(
            Code::FullAdmin,
            all.range,
            "`Allow` of every action on every resource is full administrator access: grant the actions this principal needs",
        ));
    }
}

/// The `*` entry of an Allow statement of every action on every resource without a
/// condition, if it is one.
fn full_admin_entry<'a>(statement: &Statement<'a>) -> Option<&'a StringLit> {
    let all = statement.action.as_ref()?.items.iter().copied().find(|a| a.value == "*" || a.value == "*:*")?;
    let everything =
        statement.resource.as_ref().is_some_and(|r| r.items.iter().any(|i| arn::is_all_wildcard(&i.value)));
    (everything && statement.condition.is_none()).then_some(all)
}

/// Whether the statement grants every action on every resource without a condition (what
/// `full-admin` reports in the kinds that grant).
pub(super) fn is_full_admin(statement: &Statement) -> bool {
    statement.effect == Some(Effect::Allow) && full_admin_entry(statement).is_some()
}

fn pass_role(cx: &mut Ctx, statement: &Statement, keys: &[String]) {
    if keys.iter().any(|k| k == "iam:passedtoservice") {
        return;
    }
    let Some(actions) = &statement.action else { return };
    let pass_role = actions
        .items
        .iter()
        .find(|a| a.value != "*" && a.value != "*:*" && pattern::matches_ignore_case(&a.value, "iam:PassRole"));
    let Some(pass_role) = pass_role else { return };
    let on_everything = statement.not_resource.is_some()
        || statement.resource.as_ref().is_some_and(|r| r.items.iter().any(|i| arn::is_all_wildcard(&i.value)));
    if on_everything {
        let via = if statement.not_resource.is_some() { "with `NotResource`" } else { "on `\"Resource\": \"*\"`" };
        cx.push(Diagnostic::new(
            Code::PassRoleWildcard,
            pass_role.range,
            format!("`{}` {via} lets the holder pass any role, admin roles included, to any service: name the roles (`arn:aws:iam::ACCOUNT:role/NAME`) and add an `iam:PassedToService` condition", pass_role.value),
        ));
    }
}

fn service_principals<'a>(statement: &Statement<'a>) -> Vec<&'a StringLit> {
    let Some(Value::Object(principal)) = statement.principal.and_then(|m| m.value.as_ref()) else { return Vec::new() };
    match principal.get("Service").and_then(|m| m.value.as_ref()) {
        Some(Value::String(s)) => vec![s],
        Some(Value::Array(a)) => a.items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn confused_deputy(cx: &mut Ctx, statement: &Statement, keys: &[String]) {
    if keys.iter().any(|k| SOURCE_KEYS.contains(&k.as_str())) {
        return;
    }
    let services = service_principals(statement);
    // An identity provider written as a service principal is `principal-service-unknown`'s.
    let Some(first) = services.iter().find(|s| {
        !NO_SOURCE_CONTEXT.contains(&s.value.as_str())
            && !super::principals::BUILT_IN_PROVIDERS.contains(&s.value.as_str())
    }) else {
        return;
    };
    let mut d = Diagnostic::new(
        Code::ConfusedDeputy,
        first.range,
        format!(
            "`{}` is allowed without `aws:SourceAccount` or `aws:SourceArn`: any AWS account's use of the service could reach this (the confused deputy problem); add a condition naming your account or resource",
            first.value
        ),
    );
    if statement.condition.is_none() {
        if let Some(last) = statement.object.members.last() {
            let indent = cx.indentation_at(last.key.range.start);
            let service = first.value.split('.').next().unwrap_or("SERVICE");
            let insert = format!(
                ",\n{indent}\"Condition\": {{\n{indent}  \"StringEquals\": {{\"aws:SourceAccount\": \"ACCOUNT_ID\"}},\n{indent}  \"ArnLike\": {{\"aws:SourceArn\": \"arn:aws:{service}:REGION:ACCOUNT_ID:*\"}}\n{indent}}}"
            );
            d = d.with_fix(Fix::replace(
                "Add `aws:SourceAccount` and `aws:SourceArn` conditions",
                TextRange::empty(last.range().end),
                insert,
            ));
        }
    }
    cx.push(d);
}

fn whole_account(cx: &mut Ctx, statement: &Statement, keys: &[String]) {
    if keys.iter().any(|k| k == "sts:externalid" || k == "aws:multifactorauthpresent" || k == "aws:principalarn") {
        return;
    }
    let Some(Value::Object(principal)) = statement.principal.and_then(|m| m.value.as_ref()) else { return };
    let accounts: Vec<&StringLit> = match principal.get("AWS").and_then(|m| m.value.as_ref()) {
        Some(Value::String(s)) => vec![s],
        Some(Value::Array(a)) => a.items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let whole = accounts
        .into_iter()
        .find(|a| (a.value.len() == 12 && a.value.bytes().all(|b| b.is_ascii_digit())) || a.value.ends_with(":root"));
    if let Some(account) = whole {
        cx.push(Diagnostic::new(
            Code::TrustWholeAccount,
            account.range,
            "this trusts every role and user of the account that its policies allow: for a third party add an `sts:ExternalId` condition, for people `aws:MultiFactorAuthPresent`, or name the roles",
        ));
    }
}

pub fn check_size(cx: &mut Ctx, policy: &Outline) {
    let Some(quota) = cx.kind.size_quota() else { return };
    if cx.text.len() <= quota {
        return; // no more characters than bytes
    }
    // AWS Organizations keeps an SCP or RCP as saved: through the API, the CLI or
    // infrastructure code every character counts, whitespace too (only the console strips
    // whitespace outside strings). IAM does not count whitespace.
    let organizations = matches!(cx.kind, PolicyKind::Scp | PolicyKind::Rcp);
    let size = if organizations {
        cx.text.chars().count()
    } else if cx.text.is_ascii() {
        // ASCII whitespace is ` ` and `\t` to `\r`. Byte sums over chunks that cannot
        // overflow one are what the compiler vectorises best (a 1 MB document is re-counted
        // on every keystroke).
        let counts = cx
            .text
            .as_bytes()
            .chunks(255)
            .map(|chunk| chunk.iter().map(|&b| u8::from(b != b' ' && !(b'\t'..=b'\r').contains(&b))).sum::<u8>());
        counts.map(usize::from).sum()
    } else {
        cx.text.chars().filter(|c| !c.is_whitespace()).count()
    };
    if size > quota {
        let root = policy.root.range;
        let message = if organizations {
            format!(
                "this {} has {size} characters, whitespace included, over AWS Organizations' quota of {quota} for a policy saved through the API, the CLI or infrastructure code (the console strips whitespace outside strings): remove the whitespace, split it into several policies, or use wildcards where they do not grant more than intended",
                cx.kind.description()
            )
        } else {
            format!(
                "this {} has {size} characters without whitespace, over IAM's quota of {quota}: split it into several policies, or use wildcards where they do not grant more than intended",
                cx.kind.description()
            )
        };
        cx.push(Diagnostic::new(Code::PolicySize, TextRange::new(root.start, root.start + 1), message));
    }
}
