//! Risk classes of what an identity policy grants, for a reviewer: actions that change
//! permissions (the catalog's access level Permissions management), that return
//! credentials, and that (alone or together) let the holder raise its own permissions
//! (`knowledge/risk-actions.json`). Advice (`info`), not errors: administrators need them.
//!
//! Only Allow statements of identity policies: boundaries, SCPs and RCPs set a ceiling and
//! grant nothing, and a trust or resource policy grants to a principal that is not the
//! policy's holder. `NotAction` is `allow-with-not`'s, and a statement that `full-admin`
//! reports grants every action: listing its risky ones would say less than that does.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::{security, Ctx, Summary};
use crate::catalog::{AccessLevel, Action, Service};
use crate::diagnostics::{Code, Diagnostic};
use crate::kind::PolicyKind;
use crate::knowledge::{Escalation, RiskActions};
use crate::model::{Effect, Outline, Statement};
use crate::pattern;
use crate::syntax::Value;

/// How many entries of a wildcard's actions a message names.
const NAMED_PER_WILDCARD: usize = 2;

/// Verbs of actions that read: the catalog gives a few of them access level Permissions
/// management (`billing:GetResourcePolicy`, `glue:ListEntities`, 20 findings on the AWS
/// managed policies), but they change nothing.
const READ_VERBS: [&str; 6] = ["Get", "List", "Describe", "BatchGet", "Search", "View"];

fn reads(action: &str) -> bool {
    READ_VERBS
        .iter()
        .any(|verb| action.strip_prefix(verb).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase())))
}

/// An action a finding names (`service:Name`), with why it is risky where the table says.
type Listed = (String, Option<&'static str>);

/// The class an action is reported in: one per action, the gravest.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Escalation,
    Credentials,
    PermissionsManagement,
}

/// The data, indexed: lower-cased `service:name` → what the table says of it.
struct Table {
    /// Single-action escalations and credential actions.
    classes: FxHashMap<String, (Class, &'static str)>,
    /// The prefixes of those, to look up only actions that can be in the table.
    prefixes: Vec<String>,
    /// Each combination's actions, lower-cased, with the slot of its first action in
    /// [`Summary::risk`] (the slots of one combination are consecutive).
    combinations: Vec<(&'static Escalation, Vec<String>, u32)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let data = RiskActions::get();
        let mut classes = FxHashMap::default();
        for c in &data.credentials {
            classes.insert(c.action.to_ascii_lowercase(), (Class::Credentials, c.returns.as_str()));
        }
        for e in data.escalation.iter().filter(|e| e.actions.len() == 1) {
            classes.insert(e.actions[0].to_ascii_lowercase(), (Class::Escalation, e.how.as_str()));
        }
        let mut prefixes: Vec<String> =
            classes.keys().filter_map(|k| k.split_once(':')).map(|(p, _)| p.to_string()).collect();
        prefixes.sort();
        prefixes.dedup();
        let mut slot = 0;
        let mut combinations = Vec::new();
        for e in data.combinations() {
            let actions: Vec<String> = e.actions.iter().map(|a| a.to_ascii_lowercase()).collect();
            let n = actions.len() as u32;
            // A set that does not fit the summary's bits is left out (a test keeps them fitting).
            if slot + n <= u64::BITS {
                combinations.push((e, actions, slot));
                slot += n;
            }
        }
        Table { classes, prefixes, combinations }
    })
}

/// Whether the statement is one the risk classes look at.
fn applies(cx: &Ctx, statement: &Statement) -> bool {
    cx.kind == PolicyKind::Identity
        && statement.effect == Some(Effect::Allow)
        && statement.action.is_some()
        && !security::is_full_admin(statement)
}

fn full_name(service: &Service, action: &Action) -> String {
    format!("{}:{}", service.prefix, action.name)
}

