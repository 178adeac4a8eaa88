//! `Condition`: operators, keys, values and policy variables.

use rustc_hash::FxHashMap as HashMap;

use super::{nearest, Ctx};
use crate::catalog::{key_matches, ConditionKey};
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::model::{Effect, Statement};
use crate::pattern;
use crate::syntax::{Member, StringLit, Value};
use crate::text::{split_colon, IgnoreCase, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

const OPERATORS: [(&str, Family); 27] = [
    ("StringEquals", Family::String),
    ("StringNotEquals", Family::String),
    ("StringEqualsIgnoreCase", Family::String),
    ("StringNotEqualsIgnoreCase", Family::String),
    ("StringLike", Family::String),
    ("StringNotLike", Family::String),
    ("NumericEquals", Family::Numeric),
    ("NumericNotEquals", Family::Numeric),
    ("NumericLessThan", Family::Numeric),
    ("NumericLessThanEquals", Family::Numeric),
    ("NumericGreaterThan", Family::Numeric),
    ("NumericGreaterThanEquals", Family::Numeric),
    ("DateEquals", Family::Date),
    ("DateNotEquals", Family::Date),
    ("DateLessThan", Family::Date),
    ("DateLessThanEquals", Family::Date),
    ("DateGreaterThan", Family::Date),
    ("DateGreaterThanEquals", Family::Date),
    ("Bool", Family::Bool),
    ("BinaryEquals", Family::Binary),
    ("IpAddress", Family::Ip),
    ("NotIpAddress", Family::Ip),
    ("ArnEquals", Family::Arn),
    ("ArnLike", Family::Arn),
    ("ArnNotEquals", Family::Arn),
    ("ArnNotLike", Family::Arn),
    ("Null", Family::Null),
];

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum SetOperator {
    ForAllValues,
    ForAnyValue,
}

pub(super) struct Operator<'a> {
    pub(super) set: Option<SetOperator>,
    pub(super) base: &'a str,
    pub(super) family: Family,
    pub(super) if_exists: bool,
}

fn parse_operator(name: &str) -> Result<Operator<'_>, ()> {
    let (set, rest) = if let Some(rest) = name.strip_prefix("ForAllValues:") {
        (Some(SetOperator::ForAllValues), rest)
    } else if let Some(rest) = name.strip_prefix("ForAnyValue:") {
        (Some(SetOperator::ForAnyValue), rest)
    } else {
        (None, name)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    let family = OPERATORS.iter().find(|(op, _)| *op == base).map(|(_, f)| *f).ok_or(())?;
    Ok(Operator { set, base, family, if_exists })
}

pub fn check(cx: &mut Ctx, statement: &Statement) {
    variables(cx, statement);
    let Some(Value::Object(condition)) = statement.condition.and_then(|m| m.value.as_ref()) else { return };
    for block in &condition.members {
        let name = block.key.value.as_str();
        let Ok(operator) = parse_operator(name) else {
            unknown_operator(cx, statement, block);
            continue;
        };
        if operator.family == Family::Null && operator.if_exists {
            cx.push(
                Diagnostic::new(
                    Code::ConditionOperator,
                    block.key.range,
                    "`NullIfExists` is not an operator: `Null` already tests whether the key exists; use `Null`",
                )
                .with_fixes(rename_block(statement, block, "Null")),
            );
        }
        let Some(Value::Object(keys)) = &block.value else { continue };
        let mut seen: HashMap<IgnoreCase, &str> = HashMap::default();
        for entry in &keys.members {
            let key_name = entry.key.value.as_str();
            if let Some(first) = seen.get(&IgnoreCase(key_name)) {
                if *first != key_name {
                    cx.push(Diagnostic::new(
                        Code::ConditionKeyCase,
                        entry.key.range,
                        format!("`{key_name}` and `{first}` are the same key (keys ignore case): merge their values into one"),
                    ));
                }
            } else {
                seen.insert(IgnoreCase(key_name), key_name);
            }
            check_key(cx, statement, block, &operator, entry);
            super::condition_logic::check_entry(cx, statement, block, &operator, entry);
        }
    }
}

