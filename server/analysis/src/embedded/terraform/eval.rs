//! What a Terraform expression is worth inside a policy: literals as they are written,
//! `var.x` by its `default`, `local.x` by its expression, references to resources by a
//! realistic value of their type, the caller's account, Region and partition by plausible
//! values, and anything else as unknown.

use std::collections::HashMap;
use std::ops::Range;

use hcl_edit::expr::{Expression, ObjectKey, Traversal, TraversalOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span;

use super::resource_types;
use super::value::{literal_parts, Part, Str, Value};

/// The account, Region and partition a policy's references resolve to.
pub(crate) const ACCOUNT: &str = "123456789012";
pub(crate) const DEFAULT_REGION: &str = "us-east-1";
pub(crate) const PARTITION: &str = "aws";

/// How deep references may lead (`local.a` → `local.b` → ...): a cycle ends there, unknown.
const MAX_DEPTH: usize = 12;

pub(crate) fn span(node: &impl Span) -> Range<usize> {
    node.span().unwrap_or(0..0)
}

/// The blocks of a module that references resolve through.
pub(crate) struct Module<'a> {
    pub text: &'a str,
    variables: HashMap<&'a str, &'a Expression>,
    locals: HashMap<&'a str, &'a Expression>,
    resources: HashMap<(&'a str, &'a str), &'a Block>,
    pub documents: HashMap<&'a str, &'a Block>,
    region: String,
}

pub(crate) fn label(block: &Block, index: usize) -> Option<&str> {
    block.labels.get(index).map(|l| l.as_str())
}

