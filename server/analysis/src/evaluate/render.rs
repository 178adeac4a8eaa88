//! An evaluation as a person reads it: the decision, what decides, and why the statements
//! that came close did not apply. The CLI's `simulate` prints it; the playground shows it.

use super::{Decision, Evaluation, Request};

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