/// The fix that renames an operator block to `name`; none where another block of the
/// `Condition` already has that name (the object would have one key twice, and IAM would
/// read only one of the two blocks).
pub(super) fn rename_block(statement: &Statement, block: &Member, name: &str) -> Option<Fix> {
    let Some(Value::Object(condition)) = statement.condition.and_then(|m| m.value.as_ref()) else { return None };
    if condition.members.iter().any(|m| !std::ptr::eq(m, block) && m.key.value == name) {
        return None;
    }
    Some(Fix::replace(format!("Change to \"{name}\""), block.key.range, format!("\"{name}\"")).preferred(true))
}

/// The keys of an operator block.
pub(super) fn block_entries(block: &Member) -> &[Member] {
    match &block.value {
        Some(Value::Object(keys)) => &keys.members,
        _ => &[],
    }
}

fn unknown_operator(cx: &mut Ctx, statement: &Statement, block: &Member) {
    let name = block.key.value.as_str();
    // Suggest on the operator itself, keeping a set prefix and IfExists suffix.
    let (prefix, rest) = match split_colon(name) {
        Some((p, r)) if p.eq_ignore_ascii_case("ForAllValues") || p.eq_ignore_ascii_case("ForAnyValue") => {
            (if p.eq_ignore_ascii_case("ForAllValues") { "ForAllValues:" } else { "ForAnyValue:" }, r)
        }
        _ => ("", name),
    };
    let (core, suffix) = match rest.strip_suffix("IfExists") {
        Some(core) => (core, "IfExists"),
        None => (rest, ""),
    };
    let close = nearest(core, OPERATORS.iter().map(|(op, _)| *op), 1);
    let mut message = format!("`{name}` is not a condition operator");
    let d;
    if let Some(&op) = close.first() {
        let fixed = format!("{prefix}{op}{suffix}");
        message.push_str(&format!("; did you mean `{fixed}`? (operators are case-sensitive)"));
        d = Diagnostic::new(Code::ConditionOperator, block.key.range, message)
            .with_fixes(rename_block(statement, block, &fixed));
    } else {
        message.push_str(": operators are String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, NotIpAddress, Arn* and Null, optionally with `IfExists` and a `ForAllValues:`/`ForAnyValue:` prefix");
        d = Diagnostic::new(Code::ConditionOperator, block.key.range, message);
    }
    cx.push(d);
}

fn check_key(cx: &mut Ctx, statement: &Statement, block: &Member, operator: &Operator, entry: &Member) {
    let name = entry.key.value.as_str();
    let range = entry.key.range;
    let Some((prefix, _)) = split_colon(name) else {
        cx.push(Diagnostic::new(
            Code::ConditionKeyUnknown,
            range,
            format!(
                "`{name}` is not a condition key: keys are `service:Name`, such as `aws:SourceAccount` or `s3:prefix`"
            ),
        ));
        return;
    };
    let catalog = cx.catalog;
    let key = catalog.condition_key(name);
    let Some(key) = key else {
        // Keys of identity providers (`saml:aud`, `accounts.google.com:sub`) are not in the
        // catalog; only `aws:` and catalog services are checked.
        let service = catalog.service(prefix);
        if catalog.is_undocumented_key(name) {
            cx.push(Diagnostic::new(
                Code::ConditionKeyUndocumented,
                range,
                format!("`{name}` is not in the Service Authorization Reference, though AWS managed policies use it: check that it is set for these actions"),
            ));
        } else if prefix.eq_ignore_ascii_case("aws") || service.is_some() {
            let candidates: Vec<&str> = if prefix.eq_ignore_ascii_case("aws") {
                catalog.global_condition_keys.iter().map(|k| k.key).collect()
            } else {
                service.map(|s| s.condition_keys.iter().map(|k| k.key).collect()).unwrap_or_default()
            };
            let close = nearest(name, candidates.into_iter(), 1);
            let what = if prefix.eq_ignore_ascii_case("aws") {
                "a global condition key".to_string()
            } else {
                format!("a condition key of `{prefix}`")
            };
            let mut d = Diagnostic::new(
                Code::ConditionKeyUnknown,
                range,
                format!(
                    "`{name}` is not {what}{}",
                    close.first().map(|c| format!("; did you mean `{c}`?")).unwrap_or_default()
                ),
            );
            if let Some(&c) = close.first().filter(|c| !pattern::has_variable(c) && !c.ends_with("/tag-key")) {
                d = d.with_fix(Fix::replace(format!("Change to \"{c}\""), range, format!("\"{c}\"")).preferred(true));
            }
            cx.push(d);
        }
        return;
    };

    if !catalog.is_global_key(key) {
        applies_to_actions(cx, statement, name, prefix, range);
    }
    types(cx, statement, block, operator, key, entry);
    set_operator(cx, statement, block, operator, key, entry);
}

