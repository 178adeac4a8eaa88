//! Hover: what the thing under the cursor means, as markdown.

use std::fmt::Write;

use crate::catalog::{AccessLevel, Action, Catalog, Service};
use crate::model::Policy;
use crate::pattern;
use crate::syntax::{self, StringLit};
use crate::text::TextRange;
use crate::Options;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// What the hover is about (highlighted by editors).
    pub range: TextRange,
    pub markdown: String,
}

/// How many action names a wildcard hover lists before it summarises.
const LISTED: usize = 25;

/// The hover at a byte offset. `options` give the policy kind (else it is inferred).
pub fn hover(text: &str, offset: usize, options: &Options) -> Option<Hover> {
    let parse = syntax::parse(text);
    let policy = Policy::new(parse.root.as_ref())?;
    let catalog = Catalog::get();
    let root = policy.root;
    let on_brace = offset == root.range.start || offset + 1 == root.range.end;
    if let Some(member) = root.members.iter().find(|m| m.key.range.touches(offset)) {
        return Some(Hover {
            range: member.key.range,
            markdown: top_level_markdown(&policy, options, Some(&member.key.value)),
        });
    }
    if on_brace {
        return Some(Hover {
            range: TextRange::new(root.range.start, root.range.start + 1),
            markdown: top_level_markdown(&policy, options, None),
        });
    }
    for statement in &policy.statements {
        if !statement.object.range.touches(offset) {
            continue;
        }
        if let Some(lit) = statement.action_strings().find(|l| l.range.touches(offset)) {
            return action_hover(lit, catalog);
        }
    }
    None
}

/// What the policy is checked as, and why; and what the top-level element under the
/// cursor is for.
fn top_level_markdown(policy: &Policy, options: &Options, element: Option<&str>) -> String {
    let choice = options.kind.clone().unwrap_or_else(|| crate::kind::infer(policy));
    let mut md = String::new();
    if let Some(element) = element {
        let about = match element {
            "Version" => "**Version**: the policy language version. Use `2012-10-17`: the older `2008-10-17` does not substitute policy variables such as `${aws:username}`.",
            "Statement" => "**Statement**: the policy's rules, one object or an array of them. Each has an `Effect`, the actions (`Action`/`NotAction`), the resources (`Resource`/`NotResource`), optionally a `Principal` and a `Condition`.",
            "Id" => "**Id**: an optional identifier for the policy (used by some services, such as SQS and SNS).",
            _ => "",
        };
        if !about.is_empty() {
            let _ = writeln!(
                md,
                "{about}
"
            );
        }
    }
    let _ = write!(
        md,
        "Checked as a **{}** (`{}`): {}.

Set the kind with `.iam-lsp.toml` (`[kinds]`), the editor setting `iamLsp.kinds`, or `iam-lsp check --kind`.",
        choice.kind.description(),
        choice.kind.as_str(),
        choice.reason
    );
    md
}

fn action_hover(lit: &StringLit, catalog: &Catalog) -> Option<Hover> {
    let value = lit.value.as_str();
    let markdown = if value == "*" || pattern::has_wildcard(value) {
        wildcard_markdown(value, catalog)
    } else {
        let (service, action) = catalog.action(value)?;
        action_markdown(service, action)
    };
    Some(Hover { range: lit.range, markdown })
}

pub fn action_markdown(service: &Service, action: &Action) -> String {
    let mut md = String::new();
    let _ =
        writeln!(md, "**{}:{}** · {} · {}\n", service.prefix, action.name, action.access_level.as_str(), service.name);
    let _ = writeln!(md, "{}\n", action.description);
    if action.resource_types.is_empty() {
        md.push_str("No resource-level permissions: only `\"Resource\": \"*\"` grants this action.\n\n");
    } else {
        let any = if action.resource_types.len() > 1 { " (any one of them)" } else { "" };
        let _ = writeln!(md, "Resource types{any}:\n");
        for name in &action.resource_types {
            match service.resource_type(name) {
                Some(r) => {
                    let _ = writeln!(md, "- `{name}`: `{}`", r.arn);
                }
                None => {
                    let _ = writeln!(md, "- `{name}`");
                }
            }
        }
        md.push('\n');
    }
    if !action.condition_keys.is_empty() {
        let keys: Vec<String> = action.condition_keys.iter().map(|k| format!("`{k}`")).collect();
        let _ = writeln!(md, "Condition keys: {}\n", keys.join(", "));
    }
    let _ =
        write!(md, "[{} actions in the Service Authorization Reference]({})", service.name, service.reference_url());
    md
}

