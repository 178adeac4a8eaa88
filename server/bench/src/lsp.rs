//! The release binary over stdio: keystroke latency, start-up, memory.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::client::{published_version, Client};
use crate::documents::{big_document, variant, LARGEST_POLICY};
use crate::{fmt_bytes, fmt_ms, percentile, Row};

const KEYSTROKES: usize = 500;
/// Faster than anyone types: 120 words a minute is about 100 ms a key.
const TYPING_INTERVAL: Duration = Duration::from_millis(30);
const STARTS: usize = 20;
const OPEN_DOCUMENTS: usize = 100;

/// What is typed, one character per `didChange`: new actions at the start of an `Action` array.
const TYPED: &str = r#""s3:GetObject", "sqs:SendMessage", "dynamodb:Query", "lambda:InvokeFunction", "bedrock:InvokeModel", "kms:Decrypt", "#;

/// Where typing happens: just after the `[` of the `"Action": [` nearest the middle of the
/// document, as a (line, UTF-16 column) position.
fn insertion_point(text: &str) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    let middle = lines.len() / 2;
    let (line, col) = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.find("\"Action\": [").map(|c| (i, c + "\"Action\": [".len())))
        .min_by_key(|(i, _)| i.abs_diff(middle))
        .expect("an Action array");
    (line, col)
}

pub struct Latency {
    pub samples: Vec<Duration>,
    /// Versions whose diagnostics were never published because a newer edit had arrived.
    pub superseded: usize,
}

/// Opens `text` and types [`KEYSTROKES`] characters into it, one `didChange` each: every
/// `interval`, or with `None` each as soon as the previous edit's diagnostics arrived.
/// Latency: from writing a `didChange` to the arrival of `publishDiagnostics` for its version.
pub fn keystrokes(server: &Path, text: &str, interval: Option<Duration>) -> Latency {
    let uri = "file:///bench/policy.json";
    let mut client = Client::start(server);
    client.handshake();
    client.open(uri, text);
    client.wait_for(|m| published_version(m, uri) == Some(1));
    let (line, col) = insertion_point(text);
    let typed: Vec<char> = TYPED.chars().cycle().take(KEYSTROKES).collect();
    let mut sent = Vec::with_capacity(KEYSTROKES);
    let mut samples = Vec::with_capacity(KEYSTROKES);
    let start = Instant::now();
    for (i, ch) in typed.iter().enumerate() {
        let version = i as i64 + 2;
        if let Some(interval) = interval {
            let due = start + interval * i as u32;
            std::thread::sleep(due.saturating_duration_since(Instant::now()));
        }
        let position = json!({"line": line, "character": col + i});
        let at = client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": position, "end": position}, "text": ch.to_string()}],
            }),
        );
        sent.push(at);
        if interval.is_none() {
            let (arrived, _) = client.wait_for(|m| published_version(m, uri) == Some(version));
            samples.push(arrived - at);
        }
    }
    let mut superseded = 0;
    if interval.is_some() {
        let last = KEYSTROKES as i64 + 1;
        let (last_at, _) = client.wait_for(|m| published_version(m, uri) == Some(last));
        let mut arrivals = vec![None; KEYSTROKES];
        arrivals[KEYSTROKES - 1] = Some(last_at);
        for (at, message) in client.drain() {
            if let Some(v) = published_version(&message, uri) {
                if (2..=last).contains(&v) {
                    arrivals[(v - 2) as usize].get_or_insert(at);
                }
            }
        }
        for (arrived, sent) in arrivals.iter().zip(&sent) {
            match arrived {
                Some(arrived) => samples.push(*arrived - *sent),
                None => superseded += 1,
            }
        }
    }
    client.stop();
    Latency { samples, superseded }
}

pub struct Startup {
    pub initialize: Vec<Duration>,
    pub first_diagnostics: Vec<Duration>,
}

/// From just before the process is spawned to the `initialize` response, and to the first
/// diagnostics of a document opened right after the handshake (the largest policy).
pub fn startup(server: &Path, runs: usize) -> Startup {
    let uri = "file:///bench/policy.json";
    let mut out = Startup { initialize: Vec::new(), first_diagnostics: Vec::new() };
    for _ in 0..runs {
        let start = Instant::now();
        let mut client = Client::start(server);
        let initialized = client.handshake();
        client.open(uri, LARGEST_POLICY);
        let (diagnosed, _) = client.wait_for(|m| published_version(m, uri) == Some(1));
        out.initialize.push(initialized - start);
        out.first_diagnostics.push(diagnosed - start);
        client.stop();
    }
    out
}

