//! `Resource` and `NotResource`: well-formed ARNs of real resource types, and no
//! `"Resource": "*"` where the actions could be scoped.

use std::collections::BTreeSet;

use rustc_hash::FxHashSet as HashSet;

use super::{list, nearest, rewrite_entry, Ctx};
use crate::arn::{self, PARTITIONS};
use crate::catalog::{Action, ArnFormat, ResourceType, Service};
use crate::diagnostics::{Code, Diagnostic, Fix, Severity};
use crate::kind::PolicyKind;
use crate::model::{Effect, Statement, Strings};
use crate::pattern;
use crate::syntax::StringLit;

pub fn check(cx: &mut Ctx, statement: &Statement) {
    let api_gateway = api_gateway_statement(cx.kind, statement);
    for list in [&statement.resource, &statement.not_resource].into_iter().flatten() {
        for &resource in &list.items {
            let before = cx.out.len();
            if api_gateway && resource.value.starts_with(EXECUTE_API_SHORTHAND) {
                continue;
            }
            check_resource(cx, resource);
            for d in &mut cx.out[before..] {
                d.fixes = std::mem::take(&mut d.fixes).into_iter().map(|fix| rewrite(list, resource, fix)).collect();
            }
        }
    }
    if statement.effect == Some(Effect::Allow) {
        if let Some(resources) = &statement.resource {
            // SCPs, RCPs and boundaries set ceilings: `*` there grants nothing by itself.
            let ceiling = matches!(cx.kind, PolicyKind::Scp | PolicyKind::Rcp | PolicyKind::Boundary);
            match resources.items.iter().find(|r| grants_everything(&r.value)) {
                Some(_) if ceiling => {}
                Some(star) => resource_star(cx, statement, star, None),
                None => {
                    if !ceiling {
                        if let Some((star, every)) = resources
                            .items
                            .iter()
                            .find_map(|r| every_resource_of(&r.value, cx.catalog).map(|every| (*r, every)))
                        {
                            resource_star(cx, statement, star, Some(every));
                        }
                    }
                    action_resource_pairing(cx, statement, &resources.items)
                }
            }
        }
    }
}

/// API Gateway's shorthand for the API's own ARN in a REST API resource policy:
/// `execute-api:/stage/VERB/path`, which API Gateway expands to
/// `arn:aws:execute-api:region:account:api-id/stage/VERB/path` when it stores the policy
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html).
const EXECUTE_API_SHORTHAND: &str = "execute-api:/";

/// Whether a statement is one API Gateway reads with its shorthand: a resource policy whose
/// every action is an `execute-api` one (no other service expands the shorthand).
fn api_gateway_statement(kind: PolicyKind, statement: &Statement) -> bool {
    kind == PolicyKind::Resource
        && statement.action.as_ref().is_some_and(|actions| {
            !actions.items.is_empty()
                && actions
                    .items
                    .iter()
                    .all(|a| a.value.get(..12).is_some_and(|p| p.eq_ignore_ascii_case("execute-api:")))
        })
}

/// A fix that rewrites a resource entry, or removes it where the list already has the ARN it
/// would write (`redundancy` reports the same resource twice).
fn rewrite(list: &Strings, lit: &StringLit, fix: Fix) -> Fix {
    rewrite_entry(list, lit, fix, |entry, written| entry == written)
}

