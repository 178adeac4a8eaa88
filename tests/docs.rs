//! The README tells the truth: its diagnostics table lists every code with its severity,
//! and its first screen has the two commands.

use std::path::Path;

use iam_analysis::Code;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md")).unwrap()
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
    let ci = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/run")).unwrap();
    assert!(ci.contains("cargo test --workspace --locked"), ".ci/run runs the README's test command");
}
