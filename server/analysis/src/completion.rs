//! Completion: what can be written at the cursor, from the catalog and the policy around it.
//! Works on half-typed documents: the tolerant parse still gives the enclosing elements.

use crate::catalog::{AccessLevel, Catalog};
use crate::checks::statement_actions;
use crate::diagnostics::Edit;
use crate::model::Statement;
use crate::syntax::{Member, Object, StringLit, Value};
use crate::text::TextRange;
use crate::Document;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A policy element or principal type.
    Property,
    /// A fixed value (`Allow`, `2012-10-17`, `true`).
    Value,
    /// A service prefix.
    Module,
    /// An action.
    Function,
    /// A resource ARN template.
    Snippet,
    /// A condition operator.
    Operator,
    /// A condition key.
    Variable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// Replaces the text being completed.
    pub edit: Edit,
    /// Whether `edit.new_text` is an LSP snippet (`${1:region}` tab stops).
    pub snippet: bool,
    /// What the client matches the typed text against.
    pub filter_text: Option<String>,
}

impl CompletionItem {
    fn new(
        label: impl Into<String>,
        kind: CompletionKind,
        range: TextRange,
        new_text: impl Into<String>,
    ) -> CompletionItem {
        CompletionItem {
            label: label.into(),
            kind,
            detail: None,
            documentation: None,
            edit: Edit { range, new_text: new_text.into() },
            snippet: false,
            filter_text: None,
        }
    }

    /// The inserted text without snippet syntax, for clients that take no snippets:
    /// `${1:region}` becomes `region`.
    pub fn plain_text(&self) -> String {
        if !self.snippet {
            return self.edit.new_text.clone();
        }
        let mut out = String::new();
        let mut chars = self.edit.new_text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => out.extend(chars.next()),
                '$' if chars.peek() == Some(&'{') => {
                    chars.next();
                    let inner: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    out.push_str(inner.split_once(':').map_or(inner.as_str(), |(_, name)| name));
                }
                c => out.push(c),
            }
        }
        out
    }

    fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    fn documentation(mut self, documentation: impl Into<String>) -> Self {
        self.documentation = Some(documentation.into());
        self
    }
}

/// Where the cursor is, in policy terms.
enum Place<'a> {
    /// Writing a key of `object`: inside its quotes (`lit`), or between members.
    Key { object: &'a Object, level: Level, lit: Option<&'a StringLit> },
    /// Writing a string value of `member` (directly, or as an array entry).
    Value { member: &'a Member, level: Level, lit: &'a StringLit },
}

/// Which object the cursor's key or value belongs to.
#[derive(Clone, Copy)]
enum Level {
    Top,
    /// A statement, by its index in the policy's statements.
    Statement(usize),
    Principal,
    Condition(usize),
    /// An operator block of a statement's condition.
    Operator(usize),
    Other,
}

pub fn complete(doc: &Document, offset: usize) -> Vec<CompletionItem> {
    if let Some(host) = doc.host() {
        let items = host.complete(doc.text(), offset);
        if items.is_empty() {
            // `- s3:`: YAML reads a mapping key where the user is typing an action
            if let Some(items) = crate::embedded::host::complete_typed_scalar(doc, offset) {
                return items;
            }
        }
        return items;
    }
    let text = doc.text();
    let Some(Value::Object(root)) = doc.root() else {
        return Vec::new();
    };
    // A document that is becoming a policy gets completions too, so only the top level is
    // checked for being one.
    let policy = doc.policy_around(offset);
    let statements = policy.as_ref().map(|p| p.statements.as_slice()).unwrap_or_default();
    let Some(place) = locate(text, root, offset, statements) else { return Vec::new() };
    let catalog = Catalog::get();
    match place {
        Place::Key { object, level, lit } => keys(text, object, level, lit, offset, statements, catalog),
        Place::Value { member, level, lit } => values(member, level, lit, offset, statements, catalog),
    }
}