fn check_resource(cx: &mut Ctx, lit: &StringLit) {
    let catalog = cx.catalog;
    let value = lit.value.as_str();
    if arn::is_all_wildcard(value) || value.is_empty() {
        return; // an empty string is reported as such
    }
    if !value.starts_with("arn:") {
        cx.push(Diagnostic::new(
            Code::ArnSyntax,
            lit.content_range(),
            format!(
                "`{value}` is not a resource: write `*` or an ARN, `arn:partition:service:region:account:resource`"
            ),
        ));
        return;
    }
    let parsed = match arn::parse(value) {
        Ok(parsed) => parsed,
        Err(parts) => {
            cx.push(Diagnostic::new(
                Code::ArnSyntax,
                lit.content_range(),
                format!(
                    "an ARN has six parts, `arn:partition:service:region:account:resource`, separated by `:`; this one has {parts} (region and account may be empty, but their `:` must be there)"
                ),
            ));
            return;
        }
    };
    let range = |part: arn::Part| lit.sub_range(part.start, part.end());

    // Placeholders copied from documentation or templates.
    let mut placeholder = false;
    for (part, what) in [
        (parsed.partition, "partition"),
        (parsed.region, "Region"),
        (parsed.account, "account"),
        (parsed.resource, "resource"),
    ] {
        if let Some(found) = placeholder_in(part.text, what) {
            placeholder = true;
            cx.push(Diagnostic::new(
                Code::ArnPlaceholder,
                range(part),
                format!("`{found}` is a placeholder left in the ARN's {what}: put the real {what} there (or `*`)"),
            ));
        }
    }
    if placeholder {
        return;
    }

    let partition = parsed.partition.text;
    if !arn::is_variable(partition) && !PARTITIONS.contains(&partition) {
        let close = nearest(partition, PARTITIONS.iter().copied(), 1);
        let fix_to = close.first().copied().unwrap_or("aws");
        cx.push(
            Diagnostic::new(
                Code::ArnUnknownPartition,
                range(parsed.partition),
                format!("`{partition}` is not an AWS partition: use `aws` (or `aws-cn`, `aws-us-gov`, `aws-iso*`, `aws-eusc` for those partitions)"),
            )
            .with_fix(Fix::replace(format!("Change the partition to `{fix_to}`"), range(parsed.partition), fix_to).preferred(true)),
        );
    }

    let service = parsed.service.text;
    if arn::is_variable(service) || service.is_empty() {
        return;
    }
    if !catalog.is_arn_service(service) && catalog.service(service).is_some() {
        return; // a real service whose resource types the catalog does not list
    }
    if !catalog.is_arn_service(service) {
        let known: Vec<&str> = catalog
            .services
            .iter()
            .flat_map(|s| s.resource_types.iter().filter_map(|r| r.arn_format.as_ref().map(|f| f.service)))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let close = nearest(service, known.into_iter(), 3);
        let mut message = format!("no resource type in the IAM catalog has ARNs of service `{service}`");
        if !close.is_empty() {
            message.push_str(&format!("; did you mean {}?", list(&close)));
        }
        let mut d = Diagnostic::new(Code::ArnUnknownService, range(parsed.service), message);
        if close.len() == 1 {
            d = d.with_fix(Fix::replace(
                format!("Change the service to `{}`", close[0]),
                range(parsed.service),
                close[0],
            ));
        }
        cx.push(d);
        return;
    }

    let resource = parsed.resource.text;
    let resource_pattern = pattern::ArnResource::new(parsed.account.text, resource);
    let matching: Vec<(&ResourceType, &ArnFormat)> =
        catalog.resource_types_matching(service, &resource_pattern).map(|(_, r, f)| (r, f)).collect();
    if matching.is_empty() {
        let formats: Vec<&str> = catalog
            .resource_types_for_arn_service(service)
            .flat_map(|(_, r)| r.formats().map(|f| f.resource))
            .collect();
        let mut close = nearest(resource, formats.iter().copied(), 3);
        if close.is_empty() {
            // Show the formats that share the most leading text (the resource type name).
            let mut by_prefix = formats.clone();
            by_prefix.sort_by_key(|f| std::cmp::Reverse(common_prefix(f, resource)));
            by_prefix.dedup();
            close = by_prefix.into_iter().take(3).collect();
        }
        let problem = separator_problem(resource, &close);
        cx.push(Diagnostic::new(
            Code::ArnUnknownResource,
            range(parsed.resource),
            format!("`{resource}` matches no ARN format of any `{service}` resource type{problem}, so it likely grants nothing; expected a resource part like {}", list(&close)),
        ));
        return;
    }
    // Named only in a diagnostic: built on demand.
    let what = || {
        let names: Vec<&str> = matching.iter().take(3).map(|(r, _)| r.name).collect();
        format!("`{service}` {} ARNs", list(&names).replace(" or ", "/"))
    };

    // Region: present exactly where the resource type's format has one.
    let region = parsed.region.text;
    let region_range = range(parsed.region);
    if region.is_empty() {
        if matching.iter().all(|(_, f)| !f.region.is_empty()) {
            cx.push(
                Diagnostic::new(
                    Code::ArnRegionMissing,
                    region_range,
                    format!("{} name a Region, and this one has none, so it matches none of your resources (only resources AWS owns, where it has any): put the Region between `{service}:` and the account (or `*` for any)", what()),
                )
                .with_fix(Fix::replace("Use any Region (`*`)", region_range, "*")),
            );
        }
    } else if matching.iter().all(|(_, f)| f.region.is_empty()) && !arn::is_variable(region) {
        cx.push(
            Diagnostic::new(
                Code::ArnRegion,
                region_range,
                format!(
                    "{} have no Region (`arn:PARTITION:{service}::...`): remove `{region}`, or the ARN never matches",
                    what()
                ),
            )
            .with_fix(Fix::replace("Remove the Region", region_range, "").preferred(true)),
        );
    } else if !arn::is_variable(region) && !catalog.is_region(region) {
        let close = nearest(region, catalog.all_regions(), 1);
        let mut d = Diagnostic::new(
            Code::ArnRegionUnknown,
            region_range,
            format!(
                "`{region}` is not an AWS Region{}",
                close
                    .first()
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_else(|| " (such as `us-east-1`)".to_string())
            ),
        );
        if let Some(&c) = close.first() {
            d = d.with_fix(Fix::replace(format!("Change to `{c}`"), region_range, c).preferred(true));
        }
        cx.push(d);
    }

    // Account: 12 digits, present exactly where the format has one.
    let account = parsed.account.text;
    let account_range = range(parsed.account);
    if account.is_empty() {
        if matching.iter().all(|(_, f)| !f.account.is_empty()) && !aws_owned_name(service, resource, &matching) {
            cx.push(
                Diagnostic::new(
                    Code::ArnAccountMissing,
                    account_range,
                    format!("{} name the owning account, and this one has none, so it matches none of your resources (only resources AWS owns, where it has any): put the 12-digit account id before the resource (or `*` for any)", what()),
                )
                .with_fix(Fix::replace("Use any account (`*`)", account_range, "*")),
            );
        }
    } else if matching.iter().all(|(_, f)| f.account.is_empty()) && !arn::is_variable(account) && account != "aws" {
        cx.push(
            Diagnostic::new(
                Code::ArnAccount,
                account_range,
                format!("{} have no account (`arn:PARTITION:{service}:REGION::...`): remove `{account}`, or the ARN never matches", what()),
            )
            .with_fix(Fix::replace("Remove the account", account_range, "").preferred(true)),
        );
    } else if !valid_account(account) {
        cx.push(Diagnostic::new(
            Code::ArnAccount,
            account_range,
            format!("`{account}` is not an account id: an ARN's account is 12 digits (or `*`)"),
        ));
    }
}

