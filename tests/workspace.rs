//! The workspace features through the built binary: policies that `.iam-lsp.toml` says apply
//! together. A "Simulate" code lens on each statement, resolved to an `iam-lsp.simulate`
//! command that answers with the decision.

use std::path::PathBuf;

use serde_json::{json, Value};

#[path = "support/lsp_client.rs"]
mod lsp_client;

use lsp_client::Client;

fn workspace(name: &str) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/workspaces").join(name);
    dir.canonicalize().unwrap()
}

fn start_in(root: &std::path::Path, capabilities: Value) -> (Client, String) {
    let mut client = Client::start();
    let root_uri = format!("file://{}", root.display());
    let response =
        client.request("initialize", json!({"processId": null, "rootUri": root_uri, "capabilities": capabilities}));
    assert!(response.get("error").is_none(), "{response}");
    client.notify("initialized", json!({}));
    (client, root_uri)
}

#[test]
fn a_simulate_lens_on_each_statement_runs_the_statements_request() {
    let root = workspace("scp-denies");
    let (mut client, root_uri) = start_in(&root, json!({}));
    let uri = format!("{root_uri}/roles/agent.json");
    let text = std::fs::read_to_string(root.join("roles/agent.json")).unwrap();
    client.open(&uri, &text);

    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let lenses = lenses["result"].as_array().unwrap_or_else(|| panic!("{lenses}")).clone();
    // One per statement, on its first line, resolved later.
    let lines: Vec<u64> = lenses.iter().map(|l| l["range"]["start"]["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [3, 9, 15]);
    assert!(lenses.iter().all(|l| l.get("command").is_none()));

    // `DeleteOldLogs`: as the AgentRole session `[[principal]]` names, on a log group of
    // the statement's pattern; the workspace's SCP denies it.
    let resolved = client.request("codeLens/resolve", lenses[2].clone());
    let command = &resolved["result"]["command"];
    assert_eq!(command["command"], "iam-lsp.simulate", "{resolved}");
    let scenario = &command["arguments"][0];
    assert_eq!(scenario["request"]["principal"], "arn:aws:sts::111122223333:assumed-role/AgentRole/example");
    assert_eq!(scenario["request"]["action"], "logs:DeleteLogGroup");
    assert_eq!(scenario["request"]["resource"], "arn:aws:logs:us-east-1:111122223333:log-group:/agents/example");
    assert_eq!(scenario["policies"]["scp"], json!([["org/root/full-access.json"], ["org/workloads/guardrails.json"]]));
    assert_eq!(scenario["organization"]["managementAccount"], "999999999999");
    let title = command["title"].as_str().unwrap();
    assert!(title.starts_with("Simulate logs:DeleteLogGroup on arn:aws:logs:"), "{title}");

    let answer = client
        .request("workspace/executeCommand", json!({"command": "iam-lsp.simulate", "arguments": command["arguments"]}));
    assert_eq!(answer["result"]["decision"], "ExplicitlyDenied", "{answer}");
    assert_eq!(answer["result"]["blockedBy"], json!(["scp"]));
    let shown = answer["result"]["text"].as_str().unwrap();
    assert!(
        shown.contains("denied by statement `DenyLogDeletion` of the service control policy `org/workloads/guardrails.json` at OU 1"),
        "{shown}"
    );

    // `InvokeModels` on a foundation model of any Region: asked in one, which the SCP allows.
    let resolved = client.request("codeLens/resolve", lenses[0].clone());
    let command = &resolved["result"]["command"];
    assert_eq!(
        command["arguments"][0]["request"]["resource"],
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"
    );
    let answer = client
        .request("workspace/executeCommand", json!({"command": "iam-lsp.simulate", "arguments": command["arguments"]}));
    assert_eq!(answer["result"]["decision"], "Allowed", "{answer}");

    // The unsaved text is what runs: the statement edited to deny.
    let edited = text.replacen("\"Allow\"", "\"Deny\"", 1);
    client.change(&uri, 2, json!([{"text": edited}]));
    let resolved = client.request("codeLens/resolve", lenses[0].clone());
    let answer = client.request(
        "workspace/executeCommand",
        json!({"command": "iam-lsp.simulate", "arguments": resolved["result"]["command"]["arguments"]}),
    );
    assert_eq!(answer["result"]["decision"], "ExplicitlyDenied", "{answer}");
    assert_eq!(answer["result"]["blockedBy"], json!(["identity"]));

    // A document that is not a policy has no lenses.
    client.open(&format!("{root_uri}/package.json"), r#"{"name": "x"}"#);
    let none =
        client.request("textDocument/codeLens", json!({"textDocument": {"uri": format!("{root_uri}/package.json")}}));
    assert_eq!(none["result"], Value::Null, "{none}");
    client.shutdown();
}

fn codes_of(diagnostics: &Value) -> Vec<String> {
    let mut codes: Vec<String> =
        diagnostics.as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    codes.sort();
    codes
}

const CROSS_FILE: [&str; 2] = ["scp-denies-allow", "scp-denies-inference-region"];

fn cross_file(diagnostics: &Value) -> Vec<Value> {
    diagnostics
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| CROSS_FILE.contains(&d["code"].as_str().unwrap()))
        .cloned()
        .collect()
}

/// Pushed: the identity policy gets both findings, each pointing at the SCP statement; the
/// SCP edited in the editor (the deny given a condition) takes `scp-denies-allow` away.
#[test]
fn scp_findings_are_pushed_on_the_identity_policy_and_follow_the_scp_being_edited() {
    let root = workspace("scp-denies");
    let (mut client, root_uri) = start_in(&root, json!({}));
    let uri = format!("{root_uri}/roles/agent.json");
    client.open(&uri, &std::fs::read_to_string(root.join("roles/agent.json")).unwrap());
    let found = cross_file(&client.diagnostics(&uri)["diagnostics"]);
    assert_eq!(codes_of(&json!(found)), CROSS_FILE);
    let denies = found.iter().find(|d| d["code"] == "scp-denies-allow").unwrap();
    assert_eq!(denies["range"]["start"]["line"], 18, "{denies}");
    let related = &denies["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], format!("{root_uri}/org/workloads/guardrails.json"));
    assert_eq!(related["location"]["range"]["start"]["line"], 4, "{related}");
    let region = found.iter().find(|d| d["code"] == "scp-denies-inference-region").unwrap();
    assert!(region["message"].as_str().unwrap().contains("`us-west-2`"), "{region}");
    assert!(!region["message"].as_str().unwrap().contains("`us-east-1`"), "{region}");

    // The SCP opened and edited: its log deletion deny spares admins now.
    let scp_uri = format!("{root_uri}/org/workloads/guardrails.json");
    let scp = std::fs::read_to_string(root.join("org/workloads/guardrails.json")).unwrap();
    client.open(&scp_uri, &scp);
    let edited = scp.replacen(
        "\"Resource\": \"*\"\n    },",
        "\"Resource\": \"*\",\n      \"Condition\": {\"ArnNotLike\": {\"aws:PrincipalArn\": \"arn:aws:iam::*:role/Admin\"}}\n    },",
        1,
    );
    assert_ne!(edited, scp);
    client.change(&scp_uri, 2, json!([{"text": edited}]));
    loop {
        let published = client.diagnostics(&uri);
        let codes = codes_of(&json!(cross_file(&published["diagnostics"])));
        if codes == ["scp-denies-inference-region"] {
            break;
        }
        assert_eq!(codes, CROSS_FILE, "only the findings before the edit may come first");
    }
    client.shutdown();
}

/// Pulled (`textDocument/diagnostic`): the findings in the report; the valid twin has none.
#[test]
fn scp_findings_are_pulled_and_the_valid_twin_has_none() {
    for (name, expected) in [("scp-denies", CROSS_FILE.to_vec()), ("scp-allows", Vec::new())] {
        let root = workspace(name);
        let (mut client, root_uri) = start_in(&root, json!({"textDocument": {"diagnostic": {}}}));
        let uri = format!("{root_uri}/roles/agent.json");
        client.open(&uri, &std::fs::read_to_string(root.join("roles/agent.json")).unwrap());
        let report = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
        let items = &report["result"]["items"];
        assert_eq!(codes_of(&json!(cross_file(items))), expected, "{name}: {report}");
        client.shutdown();
    }
}

/// `iam-lsp check` reports what the editor reports across files: the same codes, messages and
/// ranges, and the same related SCP statement.
#[test]
fn check_on_the_workspace_reports_the_editors_cross_file_findings() {
    let (editor, cli) = editor_and_check("scp-denies");
    assert_eq!(editor.len(), 2);
    assert_eq!(cli, editor);
}

/// The cross-file findings of `roles/agent.json` in a workspace, as the editor pulls them and as
/// `iam-lsp check --format json` prints them: `[code, message, range, related file, related
/// range, related message]` each.
fn editor_and_check(name: &str) -> (Vec<Value>, Vec<Value>) {
    editor_and_check_of(name, "roles/agent.json")
}

fn editor_and_check_of(name: &str, file: &str) -> (Vec<Value>, Vec<Value>) {
    let root = workspace(name);
    let (mut client, root_uri) = start_in(&root, json!({"textDocument": {"diagnostic": {}}}));
    let uri = format!("{root_uri}/{file}");
    client.open(&uri, &std::fs::read_to_string(root.join(file)).unwrap());
    let report = client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    client.shutdown();
    let editor: Vec<Value> = cross_file(&report["result"]["items"])
        .iter()
        .map(|d| {
            let related = &d["relatedInformation"][0];
            let file = related["location"]["uri"].as_str().unwrap().strip_prefix(&format!("{root_uri}/")).unwrap();
            json!([d["code"], d["message"], d["range"], file, related["location"]["range"], related["message"]])
        })
        .collect();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_iam-lsp"))
        .current_dir(&root)
        .args(["check", "--format", "json", file])
        .output()
        .expect("run iam-lsp");
    let items: Value = serde_json::from_slice(&output.stdout).unwrap();
    let cli: Vec<Value> = cross_file(&items)
        .iter()
        .map(|f| {
            let related = &f["related"][0];
            json!([f["code"], f["message"], f["range"], related["path"], related["range"], related["message"]])
        })
        .collect();
    (editor, cli)
}

/// The SCPs of `templates-scp` are in a CloudFormation template (the root's) and a Terraform
/// module (the `Workloads` OU's): the identity policy's findings point at the statement in
/// the template, and the editor reports the same as `check`. The root's deny whose resource
/// is an `!ImportValue` is not taken to deny the bucket deletion the role allows.
#[test]
fn scps_in_a_template_and_a_module_give_findings_on_the_json_identity_policy() {
    let (editor, cli) = editor_and_check("templates-scp");
    assert_eq!(cli, editor);
    let codes: Vec<&str> = cli.iter().map(|f| f[0].as_str().unwrap()).collect();
    assert_eq!(codes, ["scp-denies-inference-region", "scp-denies-allow"], "{cli:?}");
    let (region, denies) = (&cli[0], &cli[1]);
    // `InvokeThroughProfile` (line 14) and `DeleteOldLogs` (line 19); none on `DeleteScratchBuckets`.
    assert_eq!(region[2]["start"]["line"], 13);
    assert_eq!(denies[2]["start"]["line"], 18);
    // The Terraform statement object `{` (line 15) and the template's `- Sid: DenyLogDeletion` (line 17).
    assert_eq!(region[3], "org/workloads.tf");
    assert_eq!(region[4]["start"], json!({"line": 14, "character": 6}));
    assert_eq!(denies[3], "org/root.yaml");
    assert_eq!(denies[4]["start"], json!({"line": 16, "character": 12}));
    let message = denies[1].as_str().unwrap();
    assert!(
        message.contains(
            "statement `DenyLogDeletion` of the service control policy `org/root.yaml#RootGuardrails` at the root"
        ),
        "{message}"
    );
    let message = region[1].as_str().unwrap();
    assert!(message.contains("`org/workloads.tf#aws_organizations_policy.workloads` at OU `Workloads`"), "{message}");
}

fn explain(root: &std::path::Path, message: &str, format: &str) -> (Option<i32>, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_iam-lsp"))
        .args(["explain", message, "--workspace", root.to_str().unwrap(), "--format", format])
        .output()
        .expect("run iam-lsp");
    (output.status.code(), String::from_utf8(output.stdout).unwrap())
}

/// `explain --workspace` takes the SCPs from the template and the module, and names the level.
#[test]
fn explain_finds_the_policies_of_templates() {
    let root = workspace("templates-scp");
    let message = "User: arn:aws:sts::111122223333:assumed-role/AgentRole/s is not authorized to perform: logs:DeleteLogGroup on resource: arn:aws:logs:us-east-1:111122223333:log-group:/agents/a with an explicit deny in a service control policy";
    let (code, out) = explain(&root, message, "text");
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("roles/agent.json (identity), roles/agent-stack.yaml#AgentRole (identity), roles/agent-stack.yaml#AgentRole (2) (identity), org/root.yaml#RootGuardrails (scp), org/workloads.tf#aws_organizations_policy.workloads (scp)"),
        "{out}"
    );
    assert!(out.contains("denied by statement `DenyLogDeletion` of the service control policy `org/root.yaml#RootGuardrails` at the root"), "{out}");
    let (_, json) = explain(&root, message, "json");
    let answer: Value = serde_json::from_str(&json).unwrap();
    let denying: Vec<&Value> = answer["evaluation"]["statements"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["applies"] == true && s["effect"] == "Deny")
        .collect();
    let names: Vec<(&Value, &Value, &Value)> =
        denying.iter().map(|s| (&s["policy"], &s["level"], &s["levelName"])).collect();
    // The message has no Region: the OU's Region deny applies too.
    assert_eq!(
        names,
        [
            (&json!("org/root.yaml#RootGuardrails"), &json!(0), &json!("root")),
            (&json!("org/workloads.tf#aws_organizations_policy.workloads"), &json!(1), &json!("OU Workloads")),
        ],
        "{answer}"
    );
}

/// A request only the root's deny with an `!ImportValue` resource could deny: allowed if the
/// import names another bucket, denied if it names this one; `explain` says so, naming the part.
#[test]
fn explain_bounds_what_a_template_leaves_unresolved() {
    let root = workspace("templates-scp");
    let decoded = json!({
        "allowed": false, "explicitDeny": true,
        "matchedStatements": {"items": []}, "failures": {"items": []},
        "context": {
            "principal": {"id": "AROA123456789EXAMPLE:s", "arn": "arn:aws:sts::111122223333:assumed-role/AgentRole/s"},
            "action": "s3:DeleteBucket",
            "resource": "arn:aws:s3:::agent-scratch-1",
            "conditions": {"items": [{"key": "aws:RequestedRegion", "values": {"items": [{"value": "us-east-1"}]}}]}
        }
    });
    let (code, out) = explain(&root, &decoded.to_string(), "text");
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("decision: Undetermined from the template alone: Allowed or ExplicitlyDenied (blocked by scp)"),
        "{out}"
    );
    assert!(
        out.contains("`!ImportValue ProtectedBucketArn` (org/root.yaml, line 26, the Resource of statement `DenyProtectedBucketDeletion`)"),
        "{out}"
    );
    assert!(out.contains("  if those that deny match it and those that allow do not: ExplicitlyDenied (blocked by scp)\n    denied by statement `DenyProtectedBucketDeletion`"), "{out}");
    assert!(
        out.contains("  if those of them that allow match the request and those that deny do not: Allowed\n"),
        "{out}"
    );
    let (_, json) = explain(&root, &decoded.to_string(), "json");
    let answer: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(answer["evaluation"]["decision"], "Undetermined", "{answer}");
    assert_eq!(answer["evaluation"]["least"]["decision"], "ExplicitlyDenied");
    assert_eq!(answer["evaluation"]["most"]["decision"], "Allowed");
}

/// The "Simulate" lens of a JSON identity policy runs with the SCPs of the template and the
/// module, inline and named, in their named levels.
#[test]
fn a_simulate_lens_runs_with_the_scps_of_templates() {
    let root = workspace("templates-scp");
    let (mut client, root_uri) = start_in(&root, json!({}));
    let uri = format!("{root_uri}/roles/agent.json");
    client.open(&uri, &std::fs::read_to_string(root.join("roles/agent.json")).unwrap());
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let lenses = lenses["result"].as_array().unwrap_or_else(|| panic!("{lenses}")).clone();
    // `DeleteOldLogs`.
    let resolved = client.request("codeLens/resolve", lenses[2].clone());
    let command = &resolved["result"]["command"];
    let scp = &command["arguments"][0]["policies"]["scp"];
    assert_eq!(scp[0][0]["name"], "org/root.yaml#RootGuardrails", "{scp}");
    assert_eq!(scp[1]["name"], "Workloads", "{scp}");
    assert_eq!(scp[1]["policies"][0]["name"], "org/workloads.tf#aws_organizations_policy.workloads", "{scp}");
    let answer = client
        .request("workspace/executeCommand", json!({"command": "iam-lsp.simulate", "arguments": command["arguments"]}));
    assert_eq!(answer["result"]["decision"], "ExplicitlyDenied", "{answer}");
    let shown = answer["result"]["text"].as_str().unwrap();
    assert!(
        shown.contains("denied by statement `DenyLogDeletion` of the service control policy `org/root.yaml#RootGuardrails` at the root"),
        "{shown}"
    );
    client.shutdown();
}

/// A template's identity policy that a `[[principal]]` takes (`roles/agent-stack.yaml#AgentRole`)
/// gets the findings too, in the template: `DeleteAgentLogs`, not `DeleteImportedStreams`
/// (its resource is an `!ImportValue`), nor the other role's statement.
#[test]
fn a_role_in_a_template_gets_the_findings_in_the_template() {
    let (editor, cli) = editor_and_check_of("templates-scp", "roles/agent-stack.yaml");
    assert_eq!(cli, editor);
    assert_eq!(cli.len(), 1, "{cli:?}");
    assert_eq!(cli[0][0], "scp-denies-allow");
    // `Action: logs:DeleteLogGroup` of `DeleteAgentLogs`, line 22.
    assert_eq!(cli[0][2]["start"], json!({"line": 21, "character": 16}));
    assert_eq!(cli[0][3], "org/root.yaml");
}

/// The lens of a template's role that a `[[principal]]` takes (`#AgentRole`) runs as that
/// principal, with the workspace's SCPs; the other role of the template is not that principal.
#[test]
fn a_lens_in_a_template_runs_as_the_principal_that_takes_its_role() {
    let root = workspace("templates-scp");
    let (mut client, root_uri) = start_in(&root, json!({}));
    let uri = format!("{root_uri}/roles/agent-stack.yaml");
    client.open(&uri, &std::fs::read_to_string(root.join("roles/agent-stack.yaml")).unwrap());
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let lenses = lenses["result"].as_array().unwrap_or_else(|| panic!("{lenses}")).clone();
    let resolved: Vec<Value> =
        lenses.iter().map(|l| client.request("codeLens/resolve", l.clone())["result"].clone()).collect();
    let scenario_at = |line: u64| {
        let lens =
            resolved.iter().find(|l| l["range"]["start"]["line"] == line).unwrap_or_else(|| panic!("{resolved:?}"));
        lens["command"]["arguments"][0].clone()
    };
    // `DeleteAgentLogs` (line 20) of AgentRole, `DeleteOtherLogs` (line 52) of OtherRole.
    let agent = scenario_at(19);
    assert_eq!(agent["request"]["principal"], "arn:aws:sts::111122223333:assumed-role/AgentRole/example", "{agent}");
    // The role's other policy of the template comes with it, named.
    let identity = agent["policies"]["identity"].as_array().unwrap();
    assert_eq!(identity.len(), 3, "{agent}");
    assert!(identity.iter().any(|p| p["name"] == "roles/agent-stack.yaml#AgentRole (2)"), "{agent}");
    let answer =
        client.request("workspace/executeCommand", json!({"command": "iam-lsp.simulate", "arguments": [agent]}));
    assert_eq!(answer["result"]["decision"], "ExplicitlyDenied", "{answer}");
    let other = scenario_at(51);
    assert_eq!(other["request"]["principal"], "arn:aws:iam::123456789012:role/ExampleRole", "{other}");
    client.shutdown();
}
