//! Document outline, folding and selection ranges: structure for the editor, from the tree.

use crate::syntax::Value;
use crate::text::TextRange;
use crate::Document;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// The policy or a statement.
    Object,
    /// An element such as `Action`.
    Property,
    /// An action or resource.
    String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole element.
    pub range: TextRange,
    /// What to highlight (its key or name).
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

/// Past this many action and resource names in a policy, the outline lists its statements
/// and their elements without the names: tens of thousands of entries (a minified policy of
/// megabytes has 50,000) are megabytes of JSON that no outline view can show usefully. VS
/// Code's own JSON outline stops at 5,000 items (`json.maxItemsComputed`) for the same reason.
pub const MAX_NAMES_IN_OUTLINE: usize = 10_000;

/// Statements (named by `Sid` or position) with their elements, actions and resources (up to
/// [`MAX_NAMES_IN_OUTLINE`] names in the policy).
pub fn document_symbols(doc: &Document) -> Vec<Symbol> {
    if let Some(host) = doc.host() {
        return host.symbols();
    }
    let Some(policy) = doc.policy() else { return Vec::new() };
    let names = |member: &crate::syntax::Member| match &member.value {
        Some(Value::String(_)) => 1,
        Some(Value::Array(a)) => a.items.len(),
        _ => 0,
    };
    let listed = |member: &crate::syntax::Member| {
        matches!(member.key.value.as_str(), "Action" | "NotAction" | "Resource" | "NotResource")
    };
    let with_names = policy
        .statements
        .iter()
        .flat_map(|statement| statement.object.members.iter().filter(|m| listed(m)).map(names))
        .sum::<usize>()
        <= MAX_NAMES_IN_OUTLINE;
    let statements = policy
        .statements
        .iter()
        .map(|statement| {
            let name = match statement.sid {
                Some(sid) if !sid.value.is_empty() => sid.value.clone(),
                _ => format!("Statement {}", statement.index + 1),
            };
            let effect = statement.object.get("Effect").and_then(|m| m.value.as_ref()).and_then(Value::as_str);
            let children = statement
                .object
                .members
                .iter()
                .filter(|m| m.key.value != "Sid" && m.key.value != "Effect")
                .map(|member| {
                    let strings: Vec<&crate::syntax::StringLit> = match &member.value {
                        _ if !(with_names && listed(member)) => Vec::new(),
                        Some(Value::String(s)) => vec![s],
                        Some(Value::Array(a)) => a.items.iter().filter_map(Value::as_str).collect(),
                        _ => Vec::new(),
                    };
                    let strings = strings
                        .into_iter()
                        .map(|s| Symbol {
                            name: s.value.clone(),
                            detail: None,
                            kind: SymbolKind::String,
                            range: s.range,
                            selection: s.range,
                            children: Vec::new(),
                        })
                        .collect();
                    Symbol {
                        name: member.key.value.clone(),
                        detail: None,
                        kind: SymbolKind::Property,
                        range: member.range(),
                        selection: member.key.range,
                        children: strings,
                    }
                })
                .collect();
            let selection = statement
                .sid
                .map_or(TextRange::new(statement.object.range.start, statement.object.range.start + 1), |s| s.range);
            Symbol {
                name,
                detail: effect.map(|e| e.value.clone()),
                kind: SymbolKind::Object,
                range: statement.object.range,
                selection,
                children,
            }
        })
        .collect();
    statements
}

/// Every object and array that spans lines folds.
pub fn folding_ranges(doc: &Document) -> Vec<TextRange> {
    let mut out = Vec::new();
    if let Some(root) = doc.root() {
        collect_folds(doc.text(), root, &mut out);
    }
    out
}

fn collect_folds(text: &str, value: &Value, out: &mut Vec<TextRange>) {
    let range = value.range();
    let children: Vec<&Value> = match value {
        Value::Object(o) => o.members.iter().filter_map(|m| m.value.as_ref()).collect(),
        Value::Array(a) => a.items.iter().collect(),
        _ => return,
    };
    if text[range.start..range.end].contains('\n') {
        out.push(range);
    }
    for child in children {
        collect_folds(text, child, out);
    }
}