/// Whether `offset` is inside the quotes of `lit` (an unterminated string runs to its end).
fn inside(text: &str, lit: &StringLit, offset: usize) -> bool {
    let terminated = lit.range.len() >= 2 && text.as_bytes().get(lit.range.end - 1) == Some(&b'"');
    let end = if terminated { lit.range.end - 1 } else { lit.range.end };
    lit.range.start < offset && offset <= end
}

fn locate<'a>(text: &str, root: &'a Object, offset: usize, statements: &'a [Statement<'a>]) -> Option<Place<'a>> {
    locate_in(text, root, Level::Top, offset, statements)
}

fn locate_in<'a>(
    text: &str,
    object: &'a Object,
    level: Level,
    offset: usize,
    statements: &'a [Statement<'a>],
) -> Option<Place<'a>> {
    for member in &object.members {
        if inside(text, &member.key, offset) {
            return Some(Place::Key { object, level, lit: Some(&member.key) });
        }
        let Some(value) = &member.value else { continue };
        if !value.range().touches(offset) {
            continue;
        }
        let child_level = child(level, &member.key.value);
        match value {
            Value::String(lit) if inside(text, lit, offset) => return Some(Place::Value { member, level, lit }),
            Value::Array(array) => {
                for item in &array.items {
                    match item {
                        Value::String(lit) if inside(text, lit, offset) => {
                            return Some(Place::Value { member, level, lit })
                        }
                        Value::Object(o) if o.range.touches(offset) && o.range.start < offset => {
                            return locate_in(text, o, resolve(child_level, o, statements), offset, statements);
                        }
                        _ => {}
                    }
                }
                return None;
            }
            Value::Object(o) if o.range.start < offset => {
                return locate_in(text, o, resolve(child_level, o, statements), offset, statements);
            }
            _ => {}
        }
    }
    // Between members: a new key.
    let within = object.range.start < offset
        && (offset < object.range.end || text.as_bytes().get(object.range.end - 1) != Some(&b'}'));
    within.then_some(Place::Key { object, level, lit: None })
}

/// The level of an object that is the value of `key` in an object at `level`.
fn child(level: Level, key: &str) -> Level {
    match (level, key) {
        // Which statement is known once the object is: see `resolve`.
        (Level::Top, "Statement") => Level::Statement(usize::MAX),
        (Level::Statement(_), "Principal" | "NotPrincipal") => Level::Principal,
        (Level::Statement(i), "Condition") => Level::Condition(i),
        (Level::Condition(i), _) => Level::Operator(i),
        _ => Level::Other,
    }
}

/// A statement level gets the statement's index from the object itself.
fn resolve(level: Level, object: &Object, statements: &[Statement]) -> Level {
    match level {
        Level::Statement(_) => statements
            .iter()
            .find(|s| s.object.range == object.range)
            .map_or(Level::Other, |s| Level::Statement(s.index)),
        other => other,
    }
}

fn keys(
    _text: &str,
    object: &Object,
    level: Level,
    lit: Option<&StringLit>,
    offset: usize,
    statements: &[Statement],
    catalog: &Catalog,
) -> Vec<CompletionItem> {
    // Inside quotes, replace the key's text; elsewhere insert `"Key": `.
    let (range, quoted) = match lit {
        Some(lit) => (lit.content_range().cover(TextRange::empty(offset)), false),
        None => (TextRange::empty(offset), true),
    };
    let present: Vec<&str> = object.members.iter().map(|m| m.key.value.as_str()).collect();
    let key_item = |name: &str, doc: &str| {
        let new_text = if quoted { format!("\"{name}\": ") } else { name.to_string() };
        CompletionItem::new(name, CompletionKind::Property, range, new_text).documentation(doc)
    };
    match level {
        Level::Top => TOP_LEVEL
            .iter()
            .filter(|(name, _)| !present.contains(name) || lit.is_some_and(|l| l.value == *name))
            .map(|(name, doc)| key_item(name, doc))
            .collect(),
        Level::Statement(_) => STATEMENT
            .iter()
            .filter(|(name, _)| !present.contains(name) || lit.is_some_and(|l| l.value == *name))
            .map(|(name, doc)| key_item(name, doc))
            .collect(),
        Level::Principal => ["AWS", "Service", "Federated", "CanonicalUser"]
            .iter()
            .map(|name| key_item(name, "A principal type."))
            .collect(),
        Level::Condition(_) => {
            operators().into_iter().map(|(name, doc)| key_item(&name, &doc).kind_of(CompletionKind::Operator)).collect()
        }
        Level::Operator(i) => {
            let statement = statements.iter().find(|s| s.index == i);
            condition_keys(statement, catalog)
                .into_iter()
                .map(|(key, detail, doc)| key_item(&key, &doc).detail(detail).kind_of(CompletionKind::Variable))
                .collect()
        }
        Level::Other => Vec::new(),
    }
}

