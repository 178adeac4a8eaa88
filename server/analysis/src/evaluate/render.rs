//! An evaluation as a person reads it: the decision, what decides, and why the statements
//! that came close did not apply. The CLI's `simulate` prints it; the playground shows it.

use super::condition::ConditionFailure;
use super::{Decision, Evaluation, PolicyType, Request, StatementReport};

/// The answer for one request.
pub fn render(request: &Request, e: &Evaluation) -> String {
    let mut out = String::new();
    let blocked: Vec<&str> = e.blocked_by.iter().map(|t| t.as_str()).collect();
    out.push_str(&format!("{} {} on {}\n", request.principal, request.action, request.resource));
    if blocked.is_empty() {
        out.push_str(&format!("decision: {}\n", e.decision.as_str()));
    } else {
        out.push_str(&format!("decision: {} (blocked by {})\n", e.decision.as_str(), blocked.join(", ")));
    }
    match e.decision {
        Decision::ExplicitlyDenied => {
            for s in e.denying() {
                out.push_str(&format!("  denied by {}\n", s.describe()));
                for held in &s.conditions_held {
                    out.push_str(&format!("    {held}\n"));
                }
            }
        }
        Decision::ImplicitlyDenied => {
            for &kind in &e.blocked_by {
                out.push_str(&format!("  no {} allows it\n", kind.describe()));
                let close: Vec<_> = e
                    .statements
                    .iter()
                    .filter(|s| s.policy_type == kind && s.effect == Some("Allow") && !s.applies)
                    .collect();
                // The statements that name the action first: the closest to allowing.
                let naming: Vec<_> = close.iter().filter(|s| s.action.matched).collect();
                let shown: Vec<_> = if naming.is_empty() { close.iter().collect() } else { naming };
                // Every element that did not match (the evaluation may have them all): one
                // on the statement's line, several each on a line below it.
                for s in shown.iter().take(5) {
                    match s.every_why_not().as_slice() {
                        [] => out.push_str(&format!("    {}: does not apply\n", s.describe())),
                        [one] => out.push_str(&format!("    {}: {one}\n", s.describe())),
                        several => {
                            out.push_str(&format!("    {}:\n", s.describe()));
                            for why in several {
                                out.push_str(&format!("      {why}\n"));
                            }
                        }
                    }
                }
            }
        }
        Decision::Allowed => {
            for s in e.allowing() {
                out.push_str(&format!("  allowed by {}\n", s.describe()));
            }
        }
    }
    for note in &e.notes {
        out.push_str(&format!("  note: {note}\n"));
    }
    out
}

/// The one change to the policies that would allow the request, where one edit would (the
/// line `explain` adds after the answer): for an implicit deny, the closest `Allow` of the
/// policy type that blocks, when a single element of it did not match; for an explicit deny,
/// the `Deny` that decides. `None` when the request is allowed. Several policy types that
/// block need a change each, and the answer says so.
pub fn one_change(request: &Request, e: &Evaluation) -> Option<String> {
    let (action, resource) = (&request.action, &request.resource);
    match e.decision {
        Decision::Allowed => None,
        Decision::ExplicitlyDenied => {
            let deny = e.denying().next()?;
            let others = e.blocked_by.iter().filter(|&&t| t != deny.policy_type).count();
            let also = if others > 0 { " (and the other policy types that block must allow it)" } else { "" };
            Some(if deny.conditions_held.is_empty() {
                format!(
                    "leave `{action}` out of the Action of {} (or `{resource}` out of its Resource): its Deny has no condition this request could fail{also}",
                    deny.describe()
                )
            } else {
                format!(
                    "change the condition of {} so that it does not hold for this request ({}), or leave `{action}` on `{resource}` out of it{also}",
                    deny.describe(),
                    deny.conditions_held.join("; ")
                )
            })
        }
        Decision::ImplicitlyDenied => {
            if let [one, _, ..] = e.blocked_by.as_slice() {
                let names: Vec<&str> = e.blocked_by.iter().map(|t| t.describe()).collect();
                return Some(format!(
                    "no one change: {} must each allow it (the first: the {})",
                    names.join(", "),
                    one.describe()
                ));
            }
            let kind = *e.blocked_by.first()?;
            // SCP and RCP levels that allow it already need no change: only the others.
            let allowed_levels: Vec<Option<usize>> = e
                .statements
                .iter()
                .filter(|s| s.policy_type == kind && s.effect == Some("Allow") && s.applies)
                .map(|s| s.level)
                .collect();
            // The closest Allow: one element from applying, those naming the action first.
            let mut close: Vec<&StatementReport> = e
                .statements
                .iter()
                .filter(|s| s.policy_type == kind && s.effect == Some("Allow") && !s.applies)
                .filter(|s| s.level.is_none() || !allowed_levels.contains(&s.level))
                .filter(|s| s.parts().filter(|(_, c)| !c.matched).count() == 1)
                .collect();
            close.sort_by_key(|s| !s.action.matched);
            let Some(s) = close.first() else {
                return Some(match kind {
                    PolicyType::Resource => format!(
                        "add a statement to the resource's policy that allows `{action}` for `{}`",
                        request.principal
                    ),
                    PolicyType::Scp | PolicyType::Rcp => format!(
                        "add an Allow for `{action}` to the {} at each level where none allows it",
                        kind.describe()
                    ),
                    _ => format!("add an Allow for `{action}` on `{resource}` to the {}", kind.describe()),
                });
            };
            let (part, _) = s.parts().find(|(_, c)| !c.matched)?;
            let at = s.describe();
            Some(match part {
                "action" => format!("add `{action}` to the Action of {at}"),
                "resource" => format!("add `{resource}` to the Resource of {at}"),
                "principal" => format!("name `{}` in the Principal of {at}", request.principal),
                _ => match s.condition_failure.as_deref() {
                    Some(f) => condition_change(f, &at),
                    None => format!("change the condition of {at} so that this request meets it"),
                },
            })
        }
    }
}

/// The change to a condition that failed: the value to add where the operator lists what
/// may pass, else what the request has against what the condition wants.
fn condition_change(f: &ConditionFailure, at: &str) -> String {
    let (op, key) = (f.operator, f.key);
    let base = op.trim_end_matches("IfExists");
    let base = base.rsplit(':').next().unwrap_or(base);
    let lists_what_passes =
        matches!(base, "StringEquals" | "StringEqualsIgnoreCase" | "StringLike" | "ArnEquals" | "ArnLike");
    match f.request.as_deref() {
        None => format!("send `{key}` with the request, or remove the `{op}` condition on `{key}` from {at}"),
        Some([value]) if lists_what_passes => {
            format!("add `{value}` to the values of `{key}` in the `{op}` condition of {at}")
        }
        Some(values) => {
            let has: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            let wants: Vec<String> = f.values.iter().map(|v| format!("`{v}`")).collect();
            format!(
                "change the `{op}` condition on `{key}` of {at}: the request has {}, the condition wants [{}]",
                has.join(", "),
                wants.join(", ")
            )
        }
    }
}
