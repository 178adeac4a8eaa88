//! Scenarios whose policies hold parts a template leaves unresolved (an `Fn::ImportValue`,
//! a Terraform variable without a default). The analysis writes each such part as
//! [`UNKNOWN`], which the evaluator would read as a policy variable without a value, so
//! that its statement never matches: a guess, not the answer. Whatever the part turns out
//! to be, its statement either matches the request or does not, and the decision is
//! monotone in that: an `Allow` that matches more never denies, a `Deny` that matches more
//! never allows (the evaluator's property tests). So the decision lies between the one
//! with every such `Allow` left out and every such `Deny` matching, and the one the other
//! way round. Where the two agree, that is the answer; otherwise it is `Undetermined`, with
//! both ends and the parts that decide.

use serde_json::{json, Map, Value};

use iam_analysis::embedded::host::HostPolicy;
use iam_analysis::embedded::UNKNOWN;
use iam_analysis::{Document, Encoding};

/// Whether any policy of the scenario has an unresolved part.
pub fn has_unknown(scenario: &Value) -> bool {
    contains_unknown(&scenario["policies"])
}

fn contains_unknown(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains(UNKNOWN),
        Value::Array(items) => items.iter().any(contains_unknown),
        Value::Object(members) => members.iter().any(|(k, v)| k.contains(UNKNOWN) || contains_unknown(v)),
        _ => false,
    }
}

/// Which end of the range of decisions.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Every statement with an unresolved part matches if it denies, not if it allows.
    Least,
    /// Every statement with an unresolved part matches if it allows, not if it denies.
    Most,
}

/// The scenario at one end: each statement with an unresolved part made to match nothing
/// (`NotAction: *`) or to match whatever the part is (the elements that hold one widened to
/// `*`, the condition keys that do left out). `None` when a part is where no widening is
/// sure to match more (the `Effect`, the `Principal`, the `Version`).
pub fn at_end(scenario: &Value, end: End) -> Option<Value> {
    let mut out = scenario.clone();
    let policies = out.get_mut("policies")?;
    each_policy(policies, &mut |policy| bound_policy(policy, end))?;
    Some(out)
}

/// One policy at one end ([`at_end`]), as JSON text; `None` when it cannot be bounded.
pub fn policy_at_end(text: &str, end: End) -> Option<String> {
    let mut policy: Value = serde_json::from_str(text).ok()?;
    bound_policy(&mut policy, end)?;
    serde_json::to_string(&policy).ok()
}

