//! The policy view of a syntax tree: IAM's elements with their ranges. Elements with the
//! wrong shape are left out here; the checks that care report them.

use std::cell::OnceCell;

use rustc_hash::FxHashMap;

use crate::syntax::{Member, Object, StringLit, Value};
use crate::text::IgnoreCase;

/// The policy language versions IAM accepts.
pub const POLICY_VERSIONS: [&str; 2] = ["2012-10-17", "2008-10-17"];

/// A policy with its statements modelled ([`Statement`]s), or, as an [`Outline`], not yet.
pub struct Policy<'a, S = Statement<'a>> {
    pub root: &'a Object,
    pub version: Option<&'a Member>,
    pub id: Option<&'a Member>,
    pub statement: Option<&'a Member>,
    pub statements: Vec<S>,
}

/// A policy whose statements are modelled when needed: the checks of a large document reuse
/// the findings of every statement an edit left alone, and modelling all of them again on
/// each keystroke cost more than checking the one that changed.
pub type Outline<'a> = Policy<'a, StatementAt<'a>>;

/// A statement not modelled yet: its object and its position in the `Statement` array.
#[derive(Clone, Copy)]
pub struct StatementAt<'a> {
    pub object: &'a Object,
    pub index: usize,
}

impl<'a> StatementAt<'a> {
    pub fn model(self) -> Statement<'a> {
        Statement::new(self.object, self.index)
    }

    /// The statement's `Sid` ([`Statement::sid`]) without modelling the rest.
    pub fn sid(self) -> Option<&'a StringLit> {
        self.object.get("Sid").and_then(|m| m.value.as_ref()).and_then(Value::as_str)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

pub struct Statement<'a> {
    pub object: &'a Object,
    /// Position in the `Statement` array (0 for a lone statement object).
    pub index: usize,
    pub sid: Option<&'a StringLit>,
    pub effect: Option<Effect>,
    pub principal: Option<&'a Member>,
    pub not_principal: Option<&'a Member>,
    pub action: Option<Strings<'a>>,
    pub not_action: Option<Strings<'a>>,
    pub resource: Option<Strings<'a>>,
    pub not_resource: Option<Strings<'a>>,
    pub condition: Option<&'a Member>,
}

impl<'a> Statement<'a> {
    /// Every action string in `Action` and `NotAction`.
    pub fn action_strings(&self) -> impl Iterator<Item = &'a StringLit> + '_ {
        self.action.iter().chain(&self.not_action).flat_map(|s| s.items.iter().copied())
    }

    /// How messages name the statement: its `Sid`, or its position.
    pub fn name(&self) -> String {
        match self.sid {
            Some(sid) if !sid.value.is_empty() => format!("statement `{}`", sid.value),
            _ => format!("statement {}", self.index + 1),
        }
    }

    /// Every string in `Resource` and `NotResource`.
    pub fn resource_strings(&self) -> impl Iterator<Item = &'a StringLit> + '_ {
        self.resource.iter().chain(&self.not_resource).flat_map(|s| s.items.iter().copied())
    }
}

/// An element whose value is a string or an array of strings.
pub struct Strings<'a> {
    pub member: &'a Member,
    pub items: Vec<&'a StringLit>,
    /// The entries by value ignoring case, and the wildcard entries: made on first need, so
    /// that a list of thousands of entries is not searched again for each fix of one.
    index: OnceCell<EntryIndex<'a>>,
}

struct EntryIndex<'a> {
    by_value: FxHashMap<IgnoreCase<'a>, Vec<&'a StringLit>>,
    wildcards: Vec<&'a StringLit>,
}

impl<'a> Strings<'a> {
    pub fn new(member: &'a Member, items: Vec<&'a StringLit>) -> Strings<'a> {
        Strings { member, items, index: OnceCell::new() }
    }

    fn of(member: &'a Member) -> Strings<'a> {
        let items = match &member.value {
            Some(Value::String(s)) => vec![s],
            Some(Value::Array(array)) => array.items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        Strings::new(member, items)
    }

    /// The entries that equal `value` ignoring case, and every entry with a wildcard (which
    /// may cover it), in list order: all that can name what `value` names.
    pub fn same_or_wildcard(&self, value: &str) -> Vec<&'a StringLit> {
        let index = self.index.get_or_init(|| {
            let mut index = EntryIndex { by_value: FxHashMap::default(), wildcards: Vec::new() };
            for &item in &self.items {
                index.by_value.entry(IgnoreCase(&item.value)).or_default().push(item);
                if crate::pattern::has_wildcard(&item.value) {
                    index.wildcards.push(item);
                }
            }
            index
        });
        let same = index.by_value.get(&IgnoreCase(value)).map(Vec::as_slice).unwrap_or_default();
        let mut found: Vec<&'a StringLit> = same.iter().chain(&index.wildcards).copied().collect();
        found.sort_by_key(|lit| lit.range.start);
        found.dedup_by_key(|lit| lit.range.start);
        found
    }
}

