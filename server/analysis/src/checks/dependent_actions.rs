//! Actions that need another to do their work (`knowledge/dependent-actions.json`): a hint
//! where an identity policy allows one and grants the other nowhere. Across statements, as
//! the other action is usually granted in a statement of its own (on a key, a role).

use std::sync::OnceLock;

use super::{add_item, Ctx, Summary};
use crate::arn;
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::kind::PolicyKind;
use crate::knowledge::DependentActions;
use crate::model::{Effect, Outline, Statement};
use crate::pattern;

/// The actions some entry needs, each once: bit `i` of [`Summary::needs`] and
/// [`Summary::grants_needed`] is `needed()[i]`.
fn needed() -> &'static [&'static str] {
    static NEEDED: OnceLock<Vec<&'static str>> = OnceLock::new();
    NEEDED.get_or_init(|| {
        let mut all: Vec<&str> = DependentActions::get().entries.iter().map(|e| e.needs.as_str()).collect();
        all.sort_unstable();
        all.dedup();
        all.truncate(u16::BITS as usize);
        all
    })
}

fn bit(needs: &str) -> Option<u16> {
    needed().iter().position(|n| *n == needs).map(|i| 1 << i)
}

/// What a statement needs of other actions and grants of them: bits over [`needed`].
pub fn summarize(cx: &Ctx, statement: &Statement) -> (u16, u16) {
    if cx.kind != PolicyKind::Identity || statement.effect != Some(Effect::Allow) {
        return (0, 0);
    }
    let table = DependentActions::get();
    let mut needs = 0;
    if let Some(actions) = &statement.action {
        for entry in actions.items.iter().filter(|e| !pattern::has_wildcard(&e.value)) {
            needs |= table.of(&entry.value).and_then(|d| bit(&d.needs)).unwrap_or(0);
        }
    }
    let mut grants = 0;
    for (i, action) in needed().iter().enumerate() {
        let granted = match (&statement.action, &statement.not_action) {
            (Some(list), _) => list.items.iter().any(|e| pattern::matches_ignore_case(&e.value, action)),
            (None, Some(list)) => !list.items.iter().any(|e| pattern::matches_ignore_case(&e.value, action)),
            (None, None) => false,
        };
        if granted {
            grants |= 1 << i;
        }
    }
    (needs, grants)
}

/// The hints: each `Action` entry that needs an action no statement of the policy grants.
pub fn check_policy(cx: &mut Ctx, policy: &Outline, summaries: &[Summary]) {
    let granted = summaries.iter().fold(0, |all, s| all | s.grants_needed);
    if summaries.iter().all(|s| s.needs & !granted == 0) {
        return;
    }
    let table = DependentActions::get();
    for (at, summary) in policy.statements.iter().zip(summaries) {
        if summary.needs & !granted == 0 {
            continue;
        }
        let statement = &at.model();
        let Some(actions) = &statement.action else { continue };
        // One edit can add the action only where the statement would grant it as it is:
        // on every resource and without a condition (one on the first action's keys would
        // not hold for the other's requests).
        let fixable = statement.condition.is_none()
            && statement.resource.as_ref().is_some_and(|r| r.items.iter().any(|i| arn::is_all_wildcard(&i.value)));
        // Per table entry, the `Action` entries it names: one finding on the first, naming
        // all (per table entry, as each says when and on what its action is needed).
        let mut by_need: Vec<(&crate::knowledge::Dependency, Vec<&crate::syntax::StringLit>)> = Vec::new();
        for entry in actions.items.iter().filter(|e| !pattern::has_wildcard(&e.value)) {
            let Some(dependency) = table.of(&entry.value) else { continue };
            if bit(&dependency.needs).is_none_or(|b| granted & b != 0) {
                continue;
            }
            match by_need.iter_mut().find(|(d, _)| std::ptr::eq(*d, dependency)) {
                Some((_, entries)) => entries.push(entry),
                None => by_need.push((dependency, vec![entry])),
            }
        }
        for (dependency, entries) in by_need {
            let needs = &dependency.needs;
            let fixable = fixable && dependency.no_fix.is_none();
            let names: Vec<&str> = entries.iter().map(|e| e.value.as_str()).collect();
            let verb = if names.len() == 1 { "needs" } else { "need" };
            let what =
                if fixable { "add it to this statement".to_string() } else { format!("allow it on {}", dependency.on) };
            let mut d = Diagnostic::new(
                Code::DependentActionMissing,
                entries[0].range,
                format!(
                    "{} also {verb} `{needs}` on {} when {}, and this policy grants `{needs}` nowhere: {what}, unless another of the principal's policies or the resource's own policy grants it",
                    join_and(&names), dependency.on, dependency.when
                ),
            );
            if fixable {
                if let Some(edit) = add_item(actions, needs) {
                    d = d.with_fix(Fix { title: format!("Add `{needs}`"), edits: vec![edit], preferred: false });
                }
            }
            cx.push(d);
        }
    }
}

/// `` `a` ``, `` `a` and `b` ``, `` `a`, `b` and `c` ``.
fn join_and(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