trait KindOf {
    fn kind_of(self, kind: CompletionKind) -> Self;
}

impl KindOf for CompletionItem {
    fn kind_of(mut self, kind: CompletionKind) -> Self {
        self.kind = kind;
        self
    }
}

const TOP_LEVEL: [(&str, &str); 3] = [
    ("Version", "The policy language version: always `2012-10-17`."),
    ("Statement", "The policy's rules: one statement object or an array of them."),
    ("Id", "An optional identifier for the policy."),
];

const STATEMENT: [(&str, &str); 9] = [
    ("Sid", "An optional statement id: letters and digits, unique in the policy."),
    ("Effect", "`Allow` or `Deny`."),
    ("Action", "The actions the statement applies to: `service:Action`, wildcards allowed."),
    ("Resource", "The resources the statement applies to: ARNs, or `*`."),
    ("Condition", "When the statement applies: `{\"Operator\": {\"key\": \"value\"}}`."),
    ("Principal", "Who the statement applies to (resource-based and trust policies only)."),
    ("NotAction", "Every action except these. With `Allow` it grants far more than it seems."),
    ("NotResource", "Every resource except these."),
    ("NotPrincipal", "Everyone except these principals (avoid with `Allow`)."),
];

fn operators() -> Vec<(String, String)> {
    let base = [
        ("StringEquals", "Exact, case-sensitive string match."),
        ("StringNotEquals", "Negated exact string match."),
        ("StringEqualsIgnoreCase", "Case-insensitive string match."),
        ("StringNotEqualsIgnoreCase", "Negated case-insensitive string match."),
        ("StringLike", "String match with `*` and `?` wildcards."),
        ("StringNotLike", "Negated wildcard string match."),
        ("ArnEquals", "ARN match, part by part."),
        ("ArnLike", "ARN match with wildcards, part by part."),
        ("ArnNotEquals", "Negated ARN match."),
        ("ArnNotLike", "Negated wildcard ARN match."),
        ("NumericEquals", "Number equal to."),
        ("NumericNotEquals", "Number not equal to."),
        ("NumericLessThan", "Number less than."),
        ("NumericLessThanEquals", "Number less than or equal to."),
        ("NumericGreaterThan", "Number greater than."),
        ("NumericGreaterThanEquals", "Number greater than or equal to."),
        ("DateEquals", "Date equal to (ISO 8601 or epoch seconds)."),
        ("DateNotEquals", "Date not equal to."),
        ("DateLessThan", "Date before."),
        ("DateLessThanEquals", "Date at or before."),
        ("DateGreaterThan", "Date after."),
        ("DateGreaterThanEquals", "Date at or after."),
        ("Bool", "Boolean match: `true` or `false`."),
        ("BinaryEquals", "Base64-encoded binary match."),
        ("IpAddress", "IP address in a CIDR range."),
        ("NotIpAddress", "IP address outside a CIDR range."),
        ("Null", "Whether the key is absent (`true`) or present (`false`)."),
    ];
    let mut out: Vec<(String, String)> = base.iter().map(|(n, d)| (n.to_string(), d.to_string())).collect();
    for (name, doc) in base.iter().filter(|(n, _)| *n != "Null") {
        out.push((format!("{name}IfExists"), format!("{doc} Also true when the key is absent.")));
    }
    for (name, doc) in base.iter().filter(|(n, _)| n.starts_with("String") || n.starts_with("Arn")) {
        out.push((
            format!("ForAllValues:{name}"),
            format!("{doc} Every value of a multi-valued key must match (also true when the key is absent)."),
        ));
        out.push((
            format!("ForAnyValue:{name}"),
            format!("{doc} At least one value of a multi-valued key must match."),
        ));
    }
    out
}

