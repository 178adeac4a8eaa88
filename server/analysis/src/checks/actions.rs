//! `Action` and `NotAction`: each entry names real actions of a real service.

use rustc_hash::FxHashMap as HashMap;

use super::{array_of, list, nearest, remove_item, rewrite_entry, written_entry, CloseActions, Ctx};
use crate::catalog::{Action, Catalog, Service};
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::kind::{is_trust_action, PolicyKind};
use crate::knowledge::ApiNames;
use crate::model::{Statement, Strings};
use crate::pattern;
use crate::syntax::StringLit;
use crate::text::{split_colon, IgnoreCase};

pub fn check(cx: &mut Ctx, statement: &Statement) {
    for list in [&statement.action, &statement.not_action].into_iter().flatten() {
        for &action in &list.items {
            if let Some(found) = check_action(list, action, cx.catalog, &cx.close_actions, cx.out) {
                check_case(cx, list, action, found);
            }
        }
    }
    for strings in [&statement.action, &statement.not_action].into_iter().flatten() {
        duplicates_and_redundant(cx, strings);
    }
    if let Some(actions) = &statement.action {
        for action in &actions.items {
            not_in_kind(cx, action);
        }
    }
}

/// `bedrock:invokemodel` works (IAM ignores case) but reads as a typo.
fn check_case(cx: &mut Ctx, list: &Strings, lit: &StringLit, (service, action): (&Service, &Action)) {
    let spelt_so = split_colon(&lit.value).is_some_and(|(p, n)| p == service.prefix && n == action.name);
    if !spelt_so {
        let canonical = format!("{}:{}", service.prefix, action.name);
        cx.push(
            Diagnostic::new(
                Code::ActionCase,
                lit.content_range(),
                format!("IAM ignores case, but the action is spelt `{canonical}`"),
            )
            .with_fix(rewrite(
                list,
                lit,
                Fix::replace(format!("Change to `{canonical}`"), lit.content_range(), canonical.clone())
                    .preferred(true),
            )),
        );
    }
}

/// A fix that rewrites an action entry, or removes it where the list already has the action
/// it would write (listed, or under a wildcard: what `duplicates_and_redundant` reports).
fn rewrite(list: &Strings, lit: &StringLit, fix: Fix) -> Fix {
    rewrite_entry(list, lit, fix, |entry, written| {
        entry.eq_ignore_ascii_case(written)
            || (entry != "*"
                && pattern::has_wildcard(entry)
                && !pattern::has_wildcard(written)
                && pattern::matches_ignore_case(entry, written))
    })
}

/// Fixes whose edits an earlier one already makes (two names that both come to removing the
/// entry) are left out.
fn distinct(fixes: Vec<Fix>) -> Vec<Fix> {
    let mut out: Vec<Fix> = Vec::with_capacity(fixes.len());
    for fix in fixes {
        if !out.iter().any(|f| f.edits == fix.edits) {
            out.push(fix);
        }
    }
    out
}

fn duplicates_and_redundant(cx: &mut Ctx, strings: &Strings) {
    let array = array_of(strings.member.value.as_ref());
    let items = &strings.items;
    // Statements can list hundreds of actions: compare against the few wildcards only, and
    // look up an entry's place in the array only for the fix of a finding.
    // Wildcards by their service prefix (a `*` in the prefix: under "*"), so that an action
    // meets only the wildcards of its own service.
    let mut wildcards: HashMap<IgnoreCase, Vec<&StringLit>> = HashMap::default();
    for w in items.iter().copied().filter(|w| w.value != "*" && pattern::has_wildcard(&w.value)) {
        let prefix = split_colon(&w.value).map_or("*", |(p, _)| p);
        let key = if pattern::has_wildcard(prefix) { "*" } else { prefix };
        wildcards.entry(IgnoreCase(key)).or_default().push(w);
    }
    let removal = |item: &StringLit, title: String| {
        let index = array.and_then(|a| a.items.iter().position(|v| v.range() == item.range));
        array.zip(index).map(|(a, idx)| Fix { title, edits: vec![remove_item(a, idx)], preferred: true })
    };
    let mut first_seen: HashMap<IgnoreCase, usize> = HashMap::with_capacity_and_hasher(items.len(), Default::default());
    for (i, item) in items.iter().enumerate() {
        if let Some(&first) = first_seen.get(&IgnoreCase(&item.value)) {
            let d = Diagnostic::new(
                Code::ActionDuplicate,
                item.range,
                format!("`{}` is already listed (entry {}): remove this one", item.value, first + 1),
            )
            .with_fixes(removal(item, format!("Remove the duplicate `{}`", item.value)));
            cx.push(d);
            continue;
        }
        first_seen.insert(IgnoreCase(&item.value), i);
        // A wildcard is redundant only under a broader wildcard, which is rare; compare exact
        // actions only.
        if pattern::has_wildcard(&item.value) {
            continue;
        }
        let prefix = split_colon(&item.value).map_or("", |(p, _)| p);
        let candidates =
            wildcards.get(&IgnoreCase(prefix)).into_iter().chain(wildcards.get(&IgnoreCase("*"))).flatten();
        if let Some(wildcard) = candidates.into_iter().find(|w| pattern::matches_ignore_case(&w.value, &item.value)) {
            let d = Diagnostic::new(
                Code::ActionRedundant,
                item.range,
                format!(
                    "`{}` is already covered by `{}` in this statement: remove it (or narrow the wildcard)",
                    item.value, wildcard.value
                ),
            )
            .with_fixes(removal(item, format!("Remove `{}`", item.value)));
            cx.push(d);
        }
    }
}

