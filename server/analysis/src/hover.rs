//! Hover: what the thing under the cursor means, as markdown.

use std::fmt::Write;

use crate::catalog::{AccessLevel, Action, Catalog, ResourceType, Service};
use crate::diagnostics::Code;
use crate::model::{Policy, Statement};
use crate::pattern;
use crate::syntax::{StringLit, Value};
use crate::text::TextRange;
use crate::{Document, Options};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// What the hover is about (highlighted by editors).
    pub range: TextRange,
    pub markdown: String,
}

/// How many action names a wildcard hover lists before it summarises.
const LISTED: usize = 25;

/// The hover at a byte offset. The document's options give the policy kind (else it is
/// inferred).
pub fn hover(doc: &Document, offset: usize) -> Option<Hover> {
    if let Some(host) = doc.host() {
        return host.hover(offset);
    }
    let options = doc.options();
    // The statements at the cursor; all of them only for the policy's own hover (its kind).
    let policy = doc.policy_around(offset)?;
    let catalog = Catalog::get();
    let root = policy.root;
    let on_brace = offset == root.range.start || offset + 1 == root.range.end;
    if let Some(member) = root.members.iter().find(|m| m.key.range.touches(offset)) {
        return Some(Hover {
            range: member.key.range,
            markdown: top_level_markdown(&doc.policy()?, options, Some(&member.key.value)),
        });
    }
    if on_brace {
        return Some(Hover {
            range: TextRange::new(root.range.start, root.range.start + 1),
            markdown: top_level_markdown(&doc.policy()?, options, None),
        });
    }
    for statement in &policy.statements {
        if !statement.object.range.touches(offset) {
            continue;
        }
        if let Some(lit) = statement.action_strings().find(|l| l.range.touches(offset)) {
            return prefix_hover(lit, offset, catalog)
                .or_else(|| action_hover(lit, catalog))
                .or_else(|| unknown_action_hover(statement, lit, catalog));
        }
        if let Some(lit) = statement.resource_strings().find(|l| l.range.touches(offset)) {
            return arn_hover(lit, statement, catalog);
        }
        if let Some(member) = statement.object.members.iter().find(|m| m.key.range.touches(offset)) {
            let markdown = element_markdown(&member.key.value)?;
            return Some(Hover { range: member.key.range, markdown: markdown.to_string() });
        }
        if let Some(hover) = condition_hover(statement, offset, catalog) {
            return Some(hover);
        }
    }
    None
}

/// On the `prefix` of `prefix:Action`: the service.
fn prefix_hover(lit: &StringLit, offset: usize, catalog: &Catalog) -> Option<Hover> {
    let (prefix, _) = lit.value.split_once(':')?;
    let range = lit.sub_range(0, prefix.len());
    if !lit.verbatim || offset > range.end || offset < range.start {
        return None;
    }
    let service = catalog.service(prefix)?;
    let markdown = format!(
        "**{}** (`{}`)\n\n{} actions, {} resource types, {} condition keys.\n\n[{} in the Service Authorization Reference]({})",
        service.name,
        service.prefix,
        service.actions.len(),
        service.resource_types.len(),
        service.condition_keys.len(),
        service.name,
        service.reference_url()
    );
    Some(Hover { range, markdown })
}

/// One paragraph on each statement element.
fn element_markdown(name: &str) -> Option<&'static str> {
    Some(match name {
        "Sid" => "**Sid**: an optional name for the statement, unique within the policy. In IAM policies it may hold only letters and digits.",
        "Effect" => "**Effect**: `Allow` or `Deny`. An explicit `Deny` in any applicable policy wins over every `Allow`; with no `Allow` at all, the request is denied.",
        "Action" => "**Action**: the actions the statement applies to, as `service:Action` (case-insensitive), with `*` and `?` wildcards.",
        "NotAction" => "**NotAction**: every action *except* these. With `Allow` it grants everything else in every service, including actions AWS adds later; it is meant for `Deny`.",
        "Resource" => "**Resource**: the resources the statement applies to, as ARNs (with `*`, `?` and policy variables), or `*`. An action is granted only on resources of the types it takes.",
        "NotResource" => "**NotResource**: every resource *except* these. With `Allow` it grants the actions on everything else.",
        "Principal" => "**Principal**: who the statement applies to, in resource-based and trust policies: `\"*\"`, or `{\"AWS\": ...}`, `{\"Service\": ...}`, `{\"Federated\": ...}`, `{\"CanonicalUser\": ...}`. Identity policies have none: they apply to whoever they are attached to.",
        "NotPrincipal" => "**NotPrincipal**: everyone *except* these principals. Avoid it with `Allow`; trust policies and RCPs cannot use it.",
        "Condition" => "**Condition**: when the statement applies: `{\"Operator\": {\"key\": value or [values]}}`. Blocks and keys are ANDed; the values of one key are ORed.",
        _ => return None,
    })
}

