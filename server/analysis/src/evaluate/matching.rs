//! Matching a statement's elements against a request: actions, resources (ARNs part by
//! part), principals, and policy variables in them.

use serde::Serialize;

use super::policy::Principals;
use super::request::{lookup, Caller, ContextValue, PrincipalKind};
use crate::pattern::{self, Tok};

/// How a request's side is compared with a pattern: an `Allow` applies to a set of
/// resources (or actions) when its pattern overlaps the request's, a `Deny` only when it
/// covers all of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Overlaps,
    Covers,
}

/// A policy string with its variables replaced by the request's values.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>:
/// `${key}` is the key's value (no match when the request has none, unless a default is
/// given as `${key, 'default'}`); `${*}`, `${?}` and `${$}` are the literal characters;
/// a multi-valued key cannot be a variable. Substituted text is literal: a `*` in a tag
/// value is not a wildcard. `wildcards` says whether `*` and `?` in the policy text are.
pub fn expand(
    s: &str,
    context: &[(String, ContextValue)],
    variables: bool,
    wildcards: bool,
) -> Result<Vec<Tok>, String> {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s;
    while let Some(ch) = rest.chars().next() {
        if variables {
            if let Some(after) = rest.strip_prefix("${") {
                if let Some(close) = after.find('}') {
                    let inside = &after[..close];
                    rest = &after[close + 1..];
                    match inside {
                        "*" | "?" | "$" => out.extend(inside.chars().map(Tok::Lit)),
                        _ => {
                            let (key, default) = match inside.split_once(',') {
                                Some((key, default)) => {
                                    let default = default.trim();
                                    let default = default
                                        .strip_prefix('\'')
                                        .and_then(|d| d.strip_suffix('\''))
                                        .unwrap_or(default);
                                    (key.trim(), Some(default))
                                }
                                None => (inside.trim(), None),
                            };
                            let value = match lookup(context, key) {
                                Some(v) if !v.multi && v.values.len() == 1 => Some(v.values[0].as_str()),
                                _ => default,
                            };
                            match value {
                                Some(v) => out.extend(v.chars().map(Tok::Lit)),
                                None => {
                                    return Err(format!("the policy variable `${{{key}}}` has no value in the request"))
                                }
                            }
                        }
                    }
                    continue;
                }
            }
        }
        out.push(match ch {
            '*' if wildcards => Tok::Star,
            '?' if wildcards => Tok::Any,
            c => Tok::Lit(c),
        });
        rest = &rest[ch.len_utf8()..];
    }
    Ok(out)
}

fn compare(pattern: &[Tok], request: &[Tok], side: Side) -> bool {
    match side {
        Side::Overlaps => pattern::intersects(pattern, request),
        Side::Covers => pattern::covers(pattern, request),
    }
}

/// Whether an action pattern of a policy matches the request's action, ignoring case.
/// A malformed or unknown action is compared like any other text: it matches nothing
/// but itself.
pub fn action_matches(pattern: &str, action: &str, side: Side) -> bool {
    if !pattern::has_wildcard(action) {
        return pattern::matches_ignore_case(pattern, action);
    }
    let lower = |s: &str| pattern::wildcards(&s.to_ascii_lowercase());
    compare(&lower(pattern), &lower(action), side)
}

/// Whether a `Resource` pattern matches the request's resource. ARNs are compared part by
/// part (a wildcard in the region does not reach into the account), the resource part as
/// a whole; anything else as one string.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
pub fn resource_matches(
    pattern: &str,
    resource: &str,
    context: &[(String, ContextValue)],
    variables: bool,
    side: Side,
) -> Result<bool, String> {
    if pattern == "*" {
        return Ok(true);
    }
    // The common case, no variable in the pattern and no wildcard in the request: compare
    // the strings as they are, without building patterns.
    if !(pattern::has_wildcard(resource) || variables && pattern::has_variable(pattern)) {
        return Ok(plain_resource_matches(pattern, resource));
    }
    let policy_parts = crate::arn::split_outside_variables(pattern, b':', 6);
    let request_parts: Vec<&str> = resource.splitn(6, ':').collect();
    if policy_parts.len() == 6 && request_parts.len() == 6 && request_parts[0] == "arn" {
        for (p, r) in policy_parts.iter().zip(&request_parts) {
            let tokens = expand(p.text, context, variables, true)?;
            if !compare(&tokens, &pattern::wildcards(r), side) {
                return Ok(false);
            }
        }
        return Ok(true);
    }
    // An ARN pattern with parts missing matches no ARN: the parts are compared one by one.
    if pattern.starts_with("arn:") && request_parts.len() == 6 && request_parts[0] == "arn" {
        return Ok(false);
    }
    let tokens = expand(pattern, context, variables, true)?;
    Ok(compare(&tokens, &pattern::wildcards(resource), side))
}