impl<'a> Module<'a> {
    pub fn new(text: &'a str, body: &'a Body) -> Module<'a> {
        let mut module = Module {
            text,
            variables: HashMap::new(),
            locals: HashMap::new(),
            resources: HashMap::new(),
            documents: HashMap::new(),
            region: DEFAULT_REGION.to_string(),
        };
        let mut region = None;
        for block in body.blocks() {
            match (block.ident.as_str(), label(block, 0), label(block, 1)) {
                ("variable", Some(name), _) => {
                    if let Some(default) = block.body.get_attribute("default") {
                        module.variables.insert(name, &default.value);
                    }
                }
                ("locals", ..) => {
                    for attribute in block.body.attributes() {
                        module.locals.insert(attribute.key.as_str(), &attribute.value);
                    }
                }
                ("resource", Some(kind), Some(name)) => {
                    module.resources.insert((kind, name), block);
                }
                ("data", Some("aws_iam_policy_document"), Some(name)) => {
                    module.documents.insert(name, block);
                }
                ("provider", Some("aws"), _) if region.is_none() && block.body.get_attribute("alias").is_none() => {
                    region = block.body.get_attribute("region").map(|a| &a.value);
                }
                _ => {}
            }
        }
        if let Some(known) = region.and_then(|r| module.eval(r, 0).as_str().and_then(Str::known)) {
            if !known.is_empty() {
                module.region = known;
            }
        }
        module
    }

    pub fn local(&self, name: &str) -> Option<&'a Expression> {
        self.locals.get(name).copied()
    }

    pub fn variable_default(&self, name: &str) -> Option<&'a Expression> {
        self.variables.get(name).copied()
    }

    pub fn eval(&self, expr: &Expression, depth: usize) -> Value {
        let host = span(expr);
        if depth > MAX_DEPTH {
            return Value::Unknown { host };
        }
        match expr {
            Expression::Null(_) => Value::Scalar { json: "null".into(), host },
            Expression::Bool(b) => Value::Scalar { json: b.value().to_string(), host },
            Expression::Number(n) => Value::Scalar { json: n.value().to_string(), host },
            Expression::String(s) => {
                let content = host.start + 1..host.end.saturating_sub(1).max(host.start + 1);
                Value::Str(Str { parts: self.literal(s.value(), content), host })
            }
            Expression::StringTemplate(t) => Value::Str(self.template(t, host, depth)),
            Expression::HeredocTemplate(h) => Value::Str(self.template(&h.template, host, depth)),
            Expression::Array(a) => Value::Array { items: a.iter().map(|e| self.eval(e, depth + 1)).collect(), host },
            Expression::Object(o) => Value::Object {
                members: o
                    .iter()
                    .map(|(key, value)| {
                        let key = match key {
                            ObjectKey::Ident(ident) => {
                                let host = span(ident);
                                let exact = self.text.get(host.clone()) == Some(ident.as_str());
                                Str {
                                    parts: vec![Part::Text {
                                        value: ident.as_str().to_string(),
                                        host: host.clone(),
                                        exact,
                                    }],
                                    host,
                                }
                            }
                            ObjectKey::Expression(e) => match self.eval(e, depth + 1) {
                                Value::Str(s) => s,
                                other => Str { parts: vec![Part::Unknown { host: other.host() }], host: other.host() },
                            },
                        };
                        (key, self.eval(value.expr(), depth + 1))
                    })
                    .collect(),
                host,
            },
            Expression::Parenthesis(p) => self.eval(p.inner(), depth + 1),
            Expression::Traversal(t) => self.traversal(t, host, depth),
            Expression::FuncCall(call) => {
                let args: Vec<&Expression> = call.args.iter().collect();
                match (call.name.name.as_str(), args.as_slice()) {
                    ("tolist" | "toset", [list]) => self.eval(list, depth + 1),
                    ("concat", lists) => {
                        let mut items = Vec::new();
                        for list in lists {
                            match self.eval(list, depth + 1) {
                                Value::Array { items: more, .. } => items.extend(more),
                                _ => return Value::Unknown { host },
                            }
                        }
                        Value::Array { items, host }
                    }
                    _ => Value::Unknown { host },
                }
            }
            _ => Value::Unknown { host },
        }
    }

    /// The pieces of a literal whose decoded value is `value` and whose source is at `host`.
    fn literal(&self, value: &str, host: Range<usize>) -> Vec<Part> {
        match self.text.get(host.clone()) {
            Some(source) => literal_parts(value, source, host.start),
            None => vec![Part::Text { value: value.to_string(), host, exact: false }],
        }
    }

    fn template(&self, template: &Template, host: Range<usize>, depth: usize) -> Str {
        let mut parts = Vec::new();
        for element in template.iter() {
            match element {
                Element::Literal(lit) => parts.extend(self.literal(lit.value(), span(lit))),
                Element::Interpolation(interpolation) => {
                    let at = span(interpolation);
                    match self.eval(&interpolation.expr, depth + 1) {
                        Value::Str(s) => parts.extend(s.rehost(&at).parts),
                        Value::Scalar { json, .. } => parts.push(Part::Text { value: json, host: at, exact: false }),
                        _ => parts.push(Part::Unknown { host: at }),
                    }
                }
                Element::Directive(directive) => parts.push(Part::Unknown { host: span(directive) }),
            }
        }
        Str { parts, host }
    }

    /// `a.b["c"][0]` as names and indexes, if it is one.
    pub fn path(traversal: &Traversal) -> Option<Vec<Step<'_>>> {
        let root = traversal.expr.as_variable()?;
        let mut steps = vec![Step::Name(root.as_str())];
        for operator in traversal.operators.iter() {
            steps.push(match operator.value() {
                TraversalOperator::GetAttr(name) => Step::Name(name.as_str()),
                TraversalOperator::Index(Expression::String(s)) => Step::Name(s.value().as_str()),
                TraversalOperator::Index(Expression::Number(n)) => Step::Index(n.value().as_u64()? as usize),
                TraversalOperator::LegacyIndex(n) => Step::Index(*n.value() as usize),
                _ => return None,
            });
        }
        Some(steps)
    }

    fn traversal(&self, traversal: &Traversal, host: Range<usize>, depth: usize) -> Value {
        let unknown = Value::Unknown { host: host.clone() };
        let Some(path) = Module::path(traversal) else { return unknown };
        let name = |i: usize| match path.get(i) {
            Some(Step::Name(n)) => Some(*n),
            _ => None,
        };
        let (value, rest) = match (name(0), name(1)) {
            (Some("var"), Some(variable)) => match self.variables.get(variable) {
                Some(default) => (self.eval(default, depth + 1), &path[2..]),
                None => return unknown,
            },
            (Some("local"), Some(local)) => match self.locals.get(local) {
                Some(expr) => (self.eval(expr, depth + 1), &path[2..]),
                None => return unknown,
            },
            (Some("data"), Some(source)) => {
                let known = match (source, name(3)) {
                    ("aws_caller_identity", Some("account_id" | "id")) => ACCOUNT.to_string(),
                    ("aws_region", Some("name" | "region" | "id")) => self.region.clone(),
                    ("aws_partition", Some("partition" | "id")) => PARTITION.to_string(),
                    ("aws_partition", Some("dns_suffix")) => "amazonaws.com".to_string(),
                    _ => return unknown,
                };
                if path.len() != 4 {
                    return unknown;
                }
                return Value::Str(Str::synthetic(&known, host));
            }
            (Some(kind), Some(resource)) => {
                // `aws_s3_bucket.b.arn`, `aws_s3_bucket.b[0].arn` (count), `...["k"].arn` (for_each).
                let attribute = path[2..].iter().find_map(|s| match s {
                    Step::Name(n) => Some(*n),
                    Step::Index(_) => None,
                });
                let tail = path[2..].iter().skip_while(|s| matches!(s, Step::Index(_))).count();
                match attribute {
                    Some(attribute) if tail == 1 => match self.resource_value(kind, resource, attribute, depth) {
                        Some(value) => return Value::Str(value.rehost(&host)),
                        None => return unknown,
                    },
                    _ => return unknown,
                }
            }
            _ => return unknown,
        };
        select(value, rest).map_or(unknown, |v| v.rehost(&host))
    }

    /// The value of `kind.name.attribute` for a resource type in the table.
    fn resource_value(&self, kind: &str, name: &str, attribute: &str, depth: usize) -> Option<Str> {
        let entry = resource_types::get(kind)?;
        let what = entry.attribute(attribute)?;
        let block = self.resources.get(&(kind, name));
        let named = block.and_then(|b| entry.name_argument.and_then(|arg| b.body.get_attribute(arg)));
        let resource_name = match named {
            Some(attribute) => match self.eval(&attribute.value, depth + 1) {
                Value::Str(s) => s,
                other => Str { parts: vec![Part::Unknown { host: other.host() }], host: other.host() },
            },
            None if entry.name_argument.is_none() => Str::synthetic(&generated_id(name), 0..0),
            None => Str::synthetic(name, 0..0),
        };
        Some(resource_types::value(entry, what, &resource_name, &self.region))
    }
}

