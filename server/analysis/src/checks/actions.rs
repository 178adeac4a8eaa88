//! `Action` and `NotAction`: each entry names real actions of a real service.

use super::{list, nearest};
use crate::catalog::Catalog;
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::knowledge::ApiNames;
use crate::model::Statement;
use crate::pattern;
use crate::syntax::StringLit;

pub fn check(statement: &Statement, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    for action in statement.action_strings() {
        check_action(action, catalog, out);
    }
}

fn check_action(lit: &StringLit, catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let value = lit.value.as_str();
    if value == "*" {
        return;
    }
    let Some((prefix, name)) = value.split_once(':') else {
        let mut d = Diagnostic::new(
            Code::ActionSyntax,
            lit.content_range(),
            format!("`{value}` is not an action: write `service:Action` (e.g. `s3:GetObject`), `service:*`, or `*`"),
        );
        if catalog.service(value).is_some() {
            d = d.with_fix(Fix::replace(format!("Change to `{value}:*`"), lit.content_range(), format!("{value}:*")));
        }
        out.push(d);
        return;
    };
    let prefix_range = lit.sub_range(0, prefix.len());
    let name_range = lit.sub_range(prefix.len() + 1, value.len());
    if name.is_empty() || prefix.is_empty() {
        out.push(Diagnostic::new(
            Code::ActionSyntax,
            lit.content_range(),
            format!("`{value}` is not an action: write `service:Action` with both parts (e.g. `s3:GetObject`)"),
        ));
        return;
    }

    if pattern::has_wildcard(prefix) {
        if catalog.matching_actions(value).is_empty() {
            out.push(Diagnostic::new(
                Code::WildcardMatchesNothing,
                lit.content_range(),
                format!("`{value}` matches no action of any service: check the spelling of the pattern"),
            ));
        }
        return;
    }

    let Some(service) = catalog.service(prefix) else {
        out.push(unknown_prefix(value, prefix, name, prefix_range, catalog));
        return;
    };

    if pattern::has_wildcard(name) {
        if catalog.matching_actions(value).is_empty() {
            let close = nearest(name.trim_matches(['*', '?']), service.actions.iter().map(|a| a.name.as_str()), 3);
            let hint = if close.is_empty() { String::new() } else { format!(" (close names: {})", list(&close)) };
            out.push(Diagnostic::new(
                Code::WildcardMatchesNothing,
                name_range,
                format!("`{value}` matches no {prefix} action, so it grants nothing{hint}"),
            ));
        }
        return;
    }

    if service.action(name).is_some() {
        return;
    }
    if let Some(alias) = ApiNames::get().action(value) {
        let mut d =
            Diagnostic::new(Code::UnknownAction, name_range, format!("`{value}` is not an IAM action: {}", alias.why));
        let single = alias.replacements.len() == 1;
        for replacement in &alias.replacements {
            d = d.with_fix(
                Fix::replace(format!("Change to `{replacement}`"), lit.content_range(), replacement.clone())
                    .preferred(single),
            );
        }
        out.push(d);
        return;
    }
    if let Some(spelling) = catalog.legacy_action(value) {
        out.push(legacy(spelling, lit));
        return;
    }
    let close = nearest(name, service.actions.iter().map(|a| a.name.as_str()), 3);
    let mut message = format!("`{}` has no action `{name}`", service.prefix);
    if close.is_empty() {
        message.push_str(&format!(": see the {} actions in the Service Authorization Reference", service.name));
    } else {
        message.push_str(&format!("; did you mean {}?", list(&close)));
    }
    let mut d = Diagnostic::new(Code::UnknownAction, name_range, message);
    for candidate in &close {
        d = d.with_fix(
            Fix::replace(format!("Change to `{}:{candidate}`", service.prefix), name_range, *candidate)
                .preferred(close.len() == 1),
        );
    }
    out.push(d);
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
    let close = nearest(prefix, catalog.services.iter().map(|s| s.prefix.as_str()), 3);
    let mut message = format!("`{prefix}` is not the prefix of any AWS service");
    if !close.is_empty() {
        message.push_str(&format!("; did you mean {}?", list(&close)));
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
