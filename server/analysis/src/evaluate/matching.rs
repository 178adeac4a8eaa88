//! Matching a statement's elements against a request: actions, resources (ARNs part by
//! part), principals, and policy variables in them.

use serde::Serialize;

use std::cell::OnceCell;

use super::policy::{ActionPattern, Principals, ResourceForm, ResourcePattern};
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

/// The request's action, read once for all the statements it is compared with.
pub struct AskedAction<'r> {
    pub text: &'r str,
    /// When the action stands for a set (`s3:Get*`): its tokens, lower-cased.
    set: Option<Vec<Tok>>,
}

impl<'r> AskedAction<'r> {
    pub fn new(text: &'r str) -> AskedAction<'r> {
        let set = pattern::has_wildcard(text).then(|| pattern::wildcards(&text.to_ascii_lowercase()));
        AskedAction { text, set }
    }
}

/// Whether an action pattern of a policy matches the request's action, ignoring case.
/// A malformed or unknown action is compared like any other text: it matches nothing
/// but itself.
pub fn action_matches(pattern: &ActionPattern, action: &AskedAction<'_>, side: Side) -> bool {
    match &action.set {
        None => pattern.matcher.matches(action.text),
        Some(tokens) => compare(pattern.matcher.tokens(), tokens, side),
    }
}

/// A request's resource as tokens: whole, and its six parts when it is an ARN.
type RequestTokens = (Vec<Tok>, Option<Vec<Vec<Tok>>>);

/// The request's resource, read once for all the statements it is compared with.
pub struct AskedResource<'r> {
    pub text: &'r str,
    /// Its six parts, when it is an ARN.
    arn: Option<[&'r str; 6]>,
    /// Whether it stands for a set of resources (holds `*` or `?`).
    set: bool,
    /// As tokens, whole and part by part: built the first time a pattern needs them.
    tokens: OnceCell<RequestTokens>,
}

impl<'r> AskedResource<'r> {
    pub fn new(text: &'r str) -> AskedResource<'r> {
        // At the first five colons, as `splitn(6, ':')` does, in one pass over the bytes
        // (every request of a wildcard question reads its resource).
        let mut parts = [""; 6];
        let (mut count, mut start) = (0, 0);
        for (i, &b) in text.as_bytes().iter().enumerate() {
            if b == b':' && count < 5 {
                parts[count] = &text[start..i];
                count += 1;
                start = i + 1;
            }
        }
        parts[count] = &text[start..];
        let arn = (count == 5 && parts[0] == "arn").then_some(parts);
        AskedResource { text, arn, set: pattern::has_wildcard(text), tokens: OnceCell::new() }
    }

    fn tokens(&self) -> &RequestTokens {
        self.tokens.get_or_init(|| {
            let parts = self.arn.map(|parts| parts.iter().map(|p| pattern::wildcards(p)).collect());
            (pattern::wildcards(self.text), parts)
        })
    }
}

/// Whether an ARN pattern whose Region or account ends with `*` matches `arn` with that `*`
/// reaching across colons: "If the * wildcard is the last character of a resource ARN
/// segment, it can expand to match beyond the colon boundaries" (IAM User Guide,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>,
/// read 2026-12-03), so `arn:aws:secretsmanager:*:*:sqlworkbench!*` covers
/// `...:111122223333:secret:sqlworkbench!x`. A `*` inside the Region or account, and `?`,
/// stay in it. The resource part is read as [`resource_matches`] reads it without spanning,
/// and as the checks read it ([`crate::pattern::ArnResource`]): every `*` in it is any text.
fn spans_colons(pattern: &str, arn: &str) -> bool {
    // Most patterns have no `*` before a colon: settled without splitting (this runs for
    // every resource a pattern's parts did not match).
    if !pattern.contains("*:") {
        return false;
    }
    let parts = crate::arn::split_outside_variables(pattern, b':', 6);
    if parts.len() != 6 || !parts[3..5].iter().any(|part| part.text.ends_with('*')) {
        return false;
    }
    let mut tokens = crate::pattern::arn_pattern(&pattern[..parts[5].start]);
    tokens.extend(crate::pattern::policy_pattern(parts[5].text));
    crate::pattern::intersects(&tokens, &crate::pattern::literal(arn))
}

/// Whether a `Resource` pattern matches the request's resource. ARNs are compared part by
/// part (a wildcard in the region does not reach into the account), the resource part as
/// a whole; anything else as one string.
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>
pub fn resource_matches(
    pattern: &ResourcePattern,
    resource: &AskedResource<'_>,
    context: &[(String, ContextValue)],
    variables: bool,
    side: Side,
) -> Result<bool, String> {
    let starts_arn = pattern.text.starts_with("arn:");
    match &pattern.form {
        ResourceForm::All => Ok(true),
        // The common case, no variable in the pattern and no wildcard in the request: the
        // compiled matchers on the request's text.
        ResourceForm::Fixed { whole, parts } if !resource.set => Ok(match (&resource.arn, parts) {
            (Some(_), _) if !starts_arn => whole.matches(resource.text),
            (Some(texts), Some(parts)) => {
                parts.iter().zip(texts).all(|(part, text)| part.matches(text))
                    || spans_colons(&pattern.text, resource.text)
            }
            // An ARN pattern with parts missing matches no ARN.
            (Some(_), None) => false,
            (None, _) => whole.matches(resource.text),
        }),
        ResourceForm::Fixed { whole, parts } => {
            let parts = parts.as_ref().map(|parts| std::array::from_fn(|i| parts[i].tokens()));
            Ok(compare_tokens(whole.tokens(), parts, starts_arn, resource, side))
        }
        ResourceForm::Variables => {
            let split = crate::arn::split_outside_variables(&pattern.text, b':', 6);
            if split.len() == 6 && resource.arn.is_some() {
                let mut parts = Vec::with_capacity(6);
                for part in &split {
                    parts.push(expand(part.text, context, variables, true)?);
                }
                let parts = std::array::from_fn(|i| parts[i].as_slice());
                return Ok(compare_tokens(&[], Some(parts), starts_arn, resource, side));
            }
            if starts_arn && resource.arn.is_some() {
                return Ok(false);
            }
            let whole = expand(&pattern.text, context, variables, true)?;
            Ok(compare_tokens(&whole, None, starts_arn, resource, side))
        }
    }
}

/// [`resource_matches`] on tokens: for a request that stands for a set, or a pattern whose
/// variables took the request's values.
fn compare_tokens(
    whole: &[Tok],
    parts: Option<[&[Tok]; 6]>,
    starts_arn: bool,
    resource: &AskedResource<'_>,
    side: Side,
) -> bool {
    let (request, request_parts) = resource.tokens();
    match (parts, request_parts) {
        (Some(parts), Some(request_parts)) => {
            parts.iter().zip(request_parts).all(|(part, request)| compare(part, request, side))
        }
        // An ARN pattern with parts missing matches no ARN: the parts are compared one by one.
        (None, Some(_)) if starts_arn => false,
        _ => compare(whole, request, side),
    }
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