/// A plausible id for a resource whose ARN holds one AWS generates (a Bedrock agent or
/// knowledge base: 10 capital letters and digits), made from its label: `docs` → `DOCS012345`.
fn generated_id(label: &str) -> String {
    let mut id: String =
        label.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).take(10).collect();
    let mut digit = 0;
    while id.len() < 10 {
        id.push(char::from(b'0' + digit % 10));
        digit += 1;
    }
    id
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Step<'a> {
    Name(&'a str),
    Index(usize),
}

/// The part of a value a path leads to (`var.names[0]`, `local.tags.team`).
fn select(value: Value, path: &[Step]) -> Option<Value> {
    let Some((first, rest)) = path.split_first() else { return Some(value) };
    let next = match (value, first) {
        (Value::Array { items, .. }, Step::Index(i)) => items.into_iter().nth(*i)?,
        (Value::Object { members, .. }, Step::Name(n)) => {
            members.into_iter().find(|(k, _)| k.known().as_deref() == Some(*n)).map(|(_, v)| v)?
        }
        _ => return None,
    };
    select(next, rest)
}

/// The top-level blocks of a body, in order.
pub(crate) fn blocks(body: &Body) -> impl Iterator<Item = &Block> {
    body.iter().filter_map(|s| match s {
        Structure::Block(b) => Some(b),
        Structure::Attribute(_) => None,
    })
}