/// Whether the resource names resources AWS owns, which have no account: its name (the
/// text where the format's first placeholder starts) begins with a prefix AWS reserves for
/// its own resources of the service (`knowledge/aws-owned-names.json`: `AWS-RunShellScript`,
/// `/aws/service/...` parameters), or is a pattern that matches such names (`document/*`:
/// with no account, it can only mean AWS's public documents, as AWS writes them).
fn aws_owned_name(service: &str, resource: &str, matching: &[(&ResourceType, &ArnFormat)]) -> bool {
    let reserved = &crate::knowledge::AwsOwnedNames::get().prefixes;
    let reserved: Vec<&[u8]> = reserved
        .iter()
        .filter(|p| p.services.iter().any(|s| s.eq_ignore_ascii_case(service)))
        .map(|p| p.prefix.as_bytes())
        .collect();
    matching.iter().any(|(_, format)| {
        let literal = format.resource.find("${").map_or(format.resource, |at| &format.resource[..at]);
        let Some(name) = resource.get(literal.len()..).filter(|_| resource.starts_with(literal)) else { return false };
        let name = name.trim_start_matches('/').as_bytes();
        // The text before a wildcard, where the name is a pattern.
        let (fixed, wildcard) = match name.iter().position(|b| matches!(b, b'*' | b'?')) {
            Some(at) => (&name[..at], true),
            None => (name, false),
        };
        reserved.iter().any(|p| {
            let starts_with_reserved = fixed.len() >= p.len() && fixed[..p.len()].eq_ignore_ascii_case(p);
            starts_with_reserved || (wildcard && p.len() > fixed.len() && p[..fixed.len()].eq_ignore_ascii_case(fixed))
        })
    })
}

/// 12 digits, a wildcard over digits, a policy variable, or `aws` (resources AWS owns, such
/// as AWS managed policies and documents).
fn valid_account(account: &str) -> bool {
    if pattern::has_variable(account) || arn::is_all_wildcard(account) || account == "aws" {
        return true;
    }
    let digits = account.bytes().all(|b| b.is_ascii_digit() || b == b'*' || b == b'?');
    digits && (account.len() == 12 || account.contains('*'))
}