/// Peak RSS after opening [`OPEN_DOCUMENTS`] documents (variants of the largest policy) and
/// receiving their diagnostics.
pub fn memory(server: &Path) -> (u64, u64) {
    let mut client = Client::start(server);
    client.handshake();
    let uris: Vec<String> = (0..OPEN_DOCUMENTS).map(|k| format!("file:///bench/doc{k}.json")).collect();
    for (k, uri) in uris.iter().enumerate() {
        client.open(uri, &variant(k));
    }
    for uri in &uris {
        client.wait_for(|m| published_version(m, uri) == Some(1));
    }
    let rss = client.rss();
    client.stop();
    rss
}

fn latency_row(what: String, latency: &Latency, target: Duration) -> Row {
    let mut samples = latency.samples.clone();
    samples.sort();
    let p99 = percentile(&samples, 0.99);
    let mut measured = format!(
        "{} / {} / {}",
        fmt_ms(percentile(&samples, 0.5)),
        fmt_ms(p99),
        fmt_ms(*samples.last().expect("samples"))
    );
    if latency.superseded > 0 {
        measured.push_str(&format!(" ({} superseded)", latency.superseded));
    }
    Row::new(what, measured, format!("p99 < {}", fmt_ms(target)), Some(p99 < target))
}

pub fn rows(server: &Path, quick: bool) -> Vec<Row> {
    let mut rows = Vec::new();
    let big = big_document();
    let docs = [
        ("10 KB policy", LARGEST_POLICY.to_string(), Duration::from_millis(2)),
        ("1 MB document", big, Duration::from_millis(30)),
    ];
    for (name, text, target) in &docs {
        let size = fmt_bytes(text.len() as u64);
        eprintln!("bench: {KEYSTROKES} keystrokes into the {name} ({size})...");
        let typing = keystrokes(server, text, Some(TYPING_INTERVAL));
        rows.push(latency_row(
            format!(
                "Keystroke → diagnostics, {name} ({size}), one key every {} ms: median / p99 / max",
                TYPING_INTERVAL.as_millis()
            ),
            &typing,
            *target,
        ));
        let back_to_back = keystrokes(server, text, None);
        rows.push(latency_row(
            format!(
                "Keystroke → diagnostics, {name}, back to back (next key when diagnostics arrive): median / p99 / max"
            ),
            &back_to_back,
            *target,
        ));
    }

    let runs = if quick { 3 } else { STARTS };
    eprintln!("bench: {runs} start-ups...");
    let mut startup = startup(server, runs);
    startup.initialize.sort();
    startup.first_diagnostics.sort();
    let median_init = percentile(&startup.initialize, 0.5);
    let median_diag = percentile(&startup.first_diagnostics, 0.5);
    rows.push(Row::new(
        format!("Process start → `initialize` response ({runs} starts): median / max"),
        format!("{} / {}", fmt_ms(median_init), fmt_ms(*startup.initialize.last().expect("runs"))),
        "< 30 ms".into(),
        Some(median_init < Duration::from_millis(30)),
    ));
    rows.push(Row::new(
        format!("Process start → first diagnostics of the 10 KB policy ({runs} starts): median / max"),
        format!("{} / {}", fmt_ms(median_diag), fmt_ms(*startup.first_diagnostics.last().expect("runs"))),
        "< 50 ms".into(),
        Some(median_diag < Duration::from_millis(50)),
    ));

    eprintln!("bench: {OPEN_DOCUMENTS} open documents...");
    let (peak, _) = memory(server);
    rows.push(Row::new(
        format!("Peak RSS with {OPEN_DOCUMENTS} open documents (10 KB policies)"),
        fmt_bytes(peak),
        "< 60 MB".into(),
        Some(peak < 60 << 20),
    ));
    let size = std::fs::metadata(server).map(|m| m.len()).unwrap_or(0);
    rows.push(Row::new("Binary size (release)".into(), fmt_bytes(size), "< 20 MB".into(), Some(size < 20 << 20)));
    rows
}
