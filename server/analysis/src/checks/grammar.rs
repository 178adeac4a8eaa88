//! The policy grammar: which elements exist, their types, and which the policy kind needs
//! or forbids.

use rustc_hash::FxHashMap as HashMap;

use super::{nearest, Ctx, Summary};
use crate::diagnostics::{Code, Diagnostic, Fix, Severity};
use crate::kind::PolicyKind;
use crate::model::{Effect, Outline, Statement, POLICY_VERSIONS};
use crate::syntax::{Member, Object, Value};
use crate::text::TextRange;

const TOP_LEVEL: [&str; 3] = ["Version", "Id", "Statement"];
const STATEMENT: [&str; 9] =
    ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

pub fn check_policy(cx: &mut Ctx, policy: &Outline) {
    unknown_elements(cx, policy.root, &TOP_LEVEL, "at the top level of a policy");
    let root = policy.root.range;
    let brace = TextRange::new(root.start, root.start + 1);

    match policy.version.and_then(|m| m.value.as_ref().map(|v| (m, v))) {
        None => {
            let indent = policy.root.members.first().map_or("  ", |m| cx.indentation_at(m.key.range.start));
            let insert = format!("\n{indent}\"Version\": \"2012-10-17\",");
            let fix = Fix::replace("Add `\"Version\": \"2012-10-17\"`", TextRange::empty(root.start + 1), insert);
            let range = policy.version.map_or(brace, |m| m.key.range);
            cx.push(
                Diagnostic::new(
                    Code::VersionMissing,
                    range,
                    "no `Version`: IAM then uses 2008-10-17, where policy variables such as `${aws:username}` are plain text; add `\"Version\": \"2012-10-17\"`",
                )
                .with_fix(fix.preferred(true)),
            );
        }
        Some((_, Value::String(version))) => {
            let fix = Fix::replace("Change to `2012-10-17`", version.range, "\"2012-10-17\"").preferred(true);
            if version.value == "2008-10-17" {
                cx.push(
                    Diagnostic::new(
                        Code::VersionOld,
                        version.range,
                        "`Version` 2008-10-17 is the old policy language: policy variables are plain text there; use `2012-10-17`",
                    )
                    .with_fix(fix),
                );
            } else if !POLICY_VERSIONS.contains(&version.value.as_str()) {
                cx.push(
                    Diagnostic::new(
                        Code::VersionInvalid,
                        version.range,
                        format!(
                            "`{}` is not a policy language version: use `2012-10-17` (the only other is `2008-10-17`)",
                            version.value
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
        Some((member, value)) => wrong_type(cx, member, value, "the string \"2012-10-17\""),
    }

    if let Some(id) = policy.id {
        if let Some(value) = &id.value {
            if value.as_str().is_none() {
                wrong_type(cx, id, value, "a string");
            }
        }
    }

    match policy.statement.map(|m| (m, m.value.as_ref())) {
        None => cx.push(Diagnostic::new(
            Code::StatementMissing,
            brace,
            "no `Statement`: a policy needs `\"Statement\": [ { \"Effect\": ..., \"Action\": ..., ... } ]`",
        )),
        Some((_, None)) => {}
        Some((member, Some(value))) => match value {
            Value::Object(_) => {}
            Value::Array(array) => {
                if array.items.is_empty() {
                    cx.push(Diagnostic::new(
                        Code::EmptyValue,
                        array.range,
                        "`Statement` is empty: the policy grants nothing",
                    ));
                }
                for item in &array.items {
                    if item.as_object().is_none() {
                        cx.push(Diagnostic::new(
                            Code::WrongType,
                            item.range(),
                            format!("a statement is an object `{{ \"Effect\": ..., ... }}`, not {}", item.kind_name()),
                        ));
                    }
                }
            }
            other => wrong_type(cx, member, other, "an array of statement objects (or one statement object)"),
        },
    }
}

/// Sids are unique within a policy. (Compared by their hashes first: reading every `Sid` of
/// a large document on each keystroke cost more than the rest of the check.)
pub fn check_sids(cx: &mut Ctx, policy: &Outline, summaries: &[Summary]) {
    // Only statements whose `Sid` hash another shares are read: reading each statement's
    // `Sid` (a cache miss or two each) was most of the check.
    let mut hashes: Vec<(u64, usize)> =
        summaries.iter().enumerate().filter_map(|(position, s)| Some((s.sid?, position))).collect();
    hashes.sort_unstable();
    let mut shared: Vec<usize> = hashes
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
        .flat_map(|run| run.iter().map(|&(_, position)| position))
        .collect();
    shared.sort_unstable();
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::default();
    for position in shared {
        let (statement, summary) = (&policy.statements[position], &summaries[position]);
        let Some(hash) = summary.sid else { continue };
        let Some(sid) = statement.sid() else { continue };
        let bucket = seen.entry(hash).or_default();
        let first = bucket.iter().find(|&&p| policy.statements[p].sid().is_some_and(|s| s.value == sid.value));
        match first {
            Some(&first) => {
                let mut d = Diagnostic::new(
                    Code::SidDuplicate,
                    sid.range,
                    format!(
                        "statement {} already has the `Sid` \"{}\": each `Sid` in a policy must be unique",
                        policy.statements[first].index + 1,
                        sid.value
                    ),
                );
                // Services differ on resource-based policies (S3 and ECR accept duplicates):
                // Access Analyzer only recommends unique Sids there.
                if cx.kind == PolicyKind::Resource {
                    d.severity = Severity::Warning;
                    d.message = format!(
                        "statement {} already has the `Sid` \"{}\": some services reject duplicate Sids in resource-based policies (S3 and ECR accept them); give each statement its own",
                        policy.statements[first].index + 1,
                        sid.value
                    );
                }
                cx.push(d);
            }
            None => bucket.push(position),
        }
    }
}

/// Whether every action the statement names is of a service whose resource-based policies
/// have no `Resource` (an ECR repository policy).
/// Whether a statement is `RCPFullAWSAccess`'s: every principal, action and resource, no condition.
fn is_full_access(statement: &Statement) -> bool {
    let all = |strings: &Option<crate::model::Strings>| {
        strings.as_ref().is_some_and(|s| !s.items.is_empty() && s.items.iter().all(|lit| lit.value == "*"))
    };
    let every_principal = statement.principal.and_then(|m| m.value.as_ref()).is_some_and(|v| match v {
        Value::String(lit) => lit.value == "*",
        Value::Object(o) => {
            o.members.len() == 1
                && o.members[0].key.value == "AWS"
                && o.members[0].value.as_ref().and_then(Value::as_str).is_some_and(|lit| lit.value == "*")
        }
        _ => false,
    });
    every_principal
        && all(&statement.action)
        && all(&statement.resource)
        && statement.condition.is_none()
        && statement.not_action.is_none()
        && statement.not_resource.is_none()
        && statement.not_principal.is_none()
}

fn only_services_without_resource(statement: &Statement) -> bool {
    let Some(actions) = statement.action.as_ref().or(statement.not_action.as_ref()) else { return false };
    let table = crate::knowledge::ResourcePolicyServices::get();
    !actions.items.is_empty()
        && actions
            .items
            .iter()
            .all(|a| a.value.split_once(':').is_some_and(|(prefix, _)| table.takes_no_resource(prefix)))
}

pub fn check_statement(cx: &mut Ctx, statement: &Statement) {
    let object = statement.object;
    unknown_elements(cx, object, &STATEMENT, "in a statement");
    let start = TextRange::new(object.range.start, object.range.start + 1);
    let kind = cx.kind;

    // Types: strings, arrays of strings, objects.
    for member in &object.members {
        let Some(value) = &member.value else { continue };
        match member.key.value.as_str() {
            "Sid" | "Effect" if value.as_str().is_none() => wrong_type(cx, member, value, "a string"),
            "Action" | "NotAction" | "Resource" | "NotResource" => string_or_strings(cx, member, value),
            "Principal" | "NotPrincipal" => match value {
                Value::String(_) => {}
                Value::Object(o) => {
                    if o.members.is_empty() {
                        cx.push(Diagnostic::new(
                            Code::EmptyValue,
                            o.range,
                            format!("`{}` is empty: it names no one", member.key.value),
                        ));
                    }
                    for m in &o.members {
                        if let Some(v) = &m.value {
                            string_or_strings(cx, m, v);
                        }
                    }
                }
                other => wrong_type(
                    cx,
                    member,
                    other,
                    "`\"*\"` or an object such as `{\"AWS\": \"arn:aws:iam::111122223333:root\"}`",
                ),
            },
            "Condition" => match value {
                Value::Object(o) => {
                    if o.members.is_empty() {
                        cx.push(Diagnostic::new(
                            Code::EmptyValue,
                            o.range,
                            "`Condition` is empty: remove it or add a condition",
                        ));
                    }
                    for block in &o.members {
                        match &block.value {
                            Some(Value::Object(keys)) => {
                                for key in &keys.members {
                                    if let Some(v) = &key.value {
                                        condition_values(cx, key, v);
                                    }
                                }
                            }
                            Some(other) => wrong_type(cx, block, other, "an object of condition keys and values"),
                            None => {}
                        }
                    }
                }
                other => wrong_type(
                    cx,
                    member,
                    other,
                    "an object such as `{\"StringEquals\": {\"aws:PrincipalAccount\": \"111122223333\"}}`",
                ),
            },
            _ => {}
        }
    }

    // Sid characters: IAM accepts letters and digits only (resource policies of some
    // services accept more, so they are not checked).
    if let Some(sid) = statement.sid {
        // Access Analyzer's "Empty Sid value": an empty `Sid` names nothing.
        if sid.value.is_empty() {
            let mut d = Diagnostic::new(
                Code::EmptyValue,
                sid.range,
                "`Sid` is an empty string: give the statement a name (letters and digits) or remove the `Sid`",
            );
            if let Some(member) = object.get("Sid") {
                d = d.with_fix(remove_member(cx.text, object, member).preferred(true));
            }
            cx.push(d);
        }
        if kind != PolicyKind::Resource && !sid.value.chars().all(|c| c.is_ascii_alphanumeric()) {
            let cleaned: String = sid.value.chars().filter(char::is_ascii_alphanumeric).collect();
            let mut d = Diagnostic::new(
                Code::SidInvalid,
                sid.range,
                format!("a `Sid` in {} may hold only letters and digits (A-Z, a-z, 0-9)", kind.with_article()),
            );
            if !cleaned.is_empty() {
                d = d.with_fix(
                    Fix::replace(format!("Change to \"{cleaned}\""), sid.range, format!("\"{cleaned}\""))
                        .preferred(true),
                );
            }
            cx.push(d);
        }
    }

    // Effect.
    match object.get("Effect").map(|m| (m, m.value.as_ref().and_then(Value::as_str))) {
        None => cx.push(Diagnostic::new(
            Code::EffectMissing,
            start,
            "this statement has no `Effect`: add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`",
        )),
        Some((_, Some(effect))) if statement.effect.is_none() => {
            let mut d = Diagnostic::new(
                Code::EffectInvalid,
                effect.range,
                format!("`Effect` is `Allow` or `Deny` (case matters), not \"{}\"", effect.value),
            );
            for fixed in ["Allow", "Deny"] {
                if effect.value.eq_ignore_ascii_case(fixed) {
                    d = d.with_fix(
                        Fix::replace(format!("Change to \"{fixed}\""), effect.range, format!("\"{fixed}\""))
                            .preferred(true),
                    );
                }
            }
            cx.push(d);
        }
        Some((_, Some(effect)))
            if kind == PolicyKind::Rcp && statement.effect == Some(Effect::Allow) && !is_full_access(statement) =>
        {
            // https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html
            cx.push(Diagnostic::new(
                Code::EffectInvalid,
                effect.range,
                "resource control policies only deny: `Allow` is supported only in the AWS-managed `RCPFullAWSAccess` (`Principal`, `Action` and `Resource` all `\"*\"`, no `Condition`), which AWS attaches everywhere; write what must not happen as a `Deny`",
            ));
        }
        _ => {}
    }

    // Pairs that exclude each other, and what the kind needs.
    for (a, b) in [("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal")] {
        if let (Some(_), Some(second)) = (object.get(a), object.get(b)) {
            cx.push(Diagnostic::new(
                Code::ElementConflict,
                second.key.range,
                format!("a statement has `{a}` or `{b}`, not both: keep one"),
            ));
        }
    }
    if statement.action.is_none() && statement.not_action.is_none() {
        cx.push(Diagnostic::new(
            Code::ActionMissing,
            start,
            "this statement has no `Action` (or `NotAction`): it applies to no action",
        ));
    }
    let has_resource = statement.resource.is_some() || statement.not_resource.is_some();
    match kind {
        PolicyKind::Trust => {
            for key in ["Resource", "NotResource"] {
                if let Some(m) = object.get(key) {
                    cx.push(
                        Diagnostic::new(
                            Code::ElementNotAllowed,
                            m.key.range,
                            format!("a role trust policy has no `{key}`: the role itself is the resource; remove it"),
                        )
                        .with_fix(remove_member(cx.text, object, m)),
                    );
                }
            }
        }
        PolicyKind::Resource if !has_resource && only_services_without_resource(statement) => {}
        _ if !has_resource => cx.push(Diagnostic::new(
            Code::ResourceMissing,
            start,
            format!("this statement has no `Resource` (or `NotResource`), which {} needs: add `\"Resource\"` with the ARNs it applies to", kind.with_article()),
        )),
        _ => {}
    }
    let has_principal = statement.principal.is_some() || statement.not_principal.is_some();
    if kind.has_principal() {
        if !has_principal {
            let what = if kind == PolicyKind::Rcp { "`\"Principal\": \"*\"`" } else { "a `Principal`" };
            cx.push(Diagnostic::new(
                Code::PrincipalMissing,
                start,
                format!("a statement of {} needs {what}: who the statement applies to", kind.with_article()),
            ));
        }
        if matches!(kind, PolicyKind::Trust | PolicyKind::Rcp) {
            if let Some(m) = object.get("NotPrincipal") {
                cx.push(Diagnostic::new(
                    Code::ElementNotAllowed,
                    m.key.range,
                    format!("{} cannot use `NotPrincipal`: use `Principal` with conditions", kind.with_article()),
                ));
            }
        }
    } else {
        for key in ["Principal", "NotPrincipal"] {
            if let Some(m) = object.get(key) {
                let hint = match kind {
                    PolicyKind::Identity | PolicyKind::Boundary => {
                        "it applies to the user, group or role it is attached to; remove it (or, if this is a resource-based policy, set the kind in .iam-lsp.toml)"
                    }
                    _ => "it applies to the accounts it is attached to; remove it",
                };
                cx.push(
                    Diagnostic::new(
                        Code::ElementNotAllowed,
                        m.key.range,
                        format!("{} has no `{key}`: {hint}", kind.with_article()),
                    )
                    .with_fix(remove_member(cx.text, object, m)),
                );
            }
        }
    }
}

fn string_or_strings(cx: &mut Ctx, member: &Member, value: &Value) {
    let name = &member.key.value;
    match value {
        Value::String(s) => {
            if s.value.is_empty() {
                cx.push(Diagnostic::new(Code::EmptyValue, s.range, format!("`{name}` is an empty string")));
            }
        }
        Value::Array(array) => {
            if array.items.is_empty() {
                cx.push(Diagnostic::new(
                    Code::EmptyValue,
                    array.range,
                    format!("`{name}` is an empty array: it names nothing"),
                ));
            }
            for item in &array.items {
                if item.as_str().is_none() {
                    cx.push(Diagnostic::new(
                        Code::WrongType,
                        item.range(),
                        format!("every entry of `{name}` is a string, not {}", item.kind_name()),
                    ));
                }
            }
        }
        other => wrong_type(cx, member, other, "a string or an array of strings"),
    }
}

/// Condition values are strings, or booleans and numbers (IAM reads them as text), or an
/// array of those.
fn condition_values(cx: &mut Ctx, key: &Member, value: &Value) {
    let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Bool(..) | Value::Number(_));
    match value {
        Value::Array(array) => {
            if array.items.is_empty() {
                cx.push(Diagnostic::new(
                    Code::EmptyValue,
                    array.range,
                    format!("no values for `{}`: the condition never matches", key.key.value),
                ));
            }
            for item in array.items.iter().filter(|v| !scalar(v)) {
                cx.push(Diagnostic::new(
                    Code::WrongType,
                    item.range(),
                    format!("a condition value is a string (or a boolean or number), not {}", item.kind_name()),
                ));
            }
        }
        v if scalar(v) => {}
        other => wrong_type(cx, key, other, "a string or an array of strings"),
    }
}

fn wrong_type(cx: &mut Ctx, member: &Member, value: &Value, expected: &str) {
    cx.push(Diagnostic::new(
        Code::WrongType,
        value.range(),
        format!("`{}` is {}, not {}", member.key.value, expected, value.kind_name()),
    ));
}

fn unknown_elements(cx: &mut Ctx, object: &Object, known: &[&str], place: &str) {
    for member in &object.members {
        let key = member.key.value.as_str();
        if known.contains(&key) {
            continue;
        }
        let close = known
            .iter()
            .copied()
            .find(|k| k.eq_ignore_ascii_case(key))
            .map(|k| vec![k])
            .unwrap_or_else(|| nearest(key, known.iter().copied(), 1));
        let mut message = format!("`{key}` is not a policy element {place}");
        if let Some(&k) = close.first() {
            message.push_str(&format!("; did you mean `{k}`? (element names are case-sensitive)"));
        } else {
            message.push_str(&format!("; the elements are {}", super::list(known).replace(" or ", " and ")));
        }
        let mut d = Diagnostic::new(Code::UnknownElement, member.key.range, message);
        if let Some(&k) = close.first() {
            d = d.with_fixes(super::rename_member(cx.text, object, member, k));
        }
        cx.push(d);
    }
}

/// The fix that removes one member of an object, with its comma.
pub(crate) fn remove_member(text: &str, object: &Object, member: &Member) -> Fix {
    let index = object.members.iter().position(|m| std::ptr::eq(m, member)).unwrap_or(0);
    let members = &object.members;
    let range = if index + 1 < members.len() {
        TextRange::new(
            line_start_if_blank(text, member.range().start),
            line_start_if_blank(text, members[index + 1].range().start),
        )
    } else if index > 0 {
        TextRange::new(members[index - 1].range().end, member.range().end)
    } else {
        member.range()
    };
    Fix::replace(format!("Remove `{}`", member.key.value), range, "")
}

/// Moves an offset back to its line's start when only whitespace precedes it, so that a
/// removed member takes its line with it.
fn line_start_if_blank(text: &str, offset: usize) -> usize {
    // Back over the blanks only: the line may be a whole minified document.
    let blank_start = text[..offset].trim_end_matches(|c: char| c.is_whitespace() && c != '\n' && c != '\r').len();
    match text[..blank_start].chars().next_back() {
        None | Some('\n' | '\r') => blank_start,
        Some(_) => offset,
    }
}

/// Characters IAM's APIs reject in a policy document: they take only tab, line feed, carriage
/// return and U+0020 to U+00FF, "IAM name and character quotas",
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
/// (the API's `PolicyDocument` pattern `[\u0009\u000A\u000D\u0020-\u00FF]+`). Only for the kinds IAM
/// stores; resource policies, SCPs and RCPs go to other services, which document no such limit.
pub fn check_characters(cx: &mut Ctx) {
    const MOST: usize = 20; // a pasted paragraph of non-Latin text is one finding per run, and a few runs say enough
    if !matches!(cx.kind, PolicyKind::Identity | PolicyKind::Trust | PolicyKind::Boundary) || cx.text.is_ascii() {
        return;
    }
    let text = cx.text;
    let mut found = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        // A byte-order mark opening the file is the file's encoding, not a character of the policy.
        if accepted(c) || (start == 0 && c == '\u{feff}') {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if accepted(next) {
                break;
            }
            end = i + next.len_utf8();
            chars.next();
        }
        let run = &text[start..end];
        let replacement: Option<String> = run.chars().map(look_alike).collect();
        let codes: Vec<String> = run.chars().take(3).map(|c| format!("U+{:04X}", c as u32)).collect();
        let codes = if run.chars().count() > 3 { format!("{}, ...", codes.join(", ")) } else { codes.join(", ") };
        let shown = if run.chars().all(invisible) {
            format!("an invisible character ({codes})")
        } else {
            format!("`{run}` ({codes})")
        };
        let limit = "IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF (ASCII and Latin-1) in a policy, and rejects the document";
        let mut d = match &replacement {
            Some(r) if r.is_empty() => Diagnostic::new(
                Code::PolicyCharacter,
                TextRange::new(start, end),
                format!("{shown}: {limit}; remove it"),
            ),
            Some(r) => Diagnostic::new(
                Code::PolicyCharacter,
                TextRange::new(start, end),
                format!("{shown}: {limit}; write `{r}`"),
            ),
            None => Diagnostic::new(
                Code::PolicyCharacter,
                TextRange::new(start, end),
                format!("{shown}: {limit}; write it with ASCII or Latin-1 characters"),
            ),
        };
        if let Some(r) = replacement {
            let title =
                if r.is_empty() { "Remove the invisible character".to_string() } else { format!("Write `{r}`") };
            d = d.with_fix(Fix::replace(title, TextRange::new(start, end), r).preferred(true));
        }
        cx.push(d);
        found += 1;
        if found == MOST {
            break;
        }
    }
}

fn accepted(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}')
}

fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// The ASCII character a typographic look-alike stands for (copied from documents and chat
/// answers), `""` for an invisible one; `None` when the character has no ASCII meaning. Curly
/// double quotes have none: inside a JSON string, a straight one would end it.
fn look_alike(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{2035}' => "'",
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe63}' | '\u{ff0d}' => "-",
        '\u{2026}' => "...",
        '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => " ",
        c if invisible(c) => "",
        _ => return None,
    })
}