/// Actions a policy kind cannot use.
fn not_in_kind(cx: &mut Ctx, lit: &StringLit) {
    let value = lit.value.as_str();
    let Some((prefix, _)) = split_colon(value) else { return };
    match cx.kind {
        PolicyKind::Rcp
            if !pattern::has_wildcard(prefix)
                && cx.catalog.service(prefix).is_some()
                && !cx.catalog.rcp_supports(prefix) =>
        {
            cx.push(Diagnostic::new(
                Code::ActionNotInKind,
                lit.sub_range(0, prefix.len()),
                format!("resource control policies do not support `{prefix}` actions: RCPs apply only to the services AWS lists as RCP-supported (S3, STS, KMS, SQS, Secrets Manager, ...)"),
            ));
        }
        PolicyKind::Trust if value != "*" && !pattern::has_wildcard(value) && !is_trust_action(value) => {
            cx.push(Diagnostic::new(
                Code::ActionNotInKind,
                lit.content_range(),
                format!("a role trust policy grants only role actions (`sts:AssumeRole`, `sts:AssumeRoleWithSAML`, `sts:AssumeRoleWithWebIdentity`, `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`), not `{value}`"),
            ));
        }
        _ => {}
    }
}

/// The finding `check` reports on an action entry of `list` that names no action, with the
/// entries its fixes would write, best first: what a hover on the entry says.
pub(crate) fn unknown_action(list: &Strings, lit: &StringLit, catalog: &Catalog) -> Option<(Diagnostic, Vec<String>)> {
    // Alone in its list, the entry's fixes rewrite it (rather than remove it where the list
    // has what they would write already), so that they name what it may mean.
    let alone = Strings::new(list.member, vec![lit]);
    let mut found = Vec::new();
    check_action(&alone, lit, catalog, &CloseActions::default(), &mut found);
    let d = found.pop()?;
    let written = d.fixes.iter().filter_map(|fix| written_entry(lit, fix)).collect();
    Some((d, written))
}

/// Reports an entry that names no real action; returns the action an exact entry names.
fn check_action<'c>(
    entries: &Strings,
    lit: &StringLit,
    catalog: &'c Catalog,
    close_actions: &CloseActions<'c>,
    out: &mut Vec<Diagnostic>,
) -> Option<(&'c Service, &'c Action)> {
    let value = lit.value.as_str();
    if value == "*" {
        return None;
    }
    let Some((prefix, name)) = split_colon(value) else {
        let mut d = Diagnostic::new(
            Code::ActionSyntax,
            lit.content_range(),
            format!("`{value}` is not an action: write `service:Action` (e.g. `s3:GetObject`), `service:*`, or `*`"),
        );
        if catalog.service(value).is_some() {
            let fix = Fix::replace(format!("Change to `{value}:*`"), lit.content_range(), format!("{value}:*"));
            d = d.with_fix(rewrite(entries, lit, fix));
        }
        out.push(d);
        return None;
    };
    let prefix_range = lit.sub_range(0, prefix.len());
    let name_range = lit.sub_range(prefix.len() + 1, value.len());
    if name.is_empty() || prefix.is_empty() {
        out.push(Diagnostic::new(
            Code::ActionSyntax,
            lit.content_range(),
            format!("`{value}` is not an action: write `service:Action` with both parts (e.g. `s3:GetObject`)"),
        ));
        return None;
    }

    if pattern::has_wildcard(prefix) {
        if !catalog.matches_any_action(value) {
            out.push(Diagnostic::new(
                Code::WildcardMatchesNothing,
                lit.content_range(),
                format!("`{value}` matches no action of any service: check the spelling of the pattern"),
            ));
        }
        return None;
    }

    let Some(service) = catalog.service(prefix) else {
        let mut d = unknown_prefix(value, prefix, name, prefix_range, catalog);
        d.fixes = distinct(d.fixes.into_iter().map(|fix| rewrite(entries, lit, fix)).collect());
        out.push(d);
        return None;
    };

    if pattern::has_wildcard(name) {
        if !catalog.matches_any_action(value) {
            let close = nearest(name.trim_matches(['*', '?']), service.actions.iter().map(|a| a.name), 3);
            let hint = if close.is_empty() { String::new() } else { format!(" (close names: {})", list(&close)) };
            out.push(Diagnostic::new(
                Code::WildcardMatchesNothing,
                name_range,
                format!("`{value}` matches no {prefix} action, so it grants nothing{hint}"),
            ));
        }
        return None;
    }

    if let Some(action) = service.action(name) {
        return Some((service, action));
    }
    if pattern::has_variable(name) {
        return None; // a policy variable in an action is reported as such
    }
    if let Some(alias) = ApiNames::get().action(value) {
        let mut d =
            Diagnostic::new(Code::UnknownAction, name_range, format!("`{value}` is not an IAM action: {}", alias.why));
        let single = alias.replacements.len() == 1;
        let fixes = alias.replacements.iter().map(|replacement| {
            let fix = Fix::replace(format!("Change to `{replacement}`"), lit.content_range(), replacement.clone());
            rewrite(entries, lit, fix.preferred(single))
        });
        d.fixes = distinct(fixes.collect());
        out.push(d);
        return None;
    }
    if let Some(spelling) = catalog.legacy_action(value) {
        out.push(legacy(spelling, lit));
        return None;
    }
    let close = close_actions
        .borrow_mut()
        .entry((service.prefix, name.to_ascii_lowercase()))
        .or_insert_with(|| nearest(name, service.actions.iter().map(|a| a.name), 3))
        .clone();
    let mut message = format!("`{}` has no action `{name}`", service.prefix);
    if close.is_empty() {
        message.push_str(&format!(": see the {} actions in the Service Authorization Reference", service.name));
    } else {
        message.push_str(&format!("; did you mean {}?", list(&close)));
    }
    let mut d = Diagnostic::new(Code::UnknownAction, name_range, message);
    let fixes = close.iter().map(|candidate| {
        let fix = Fix::replace(format!("Change to `{}:{candidate}`", service.prefix), name_range, *candidate);
        rewrite(entries, lit, fix.preferred(close.len() == 1))
    });
    d.fixes = distinct(fixes.collect());
    out.push(d);
    None
}

