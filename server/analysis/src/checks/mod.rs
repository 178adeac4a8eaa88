//! The checks: each looks at the policy model and reports diagnostics. One file per
//! element family; each diagnostic's code is in `diagnostics::Code`.

mod actions;
mod resources;

use crate::catalog::Catalog;
use crate::diagnostics::Diagnostic;
use crate::model::Policy;

pub fn run(policy: &Policy, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    for statement in &policy.statements {
        actions::check(statement, catalog, out);
        resources::check(statement, catalog, out);
    }
}

/// Up to `n` candidates closest to `target` (ignoring case), best first, among those close
/// enough to be worth suggesting.
pub(crate) fn nearest<'c>(target: &str, candidates: impl Iterator<Item = &'c str>, n: usize) -> Vec<&'c str> {
    let target = target.to_ascii_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .filter_map(|c| {
            let c_lower = c.to_ascii_lowercase();
            // Skip the edit distance where it cannot reach the bar (perf: it dominated
            // analysis time on documents with many unknown actions).
            if !can_reach(&target, &c_lower, 0.6) {
                return None;
            }
            Some((similarity(&target, &c_lower), c))
        })
        .filter(|(score, _)| *score >= 0.6)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// Whether `similarity(a, b)` can be `bar` or more: an edit distance is at least the
/// difference in length, which bounds the normalised score from above; containment lifts it.
fn can_reach(a: &str, b: &str, bar: f64) -> bool {
    if a.len() >= 4 && (b.contains(a) || a.contains(b)) {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    let longest = la.max(lb);
    longest == 0 || 1.0 - (la.abs_diff(lb) as f64) / (longest as f64) >= bar
}

fn similarity(a: &str, b: &str) -> f64 {
    let edit = strsim::normalized_damerau_levenshtein(a, b);
    // A typo keeps most of a word in place; a name that contains the other (a missing
    // suffix such as `GetObjects`) is also close.
    if a.len() >= 4 && (b.contains(a) || a.contains(b)) {
        edit.max(0.75)
    } else {
        edit
    }
}

/// `a, b and c`, each in backticks.
pub(crate) fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
