//! `iam-bench`: runs the benchmarks that drive the release `iam-lsp` binary (keystroke
//! latency, start-up and memory over stdio; batch lint against `serde_json` and parliament),
//! collects the criterion micro-benchmarks' medians, and prints one Markdown table with the
//! targets. `server/bench/run.sh` builds, fetches the corpus and parliament, and runs it all;
//! see the README's Performance section. Not part of CI.

mod batch;
mod client;
mod documents;
mod lsp;
mod micro;
mod scale;

use std::path::{Path, PathBuf};
use std::time::Duration;

const USAGE: &str = "usage: iam-bench [--server PATH] [--corpus DIR] [--python PATH] [--criterion DIR] [--only lsp|requests|batch|micro|scale] [--quick]

  --server PATH     the iam-lsp binary (default: target/release/iam-lsp)
  --corpus DIR      a directory of policies for the batch benchmark (skipped without it)
  --python PATH     a Python with parliament installed (parliament skipped without it)
  --criterion DIR   criterion's output directory (default: target/criterion)
  --only WHAT       run only one part (requests: the hover and completion rows of lsp)
  --quick           fewer repetitions (to try the harness, not to quote)";

/// One line of the results table.
pub struct Row {
    pub what: String,
    pub measured: String,
    pub target: String,
    pub met: Option<bool>,
}

impl Row {
    pub fn new(what: String, measured: String, target: String, met: Option<bool>) -> Row {
        Row { what, measured, target, met }
    }
}

/// The `q` quantile of sorted samples (nearest rank).
pub fn percentile(sorted: &[Duration], q: f64) -> Duration {
    assert!(!sorted.is_empty(), "no samples");
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub fn fmt_ms(d: Duration) -> String {
    fmt_time(d.as_secs_f64())
}

pub fn fmt_time(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 0.1 {
        format!("{:.0} ms", seconds * 1e3)
    } else if seconds >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}

pub fn fmt_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / (1 << 20) as f64)
    } else {
        format!("{:.1} KB", n as f64 / 1024.0)
    }
}

/// Output of a command, trimmed, or `None`.
fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_string()))
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cpu}, {cores} cores")
}

#[allow(clippy::print_stdout)] // the table is the output
fn print_header(line: &str) {
    println!("{line}\n");
}

#[allow(clippy::print_stdout)] // the table is the output
fn print_table(rows: &[Row]) {
    println!("| Benchmark | Measured | Target | |");
    println!("|---|---|---|---|");
    for row in rows {
        let met = match row.met {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "",
        };
        println!("| {} | {} | {} | {met} |", row.what, row.measured, row.target);
    }
}

fn main() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut server = workspace.join("target/release/iam-lsp");
    let mut criterion = workspace.join("target/criterion");
    let mut corpus: Option<PathBuf> = None;
    let mut python: Option<PathBuf> = None;
    let mut only: Option<String> = None;
    let mut quick = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| fail(&format!("{arg} takes a value")));
        match arg.as_str() {
            "--server" => server = PathBuf::from(value()),
            "--corpus" => corpus = Some(PathBuf::from(value())),
            "--python" => python = Some(PathBuf::from(value())),
            "--criterion" => criterion = PathBuf::from(value()),
            "--only" => only = Some(value()),
            "--quick" => quick = true,
            "-h" | "--help" => {
                eprintln!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument `{other}`")),
        }
    }
    if !server.is_file() {
        fail(&format!("no server binary at {} (cargo build --release)", server.display()));
    }
    let wants = |part: &str| only.as_deref().is_none_or(|o| o == part);

    let load_at_start = load_average();
    let mut rows = Vec::new();
    if wants("lsp") {
        rows.extend(lsp::rows(&server, quick));
    }
    if only.as_deref() == Some("requests") {
        rows.extend(lsp::request_rows(&server, &documents::big_document()));
    }
    if wants("batch") {
        match &corpus {
            Some(corpus) => rows.extend(batch::rows(&server, corpus, python.as_deref(), quick)),
            None => eprintln!("bench: no --corpus: batch benchmark skipped"),
        }
    }
    if wants("scale") {
        rows.extend(scale::rows(&server, &workspace.join("target/bench"), quick));
    }
    if wants("micro") {
        rows.extend(micro::rows(&criterion));
    }
    let version = command_output(&server.to_string_lossy(), &["--version"]).unwrap_or_else(|| "iam-lsp ?".into());
    let commit = command_output("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "?".into());
    let dirty =
        command_output("git", &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    let date = command_output("date", &["-u", "+%Y-%m-%d"]).unwrap_or_default();
    print_header(&format!(
        "{version}, commit {commit}{}; {date}; {}; load average {load_at_start} at the start, {} at the end{}",
        if dirty { " (uncommitted changes)" } else { "" },
        machine(),
        load_average(),
        if quick { "; --quick" } else { "" },
    ));
    print_table(&rows);
}

fn fail(message: &str) -> ! {
    eprintln!("iam-bench: {message}\n{USAGE}");
    std::process::exit(2);
}
