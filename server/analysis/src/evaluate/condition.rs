//! The `Condition` element: every operator, `...IfExists`, `Null`, and the set operators
//! `ForAllValues`/`ForAnyValue`.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html>

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;

use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

use super::matching::expand;
use super::policy::Condition;
use super::request::{lookup, ContextValue};
use crate::pattern::{self, Tok};

/// Why a condition did not hold: enough to say "`aws:RequestedRegion` is `us-west-2`, not
/// in [`us-east-1`]".
/// The operator, key and values are the policy's own (borrowed: a wildcard question fails
/// the same condition for thousands of requests), and the sentence is written only when it
/// is shown or serialized ([`ConditionFailure::reason`], `Display`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionFailure<'p> {
    pub operator: &'p str,
    pub key: &'p str,
    /// The policy's values.
    pub values: &'p [String],
    /// The request's values; `None` when the request has no such key.
    pub request: Option<Vec<String>>,
    /// Whether the request's key is multi-valued.
    multi: bool,
    found: Found,
}

/// What made the condition fail, as the reason tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Found {
    NotAnOperator,
    /// `Null` wanted the key present, and the request has no value for it.
    NullAbsent,
    /// `Null` wanted the key absent, and the request has a value for it.
    NullPresent,
    /// The operator needs a value and the request has none.
    Absent,
    /// The request's values do not pass.
    Values,
}

impl ConditionFailure<'_> {
    /// "`aws:RequestedRegion` is `us-west-2`; `StringEquals` [`us-east-1`]".
    pub fn reason(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ConditionFailure<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (key, operator) = (self.key, self.operator);
        let request = self.request.as_deref().unwrap_or_default();
        match self.found {
            Found::NotAnOperator => write!(f, "`{operator}` is not a condition operator: the condition never holds"),
            Found::NullAbsent => write!(f, "`{key}` is not in the request"),
            Found::NullPresent => write!(f, "`{key}` is in the request"),
            Found::Absent => write!(f, "`{key}` is not in the request; `{operator}` needs it"),
            Found::Values if self.multi => {
                write!(f, "`{key}` is {}; `{operator}` {}", List(request), List(self.values))
            }
            Found::Values => write!(
                f,
                "`{key}` is `{}`; `{operator}` {}",
                request.first().map_or("", String::as_str),
                List(self.values)
            ),
        }
    }
}

/// Serialized as before the sentence was written on demand: the data, then `reason`.
impl Serialize for ConditionFailure<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("ConditionFailure", 5)?;
        out.serialize_field("operator", self.operator)?;
        out.serialize_field("key", self.key)?;
        out.serialize_field("values", self.values)?;
        out.serialize_field("request", &self.request)?;
        out.serialize_field("reason", &self.reason())?;
        out.end()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    NumericEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    /// `ArnEquals` and `ArnLike` are the same test: each of the six parts, with wildcards.
    ArnLike,
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Set {
    None,
    ForAllValues,
    ForAnyValue,
}

/// A condition operator, read once when the policy is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Operator {
    base: Base,
    /// `StringNotEquals`, `NotIpAddress`, ...: true when no policy value matches.
    negated: bool,
    if_exists: bool,
    set: Set,
}

