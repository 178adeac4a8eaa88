//! Batch lint: `iam-lsp check` over a directory of policies, one core and all cores, against
//! `serde_json` alone (the floor for any JSON tool) and parliament.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{fmt_ms, percentile, Row};

/// The `*.json` files in `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Wall time of `iam-lsp check --jobs N PATH` (a directory or a file), and its summary line.
pub fn check(server: &Path, corpus: &Path, jobs: usize) -> (Duration, String) {
    let start = Instant::now();
    let output = Command::new(server)
        .args(["check", "--jobs", &jobs.to_string()])
        .arg(corpus)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("run iam-lsp check");
    let wall = start.elapsed();
    assert!(matches!(output.status.code(), Some(0 | 1)), "iam-lsp check failed: {}", output.status);
    let summary = String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or_default().to_string();
    (wall, summary)
}

/// Reading and parsing every file with `serde_json` into a `Value`, on one thread.
fn serde_floor(files: &[PathBuf]) -> Duration {
    let start = Instant::now();
    let mut values = 0usize;
    for file in files {
        let bytes = std::fs::read(file).expect("read a policy");
        let value: serde_json::Value = serde_json::from_slice(&bytes).expect("a policy is JSON");
        values += usize::from(value.is_object());
    }
    let elapsed = start.elapsed();
    assert_eq!(values, files.len());
    elapsed
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    percentile(&runs, 0.5)
}

pub fn rows(server: &Path, corpus: &Path, python: Option<&Path>, quick: bool) -> Vec<Row> {
    let files = files(corpus);
    let n = files.len();
    let runs = if quick { 1 } else { 5 };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    eprintln!("bench: iam-lsp check over {n} files...");
    check(server, corpus, cores); // warms the page cache
    let mut summary = String::new();
    let one = median(
        (0..runs)
            .map(|_| {
                let (wall, s) = check(server, corpus, 1);
                summary = s;
                wall
            })
            .collect(),
    );
    let all = median((0..runs).map(|_| check(server, corpus, cores).0).collect());
    let floor = median((0..runs).map(|_| serde_floor(&files)).collect());

    let mut rows = vec![
        Row::new(
            format!("`iam-lsp check --jobs 1` over {n} AWS managed policies, wall (median of {runs}; {summary})"),
            fmt_ms(one),
            "< 500 ms".into(),
            Some(one < Duration::from_millis(500)),
        ),
        Row::new(format!("`iam-lsp check --jobs {cores}` (all cores), same files"), fmt_ms(all), String::new(), None),
        Row::new(
            "`serde_json` alone: read and parse the same files into `Value`s, one thread".into(),
            fmt_ms(floor),
            String::new(),
            None,
        ),
        Row::new(
            "`iam-lsp check --jobs 1` ÷ `serde_json` alone".into(),
            format!("{:.1}×", one.as_secs_f64() / floor.as_secs_f64()),
            "≤ 10×".into(),
            Some(one.as_secs_f64() <= 10.0 * floor.as_secs_f64()),
        ),
    ];

    if let Some(python) = python {
        eprintln!("bench: parliament over {n} files (takes a while)...");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("parliament_dir.py");
        let start = Instant::now();
        let output = Command::new(python)
            .arg(&script)
            .arg(corpus)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .expect("run parliament");
        let wall = start.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "parliament failed: {stderr}");
        let summary = stderr.lines().last().unwrap_or_default().trim_start_matches("parliament: ").to_string();
        let ratio = wall.as_secs_f64() / one.as_secs_f64();
        rows.push(Row::new(
            format!("parliament, same files, one process ({summary})"),
            fmt_ms(wall),
            String::new(),
            None,
        ));
        rows.push(Row::new(
            "parliament ÷ `iam-lsp check --jobs 1`".into(),
            format!("{ratio:.0}×"),
            "≥ 50×".into(),
            Some(ratio >= 50.0),
        ));
        rows.push(Row::new(
            format!("parliament ÷ `iam-lsp check --jobs {cores}`"),
            format!("{:.0}×", wall.as_secs_f64() / all.as_secs_f64()),
            String::new(),
            None,
        ));
    }
    rows
}
