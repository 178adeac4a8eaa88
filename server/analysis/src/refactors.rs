//! Refactors (code actions that are not fixes): toward least privilege, and tidier lists.
//! Each is offered where the cursor is, and keeps the document's layout: a one-line list
//! stays on one line, a list with one entry per line keeps its indentation.

use crate::catalog::{AccessLevel, Catalog};
use crate::checks::statement_actions;
use crate::diagnostics::{Edit, Fix};
use crate::model::{Policy, Statement, Strings};
use crate::pattern;
use crate::syntax::Value;
use crate::text::TextRange;
use crate::Document;

/// The refactors available at `range`.
pub fn refactors(doc: &Document, range: TextRange) -> Vec<Fix> {
    if let Some(host) = doc.host() {
        return host.refactors(doc.text(), range);
    }
    let text = doc.text();
    let Some(policy) = doc.policy() else { return Vec::new() };
    let catalog = Catalog::get();
    let mut out = Vec::new();
    for statement in
        policy.statements.iter().filter(|s| s.object.range.contains_range(range) || s.object.range.touches(range.start))
    {
        if let Some(actions) = &statement.action {
            if let Some(lit) = actions.items.iter().find(|l| l.range.touches(range.start)) {
                out.extend(expand_wildcard(text, actions, lit.value.as_str(), lit.range, catalog));
            }
            if actions.member.range().touches(range.start) {
                out.extend(sort_and_dedupe(text, actions));
            }
            out.extend(split_by_access_level(text, &policy, statement, catalog));
        }
        if let Some(resources) = &statement.resource {
            if let Some(star) = resources.items.iter().find(|l| l.value == "*" && l.range.touches(range.start)) {
                out.extend(scope_resource_star(text, statement, resources, star.range, catalog));
            }
        }
    }
    out
}

/// The text between items of a list, from its layout: `, ` or `,\n` plus indentation.
fn separator(text: &str, strings: &Strings) -> String {
    if let Some(Value::Array(array)) = &strings.member.value {
        if let [first, second, ..] = array.items.as_slice() {
            return text[first.range().end..second.range().start].to_string();
        }
        if let Some(first) = array.items.first() {
            let before = &text[array.range.start + 1..first.range().start];
            if before.contains('\n') {
                return format!(",{before}");
            }
        }
    }
    ", ".to_string()
}

/// A string-or-array element's new value: a list of strings in the element's layout.
fn list_edit(text: &str, strings: &Strings, items: &[String]) -> Option<Edit> {
    let value = strings.member.value.as_ref()?;
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    let new_text = match value {
        Value::Array(array) => {
            // An array still being typed (no `]` yet) is left alone: its end is unknown.
            if array.range.len() < 2 || text.as_bytes().get(array.range.end - 1) != Some(&b']') {
                return None;
            }
            let inner = quoted.join(&separator(text, strings));
            // (A recovered array's items can reach past the bracket it ends at: no edit then.)
            let open = text
                .get(array.range.start + 1..array.items.first().map_or(array.range.start + 1, |f| f.range().start))?;
            let close =
                text.get(array.items.last().map_or(array.range.end - 1, |l| l.range().end)..array.range.end - 1)?;
            format!("[{open}{inner}{close}]")
        }
        _ if quoted.len() == 1 => quoted[0].clone(),
        _ => format!("[{}]", quoted.join(", ")),
    };
    Some(Edit { range: value.range(), new_text })
}

/// The list with the entry at `range` replaced by `replacements`.
fn replace_item(text: &str, strings: &Strings, range: TextRange, replacements: &[String]) -> Option<Edit> {
    let mut items: Vec<String> = Vec::new();
    for lit in &strings.items {
        if lit.range == range {
            items.extend(replacements.iter().cloned());
        } else {
            items.push(lit.value.clone());
        }
    }
    list_edit(text, strings, &items)
}

