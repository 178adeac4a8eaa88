//! A policy made ready for evaluation: its statements with owned values, read once from the
//! project's tolerant parser and model, so that a simulation does not parse again and a
//! statement AWS would reject is evaluated as far as it can be (an element it cannot read
//! matches nothing), never a reason to stop.

use std::fmt;

use serde::Serialize;

use super::condition;
use crate::model::{self, Effect};
use crate::pattern::{self, Matcher};
use crate::syntax::{self, Value};

/// A policy of one type, read from its text.
#[derive(Clone, Debug)]
pub struct Policy {
    /// How reports name it: its file, or where it was given inline.
    pub name: String,
    pub statements: Vec<Statement>,
    /// Whether policy variables are read: only in `"Version": "2012-10-17"`; other
    /// versions (and none) take `${...}` as literal text.
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>
    pub variables: bool,
    /// Why the text is not a policy (not JSON, no `Statement`), when it is not.
    pub problem: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Statement {
    /// Position in the `Statement` array.
    pub index: usize,
    pub sid: Option<String>,
    /// `None` when `Effect` is missing or neither `Allow` nor `Deny`: the statement then
    /// applies to nothing.
    pub effect: Option<Effect>,
    pub action: Option<Vec<ActionPattern>>,
    pub not_action: Option<Vec<ActionPattern>>,
    pub resource: Option<Vec<ResourcePattern>>,
    pub not_resource: Option<Vec<ResourcePattern>>,
    pub principal: Option<Principals>,
    pub not_principal: Option<Principals>,
    /// `None` without a `Condition`; an unreadable block is `Err` (matching nothing).
    pub condition: Option<Result<Vec<Condition>, String>>,
}

/// An `Action` or `NotAction` entry, compiled when the policy is read: IAM compares actions
/// ignoring case, so the matcher holds the pattern lower-cased.
#[derive(Clone, Debug)]
pub struct ActionPattern {
    pub text: String,
    pub(super) matcher: Matcher,
}

impl ActionPattern {
    pub fn new(text: impl Into<String>) -> ActionPattern {
        let text = text.into();
        let matcher = Matcher::new(&text);
        ActionPattern { text, matcher }
    }
}

impl fmt::Display for ActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A `Resource` or `NotResource` entry, compiled when the policy is read: what a request's
/// resource is compared with, as a whole and, for an ARN, part by part.
#[derive(Clone, Debug)]
pub struct ResourcePattern {
    pub text: String,
    pub(super) form: ResourceForm,
}

#[derive(Clone, Debug)]
pub(super) enum ResourceForm {
    /// `*`: every resource.
    All,
    /// Text with `${`: a policy variable (in a policy that reads them) takes the request's
    /// value, so it is compared afresh for each request.
    Variables,
    /// Wildcards only (case-sensitive, as IAM compares ARNs): the whole text, and its six
    /// parts when it splits into six at `:`.
    Fixed { whole: Matcher, parts: Option<Box<[Matcher; 6]>> },
}

impl ResourcePattern {
    pub fn new(text: impl Into<String>) -> ResourcePattern {
        let text = text.into();
        let form = if text == "*" {
            ResourceForm::All
        } else if pattern::has_variable(&text) {
            ResourceForm::Variables
        } else {
            let split: Vec<Matcher> = text.splitn(6, ':').map(Matcher::case_sensitive).collect();
            let parts = <[Matcher; 6]>::try_from(split).ok().map(Box::new);
            ResourceForm::Fixed { whole: Matcher::case_sensitive(&text), parts }
        };
        ResourcePattern { text, form }
    }
}

impl fmt::Display for ResourcePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A `Principal` or `NotPrincipal` element: `"*"`, or principal type → values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principals {
    Everyone,
    Typed(Vec<(String, String)>),
}

/// One key of one operator block: `"StringEquals": {"aws:RequestedRegion": ["us-east-1"]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
    /// The operator read when the policy is (`None`: not an operator AWS knows).
    #[serde(skip)]
    pub(super) parsed: Option<condition::Operator>,
}