/// A service key filters only the actions (and resource types) that list it.
fn applies_to_actions(cx: &mut Ctx, statement: &Statement, name: &str, prefix: &str, range: TextRange) {
    let Some(matched) = cx.matched(statement) else { return };
    let actions = matched.all();
    if actions.is_empty() || statement.action.as_ref().is_some_and(|a| a.items.iter().any(|i| i.value == "*")) {
        return;
    }
    let supported = actions.iter().any(|(service, action)| {
        action.condition_keys.iter().any(|k| key_matches(k, name))
            || action.resource_types.iter().any(|t| {
                service.resource_type(t).is_some_and(|r| r.condition_keys.iter().any(|k| key_matches(k, name)))
            })
    });
    if supported {
        return;
    }
    let same_service = actions.iter().any(|(s, _)| s.prefix.eq_ignore_ascii_case(prefix));
    let message = if same_service {
        format!("none of this statement's actions supports `{name}`, so the condition never matches for them (with a negated operator or `IfExists`, it always does): check the key against the actions' condition keys")
    } else {
        format!("`{name}` is a `{prefix}` key and this statement has no `{prefix}` action: the condition never matches as written")
    };
    cx.push(Diagnostic::new(Code::ConditionKeyNotApplicable, range, message));
}

fn key_family(key: &ConditionKey) -> Option<Family> {
    let base = key.key_type.strip_prefix("ArrayOf").unwrap_or(key.key_type);
    Some(match base {
        "String" => Family::String,
        "ARN" => Family::Arn,
        "Numeric" => Family::Numeric,
        "Date" => Family::Date,
        "Bool" => Family::Bool,
        "IPAddress" => Family::Ip,
        "Binary" => Family::Binary,
        _ => return None,
    })
}

fn types(cx: &mut Ctx, statement: &Statement, block: &Member, operator: &Operator, key: &ConditionKey, entry: &Member) {
    let family = operator.family;
    if family != Family::Null {
        if let Some(key_family) = key_family(key) {
            // ARN operators on a String key holding ARNs (an encryption context naming a
            // function) compare as intended.
            let arn_values = family == Family::Arn && key_family == Family::String && all_values_are_arns(entry);
            if family != key_family && !arn_values {
                let code = if key_family == Family::Arn && family == Family::String {
                    Code::ConditionArnOperator
                } else {
                    Code::ConditionTypeMismatch
                };
                let mut d = Diagnostic::new(
                    code,
                    block.key.range,
                    format!(
                        "`{}` is {} {} key, and `{}` compares {}: {}",
                        key.key,
                        if key.key_type.starts_with(['A', 'I']) { "an" } else { "a" },
                        key.key_type,
                        operator.base,
                        family_noun(family),
                        suggestion(key_family)
                    ),
                );
                // The operator is the whole block's: changing it must suit every key there.
                let all_take_arns = || block_entries(block).iter().all(|e| takes_arn_operator(cx, e));
                if key_family == Family::Arn && family == Family::String && all_take_arns() {
                    if let Some(arn_op) = string_to_arn(operator.base) {
                        let fixed = block.key.value.replacen(operator.base, arn_op, 1);
                        d = d.with_fixes(rename_block(statement, block, &fixed));
                    }
                }
                cx.push(d);
            }
        }
    }
    // Values.
    let values: Vec<&Value> = match &entry.value {
        Some(Value::Array(a)) => a.items.iter().collect(),
        Some(v) => vec![v],
        None => Vec::new(),
    };
    for value in values {
        let text = match value {
            Value::String(s) => s.value.clone(),
            Value::Bool(b, _) => b.to_string(),
            Value::Number(r) => cx.text[r.start..r.end].to_string(),
            _ => continue,
        };
        if pattern::has_variable(&text) {
            continue;
        }
        let problem = match family {
            Family::Bool | Family::Null => (text != "true" && text != "false").then(|| "`true` or `false`".to_string()),
            Family::Numeric => text.parse::<f64>().is_err().then(|| "a number".to_string()),
            Family::Date if !is_date(&text) => {
                Some("a date such as `2026-01-31T00:00:00Z` (ISO 8601) or epoch seconds".to_string())
            }
            Family::Date => impossible_date(&text).map(|why| format!("a date that exists ({why})")),
            Family::Ip => {
                (!is_ip_range(&text)).then(|| "an IP address or CIDR range such as `203.0.113.0/24`".to_string())
            }
            Family::Arn => (!(text.starts_with("arn:") || text == "*")).then(|| "an ARN (`arn:...`)".to_string()),
            Family::String | Family::Binary => None,
        };
        if let Some(expected) = problem {
            cx.push(Diagnostic::new(
                Code::ConditionValueInvalid,
                value.range(),
                format!("`{}` takes {expected}, not `{text}`", operator.base),
            ));
        }
    }
}

