//! The CI integrations as CI runs them: the pre-commit hook of `.pre-commit-hooks.yaml` run
//! as pre-commit runs it, and `iam-lsp check --format sarif` valid against the SARIF 2.1.0
//! JSON schema (vendored in tests/schemas/, see its README).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use iam_analysis::embedded::node::{self, Node};
use iam_analysis::Code;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("iam-lsp-ci-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The hooks of `.pre-commit-hooks.yaml`, each as `(key, value)` pairs of strings.
fn hooks() -> Vec<Vec<(String, String)>> {
    let yaml = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    let (parsed, errors) = node::parse_yaml(&yaml);
    assert!(errors.is_empty(), "{errors:?}");
    let parsed = parsed.expect("a YAML document");
    let hooks = parsed.seq().expect("a list of hooks");
    hooks
        .iter()
        .map(|hook: &Node| {
            let entries = hook.map().expect("a hook is a mapping");
            entries
                .iter()
                .map(|(k, v)| (k.str().unwrap().to_string(), v.str().expect("a string value").to_string()))
                .collect()
        })
        .collect()
}

/// Runs `hook` on `files` (relative to `repo`) as pre-commit runs a `system` hook: the
/// files that `files` matches (a regex searched in the path) appended to `entry`'s words,
/// the program found on PATH, in the repository's root.
fn run_hook(hook: &[(String, String)], repo: &Path, files: &[&str]) -> (Output, Vec<String>) {
    let get = |key: &str| hook.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    assert_eq!(get("language"), Some("system"));
    let pattern = regex::Regex::new(get("files").expect("a files pattern")).unwrap();
    let passed: Vec<String> = files.iter().filter(|f| pattern.is_match(f)).map(|f| f.to_string()).collect();
    let mut words = get("entry").expect("an entry").split_whitespace();
    let program = words.next().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_iam-lsp")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let output = Command::new(program)
        .args(words)
        .args(&passed)
        .current_dir(repo)
        .env("PATH", path)
        .output()
        .expect("run the hook's entry");
    (output, passed)
}

#[test]
fn the_pre_commit_hook_checks_the_staged_policies_templates_and_modules() {
    let hooks = hooks();
    assert_eq!(hooks.len(), 1);
    let hook = &hooks[0];
    let id = hook.iter().find(|(k, _)| k == "id").map(|(_, v)| v.as_str());
    assert_eq!(id, Some("iam-lsp"));
    for key in ["name", "entry", "language", "files"] {
        assert!(hook.iter().any(|(k, _)| k == key), "pre-commit requires `{key}`");
    }

    let repo = scratch("pre-commit");
    let fixtures = root().join("tests/fixtures");
    std::fs::create_dir_all(repo.join("infra")).unwrap();
    let copy = |from: &str, to: &str| std::fs::copy(fixtures.join(from), repo.join(to)).unwrap();
    copy("cloudformation/bedrock-agent-stack.yaml", "infra/stack.yaml");
    copy("terraform/valid/bedrock-agent.tf", "infra/main.tf");
    copy("cloudformation/valid/serverless-bedrock-service.yml", "serverless.yml");
    std::fs::write(repo.join("package.json"), "{\"name\": \"app\"}\n").unwrap();
    std::fs::write(repo.join("NOTES.md"), "# not a policy, not passed\n").unwrap();
    let staged = ["infra/stack.yaml", "infra/main.tf", "serverless.yml", "package.json", "NOTES.md"];

    // The broken template fails the hook, its findings at its lines.
    let (output, passed) = run_hook(hook, &repo, &staged);
    assert_eq!(passed, ["infra/stack.yaml", "infra/main.tf", "serverless.yml", "package.json"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let out = text(&output.stdout);
    assert!(out.contains("infra/stack.yaml:62:26: error api-name-as-prefix"), "{out}");
    let serious = |l: &&str| l.contains(": error ") || l.contains(": warning ");
    let valid_ones = out.lines().filter(|l| !l.starts_with("infra/stack.yaml:")).filter(serious).count();
    assert_eq!(valid_ones, 0, "the valid ones have no error or warning: {out}");
    assert!(text(&output.stderr).contains("in 3 files checked"), "{}", text(&output.stderr));

    // Without it the hook passes.
    let (output, _) = run_hook(hook, &repo, &staged[1..]);
    assert_eq!(output.status.code(), Some(0), "{}{}", text(&output.stdout), text(&output.stderr));
    let _ = std::fs::remove_dir_all(&repo);
}

fn validator() -> jsonschema::Validator {
    let schema = std::fs::read_to_string(root().join("tests/schemas/sarif-2.1.0-rtm.5.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
    jsonschema::draft4::options().should_validate_formats(true).build(&schema).expect("the SARIF schema compiles")
}

fn sarif(args: &[&str]) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_iam-lsp"))
        .args(["check", "--format", "sarif"])
        .args(args)
        .output()
        .expect("run iam-lsp");
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("SARIF is JSON")
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema_with_rules_and_help_links() {
    let validator = validator();
    let fixtures = root().join("tests/fixtures");
    let files = [
        "bedrock/chatbot-agent-policy.json",
        "cloudformation/bedrock-agent-stack.yaml",
        "cloudformation/cdk-bedrock-stack.template.json",
        "terraform/bedrock-agent-broken.tf",
        "suppressions/cloudformation-suppressions.yaml",
        "cloudformation/valid/bedrock-agent-stack.yaml",
        // Cross-file findings, with `relatedLocations`.
        "workspaces/scp-denies",
    ];
    let help = "https://example.com/iam-lsp/README.md#diagnostics";
    for file in files {
        let path = fixtures.join(file);
        let path = path.to_str().unwrap();
        for log in [sarif(&[path]), sarif(&["--help-uri", help, path])] {
            let errors: Vec<String> =
                validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
            assert!(errors.is_empty(), "{file}: not valid SARIF 2.1.0:\n{}", errors.join("\n"));
            let run = &log["runs"][0];
            let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
            assert_eq!(rules.len(), Code::ALL.len(), "every code is a rule");
            for (rule, code) in rules.iter().zip(Code::ALL) {
                assert_eq!(rule["id"], code.as_str());
                assert_eq!(rule["shortDescription"]["text"], code.summary());
                assert!(rule["help"]["markdown"].as_str().unwrap().contains(&format!("`{}`", code.as_str())));
            }
            for result in run["results"].as_array().unwrap() {
                let index = result["ruleIndex"].as_u64().unwrap() as usize;
                assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
            }
        }
        let linked = sarif(&["--help-uri", help, path]);
        let driver = &linked["runs"][0]["tool"]["driver"];
        assert_eq!(driver["informationUri"], help);
        assert!(driver["rules"].as_array().unwrap().iter().all(|r| r["helpUri"] == help));
        assert!(driver["rules"][0]["help"]["markdown"].as_str().unwrap().contains(&format!("]({help})")));
    }
    // A template with no findings: no results, and the log is still valid.
    let valid = sarif(&[fixtures.join("suppressions/valid/cloudformation-suppressions.yaml").to_str().unwrap()]);
    assert_eq!(valid["runs"][0]["results"], serde_json::json!([]));
    assert!(validator.is_valid(&valid));
}

/// The schema rejects what SARIF forbids: the test would catch a log that is not SARIF.
#[test]
fn the_schema_rejects_invalid_sarif() {
    let validator = validator();
    let path = root().join("tests/fixtures/bedrock/chatbot-agent-policy.json");
    let mut log = sarif(&[path.to_str().unwrap()]);
    assert!(validator.is_valid(&log));
    let mut relative = log.clone();
    relative["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "README.md#diagnostics".into();
    assert!(!validator.is_valid(&relative), "helpUri must be an absolute URI");
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    assert!(!validator.is_valid(&log), "lines count from 1");

    let bad = Command::new(env!("CARGO_BIN_EXE_iam-lsp"))
        .args(["check", "--format", "sarif", "--help-uri", "README.md#diagnostics"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--help-uri takes the absolute URI"), "{}", text(&bad.stderr));
}