/// Placeholder text in one ARN part, as it appears in docs and templates.
fn placeholder_in(part: &str, what: &str) -> Option<String> {
    if let Some(start) = part.find("${AWS::") {
        let end = part[start..].find('}').map_or(part.len(), |e| start + e + 1);
        return Some(part[start..end].to_string());
    }
    if let Some(start) = part.find('<') {
        if let Some(len) = part[start..].find('>') {
            return Some(part[start..start + len + 1].to_string());
        }
    }
    if pattern::has_variable(part) {
        return None; // a policy variable
    }
    if let Some(start) = find_ignore_case(part, "your_").or_else(|| find_ignore_case(part, "your-")) {
        let end = part[start..].find(['/', ':']).map_or(part.len(), |e| start + e);
        return Some(part[start..end].to_string());
    }
    let is = |word: &str| part.eq_ignore_ascii_case(word);
    let looks_like = match what {
        "Region" => is("region") || is("region-name") || is("aws-region"),
        "account" => {
            find_ignore_case(part, "account").is_some()
                || (part.len() >= 4 && part.bytes().all(|b| b == b'x' || b == b'X'))
                || part == "123456789"
        }
        _ => false,
    };
    looks_like.then(|| part.to_string())
}

/// Where `needle` (ASCII) starts in `haystack`, ignoring ASCII case; without allocating.
fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// An allowed action that none of the statement's resources fits is never granted.
fn action_resource_pairing(cx: &mut Ctx, statement: &Statement, resources: &[&StringLit]) {
    let Some(actions) = &statement.action else { return };
    // Only when every resource is an ARN we understand; a malformed one is reported already.
    let mut parsed = Vec::new();
    for lit in resources {
        let Ok(arn) = arn::parse(&lit.value) else { return };
        let resource = pattern::ArnResource::new(arn.account.text, arn.resource.text);
        parsed.push((arn.service.text, resource));
    }
    // A format's resource pattern, and its lead suffixes (`pattern::lead_suffixes`).
    let fits_format = |service: &str, resource: &[pattern::Tok], suffixes: &[Vec<pattern::Tok>]| {
        parsed.iter().any(|(arn_service, pattern)| {
            (arn::is_variable(arn_service) || *arn_service == service || pattern::has_variable(service))
                && pattern.fits(resource, suffixes)
        })
    };
    let fits = |service: &Service, action: &Action| {
        let on_types = action.resource_types.iter().any(|name| {
            let Some(r) = service.resource_type(name) else { return true };
            r.arn_format.is_none()
                || r.formats()
                    .any(|format| fits_format(format.service, &format.resource_pattern, &format.lead_suffixes))
        });
        // The ARN AWS authorizes a `*`-only action against, where a reviewed correction says.
        on_types
            || action.request_arns.iter().any(|arn| {
                let mut parts = arn.splitn(6, ':');
                let (Some(arn_service), Some(resource)) = (parts.nth(2), parts.nth(2)) else { return false };
                let suffixes = pattern::lead_suffixes(resource, |from| pattern::request_pattern(&resource[from..]));
                fits_format(arn_service, &pattern::request_pattern(resource), &suffixes)
            })
    };
    let Some(all_matched) = cx.matched(statement) else { return };
    for (lit, matched) in actions.items.iter().zip(all_matched.per_entry()) {
        if lit.value == "*" {
            continue;
        }
        if matched.is_empty() || matched.iter().any(|(s, a)| fits(s, a)) {
            continue;
        }
        let mut fixes = Vec::new();
        // The catalog's "only `*`" lags behind some services (corrections.json has those
        // known): without a correction, it is worth a look, not a warning.
        let only_star = matched.iter().all(|(_, a)| a.resource_types.is_empty() && a.request_arns.is_empty());
        let message = if let [(service, action)] = matched {
            let name = format!("{}:{}", service.prefix, action.name);
            if let Some(arn) = action.request_arns.first().filter(|_| action.resource_types.is_empty()) {
                format!("AWS authorizes `{name}` against `{arn}` (the Service Authorization Reference says only `*`; see the reviewed corrections), which none of this statement's resources matches, so this statement never grants it: grant it on `*` or on a pattern that covers that ARN")
            } else if action.resource_types.is_empty() {
                format!("`{name}` has no resource-level permissions in the Service Authorization Reference: only `\"Resource\": \"*\"` grants it, so this statement likely never does; move it to a statement with `\"Resource\": \"*\"`")
            } else {
                let takes: Vec<String> = action
                    .resource_types
                    .iter()
                    .take(3)
                    .map(|t| {
                        service.resource_type(t).map_or_else(|| format!("`{t}`"), |r| format!("`{t}` (`{}`)", r.arn))
                    })
                    .collect();
                let more = if action.resource_types.len() > 3 { ", ..." } else { "" };
                // Say what the statement's resources are instead, in the service's terms.
                let is = resources.iter().find_map(|r| {
                    let parsed = arn::parse(&r.value).ok()?;
                    let text = parsed.resource.text;
                    // All wildcards (`arn:aws:s3:::*`): any of the service's types, not one of them.
                    if text.bytes().all(|b| b == b'*' || b == b'?') {
                        return Some(format!("`{}` is any `{}` resource, and ", r.value, parsed.service.text));
                    }
                    let pattern = pattern::ArnResource::new(parsed.account.text, text);
                    let (_, kind, _) = cx
                        .catalog
                        .resource_types_matching(parsed.service.text, &pattern)
                        .min_by_key(|(_, _, format)| literal_runs_missing(text, format.resource))?;
                    Some(format!("`{text}` is {} `{}`, and ", an(kind.name), kind.name))
                });
                fixes.extend(resources.iter().filter_map(|r| {
                    let fix = invoke_agent_fix(&name, r)?;
                    Some(match &statement.resource {
                        Some(list) => rewrite(list, r, fix),
                        None => fix,
                    })
                }));
                format!(
                    "{}`{name}` acts on {}{more}, so this statement never grants it",
                    is.unwrap_or_else(|| "none of this statement's resources fits: ".to_string()),
                    takes.join(", ")
                )
            }
        } else {
            format!(
                "none of the {} actions `{}` matches can be granted on this statement's resources, so the statement grants none of them",
                matched.len(),
                lit.value
            )
        };
        let mut d = Diagnostic::new(Code::ActionResourceMismatch, lit.content_range(), message).with_fixes(fixes);
        if only_star {
            d.severity = Severity::Info;
        }
        cx.push(d);
    }
}