/// Whether an ARN operator takes this key and its values without a finding: a key the
/// catalog does not type, an ARN key, or a String key holding ARNs (see `types`), with values
/// that are ARNs, `*` or policy variables.
fn takes_arn_operator(cx: &Ctx, entry: &Member) -> bool {
    let Some(key) = cx.catalog.condition_key(&entry.key.value) else { return true };
    let arn_values = || {
        let values: Vec<&Value> = match &entry.value {
            Some(Value::Array(a)) => a.items.iter().collect(),
            Some(v) => vec![v],
            None => Vec::new(),
        };
        values.iter().all(|v| {
            v.as_str().is_some_and(|s| s.value.starts_with("arn:") || s.value == "*" || pattern::has_variable(&s.value))
        })
    };
    match key_family(key) {
        Some(Family::Arn) | None => arn_values(),
        Some(Family::String) => all_values_are_arns(entry),
        Some(_) => false,
    }
}

fn all_values_are_arns(entry: &Member) -> bool {
    match &entry.value {
        Some(Value::String(s)) => s.value.starts_with("arn:"),
        Some(Value::Array(a)) => a.items.iter().all(|v| v.as_str().is_some_and(|s| s.value.starts_with("arn:"))),
        _ => false,
    }
}

fn family_noun(family: Family) -> &'static str {
    match family {
        Family::String => "strings",
        Family::Numeric => "numbers",
        Family::Date => "dates",
        Family::Bool => "booleans",
        Family::Binary => "binary values",
        Family::Ip => "IP addresses",
        Family::Arn => "ARNs",
        Family::Null => "presence",
    }
}

fn suggestion(key_family: Family) -> &'static str {
    match key_family {
        Family::String => "use a String operator (`StringEquals`, `StringLike`, ...)",
        Family::Numeric => "use a Numeric operator (`NumericEquals`, `NumericLessThan`, ...)",
        Family::Date => "use a Date operator (`DateGreaterThan`, ...)",
        Family::Bool => "use `Bool`",
        Family::Binary => "use `BinaryEquals`",
        Family::Ip => "use `IpAddress` or `NotIpAddress`",
        Family::Arn => "use an ARN operator (`ArnEquals`, `ArnLike`), which compares ARNs part by part",
        Family::Null => "use `Null`",
    }
}

fn string_to_arn(op: &str) -> Option<&'static str> {
    Some(match op {
        "StringEquals" => "ArnEquals",
        "StringLike" => "ArnLike",
        "StringNotEquals" => "ArnNotEquals",
        "StringNotLike" => "ArnNotLike",
        _ => return None,
    })
}