/// [`resource_matches`] for a pattern without variables and a request without wildcards.
fn plain_resource_matches(pattern: &str, resource: &str) -> bool {
    let is_arn = |s: &str| s.starts_with("arn:") && s.bytes().filter(|&b| b == b':').count() >= 5;
    if is_arn(resource) {
        if !pattern.starts_with("arn:") {
            return pattern::matches(pattern, resource);
        }
        let (mut p, mut r) = (pattern.splitn(6, ':'), resource.splitn(6, ':'));
        for _ in 0..6 {
            match (p.next(), r.next()) {
                (Some(a), Some(b)) if pattern::matches(a, b) => {}
                _ => return false,
            }
        }
        return true;
    }
    pattern::matches(pattern, resource)
}

/// How a resource policy's principal names the caller, which decides what else must allow.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html>
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Named {
    /// The account (`123456789012`, `arn:aws:iam::123456789012:root`): the account's own
    /// identity policies must allow too.
    Account,
    /// The role ARN of a session: still limited by the boundary and the session policy.
    Role,
    /// `*`: everyone.
    Everyone,
    /// The user, the session, the federated user or the service itself.
    Directly,
}

/// Whether a `Principal` element names the caller, and how.
pub fn principal_named(principals: &Principals, caller: &Caller) -> Option<Named> {
    let Principals::Typed(entries) = principals else {
        return Some(Named::Everyone);
    };
    entries.iter().filter_map(|(kind, value)| entry_names(kind, value, caller)).max()
}

fn entry_names(kind: &str, value: &str, caller: &Caller) -> Option<Named> {
    match kind {
        "AWS" => {
            if value == "*" {
                return Some(Named::Everyone);
            }
            // AWS does not allow wildcards inside a principal: `arn:aws:iam::1:role/*`
            // names no one. <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>
            if pattern::has_wildcard(value) {
                return None;
            }
            if caller.kind == PrincipalKind::Service {
                return None;
            }
            let account = account_of(value);
            if let Some(account) = account {
                return (caller.account.as_deref() == Some(account)).then_some(Named::Account);
            }
            if value == caller.arn {
                return Some(if caller.kind == PrincipalKind::Role { Named::Role } else { Named::Directly });
            }
            if caller.kind == PrincipalKind::Session && is_role_of(value, caller) {
                return Some(Named::Role);
            }
            None
        }
        "Service" => (caller.kind == PrincipalKind::Service && value.eq_ignore_ascii_case(&caller.arn))
            .then_some(Named::Directly),
        _ => (value == "*" || value == caller.arn).then_some(Named::Directly),
    }
}

/// The account a principal entry names as a whole, if it does.
fn account_of(value: &str) -> Option<&str> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value);
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    (parts.len() == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[5] == "root").then_some(parts[4])
}

/// Whether `value` is the ARN of the session's role (with any path).
fn is_role_of(value: &str, caller: &Caller) -> bool {
    if caller.role_arn.as_deref() == Some(value) {
        return true;
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "iam"
        && Some(parts[4]) == caller.account.as_deref()
        && parts[5].starts_with("role/")
        && parts[5].rsplit('/').next() == caller.role_name.as_deref()
}

/// Whether a `NotPrincipal` element leaves the caller out. AWS checks each identity a
/// request carries: a user or a session is left out only when it is listed *and* its
/// account is; a role ARN does not leave its sessions out.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>
pub fn not_principal_excludes(principals: &Principals, caller: &Caller) -> bool {
    let Principals::Typed(entries) = principals else {
        return true;
    };
    let listed = |want: &str| entries.iter().any(|(kind, value)| kind == "AWS" && value == want);
    let account_listed = caller
        .account
        .as_deref()
        .is_some_and(|account| entries.iter().any(|(kind, value)| kind == "AWS" && account_of(value) == Some(account)));
    match caller.kind {
        PrincipalKind::Service => entries.iter().any(|(k, v)| k == "Service" && v.eq_ignore_ascii_case(&caller.arn)),
        PrincipalKind::Root => account_listed,
        PrincipalKind::Other => entries.iter().any(|(_, v)| v == &caller.arn),
        _ => account_listed && listed(&caller.arn),
    }
}