/// Whether a JSON document is meant as a policy: a top-level object with a `Statement`, or
/// with a policy `Version` (so that a misspelt `Statment` is still checked).
pub fn is_policy(root: Option<&Value>) -> bool {
    let Some(Value::Object(object)) = root else {
        return false;
    };
    object.get("Statement").is_some()
        || object
            .get("Version")
            .and_then(|m| m.value.as_ref())
            .and_then(Value::as_str)
            .is_some_and(|v| POLICY_VERSIONS.contains(&v.value.as_str()))
}

impl<'a, S> Policy<'a, S> {
    /// The `Version` string, if it is one.
    pub fn version_value(&self) -> Option<&'a str> {
        self.version.and_then(|m| m.value.as_ref()).and_then(Value::as_str).map(|s| s.value.as_str())
    }
}

impl<'a> Outline<'a> {
    /// The policy view of a parsed document, its statements not modelled; `declared` as in
    /// [`Policy::declared`].
    pub fn outline(root: Option<&'a Value>, declared: bool) -> Option<Outline<'a>> {
        Outline::outline_around(root, None, declared)
    }

    fn outline_around(root: Option<&'a Value>, around: Option<usize>, declared: bool) -> Option<Outline<'a>> {
        if !declared && !is_policy(root) {
            return None;
        }
        let root = root?.as_object()?;
        let statement = root.get("Statement");
        let statements = match statement.and_then(|m| m.value.as_ref()) {
            Some(Value::Object(object)) => vec![StatementAt { object, index: 0 }],
            Some(Value::Array(array)) => {
                // The items are in document order and do not overlap: the ones that touch
                // `offset` start at the first that does not end before it.
                let first = around.map_or(0, |offset| array.items.partition_point(|v| v.range().end < offset));
                array.items[first..]
                    .iter()
                    .enumerate()
                    .take_while(|(_, v)| around.is_none_or(|offset| v.range().start <= offset))
                    .filter_map(|(i, v)| v.as_object().map(|object| StatementAt { object, index: first + i }))
                    .collect()
            }
            _ => Vec::new(),
        };
        Some(Policy { root, version: root.get("Version"), id: root.get("Id"), statement, statements })
    }

    /// Every statement modelled.
    pub fn modelled(self) -> Policy<'a> {
        let Policy { root, version, id, statement, statements } = self;
        Policy { root, version, id, statement, statements: statements.into_iter().map(StatementAt::model).collect() }
    }
}

impl<'a> Policy<'a> {
    /// The policy view of a parsed document, if it is a policy.
    pub fn new(root: Option<&'a Value>) -> Option<Policy<'a>> {
        Policy::of_statements(root, None, false)
    }

    /// The policy view of a document declared a policy (see `Options::declared`): any
    /// top-level object.
    pub fn declared(root: Option<&'a Value>) -> Option<Policy<'a>> {
        Policy::of_statements(root, None, true)
    }

    /// [`Policy::new`] with only the statements whose object touches `offset` (each with
    /// its index in the document): what a request at a position needs, without modelling
    /// the thousands of other statements of a large document on each keystroke.
    pub fn around(root: Option<&'a Value>, offset: usize, declared: bool) -> Option<Policy<'a>> {
        Policy::of_statements(root, Some(offset), declared)
    }

    fn of_statements(root: Option<&'a Value>, around: Option<usize>, declared: bool) -> Option<Policy<'a>> {
        Some(Outline::outline_around(root, around, declared)?.modelled())
    }
}

impl<'a> Statement<'a> {
    pub(crate) fn new(object: &'a Object, index: usize) -> Statement<'a> {
        let mut statement = Statement {
            object,
            index,
            sid: None,
            effect: None,
            principal: None,
            not_principal: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            condition: None,
        };
        // One pass over the members, each key read once (a large document has thousands of
        // statements, modelled again on each keystroke); the first of a repeated key counts,
        // as `Object::get` finds it.
        let mut seen = [false; 9];
        for member in &object.members {
            let slot = match member.key.value.as_str() {
                "Sid" => 0,
                "Effect" => 1,
                "Principal" => 2,
                "NotPrincipal" => 3,
                "Action" => 4,
                "NotAction" => 5,
                "Resource" => 6,
                "NotResource" => 7,
                "Condition" => 8,
                _ => continue,
            };
            if std::mem::replace(&mut seen[slot], true) {
                continue;
            }
            let string = || member.value.as_ref().and_then(Value::as_str);
            match slot {
                0 => statement.sid = string(),
                1 => {
                    statement.effect = match string() {
                        Some(s) if s.value == "Allow" => Some(Effect::Allow),
                        Some(s) if s.value == "Deny" => Some(Effect::Deny),
                        _ => None,
                    }
                }
                2 => statement.principal = Some(member),
                3 => statement.not_principal = Some(member),
                4 => statement.action = Some(Strings::of(member)),
                5 => statement.not_action = Some(Strings::of(member)),
                6 => statement.resource = Some(Strings::of(member)),
                7 => statement.not_resource = Some(Strings::of(member)),
                _ => statement.condition = Some(member),
            }
        }
        statement
    }
}