fn expand_wildcard(text: &str, actions: &Strings, value: &str, range: TextRange, catalog: &Catalog) -> Option<Fix> {
    if !pattern::has_wildcard(value) || value == "*" {
        return None;
    }
    let matched = catalog.matching_actions(value);
    if matched.is_empty() || matched.len() > 200 {
        return None;
    }
    let names: Vec<String> = matched.iter().map(|(s, a)| format!("{}:{}", s.prefix, a.name)).collect();
    let edit = replace_item(text, actions, range, &names)?;
    Some(Fix {
        title: format!("Expand `{value}` into its {} actions", matched.len()),
        edits: vec![edit],
        preferred: false,
    })
}

fn sort_and_dedupe(text: &str, actions: &Strings) -> Option<Fix> {
    let current: Vec<String> = actions.items.iter().map(|l| l.value.clone()).collect();
    let mut sorted = current.clone();
    sorted.sort_by_key(|a| a.to_ascii_lowercase());
    sorted.dedup_by_key(|a| a.to_ascii_lowercase());
    if sorted == current {
        return None;
    }
    let edit = list_edit(text, actions, &sorted)?;
    Some(Fix { title: "Sort and deduplicate the actions".to_string(), edits: vec![edit], preferred: false })
}

/// One statement per access level (List, Read, Write, ...), so each can be scoped on its own.
fn split_by_access_level(text: &str, policy: &Policy, statement: &Statement, catalog: &Catalog) -> Option<Fix> {
    let actions = statement.action.as_ref()?;
    policy.statement.and_then(|m| m.value.as_ref()).and_then(|v| match v {
        Value::Array(_) => Some(()),
        _ => None,
    })?;
    let mut groups: Vec<(AccessLevel, Vec<String>)> = Vec::new();
    for lit in &actions.items {
        let level = catalog.action(&lit.value).map(|(_, a)| a.access_level)?;
        match groups.iter_mut().find(|(l, _)| *l == level) {
            Some((_, list)) => list.push(lit.value.clone()),
            None => groups.push((level, vec![lit.value.clone()])),
        }
    }
    if groups.len() < 2 {
        return None;
    }
    groups.sort_by_key(|(level, _)| *level);
    let object = statement.object;
    let value_range = actions.member.value.as_ref()?.range();
    let indent = crate::checks::indentation_at(text, object.range.start);
    let sid = statement.sid.map(|s| (s.range, s.value.clone()));
    let pieces: Vec<String> = groups
        .iter()
        .map(|(level, list)| {
            let edit = list_edit(text, actions, list).unwrap_or(Edit { range: value_range, new_text: String::new() });
            let mut edits = vec![Edit {
                range: TextRange::new(edit.range.start - object.range.start, edit.range.end - object.range.start),
                new_text: edit.new_text,
            }];
            if let Some((range, sid)) = &sid {
                let suffix: String = level.as_str().split_whitespace().collect();
                edits.push(Edit {
                    range: TextRange::new(range.start - object.range.start, range.end - object.range.start),
                    new_text: format!("\"{sid}{suffix}\""),
                });
            }
            crate::apply_edits(&text[object.range.start..object.range.end], &edits)
        })
        .collect();
    let new_text = pieces.join(&format!(",\n{indent}"));
    let names: Vec<&str> = groups.iter().map(|(l, _)| l.as_str()).collect();
    Some(Fix {
        title: format!("Split into one statement per access level ({})", names.join(", ")),
        edits: vec![Edit { range: object.range, new_text }],
        preferred: false,
    })
}

/// `"Resource": "*"` → the ARN formats of the resource types the actions take, with the
/// placeholders to fill in (`REGION`, `ACCOUNT_ID`, `AGENT_ID`).
fn scope_resource_star(
    text: &str,
    statement: &Statement,
    resources: &Strings,
    star: TextRange,
    catalog: &Catalog,
) -> Option<Fix> {
    let actions = statement_actions(catalog, statement)?;
    let mut arns: Vec<String> = Vec::new();
    for (service, action) in &actions {
        for type_name in &action.resource_types {
            if let Some(resource_type) = service.resource_type(type_name) {
                let arn = placeholders(resource_type.arn);
                if !arns.contains(&arn) {
                    arns.push(arn);
                }
            }
        }
    }
    if arns.is_empty() || arns.len() > 30 {
        return None;
    }
    let edit = replace_item(text, resources, star, &arns)?;
    Some(Fix {
        title: format!("Replace `*` with the {} ARN formats of this statement's actions", arns.len()),
        edits: vec![edit],
        preferred: false,
    })
}