impl Operator {
    pub(super) fn parse(name: &str) -> Option<Operator> {
        let strip_prefix_ci = |s: &'_ str, prefix: &str| -> Option<usize> {
            (s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes()))
                .then_some(prefix.len())
        };
        let mut rest = name;
        let mut set = Set::None;
        if let Some(n) = strip_prefix_ci(rest, "ForAllValues:") {
            set = Set::ForAllValues;
            rest = &rest[n..];
        } else if let Some(n) = strip_prefix_ci(rest, "ForAnyValue:") {
            set = Set::ForAnyValue;
            rest = &rest[n..];
        }
        let mut if_exists = false;
        if rest.len() > 8 && rest.as_bytes()[rest.len() - 8..].eq_ignore_ascii_case(b"IfExists") {
            if_exists = true;
            rest = &rest[..rest.len() - 8];
        }
        // Operator names are short: lower-cased on the stack, not in a new string.
        let mut buffer = [0u8; 32];
        let lower = match buffer.get_mut(..rest.len()) {
            Some(lower) => {
                lower.copy_from_slice(rest.as_bytes());
                lower.make_ascii_lowercase();
                std::str::from_utf8(lower).ok()?
            }
            None => return None,
        };
        let (base, negated) = match lower {
            "stringequals" => (Base::StringEquals, false),
            "stringnotequals" => (Base::StringEquals, true),
            "stringequalsignorecase" => (Base::StringEqualsIgnoreCase, false),
            "stringnotequalsignorecase" => (Base::StringEqualsIgnoreCase, true),
            "stringlike" => (Base::StringLike, false),
            "stringnotlike" => (Base::StringLike, true),
            "numericequals" => (Base::NumericEquals, false),
            "numericnotequals" => (Base::NumericEquals, true),
            "numericlessthan" => (Base::NumericLessThan, false),
            "numericlessthanequals" => (Base::NumericLessThanEquals, false),
            "numericgreaterthan" => (Base::NumericGreaterThan, false),
            "numericgreaterthanequals" => (Base::NumericGreaterThanEquals, false),
            "dateequals" => (Base::DateEquals, false),
            "datenotequals" => (Base::DateEquals, true),
            "datelessthan" => (Base::DateLessThan, false),
            "datelessthanequals" => (Base::DateLessThanEquals, false),
            "dategreaterthan" => (Base::DateGreaterThan, false),
            "dategreaterthanequals" => (Base::DateGreaterThanEquals, false),
            "bool" => (Base::Bool, false),
            "binaryequals" => (Base::BinaryEquals, false),
            "ipaddress" => (Base::IpAddress, false),
            "notipaddress" => (Base::IpAddress, true),
            "arnequals" | "arnlike" => (Base::ArnLike, false),
            "arnnotequals" | "arnnotlike" => (Base::ArnLike, true),
            // `Null` takes no `IfExists` and no set operator.
            "null" if !if_exists && set == Set::None => (Base::Null, false),
            _ => return None,
        };
        Some(Operator { base, negated, if_exists, set })
    }
}

/// Whether every condition holds (they are ANDed: operators, and keys within one); the
/// first that does not, otherwise.
pub fn check<'p>(
    conditions: &'p [Condition],
    context: &[(String, ContextValue)],
    variables: bool,
) -> Result<(), ConditionFailure<'p>> {
    for condition in conditions {
        check_one(condition, context, variables)?;
    }
    Ok(())
}

fn check_one<'p>(
    c: &'p Condition,
    context: &[(String, ContextValue)],
    variables: bool,
) -> Result<(), ConditionFailure<'p>> {
    let found = lookup(context, &c.key);
    // An empty set is no value: `ForAllValues` holds on it, `ForAnyValue` does not.
    let present = found.filter(|v| !v.values.is_empty());
    let fail = |what: Found| ConditionFailure {
        operator: &c.operator,
        key: &c.key,
        values: &c.values,
        request: found.map(|v| v.values.clone()),
        multi: found.is_some_and(|v| v.multi),
        found: what,
    };
    let Some(op) = c.parsed else {
        return Err(fail(Found::NotAnOperator));
    };
    if op.base == Base::Null {
        // `"Null": {"key": "true"}` holds when the key is absent, `"false"` when present.
        let wants_absent = c.values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        let wants_present = c.values.iter().any(|v| v.eq_ignore_ascii_case("false"));
        let ok = if present.is_none() { wants_absent } else { wants_present };
        return if ok {
            Ok(())
        } else if present.is_none() {
            Err(fail(Found::NullAbsent))
        } else {
            Err(fail(Found::NullPresent))
        };
    }
    let holds = match present {
        None => match op.set {
            _ if op.if_exists => true,
            Set::ForAllValues => true,
            Set::ForAnyValue => false,
            // A negated operator holds when the key is absent ("the condition is true").
            Set::None => op.negated,
        },
        Some(value) => {
            let each = |v: &String| value_holds(op, v, &c.values, context, variables);
            match op.set {
                Set::ForAllValues => value.values.iter().all(each),
                Set::ForAnyValue => value.values.iter().any(each),
                Set::None if op.negated => value.values.iter().all(each),
                Set::None => value.values.iter().any(each),
            }
        }
    };
    if holds {
        return Ok(());
    }
    Err(fail(if present.is_none() { Found::Absent } else { Found::Values }))
}