/// The per-statement findings, and the combination slots the statement fills (for
/// [`check_policy`]).
pub fn check(cx: &mut Ctx, statement: &Statement) -> u64 {
    if !applies(cx, statement) {
        return 0;
    }
    let (Some(actions), Some(matched)) = (&statement.action, cx.matched(statement)) else { return 0 };
    let table = table();
    // Per class, per `Action` entry: the entry and the actions first listed through it.
    let mut found: [Vec<(&str, Vec<Listed>)>; 3] = Default::default();
    let mut seen = rustc_hash::FxHashSet::default();
    let mut granted = Vec::new();
    for (entry, entry_actions) in actions.items.iter().zip(matched.per_entry()) {
        // An entry without `:` other than `*` is an `action-syntax` error, which the
        // catalog reads as the whole service: it grants nothing.
        if entry.value != "*" && !entry.value.contains(':') {
            continue;
        }
        granted.extend_from_slice(entry_actions);
        let mut per_class: [Vec<Listed>; 3] = Default::default();
        for (service, action) in entry_actions {
            let known = if table.prefixes.iter().any(|p| p.eq_ignore_ascii_case(service.prefix)) {
                table.classes.get(&full_name(service, action).to_ascii_lowercase()).copied()
            } else {
                None
            };
            let (class, why) = match known {
                Some((class, why)) => (class, Some(why)),
                None if action.access_level == AccessLevel::PermissionsManagement && !reads(action.name) => {
                    (Class::PermissionsManagement, None)
                }
                None => continue,
            };
            if seen.insert(std::ptr::from_ref(*action)) {
                per_class[class as usize].push((full_name(service, action), why));
            }
        }
        for (class, listed) in per_class.into_iter().enumerate() {
            if !listed.is_empty() {
                found[class].push((entry.value.as_str(), listed));
            }
        }
    }
    let range = actions.member.key.range;
    for (class, code, what, after, tail) in [
        (
            Class::Escalation,
            Code::PrivilegeEscalation,
            "raise its own permissions (known privilege escalation)",
            "",
            "grant these only to administrators, or scope `Resource` to what the holder manages",
        ),
        (
            Class::Credentials,
            Code::CredentialExposure,
            "obtain credentials",
            "",
            "check that the holder is meant to act with them",
        ),
        (
            Class::PermissionsManagement,
            Code::PermissionsManagement,
            "change permissions",
            " (access level Permissions management)",
            "grant these only to principals meant to manage access, on the resources they manage",
        ),
    ] {
        let entries = &found[class as usize];
        if entries.is_empty() {
            continue;
        }
        let named: Vec<String> = entries.iter().map(|(entry, listed)| describe(entry, listed)).collect();
        let message = format!("this statement lets the holder {what}: {}{after}; {tail}", named.join(", "));
        cx.push(Diagnostic::new(code, range, message));
    }
    combination_slots(statement, &granted)
}

/// How a message names what one `Action` entry grants of a class: its actions (with why
/// each is risky), or for a wildcard with many the entry, how many and a few of them.
fn describe(entry: &str, listed: &[Listed]) -> String {
    let name = |(action, why): &Listed| match why {
        Some(why) => format!("{action} ({why})"),
        None => action.clone(),
    };
    if !pattern::has_wildcard(entry) || listed.len() <= NAMED_PER_WILDCARD {
        return listed.iter().map(name).collect::<Vec<_>>().join(", ");
    }
    // Those that change a policy first: they say most plainly what the class is.
    let mut sample: Vec<&str> = listed.iter().map(|(a, _)| a.as_str()).collect();
    sample.sort_by_key(|a| !a.contains("Policy"));
    let some = &sample[..NAMED_PER_WILDCARD];
    format!("`{entry}` ({} actions, among them {})", listed.len(), some.join(", "))
}

/// The combination slots a statement's actions fill: an `iam:PassRole` counts for a
/// combination only if the statement's `iam:PassedToService` condition (if any) lets it
/// pass roles to the combination's service.
fn combination_slots(statement: &Statement, granted: &[(&Service, &Action)]) -> u64 {
    let passed_to = passed_to_service(statement);
    let mut slots = 0u64;
    for (combination, actions, first) in &table().combinations {
        for (i, action) in actions.iter().enumerate() {
            let Some((prefix, name)) = action.split_once(':') else { continue };
            let grants = |(s, a): &(&Service, &Action)| {
                s.prefix.eq_ignore_ascii_case(prefix) && a.name.eq_ignore_ascii_case(name)
            };
            if !granted.iter().any(grants) {
                continue;
            }
            if action == "iam:passrole" {
                if let (Some(values), Some(service)) = (&passed_to, &combination.passed_to) {
                    if !values.iter().any(|v| pattern::matches_ignore_case(v, service)) {
                        continue;
                    }
                }
            }
            slots |= 1 << (first + i as u32);
        }
    }
    slots
}

