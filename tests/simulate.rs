//! `iam-lsp simulate` and `iam-lsp explain` as a user runs them: text and JSON output,
//! exit codes, the flag form, wildcard questions, and bad input named by file and field.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios/evaluator")
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iam-lsp")).args(args).output().expect("run iam-lsp")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-lsp-simulate-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

const ALLOW_S3_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}]}"#;

#[test]
fn an_scp_deny_is_named_with_the_condition_values_and_exits_1() {
    let path = scenarios().join("31-scp-blocks-cross-region-inference.json");
    let output = run(&["simulate", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("decision: ExplicitlyDenied (blocked by scp)"), "{out}");
    assert!(
        out.contains("denied by statement `DenyOutsideUsEast1` of the service control policy `deny-other-regions` at OU `Workloads`"),
        "{out}"
    );
    assert!(out.contains("`aws:RequestedRegion` is `us-west-2` (`StringNotEquals` [`us-east-1`])"), "{out}");
}

#[test]
fn allowed_exits_0_and_points_at_model_access() {
    let path = scenarios().join("32-agent-role-allowed-model-access.json");
    let output = run(&["simulate", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("decision: Allowed"), "{out}");
    assert!(out.contains("allowed by statement `InvokeThroughProfile` of the identity-based policy"), "{out}");
    assert!(out.contains("model access"), "{out}");
}

#[test]
fn json_output_has_the_decision_the_blocking_types_and_every_statement() {
    let path = scenarios().join("15-boundary-role-arn-in-resource-policy.json");
    let output = run(&["simulate", path.to_str().unwrap(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["decision"], "ImplicitlyDenied");
    assert_eq!(json["blockedBy"], serde_json::json!(["boundary"]));
    let statements = json["statements"].as_array().unwrap();
    let resource = statements.iter().find(|s| s["policyType"] == "resource").unwrap();
    assert_eq!(resource["applies"], true);
    assert_eq!(resource["named"], "role");
    let boundary = statements.iter().find(|s| s["policyType"] == "boundary").unwrap();
    assert_eq!(boundary["action"]["matched"], false);
    assert_eq!(boundary["action"]["reason"], "the action is not in `Action`");
    // Every element is reported, the action's failure not stopping it.
    for part in ["resource", "condition"] {
        assert!(boundary[part]["matched"].is_boolean(), "{part}: {boundary}");
    }
}

#[test]
fn policies_given_as_paths_are_read_relative_to_the_scenario() {
    let dir = scratch("paths");
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    write(&dir.join("policies"), "read.json", ALLOW_S3_READ);
    let scenario = write(
        &dir,
        "s.json",
        r#"{"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::amzn-s3-demo-bucket/a"},
            "policies":{"identity":["policies/read.json"]},"comment":"unknown keys are ignored"}"#,
    );
    let output = run(&["simulate", &scenario]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("allowed by statement `Read` of the identity-based policy `policies/read.json`"));
}

#[test]
fn the_flag_form_and_a_wildcard_question_answer_as_a_table() {
    let dir = scratch("flags");
    let identity = write(&dir, "identity.json", ALLOW_S3_READ);
    let output = run(&[
        "simulate",
        "--principal",
        "arn:aws:iam::111122223333:user/alice",
        "--action",
        "s3:GetObject",
        "s3:PutObject",
        "--resource",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        "--identity",
        &identity,
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = stdout(&output);
    let rows: Vec<&str> = out.lines().collect();
    assert!(rows[0].starts_with("ACTION"), "{out}");
    assert!(rows[1].starts_with("s3:GetObject") && rows[1].contains("Allowed"), "{out}");
    assert!(rows[2].starts_with("s3:PutObject") && rows[2].ends_with("ImplicitlyDenied  identity"), "{out}");
    assert_eq!(rows.last(), Some(&"1 of 2 allowed"));

    let wildcard = run(&[
        "simulate",
        "--principal",
        "arn:aws:iam::111122223333:user/alice",
        "--action",
        "s3:GetObjectT*",
        "--resource",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        "--identity",
        &identity,
        "--context",
        "aws:RequestedRegion=us-east-1",
    ]);
    let out = stdout(&wildcard);
    assert!(out.contains("s3:GetObjectTagging"), "{out}");
    assert!(out.contains("s3:GetObjectTorrent"), "{out}");
    assert_eq!(wildcard.status.code(), Some(0), "{out}");
}

#[test]
fn bad_input_exits_2_naming_the_file_and_the_field() {
    let dir = scratch("bad");
    let missing = write(&dir, "missing-action.json", r#"{"request":{"principal":"arn:aws:iam::1:user/a"}}"#);
    let output = run(&["simulate", &missing]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stderr(&output).trim(), format!("iam-lsp: {missing}: `request.action`: is missing"));

    let bad_level = write(
        &dir,
        "bad-level.json",
        r#"{"request":{"principal":"p","action":"s3:GetObject"},"policies":{"scp":[{"Statement":[]}]}}"#,
    );
    let output = run(&["simulate", &bad_level]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`policies.scp[0]`: each level (root, each OU, the account) is a list of policies")
    );

    let unreadable = write(
        &dir,
        "unreadable.json",
        r#"{"request":{"principal":"p","action":"s3:GetObject"},"policies":{"identity":["nowhere.json"]}}"#,
    );
    let output = run(&["simulate", &unreadable]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("`policies.identity[0]`: cannot read `nowhere.json`"), "{}", stderr(&output));

    let not_json = write(&dir, "not-json.json", "{");
    assert_eq!(run(&["simulate", &not_json]).status.code(), Some(2));
    assert_eq!(run(&["simulate", "--format", "yaml", &not_json]).status.code(), Some(2));
    assert_eq!(run(&["simulate"]).status.code(), Some(2));
    let output = run(&["simulate", "--principal", "p", "--action", "nosuch:*"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("`nosuch:*` matches no action the catalog knows"));
}

#[test]
fn explain_reads_the_message_and_evaluates_the_workspace() {
    let message = "An error occurred (AccessDeniedException) when calling the InvokeModel operation: User: arn:aws:sts::111122223333:assumed-role/AgentRole/s is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-west-2::foundation-model/m with an explicit deny in a service control policy";
    let output = run(&["explain", message]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("principal: arn:aws:sts::111122223333:assumed-role/AgentRole/s"), "{out}");
    assert!(out.contains("meaning:   a Deny statement in a service control policy matches the request"), "{out}");

    let dir = scratch("explain");
    write(
        &dir,
        "identity.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}"#,
    );
    let message = "User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::amzn-s3-demo-bucket/a because no identity-based policy allows the s3:GetObject action";
    let output = run(&["explain", message, "--workspace", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(out.contains("policies from"), "{out}");
    assert!(out.contains("identity.json (identity)"), "{out}");
    assert!(out.contains("decision: ImplicitlyDenied (blocked by identity)"), "{out}");
    assert!(out.contains("`arn:aws:s3:::amzn-s3-demo-bucket/a` is not in `Resource`"), "{out}");
    // The one change that would allow it: the resource, in the statement that only lacks it.
    assert!(
        out.ends_with("change:    add `arn:aws:s3:::amzn-s3-demo-bucket/a` to the Resource of statement 1 of the identity-based policy `identity.json`\n"),
        "{out}"
    );
    let output = run(&["explain", message, "--workspace", dir.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        json["evaluation"]["change"],
        "add `arn:aws:s3:::amzn-s3-demo-bucket/a` to the Resource of statement 1 of the identity-based policy `identity.json`"
    );

    let output = run(&["explain", "something else"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn explain_uses_the_workspace_config_for_which_policies_apply_together() {
    let dir = scratch("config");
    for sub in ["roles", "org/root", "org/workloads", "other"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    write(
        &dir.join("roles"),
        "agent.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]}"#,
    );
    // Another role's policy, which must not count for the agent.
    write(
        &dir.join("other"),
        "admin.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
    );
    write(
        &dir.join("org/root"),
        "full.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    );
    write(
        &dir.join("org/workloads"),
        "regions.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"DenyOtherRegions","Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}]}"#,
    );
    write(
        &dir,
        ".iam-lsp.toml",
        "[[principal]]\narn = \"arn:aws:sts::111122223333:assumed-role/AgentRole/*\"\nidentity = [\"roles/*.json\"]\n\n[organization]\nscp = [[\"org/root/*.json\"], [\"org/workloads/*.json\"]]\n",
    );
    let message = "User: arn:aws:sts::111122223333:assumed-role/AgentRole/s is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-west-2::foundation-model/m with an explicit deny in a service control policy";
    let output = run(&["explain", message, "--workspace", dir.to_str().unwrap()]);
    let out = stdout(&output);
    assert!(
        out.contains("roles/agent.json (identity), org/root/full.json (scp), org/workloads/regions.json (scp)"),
        "{out}"
    );
    assert!(!out.contains("admin.json"), "{out}");
    // The message has no request context: the Region is not in it, so the Deny applies.
    assert!(
        out.contains(
            "denied by statement `DenyOtherRegions` of the service control policy `org/workloads/regions.json` at OU 1"
        ),
        "{out}"
    );
    assert_eq!(output.status.code(), Some(1));
}

/// What `aws sts decode-authorization-message` prints, given to `explain`: the request is
/// built from its context (the instance type among its keys), so the SCP's condition on
/// `ec2:InstanceType` is evaluated with the value AWS saw. The fixture's README cites the page.
#[test]
fn explain_reads_a_decoded_authorization_message_with_its_context_keys() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/decoded-message");
    let decoded = std::fs::read_to_string(dir.join("decoded.json")).unwrap();
    let output = run(&["explain", &decoded, "--workspace", dir.to_str().unwrap()]);
    let out = stdout(&output);
    assert!(out.contains("principal: arn:aws:sts::111122223333:assumed-role/Developer/Ana"), "{out}");
    // AWS writes the operation without its prefix; the resource's ARN gives it.
    assert!(out.contains("action:    ec2:RunInstances"), "{out}");
    assert!(out.contains("context:   ec2:InstanceType = t2.micro"), "{out}");
    assert!(out.contains("meaning:   the Deny statement `DenyLargeInstances` matches the request"), "{out}");
    assert!(out.contains("decision: ExplicitlyDenied (blocked by scp)"), "{out}");
    assert!(out.contains("`ec2:InstanceType` is `t2.micro` (`StringNotEquals` [`t3.micro`])"), "{out}");
    assert!(out.contains("change:    change the condition of statement `DenyLargeInstances` of the service control policy `org/instance-types.json` at the root so that it does not hold for this request"), "{out}");
    assert_eq!(output.status.code(), Some(1));

    // The same request for the allowed instance type: the SCP lets it through.
    let allowed = decoded.replace(r#"{\"value\":\"t2.micro\"}"#, r#"{\"value\":\"t3.micro\"}"#);
    assert_ne!(allowed, decoded);
    let output = run(&["explain", &allowed, "--workspace", dir.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["evaluation"]["decision"], "Allowed", "{json}");
    assert_eq!(json["context"]["ec2:InstanceType"], "t3.micro");
    assert_eq!(json["decoded"]["action"], "ec2:RunInstances");
    assert_eq!(output.status.code(), Some(0));

    // Without a workspace: what the message says, exit 0.
    let output = run(&["explain", &decoded]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!stdout(&output).contains("decision:"));
}

/// A reader that stops early (`| head -c 10`) closes the pipe: the command ends quietly,
/// with the answer's exit code, instead of panicking on the write. The output is made
/// larger than a pipe's buffer so that the writes are still going when the reader leaves.
#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = scratch("pipe");
    let identity = write(&dir, "identity.json", ALLOW_S3_READ);
    let resources: Vec<String> = (0..20).map(|i| format!("arn:aws:s3:::amzn-s3-demo-bucket/{i}")).collect();
    let mut args = vec!["simulate", "--principal", "arn:aws:iam::111122223333:user/alice", "--action", "s3:*"];
    args.push("--resource");
    args.extend(resources.iter().map(String::as_str));
    args.extend(["--identity", &identity]);
    for format in ["json", "text"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iam-lsp"))
            .args(&args)
            .args(["--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run iam-lsp");
        let mut head = [0u8; 10];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        // The reader is dropped here: the pipe is closed with most of the output unread.
        let output = child.wait_with_output().unwrap();
        let err = stderr(&output);
        assert!(!err.contains("panicked"), "{format}: {err}");
        assert_eq!(err, "", "{format}: nothing to say on a closed pipe");
        // Some of `s3:*` is not allowed by a policy that allows `s3:Get*`.
        assert_eq!(output.status.code(), Some(1), "{format}");
    }
}

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const ALLOW_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// `simulate ARGS --format json`: the exit code, the decision and the blocking types.
fn decide(args: &[&str]) -> (Option<i32>, String, Vec<String>) {
    let output = run(&[&["simulate"][..], args, &["--format", "json"][..]].concat());
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&output)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&output)));
    let blocked = json["blockedBy"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
    (output.status.code(), json["decision"].as_str().unwrap().to_string(), blocked)
}

fn allowed() -> (Option<i32>, String, Vec<String>) {
    (Some(0), "Allowed".to_string(), Vec::new())
}

fn denied(decision: &str, blocked: &[&str]) -> (Option<i32>, String, Vec<String>) {
    (Some(1), decision.to_string(), blocked.iter().map(|t| t.to_string()).collect())
}

/// What else AWS checks once the policies allow a request (issue 17's list), for the requests
/// each rule concerns: S3 objects may be encrypted with SSE-KMS, whose key policy must allow
/// the caller as KMS calls' do (S3 `UsingKMSEncryption`, KMS `control-access` pages); Block
/// Public Access is S3's; a service-linked role is created by the create action of its
/// service (ELB and Auto Scaling pages), which then needs `iam:CreateServiceLinkedRole`; any
/// request may come through a VPC endpoint. A denied request gets none of these.
#[test]
fn allowed_requests_say_what_else_aws_checks() {
    let dir = scratch("elsewhere");
    let identity = write(&dir, "all.json", ALLOW_ALL);
    // A KMS key's policy must allow explicitly: the default one lets IAM policies decide.
    let key_policy = write(
        &dir,
        "key-policy.json",
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}"#,
    );
    let notes = |action: &str, resource: &str| -> Vec<String> {
        let args =
            ["simulate", "--principal", ALICE, "--action", action, "--resource", resource, "--identity", &identity];
        let key_policy = ["--resource-policy", key_policy.as_str()];
        let extra = if action.starts_with("kms:") { &key_policy[..] } else { &[][..] };
        let output = run(&[&args[..], extra, &["--format", "json"][..]].concat());
        assert_eq!(output.status.code(), Some(0), "{action}: {}", stderr(&output));
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        json["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap().to_string()).collect()
    };
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let lb = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/my-load-balancer/50dc6c495c0c9188";
    let asg = "arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:*:autoScalingGroupName/my-asg";
    // (action, resource, the KMS key policy, Block Public Access, the service-linked role)
    let cases = [
        ("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/a", true, true, None),
        ("kms:Decrypt", key, true, false, None),
        ("elasticloadbalancing:CreateLoadBalancer", lb, false, false, Some("AWSServiceRoleForElasticLoadBalancing")),
        ("autoscaling:CreateAutoScalingGroup", asg, false, false, Some("AWSServiceRoleForAutoScaling")),
        // Not a create action: the role exists once a load balancer does.
        ("elasticloadbalancing:DescribeLoadBalancers", "*", false, false, None),
        ("ec2:DescribeInstances", "*", false, false, None),
    ];
    for (action, resource, kms, block_public_access, role) in cases {
        let notes = notes(action, resource);
        let has = |what: &str| notes.iter().any(|n| n.contains(what));
        assert_eq!(has("KMS key policy"), kms, "{action}: {notes:?}");
        assert_eq!(has("Block Public Access"), block_public_access, "{action}: {notes:?}");
        assert_eq!(has("iam:CreateServiceLinkedRole"), role.is_some(), "{action}: {notes:?}");
        if let Some(role) = role {
            assert!(has(role), "{action}: {notes:?}");
        }
        assert!(has("VPC endpoint policy"), "{action}: {notes:?}");
        assert!(!has("model access"), "{action}: {notes:?}");
    }

    let none = write(&dir, "none.json", r#"{"Version":"2012-10-17","Statement":[]}"#);
    let output = run(&[
        "simulate",
        "--principal",
        ALICE,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        "--identity",
        &none,
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["decision"], "ImplicitlyDenied");
    let text = json["notes"].to_string();
    assert!(!text.contains("VPC endpoint policy") && !text.contains("KMS key policy"), "{text}");
}

/// Each policy flag of the flag form, with a request whose answer follows from AWS's rule
/// for that policy type (the pages `tests/scenarios/README.md` lists per topic).
#[test]
fn each_policy_flag_takes_its_policy_type() {
    let dir = scratch("policy-flags");
    let object = "arn:aws:s3:::amzn-s3-demo-bucket/a";
    let identity = write(
        &dir,
        "s3.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
    );
    let get_only =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let get_only_file = write(&dir, "get-only.json", get_only);
    let full = write(&dir, "full.json", ALLOW_ALL);
    let ec2_only = write(
        &dir,
        "ec2-only.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#,
    );
    let request = |action: &'static str| ["--principal", ALICE, "--action", action, "--resource", object, "--identity"];
    let with = |action: &'static str, rest: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = request(action).iter().map(|s| s.to_string()).collect();
        args.push(identity.clone());
        args.extend(rest.iter().map(|s| s.to_string()));
        args
    };
    let ask = |args: Vec<String>| decide(&args.iter().map(String::as_str).collect::<Vec<_>>());

    // A boundary limits to what it allows too; it never grants (boundaries page).
    assert_eq!(ask(with("s3:GetObject", &["--boundary", &get_only_file])), allowed());
    assert_eq!(ask(with("s3:PutObject", &["--boundary", &get_only_file])), denied("ImplicitlyDenied", &["boundary"]));

    // A session policy likewise, for a role session (session policies page).
    let session = "arn:aws:sts::111122223333:assumed-role/AppRole/app-session";
    let mut args = with("s3:PutObject", &["--session", &get_only_file]);
    args[1] = session.to_string();
    assert_eq!(ask(args), denied("ImplicitlyDenied", &["session"]));
    let mut args = with("s3:GetObject", &["--session", &get_only_file]);
    args[1] = session.to_string();
    assert_eq!(ask(args), allowed());

    // `--scp` is one level: it must allow the action (SCP evaluation page).
    assert_eq!(ask(with("s3:GetObject", &["--scp", &get_only_file])), allowed());
    assert_eq!(ask(with("s3:PutObject", &["--scp", &get_only_file])), denied("ImplicitlyDenied", &["scp"]));
    // `--scp-level` once per level, root first: every level must allow.
    assert_eq!(ask(with("s3:GetObject", &["--scp-level", &full, "--scp-level", &full])), allowed());
    assert_eq!(
        ask(with("s3:GetObject", &["--scp-level", &full, "--scp-level", &ec2_only])),
        denied("ImplicitlyDenied", &["scp"])
    );
    // SCPs do not apply to the management account's principals; another account's do not change that.
    assert_eq!(
        ask(with(
            "s3:GetObject",
            &["--scp-level", &full, "--scp-level", &ec2_only, "--management-account", "111122223333"]
        )),
        allowed()
    );
    assert_eq!(
        ask(with(
            "s3:GetObject",
            &["--scp-level", &full, "--scp-level", &ec2_only, "--management-account", "999999999999"]
        )),
        denied("ImplicitlyDenied", &["scp"])
    );

    // An RCP level carries RCPFullAWSAccess: a custom RCP that denies something else lets
    // the request through; one that denies it denies (RCP evaluation page).
    let deny_delete = write(
        &dir,
        "deny-delete.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"*"}]}"#,
    );
    assert_eq!(ask(with("s3:GetObject", &["--rcp", &deny_delete, "--resource-account", "111122223333"])), allowed());
    assert_eq!(
        ask(with("s3:DeleteObject", &["--rcp", &deny_delete, "--resource-account", "111122223333"])),
        denied("ExplicitlyDenied", &["rcp"])
    );

    // A VPC endpoint policy must allow the request too (PrivateLink endpoint access page).
    let endpoint = write(
        &dir,
        "endpoint.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#,
    );
    assert_eq!(ask(with("s3:GetObject", &["--vpc-endpoint", &endpoint])), allowed());
    assert_eq!(ask(with("s3:PutObject", &["--vpc-endpoint", &endpoint])), denied("ImplicitlyDenied", &["vpcEndpoint"]));
}

/// Several `--resource` values: one row each, in order, decided by the `Resource` element
/// (an object pattern `bucket/*` covers the bucket's objects, not the bucket, not another bucket).
#[test]
fn several_resources_answer_one_row_each() {
    let dir = scratch("resources");
    let identity = write(&dir, "identity.json", ALLOW_S3_READ);
    let output = run(&[
        "simulate",
        "--principal",
        ALICE,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        "arn:aws:s3:::amzn-s3-demo-bucket/reports/q1.csv",
        "arn:aws:s3:::amzn-s3-demo-bucket",
        "arn:aws:s3:::amzn-s3-demo-bucket2/a",
        "--identity",
        &identity,
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = stdout(&output);
    let rows: Vec<Vec<&str>> = out.lines().skip(1).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(rows[0], ["s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/a", "Allowed"], "{out}");
    assert_eq!(rows[1], ["s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/reports/q1.csv", "Allowed"], "{out}");
    assert_eq!(rows[2], ["s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket", "ImplicitlyDenied", "identity"], "{out}");
    assert_eq!(
        rows[3],
        ["s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket2/a", "ImplicitlyDenied", "identity"],
        "{out}"
    );
    assert_eq!(out.lines().last(), Some("2 of 4 allowed"), "{out}");
}

/// A malformed action in the request (no service prefix) is evaluated, not refused: it
/// matches no `Action`, so the Allow of `s3:*` does not grant it and a Deny whose
/// `NotAction` is `s3:*` catches it (the NotAction page: every action but those listed).
#[test]
fn a_malformed_action_is_evaluated_and_caught_by_not_action() {
    let dir = scratch("malformed");
    let identity = write(
        &dir,
        "identity.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"OnlyS3","Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#,
    );
    let object = "arn:aws:s3:::amzn-s3-demo-bucket/a";
    let args = ["--principal", ALICE, "--resource", object, "--identity", &identity];
    assert_eq!(
        decide(&[&args[..], &["--action", "GetObject"][..]].concat()),
        denied("ExplicitlyDenied", &["identity"])
    );
    assert_eq!(decide(&[&args[..], &["--action", "s3:GetObject"][..]].concat()), allowed());
}

/// The encoded reason is shown shortened to 16 characters, whatever they are: a token of
/// non-ASCII text is cut at a character, not inside one.
#[test]
fn explain_shortens_a_non_ascii_encoded_reason_without_panicking() {
    let message = "User: arn:aws:iam::111122223333:user/a is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:111122223333:instance/* Encoded authorization failure message: aéééééééééééééééé";
    let output = run(&["explain", message]);
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("--encoded-message aééééééééééééééé..."), "{}", stdout(&output));
}

/// `--help` and `-h` print the usage and exit 0, anywhere among the arguments.
#[test]
fn help_prints_the_usage_and_exits_0() {
    for args in [
        &["simulate", "--help"][..],
        &["simulate", "-h"],
        &["simulate", "--format", "json", "--help"],
        &["explain", "--help"],
        &["explain", "-h"],
    ] {
        let output = run(args);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {}", stderr(&output));
        assert!(stdout(&output).starts_with("usage: iam-lsp "), "{args:?}: {}", stdout(&output));
    }
}

/// `--scp-level NAME=FILE` names the level; answers say where the statement is attached.
#[test]
fn a_named_scp_level_is_named_in_the_answer() {
    let dir = scratch("named-levels");
    let identity = write(&dir, "s3.json", ALLOW_S3_READ);
    let full = write(&dir, "full.json", ALLOW_ALL);
    let deny = write(
        &dir,
        "deny-regions.json",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"DenyOtherRegions","Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}]}"#,
    );
    let level = format!("OU Workloads={deny}");
    let args = [
        "simulate",
        "--principal",
        ALICE,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::amzn-s3-demo-bucket/a",
        "--identity",
        &identity,
        "--scp-level",
        &full,
        "--scp-level",
        &level,
        "--context",
        "aws:RequestedRegion=us-west-2",
    ];
    let output = run(&args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = stdout(&output);
    let want =
        format!("denied by statement `DenyOtherRegions` of the service control policy `{deny}` at OU `Workloads`");
    assert!(out.contains(&want), "{out}");
    let output = run(&[&args[..], &["--format", "json"][..]].concat());
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let names: Vec<&str> =
        json["statements"].as_array().unwrap().iter().filter_map(|s| s["levelName"].as_str()).collect();
    assert_eq!(names, ["root", "OU Workloads", "OU Workloads"], "{json}");
}

/// `tests/schemas/simulate.json`, compiled.
fn simulate_schema() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/schemas/simulate.json");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft7::options().build(&schema).expect("the schema compiles")
}

/// `simulate --format json` of every evaluator scenario, and of a wildcard question, is what
/// the schema says: every element of every statement, with a reason where it did not match.
#[test]
fn json_output_follows_its_schema() {
    let schema = simulate_schema();
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() > 40);
    for path in &files {
        let output = run(&["simulate", path.to_str().unwrap(), "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        let errors: Vec<String> =
            schema.iter_errors(&json).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
    let identity = scenarios().join("policies/agent-role.json");
    let args = ["simulate", "--principal", ALICE, "--action", "bedrock:InvokeModel*", "--identity"];
    let output = run(&[&args[..], &[identity.to_str().unwrap(), "--format", "json"][..]].concat());
    let table: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(table["results"].as_array().is_some_and(|r| r.len() > 1), "{table}");
    assert!(schema.is_valid(&table), "{table}");

    // The schema holds the output to it: a statement without its resource, a failure
    // without its reason, a level without its name are not what `simulate` writes.
    let path = scenarios().join("31-scp-blocks-cross-region-inference.json");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["simulate", path.to_str().unwrap(), "--format", "json"]))).unwrap();
    assert!(schema.is_valid(&json));
    let mut broken = json.clone();
    broken["statements"][0].as_object_mut().unwrap().remove("resource");
    assert!(!schema.is_valid(&broken));
    let boundary = scenarios().join("15-boundary-role-arn-in-resource-policy.json");
    let mut broken: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["simulate", boundary.to_str().unwrap(), "--format", "json"]))).unwrap();
    let failed = broken["statements"].as_array_mut().unwrap().iter_mut().find(|s| s["action"]["matched"] == false);
    failed.unwrap()["action"].as_object_mut().unwrap().remove("reason");
    assert!(!schema.is_valid(&broken));
    let mut broken = json;
    let scp = broken["statements"].as_array_mut().unwrap().iter_mut().find(|s| s["policyType"] == "scp").unwrap();
    scp.as_object_mut().unwrap().remove("levelName");
    assert!(!schema.is_valid(&broken));
}
