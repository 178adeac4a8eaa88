//! Redundancy: duplicate statements and resources, and statements that could be one.

use std::cell::OnceCell;
use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap as HashMap, FxHasher};

use super::{array_of, remove_item, Ctx};
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::model::{Policy, Statement};
use crate::syntax::Value;
use crate::text::TextRange;

pub fn check(cx: &mut Ctx, policy: &Policy) {
    for statement in &policy.statements {
        duplicate_resources(cx, statement);
    }
    if policy.statements.len() < 2 {
        return;
    }
    let statement_array = array_of(policy.statement.and_then(|m| m.value.as_ref()));
    // Statements are bucketed by a hash of their content; two in one bucket are compared in
    // full, so that a collision never makes a finding.
    let statements = &policy.statements;
    let mut by_content: HashMap<u64, Vec<usize>> = HashMap::default();
    let mut by_scope: HashMap<u64, Vec<usize>> = HashMap::default();
    // The canonical members of each statement, made when a bucket has two.
    let canonical: Vec<OnceCell<Vec<(&str, String)>>> = statements.iter().map(|_| OnceCell::new()).collect();
    let equal_except = |a: usize, b: usize, skip: &[&str]| {
        let [a, b] = [a, b].map(|i| canonical[i].get_or_init(|| canonical_members(&statements[i])));
        join_except(a, skip) == join_except(b, skip)
    };
    for (position, statement) in statements.iter().enumerate() {
        let brace = TextRange::new(statement.object.range.start, statement.object.range.start + 1);
        let members = member_hashes(statement);
        let content = hash_except(&members, &["Sid"]);
        let same = |other: &&usize| equal_except(position, **other, &["Sid"]);
        if let Some(first) = by_content.get(&content).and_then(|bucket| bucket.iter().find(same)) {
            let first = &statements[*first];
            let mut d = Diagnostic::new(
                Code::StatementDuplicate,
                brace,
                format!("this statement repeats statement {} (all but the `Sid`): remove one", first.index + 1),
            );
            if let Some(array) = statement_array {
                d = d.with_fix(Fix {
                    title: "Remove this statement".to_string(),
                    edits: vec![remove_item(array, statement.index)],
                    preferred: true,
                });
            }
            cx.push(d);
            continue;
        }
        by_content.entry(content).or_default().push(position);
        if statement.action.is_none() {
            continue;
        }
        let scope = hash_except(&members, &["Sid", "Action"]);
        let same = |other: &&usize| equal_except(position, **other, &["Sid", "Action"]);
        if let Some(first) = by_scope.get(&scope).and_then(|bucket| bucket.iter().find(same)) {
            let first = &statements[*first];
            cx.push(Diagnostic::new(
                Code::StatementOverlap,
                brace,
                format!("statement {} has the same effect, resources, principals and conditions: its `Action` list and this one could be one statement", first.index + 1),
            ));
        } else {
            by_scope.entry(scope).or_default().push(position);
        }
    }
}

/// A statement's members as (key, hash of the value's canonical form), sorted.
fn member_hashes<'s>(statement: &'s Statement) -> Vec<(&'s str, u64)> {
    let mut members: Vec<(&str, u64)> = statement
        .object
        .members
        .iter()
        .map(|m| (m.key.value.as_str(), m.value.as_ref().map_or(0, hash_value)))
        .collect();
    members.sort_unstable();
    members
}

fn hash_except(members: &[(&str, u64)], skip: &[&str]) -> u64 {
    let mut hasher = FxHasher::default();
    for member in members.iter().filter(|(k, _)| !skip.contains(k)) {
        member.hash(&mut hasher);
    }
    hasher.finish()
}

