//! Redundancy: duplicate statements and resources, and statements that could be one.

use std::collections::HashMap;

use super::{array_of, remove_item, Ctx};
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::model::{Policy, Statement};
use crate::syntax::Value;
use crate::text::TextRange;

pub fn check(cx: &mut Ctx, policy: &Policy) {
    for statement in &policy.statements {
        duplicate_resources(cx, statement);
    }
    let statement_array = array_of(policy.statement.and_then(|m| m.value.as_ref()));
    let mut by_content: HashMap<String, usize> = HashMap::new();
    let mut by_scope: HashMap<String, usize> = HashMap::new();
    for statement in &policy.statements {
        let brace = TextRange::new(statement.object.range.start, statement.object.range.start + 1);
        let members = canonical_members(statement);
        let content = join_except(&members, &["Sid"]);
        if let Some(first) = by_content.get(&content) {
            let mut d = Diagnostic::new(
                Code::StatementDuplicate,
                brace,
                format!("this statement repeats statement {} (all but the `Sid`): remove one", first + 1),
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
        by_content.insert(content, statement.index);
        if statement.action.is_none() {
            continue;
        }
        let scope = join_except(&members, &["Sid", "Action"]);
        if let Some(first) = by_scope.get(&scope) {
            cx.push(Diagnostic::new(
                Code::StatementOverlap,
                brace,
                format!("statement {} has the same effect, resources, principals and conditions: its `Action` list and this one could be one statement", first + 1),
            ));
        } else {
            by_scope.insert(scope, statement.index);
        }
    }
}

fn duplicate_resources(cx: &mut Ctx, statement: &Statement) {
    for strings in [&statement.resource, &statement.not_resource].into_iter().flatten() {
        let array = array_of(strings.member.value.as_ref());
        let mut seen: HashMap<&str, usize> = HashMap::new();
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
    members.iter().filter(|(k, _)| !skip.contains(k)).map(|(k, v)| format!("{k:?}:{v}")).collect::<Vec<_>>().join(",")
}

fn canonical(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{:?}", s.value),
        Value::Array(a) => {
            // Order does not matter in IAM's lists; a lone string equals a one-element list.
            let mut items: Vec<String> = a.items.iter().map(canonical).collect();
            items.sort();
            if items.len() == 1 {
                return items.pop().unwrap_or_default();
            }
            format!("[{}]", items.join(","))
        }
        Value::Object(o) => {
            let mut members: Vec<String> = o
                .members
                .iter()
                .map(|m| format!("{:?}:{}", m.key.value, m.value.as_ref().map(canonical).unwrap_or_default()))
                .collect();
            members.sort();
            format!("{{{}}}", members.join(","))
        }
        Value::Number(r) => format!("n{}", r.start),
        Value::Bool(b, _) => b.to_string(),
        Value::Null(_) => "null".to_string(),
    }
}
