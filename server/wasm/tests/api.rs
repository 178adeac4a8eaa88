//! The playground's WebAssembly API, called natively: the same methods the Web Worker calls,
//! their JSON answers parsed back, positions checked in the editor's encoding.

use iam_wasm::{Playground, Position, Range};
use serde_json::Value;

const CHATBOT: &str = include_str!("../../../tests/fixtures/bedrock/chatbot-agent-policy.json");

fn playground(text: &str) -> Playground {
    let mut playground = Playground::new("utf-16").expect("utf-16 is an encoding");
    playground.set_text(text.to_string());
    playground
}

fn range(start: (u32, u32), end: (u32, u32)) -> Range {
    Range { start: Position { line: start.0, col: start.1 }, end: Position { line: end.0, col: end.1 } }
}

/// The byte offset of a position, by walking the text (a test may scan; the product may not).
fn offset(text: &str, at: Position, utf16: bool) -> usize {
    let mut line_start = 0;
    for _ in 0..at.line {
        line_start += text[line_start..].find('\n').expect("the line exists") + 1;
    }
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units == at.col as usize {
            return line_start + i;
        }
        units += if utf16 { c.len_utf16() } else { c.len_utf8() };
    }
    text.len()
}

fn apply(text: &str, edits: &[iam_wasm::Edit]) -> String {
    let mut edits: Vec<_> =
        edits.iter().map(|e| (offset(text, e.range.start, true), offset(text, e.range.end, true), &e.text)).collect();
    edits.sort();
    let mut out = text.to_string();
    for (start, end, new) in edits.into_iter().rev() {
        out.replace_range(start..end, new);
    }
    out
}

#[test]
fn the_chatbot_policy_gets_its_diagnostics_at_the_cli_positions() {
    let report = playground(CHATBOT).report();
    assert!(report.is_policy && !report.failed);
    assert_eq!(report.kind.as_ref().map(|k| k.name), Some("identity"));
    let found: Vec<(&str, Range)> = report.diagnostics.iter().map(|d| (d.code, d.range)).collect();
    // The snapshot's 1-based 8:19-8:40, 14:27-14:45 and 20:27-20:35, zero-based.
    assert!(found.contains(&("api-name-as-prefix", range((7, 18), (7, 39)))), "{found:?}");
    assert!(found.contains(&("unknown-action", range((13, 26), (13, 44)))), "{found:?}");
    assert!(found.contains(&("unknown-action", range((19, 26), (19, 34)))), "{found:?}");
    let prefix = report.diagnostics.iter().find(|d| d.code == "api-name-as-prefix").expect("found above");
    assert_eq!(prefix.fixes[0].title, "Change the prefix to `bedrock`");
    assert!(prefix.fixes[0].preferred);
}

#[test]
fn the_json_answers_are_what_the_typed_ones_say() {
    let playground = playground(CHATBOT);
    let report: Value = serde_json::from_str(&playground.diagnostics()).expect("JSON");
    assert_eq!(report["version"], 1);
    assert_eq!(report["diagnostics"].as_array().map(Vec::len), Some(playground.report().diagnostics.len()));
    assert_eq!(report["diagnostics"][1]["code"], "api-name-as-prefix");
    assert_eq!(report["diagnostics"][1]["range"]["start"], serde_json::json!({"line": 7, "col": 18}));
    assert_eq!(serde_json::from_str::<Value>(&playground.hover(0, 0)).expect("JSON")["range"]["start"]["line"], 0);
    assert_eq!(playground.hover(2, 0), "null");
    let kinds: Value = serde_json::from_str(&Playground::kinds()).expect("JSON");
    let names: Vec<&str> = kinds.as_array().expect("array").iter().filter_map(|k| k["name"].as_str()).collect();
    assert_eq!(names, ["identity", "resource", "trust", "scp", "rcp", "boundary"]);
    assert_eq!(Playground::api_version(), iam_wasm::API_VERSION);
    assert!(Playground::about().starts_with("iam-analysis "));
}