/// Condition keys for a statement: the keys its actions (and their resource types) support,
/// then the global keys. (name, type, documentation)
fn condition_keys(statement: Option<&Statement>, catalog: &Catalog) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    if let Some(actions) = statement.and_then(|s| statement_actions(catalog, s)) {
        if actions.len() <= 500 {
            for (service, action) in actions {
                let resource_keys = action
                    .resource_types
                    .iter()
                    .filter_map(|t| service.resource_type(t))
                    .flat_map(|r| r.condition_keys.iter());
                for key in action.condition_keys.iter().chain(resource_keys) {
                    if key.starts_with("aws:") || !seen.insert(key.to_ascii_lowercase()) {
                        continue;
                    }
                    let (key_type, description) =
                        catalog.condition_key(key).map(|k| (k.key_type, k.description)).unwrap_or_default();
                    out.push((
                        key.to_string(),
                        key_type.to_string(),
                        format!("{description}\n\nSupported by `{}:{}`.", service.prefix, action.name),
                    ));
                }
            }
        }
    }
    for key in &catalog.global_condition_keys {
        if seen.insert(key.key.to_ascii_lowercase()) {
            out.push((key.key.to_string(), key.key_type.to_string(), "A global condition key.".to_string()));
        }
    }
    out
}

fn values(
    member: &Member,
    level: Level,
    lit: &StringLit,
    offset: usize,
    statements: &[Statement],
    catalog: &Catalog,
) -> Vec<CompletionItem> {
    // Replace the whole string's content: typing `bedrock:Inv` then choosing an action
    // replaces all of it.
    let range = lit.content_range().cover(TextRange::empty(offset));
    let typed = &lit.value;
    let key = member.key.value.as_str();
    let value_item = |label: &str| CompletionItem::new(label, CompletionKind::Value, range, label);
    match (level, key) {
        (Level::Top, "Version") => vec![value_item("2012-10-17").detail("the current policy language")],
        (Level::Statement(_), "Effect") => vec![value_item("Allow"), value_item("Deny")],
        (Level::Statement(_), "Action" | "NotAction") => actions(typed, range, catalog),
        (Level::Statement(_), "Resource" | "NotResource") => {
            let statement = statements.iter().find(|s| s.resource_strings().any(|r| r.range == lit.range));
            resources(statement, range, catalog)
        }
        (Level::Principal, "Service") => service_principals(range, catalog),
        (Level::Operator(_), key) => match catalog.condition_key(key).map(|k| k.key_type) {
            Some("Bool" | "ArrayOfBool") => vec![value_item("true"), value_item("false")],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn actions(typed: &str, range: TextRange, catalog: &Catalog) -> Vec<CompletionItem> {
    let Some((prefix, _)) = typed.split_once(':') else {
        // Service prefixes; choosing one leaves `prefix:` to go on typing the action.
        return catalog
            .services
            .iter()
            .map(|s| {
                CompletionItem::new(s.prefix, CompletionKind::Module, range, format!("{}:", s.prefix))
                    .detail(s.name)
                    .documentation(format!(
                        "{} actions. [Service Authorization Reference]({})",
                        s.actions.len(),
                        s.reference_url()
                    ))
            })
            .collect();
    };
    let Some(service) = catalog.service(prefix) else { return Vec::new() };
    let mut items: Vec<CompletionItem> = service
        .actions
        .iter()
        .map(|a| {
            let name = format!("{}:{}", service.prefix, a.name);
            let mut item = CompletionItem::new(&name, CompletionKind::Function, range, &name)
                .detail(a.access_level.as_str())
                .documentation(crate::hover::action_markdown(service, a));
            item.filter_text = Some(name.clone());
            item
        })
        .collect();
    // Wildcards by access level prefix help least privilege: `s3:Get*`, `s3:List*`.
    for (level, verb) in [(AccessLevel::List, "List"), (AccessLevel::Read, "Get"), (AccessLevel::Read, "Describe")] {
        let n = service.actions.iter().filter(|a| a.name.starts_with(verb) && a.access_level == level).count();
        if n > 1 {
            let name = format!("{}:{verb}*", service.prefix);
            items.push(
                CompletionItem::new(&name, CompletionKind::Function, range, &name)
                    .detail(format!("{n} {} actions", level.as_str())),
            );
        }
    }
    items
}

/// ARN templates of the resource types the statement's actions take, as snippets.
fn resources(statement: Option<&Statement>, range: TextRange, catalog: &Catalog) -> Vec<CompletionItem> {
    let mut items = vec![CompletionItem::new("*", CompletionKind::Value, range, "*").detail("every resource")];
    let Some(actions) = statement.and_then(|s| statement_actions(catalog, s)) else { return items };
    let mut seen = std::collections::HashSet::new();
    for (service, action) in actions.iter().take(200) {
        for type_name in &action.resource_types {
            let Some(resource_type) = service.resource_type(type_name) else { continue };
            if !seen.insert(resource_type.arn) {
                continue;
            }
            let users: Vec<String> = actions
                .iter()
                .filter(|(s, a)| s.prefix == service.prefix && a.resource_types.contains(type_name))
                .map(|(s, a)| format!("`{}:{}`", s.prefix, a.name))
                .collect();
            let mut item = CompletionItem::new(
                format!("{} {type_name}", service.prefix),
                CompletionKind::Snippet,
                range,
                arn_snippet(resource_type.arn),
            )
            .detail(resource_type.arn)
            .documentation(format!("For {}.", users.join(", ")));
            item.snippet = true;
            item.filter_text = Some(resource_type.arn.to_string());
            items.push(item);
        }
    }
    items
}

/// `arn:${Partition}:bedrock:${Region}:${Account}:agent/${AgentId}` as a snippet:
/// `arn:aws:bedrock:${1:region}:${2:account}:agent/${3:AgentId}`.
fn arn_snippet(format: &str) -> String {
    let mut out = String::new();
    let mut rest = format;
    let mut stop = 1;
    while let Some(start) = rest.find("${") {
        out.push_str(&escape_snippet(&rest[..start]));
        let Some(len) = rest[start..].find('}') else { break };
        let name = &rest[start + 2..start + len];
        match name {
            "Partition" => out.push_str("aws"),
            "Region" => out.push_str(&format!("${{{stop}:region}}")),
            "Account" => out.push_str(&format!("${{{stop}:account}}")),
            other => out.push_str(&format!("${{{stop}:{other}}}")),
        }
        if name != "Partition" {
            stop += 1;
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(&escape_snippet(rest));
    out
}

fn escape_snippet(text: &str) -> String {
    text.replace('\\', "\\\\").replace('$', "\\$").replace('}', "\\}")
}

fn service_principals(range: TextRange, catalog: &Catalog) -> Vec<CompletionItem> {
    let mut names: Vec<String> = catalog.services.iter().map(|s| format!("{}.amazonaws.com", s.prefix)).collect();
    names.extend(catalog.known_service_principals().map(str::to_string));
    names.sort();
    names.dedup();
    names.retain(|n| catalog.is_service_principal(n));
    names.into_iter().map(|n| CompletionItem::new(&n, CompletionKind::Value, range, &n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete_at(marked: &str) -> Vec<CompletionItem> {
        let offset = marked.find("$0").expect("cursor marker");
        complete(&Document::from(marked.replacen("$0", "", 1).as_str()), offset)
    }

    fn labels(items: &[CompletionItem]) -> Vec<&str> {
        items.iter().map(|i| i.label.as_str()).collect()
    }

    #[test]
    fn statement_keys_between_members_and_inside_quotes() {
        let items = complete_at(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow", $0}]}"#);
        assert!(labels(&items).contains(&"Action"), "{:?}", labels(&items));
        assert!(!labels(&items).contains(&"Effect"));
        assert_eq!(items.iter().find(|i| i.label == "Action").unwrap().edit.new_text, "\"Action\": ");
        let items = complete_at(r#"{"Statement":[{"Eff$0"}]}"#);
        let effect = items.iter().find(|i| i.label == "Effect").unwrap();
        assert_eq!(effect.edit.new_text, "Effect");
    }

    #[test]
    fn top_level_keys_and_values() {
        let items = complete_at(r#"{"Ver$0"#);
        assert!(labels(&items).contains(&"Version"));
        let items = complete_at(r#"{"Version": "$0", "Statement": []}"#);
        assert_eq!(labels(&items), ["2012-10-17"]);
        let items = complete_at(r#"{"Statement": {"Effect": "A$0"}}"#);
        assert_eq!(labels(&items), ["Allow", "Deny"]);
    }

    #[test]
    fn actions_after_the_prefix_replace_the_whole_string() {
        let text = r#"{"Statement":{"Effect":"Allow","Action":"bedrock:Inv$0"}}"#;
        let items = complete_at(text);
        let invoke = items.iter().find(|i| i.label == "bedrock:InvokeModel").expect("InvokeModel");
        assert_eq!(invoke.detail.as_deref(), Some("Read"));
        assert!(invoke.documentation.as_ref().unwrap().contains("Grants permission"));
        let start = text.find("bedrock:Inv").unwrap();
        assert_eq!(invoke.edit.range, TextRange::new(start, start + "bedrock:Inv".len()));
        // While typing, in a half-written document.
        let items = complete_at("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"s3:Get$0\n");
        assert!(labels(&items).contains(&"s3:GetObject"));
        let items = complete_at(r#"{"Statement":{"Action":"bedr$0"}}"#);
        let bedrock = items.iter().find(|i| i.label == "bedrock").unwrap();
        assert_eq!(bedrock.edit.new_text, "bedrock:");
    }

    #[test]
    fn resource_templates_for_the_statements_actions() {
        let items = complete_at(r#"{"Statement":{"Effect":"Allow","Action":"bedrock:InvokeAgent","Resource":"$0"}}"#);
        let alias = items.iter().find(|i| i.label == "bedrock agent-alias").expect("agent-alias template");
        assert!(alias.snippet);
        assert_eq!(alias.plain_text(), "arn:aws:bedrock:region:account:agent-alias/AgentId/AgentAliasId");
        assert_eq!(
            alias.edit.new_text,
            "arn:aws:bedrock:${1:region}:${2:account}:agent-alias/${3:AgentId}/${4:AgentAliasId}"
        );
        assert!(
            items.iter().all(|i| i.label == "*" || i.label.starts_with("bedrock agent-alias")),
            "{:?}",
            labels(&items)
        );
    }

    #[test]
    fn condition_operators_keys_and_bool_values() {
        let items = complete_at(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"Str$0"}}}"#,
        );
        assert!(labels(&items).contains(&"StringLike") && labels(&items).contains(&"ForAnyValue:StringEquals"));
        let items = complete_at(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"$0"}}}}"#,
        );
        assert!(labels(&items).contains(&"s3:prefix"), "{:?}", &labels(&items)[..5.min(items.len())]);
        assert!(labels(&items).contains(&"aws:SourceIp"));
        let items = complete_at(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"$0"}}}}"#,
        );
        assert_eq!(labels(&items), ["true", "false"]);
    }

    #[test]
    fn service_principals_in_principal_service() {
        let items = complete_at(
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"bed$0"},"Action":"sts:AssumeRole"}}"#,
        );
        assert!(labels(&items).contains(&"bedrock.amazonaws.com"));
    }
}