/// Condition operators and keys.
fn condition_hover(statement: &Statement, offset: usize, catalog: &Catalog) -> Option<Hover> {
    let Some(Value::Object(condition)) = statement.condition.and_then(|m| m.value.as_ref()) else { return None };
    for block in &condition.members {
        if block.key.range.touches(offset) {
            return Some(Hover { range: block.key.range, markdown: operator_markdown(&block.key.value) });
        }
        let Some(Value::Object(keys)) = &block.value else { continue };
        let Some(entry) = keys.members.iter().find(|m| m.key.range.touches(offset)) else { continue };
        let key = catalog.condition_key(&entry.key.value)?;
        let mut md = format!("**{}** · {}\n\n", key.key, key.key_type);
        if !key.description.is_empty() {
            let _ = writeln!(md, "{}\n", key.description);
        }
        if catalog.is_global_key(key) {
            md.push_str("A global condition key: present in the request context of every service that sets it.");
        } else if let Some(actions) = crate::checks::statement_actions(catalog, statement) {
            let supporting: Vec<String> = actions
                .iter()
                .filter(|(service, action)| {
                    action.condition_keys.iter().any(|k| crate::catalog::key_matches(k, &entry.key.value))
                        || action.resource_types.iter().any(|t| {
                            service.resource_type(t).is_some_and(|r| {
                                r.condition_keys.iter().any(|k| crate::catalog::key_matches(k, &entry.key.value))
                            })
                        })
                })
                .map(|(s, a)| format!("`{}:{}`", s.prefix, a.name))
                .collect();
            if supporting.is_empty() {
                md.push_str("None of this statement's actions supports this key.");
            } else {
                let listed: Vec<String> = supporting.iter().take(LISTED).cloned().collect();
                let _ = write!(md, "Supported by this statement's {}.", listed.join(", "));
            }
        }
        return Some(Hover { range: entry.key.range, markdown: md });
    }
    None
}

