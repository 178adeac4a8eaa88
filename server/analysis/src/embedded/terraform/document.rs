//! `data "aws_iam_policy_document"` as the JSON Terraform renders from it: its `statement`
//! blocks, `source_policy_documents` first, then its own statements (replacing a source
//! statement with the same `sid`), then each of `override_policy_documents` (replacing by
//! `sid`, appending the others), as the provider merges them.

use std::ops::Range;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block};

use super::eval::{span, Module, Step};
use super::value::{parse_json_string, Str, Value};

/// Keys of the rendered statement, from the block's arguments.
const STATEMENT_LISTS: [(&str, &str); 4] =
    [("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource")];

/// A key written for an argument or block: its text is not the host's, so not exact.
fn key(name: &str, host: Range<usize>) -> Str {
    Str::synthetic(name, host)
}

impl Module<'_> {
    /// The policy document a `data "aws_iam_policy_document"` block renders.
    pub fn document(&self, block: &Block, depth: usize) -> Value {
        let host = span(block);
        let header = block.labels.get(1).map_or(span(&block.ident), span);
        let mut members = Vec::new();
        match block.body.get_attribute("version") {
            Some(version) => members.push((key("Version", span(&version.key)), self.eval(&version.value, depth))),
            None => {
                members.push((key("Version", header.clone()), Value::Str(Str::synthetic("2012-10-17", header.clone()))))
            }
        }
        if let Some(id) = block.body.get_attribute("policy_id") {
            members.push((key("Id", span(&id.key)), self.eval(&id.value, depth)));
        }
        let mut statements = Vec::new();
        for source in self.documents_in(block.body.get_attribute("source_policy_documents"), depth) {
            statements.extend(statements_of(&source));
        }
        for statement in block.body.get_blocks("statement") {
            merge(&mut statements, self.statement(statement, depth));
        }
        for document in self.documents_in(block.body.get_attribute("override_policy_documents"), depth) {
            for statement in statements_of(&document) {
                merge(&mut statements, statement);
            }
        }
        let statement_key = block.body.get_blocks("statement").next().map_or(header, |s| span(&s.ident));
        members.push((key("Statement", statement_key), Value::Array { items: statements, host: host.clone() }));
        Value::Object { members, host }
    }

    /// The documents a `source_policy_documents` / `override_policy_documents` list names.
    fn documents_in(&self, attribute: Option<&Attribute>, depth: usize) -> Vec<Value> {
        let Some(Expression::Array(list)) = attribute.map(|a| &a.value) else { return Vec::new() };
        list.iter().filter_map(|expr| self.policy_value(expr, depth + 1)).collect()
    }

    /// A policy document an expression holds (`jsonencode({...})`, a JSON string, a heredoc,
    /// `data.aws_iam_policy_document.x.json`, a local or variable holding one of these).
    pub fn policy_value(&self, expr: &Expression, depth: usize) -> Option<Value> {
        if depth > 12 {
            return None;
        }
        match expr {
            Expression::FuncCall(call) if call.name.name.as_str() == "jsonencode" && call.args.len() == 1 => {
                call.args.iter().next().map(|arg| self.eval(arg, depth + 1))
            }
            Expression::String(_) | Expression::StringTemplate(_) | Expression::HeredocTemplate(_) => {
                let Value::Str(s) = self.eval(expr, depth + 1) else { return None };
                parse_json_string(&s).0
            }
            Expression::Parenthesis(p) => self.policy_value(p.inner(), depth + 1),
            Expression::Traversal(t) => match Module::path(t)?.as_slice() {
                [Step::Name("data"), Step::Name("aws_iam_policy_document"), Step::Name(name), Step::Name("json" | "minified_json")] => {
                    self.documents.get(name).map(|block| self.document(block, depth + 1))
                }
                [Step::Name("local"), Step::Name(name)] => {
                    self.local(name).and_then(|e| self.policy_value(e, depth + 1))
                }
                [Step::Name("var"), Step::Name(name)] => {
                    self.variable_default(name).and_then(|e| self.policy_value(e, depth + 1))
                }
                _ => None,
            },
            _ => None,
        }
    }

    fn statement(&self, block: &Block, depth: usize) -> Value {
        let host = span(block);
        let ident = span(&block.ident);
        let mut members = Vec::new();
        if let Some(sid) = block.body.get_attribute("sid") {
            members.push((key("Sid", span(&sid.key)), self.eval(&sid.value, depth)));
        }
        match block.body.get_attribute("effect") {
            Some(effect) => members.push((key("Effect", span(&effect.key)), self.eval(&effect.value, depth))),
            // The provider's default.
            None => members.push((key("Effect", ident.clone()), Value::Str(Str::synthetic("Allow", ident.clone())))),
        }
        for (argument, name) in STATEMENT_LISTS {
            if let Some(attribute) = block.body.get_attribute(argument) {
                members.push((key(name, span(&attribute.key)), self.eval(&attribute.value, depth)));
            }
        }
        for (blocks, name) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
            if let Some(principals) = self.principals(block, blocks, depth) {
                members.push(principals.map_key(name));
            }
        }
        if let Some(conditions) = self.conditions(block, depth) {
            members.push(conditions);
        }
        Value::Object { members, host }
    }

    /// `principals { type identifiers }` blocks as one `Principal`: identifiers grouped by
    /// type; `type = "*"` with `identifiers = ["*"]` is `"Principal": "*"`.
    fn principals(&self, statement: &Block, name: &str, depth: usize) -> Option<Member> {
        let blocks: Vec<&Block> = statement.body.get_blocks(name).collect();
        let first = blocks.first()?;
        let mut members: Vec<(Str, Value)> = Vec::new();
        for block in &blocks {
            let kind = match block.body.get_attribute("type") {
                Some(t) => match self.eval(&t.value, depth) {
                    Value::Str(s) => s,
                    other => Str::synthetic("", other.host()),
                },
                None => Str::synthetic("", span(&block.ident)),
            };
            let identifiers = match block.body.get_attribute("identifiers") {
                Some(i) => self.eval(&i.value, depth),
                None => Value::Array { items: Vec::new(), host: span(&block.ident) },
            };
            if kind.known().as_deref() == Some("*") {
                if let Value::Array { items, .. } = &identifiers {
                    if let [star @ Value::Str(s)] = items.as_slice() {
                        if s.known().as_deref() == Some("*") {
                            return Some(Member { key_host: span(&first.ident), value: star.clone() });
                        }
                    }
                }
            }
            match members.iter_mut().find(|(k, _)| k.known().is_some() && k.known() == kind.known()) {
                Some((_, Value::Array { items, .. })) => match identifiers {
                    Value::Array { items: more, .. } => items.extend(more),
                    other => items.push(other),
                },
                _ => members.push((kind, identifiers)),
            }
        }
        Some(Member { key_host: span(&first.ident), value: Value::Object { members, host: span(*first) } })
    }

    /// `condition { test variable values }` blocks as one `Condition`, grouped by operator.
    fn conditions(&self, statement: &Block, depth: usize) -> Option<(Str, Value)> {
        let blocks: Vec<&Block> = statement.body.get_blocks("condition").collect();
        let first = blocks.first()?;
        let mut operators: Vec<(Str, Value)> = Vec::new();
        for block in &blocks {
            let text = |name: &str| match block.body.get_attribute(name) {
                Some(a) => match self.eval(&a.value, depth) {
                    Value::Str(s) => s,
                    other => {
                        Str { parts: vec![super::value::Part::Unknown { host: other.host() }], host: other.host() }
                    }
                },
                None => Str::synthetic("", span(&block.ident)),
            };
            let (test, variable) = (text("test"), text("variable"));
            let values = match block.body.get_attribute("values") {
                Some(v) => self.eval(&v.value, depth),
                None => Value::Array { items: Vec::new(), host: span(&block.ident) },
            };
            match operators.iter_mut().find(|(k, _)| k.known().is_some() && k.known() == test.known()) {
                Some((_, Value::Object { members, .. })) => members.push((variable, values)),
                _ => operators.push((test, Value::Object { members: vec![(variable, values)], host: span(*block) })),
            }
        }
        Some((key("Condition", span(&first.ident)), Value::Object { members: operators, host: span(*first) }))
    }
}

struct Member {
    key_host: Range<usize>,
    value: Value,
}

impl Member {
    fn map_key(self, name: &str) -> (Str, Value) {
        (key(name, self.key_host), self.value)
    }
}

/// The statements of a rendered or parsed document.
fn statements_of(document: &Value) -> Vec<Value> {
    match document.get("Statement") {
        Some(Value::Array { items, .. }) => items.clone(),
        Some(statement @ Value::Object { .. }) => vec![statement.clone()],
        _ => Vec::new(),
    }
}

fn sid(statement: &Value) -> Option<String> {
    statement.get("Sid").and_then(Value::as_str).and_then(Str::known).filter(|s| !s.is_empty())
}

/// Adds a statement, in place of the one with the same non-empty `Sid`.
fn merge(statements: &mut Vec<Value>, statement: Value) {
    match sid(&statement).and_then(|sid| statements.iter().position(|s| self::sid(s).as_deref() == Some(&sid))) {
        Some(at) => statements[at] = statement,
        None => statements.push(statement),
    }
}