fn set_operator(
    cx: &mut Ctx,
    statement: &Statement,
    block: &Member,
    operator: &Operator,
    key: &ConditionKey,
    entry: &Member,
) {
    let multi = |key: &ConditionKey| key.key_type.starts_with("ArrayOf");
    match operator.set {
        Some(set) if !multi(key) => {
            // Dropping the set operator changes how every key of the block compares: only
            // where none of them is multi-valued.
            let single_valued =
                block_entries(block).iter().all(|e| cx.catalog.condition_key(&e.key.value).is_none_or(|k| !multi(k)));
            let name = if set == SetOperator::ForAllValues { "ForAllValues" } else { "ForAnyValue" };
            let fixed = split_colon(&block.key.value).map_or(block.key.value.clone(), |(_, r)| r.to_string());
            cx.push(
                Diagnostic::new(
                    Code::ConditionSetOperator,
                    block.key.range,
                    format!(
                        "`{}` has a single value, and `{name}` is for multi-valued keys{}: use `{fixed}`",
                        key.key,
                        if set == SetOperator::ForAllValues {
                            " (with a single-valued key it also matches when the key is absent)"
                        } else {
                            ""
                        }
                    ),
                )
                .with_fixes(single_valued.then(|| rename_block(statement, block, &fixed)).flatten()),
            );
        }
        Some(SetOperator::ForAllValues)
            if statement.effect == Some(Effect::Allow)
                && !has_null_check(statement, &entry.key.value)
                && !always_sent(cx, statement, &entry.key.value)
                && !presence_implied(statement, &entry.key.value) =>
        {
            cx.push(Diagnostic::new(
                Code::ConditionSetOperator,
                block.key.range,
                format!(
                    "`ForAllValues` matches when the request has no `{}` at all, so this Allow also applies to requests without it: add `\"Null\": {{\"{}\": \"false\"}}`",
                    entry.key.value, entry.key.value
                ),
            ));
        }
        // "Multivalued context keys require a condition set operator":
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
        None if multi(key) && operator.base != "Null" => {
            let base = &block.key.value;
            let any = format!("ForAnyValue:{base}");
            // ForAnyValue in a Deny is told to check for the key's absence too: offered only
            // where that is done already, so that the fix leaves no new finding.
            let clean = statement.effect == Some(Effect::Allow) || absence_handled(cx, statement, operator, entry);
            let all_multi =
                block_entries(block).iter().all(|e| cx.catalog.condition_key(&e.key.value).is_some_and(multi));
            cx.push(
                Diagnostic::new(
                    Code::ConditionSetOperator,
                    block.key.range,
                    format!(
                        "`{}` is multi-valued (a request can carry several values), and multi-valued keys need a set operator: `{any}` if any value may match, `ForAllValues:{base}` if every value must",
                        key.key
                    ),
                )
                .with_fixes((clean && all_multi).then(|| rename_block(statement, block, &any)).flatten()),
            );
        }
        // "ForAnyValue ... returns false if there are no context keys in the request":
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
        Some(SetOperator::ForAnyValue)
            if statement.effect == Some(Effect::Deny) && !absence_handled(cx, statement, operator, entry) =>
        {
            cx.push(Diagnostic::new(
                Code::ConditionSetOperator,
                block.key.range,
                format!(
                    "`ForAnyValue` does not match when the request has no `{}` at all, so requests without it escape this Deny: deny those too with a statement that has `\"Null\": {{\"{}\": \"true\"}}`",
                    entry.key.value, entry.key.value
                ),
            ));
        }
        _ => {}
    }
}

/// Whether a Deny's `ForAnyValue` on `entry`'s key also catches requests without the key:
/// `...IfExists`, a `Null` check on it, or actions that always send it.
fn absence_handled(cx: &Ctx, statement: &Statement, operator: &Operator, entry: &Member) -> bool {
    operator.if_exists || has_null_check(statement, &entry.key.value) || always_sent(cx, statement, &entry.key.value)
}

/// Whether every action of the statement always sends the key (a tagging API its tags):
/// then `ForAllValues` cannot match an absent key.
fn always_sent(cx: &Ctx, statement: &Statement, key: &str) -> bool {
    let Some(matched) = cx.matched(statement) else { return false };
    let actions = matched.all();
    let known = crate::knowledge::AlwaysSentKeys::get();
    !actions.is_empty() && actions.iter().all(|(service, action)| known.sent(key, service.prefix, action.name))
}