/// What [`canonical`] would say of two values, as a hash: equal canonical forms hash equal.
fn hash_value(value: &Value) -> u64 {
    let mut hasher = FxHasher::default();
    match value {
        Value::String(s) => (0u8, &s.value).hash(&mut hasher),
        Value::Array(a) => {
            let mut items: Vec<u64> = a.items.iter().map(hash_value).collect();
            if let [one] = items.as_slice() {
                return *one;
            }
            items.sort_unstable();
            (1u8, items).hash(&mut hasher);
        }
        Value::Object(o) => {
            let mut members: Vec<u64> = o
                .members
                .iter()
                .map(|m| {
                    let mut hasher = FxHasher::default();
                    (&m.key.value, m.value.as_ref().map_or(0, hash_value)).hash(&mut hasher);
                    hasher.finish()
                })
                .collect();
            members.sort_unstable();
            (2u8, members).hash(&mut hasher);
        }
        Value::Number(r) => (3u8, r.start).hash(&mut hasher),
        Value::Bool(b, _) => (4u8, b).hash(&mut hasher),
        Value::Null(_) => 5u8.hash(&mut hasher),
    }
    hasher.finish()
}

fn duplicate_resources(cx: &mut Ctx, statement: &Statement) {
    for strings in [&statement.resource, &statement.not_resource].into_iter().flatten() {
        let array = array_of(strings.member.value.as_ref());
        let mut seen: HashMap<&str, usize> = HashMap::default();
        for (i, item) in strings.items.iter().enumerate() {
            if let Some(first) = seen.get(item.value.as_str()) {
                let mut d = Diagnostic::new(
                    Code::ResourceDuplicate,
                    item.range,
                    format!("`{}` is already listed (entry {}): remove this one", item.value, first + 1),
                );
                if let Some(array) = array {
                    if let Some(index) = array.items.iter().position(|v| v.range() == item.range) {
                        d = d.with_fix(Fix {
                            title: "Remove the duplicate".to_string(),
                            edits: vec![remove_item(array, index)],
                            preferred: true,
                        });
                    }
                }
                cx.push(d);
            } else {
                seen.insert(&item.value, i);
            }
        }
    }
}

/// A statement's members as (key, canonical value), sorted: its content independent of
/// layout and key order.
fn canonical_members<'s>(statement: &'s Statement) -> Vec<(&'s str, String)> {
    let mut members: Vec<(&str, String)> = statement
        .object
        .members
        .iter()
        .map(|m| (m.key.value.as_str(), m.value.as_ref().map(canonical).unwrap_or_default()))
        .collect();
    members.sort();
    members
}

/// The members as one string, leaving out some.
fn join_except(members: &[(&str, String)], skip: &[&str]) -> String {
    let mut out = String::new();
    for (key, value) in members.iter().filter(|(k, _)| !skip.contains(k)) {
        if !out.is_empty() {
            out.push(',');
        }
        quote(key, &mut out);
        out.push(':');
        out.push_str(value);
    }
    out
}

fn canonical(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::String(s) => quote(&s.value, &mut out),
        Value::Array(a) => {
            // Order does not matter in IAM's lists; a lone string equals a one-element list.
            let mut items: Vec<String> = a.items.iter().map(canonical).collect();
            items.sort();
            if items.len() == 1 {
                return items.pop().unwrap_or_default();
            }
            out.push('[');
            out.push_str(&items.join(","));
            out.push(']');
        }
        Value::Object(o) => {
            let mut members: Vec<String> = o
                .members
                .iter()
                .map(|m| {
                    let mut member = String::new();
                    quote(&m.key.value, &mut member);
                    member.push(':');
                    member.push_str(&m.value.as_ref().map(canonical).unwrap_or_default());
                    member
                })
                .collect();
            members.sort();
            out.push('{');
            out.push_str(&members.join(","));
            out.push('}');
        }
        // Numbers compare by their place: two statements never share one.
        Value::Number(r) => out.push_str(&format!("n{}", r.start)),
        Value::Bool(b, _) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null(_) => out.push_str("null"),
    }
    out
}

/// `s` in quotes, with `"` and `\` escaped: distinct strings stay distinct.
fn quote(s: &str, out: &mut String) {
    out.push('"');
    if s.contains(['"', '\\']) {
        for c in s.chars() {
            if matches!(c, '"' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
    } else {
        out.push_str(s);
    }
    out.push('"');
}