fn operator_markdown(name: &str) -> String {
    let (set, rest) = match name.split_once(':') {
        Some((set, rest)) => (Some(set), rest),
        None => (None, name),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    let (what, types) = match base {
        "StringEquals" | "StringNotEquals" => ("exact, case-sensitive string comparison", "String keys"),
        "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => ("case-insensitive string comparison", "String keys"),
        "StringLike" | "StringNotLike" => ("string match with `*` and `?` wildcards", "String keys"),
        "NumericEquals"
        | "NumericNotEquals"
        | "NumericLessThan"
        | "NumericLessThanEquals"
        | "NumericGreaterThan"
        | "NumericGreaterThanEquals" => ("number comparison", "Numeric keys"),
        "DateEquals"
        | "DateNotEquals"
        | "DateLessThan"
        | "DateLessThanEquals"
        | "DateGreaterThan"
        | "DateGreaterThanEquals" => ("date comparison (ISO 8601 or epoch seconds)", "Date keys"),
        "Bool" => ("boolean match (`true` or `false`)", "Bool keys"),
        "BinaryEquals" => ("byte-for-byte match of a base64 value", "Binary keys"),
        "IpAddress" | "NotIpAddress" => ("IP address in (or not in) CIDR ranges", "IPAddress keys"),
        "ArnEquals" | "ArnLike" | "ArnNotEquals" | "ArnNotLike" => {
            ("ARN comparison part by part, `Like` with wildcards", "ARN keys")
        }
        "Null" => ("whether the key is absent (`true`) or present (`false`)", "any key"),
        _ => return format!("`{name}` is not a condition operator."),
    };
    let mut md = format!("**{name}**: {what}; for {types}.");
    if base.contains("Not") {
        md.push_str(" A `Not` operator also matches when the key is absent.");
    }
    if if_exists {
        md.push_str("\n\n`IfExists`: the condition is also true when the key is not in the request.");
    }
    match set {
        Some("ForAllValues") => md.push_str("\n\n`ForAllValues`: every value of the multi-valued key must match; true when the key is absent or empty (pair it with a `Null` check in an `Allow`)."),
        Some("ForAnyValue") => md.push_str("\n\n`ForAnyValue`: at least one value of the multi-valued key must match; false when the key is absent."),
        _ => {}
    }
    md
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
    let trusts_bedrock = policy.statements.iter().any(|s| {
        let service =
            s.principal.and_then(|m| m.value.as_ref()).and_then(Value::as_object).and_then(|o| o.get("Service"));
        match service.and_then(|m| m.value.as_ref()) {
            Some(Value::String(v)) => v.value == "bedrock.amazonaws.com",
            Some(Value::Array(a)) => {
                a.items.iter().any(|v| v.as_str().is_some_and(|v| v.value == "bedrock.amazonaws.com"))
            }
            _ => false,
        }
    });
    if choice.kind == crate::kind::PolicyKind::Trust && trusts_bedrock {
        md.push_str("This trusts Amazon Bedrock: a service role for agents is conventionally named `AmazonBedrockExecutionRoleForAgents_...` (knowledge bases: `AmazonBedrockExecutionRoleForKnowledgeBase_...`), and its trust should name your account and agent with `aws:SourceAccount` and `aws:SourceArn`.\n\n");
    }
    let _ = write!(
        md,
        "Checked as a **{}** (`{}`): {}.\n\nSet the kind with `.iam-lsp.toml` (`[kinds]`), the editor setting `iamLsp.kinds`, `iam-lsp check --kind`, or the playground's kind selector.",
        choice.kind.description(),
        choice.kind.as_str(),
        choice.reason
    );
    md
}

/// An ARN: its resource type, its parts, and which of the statement's actions it serves.
fn arn_hover(lit: &StringLit, statement: &Statement, catalog: &Catalog) -> Option<Hover> {
    let parsed = crate::arn::parse(&lit.value).ok()?;
    let resource_pattern = pattern::ArnResource::new(parsed.account.text, parsed.resource.text);
    let types: Vec<(&Service, &ResourceType)> =
        catalog.resource_types_matching(parsed.service.text, &resource_pattern).map(|(s, r, _)| (s, r)).collect();
    let mut md = String::new();
    match types.first() {
        None => {
            let _ = writeln!(md, "**{}** ARN (no resource type of the catalog matches it)\n", parsed.service.text);
        }
        Some((service, first)) => {
            let names: Vec<String> = types.iter().map(|(_, r)| format!("`{}`", r.name)).collect();
            let _ = writeln!(md, "**{}** {} · `{}`\n", service.name, names.join(", "), first.arn);
        }
    }
    let shown = |s: &str| if s.is_empty() { "(none)".to_string() } else { format!("`{s}`") };
    let _ = writeln!(
        md,
        "partition {} · service {} · Region {} · account {} · resource {}\n",
        shown(parsed.partition.text),
        shown(parsed.service.text),
        shown(parsed.region.text),
        shown(parsed.account.text),
        shown(parsed.resource.text)
    );
    if let Some(actions) = crate::checks::statement_actions(catalog, statement) {
        let serves: Vec<String> = actions
            .iter()
            .filter(|(service, action)| {
                action
                    .resource_types
                    .iter()
                    .any(|t| types.iter().any(|(s, r)| s.prefix == service.prefix && &r.name == t))
            })
            .map(|(s, a)| format!("`{}:{}`", s.prefix, a.name))
            .collect();
        if !serves.is_empty() {
            let more =
                if serves.len() > LISTED { format!(" and {} more", serves.len() - LISTED) } else { String::new() };
            let listed: Vec<String> = serves.iter().take(LISTED).cloned().collect();
            let _ = writeln!(md, "Serves this statement's {}{more}.\n", listed.join(", "));
        } else if !actions.is_empty() {
            md.push_str("Serves none of this statement's actions.\n\n");
        }
    }
    if parsed.service.text == "bedrock" {
        if let Some(model) = bedrock_model(parsed.resource.text) {
            md.push_str(&model_markdown(model));
        }
    }
    Some(Hover { range: lit.range, markdown: md.trim_end().to_string() })
}

/// The model id in a foundation-model or system inference profile ARN's resource.
fn bedrock_model(resource: &str) -> Option<&str> {
    if let Some(model) = resource.strip_prefix("foundation-model/") {
        return Some(model);
    }
    let profile = resource.strip_prefix("inference-profile/")?;
    crate::knowledge::CrossRegion::get().split_profile(profile).map(|(_, model)| model)
}

/// Model providers by the prefix of their model ids.
const PROVIDERS: [(&str, &str); 14] = [
    ("ai21", "AI21 Labs"),
    ("amazon", "Amazon"),
    ("anthropic", "Anthropic"),
    ("cohere", "Cohere"),
    ("deepseek", "DeepSeek"),
    ("luma", "Luma AI"),
    ("meta", "Meta"),
    ("mistral", "Mistral AI"),
    ("moonshot", "Moonshot AI"),
    ("openai", "OpenAI"),
    ("qwen", "Qwen"),
    ("stability", "Stability AI"),
    ("twelvelabs", "TwelveLabs"),
    ("writer", "Writer"),
];

fn model_markdown(model: &str) -> String {
    let mut md = String::new();
    if let Some((provider, name)) = model.split_once('.') {
        let provider_name = PROVIDERS.iter().find(|(p, _)| *p == provider).map_or(provider, |(_, n)| n);
        let _ = writeln!(md, "Model **{name}** by {provider_name}.\n");
    }
    md.push_str(
        "IAM permission is not enough: the model must also be enabled for the account (Bedrock console, *Model access*; Anthropic models need a use-case form first). Without it, calls fail with `AccessDeniedException` even with a correct policy.",
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

/// An entry that names no action: what is wrong with it (the finding the checks report on
/// it), and the real actions it may mean, with what they do.
fn unknown_action_hover(statement: &Statement, lit: &StringLit, catalog: &Catalog) -> Option<Hover> {
    let list = [&statement.action, &statement.not_action]
        .into_iter()
        .flatten()
        .find(|list| list.items.iter().any(|item| item.range == lit.range))?;
    let (finding, written) = crate::checks::actions::unknown_action(list, lit, catalog)?;
    let what = match finding.code {
        Code::UnknownAction => "not an IAM action",
        Code::UnknownService => "unknown service prefix",
        Code::ApiNameAsPrefix => "API name used as a service prefix",
        Code::ActionSyntax => "not an action",
        Code::LegacyAction => "not in the current IAM catalog",
        Code::WildcardMatchesNothing => "matches no action",
        other => other.as_str(),
    };
    let mut md = format!("**{}** · {what}\n\n{}", lit.value, finding.message);
    if !written.is_empty() {
        md.push_str("\n\nNearest real actions:\n");
        for entry in &written {
            match catalog.action(entry) {
                Some((service, action)) => {
                    let _ = write!(
                        md,
                        "\n- `{}:{}` · {} · {}",
                        service.prefix,
                        action.name,
                        action.access_level.as_str(),
                        action.description
                    );
                }
                None => {
                    let n = catalog.matching_actions(entry).len();
                    let _ = write!(md, "\n- `{entry}` ({n} action{})", if n == 1 { "" } else { "s" });
                }
            }
        }
    }
    Some(Hover { range: lit.range, markdown: md })
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
    let services: std::collections::BTreeSet<&str> = matches.iter().map(|(s, _)| s.prefix).collect();
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
        hover(&Document::from(text.as_str()), offset)
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
    fn arn_hover_names_the_type_parts_actions_and_model_access() {
        let h = hover_at(r#"{"Statement":{"Effect":"Allow","Action":["bedrock:InvokeModel","s3:GetObject"],"Resource":"arn:aws:bedrock:us-east-1::foundation$0-model/anthropic.claude-3-haiku-20240307-v1:0"}}"#).unwrap();
        assert!(h.markdown.starts_with("**Amazon Bedrock** `foundation-model`"), "{}", h.markdown);
        assert!(h.markdown.contains("Region `us-east-1` · account (none)"), "{}", h.markdown);
        assert!(h.markdown.contains("Serves this statement's `bedrock:InvokeModel`."), "{}", h.markdown);
        assert!(h.markdown.contains("Model **claude-3-haiku-20240307-v1:0** by Anthropic"), "{}", h.markdown);
        assert!(h.markdown.contains("model must also be enabled for the account"), "{}", h.markdown);
    }

    #[test]
    fn bedrock_trust_hover_mentions_the_role_name_convention() {
        let h = hover_at(r#"$0{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole"}}"#).unwrap();
        assert!(h.markdown.contains("AmazonBedrockExecutionRoleForAgents_"), "{}", h.markdown);
    }

    #[test]
    fn prefix_element_operator_and_key_hovers() {
        let h =
            hover_at(r#"{"Statement":{"Effect":"Allow","Action":"bed$0rock:InvokeModel","Resource":"*"}}"#).unwrap();
        assert!(h.markdown.starts_with("**Amazon Bedrock** (`bedrock`)"), "{}", h.markdown);
        let h = hover_at(r#"{"Statement":{"Eff$0ect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#).unwrap();
        assert!(h.markdown.starts_with("**Effect**"), "{}", h.markdown);
        let h = hover_at(r#"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"ForAllValues:StringLike$0":{"s3:prefix":"a"}}}}"#).unwrap();
        assert!(
            h.markdown.contains("string match with `*` and `?` wildcards") && h.markdown.contains("`ForAllValues`"),
            "{}",
            h.markdown
        );
        let h = hover_at(r#"{"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:pre$0fix":"a"}}}}"#).unwrap();
        assert!(h.markdown.starts_with("**s3:prefix** · String"), "{}", h.markdown);
        assert!(h.markdown.contains("Supported by this statement's `s3:ListBucket`"), "{}", h.markdown);
    }

    #[test]
    fn top_level_hover_names_the_kind_and_why() {
        let h = hover_at(r#"{"Version":"2012-10-17","Stat$0ement":{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole"}}"#).unwrap();
        assert!(h.markdown.contains("Checked as a **role trust policy** (`trust`): inferred: a statement with a `Principal` allows `sts:AssumeRole`"), "{}", h.markdown);
        let h = hover_at(r#"$0{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#).unwrap();
        assert!(h.markdown.contains("**identity-based policy**"), "{}", h.markdown);
    }

    #[test]
    fn no_hover_outside_policies() {
        assert!(hover_at(r#"{"name": "x$0"}"#).is_none());
    }

    #[test]
    fn unknown_action_hover_says_what_is_wrong_and_names_the_real_actions() {
        // An API operation that IAM authorises with another action, already listed: the
        // hover still names it.
        let h = hover_at(
            r#"{"Statement":{"Effect":"Allow","Action":["bedrock:Conv$0erse","bedrock:InvokeModel"],"Resource":"*"}}"#,
        )
        .unwrap();
        assert!(h.markdown.starts_with("**bedrock:Converse** · not an IAM action\n\n`bedrock:Converse` is not an IAM action: the Converse API is authorised by `bedrock:InvokeModel`"), "{}", h.markdown);
        assert!(h.markdown.contains("Nearest real actions:\n\n- `bedrock:InvokeModel` · Read · "), "{}", h.markdown);
        // A typo: the nearest names, best first.
        let text = r#"{"Statement":{"Effect":"Allow","Action":"s3:Get$0Objects","Resource":"*"}}"#;
        let h = hover_at(text).unwrap();
        assert!(
            h.markdown.starts_with("**s3:GetObjects** · not an IAM action\n\n`s3` has no action `GetObjects`"),
            "{}",
            h.markdown
        );
        let listed: Vec<&str> = h.markdown.lines().filter_map(|l| l.strip_prefix("- `")?.split('`').next()).collect();
        assert_eq!(listed, ["s3:GetObject", "s3:GetObjectAcl", "s3:PutObject"]);
        assert_eq!(h.range, TextRange::new(text.find("\"s3:").unwrap(), text.find(",\"Resource").unwrap() - 2));
        // An API endpoint name as the prefix (the cursor on it), and a misspelt prefix.
        let h = hover_at(
            r#"{"Statement":{"Effect":"Allow","Action":"bedrock-agent-run$0time:InvokeAgent","Resource":"*"}}"#,
        )
        .unwrap();
        assert!(
            h.markdown.starts_with("**bedrock-agent-runtime:InvokeAgent** · API name used as a service prefix"),
            "{}",
            h.markdown
        );
        assert!(h.markdown.contains("\n- `bedrock:InvokeAgent` · Read · "), "{}", h.markdown);
        let h = hover_at(r#"{"Statement":{"Effect":"Allow","Action":"dynamodbb:Get$0Item","Resource":"*"}}"#).unwrap();
        assert!(h.markdown.starts_with("**dynamodbb:GetItem** · unknown service prefix"), "{}", h.markdown);
        assert!(h.markdown.contains("\n- `dynamodb:GetItem` · Read · "), "{}", h.markdown);
        // Nothing close: what is wrong, and no list.
        let h = hover_at(r#"{"Statement":{"Effect":"Allow","Action":"zzzzzz:Frob$0nicate","Resource":"*"}}"#).unwrap();
        assert_eq!(
            h.markdown,
            "**zzzzzz:Frobnicate** · unknown service prefix\n\n`zzzzzz` is not the prefix of any AWS service"
        );
        // A service prefix without an action: the wildcard over the service.
        let h = hover_at(r#"{"Statement":{"Effect":"Allow","Action":["s$0qs"],"Resource":"*"}}"#).unwrap();
        let n = Catalog::get().matching_actions("sqs:*").len();
        assert!(h.markdown.ends_with(&format!("Nearest real actions:\n\n- `sqs:*` ({n} actions)")), "{}", h.markdown);
    }
}