/// Whether another condition of the statement holds only when the request carries `key`:
/// a condition on one of the tags whose keys it lists (`aws:RequestTag/K` for `aws:TagKeys`)
/// that fails when that tag is absent (a positive operator without `IfExists`, or
/// `"Null": "false"`), or a `ForAnyValue` positive operator on `key` itself, which does not
/// match an absent key. "If the key that you specify in a policy condition is not present in
/// the request context, the values do not match and the condition is false":
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
fn presence_implied(statement: &Statement, key: &str) -> bool {
    const TAGS_OF: [(&str, &str); 2] =
        [("aws:TagKeys", "aws:RequestTag/"), ("s3:RequestObjectTagKeys", "s3:RequestObjectTag/")];
    let tag_prefix = TAGS_OF.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, p)| *p);
    let Some(Value::Object(condition)) = statement.condition.and_then(|m| m.value.as_ref()) else { return false };
    condition.members.iter().any(|block| {
        let Ok(operator) = parse_operator(&block.key.value) else { return false };
        let negated = operator.base.contains("Not");
        block_entries(block).iter().any(|e| {
            let name = e.key.value.as_str();
            let is_tag = tag_prefix.is_some_and(|p| name.len() > p.len() && name[..p.len()].eq_ignore_ascii_case(p));
            if operator.base == "Null" {
                return is_tag
                    && match &e.value {
                        Some(Value::String(s)) => s.value == "false",
                        Some(Value::Bool(b, _)) => !*b,
                        _ => false,
                    };
            }
            if operator.if_exists || negated {
                return false;
            }
            match operator.set {
                None => is_tag,
                Some(SetOperator::ForAnyValue) => is_tag || name.eq_ignore_ascii_case(key),
                Some(SetOperator::ForAllValues) => false,
            }
        })
    })
}

fn has_null_check(statement: &Statement, key: &str) -> bool {
    let Some(Value::Object(condition)) = statement.condition.and_then(|m| m.value.as_ref()) else { return false };
    condition
        .members
        .iter()
        .filter(|b| b.key.value == "Null")
        .any(|b| matches!(&b.value, Some(Value::Object(o)) if o.members.iter().any(|m| m.key.value.eq_ignore_ascii_case(key))))
}

/// Policy variables: substituted only in `Resource`/`NotResource` and condition values,
/// and only with `Version` 2012-10-17.
fn variables(cx: &mut Ctx, statement: &Statement) {
    for member in &statement.object.members {
        let allowed = matches!(member.key.value.as_str(), "Resource" | "NotResource" | "Condition");
        let Some(value) = &member.value else { continue };
        let mut strings = Vec::new();
        collect_strings(value, &mut strings);
        for lit in strings {
            let Some(start) = lit.value.find("${") else { continue };
            let range = lit.sub_range(start, lit.value.len());
            if !allowed {
                cx.push(Diagnostic::new(
                    Code::PolicyVariable,
                    range,
                    format!("policy variables work only in `Resource`, `NotResource` and condition values; in `{}` this is plain text", member.key.value),
                ));
            } else if !cx.variables {
                cx.push(Diagnostic::new(
                    Code::PolicyVariable,
                    range,
                    "policy variables need `\"Version\": \"2012-10-17\"`; without it this is plain text",
                ));
            } else {
                check_variable_syntax(cx, lit);
            }
        }
    }
}

/// The strings of a value; in objects (a condition) only values count, not operator or
/// key names.
fn collect_strings<'v>(value: &'v Value, out: &mut Vec<&'v StringLit>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(o) => o.members.iter().filter_map(|m| m.value.as_ref()).for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

