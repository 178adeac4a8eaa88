//! `iam-lsp check` as a user runs it: output formats, exit codes, directories, skipped files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn check(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iam-lsp")).arg("check").args(args).output().expect("run iam-lsp")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-lsp-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn text_output_is_compiler_style_and_errors_exit_1() {
    let path = fixtures().join("bedrock/chatbot-agent-policy.json");
    let output = check(&[path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = stdout(&output);
    let first = out.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "{}:2:3: error json-comment comment: IAM policies are plain JSON and AWS rejects comments; remove it (a `Sid` can name a statement)",
            path.display()
        )
    );
    assert!(
        out.contains(":8:19: error api-name-as-prefix `bedrock-agent-runtime` is not an IAM service prefix"),
        "{out}"
    );
    assert!(stderr(&output).contains("5 errors, 3 warnings in 1 file checked"), "{}", stderr(&output));
}

#[test]
fn json_output_has_paths_codes_severities_and_utf16_ranges() {
    let dir = scratch("json");
    let path = dir.join("p.json");
    std::fs::write(
        &path,
        r#"{"Id":"é🫣","Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"bedrock:Converse","Resource":"arn:aws:bedrock:*::foundation-model/*"}}"#,
    )
    .unwrap();
    let output = check(&["--format", "json", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        findings,
        serde_json::json!([{
            // The emoji is two UTF-16 code units, and a character IAM rejects.
            "path": path.display().to_string(),
            "code": "policy-character",
            "severity": "error",
            "range": {"start": {"line": 0, "character": 8}, "end": {"line": 0, "character": 10}},
            "message": "`🫣` (U+1FAE3): IAM accepts only tab, line feed, carriage return and U+0020 to U+00FF (ASCII and Latin-1) in a policy, and rejects the document; write it with ASCII or Latin-1 characters",
        }, {
            "path": path.display().to_string(),
            "code": "unknown-action",
            "severity": "error",
            "range": {"start": {"line": 0, "character": 83}, "end": {"line": 0, "character": 91}},
            "message": "`bedrock:Converse` is not an IAM action: the Converse API is authorised by `bedrock:InvokeModel`",
        }])
    );
}

#[test]
fn directories_are_walked_and_other_json_is_skipped() {
    let output =
        check(&[fixtures().join("valid").to_str().unwrap(), fixtures().join("not-policies").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let out = stdout(&output);
    let problems: Vec<&str> = out.lines().filter(|l| l.contains(": error ") || l.contains(": warning ")).collect();
    assert_eq!(problems, Vec::<&str>::new());
    let err = stderr(&output);
    assert!(err.contains("package.json: info: skipped: not an IAM policy"), "{err}");
    assert!(err.contains("0 errors, 0 warnings in 19 files checked (3 skipped: not IAM policies)"), "{err}");
}

#[test]
fn warnings_alone_exit_0() {
    let output = check(&[fixtures().join("actions/legacy-action.json").to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output).lines().count(), 2);
}

/// `iam-lsp ARGS`, its stdout closed unread: the exit code and stderr.
fn with_stdout_closed(args: &[&str]) -> (Option<i32>, String) {
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_iam-lsp"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run iam-lsp");
    drop(child.stdout.take()); // the reader goes before the first byte
    let output = child.wait_with_output().unwrap();
    (output.status.code(), stderr(&output))
}

#[test]
fn a_reader_that_is_gone_ends_the_output_quietly_with_the_answers_code() {
    // Every fixture directory: errors found (1), as when the output is read.
    let all = fixtures();
    let (code, err) = with_stdout_closed(&["check", "--format", "json", all.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(!err.contains("panicked") && !err.contains("cannot write"), "{err}");
    for args in [&["--help"][..], &["--version"], &["check", "--help"]] {
        let (code, err) = with_stdout_closed(args);
        assert_eq!((code, err.as_str()), (Some(0), ""), "{args:?}");
    }
}

#[test]
fn bad_usage_and_unreadable_files_exit_2() {
    let no_paths = check(&[]);
    assert_eq!(no_paths.status.code(), Some(2));
    assert!(stderr(&no_paths).contains("usage: iam-lsp check"));

    let bad_format = check(&["--format", "xml", "x.json"]);
    assert_eq!(bad_format.status.code(), Some(2));
    assert!(stderr(&bad_format).contains("--format takes `text`, `json`, `sarif` or `github`, not `xml`"));

    let missing = check(&["/no/such/policy.json"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read /no/such/policy.json"), "{}", stderr(&missing));

    let unknown = Command::new(env!("CARGO_BIN_EXE_iam-lsp")).arg("frobnicate").output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));

    for jobs in ["0", "many"] {
        let bad_jobs = check(&["--jobs", jobs, "x.json"]);
        assert_eq!(bad_jobs.status.code(), Some(2));
        assert!(stderr(&bad_jobs).contains("--jobs takes a number of threads, 1 or more"), "{}", stderr(&bad_jobs));
    }
}

#[test]
fn output_does_not_depend_on_the_number_of_jobs() {
    let all = fixtures();
    let all = all.to_str().unwrap();
    let one = check(&["--jobs", "1", all]);
    assert!(!stdout(&one).is_empty());
    for jobs in ["2", "3", "64"] {
        for format in ["text", "json"] {
            let single = check(&["--jobs", "1", "--format", format, all]);
            let several = check(&["-j", jobs, "--format", format, all]);
            assert_eq!(stdout(&several), stdout(&single), "--jobs {jobs} --format {format}");
            assert_eq!(stderr(&several), stderr(&single), "--jobs {jobs} --format {format}");
            assert_eq!(several.status.code(), single.status.code());
        }
    }
}

#[test]
fn invalid_utf8_is_a_diagnostic_not_a_crash() {
    let dir = scratch("utf8");
    let path = dir.join("latin1.json");
    std::fs::write(&path, b"{\"Statement\": {\"Sid\": \"caf\xe9\"}}").unwrap();
    let output = check(&[path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(":1:27: error json-syntax not UTF-8 text (byte 0xE9 at offset 26)"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn kind_comes_from_the_nearest_config_file_or_the_command_line() {
    let dir = scratch("kinds");
    std::fs::create_dir_all(dir.join("scp")).unwrap();
    std::fs::create_dir(dir.join(".git")).unwrap();
    std::fs::write(
        dir.join(".iam-lsp.toml"),
        "[kinds]\n\"scp/*.json\" = \"scp\"\n[rules]\ndisabled = [\"version-missing\"]\n",
    )
    .unwrap();
    // With a Principal, this would be inferred as a resource-based policy; as an SCP it is
    // an error, and the missing Version is not reported (disabled).
    let policy = r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"*"}}"#;
    std::fs::write(dir.join("scp/deny.json"), policy).unwrap();
    let output = check(&[dir.join("scp/deny.json").to_str().unwrap()]);
    let out = stdout(&output);
    assert!(out.contains("error element-not-allowed a service control policy (SCP) has no `Principal`"), "{out}");
    assert!(!out.contains("version-missing"), "{out}");

    let explicit = check(&["--kind", "resource", dir.join("scp/deny.json").to_str().unwrap()]);
    assert!(!stdout(&explicit).contains("element-not-allowed"), "{}", stdout(&explicit));

    let bad_kind = check(&["--kind", "iam", "x.json"]);
    assert_eq!(bad_kind.status.code(), Some(2));
    assert!(stderr(&bad_kind).contains("--kind takes one of identity, resource, trust, scp, rcp, boundary, not `iam`"));

    std::fs::write(dir.join(".iam-lsp.toml"), "[rules]\ndisabled = [\"no-such-rule\"]\n").unwrap();
    let bad_config = check(&[dir.join("scp/deny.json").to_str().unwrap()]);
    assert_eq!(bad_config.status.code(), Some(2));
    assert!(stderr(&bad_config).contains("unknown rule `no-such-rule`"), "{}", stderr(&bad_config));
}

#[test]
fn stdio_flag_starts_the_server() {
    // Some clients add `--stdio`; with stdin closed at once the server ends cleanly.
    let output =
        Command::new(env!("CARGO_BIN_EXE_iam-lsp")).arg("--stdio").stdin(std::process::Stdio::null()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_50_mb_file_is_checked_not_refused() {
    let dir = scratch("huge");
    let path = dir.join("huge.json");
    // One statement whose Sid is 50 MB of letters: reading, lexing and the checks on a file
    // this size, in bounded time.
    let sid = "A".repeat(50 << 20);
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Sid":"{sid}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}}}"#
    );
    std::fs::write(&path, text).unwrap();
    let output = check(&["--format", "json", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // Only what is true of it: far over the managed-policy size quota.
    let findings: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let codes: Vec<&str> = findings.as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["policy-size"]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Templates are checked like policies, at template positions, in SARIF 2.1.0 (rules with
/// their summaries and a link to the rule table) and as GitHub workflow annotations.
#[test]
fn templates_in_sarif_and_github_formats() {
    let template = "tests/fixtures/cloudformation/bedrock-agent-stack.yaml";
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join(template);
    let path = path.to_str().unwrap();

    let sarif = check(&["--format", "sarif", path]);
    assert_eq!(sarif.status.code(), Some(1), "errors found");
    let log: serde_json::Value = serde_json::from_str(&stdout(&sarif)).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    // SARIF wants an absolute `helpUri`: without `--help-uri` the help names the rule table
    let yaml = rules.iter().find(|r| r["id"] == "yaml-syntax").unwrap();
    assert!(
        yaml["help"]["text"].as_str().unwrap().contains("See `yaml-syntax` in the \"Diagnostics\" table"),
        "{yaml}"
    );
    assert!(yaml.get("helpUri").is_none(), "{yaml}");
    let results = run["results"].as_array().unwrap();
    let prefix = results.iter().find(|r| r["ruleId"] == "api-name-as-prefix").expect("the runtime prefix");
    assert_eq!(prefix["level"], "error");
    let region = &prefix["locations"][0]["physicalLocation"]["region"];
    assert_eq!((region["startLine"].as_u64(), region["startColumn"].as_u64()), (Some(62), Some(26)));
    let index = prefix["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "api-name-as-prefix");

    let github = check(&["--format", "github", path]);
    let line = stdout(&github).lines().find(|l| l.contains("title=api-name-as-prefix")).map(str::to_string);
    let line = line.expect("an annotation for the runtime prefix");
    assert!(line.starts_with("::error file="), "{line}");
    assert!(line.contains(",line=62,col=26,endLine=62,endColumn=47,"), "{line}");
}

#[test]
fn suppressions_from_the_config_comments_and_metadata_change_output_and_exit_code() {
    let dir = scratch("suppressions");
    std::fs::create_dir_all(dir.join(".git")).unwrap(); // the config above stops here
    std::fs::create_dir_all(dir.join("legacy")).unwrap();
    // An error-level finding (an unknown action) in legacy/, and a resource-star in a statement.
    let legacy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadAll","Effect":"Allow","Action":["s3:GetObject","s3:GetObjekt"],"Resource":"*"}]}"#;
    std::fs::write(dir.join("legacy/old.json"), legacy).unwrap();
    std::fs::write(dir.join("new.json"), legacy).unwrap();
    let path = |p: &str| dir.join(p).to_str().unwrap().to_string();

    let output = check(&["--format", "json", &path("legacy/old.json"), &path("new.json")]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let codes = |output: &Output| -> Vec<(String, String)> {
        let found: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let file = |p: &str| Path::new(p).file_name().unwrap().to_str().unwrap().to_string();
        found
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (file(f["path"].as_str().unwrap()), f["code"].as_str().unwrap().to_string()))
            .collect()
    };
    let pair = |f: &str, c: &str| (f.to_string(), c.to_string());
    assert_eq!(
        codes(&output),
        [
            pair("old.json", "unknown-action"),
            pair("old.json", "resource-star"),
            pair("new.json", "unknown-action"),
            pair("new.json", "resource-star")
        ]
    );

    std::fs::write(
        dir.join(".iam-lsp.toml"),
        "[[ignore]]\ncode = \"unknown-action\"\npaths = [\"legacy/**\"]\nreason = \"replaced in Q3\"\n\n\
         [[ignore]]\ncode = \"resource-star\"\nsid = \"ReadAll\"\nreason = \"reads every bucket\"\n\n\
         [[ignore]]\ncode = \"full-admin\"\nreason = \"nothing grants it\"\n",
    )
    .unwrap();
    let output = check(&["--format", "json", &path("legacy/old.json"), &path("new.json")]);
    assert_eq!(output.status.code(), Some(1), "new.json keeps its error: {}", stderr(&output));
    assert_eq!(
        codes(&output),
        [pair("new.json", "unknown-action"), pair(".iam-lsp.toml", "unused-suppression")],
        "{}",
        stdout(&output)
    );
    // The unused entry is the third, on line 11; checked alone, legacy/ exits 0.
    let output = check(&[&path("legacy/old.json")]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = stdout(&output);
    assert!(
        out.ends_with(".iam-lsp.toml:11:1: warning unused-suppression this [[ignore]] of `full-admin` suppresses nothing in the files checked that it applies to; remove it\n"),
        "{out}"
    );

    // A config entry without a reason, or with an unknown code, is a configuration error.
    std::fs::write(dir.join(".iam-lsp.toml"), "[[ignore]]\ncode = \"resource-star\"\n").unwrap();
    let output = check(&[&path("new.json")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("ignore[0]: a suppression needs a `reason`"), "{}", stderr(&output));
    std::fs::write(dir.join(".iam-lsp.toml"), "[[ignore]]\ncode = \"resource-stars\"\nreason = \"r\"\n").unwrap();
    let output = check(&[&path("new.json")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("ignore[0].code: unknown rule `resource-stars`"), "{}", stderr(&output));
    std::fs::remove_file(dir.join(".iam-lsp.toml")).unwrap();

    // The fixtures with comments and Metadata: their snapshots' findings, in the CLI too.
    let template = fixtures().join("suppressions/cloudformation-suppressions.yaml");
    let output = check(&[template.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "warnings only: {}", stderr(&output));
    let lines: Vec<String> =
        stdout(&output).lines().map(|l| l.split(' ').take(3).collect::<Vec<_>>().join(" ")).collect();
    let at = |line_col: &str, rest: &str| format!("{}:{line_col}: {rest}", template.display());
    assert_eq!(
        lines,
        [
            at("31:49", "warning suppression-invalid"),
            at("39:35", "warning unused-suppression"),
            at("48:35", "warning suppression-invalid"),
            at("49:27", "warning resource-star"),
            at("60:15", "warning unused-suppression"),
        ]
    );
    let valid = fixtures().join("suppressions/valid");
    let output = check(&[valid.to_str().unwrap()]);
    assert_eq!((output.status.code(), stdout(&output)), (Some(0), String::new()), "{}", stderr(&output));
    assert!(stderr(&output).contains("0 errors, 0 warnings in 2 files checked"), "{}", stderr(&output));
}

#[test]
fn a_json_policy_a_module_reads_is_checked_with_the_kind_of_the_resource_that_reads_it() {
    let dir = scratch("module-reads");
    std::fs::create_dir_all(dir.join("policies")).unwrap();
    std::fs::write(
        dir.join("main.tf"),
        "resource \"aws_s3_bucket_policy\" \"logs\" {\n  bucket = \"logs\"\n  policy = file(\"${path.module}/policies/bucket.json\")\n}\n",
    )
    .unwrap();
    // Without `Principal`: a fine identity policy, a broken bucket policy.
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}"#;
    std::fs::write(dir.join("policies/bucket.json"), policy).unwrap();
    let output = check(&[dir.to_str().unwrap()]);
    let out = stdout(&output);
    assert!(out.contains("bucket.json:1:38: error principal-missing"), "{out}\n{}", stderr(&output));
    assert_eq!(output.status.code(), Some(1));
    // The same file alone, without the module, is an identity policy.
    let alone = check(&[dir.join("policies/bucket.json").to_str().unwrap()]);
    assert_eq!(alone.status.code(), Some(0), "{}", stdout(&alone));
}

/// `check DIR` reads Terraform modules in JSON syntax among the JSON files, at their own
/// positions; one without policies is skipped without a word (it is no policy file).
#[test]
fn check_dir_reads_terraform_json_modules() {
    let dir = scratch("tf-json");
    let broken = std::fs::read_to_string(fixtures().join("terraform/bedrock-agent-broken.tf.json")).unwrap();
    std::fs::write(dir.join("main.tf.json"), broken).unwrap();
    std::fs::write(dir.join("versions.tf.json"), r#"{"terraform": {"required_version": ">= 1.5"}}"#).unwrap();
    let output = check(&["--format", "json", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let found: Vec<(String, u64)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_string(), f["range"]["start"]["line"].as_u64().unwrap()))
        .collect();
    assert!(found.contains(&("api-name-as-prefix".to_string(), 51)), "{found:?}");
    assert!(found.contains(&("unknown-action".to_string(), 90)), "{found:?}");
    assert!(!stderr(&output).contains("versions.tf.json"), "{}", stderr(&output));
    let _ = std::fs::remove_dir_all(&dir);
}

fn workspace(name: &str) -> PathBuf {
    fixtures().join("workspaces").join(name)
}

/// The text a zero-based (line, UTF-16 character) range of a JSON range object covers.
fn covered(text: &str, range: &serde_json::Value) -> String {
    let offset = |at: &serde_json::Value| {
        let (line, character) = (at["line"].as_u64().unwrap() as usize, at["character"].as_u64().unwrap() as usize);
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let units: Vec<u16> = text[start..].encode_utf16().take(character).collect();
        start + String::from_utf16(&units).unwrap().len()
    };
    text[offset(&range["start"])..offset(&range["end"])].to_string()
}

const CROSS_FILE: [&str; 2] = ["scp-denies-allow", "scp-denies-inference-region"];

/// `check DIR` on a workspace whose `.iam-lsp.toml` names an organization: the findings the
/// editor reports across files, each pointing at the SCP statement that causes it, in every
/// format.
#[test]
fn check_reports_the_cross_file_findings_with_the_scp_statement_as_related_location() {
    let dir = workspace("scp-denies");
    let agent = std::fs::read_to_string(dir.join("roles/agent.json")).unwrap();
    let guardrails = std::fs::read_to_string(dir.join("org/workloads/guardrails.json")).unwrap();
    let guardrails_path = format!("{}/org/workloads/guardrails.json", dir.display());

    let output = check(&["--format", "json", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "warnings only: {}", stderr(&output));
    let items: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let found: Vec<&serde_json::Value> =
        items.as_array().unwrap().iter().filter(|i| CROSS_FILE.contains(&i["code"].as_str().unwrap())).collect();
    let mut codes: Vec<&str> = found.iter().map(|f| f["code"].as_str().unwrap()).collect();
    codes.sort();
    assert_eq!(codes, CROSS_FILE, "{items}");
    for f in &found {
        assert_eq!(f["path"], format!("{}/roles/agent.json", dir.display()));
        let related = f["related"].as_array().unwrap_or_else(|| panic!("{f}"));
        assert_eq!(related.len(), 1, "{f}");
        assert_eq!(related[0]["path"], guardrails_path.as_str());
        // The related range is the SCP statement's object.
        let statement = covered(&guardrails, &related[0]["range"]);
        assert!(statement.starts_with('{') && statement.ends_with('}'), "{statement}");
        let sid = if f["code"] == "scp-denies-allow" { "DenyLogDeletion" } else { "DenyOutsideUsEast1" };
        assert!(statement.contains(&format!("\"Sid\": \"{sid}\"")), "{statement}");
        assert!(f["message"].as_str().unwrap().contains(&format!("statement `{sid}`")), "{f}");
    }
    let denies = found.iter().find(|f| f["code"] == "scp-denies-allow").unwrap();
    assert_eq!(covered(&agent, &denies["range"]), "\"Action\": \"logs:DeleteLogGroup\"");
    assert_eq!(denies["related"][0]["message"], "the SCP statement that denies it");
    let region = found.iter().find(|f| f["code"] == "scp-denies-inference-region").unwrap();
    assert!(covered(&agent, &region["range"]).contains("inference-profile/us.anthropic"), "{region}");
    assert!(region["message"].as_str().unwrap().contains("`us-west-2`"), "{region}");
    let line = |f: &serde_json::Value| f["related"][0]["range"]["start"]["line"].as_u64().unwrap() + 1;
    let column = |f: &serde_json::Value| f["related"][0]["range"]["start"]["character"].as_u64().unwrap() + 1;

    // Text: a `related:` line under the finding, compiler style.
    let text = stdout(&check(&[dir.to_str().unwrap()]));
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.contains(" warning scp-denies-allow ")).unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        lines[at + 1],
        format!("  related: {guardrails_path}:{}:{}: the SCP statement that denies it", line(denies), column(denies))
    );
    assert!(lines.iter().any(|l| l.contains(" warning scp-denies-inference-region ")), "{text}");
    assert_eq!(lines.iter().filter(|l| l.starts_with("  related: ")).count(), 2, "{text}");

    // SARIF: `relatedLocations`, each a location with its message.
    let sarif: serde_json::Value =
        serde_json::from_slice(&check(&["--format", "sarif", dir.to_str().unwrap()]).stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let result = results.iter().find(|r| r["ruleId"] == "scp-denies-allow").unwrap_or_else(|| panic!("{sarif}"));
    let location = &result["relatedLocations"][0];
    assert!(
        location["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("org/workloads/guardrails.json"),
        "{location}"
    );
    assert_eq!(location["physicalLocation"]["region"]["startLine"], line(denies));
    assert_eq!(location["physicalLocation"]["region"]["startColumn"], column(denies));
    assert_eq!(location["message"]["text"], "the SCP statement that denies it");
    assert!(
        results.iter().find(|r| r["ruleId"] == "scp-denies-inference-region").unwrap()["relatedLocations"].is_array()
    );

    // GitHub: an annotation has one location; the message names the related one.
    let github = stdout(&check(&["--format", "github", dir.to_str().unwrap()]));
    let annotation =
        github.lines().find(|l| l.contains("title=scp-denies-allow::")).unwrap_or_else(|| panic!("{github}"));
    assert!(
        annotation
            .ends_with(&format!(" (related: {guardrails_path}:{}: the SCP statement that denies it)", line(denies))),
        "{annotation}"
    );

    // Given alone, from inside the workspace: related paths are named the same way.
    let alone = Command::new(env!("CARGO_BIN_EXE_iam-lsp"))
        .current_dir(&dir)
        .args(["check", "roles/agent.json"])
        .output()
        .expect("run iam-lsp");
    assert!(stdout(&alone).contains("\n  related: org/workloads/guardrails.json:"), "{}", stdout(&alone));
}

/// The valid twin: the SCPs deny nothing the identity policy allows.
#[test]
fn check_reports_no_cross_file_finding_on_the_valid_twin() {
    let dir = workspace("scp-allows");
    for format in ["text", "json", "sarif", "github"] {
        let output = check(&["--format", format, dir.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{format}: {}", stderr(&output));
        let mut out = stdout(&output);
        if format == "sarif" {
            // The rules name every code: the results are what was found.
            let log: serde_json::Value = serde_json::from_str(&out).unwrap();
            out = log["runs"][0]["results"].to_string();
        }
        assert!(CROSS_FILE.iter().all(|code| !out.contains(code)), "{format}: {out}");
        assert!(!out.contains("related"), "{format}: {out}");
    }
}