/// Applies `f` to every inline policy of a scenario's `policies` (a path is left alone).
fn each_policy(policies: &mut Value, f: &mut dyn FnMut(&mut Value) -> Option<()>) -> Option<()> {
    let Value::Object(members) = policies else { return Some(()) };
    for (_, value) in members.iter_mut() {
        match value {
            Value::Object(_) => f(inline(value))?,
            Value::Array(items) => {
                for item in items {
                    // SCP and RCP levels: lists of policies, or named (`{"name", "policies"}`).
                    let level = match item {
                        Value::Object(level) if level.contains_key("policies") => level.get_mut("policies"),
                        Value::Array(_) => Some(item),
                        Value::Object(_) => {
                            f(inline(item))?;
                            None
                        }
                        _ => None,
                    };
                    if let Some(Value::Array(level)) = level {
                        for policy in level.iter_mut().filter(|p| p.is_object()) {
                            f(inline(policy))?;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Some(())
}

/// The policy document of an inline policy: itself, or the `policy` of a named one.
fn inline(value: &mut Value) -> &mut Value {
    let named = value.get("policy").is_some() && value.get("Statement").is_none();
    if named {
        &mut value["policy"]
    } else {
        value
    }
}

fn bound_policy(policy: &mut Value, end: End) -> Option<()> {
    if !contains_unknown(policy) {
        return Some(());
    }
    let Value::Object(members) = policy else { return Some(()) };
    for (key, value) in members.iter_mut() {
        if key != "Statement" && contains_unknown(value) && key != "Id" {
            return None;
        }
    }
    let Some(statements) = members.get_mut("Statement") else { return Some(()) };
    let list = match statements {
        Value::Array(list) => std::mem::take(list),
        Value::Object(_) => vec![statements.take()],
        _ => return Some(()),
    };
    let mut kept = Vec::with_capacity(list.len());
    for statement in list {
        if !contains_unknown(&statement) {
            kept.push(statement);
            continue;
        }
        let allows = match statement["Effect"].as_str() {
            Some("Allow") => true,
            Some("Deny") => false,
            _ => return None,
        };
        let matches = allows == (end == End::Most);
        kept.push(if matches { widened(statement)? } else { matching_nothing(statement) });
    }
    *statements = Value::Array(kept);
    Some(())
}

fn star_for_unknown(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace(UNKNOWN, "*")),
        Value::Array(items) => Value::Array(items.into_iter().map(star_for_unknown).collect()),
        other => other,
    }
}

/// The statement made to match no request (`NotAction: *`), in its place, so that the
/// statements keep their numbers in the answer.
fn matching_nothing(statement: Value) -> Value {
    let Value::Object(mut members) = statement else { return statement };
    members.retain(|k, v| k != "Action" && k != "NotAction" && !k.contains(UNKNOWN) && !contains_unknown(v));
    members.insert("NotAction".into(), json!("*"));
    if !members.contains_key("Resource") && !members.contains_key("NotResource") {
        members.insert("Resource".into(), json!("*"));
    }
    Value::Object(members)
}

/// The statement made to match every request its resolved parts allow.
fn widened(statement: Value) -> Option<Value> {
    let Value::Object(members) = statement else { return None };
    let mut out = Map::new();
    for (key, value) in members {
        if !contains_unknown(&value) && !key.contains(UNKNOWN) {
            out.insert(key, value);
            continue;
        }
        match key.as_str() {
            "Sid" => {
                out.insert(key, value);
            }
            // A pattern with `*` for the unresolved part matches whatever the part is.
            "Action" | "Resource" => {
                out.insert(key, star_for_unknown(value));
            }
            // Whatever a `Not...` leaves out, the statement matches at most every request.
            "NotAction" => {
                out.insert("Action".into(), json!("*"));
            }
            "NotResource" => {
                out.insert("Resource".into(), json!("*"));
            }
            // Condition operators and keys are all met together: one left out asks less.
            "Condition" => {
                let Value::Object(operators) = value else { continue };
                let mut kept = Map::new();
                for (operator, keys) in operators {
                    if operator.contains(UNKNOWN) {
                        continue;
                    }
                    let Value::Object(keys) = keys else { continue };
                    let keys: Map<String, Value> =
                        keys.into_iter().filter(|(k, v)| !k.contains(UNKNOWN) && !contains_unknown(v)).collect();
                    if !keys.is_empty() {
                        kept.insert(operator, Value::Object(keys));
                    }
                }
                if !kept.is_empty() {
                    out.insert(key, Value::Object(kept));
                }
            }
            _ => return None,
        }
    }
    Some(Value::Object(out))
}

/// Whether the statements with unresolved parts include ones that allow, and ones that deny.
fn effects(value: &Value) -> (bool, bool) {
    fn walk(value: &Value, found: &mut (bool, bool)) {
        match value {
            Value::Object(members) => match members.get("Statement") {
                Some(Value::Array(statements)) => statements.iter().for_each(|s| effect(s, found)),
                Some(statement) => effect(statement, found),
                None => members.values().for_each(|v| walk(v, found)),
            },
            Value::Array(items) => items.iter().for_each(|v| walk(v, found)),
            _ => {}
        }
    }
    fn effect(statement: &Value, found: &mut (bool, bool)) {
        if contains_unknown(statement) {
            match statement["Effect"].as_str() {
                Some("Allow") => found.0 = true,
                Some("Deny") => found.1 = true,
                _ => {}
            }
        }
    }
    let mut found = (false, false);
    walk(value, &mut found);
    found
}

/// How a decision ranks: each step allows more.
fn rank(decision: &str) -> u8 {
    match decision {
        "ExplicitlyDenied" => 0,
        "ImplicitlyDenied" => 1,
        _ => 2,
    }
}

/// The answer for a scenario with unresolved parts, from the answer as written and the
/// answers at both ends (`None` when the scenario could not be bounded).
pub fn settle(scenario: &Value, as_written: Value, ends: Option<(Value, Value)>) -> Value {
    let parts = parts_text(scenario);
    let first_line = as_written["text"].as_str().and_then(|t| t.lines().next()).unwrap_or("").to_string();
    let Some((least, most)) = ends else {
        let text = format!(
            "{first_line}\ndecision: Undetermined\n  the template leaves parts unresolved where the decision cannot be bounded without them:\n{parts}"
        );
        return json!({
            "decision": "Undetermined",
            "blockedBy": [],
            "statements": as_written["statements"],
            "unresolved": scenario["unresolved"],
            "text": text,
        });
    };
    let low = least["decision"].as_str().unwrap_or("").to_string();
    let high = most["decision"].as_str().unwrap_or("").to_string();
    if low == high {
        // Settled whatever the parts are: the answer as written where it says the same.
        let mut answer = if as_written["decision"] == low { as_written } else { least };
        let note = format!("the template leaves parts unresolved; whatever they are, the decision is {low}");
        if let Some(notes) = answer.get_mut("notes").and_then(Value::as_array_mut) {
            notes.push(note.clone().into());
        }
        let text = answer["text"].as_str().unwrap_or("").to_string();
        answer["text"] = format!("{text}  note: {note}:\n{parts}").into();
        answer["unresolved"] = scenario["unresolved"].clone();
        return answer;
    }
    debug_assert!(rank(&low) <= rank(&high));
    let describe = |end: &Value| -> String {
        let blocked: Vec<&str> =
            end["blockedBy"].as_array().map(|b| b.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let decision = end["decision"].as_str().unwrap_or("");
        if blocked.is_empty() {
            decision.to_string()
        } else {
            format!("{decision} (blocked by {})", blocked.join(", "))
        }
    };
    let details = |end: &Value| -> String {
        let text = end["text"].as_str().unwrap_or("");
        text.lines().skip(2).map(|l| format!("  {l}\n")).collect()
    };
    // What makes each end, in the words that fit the statements with unresolved parts.
    let (allows, denies) = effects(&scenario["policies"]);
    let (most_if, least_if) = match (allows, denies) {
        (true, true) => (
            "if those of them that allow match the request and those that deny do not",
            "if those that deny match it and those that allow do not",
        ),
        (false, true) => ("if they do not", "if they match the request"),
        _ => ("if they match the request", "if they do not"),
    };
    let (first, second) =
        if !allows && denies { ((least_if, &least), (most_if, &most)) } else { ((most_if, &most), (least_if, &least)) };
    let text = format!(
        "{first_line}\ndecision: Undetermined from the template alone: {} or {}\n  the template leaves these parts unresolved, and the decision depends on them:\n{parts}  {}: {}\n{}  {}: {}\n{}",
        describe(first.1),
        describe(second.1),
        first.0,
        describe(first.1),
        details(first.1),
        second.0,
        describe(second.1),
        details(second.1),
    );
    json!({
        "decision": "Undetermined",
        "blockedBy": least["blockedBy"],
        "least": { "decision": least["decision"], "blockedBy": least["blockedBy"] },
        "most": { "decision": most["decision"], "blockedBy": most["blockedBy"] },
        "statements": as_written["statements"],
        "notes": as_written["notes"],
        "unresolved": scenario["unresolved"],
        "text": text,
    })
}

/// The scenario's `unresolved` list as lines: "`!ImportValue x` (line 67, the Resource of
/// statement `S`)".
fn parts_text(scenario: &Value) -> String {
    let Some(parts) = scenario["unresolved"].as_array().filter(|p| !p.is_empty()) else {
        return "    (parts written as `${iam-lsp:unknown}`)\n".to_string();
    };
    parts
        .iter()
        .map(|p| {
            // A part of another file of the workspace says which.
            let file = p["file"].as_str().map(|f| format!("{f}, ")).unwrap_or_default();
            format!(
                "    `{}` ({file}line {}, the {} of {})\n",
                p["text"].as_str().unwrap_or("?"),
                p["line"],
                p["element"].as_str().unwrap_or("?"),
                p["statement"].as_str().unwrap_or("?"),
            )
        })
        .collect()
}

/// The parts of a template's policy that the template leaves unresolved: for each, its host
/// text (one line of it), its line (1-based), the statement and the element it is in.
pub fn parts(doc: &Document, p: &HostPolicy) -> Vec<serde_json::Value> {
    let json = &p.policy.json;
    if !json.has_unknown() {
        return Vec::new();
    }
    let Some(policy) = p.document.policy() else { return Vec::new() };
    let mut out = Vec::new();
    for s in &policy.statements {
        for member in &s.object.members {
            let r = member.range();
            for host in json.unknowns_in(r.start..r.end) {
                let text = doc.text().get(host.clone()).unwrap_or("").lines().next().unwrap_or("").trim();
                let text: String = if text.chars().count() > 80 {
                    text.chars().take(79).chain(['…']).collect()
                } else {
                    text.to_string()
                };
                out.push(serde_json::json!({
                    "text": text,
                    "line": doc.line_col(host.start, Encoding::Utf16).line + 1,
                    "statement": s.name(),
                    "element": member.key.value,
                }));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(statements: Value) -> Value {
        json!({
            "request": {"principal": "arn:aws:iam::123456789012:role/R", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
            "policies": {
                "identity": [{"Version": "2012-10-17", "Statement": statements}],
                "scp": [["root.json", {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}]],
            },
        })
    }

    fn statements(s: &Value) -> &Value {
        &s["policies"]["identity"][0]["Statement"]
    }

    #[test]
    fn an_allow_with_an_unresolved_part_is_left_out_at_the_least_and_widened_at_the_most() {
        let s = scenario(json!([
            {"Sid": "Known", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
            {"Sid": "Unresolved", "Effect": "Allow", "NotAction": format!("s3:{UNKNOWN}"), "NotResource": UNKNOWN,
             "Condition": {"StringEquals": {"aws:SourceAccount": UNKNOWN, "aws:SourceVpc": "vpc-1"}, "Bool": {"aws:SecureTransport": UNKNOWN}}},
        ]));
        assert!(has_unknown(&s));
        let least = at_end(&s, End::Least).unwrap();
        assert_eq!(
            statements(&least),
            &json!([
                {"Sid": "Known", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"},
                {"Sid": "Unresolved", "Effect": "Allow", "NotAction": "*", "Resource": "*"},
            ])
        );
        let most = at_end(&s, End::Most).unwrap();
        assert_eq!(
            statements(&most)[1],
            json!({"Sid": "Unresolved", "Effect": "Allow", "Action": "*", "Resource": "*",
                   "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}})
        );
        assert!(!has_unknown(&least) && !has_unknown(&most));
        // The policies given as paths, and those without unresolved parts, stay as they are.
        assert_eq!(most["policies"]["scp"], s["policies"]["scp"]);
    }

    #[test]
    fn a_deny_is_the_other_way_round_and_a_lone_statement_object_too() {
        let s = scenario(json!({"Effect": "Deny", "Action": "s3:*", "Resource": UNKNOWN}));
        let least = at_end(&s, End::Least).unwrap();
        assert_eq!(statements(&least), &json!([{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]));
        let most = at_end(&s, End::Most).unwrap();
        assert_eq!(statements(&most), &json!([{"Effect": "Deny", "NotAction": "*", "Resource": "*"}]));
        // An unresolved part of a pattern: `*` in its place, the rest of the pattern kept.
        let part = format!("arn:aws:bedrock:{UNKNOWN}::foundation-model/x");
        let s = scenario(
            json!([{"Effect": "Deny", "Action": ["s3:GetObject", format!("s3:{UNKNOWN}")], "Resource": part}]),
        );
        let least = at_end(&s, End::Least).unwrap();
        assert_eq!(
            statements(&least),
            &json!([{"Effect": "Deny", "Action": ["s3:GetObject", "s3:*"], "Resource": "arn:aws:bedrock:*::foundation-model/x"}])
        );
    }

    #[test]
    fn an_unresolved_effect_or_principal_cannot_be_bounded() {
        for statement in [
            json!({"Effect": UNKNOWN, "Action": "s3:*", "Resource": "*"}),
            json!({"Effect": "Allow", "Principal": {"AWS": UNKNOWN}, "Action": "s3:*", "Resource": "*"}),
        ] {
            let s = scenario(json!([statement]));
            assert!(at_end(&s, End::Least).is_none() || at_end(&s, End::Most).is_none(), "{statement}");
        }
        let answer =
            settle(&scenario(json!([])), json!({"decision": "Allowed", "text": "p a on r\ndecision: Allowed\n"}), None);
        assert_eq!(answer["decision"], "Undetermined");
        assert!(answer["text"].as_str().unwrap().starts_with("p a on r\ndecision: Undetermined"), "{answer}");
    }

    #[test]
    fn ends_that_agree_settle_the_decision_and_ends_that_differ_do_not() {
        let mut s = scenario(json!([]));
        s["unresolved"] =
            json!([{"text": "!ImportValue x", "line": 7, "statement": "statement `S`", "element": "Resource"}]);
        let allowed = json!({"decision": "Allowed", "blockedBy": [], "notes": [], "text": "p a on r\ndecision: Allowed\n  allowed by statement `S`\n"});
        let denied = json!({"decision": "ImplicitlyDenied", "blockedBy": ["identity"], "notes": [], "text": "p a on r\ndecision: ImplicitlyDenied (blocked by identity)\n  no identity-based policy allows it\n"});
        let settled = settle(&s, allowed.clone(), Some((allowed.clone(), allowed.clone())));
        assert_eq!(settled["decision"], "Allowed");
        assert!(settled["text"].as_str().unwrap().contains("`!ImportValue x` (line 7, the Resource of statement `S`)"));
        let open = settle(&s, denied.clone(), Some((denied.clone(), allowed.clone())));
        assert_eq!(open["decision"], "Undetermined");
        assert_eq!(open["least"], json!({"decision": "ImplicitlyDenied", "blockedBy": ["identity"]}));
        assert_eq!(open["most"], json!({"decision": "Allowed", "blockedBy": []}));
        let text = open["text"].as_str().unwrap();
        assert!(
            text.contains(
                "decision: Undetermined from the template alone: Allowed or ImplicitlyDenied (blocked by identity)"
            ),
            "{text}"
        );
        assert!(text.contains("  if they match the request: Allowed\n    allowed by statement `S`"), "{text}");
    }

    /// Only denying statements unresolved: the denied end comes first, "if they match".
    #[test]
    fn a_deny_with_an_unresolved_part_reads_denied_if_it_matches() {
        let s = scenario(json!([{"Sid": "D", "Effect": "Deny", "Action": "s3:*", "Resource": UNKNOWN}]));
        let denied = json!({"decision": "ExplicitlyDenied", "blockedBy": ["identity"], "notes": [], "text": "p a on r\ndecision: ExplicitlyDenied\n  denied by statement `D`\n"});
        let allowed = json!({"decision": "Allowed", "blockedBy": [], "notes": [], "text": "p a on r\ndecision: Allowed\n  allowed by statement `S`\n"});
        let open = settle(&s, allowed.clone(), Some((denied, allowed)));
        let text = open["text"].as_str().unwrap();
        assert!(
            text.contains("Undetermined from the template alone: ExplicitlyDenied (blocked by identity) or Allowed"),
            "{text}"
        );
        assert!(
            text.contains(
                "  if they match the request: ExplicitlyDenied (blocked by identity)\n    denied by statement `D`"
            ),
            "{text}"
        );
        assert!(text.contains("  if they do not: Allowed\n"), "{text}");
    }
}
