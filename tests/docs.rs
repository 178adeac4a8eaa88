//! The README tells the truth: its diagnostics table lists every code with its severity,
//! its first screen has the two commands, and the first one, run, prints its demo.

use std::path::{Path, PathBuf};
use std::process::Command;

use iam_analysis::Code;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

/// The README's first command, as written on its first screen.
fn run_command(readme: &str) -> String {
    let first_screen = readme.lines().take(20);
    let found = first_screen.map(str::trim).find(|l| l.starts_with("cargo run --release -- check "));
    found.expect("the first screen has a `cargo run --release -- check` command").to_string()
}

/// The lines of the fenced block after a heading.
fn block_after<'r>(readme: &'r str, heading: &str) -> Vec<&'r str> {
    let mut lines = readme.lines().skip_while(|l| *l != heading).skip(1);
    let fence = lines.find(|l| l.starts_with("```")).unwrap_or_else(|| panic!("no block after {heading}"));
    assert!(fence.len() > 3, "the block after {heading} names its language");
    lines.take_while(|l| !l.starts_with("```")).collect()
}

#[test]
fn diagnostics_table_matches_the_codes() {
    let readme = readme();
    let rows: Vec<(String, String)> = readme
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let code = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((code.to_string(), cells.get(2)?.to_string()))
        })
        .collect();
    let expected: Vec<(String, String)> =
        Code::ALL.iter().map(|c| (c.as_str().to_string(), c.default_severity().as_str().to_string())).collect();
    assert_eq!(rows, expected);
}

#[test]
fn first_screen_has_the_run_and_test_commands() {
    let readme = readme();
    let first_screen: String = readme.lines().take(20).collect::<Vec<_>>().join("\n");
    assert!(first_screen.contains("cargo run --release -- check tests/fixtures/bedrock/chatbot-agent-policy.json"));
    assert!(first_screen.contains("cargo test --workspace --locked"));
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(ci.contains("cargo test --workspace --locked"), ".ci/run runs the README's test command");
}

/// The demo block is what the first command prints on a fresh clone, as a terminal shows it:
/// the command, the findings (stdout), then the summary (stderr).
///
/// `cargo run --release -- ARGS` is `iam-lsp ARGS` in two steps, checked separately (running
/// cargo from a test would build the release profile and wait for the build directory this
/// test's own build holds): cargo runs the one binary of the workspace's default members
/// (`cargo_run_runs_iam_lsp`), and this runs that binary, as built for the tests, with the
/// command's arguments, from the root of the checkout.
#[test]
fn first_command_prints_the_demo() {
    let readme = readme();
    let command = run_command(&readme);
    let args: Vec<&str> = command.strip_prefix("cargo run --release -- ").unwrap().split_whitespace().collect();
    let output = Command::new(env!("CARGO_BIN_EXE_iam-lsp")).args(&args).current_dir(root()).output().unwrap();
    let printed = format!("{}{}", String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap());
    let mut expected = vec![format!("$ {command}")];
    expected.extend(printed.lines().map(str::to_string));
    let demo = block_after(&readme, "## What you get (the 20-second demo)");
    assert_eq!(demo, expected, "the README's demo block is not what `{command}` prints");
    assert_eq!(output.status.code(), Some(1), "the sample policy has errors");
}

/// `cargo run` at the root (no `-p`) runs `iam-lsp`: cargo runs the binary of the workspace's
/// default members when there is exactly one, and fails ("could not determine which binary to
/// run") when there are more. Cargo itself says which those are (`cargo metadata`, which
/// builds nothing).
#[test]
fn cargo_run_runs_iam_lsp() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--no-deps", "--format-version", "1", "--offline"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let default_members: Vec<&str> =
        metadata["workspace_default_members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    let binaries: Vec<&str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| default_members.contains(&p["id"].as_str().unwrap()))
        .flat_map(|p| p["targets"].as_array().unwrap())
        .filter(|t| t["kind"].as_array().unwrap().iter().any(|k| k == "bin"))
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(binaries, ["iam-lsp"], "the binaries of the default members: {default_members:?}");
}

/// Splits a shell command line as a POSIX shell would for the README's commands: words
/// separated by spaces, single or double quotes around a word with spaces.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote = None;
    let mut in_word = false;
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, ' ') => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (_, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// Every `$ iam-lsp ...` example in the "Why AccessDenied?" section prints what the README
/// shows under it.
#[test]
fn the_simulate_and_explain_examples_print_what_the_readme_shows() {
    let readme = readme();
    let section: Vec<&str> = readme
        .lines()
        .skip_while(|l| *l != "## Why AccessDenied? (simulate and explain)")
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .collect();
    assert!(!section.is_empty(), "the README has the simulate and explain section");
    let mut examples = 0;
    let mut lines = section.iter();
    while let Some(line) = lines.next() {
        if *line != "```console" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).copied().collect();
        let command = block[0].strip_prefix("$ ").expect("a console block starts with its command");
        let words = shell_words(command);
        assert_eq!(words[0], "iam-lsp", "{command}");
        let output =
            Command::new(env!("CARGO_BIN_EXE_iam-lsp")).args(&words[1..]).current_dir(root()).output().unwrap();
        let expected: String = block[1..].iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(String::from_utf8_lossy(&output.stdout), expected, "{command}");
        examples += 1;
    }
    assert_eq!(examples, 3, "the section's three examples were run");
}

/// The templates corpus README explains every warning class `counts.txt` records, with the
/// count recorded there (`- \`code\` (N...`), so a new or changed class cannot go unexplained.
#[test]
fn the_templates_corpus_readme_explains_every_warning_with_its_count() {
    let dir = root().join("tests/corpus/templates");
    let counts = std::fs::read_to_string(dir.join("counts.txt")).expect("counts.txt");
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("README.md");
    let section = readme.split("## Every warning class").nth(1).expect("a section on the warnings");
    let section = section.split("\n## ").next().unwrap_or(section);
    let mut warnings = 0;
    for line in counts.lines().filter(|l| !l.starts_with('#')) {
        let [code, "warning", count] = line.split_whitespace().collect::<Vec<_>>()[..] else { continue };
        warnings += 1;
        let entry = format!("- `{code}` ({count}");
        let explained = section
            .lines()
            .any(|l| l.starts_with(&entry) && !l[entry.len()..].starts_with(|c: char| c.is_ascii_digit()));
        assert!(explained, "tests/corpus/templates/README.md explains no `{code}` warning with its count {count}");
    }
    assert!(warnings > 0, "counts.txt lists warnings");
}