impl Condition {
    pub fn new(operator: impl Into<String>, key: impl Into<String>, values: Vec<String>) -> Condition {
        let operator = operator.into();
        let parsed = condition::Operator::parse(&operator);
        Condition { operator, key: key.into(), values, parsed }
    }
}

impl Policy {
    /// Reads a policy from its text. Never fails: what cannot be read is left out and said.
    pub fn parse(name: impl Into<String>, text: &str) -> Policy {
        let name = name.into();
        let parse = syntax::parse(text);
        let Some(policy) = model::Policy::new(parse.root.as_ref()) else {
            let problem = match parse.root {
                None => "the text is not JSON".to_string(),
                Some(_) => "the JSON is not a policy (no `Statement`)".to_string(),
            };
            return Policy { name, statements: Vec::new(), variables: false, problem: Some(problem) };
        };
        let statements = policy.statements.iter().map(|s| Statement::read(s, text)).collect();
        let variables = policy.version_value() == Some("2012-10-17");
        Policy { name, statements, variables, problem: None }
    }
}

impl Statement {
    fn read(s: &model::Statement<'_>, text: &str) -> Statement {
        let actions = |s: &Option<model::Strings<'_>>| -> Option<Vec<ActionPattern>> {
            s.as_ref().map(|s| s.items.iter().map(|lit| ActionPattern::new(lit.value.as_str())).collect())
        };
        let resources = |s: &Option<model::Strings<'_>>| -> Option<Vec<ResourcePattern>> {
            s.as_ref().map(|s| s.items.iter().map(|lit| ResourcePattern::new(lit.value.as_str())).collect())
        };
        Statement {
            index: s.index,
            sid: s.sid.map(|sid| sid.value.clone()),
            effect: s.effect,
            action: actions(&s.action),
            not_action: actions(&s.not_action),
            resource: resources(&s.resource),
            not_resource: resources(&s.not_resource),
            principal: s.principal.map(|m| principals(m.value.as_ref())),
            not_principal: s.not_principal.map(|m| principals(m.value.as_ref())),
            condition: s.condition.map(|m| conditions(m.value.as_ref(), text)),
        }
    }

    /// How reports name the statement: its `Sid`, or its position.
    pub fn name(&self) -> String {
        match &self.sid {
            Some(sid) if !sid.is_empty() => format!("`{sid}`"),
            _ => format!("{}", self.index + 1),
        }
    }
}

fn principals(value: Option<&Value>) -> Principals {
    let mut out = Vec::new();
    match value {
        Some(Value::String(s)) if s.value == "*" => return Principals::Everyone,
        Some(Value::Object(object)) => {
            for member in &object.members {
                let kind = member.key.value.clone();
                for item in string_items(member.value.as_ref()) {
                    out.push((kind.clone(), item.to_string()));
                }
            }
        }
        // A bare string other than `*` is not a principal AWS reads: it names nobody.
        _ => {}
    }
    Principals::Typed(out)
}

fn string_items(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.value.as_str()],
        Some(Value::Array(a)) => a.items.iter().filter_map(Value::as_str).map(|s| s.value.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// A condition value as text: AWS compares numbers and booleans written in a policy as the
/// text they are written as (`15`, `true`).
fn scalar(value: &Value, text: &str) -> Option<String> {
    match value {
        Value::String(s) => Some(s.value.clone()),
        Value::Number(range) => text.get(range.start..range.end).map(str::to_string),
        Value::Bool(b, _) => Some(b.to_string()),
        _ => None,
    }
}

fn conditions(value: Option<&Value>, text: &str) -> Result<Vec<Condition>, String> {
    let Some(Value::Object(block)) = value else {
        return Err("`Condition` is not an object".to_string());
    };
    let mut out = Vec::new();
    for operator in &block.members {
        let Some(Value::Object(keys)) = &operator.value else {
            return Err(format!("`{}` does not hold an object of keys", operator.key.value));
        };
        for key in &keys.members {
            let values = match &key.value {
                Some(Value::Array(a)) => a.items.iter().filter_map(|v| scalar(v, text)).collect(),
                Some(v) => scalar(v, text).into_iter().collect(),
                None => Vec::new(),
            };
            out.push(Condition::new(operator.key.value.as_str(), key.key.value.as_str(), values));
        }
    }
    Ok(out)
}