#[test]
fn columns_count_utf16_units_or_bytes_after_non_ascii_text() {
    // One line, CRLF before it: `é` is 2 bytes and 1 unit, `🫣` 4 bytes and 2 units.
    let text = "{\r\n\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"arn:aws:s3:::été-🫣/*\",\"Action\":\"bedrock:Converse\"}]}";
    let name = text.find("Converse").expect("in the text");
    let line_start = text.find("\"Statement").expect("in the text");
    let utf16_col = text[line_start..name].encode_utf16().count() as u32;
    let utf8_col = (name - line_start) as u32;
    assert_eq!(utf8_col - utf16_col, 1 + 1 + 2, "é twice, 🫣 once");

    let unknown = |playground: &Playground| {
        playground
            .report()
            .diagnostics
            .into_iter()
            .find(|d| d.code == "unknown-action")
            .expect("bedrock:Converse")
            .range
    };
    let utf16 = playground(text);
    assert_eq!(unknown(&utf16), range((1, utf16_col), (1, utf16_col + 8)));
    let mut utf8 = Playground::new("utf-8").expect("an encoding");
    utf8.set_text(text.to_string());
    assert_eq!(unknown(&utf8), range((1, utf8_col), (1, utf8_col + 8)));

    // Asking at a UTF-16 column lands on the same action.
    let hover = utf16.hover_at(1, utf16_col + 2).expect("a hover on the action");
    assert!(hover.markdown.contains("Converse"), "{}", hover.markdown);
    assert_eq!(hover.range.start.line, 1);

    // The fix's edits, applied in UTF-16 columns, remove the finding.
    let fix = &utf16.report().diagnostics.into_iter().find(|d| d.code == "unknown-action").expect("above").fixes[0];
    let fixed = apply(text, &fix.edits);
    assert!(fixed.contains("bedrock:InvokeModel") && fixed.contains("été-🫣"), "{fixed}");
    assert!(playground(&fixed).report().diagnostics.iter().all(|d| d.code != "unknown-action"));
}

#[test]
fn each_version_is_made_from_the_last_and_answers_as_a_fresh_one() {
    let mut kept = playground(CHATBOT);
    let mut text = CHATBOT.to_string();
    for (from, to) in [
        ("bedrock:Converse", "bedrock:Conver"),
        ("\"Resource\": \"*\",", "\"Resource\": \"*\""),
        ("Conver\"", "ConverseStream\""),
    ] {
        text = text.replacen(from, to, 1);
        kept.set_text(text.clone());
        assert_eq!(kept.report().diagnostics, playground(&text).report().diagnostics);
    }
    assert_eq!(kept.version(), 4);
}

#[test]
fn the_quick_fix_on_converse_removes_it_and_leaves_no_new_finding() {
    let playground = playground(CHATBOT);
    let actions = playground.actions_at(19, 28, 19, 28);
    let fix = actions.iter().find(|a| a.kind == "quickfix" && a.code == Some("unknown-action")).expect("a fix");
    assert_eq!(fix.title, "Remove `bedrock:Converse` (`bedrock:InvokeModel` is already listed)");
    let fixed = apply(CHATBOT, &fix.edits);
    let before = playground.report().diagnostics.len();
    let after = self::playground(&fixed).report().diagnostics;
    assert_eq!(after.len(), before - 1, "{after:?}");
    assert!(after.iter().all(|d| !d.message.contains("bedrock:Converse")));
    // Refactors come after the fixes: on `"Resource": "*"`, the ARN formats of the actions.
    let star = CHATBOT.lines().nth(20).and_then(|l| l.find('*')).expect("line 21") as u32;
    let actions = playground.actions_at(20, star, 20, star);
    let scope = actions.iter().find(|a| a.kind == "refactor").expect("a refactor on *");
    assert!(scope.edits.iter().all(|e| e.range.start.line == 20), "{scope:?}");
    assert!(apply(CHATBOT, &scope.edits).contains("arn:"), "{scope:?}");
}

#[test]
fn hover_completion_tokens_and_outline() {
    let playground = playground(CHATBOT);
    let hover = playground.hover_at(19, 48).expect("a hover on bedrock:InvokeModel");
    assert!(hover.markdown.contains("InvokeModel"), "{}", hover.markdown);

    let half_typed = CHATBOT.replacen("\"bedrock:Retrieve\"", "\"bedrock:Retr\"", 1);
    let completing = self::playground(&half_typed);
    let col = half_typed.lines().nth(13).and_then(|l| l.find("Retr\"")).expect("line 14") as u32 + 4;
    let items = completing.completions_at(13, col);
    let retrieve = items.iter().find(|i| i.label.contains("RetrieveAndGenerate")).expect("a completion");
    assert_eq!(retrieve.range.start.line, 13);
    assert_eq!(retrieve.kind, "function");

    let tokens = playground.semantic_tokens();
    assert_eq!(tokens.len() % 4, 0);
    let types: Vec<String> = serde_json::from_str(&Playground::token_types()).expect("JSON");
    let namespace = types.iter().position(|t| t == "namespace").expect("a type") as u32;
    // `bedrock` of `bedrock:InvokeModel` on line 20 (zero-based 19), columns 38..45.
    assert!(tokens.chunks(4).any(|t| t == [19, 38, 45, namespace]), "{tokens:?}");

    let outline = playground.outline_items();
    let names: Vec<&str> = outline.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["InvokeTheAgent", "QueryTheKnowledgeBase", "ChatWithClaude"]);
    assert_eq!(outline[2].range.start.line, 16);
}

#[test]
fn the_kind_selector_checks_as_the_kind_chosen_and_rejects_others() {
    let mut playground = playground(CHATBOT);
    assert_eq!(playground.set_kind("trust"), Ok(2));
    let report = playground.report();
    assert_eq!(report.kind.as_ref().map(|k| k.name), Some("trust"));
    assert!(report.diagnostics.iter().any(|d| d.code == "principal-missing"), "{:?}", report.diagnostics);
    assert_eq!(playground.set_kind(""), Ok(3));
    assert!(playground.report().kind.is_some_and(|k| k.name == "identity" && k.reason.starts_with("inferred")));
    let err = playground.set_kind("organization").expect_err("not a kind");
    assert!(err.contains("identity, resource, trust, scp, rcp, boundary"), "{err}");
    assert!(Playground::new("utf-32").is_err());
}

#[test]
fn no_text_and_not_a_policy_give_empty_answers() {
    let empty = Playground::new("utf-16").expect("an encoding");
    assert!(empty.report().diagnostics.is_empty() && !empty.report().is_policy);
    assert!(empty.hover_at(0, 0).is_none() && empty.completions_at(0, 0).is_empty());
    assert!(empty.semantic_tokens().is_empty() && empty.outline_items().is_empty());
    let package = playground("{\"name\": \"x\", \"version\": \"1.0.0\"}");
    assert!(!package.report().is_policy && package.report().diagnostics.is_empty());
    // Broken text: diagnostics, no panic.
    let broken = playground("{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:Get");
    assert!(broken.report().diagnostics.iter().any(|d| d.code == "json-syntax"));
}

/// The worker's path: every call through `Session::call`, as editors/web/src/wasm.js makes it.
#[test]
fn the_dispatch_the_exports_run_answers_as_the_methods_do() {
    use iam_wasm::abi::Session;
    let mut session = Session::default();
    let text = |answer: Result<Vec<u8>, String>| String::from_utf8(answer.expect("the call succeeds")).expect("UTF-8");
    assert_eq!(text(session.call("apiVersion", "null")), iam_wasm::API_VERSION.to_string());
    assert!(text(session.call("about", "null")).starts_with("\"iam-analysis "));
    assert_eq!(
        session.call("setText", r#"{"text": "{}"}"#),
        Err("`setText` needs a document: call `open` first".into())
    );
    assert_eq!(text(session.call("open", r#"{"encoding": "utf-16"}"#)), "null");
    let params = serde_json::json!({ "text": CHATBOT }).to_string();
    assert_eq!(text(session.call("setText", &params)), "1");

    let direct = playground(CHATBOT);
    assert_eq!(text(session.call("diagnostics", "null")), direct.diagnostics());
    assert_eq!(text(session.call("hover", r#"{"line": 7, "col": 20}"#)), direct.hover(7, 20));
    assert_eq!(
        text(session.call("codeActions", r#"{"start": {"line": 7, "col": 18}, "end": {"line": 7, "col": 18}}"#)),
        direct.code_actions(7, 18, 7, 18)
    );
    let tokens = session.call("semanticTokens", "null").expect("tokens");
    let numbers: Vec<u32> =
        tokens.chunks_exact(4).map(|b| u32::from_le_bytes(b.try_into().expect("four bytes"))).collect();
    assert_eq!(numbers, direct.semantic_tokens());
    assert!(!numbers.is_empty());

    // Errors are messages, not panics, and leave the document as it was.
    assert_eq!(session.call("frobnicate", "null"), Err("no method `frobnicate`".into()));
    let bad = session.call("hover", r#"{"line": "seven"}"#).expect_err("a string is no line");
    assert!(bad.starts_with("`hover`'s parameters: "), "{bad}");
    let kind = session.call("setKind", r#"{"kind": "bucket"}"#).expect_err("no such kind");
    assert!(kind.starts_with("unknown policy kind `bucket`"), "{kind}");
    assert_eq!(text(session.call("diagnostics", "null")), direct.diagnostics());
    assert!(session.call("open", r#"{"encoding": "utf-32"}"#).is_err());
}

const STACK: &str = include_str!("../../../tests/fixtures/cloudformation/bedrock-agent-stack.yaml");
const MODULE: &str = include_str!("../../../tests/fixtures/terraform/bedrock-agent-broken.tf");

#[test]
fn the_host_is_guessed_from_the_text_or_chosen() {
    use iam_wasm::Host;
    assert_eq!(Host::detect(CHATBOT), Host::Policy);
    assert_eq!(Host::detect(""), Host::Policy);
    assert_eq!(Host::detect(STACK), Host::CloudFormation);
    assert_eq!(Host::detect(MODULE), Host::Terraform);
    let cdk = include_str!("../../../tests/fixtures/cloudformation/cdk-bedrock-stack.template.json");
    assert_eq!(Host::detect(cdk), Host::CloudFormation);
    assert_eq!(Host::detect("service: agent\nprovider:\n  name: aws\n"), Host::CloudFormation);

    let mut playground = playground(STACK);
    let report = playground.report();
    assert_eq!((report.host, report.host_detected), ("cloudformation", true));
    assert_eq!(report.template.as_ref().map(|t| t.format), Some("CloudFormation template (YAML)"));
    // Chosen as a policy, the YAML is no JSON policy: no template, no diagnostics.
    assert_eq!(playground.set_host("iam-json"), Ok(2));
    let report = playground.report();
    assert_eq!((report.host, report.host_detected, report.template.is_none()), ("iam-json", false, true));
    assert!(!report.is_policy && report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(playground.set_host(""), Ok(3));
    assert_eq!(playground.report().host, "cloudformation");
    let err = playground.set_host("pulumi").expect_err("not a host");
    assert!(err.contains("iam-json, cloudformation, terraform"), "{err}");
}

/// The snapshot's `62:26-62:47` (tests/fixtures/cloudformation/bedrock-agent-stack.snap),
/// zero-based, and its fix applied in the template's syntax.
#[test]
fn a_templates_diagnostics_and_fixes_are_at_their_host_positions() {
    let playground = playground(STACK);
    let report = playground.report();
    let prefix = report.diagnostics.iter().find(|d| d.code == "api-name-as-prefix").expect("in the snapshot");
    assert_eq!(prefix.range, range((61, 25), (61, 46)));
    let fix = playground
        .actions_at(61, 30, 61, 30)
        .into_iter()
        .find(|a| a.code == Some("api-name-as-prefix"))
        .expect("its quick fix at the host position");
    assert_eq!(fix.title, "Change the prefix to `bedrock`");
    let fixed = apply(STACK, &fix.edits);
    assert!(fixed.contains("Action: [bedrock:InvokeAgent, bedrock:GetAgent]"), "{fixed}");
    let after = self::playground(&fixed).report().diagnostics;
    assert!(after.iter().all(|d| d.code != "api-name-as-prefix"));
    assert_eq!(after.len(), report.diagnostics.len() - 1, "{after:?}");

    // Hover, completion, tokens and outline inside the embedded policies.
    let hover = playground.hover_at(51, 36).expect("a hover on bedrock:InvokeModel");
    assert!(hover.markdown.contains("InvokeModel"), "{}", hover.markdown);
    assert_eq!(hover.range.start.line, 51);
    let tokens = playground.semantic_tokens();
    assert!(tokens.chunks(4).any(|t| t[0] == 51), "a token on line 52");
    let outline = playground.outline_items();
    assert!(outline.iter().any(|s| s.name == "AgentRole"), "{outline:?}");
    let template = report.template.expect("a template");
    let kinds: Vec<&str> = template.policies.iter().map(|p| p.kind).collect();
    assert!(kinds.contains(&"trust") && kinds.contains(&"identity"), "{kinds:?}");

    let typing = STACK.replacen("Action: bedrock:InvokeModel", "Action: bedrock:InvokeMod", 1);
    let col = typing.lines().nth(51).and_then(|l| l.find("InvokeMod")).expect("line 52") as u32 + 9;
    let items = self::playground(&typing).completions_at(51, col);
    assert!(items.iter().any(|i| i.label.contains("InvokeModel")), "{items:?}");
}

#[test]
fn a_terraform_modules_diagnostics_are_at_their_host_positions() {
    let report = playground(MODULE).report();
    assert_eq!(report.host, "terraform");
    assert_eq!(report.template.as_ref().map(|t| t.format), Some("Terraform module"));
    // The snapshot's 40:23-40:41 (tests/fixtures/terraform/bedrock-agent-broken.snap).
    let found: Vec<(&str, Range)> = report.diagnostics.iter().map(|d| (d.code, d.range)).collect();
    assert!(found.contains(&("principal-invalid", range((39, 22), (39, 40)))), "{found:?}");
}

fn simulate(playground: &Playground, question: serde_json::Value) -> iam_wasm::simulate::Simulation {
    let question = serde_json::from_value(question).expect("a question");
    playground.simulate(&question).expect("a simulation")
}

#[test]
fn simulate_evaluates_the_editors_policy_as_its_kind() {
    let playground = playground(CHATBOT);
    let model = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0";
    let principal = "arn:aws:iam::111122223333:role/chatbot";
    let allowed = simulate(
        &playground,
        serde_json::json!({"principal": principal, "action": "bedrock:InvokeModel", "resource": model}),
    );
    assert_eq!(allowed.policy_type, "identity");
    assert_eq!(allowed.evaluation["decision"], "Allowed");
    assert!(
        allowed.text.contains("decision: Allowed") && allowed.text.contains("allowed by statement `ChatWithClaude`")
    );
    // Every statement's match report, each placed in the editor.
    let statements = allowed.evaluation["statements"].as_array().expect("statements");
    assert_eq!(statements.len(), 3);
    assert_eq!(statements[2]["sid"], "ChatWithClaude");
    assert_eq!(statements[2]["applies"], true);
    assert_eq!(statements[0]["action"]["matched"], false);
    assert_eq!(allowed.statement_ranges[2].map(|r| r.start.line), Some(16));

    let denied = simulate(&playground, serde_json::json!({"principal": principal, "action": "s3:GetObject"}));
    assert_eq!(denied.evaluation["decision"], "ImplicitlyDenied");
    assert_eq!(denied.evaluation["blockedBy"], serde_json::json!(["identity"]));

    // As a boundary alone it allows nothing; with an identity policy that allows all, it limits.
    let boundary =
        serde_json::json!({"principal": principal, "action": "s3:GetObject", "as": "boundary", "allowIdentity": true});
    let limited = simulate(&playground, boundary);
    assert_eq!(limited.evaluation["blockedBy"], serde_json::json!(["boundary"]));
    assert_eq!(limited.statement_ranges[0], None, "the assumed policy is not in the editor");
}

#[test]
fn simulate_reads_context_keys_and_says_what_is_wrong_with_a_question() {
    let scp = include_str!("../../../tests/fixtures/kinds/scp/region-guardrail.json");
    let mut playground = playground(scp);
    playground.set_kind("scp").expect("a kind");
    let ask = |context: &str| {
        serde_json::json!({"principal": "arn:aws:iam::111122223333:user/ana", "action": "ec2:RunInstances",
            "context": context, "allowIdentity": true})
    };
    let outside = simulate(&playground, ask("# outside the EU\naws:RequestedRegion=us-east-1\n"));
    assert_eq!(outside.policy_type, "scp");
    assert_eq!(outside.evaluation["decision"], "ExplicitlyDenied", "{}", outside.text);
    let inside = simulate(&playground, ask("aws:RequestedRegion=eu-west-1"));
    assert_ne!(inside.evaluation["decision"], "ExplicitlyDenied", "{}", inside.text);

    let err =
        |q: serde_json::Value| playground.simulate(&serde_json::from_value(q).expect("a question")).expect_err("bad");
    assert!(err(ask("aws:RequestedRegion")).contains("context line 1: `aws:RequestedRegion` is not KEY=VALUE"));
    assert!(err(serde_json::json!({"principal": "", "action": "s3:GetObject"})).starts_with("the principal is missing"));
    assert!(err(serde_json::json!({"principal": "1", "action": "s3:GetObject", "as": "group"}))
        .starts_with("unknown policy type `group`"));
    assert_eq!(iam_wasm::simulate::parse_context("k = [\"a\", \"b\"]").expect("a list")[0].1.values, ["a", "b"]);
}

#[test]
fn simulate_evaluates_the_template_policy_under_the_cursor_or_chosen() {
    let playground = playground(STACK);
    let policies = playground.report().template.expect("a template").policies;
    let trust = policies.iter().position(|p| p.kind == "trust").expect("AgentRole's trust policy");
    let identity = policies.iter().position(|p| p.kind == "identity").expect("AgentRole's policy");
    let principal = "arn:aws:iam::111122223333:role/agent";
    // Under the cursor: line 52, `Action: bedrock:InvokeModel` of the agent's policy.
    let at_cursor = simulate(
        &playground,
        serde_json::json!({"principal": principal, "action": "bedrock:InvokeModel", "at": {"line": 51, "col": 20}}),
    );
    assert_eq!(at_cursor.policy, "AWS::IAM::Role AgentRole Policies agent");
    assert!(policies[identity].origin.starts_with("AWS::IAM::Role `AgentRole` Policies `agent`"));
    assert_eq!(at_cursor.policy_type, "identity");
    let invoke = at_cursor.evaluation["statements"]
        .as_array()
        .and_then(|s| s.iter().position(|s| s["sid"] == "InvokeTheModel"))
        .expect("the statement");
    assert_eq!(at_cursor.evaluation["statements"][invoke]["action"]["matched"], true);
    assert_eq!(at_cursor.statement_ranges[invoke].map(|r| r.start.line), Some(49));

    // Chosen from the list: the trust policy, as the role's resource-based policy.
    let trusted = simulate(
        &playground,
        serde_json::json!({"principal": "bedrock.amazonaws.com", "action": "sts:AssumeRole", "policy": trust,
            "context": "aws:SourceAccount=111122223333"}),
    );
    assert_eq!(trusted.policy_type, "resource");
    assert_eq!(trusted.policy, "AWS::IAM::Role AgentRole AssumeRolePolicyDocument");
    assert!(trusted.evaluation["statements"][0]["action"]["matched"] == true, "{}", trusted.text);
}

#[test]
fn the_dispatch_opens_a_host_and_simulates() {
    use iam_wasm::abi::Session;
    let mut session = Session::default();
    let text = |answer: Result<Vec<u8>, String>| String::from_utf8(answer.expect("the call succeeds")).expect("UTF-8");
    let hosts: Value = serde_json::from_str(&text(session.call("hosts", "null"))).expect("JSON");
    assert_eq!(hosts[1]["id"], "cloudformation");
    assert_eq!(text(session.call("warm", "null")), "null");
    assert_eq!(text(session.call("open", r#"{"encoding": "utf-16", "host": "terraform"}"#)), "null");
    assert_eq!(text(session.call("setText", &serde_json::json!({ "text": MODULE }).to_string())), "1");
    let report: Value = serde_json::from_str(&text(session.call("diagnostics", "null"))).expect("JSON");
    assert_eq!((report["host"].as_str(), report["host_detected"].as_bool()), (Some("terraform"), Some(false)));
    assert_eq!(text(session.call("setHost", r#"{"host": ""}"#)), "2");
    let question = r#"{"principal": "arn:aws:iam::111122223333:role/a", "action": "s3:GetObject", "policy": 0}"#;
    let answer: Value = serde_json::from_str(&text(session.call("simulate", question))).expect("JSON");
    assert!(answer["evaluation"]["decision"].is_string() && answer["text"].is_string(), "{answer}");
    assert!(session.call("simulate", r#"{"principal": "x", "action": "s3:GetObject", "policy": 99}"#).is_err());
    assert!(session.call("open", r#"{"encoding": "utf-16", "host": "pulumi"}"#).is_err());
}

/// The zero-based line and UTF-16 column of `needle` in `text`, plus `into` characters.
fn utf16_at(text: &str, needle: &str, into: usize) -> (u32, u32) {
    let at = text.find(needle).expect("the needle is in the text");
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count() as u32;
    let col = text[line_start..at].encode_utf16().count() + needle[..into].encode_utf16().count();
    (line, col as u32)
}

#[test]
fn hover_explains_wildcards_arns_condition_keys_operators_and_the_kind_after_non_ascii_text() {
    // One line, after an `Id` with `é` (2 bytes, 1 UTF-16 unit) and `🫣` (4 bytes, 2 units): every
    // hover is asked and answered in UTF-16 columns.
    let text = r#"{"Id": "accès 🫣", "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "audit"}}}]}"#;
    let playground = playground(text);
    let hover = |needle: &str, into: usize| {
        let (line, col) = utf16_at(text, needle, into);
        let found = playground.hover_at(line, col).unwrap_or_else(|| panic!("a hover on {needle}"));
        // The hovered range is the needle's own, in UTF-16 columns.
        let (_, start) = utf16_at(text, needle, 0);
        (found.range.start.col, found.markdown, start)
    };
    let (at, wildcard, start) = hover("\"s3:Get*\"", 5);
    assert_eq!(at, start, "{wildcard}");
    assert!(
        wildcard.starts_with("**s3:Get*** matches ") && wildcard.contains("`s3:GetBucketPolicy`"),
        "the actions the wildcard matches: {wildcard}"
    );
    let (at, arn, start) = hover("arn:aws:s3:::reports/*", 10);
    assert_eq!(at, start - 1, "the string, quotes included: {arn}");
    assert!(
        arn.contains("`object`") && arn.contains("resource `reports/*`"),
        "the ARN's resource type and parts: {arn}"
    );
    let (at, key, start) = hover("\"aws:PrincipalTag/team\"", 5);
    assert_eq!(at, start, "{key}");
    assert!(key.contains("aws:PrincipalTag") && key.contains("global condition key"), "{key}");
    let (at, operator, start) = hover("\"StringEquals\"", 3);
    assert_eq!(at, start, "{operator}");
    assert!(operator.starts_with("**StringEquals**: exact, case-sensitive"), "{operator}");
    let (_, kind, _) = hover("\"Version\"", 2);
    assert!(kind.contains("Checked as a **") && kind.contains("(`identity`)"), "the policy's kind: {kind}");
}

#[test]
fn completion_offers_elements_arn_templates_operators_and_condition_keys() {
    // Each empty string below is where a user asks, after non-ASCII text on the line.
    let text = "{\"Id\": \"accès 🫣\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"\", \"Condition\": {\"\": {}, \"StringEquals\": {\"\": \"x\"}}, \"\": 1}]}";
    let playground = playground(text);
    // Asked inside the last `""` of `needle`; the answers replace from there.
    let at = |needle: &str| {
        let into = needle.rfind("\"\"").expect("an empty string") + 1;
        let (line, col) = utf16_at(text, needle, into);
        let items = playground.completions_at(line, col);
        assert!(!items.is_empty(), "completions in {needle}");
        assert!(items.iter().all(|i| i.range.start == Position { line, col }), "{needle}: {items:?}");
        items
    };
    let all = |items: &[iam_wasm::Completion], kind: &str| items.iter().all(|i| i.kind == kind);
    let elements = at("\"\": 1");
    assert!(elements.iter().any(|i| i.label == "Principal") && all(&elements, "property"), "{elements:?}");
    // The ARN formats of the statement's action, as snippets with tab stops.
    let arns = at("\"Resource\": \"\"");
    let object = arns.iter().find(|i| i.label == "s3 object").expect("the ARN template of an S3 object");
    assert_eq!(object.kind, "snippet");
    assert_eq!(object.snippet.as_deref(), Some("arn:aws:s3:::${1:BucketName}/${2:ObjectName}"));
    let operators = at("{\"\": {}");
    assert!(operators.iter().any(|i| i.label == "StringEquals") && all(&operators, "operator"), "{operators:?}");
    // The keys of the statement's action first, then the global ones.
    let keys = at("\"StringEquals\": {\"\"");
    assert!(all(&keys, "variable"), "{keys:?}");
    let s3 = keys.iter().position(|i| i.label == "s3:ExistingObjectTag/<key>").expect("an S3 key of s3:GetObject");
    let global = keys.iter().position(|i| i.label == "aws:SourceIp").expect("a global key");
    assert!(s3 < global, "{keys:?}");
}