/// The ranges that enclose `offset`, innermost first: the string, its member, the statement,
/// the array, the policy.
pub fn selection_ranges(doc: &Document, offset: usize) -> Vec<TextRange> {
    let mut chain = Vec::new();
    if let Some(root) = doc.root() {
        enclosing(root, offset, &mut chain);
    }
    chain.reverse();
    chain.dedup();
    chain
}

fn enclosing(value: &Value, offset: usize, chain: &mut Vec<TextRange>) {
    if !value.range().touches(offset) {
        return;
    }
    chain.push(value.range());
    match value {
        Value::Object(o) => {
            for member in &o.members {
                if member.range().touches(offset) {
                    chain.push(member.range());
                    if member.key.range.touches(offset) {
                        chain.push(member.key.range);
                    } else if let Some(v) = &member.value {
                        enclosing(v, offset, chain);
                    }
                    return;
                }
            }
        }
        Value::Array(a) => {
            if let Some(item) = a.items.iter().find(|i| i.range().touches(offset)) {
                enclosing(item, offset, chain);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"Read\",\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:GetObject\", \"s3:ListBucket\"],\n      \"Resource\": \"*\"\n    },\n    {\"Effect\": \"Deny\", \"Action\": \"s3:DeleteObject\", \"Resource\": \"*\"}\n  ]\n}";

    #[test]
    fn statements_are_named_by_sid_or_position() {
        let symbols = document_symbols(&Document::from(POLICY));
        let names: Vec<(&str, Option<&str>)> = symbols.iter().map(|s| (s.name.as_str(), s.detail.as_deref())).collect();
        assert_eq!(names, [("Read", Some("Allow")), ("Statement 2", Some("Deny"))]);
        let action = &symbols[0].children[0];
        assert_eq!(action.name, "Action");
        let actions: Vec<&str> = action.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(actions, ["s3:GetObject", "s3:ListBucket"]);
    }

    /// A policy whose statements name `names` actions in all.
    fn policy_naming(names: usize) -> String {
        let statement = r#"{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"}"#;
        let statements = vec![statement; names / 3];
        format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","))
    }

    #[test]
    fn a_policy_with_more_names_than_the_outline_shows_lists_statements_and_elements() {
        let names = |text: &str| -> usize {
            let symbols = document_symbols(&Document::from(text));
            assert_eq!(symbols.len(), text.matches("\"Effect\"").count(), "a symbol per statement");
            assert!(symbols.iter().all(|s| s.children.len() == 2), "Action and Resource in each");
            symbols.iter().flat_map(|s| &s.children).map(|e| e.children.len()).sum()
        };
        // 3 names a statement: two actions and one resource
        let at_limit = policy_naming(MAX_NAMES_IN_OUTLINE);
        assert_eq!(names(&at_limit), MAX_NAMES_IN_OUTLINE / 3 * 3);
        let past = policy_naming(MAX_NAMES_IN_OUTLINE + 3);
        assert_eq!(names(&past), 0);
    }

    #[test]
    fn multi_line_objects_and_arrays_fold() {
        let folds = folding_ranges(&Document::from(POLICY));
        assert_eq!(folds.len(), 3, "{folds:?}"); // the policy, the statement array, the first statement
    }

    #[test]
    fn selection_grows_from_the_string_to_the_policy() {
        let offset = POLICY.find("GetObject").unwrap();
        let chain = selection_ranges(&Document::from(POLICY), offset);
        let texts: Vec<&str> = chain.iter().map(|r| &POLICY[r.start..r.end]).collect();
        assert_eq!(texts[0], "\"s3:GetObject\"");
        assert_eq!(texts[1], "[\"s3:GetObject\", \"s3:ListBucket\"]");
        assert!(texts[2].starts_with("\"Action\""));
        assert_eq!(*texts.last().unwrap(), POLICY);
    }
}