/// How many of the literal runs of a policy's resource (the text between its wildcards) a
/// format does not contain: the type a wildcard ARN is most likely meant as has fewest
/// (`/restapis/*/stages/*` is a stage, though it can also match a documentation part).
fn literal_runs_missing(resource: &str, format: &str) -> usize {
    resource.split(['*', '?']).filter(|run| !run.is_empty() && !format.contains(run)).count()
}

fn an(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// `bedrock:InvokeAgent` authorises an agent alias, not the agent: `agent/ID` becomes
/// `agent-alias/ID/*` (any alias of that agent).
fn invoke_agent_fix(action: &str, resource: &StringLit) -> Option<Fix> {
    if action != "bedrock:InvokeAgent" {
        return None;
    }
    let parsed = arn::parse(&resource.value).ok()?;
    let id = parsed.resource.text.strip_prefix("agent/")?;
    let replacement = format!("agent-alias/{id}/*");
    let range = resource.sub_range(parsed.resource.start, parsed.resource.end());
    Some(
        Fix::replace(format!("Change to `{replacement}` (any alias of the agent)"), range, replacement).preferred(true),
    )
}

/// Names a `:` right where an id should start, or a missing id.
fn separator_problem(resource: &str, formats: &[&str]) -> String {
    for format in formats {
        if let Some(at) = format.find("${") {
            let literal = &format[..at];
            if let Some(after) = resource.strip_prefix(literal) {
                if after.is_empty() {
                    return format!(" (nothing after `{literal}`: the id is missing)");
                }
                if after.starts_with(':') {
                    return format!(" (a `:` after `{literal}` where the id should start)");
                }
            }
        }
    }
    String::new()
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// `*`, or an ARN that is all wildcards (`arn:aws:*:*:*:*`).
fn grants_everything(value: &str) -> bool {
    if arn::is_all_wildcard(value) {
        return true;
    }
    match arn::parse(value) {
        Ok(a) => [a.service, a.region, a.account, a.resource].iter().all(|p| arn::is_all_wildcard(p.text)),
        Err(_) => false,
    }
}

/// What an ARN that is as broad as `*` for its service covers (every account, every Region,
/// every resource, or every resource of one type: `arn:*:cloudtrail:*:*:trail/*`), in words;
/// `None` for a narrower one (an account, a name, a path).
fn every_resource_of(value: &str, catalog: &crate::catalog::Catalog) -> Option<String> {
    let a = arn::parse(value).ok()?;
    let any = |p: &str| p.is_empty() || arn::is_all_wildcard(p);
    if pattern::has_wildcard(a.service.text) || !any(a.region.text) || !any(a.account.text) {
        return None;
    }
    // In every partition too (`arn:*:cloudtrail:*:*:trail/*`): with the partition named,
    // `arn:aws:bedrock:*:*:knowledge-base/*` is the common way to say "this account's" in an
    // identity policy, `arn:aws:bedrock:*::foundation-model/*` is AWS's own models, and AWS's
    // managed policies write `arn:aws:logs:*:*:*` for a role's own log groups.
    if !arn::is_all_wildcard(a.partition.text) {
        return None;
    }
    let service = a.service.text;
    let resource = a.resource.text;
    if arn::is_all_wildcard(resource) {
        return Some(format!("every `{service}` resource"));
    }
    // `trail/*`, `function:*`, `*/*` (every object of every bucket): one type, or none, then anything.
    let (kind, rest) = resource.split_once(['/', ':'])?;
    if !arn::is_all_wildcard(rest)
        || (pattern::has_wildcard(kind) && !arn::is_all_wildcard(kind))
        || pattern::has_variable(kind)
    {
        return None;
    }
    // `trail/` names a type only where the service's ARNs start so; `product-docs/*` is a bucket's objects.
    let names_a_type = |f: &ArnFormat| f.resource.strip_prefix(kind).is_some_and(|after| after.starts_with(['/', ':']));
    let is_type = catalog.service(service).is_some_and(|s| {
        s.resource_types.iter().any(|t| t.arn_format.iter().chain(&t.other_formats).any(names_a_type))
    });
    if !arn::is_all_wildcard(kind) && !is_type {
        return None;
    }
    Some(if arn::is_all_wildcard(kind) { format!("every `{service}` resource") } else { format!("every `{kind}`") })
}

fn resource_star(cx: &mut Ctx, statement: &Statement, star: &StringLit, every: Option<String>) {
    let Some(actions) = &statement.action else { return };
    if actions.items.iter().any(|a| a.value == "*" || a.value == "*:*") {
        return; // every action on every resource: `full-admin` says it
    }
    let Some(matched) = cx.matched(statement) else { return };
    let mut scoped: Vec<(&Service, &Action)> = Vec::new();
    // Each catalog action once (by identity: hashing addresses, not comparing names, is what
    // keeps `"Action": "*"` cheap), in the order the statement lists them.
    let mut seen = HashSet::default();
    for (service, action) in matched.per_entry().flatten().copied() {
        // For an ARN as broad as `*`, the actions of its own service: it grants no other.
        let of_arn = every.is_none() || arn::parse(&star.value).is_ok_and(|a| a.service.text == service.prefix);
        if of_arn && !action.resource_types.is_empty() && seen.insert(std::ptr::from_ref(action)) {
            scoped.push((service, action));
        }
    }
    if scoped.is_empty() {
        return;
    }
    let names: Vec<String> = scoped.iter().take(5).map(|(s, a)| format!("{}:{}", s.prefix, a.name)).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let (service, action) = scoped[0];
    let mut types: Vec<&str> = action.resource_types.iter().take(4).copied().collect();
    if action.resource_types.len() > types.len() {
        types.push("...");
    }
    let (subject, pronoun) = if scoped.len() > names.len() {
        (
            format!("{} actions that support resource-level permissions ({}, ...)", scoped.len(), names.join(", ")),
            "they",
        )
    } else if scoped.len() == 1 {
        (list(&names), "it")
    } else {
        (list(&names).replace(" or ", " and "), "they")
    };
    let what = match every {
        None => format!("`\"Resource\": \"{}\"` grants {subject} on all resources", star.value),
        Some(every) => format!(
            "`{}` is {every} in every partition, account and Region, as broad as `*`: it grants {subject} on all of them",
            star.value
        ),
    };
    cx.push(Diagnostic::new(
        Code::ResourceStar,
        star.range,
        format!(
            "{what}, but {pronoun} can be limited to specific ones (`{}:{}` takes {} ARNs): list those ARNs instead",
            service.prefix,
            action.name,
            types.join(", ")
        ),
    ));
}