fn wildcard_markdown(value: &str, catalog: &Catalog) -> String {
    let matches = catalog.matching_actions(value);
    let mut md = String::new();
    let services: std::collections::BTreeSet<&str> = matches.iter().map(|(s, _)| s.prefix.as_str()).collect();
    let in_services = if services.len() > 1 { format!(" in {} services", services.len()) } else { String::new() };
    let _ = writeln!(
        md,
        "**{value}** matches {} action{}{in_services}\n",
        matches.len(),
        if matches.len() == 1 { "" } else { "s" }
    );
    if matches.is_empty() {
        return md;
    }
    let levels = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];
    let counts: Vec<String> = levels
        .iter()
        .filter_map(|level| {
            let n = matches.iter().filter(|(_, a)| a.access_level == *level).count();
            (n > 0).then(|| format!("{} {n}", level.as_str()))
        })
        .collect();
    let _ = writeln!(md, "{}\n", counts.join(" · "));
    for (service, action) in matches.iter().take(LISTED) {
        let _ = writeln!(md, "- `{}:{}` ({})", service.prefix, action.name, action.access_level.as_str());
    }
    if matches.len() > LISTED {
        let _ = writeln!(md, "- … and {} more", matches.len() - LISTED);
    }
    if services.len() == 1 {
        let (service, _) = matches[0];
        let _ = write!(
            md,
            "\n[{} actions in the Service Authorization Reference]({})",
            service.name,
            service.reference_url()
        );
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hover_at(marked: &str) -> Option<Hover> {
        let offset = marked.find("$0").expect("cursor marker");
        let text = marked.replacen("$0", "", 1);
        hover(&text, offset, &Options::default())
    }

    #[test]
    fn action_hover_shows_description_level_resources_and_link() {
        let h = hover_at(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"bedrock:Invoke$0Model","Resource":"*"}}"#).unwrap();
        assert!(h.markdown.starts_with("**bedrock:InvokeModel** · Read · Amazon Bedrock"), "{}", h.markdown);
        assert!(h.markdown.contains("arn:${Partition}:bedrock:${Region}::foundation-model/${ResourceId}"));
        assert!(h.markdown.contains("list_amazonbedrock.html"));
    }

    #[test]
    fn wildcard_hover_counts_matches() {
        let h = hover_at(r#"{"Statement":[{"Effect":"Allow","Action":["s3:Get$0Object*"],"Resource":"*"}]}"#).unwrap();
        let n = Catalog::get().matching_actions("s3:GetObject*").len();
        assert!(h.markdown.starts_with(&format!("**s3:GetObject*** matches {n} actions")), "{}", h.markdown);
        assert!(h.markdown.contains("`s3:GetObjectAcl`"));
    }

    #[test]
    fn top_level_hover_names_the_kind_and_why() {
        let h = hover_at(r#"{"Version":"2012-10-17","Stat$0ement":{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole"}}"#).unwrap();
        assert!(h.markdown.contains("Checked as a **role trust policy** (`trust`): inferred: a statement with a `Principal` allows `sts:AssumeRole`"), "{}", h.markdown);
        let h = hover_at(r#"$0{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#).unwrap();
        assert!(h.markdown.contains("**identity-based policy**"), "{}", h.markdown);
    }

    #[test]
    fn no_hover_outside_policies_or_on_unknown_actions() {
        assert!(hover_at(r#"{"name": "x$0"}"#).is_none());
        assert!(hover_at(r#"{"Statement":{"Action":"bedrock:Conv$0erse"}}"#).is_none());
    }
}