fn unknown_prefix(
    value: &str,
    prefix: &str,
    name: &str,
    range: crate::text::TextRange,
    catalog: &Catalog,
) -> Diagnostic {
    if let Some(alias) = ApiNames::get().prefix(prefix) {
        let exists =
            catalog.service(&alias.prefix).is_some_and(|s| pattern::has_wildcard(name) || s.action(name).is_some());
        let advice = if exists { format!("write `{}:{name}`", alias.prefix) } else { String::from("fix the prefix") };
        return Diagnostic::new(
            Code::ApiNameAsPrefix,
            range,
            format!(
                "`{prefix}` is not an IAM service prefix: {}, and IAM authorises its operations with `{}:` actions; {advice}",
                alias.why, alias.prefix
            ),
        )
        .with_fix(
            Fix::replace(format!("Change the prefix to `{}`", alias.prefix), range, alias.prefix.clone())
                .preferred(true),
        );
    }
    if catalog.legacy_prefix(prefix).is_some() {
        return Diagnostic::new(
            Code::LegacyAction,
            range,
            format!("the service prefix `{prefix}` is no longer in the IAM catalog, though AWS managed policies still use it: `{value}` may grant nothing"),
        );
    }
    // A prefix is worth suggesting only if its service has the action: another would trade
    // this finding for an unknown action.
    let near = nearest(prefix, catalog.services.iter().map(|s| s.prefix), 8);
    let has_action = |p: &&str| {
        catalog.service(p).is_some_and(|s| {
            if pattern::has_wildcard(name) {
                catalog.matches_any_action(&format!("{p}:{name}"))
            } else {
                s.action(name).is_some()
            }
        })
    };
    let close: Vec<&str> = near.iter().copied().filter(has_action).take(3).collect();
    let mut message = format!("`{prefix}` is not the prefix of any AWS service");
    if !close.is_empty() {
        message.push_str(&format!("; did you mean {}?", list(&close)));
    } else if !near.is_empty() {
        let near = &near[..near.len().min(3)];
        let what = if pattern::has_wildcard(name) { "an action matching" } else { "an action" };
        message.push_str(&format!("; no service with a close prefix ({}) has {what} `{name}`", list(near)));
    }
    let mut d = Diagnostic::new(Code::UnknownService, range, message);
    for candidate in &close {
        d = d.with_fix(
            Fix::replace(format!("Change the prefix to `{candidate}`"), range, *candidate).preferred(close.len() == 1),
        );
    }
    d
}

fn legacy(spelling: &str, lit: &StringLit) -> Diagnostic {
    Diagnostic::new(
        Code::LegacyAction,
        lit.content_range(),
        format!("`{spelling}` is not in the current IAM catalog, though AWS managed policies still use it: it may be retired and grant nothing"),
    )
}