/// What the request held for each condition of a statement that applied: "`aws:RequestedRegion`
/// is `us-west-2` (`StringNotEquals` [`us-east-1`])".
pub fn describe(conditions: &[Condition], context: &[(String, ContextValue)]) -> Vec<String> {
    conditions
        .iter()
        .map(|c| {
            let value = match lookup(context, &c.key) {
                None => "not in the request".to_string(),
                Some(v) if v.multi => format!("is {}", List(&v.values)),
                Some(v) => format!("is `{}`", v.values.first().map_or("", String::as_str)),
            };
            format!("`{}` {value} (`{}` {})", c.key, c.operator, List(&c.values))
        })
        .collect()
}

/// A list of values as reasons write it: "[`a`, `b`]".
struct List<'a>(&'a [String]);

impl fmt::Display for List<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{v}`")?;
        }
        f.write_str("]")
    }
}

/// Whether one request value passes against the policy's values: some value matches, or,
/// for a negated operator, none does (a value of the wrong type matches neither way).
fn value_holds(
    op: Operator,
    value: &str,
    policy: &[String],
    context: &[(String, ContextValue)],
    variables: bool,
) -> bool {
    let results = policy.iter().map(|p| compare(op.base, value, p, context, variables));
    if op.negated {
        results.into_iter().all(|r| r == Some(false))
    } else {
        results.into_iter().any(|r| r == Some(true))
    }
}

fn compare(base: Base, value: &str, policy: &str, context: &[(String, ContextValue)], variables: bool) -> Option<bool> {
    match base {
        Base::StringEquals => Some(text(policy, context, variables)? == value),
        Base::StringEqualsIgnoreCase => Some(text(policy, context, variables)?.to_lowercase() == value.to_lowercase()),
        // Without a variable the policy's text is the pattern: the matcher, no tokens built.
        Base::StringLike if !(variables && pattern::has_variable(policy)) => Some(pattern::matches(policy, value)),
        Base::StringLike => {
            let tokens = expand(policy, context, variables, true).ok()?;
            Some(pattern::intersects(&tokens, &pattern::literal(value)))
        }
        Base::NumericEquals
        | Base::NumericLessThan
        | Base::NumericLessThanEquals
        | Base::NumericGreaterThan
        | Base::NumericGreaterThanEquals => {
            let (a, b) = (value.trim().parse::<f64>().ok()?, policy.trim().parse::<f64>().ok()?);
            Some(ordered(base, a.partial_cmp(&b)?))
        }
        Base::DateEquals
        | Base::DateLessThan
        | Base::DateLessThanEquals
        | Base::DateGreaterThan
        | Base::DateGreaterThanEquals => {
            let (a, b) = (date(value)?, date(policy)?);
            Some(ordered(base, a.partial_cmp(&b)?))
        }
        Base::Bool => {
            let read = |s: &str| match s.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            };
            Some(read(value)? == read(&text(policy, context, variables)?)?)
        }
        Base::BinaryEquals => Some(value == policy),
        Base::IpAddress => Some(in_range(value.trim().parse().ok()?, policy.trim())?),
        Base::ArnLike => arn_like(value, policy, context, variables),
        Base::Null => None,
    }
}

fn ordered(base: Base, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match base {
        Base::NumericEquals | Base::DateEquals => ordering == Equal,
        Base::NumericLessThan | Base::DateLessThan => ordering == Less,
        Base::NumericLessThanEquals | Base::DateLessThanEquals => ordering != Greater,
        Base::NumericGreaterThan | Base::DateGreaterThan => ordering == Greater,
        _ => ordering != Less,
    }
}

/// A policy value with its variables replaced; the text itself when it has none.
fn text<'a>(policy: &'a str, context: &[(String, ContextValue)], variables: bool) -> Option<Cow<'a, str>> {
    if !(variables && pattern::has_variable(policy)) {
        return Some(Cow::Borrowed(policy));
    }
    Some(Cow::Owned(literal(expand(policy, context, variables, false).ok()?)))
}

fn literal(tokens: Vec<Tok>) -> String {
    tokens
        .into_iter()
        .map(|t| match t {
            Tok::Lit(c) => c,
            Tok::Any => '?',
            _ => '*',
        })
        .collect()
}

/// `ArnEquals`/`ArnLike`: "each of the six colon-delimited components of the ARN is
/// checked separately and each can include multi-character match wildcards (*) or
/// single-character match wildcards (?)".
fn arn_like(value: &str, policy: &str, context: &[(String, ContextValue)], variables: bool) -> Option<bool> {
    let policy_parts = crate::arn::split_outside_variables(policy, b':', 6);
    let value_parts: Vec<&str> = value.splitn(6, ':').collect();
    if policy.starts_with("arn:") && policy_parts.len() != 6 {
        return Some(false);
    }
    if policy_parts.len() != 6 || value_parts.len() != 6 {
        // Not an ARN: compared as one string.
        let tokens = expand(policy, context, variables, true).ok()?;
        return Some(pattern::intersects(&tokens, &pattern::literal(value)));
    }
    for (p, v) in policy_parts.iter().zip(&value_parts) {
        let tokens = expand(p.text, context, variables, true).ok()?;
        if !pattern::intersects(&tokens, &pattern::literal(v)) {
            return Some(false);
        }
    }
    Some(true)
}

/// Whether an address is in a CIDR range (`203.0.113.0/24`, `2001:DB8::/32`) or equals an
/// address written without one.
fn in_range(address: IpAddr, range: &str) -> Option<bool> {
    let (base, bits) = match range.split_once('/') {
        Some((base, bits)) => (base.parse::<IpAddr>().ok()?, Some(bits.parse::<u32>().ok()?)),
        None => (range.parse::<IpAddr>().ok()?, None),
    };
    Some(match (address, base) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 { 0 } else { u32::MAX << (32 - bits) };
            u32::from(a) & mask == u32::from(b) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 { 0 } else { u128::MAX << (128 - bits) };
            u128::from(a) & mask == u128::from(b) & mask
        }
        _ => false,
    })
}

/// A date as seconds since 1970: ISO 8601 (`2019-07-16`, `2019-07-16T12:00:00Z`, with
/// fractions or an offset) or epoch seconds, the forms the date operators take.
pub fn date(s: &str) -> Option<f64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return s.parse().ok();
    }
    let (day, time) = match s.find(['T', 't']) {
        Some(at) => (&s[..at], &s[at + 1..]),
        None => (s, ""),
    };
    let mut ymd = day.splitn(3, '-');
    let year: i64 = ymd.next()?.parse().ok()?;
    let month: i64 = ymd.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: i64 = ymd.next().map_or(Some(1), |d| d.parse().ok())?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (clock, offset) = split_offset(time)?;
    let mut hms = clock.splitn(3, ':');
    let hour: f64 = hms.next().filter(|h| !h.is_empty()).map_or(Some(0.0), |h| h.parse().ok())?;
    let minute: f64 = hms.next().map_or(Some(0.0), |m| m.parse().ok())?;
    let second: f64 = hms.next().map_or(Some(0.0), |x| x.parse().ok())?;
    Some((days_from_civil(year, month, day) * 86_400) as f64 + hour * 3600.0 + minute * 60.0 + second - offset)
}

/// The time of day and its offset from UTC in seconds (`Z`, `+01:00`, `-0500`).
fn split_offset(time: &str) -> Option<(&str, f64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0.0));
    }
    match time.rfind(['+', '-']) {
        Some(at) => {
            let sign = if time.as_bytes()[at] == b'-' { -1.0 } else { 1.0 };
            let zone = time[at + 1..].replace(':', "");
            let hours: f64 = zone.get(..2)?.parse().ok()?;
            let minutes: f64 = zone.get(2..).filter(|m| !m.is_empty()).map_or(Some(0.0), |m| m.parse().ok())?;
            Some((&time[..at], sign * (hours * 3600.0 + minutes * 60.0)))
        }
        None => Some((time, 0.0)),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
