//! Amazon Bedrock: where hand-written and generated policies fail most. Identifier shapes,
//! the actions that need a companion, cross-Region inference, knowledge-base roles and the
//! ARNs that condition keys expect. Facts are from the Bedrock API reference and user guide
//! (checked 2026-11-22); the cross-Region table is data in `knowledge/cross-region-inference.json`.

use super::{add_item, Ctx, Summary};
use crate::arn;
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::knowledge::CrossRegion;
use crate::model::{Effect, Outline, Statement};
use crate::pattern;
use crate::syntax::{StringLit, Value};
use crate::text::split_colon;

/// Knowledge base, agent and agent alias ids: `[0-9a-zA-Z]{10}` in the Bedrock API (the
/// draft alias is `TSTALIASID`, which fits).
fn is_bedrock_id(id: &str) -> bool {
    id.len() == 10 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `provider.model-name-vN:M`: a lower-case provider, a dot, then the model.
pub fn is_model_id(id: &str) -> bool {
    match id.split_once('.') {
        Some((provider, model)) => {
            !provider.is_empty()
                && provider.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !model.is_empty()
        }
        None => false,
    }
}

pub fn check(cx: &mut Ctx, statement: &Statement) {
    for lit in statement.resource_strings() {
        identifiers(cx, lit);
    }
    if statement.effect != Some(Effect::Allow) {
        return;
    }
    knowledge_base_role(cx, statement);
    condition_arns(cx, statement);
    source_arn_service(cx, statement);
}

/// Ids inside Bedrock ARNs.
fn identifiers(cx: &mut Ctx, lit: &StringLit) {
    let Ok(parsed) = arn::parse(&lit.value) else { return };
    if parsed.service.text != "bedrock" {
        return;
    }
    let resource = parsed.resource;
    let parts: Vec<&str> =
        arn::split_outside_variables(resource.text, b'/', usize::MAX).iter().map(|p| p.text).collect();
    let ids: &[(&str, &str)] = match parts.first().copied() {
        Some("knowledge-base") => &[("knowledge base", "KB12345678")],
        Some("agent") => &[("agent", "AGENT12345")],
        Some("agent-alias") => &[("agent", "AGENT12345"), ("agent alias", "ALIAS12345 or TSTALIASID")],
        Some("foundation-model") => {
            if let Some(model) = parts.get(1).filter(|m| !arn::is_variable(m) && !m.is_empty()) {
                let joined = parts[1..].join("/");
                if !is_model_id(&joined) {
                    let start = resource.start + "foundation-model/".len();
                    cx.push(Diagnostic::new(
                        Code::BedrockId,
                        lit.sub_range(start, resource.end()),
                        format!("`{model}` is not a model id: Bedrock model ids look like `provider.model-name-vN:M` (`anthropic.claude-3-haiku-20240307-v1:0`, `amazon.titan-embed-text-v2:0`)"),
                    ));
                }
            }
            return;
        }
        _ => return,
    };
    let mut offset = resource.start + parts[0].len() + 1;
    for (i, (what, example)) in ids.iter().enumerate() {
        let Some(id) = parts.get(i + 1) else { return };
        // A `:` out of place is reported with the ARN's format (`arn-unknown-resource`).
        if !id.is_empty() && !id.contains(':') && !arn::is_variable(id) && !is_bedrock_id(id) {
            cx.push(Diagnostic::new(
                Code::BedrockId,
                lit.sub_range(offset, offset + id.len()),
                format!(
                    "`{id}` is not {} {what} id: Bedrock {what} ids are 10 letters and digits (such as `{example}`)",
                    article(what)
                ),
            ));
        }
        offset += id.len() + 1;
    }
}

fn article(what: &str) -> &'static str {
    if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Reading a knowledge base calls on its own service role, which is where access to the
/// vector store and the data source belongs.
fn knowledge_base_role(cx: &mut Ctx, statement: &Statement) {
    let Some(actions) = &statement.action else { return };
    let Some(retrieve) = actions.items.iter().find(|a| {
        ["bedrock:Retrieve", "bedrock:RetrieveAndGenerate", "bedrock:Retrieve*"]
            .iter()
            .any(|name| a.value.eq_ignore_ascii_case(name))
    }) else {
        return;
    };
    let on_knowledge_base = statement.resource.as_ref().is_some_and(|r| {
        r.items.iter().any(|i| {
            arn::parse(&i.value)
                .is_ok_and(|a| a.service.text == "bedrock" && a.resource.text.starts_with("knowledge-base/"))
        })
    });
    if on_knowledge_base {
        cx.push(Diagnostic::new(
            Code::BedrockKnowledgeBaseRole,
            retrieve.content_range(),
            "this lets the caller query the knowledge base; the knowledge base's own service role (not this policy) needs its vector store (for OpenSearch Serverless, `aoss:APIAccessAll` on the collection), its data source (`s3:GetObject`, `s3:ListBucket`) and `bedrock:InvokeModel` on the embedding model",
        ));
    }
}

/// ARN-valued condition keys that name one service's resources.
const KEY_SERVICES: [(&str, &str, &str); 5] = [
    (
        "bedrock:ThirdPartyKnowledgeBaseCredentialsSecretArn",
        "secretsmanager",
        "a Secrets Manager secret ARN (`arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`)",
    ),
    (
        "bedrock:GuardrailIdentifier",
        "bedrock",
        "a Bedrock guardrail ARN (`arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID`)",
    ),
    ("bedrock:InferenceProfileArn", "bedrock", "a Bedrock inference profile ARN"),
    ("bedrock:ModelArn", "bedrock", "a Bedrock model ARN"),
    ("bedrock:PromptRouterArn", "bedrock", "a Bedrock prompt router ARN"),
];

fn condition_arns(cx: &mut Ctx, statement: &Statement) {
    let Some(Value::Object(condition)) = statement.condition.and_then(|m| m.value.as_ref()) else { return };
    for block in condition.members.iter().filter_map(|b| b.value.as_ref().and_then(Value::as_object)) {
        for entry in &block.members {
            let Some((key, service, expected)) =
                KEY_SERVICES.iter().find(|(k, _, _)| k.eq_ignore_ascii_case(&entry.key.value))
            else {
                continue;
            };
            for value in string_values(entry.value.as_ref()) {
                let Ok(parsed) = arn::parse(&value.value) else { continue };
                let actual = parsed.service.text;
                if !arn::is_variable(actual) && actual != *service {
                    cx.push(Diagnostic::new(
                        Code::ConditionArnService,
                        value.content_range(),
                        format!(
                            "`{key}` holds {expected}, and this is an ARN of `{actual}`: the condition never matches"
                        ),
                    ));
                }
            }
        }
    }
}

fn string_values(value: Option<&Value>) -> Vec<&StringLit> {
    match value {
        Some(Value::String(s)) => vec![s],
        Some(Value::Array(a)) => a.items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// In a policy that trusts a service, `aws:SourceArn` names that service's resource (for
/// Bedrock: the agent, knowledge base or model customization job).
fn source_arn_service(cx: &mut Ctx, statement: &Statement) {
    let Some(Value::Object(principal)) = statement.principal.and_then(|m| m.value.as_ref()) else { return };
    // `SERVICE.amazonaws.com`, and for a service's sub-service the service it belongs to:
    // `logging.s3.amazonaws.com` (server access logging) acts for the source bucket,
    // `aws:SourceArn` `arn:aws:s3:::SOURCE-BUCKET`
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html).
    let services: Vec<String> = string_values(principal.get("Service").and_then(|m| m.value.as_ref()))
        .iter()
        .flat_map(|s| {
            let host = s.value.strip_suffix(".cn").unwrap_or(&s.value);
            let labels: Vec<&str> = host.strip_suffix(".amazonaws.com").unwrap_or(host).split('.').collect();
            let parent = (labels.len() > 1).then(|| labels[labels.len() - 1]);
            labels.first().copied().into_iter().chain(parent).map(str::to_string).collect::<Vec<_>>()
        })
        .collect();
    if services.is_empty() {
        return;
    }
    let Some(Value::Object(condition)) = statement.condition.and_then(|m| m.value.as_ref()) else { return };
    for block in condition.members.iter().filter_map(|b| b.value.as_ref().and_then(Value::as_object)) {
        for entry in block.members.iter().filter(|m| m.key.value.eq_ignore_ascii_case("aws:SourceArn")) {
            for value in string_values(entry.value.as_ref()) {
                let Ok(parsed) = arn::parse(&value.value) else { continue };
                let actual = parsed.service.text;
                let resource = parsed.resource.text;
                // Bedrock assumes roles for agents, knowledge bases, customization jobs and
                // batch inference jobs (`model-invocation-job/`: AWS's batch inference service
                // role, https://docs.aws.amazon.com/bedrock/latest/userguide/batch-iam-sr.html).
                let bedrock_user = ["agent/", "knowledge-base/", "model-customization-job/", "model-invocation-job/"]
                    .iter()
                    .any(|p| resource.starts_with(p))
                    || arn::is_all_wildcard(resource);
                if arn::is_variable(actual)
                    || (services.iter().any(|s| s == actual) && (actual != "bedrock" || bedrock_user))
                {
                    continue;
                }
                let expected = if services.iter().any(|s| s == "bedrock") {
                    "the Bedrock agent, knowledge base, model customization job or batch inference job that uses the role (`arn:aws:bedrock:REGION:ACCOUNT:agent/ID`)".to_string()
                } else {
                    format!("a `{}` resource", services.join("`/`"))
                };
                cx.push(Diagnostic::new(
                    Code::SourceArnService,
                    value.content_range(),
                    format!("`aws:SourceArn` is the ARN of the resource the trusted service acts for, here {expected}; `{}` never matches", value.value),
                ));
            }
        }
    }
}

/// Whether a statement allows invoking a model (`bedrock:InvokeModel`, by any pattern).
pub fn invokes_models(statement: &Statement) -> bool {
    // Most policies have no Bedrock action: a cheap look at the prefixes first.
    let maybe_bedrock = |value: &str| {
        let prefix = split_colon(value).map_or(value, |(p, _)| p);
        prefix.eq_ignore_ascii_case("bedrock") || pattern::has_wildcard(prefix)
    };
    statement.effect == Some(Effect::Allow)
        && statement.action.as_ref().is_some_and(|a| {
            a.items.iter().any(|i| {
                i.value != "*"
                    && maybe_bedrock(&i.value)
                    && pattern::matches_ignore_case(&i.value, "bedrock:InvokeModel")
            })
        })
}

/// Policy-wide: companions of `bedrock:InvokeModel*` on inference profiles.
pub fn check_policy(cx: &mut Ctx, policy: &Outline, summaries: &[Summary]) {
    let invoking: Vec<Statement> =
        policy.statements.iter().zip(summaries).filter(|(_, s)| s.invokes_models).map(|(st, _)| st.model()).collect();
    if invoking.is_empty() {
        return;
    }
    let invoking = || invoking.iter();
    // Foundation-model ARNs the policy allows invoking: (Region, model) patterns.
    let mut models: Vec<(&str, &str)> = invoking()
        .flat_map(|s| s.resource.iter().flat_map(|r| r.items.iter()))
        .filter_map(|lit| {
            let parsed = arn::parse(&lit.value).ok()?;
            let model = parsed.resource.text.strip_prefix("foundation-model/")?;
            (parsed.service.text == "bedrock" || arn::is_all_wildcard(parsed.service.text))
                .then_some((parsed.region.text, model))
        })
        .collect();
    // Each (Region, model) once: large documents repeat them.
    models.sort_unstable();
    models.dedup();
    let models: Vec<(Vec<pattern::Tok>, Vec<pattern::Tok>)> = models
        .into_iter()
        .map(|(region, model)| (pattern::policy_pattern(region), pattern::policy_pattern(model)))
        .collect();
    let table = CrossRegion::get();
    for statement in invoking() {
        let Some(resources) = &statement.resource else { continue };
        for lit in &resources.items {
            let Ok(parsed) = arn::parse(&lit.value) else { continue };
            if parsed.service.text != "bedrock" {
                continue;
            }
            let Some(profile) = parsed.resource.text.strip_prefix("inference-profile/") else { continue };
            let Some((geography, model)) = table.split_profile(profile) else { continue };
            if arn::is_variable(model) {
                continue;
            }
            let destinations = table.destinations(geography, model, parsed.region.text, cx.catalog);
            let model_text = pattern::literal(model);
            let covered = |region: &str| {
                let region = pattern::literal(region);
                models.iter().any(|(r, m)| pattern::intersects(r, &region) && pattern::intersects(m, &model_text))
            };
            let missing: Vec<&str> = destinations.iter().map(String::as_str).filter(|r| !covered(r)).collect();
            if missing.is_empty() {
                continue;
            }
            let fixed = format!("arn:aws:bedrock:*::foundation-model/{model}");
            let missing_text =
                if missing.len() == destinations.len() { "all of them".to_string() } else { missing.join(", ") };
            let from = if arn::is_variable(parsed.region.text) {
                "from any source Region".to_string()
            } else {
                format!("called from `{}`", parsed.region.text)
            };
            let mut d = Diagnostic::new(
                Code::BedrockCrossRegion,
                lit.content_range(),
                format!(
                    "the {} inference profile `{geography}.{model}` {from} can run the model in {}, and each of those Regions needs `bedrock:InvokeModel*` on `foundation-model/{model}`: missing in {missing_text}; allow `{fixed}`",
                    table.name(geography),
                    destinations.join(", "),
                ),
            );
            if let Some(edit) = add_item(resources, &fixed) {
                d = d.with_fix(Fix {
                    title: format!("Allow `{model}` in every Region"),
                    edits: vec![edit],
                    preferred: true,
                });
            }
            cx.push(d);
        }
    }
}
