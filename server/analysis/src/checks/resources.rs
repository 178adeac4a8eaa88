//! `Resource` and `NotResource`: well-formed ARNs of real resource types, and no
//! `"Resource": "*"` where the actions could be scoped.

use std::collections::{BTreeSet, HashSet};

use super::{list, nearest};
use crate::arn::{self, PARTITIONS};
use crate::catalog::{Action, ArnFormat, Catalog, Service};
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::model::{Effect, Statement};
use crate::pattern;
use crate::syntax::StringLit;

pub fn check(statement: &Statement, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    for resource in statement.resource_strings() {
        check_resource(resource, catalog, out);
    }
    if statement.effect == Some(Effect::Allow) {
        if let Some(resources) = &statement.resource {
            if let Some(star) = resources.items.iter().find(|r| grants_everything(&r.value)) {
                resource_star(statement, star, catalog, out);
            }
        }
    }
}

fn check_resource(lit: &StringLit, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let value = lit.value.as_str();
    if arn::is_all_wildcard(value) {
        return;
    }
    if !value.starts_with("arn:") {
        out.push(Diagnostic::new(
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
            out.push(Diagnostic::new(
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

    let partition = parsed.partition.text;
    if !arn::is_variable(partition) && !PARTITIONS.contains(&partition) {
        let close = nearest(partition, PARTITIONS.iter().copied(), 1);
        let fix_to = close.first().copied().unwrap_or("aws");
        out.push(
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
            .flat_map(|s| s.resource_types.iter().filter_map(|r| r.arn_format.as_ref().map(|f| f.service.as_str())))
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
        out.push(d);
        return;
    }

    let resource = parsed.resource.text;
    let resource_pattern = pattern::policy_pattern(resource);
    let formats: Vec<&ArnFormat> =
        catalog.resource_types_for_arn_service(service).filter_map(|(_, r)| r.arn_format.as_ref()).collect();
    if formats.iter().any(|f| pattern::intersects(&resource_pattern, &f.resource_pattern)) {
        return;
    }
    let mut close = nearest(resource, formats.iter().map(|f| f.resource.as_str()), 3);
    if close.is_empty() {
        // Show the formats that share the most leading text (the resource type name).
        let mut by_prefix: Vec<&str> = formats.iter().map(|f| f.resource.as_str()).collect();
        by_prefix.sort_by_key(|f| std::cmp::Reverse(common_prefix(f, resource)));
        by_prefix.dedup();
        close = by_prefix.into_iter().take(3).collect();
    }
    let problem = separator_problem(resource, &close);
    out.push(Diagnostic::new(
        Code::ArnUnknownResource,
        range(parsed.resource),
        format!("`{resource}` matches no ARN format of any `{service}` resource type{problem}, so it likely grants nothing; expected a resource part like {}", list(&close)),
    ));
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

fn resource_star(statement: &Statement, star: &StringLit, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let Some(actions) = &statement.action else { return };
    let mut scoped: Vec<(&Service, &Action)> = Vec::new();
    // Each catalog action once (by identity: hashing addresses, not comparing names, is what
    // keeps `"Action": "*"` cheap).
    let mut seen = HashSet::new();
    for lit in &actions.items {
        for (service, action) in catalog.matching_actions(&lit.value) {
            if !action.resource_types.is_empty() && seen.insert(std::ptr::from_ref(action)) {
                scoped.push((service, action));
            }
        }
    }
    if scoped.is_empty() {
        return;
    }
    let names: Vec<String> = scoped.iter().take(5).map(|(s, a)| format!("{}:{}", s.prefix, a.name)).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let (service, action) = scoped[0];
    let mut types: Vec<&str> = action.resource_types.iter().take(4).map(String::as_str).collect();
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
    out.push(Diagnostic::new(
        Code::ResourceStar,
        star.range,
        format!(
            "`\"Resource\": \"{}\"` grants {subject} on all resources, but {pronoun} can be limited to specific ones (`{}:{}` takes {} ARNs): list those ARNs instead",
            star.value,
            service.prefix,
            action.name,
            types.join(", ")
        ),
    ));
}