/// `arn:${Partition}:bedrock:${Region}:${Account}:agent/${AgentId}` →
/// `arn:aws:bedrock:REGION:ACCOUNT_ID:agent/AGENT_ID`.
fn placeholders(format: &str) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else { break };
        let name = &rest[start + 2..start + len];
        match name {
            "Partition" => out.push_str("aws"),
            "Account" => out.push_str("ACCOUNT_ID"),
            other => {
                // CamelCase → SCREAMING_SNAKE_CASE.
                for (i, c) in other.chars().enumerate() {
                    if c.is_ascii_uppercase() && i > 0 {
                        out.push('_');
                    }
                    out.push(c.to_ascii_uppercase());
                }
            }
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, fix: &Fix) -> String {
        crate::apply_edits(text, &fix.edits)
    }

    fn at(text: &str, needle: &str) -> TextRange {
        let i = text.find(needle).unwrap();
        TextRange::new(i + 1, i + 1)
    }

    #[test]
    fn expand_a_wildcard_in_the_lists_layout() {
        let text = "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\n    \"bedrock:InvokeModel*\",\n    \"s3:GetObject\"\n  ],\"Resource\":\"*\"}]}";
        let fixes = refactors(&Document::from(text), at(text, "bedrock:InvokeModel*"));
        let expand = fixes.iter().find(|f| f.title.starts_with("Expand")).unwrap();
        let after = apply(text, expand);
        assert!(after.contains("[\n    \"bedrock:InvokeModel\",\n    \"bedrock:InvokeModelWithResponseStream\",\n    \"s3:GetObject\"\n  ]"), "{after}");
    }

    #[test]
    fn sort_and_dedupe_actions() {
        let text = r#"{"Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject","s3:getobject"],"Resource":"*"}]}"#;
        let fixes = refactors(&Document::from(text), at(text, "\"Action\""));
        let sort = fixes.iter().find(|f| f.title.starts_with("Sort")).unwrap();
        assert!(apply(text, sort).contains(r#""Action":["s3:GetObject","s3:PutObject"]"#), "{}", apply(text, sort));
    }

    #[test]
    fn split_by_access_level_keeps_the_rest_of_the_statement() {
        let text = "{\"Statement\": [\n  {\"Sid\": \"Reports\", \"Effect\": \"Allow\", \"Action\": [\"s3:ListBucket\", \"s3:PutObject\", \"s3:GetObject\"], \"Resource\": \"*\"}\n]}";
        let fixes = refactors(&Document::from(text), at(text, "\"Effect\""));
        let split = fixes.iter().find(|f| f.title.starts_with("Split")).unwrap();
        assert_eq!(split.title, "Split into one statement per access level (List, Read, Write)");
        let after = apply(text, split);
        assert!(after.contains("{\"Sid\": \"ReportsList\", \"Effect\": \"Allow\", \"Action\": [\"s3:ListBucket\"], \"Resource\": \"*\"},\n  {\"Sid\": \"ReportsRead\""), "{after}");
        // no finding that was not there before (the statements are not one another's overlap)
        let codes = |text: &str| -> std::collections::BTreeSet<crate::Code> {
            crate::analyze(text).diagnostics.iter().map(|d| d.code).collect()
        };
        let new: Vec<_> = codes(&after).difference(&codes(text)).copied().collect();
        assert!(new.is_empty(), "{new:?}:\n{after}");
    }

    #[test]
    fn scope_resource_star_to_arn_formats() {
        let text = r#"{"Statement":[{"Effect":"Allow","Action":"bedrock:InvokeAgent","Resource":"*"}]}"#;
        let fixes = refactors(&Document::from(text), at(text, "\"*\""));
        let scope = fixes.iter().find(|f| f.title.starts_with("Replace")).unwrap();
        assert!(
            apply(text, scope)
                .contains(r#""Resource":"arn:aws:bedrock:REGION:ACCOUNT_ID:agent-alias/AGENT_ID/AGENT_ALIAS_ID""#),
            "{}",
            apply(text, scope)
        );
    }
}
