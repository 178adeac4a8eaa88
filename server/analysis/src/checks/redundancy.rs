//! Redundancy: duplicate statements and resources, and statements that could be one.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap as HashMap, FxHashSet, FxHasher};

use super::{array_of, remove_item, Ctx, Summary};
use crate::catalog::{AccessLevel, Catalog};
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::model::{Outline, Statement};
use crate::syntax::{Array, Member, Object, Value};
use crate::text::TextRange;

/// Resources listed twice in one statement.
pub fn check_statement(cx: &mut Ctx, statement: &Statement) {
    duplicate_resources(cx, statement);
}

/// Hashes of a statement as IAM reads it (see [`same_value`]): without its `Sid`, and
/// without its `Sid` and `Action`.
pub fn hashes(statement: &Statement) -> (u64, u64) {
    let members = member_hashes(statement);
    (hash_except(&members, &["Sid"]), hash_except(&members, &["Sid", "Action"]))
}

/// Statements found the same, by their indices (and whether compared without `Action`):
/// the last check's pairs, still the same while both statements' texts are, and this
/// check's. A large document repeats statements, and comparing each copy again on every
/// keystroke read most of the document.
#[derive(Default)]
pub struct SamePairs {
    previous: FxHashSet<(usize, usize, bool)>,
    current: FxHashSet<(usize, usize, bool)>,
}

impl SamePairs {
    /// Starts a check: this one's pairs become the last one's.
    pub fn begin(&mut self) {
        self.previous = std::mem::take(&mut self.current);
    }
}