fn check_variable_syntax(cx: &mut Ctx, lit: &StringLit) {
    let value = lit.value.as_str();
    let mut at = 0;
    while let Some(found) = value[at..].find("${") {
        let start = at + found;
        let Some(len) = value[start..].find('}') else {
            cx.push(Diagnostic::new(
                Code::PolicyVariable,
                lit.sub_range(start, value.len()),
                "this policy variable has no closing `}`",
            ));
            return;
        };
        let end = start + len + 1;
        let inner = &value[start + 2..end - 1];
        // `${aws:username, 'default'}` has a default value after a comma.
        let name = inner.split(',').next().unwrap_or(inner);
        let range = lit.sub_range(start, end);
        if name.contains(' ') {
            cx.push(Diagnostic::new(Code::PolicyVariable, range, "a policy variable's name has no spaces"));
        } else if name.starts_with("AWS::") {
            // A CloudFormation pseudo parameter, reported as a placeholder in ARNs.
        } else if !matches!(name, "*" | "?" | "$") {
            if let Some((prefix, _)) = split_colon(name) {
                if prefix.eq_ignore_ascii_case("aws") && cx.catalog.condition_key(name).is_none() {
                    let close = nearest(name, cx.catalog.global_condition_keys.iter().map(|k| k.key), 1);
                    cx.push(Diagnostic::new(
                        Code::PolicyVariable,
                        range,
                        format!(
                            "`{name}` is not a global condition key, so IAM cannot substitute it{}",
                            close.first().map(|c| format!("; did you mean `${{{c}}}`?")).unwrap_or_default()
                        ),
                    ));
                }
            } else {
                cx.push(Diagnostic::new(
                    Code::PolicyVariable,
                    range,
                    format!("`${{{name}}}` is not a policy variable: variables are condition keys such as `${{aws:username}}`"),
                ));
            }
        }
        at = end;
    }
}

/// Why a date of the right shape does not exist (month 13, 29 February of a non-leap year,
/// hour 25), if it does not.
fn impossible_date(text: &str) -> Option<String> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return None; // epoch seconds
    }
    let number = |r: std::ops::Range<usize>| text.get(r)?.parse::<u32>().ok();
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if !(1..=12).contains(&month) {
        return Some(format!("there is no month {month}"));
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1];
    if day == 0 || day > days {
        return Some(if month == 2 && day == 29 {
            format!("{year} is not a leap year: February has 28 days")
        } else {
            format!("month {month} has {days} days, not {day}")
        });
    }
    if text.len() > 10 {
        let (hour, minute) = (number(11..13)?, number(14..16)?);
        if hour > 23 {
            return Some(format!("there is no hour {hour}: hours run from 00 to 23"));
        }
        if minute > 59 {
            return Some(format!("there is no minute {minute}: minutes run from 00 to 59"));
        }
        if text.as_bytes().get(16) == Some(&b':') {
            if let Some(second) = number(17..19).filter(|&s| s > 59) {
                return Some(format!("there is no second {second}: seconds run from 00 to 59"));
            }
        }
        // The offset from UTC (`+05:30`, `-0800`), hours and minutes as in a time of day.
        if let Some(sign) = text[16..].find(['+', '-']).map(|at| at + 16) {
            let offset = &text[sign + 1..];
            let (hours, minutes) = offset.split_once(':').unwrap_or((offset.get(..2)?, offset.get(2..)?));
            let (hours, minutes) =
                (hours.parse::<u32>().ok()?, if minutes.is_empty() { 0 } else { minutes.parse::<u32>().ok()? });
            if hours > 23 || minutes > 59 {
                return Some(format!(
                    "there is no offset from UTC of {}{offset}: its hours run from 00 to 23, its minutes from 00 to 59",
                    &text[sign..=sign]
                ));
            }
        }
    }
    None
}

fn is_date(text: &str) -> bool {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return true; // epoch seconds
    }
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if !(digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-') && digits(8..10)) {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    if b.get(10) != Some(&b'T') || !(digits(11..13) && b.get(13) == Some(&b':') && digits(14..16)) {
        return false;
    }
    let rest = &text[16..];
    let rest = rest.strip_prefix(':').map_or(rest, |r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
    let rest = rest.strip_prefix('.').map_or(rest, |r| r.trim_start_matches(|c: char| c.is_ascii_digit()));
    rest.is_empty()
        || rest == "Z"
        || ((rest.starts_with('+') || rest.starts_with('-'))
            && rest[1..].bytes().all(|c| c.is_ascii_digit() || c == b':')
            && rest.len() >= 3)
}

fn is_ip_range(text: &str) -> bool {
    let (address, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let max = match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => 32,
        Ok(std::net::IpAddr::V6(_)) => 128,
        Err(_) => return false,
    };
    prefix.is_none_or(|p| p.parse::<u32>().is_ok_and(|n| n <= max))
}