/// The values of the statement's `iam:PassedToService` conditions with a positive string
/// operator (`StringEquals`, `StringLike`, their `ForAnyValue:` and `IfExists` forms);
/// `None` without one.
fn passed_to_service(statement: &Statement) -> Option<Vec<String>> {
    let Some(Value::Object(condition)) = statement.condition.and_then(|m| m.value.as_ref()) else { return None };
    let mut values: Option<Vec<String>> = None;
    for block in &condition.members {
        let operator = block.key.value.to_ascii_lowercase();
        let operator = operator.strip_prefix("foranyvalue:").unwrap_or(&operator);
        let operator = operator.strip_suffix("ifexists").unwrap_or(operator);
        if operator != "stringequals" && operator != "stringlike" {
            continue;
        }
        let Some(Value::Object(keys)) = block.value.as_ref() else { continue };
        for member in keys.members.iter().filter(|m| m.key.value.eq_ignore_ascii_case("iam:PassedToService")) {
            let list = values.get_or_insert_with(Vec::new);
            match member.value.as_ref() {
                Some(Value::String(s)) => list.push(s.value.clone()),
                Some(Value::Array(a)) => list.extend(a.items.iter().filter_map(Value::as_str).map(|s| s.value.clone())),
                _ => {}
            }
        }
    }
    values
}

/// Combinations granted across the policy's statements, each reported once, on the
/// `Action` of the statement that grants the set's first action.
pub fn check_policy(cx: &mut Ctx, policy: &Outline, summaries: &[Summary]) {
    if cx.kind != PolicyKind::Identity || summaries.iter().all(|s| s.risk == 0) {
        return;
    }
    for (combination, actions, first) in &table().combinations {
        // For each action of the set, the first statement granting it.
        let granting: Option<Vec<usize>> = (0..actions.len() as u32)
            .map(|i| summaries.iter().position(|s| s.risk & (1 << (first + i)) != 0))
            .collect();
        let Some(granting) = granting else { continue };
        // In the order of the set's actions (`iam:PassRole` first, which the advice is about).
        let mut involved: Vec<usize> = Vec::with_capacity(granting.len());
        for &index in &granting {
            if !involved.contains(&index) {
                involved.push(index);
            }
        }
        let Some(range) = policy.statements.get(involved[0]).and_then(|s| s.model().action.map(|a| a.member.key.range))
        else {
            continue;
        };
        let who = if involved.len() == 1 {
            format!("this statement's {}", combination.actions.join(", "))
        } else {
            let parts: Vec<String> = involved
                .iter()
                .map(|&index| {
                    let names: Vec<&str> = combination
                        .actions
                        .iter()
                        .zip(&granting)
                        .filter(|(_, &g)| g == index)
                        .map(|(a, _)| a.as_str())
                        .collect();
                    let statement = policy
                        .statements
                        .get(index)
                        .map_or_else(|| format!("statement {}", index + 1), |s| s.model().name());
                    format!("{statement} ({})", names.join(", "))
                })
                .collect();
            format!("together, {}", join_and(&parts))
        };
        let fix = if combination.passed_to.is_some() {
            "limit `iam:PassRole` to roles with no more permissions than the holder's"
        } else {
            "grant these together only to administrators"
        };
        let message = format!(
            "{who} let the holder raise its own permissions (known privilege escalation): it {}; {fix}",
            combination.how
        );
        cx.push(Diagnostic::new(Code::PrivilegeEscalation, range, message));
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_verbs_are_whole_words() {
        assert!(reads("GetResourcePolicy") && reads("ListEntities") && reads("BatchGetStageFiles"));
        assert!(!reads("PutBucketPolicy") && !reads("Getaway") && !reads("ViewerUpdate") && !reads("Listen"));
    }

    #[test]
    fn every_combination_fits_the_summary() {
        let fitted: usize = table().combinations.len();
        assert_eq!(fitted, RiskActions::get().combinations().count());
    }
}