/// Duplicate and overlapping statements. `same_text[p]`: whether the statement at position
/// `p` has the text it had at its index in the last check whose pairs `pairs` holds.
pub fn check(cx: &mut Ctx, policy: &Outline, summaries: &[Summary], same_text: &[bool], pairs: &mut SamePairs) {
    if policy.statements.len() < 2 {
        return;
    }
    let statement_array = array_of(policy.statement.and_then(|m| m.value.as_ref()));
    // Statements are bucketed by a hash of their content; two in one bucket are compared in
    // full, so that a collision never makes a finding.
    let statements = &policy.statements;
    let mut by_content: HashMap<u64, Vec<usize>> = HashMap::default();
    let mut by_scope: HashMap<u64, Vec<usize>> = HashMap::default();
    let mut equal_except = |a: usize, b: usize, skip: &[&str]| {
        let pair = (statements[a].index, statements[b].index, skip.len() > 1);
        let known = same_text[a] && same_text[b] && pairs.previous.contains(&pair);
        let same = known || same_members(statements[a].object, statements[b].object, skip);
        if same {
            pairs.current.insert(pair);
        }
        same
    };
    for (position, (statement, summary)) in statements.iter().zip(summaries).enumerate() {
        let brace = || TextRange::new(statement.object.range.start, statement.object.range.start + 1);
        let same = |other: &&usize| equal_except(position, **other, &["Sid"]);
        if let Some(first) = by_content.get(&summary.content).and_then(|bucket| bucket.iter().find(same)) {
            let first = &statements[*first];
            let mut d = Diagnostic::new(
                Code::StatementDuplicate,
                brace(),
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
        by_content.entry(summary.content).or_default().push(position);
        if !summary.has_action {
            continue;
        }
        // Statements of one access level each, a different one, are a policy split by access
        // level (the split refactor's result): kept apart so that each is scoped on its own.
        let split = |other: usize| {
            let (a, b) = (summary.access_level, summaries[other].access_level);
            a.is_some() && b.is_some() && a != b
        };
        let same = |other: &&usize| !split(**other) && equal_except(position, **other, &["Sid", "Action"]);
        if let Some(first) = by_scope.get(&summary.scope).and_then(|bucket| bucket.iter().find(same)) {
            let first = &statements[*first];
            cx.push(Diagnostic::new(
                Code::StatementOverlap,
                brace(),
                format!("statement {} has the same effect, resources, principals and conditions: its `Action` list and this one could be one statement", first.index + 1),
            ));
        } else {
            by_scope.entry(summary.scope).or_default().push(position);
        }
    }
}

/// The access level all of a statement's actions share, when each is a known action
/// without a wildcard.
pub fn access_level(catalog: &Catalog, statement: &Statement) -> Option<AccessLevel> {
    let mut levels =
        statement.action.as_ref()?.items.iter().map(|a| catalog.action(&a.value).map(|(_, a)| a.access_level));
    let first = levels.next()??;
    levels.all(|level| level == Some(first)).then_some(first)
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

/// A hash of a value as IAM reads it: values that [`same_value`] calls equal hash equal.
fn hash_value(value: &Value) -> u64 {
    let mut hasher = FxHasher::default();
    match value {
        Value::String(s) => (0u8, &s.value).hash(&mut hasher),
        Value::Array(a) => {
            // A set: entries in any order, each counted once.
            let mut items: Vec<u64> = a.items.iter().map(hash_value).collect();
            items.sort_unstable();
            items.dedup();
            if let [one] = items.as_slice() {
                return *one;
            }
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
        // Never equal to another (see `same_value`): the hash is the statement text's alone.
        Value::Number(_) => 3u8.hash(&mut hasher),
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

/// Whether two statements have the same members but `skip`, as IAM reads them: members and
/// list entries in any order, an entry listed twice the same as once, a lone string the
/// same as a one-entry list.
fn same_members(a: &Object, b: &Object, skip: &[&str]) -> bool {
    let kept = |m: &&Member| !skip.contains(&m.key.value.as_str());
    // Copies, the usual duplicates, have their members and entries in the same order.
    if in_same_order(a.members.iter().filter(kept), b.members.iter().filter(kept)) {
        return true;
    }
    same_member_lists(
        &by_hash(a.members.iter().filter(kept), member_hash),
        &by_hash(b.members.iter().filter(kept), member_hash),
    )
}

/// Whether two lists of members are the same in the same order: enough for them to be the
/// same as IAM reads them, and told without hashing or sorting.
fn in_same_order<'m>(a: impl Iterator<Item = &'m Member>, mut b: impl Iterator<Item = &'m Member>) -> bool {
    for x in a {
        let Some(y) = b.next() else { return false };
        let same = x.key.value == y.key.value
            && match (&x.value, &y.value) {
                (Some(x), Some(y)) => same_value_in_order(x, y),
                (None, None) => true,
                _ => false,
            };
        if !same {
            return false;
        }
    }
    b.next().is_none()
}

/// [`same_value`] for values whose entries are in the same order; `false` says only that
/// they are not (numbers included: they differ by place).
fn same_value_in_order(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value == y.value,
        (Value::Array(x), Value::Array(y)) => {
            x.items.len() == y.items.len() && x.items.iter().zip(&y.items).all(|(x, y)| same_value_in_order(x, y))
        }
        (Value::Object(x), Value::Object(y)) => in_same_order(x.members.iter(), y.members.iter()),
        (Value::Bool(x, _), Value::Bool(y, _)) => x == y,
        (Value::Null(_), Value::Null(_)) => true,
        _ => false,
    }
}

/// Items with their hashes, sorted by hash.
fn by_hash<'v, T>(items: impl Iterator<Item = &'v T>, hash: fn(&T) -> u64) -> Vec<(u64, &'v T)>
where
    T: 'v,
{
    let mut items: Vec<(u64, &T)> = items.map(|item| (hash(item), item)).collect();
    items.sort_unstable_by_key(|(hash, _)| *hash);
    items
}

/// A list of one entry (perhaps listed more than once) is that entry.
fn single(value: &Value) -> Option<&Value> {
    match value {
        Value::Array(array) => {
            let (first, rest) = array.items.split_first()?;
            rest.iter().all(|v| same_value(first, v)).then_some(first)
        }
        _ => None,
    }
}

/// A list's entries as IAM reads them, a set: sorted by hash, each once. (Should two
/// different ones collide between two equal ones, one of those stays twice: the lists then
/// differ, a duplicate missed, never invented.)
fn entries(array: &Array) -> Vec<(u64, &Value)> {
    let mut items = by_hash(array.items.iter(), hash_value);
    items.dedup_by(|a, b| a.0 == b.0 && same_value(a.1, b.1));
    items
}

fn member_hash(m: &Member) -> u64 {
    let mut hasher = FxHasher::default();
    (&m.key.value, m.value.as_ref().map_or(0, hash_value)).hash(&mut hasher);
    hasher.finish()
}

/// Lists sorted by hash, compared pairwise. (Equal values hash equal; should two different
/// ones collide, the order may pair them wrongly: a duplicate is then missed, never invented.)
fn same_member_lists(a: &[(u64, &Member)], b: &[(u64, &Member)]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|((ha, ma), (hb, mb))| {
            ha == hb
                && ma.key.value == mb.key.value
                && match (&ma.value, &mb.value) {
                    (Some(x), Some(y)) => same_value(x, y),
                    (None, None) => true,
                    _ => false,
                }
        })
}

fn same_value(a: &Value, b: &Value) -> bool {
    if let Some(a) = single(a) {
        return same_value(a, b);
    }
    if let Some(b) = single(b) {
        return same_value(a, b);
    }
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value == y.value,
        (Value::Array(x), Value::Array(y)) => {
            let (x, y) = (entries(x), entries(y));
            x.len() == y.len() && x.iter().zip(&y).all(|((hx, vx), (hy, vy))| hx == hy && same_value(vx, vy))
        }
        (Value::Object(x), Value::Object(y)) => {
            same_member_lists(&by_hash(x.members.iter(), member_hash), &by_hash(y.members.iter(), member_hash))
        }
        // Numbers compare by their place: two statements never share one.
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::Bool(x, _), Value::Bool(y, _)) => x == y,
        (Value::Null(_), Value::Null(_)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Code;

    fn duplicates(statements: &str) -> usize {
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
        crate::analyze(&text).diagnostics.iter().filter(|d| d.code == Code::StatementDuplicate).count()
    }

    #[test]
    fn statements_are_compared_as_iam_reads_them() {
        // Keys and list entries in another order, a lone string for a one-entry list.
        let a = r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": ["111122223333"], "aws:SourceVpc": "vpc-1"}}}"#;
        let b = r#"{"Condition": {"StringEquals": {"aws:SourceVpc": ["vpc-1"], "aws:SourceAccount": "111122223333"}},
                    "Resource": ["arn:aws:s3:::b/*"], "Action": ["s3:PutObject", "s3:GetObject"], "Effect": "Allow"}"#;
        assert_eq!(duplicates(&format!("{a}, {b}")), 1);
        // One condition value differs: not a duplicate.
        let c = b.replace("vpc-1", "vpc-2");
        assert_eq!(duplicates(&format!("{a}, {c}")), 0);
        // An entry listed twice is listed once (and still not a list of two).
        let twice = a.replace(r#""arn:aws:s3:::b/*""#, r#"["arn:aws:s3:::b/*", "arn:aws:s3:::b/*"]"#);
        assert_eq!(duplicates(&format!("{a}, {twice}")), 1);
        // A list of two is not one of its entries.
        let d = a.replace(r#""arn:aws:s3:::b/*""#, r#"["arn:aws:s3:::b/*", "arn:aws:s3:::c/*"]"#);
        assert_eq!(duplicates(&format!("{a}, {d}")), 0);
    }
}
