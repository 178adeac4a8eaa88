//! The release binary over stdio: keystroke latency, start-up, memory.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::client::{full_report, published_version, response_to, Client, Delivery};
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
/// Latency: from writing a `didChange` to the arrival of its version's diagnostics: pushed,
/// or, for a pull client, the full report of the `textDocument/diagnostic` sent right after
/// the change (as VS Code does).
pub fn keystrokes(server: &Path, text: &str, interval: Option<Duration>, delivery: Delivery) -> Latency {
    let uri = "file:///bench/policy.json";
    let mut client = Client::start(server);
    client.handshake_as(delivery);
    client.open(uri, text);
    let pull =
        |client: &mut Client| client.send_request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}})).0;
    match delivery {
        Delivery::Push => drop(client.wait_for(|m| published_version(m, uri) == Some(1))),
        Delivery::Pull => {
            let id = pull(&mut client);
            client.wait_for(|m| response_to(m, id));
        }
    }
    let (line, col) = insertion_point(text);
    let typed: Vec<char> = TYPED.chars().cycle().take(KEYSTROKES).collect();
    let mut sent = Vec::with_capacity(KEYSTROKES);
    let mut pulls = Vec::with_capacity(KEYSTROKES);
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
        if delivery == Delivery::Pull {
            pulls.push(pull(&mut client));
        }
        if interval.is_none() {
            let (arrived, _) = match delivery {
                Delivery::Push => client.wait_for(|m| published_version(m, uri) == Some(version)),
                Delivery::Pull => client.wait_for(|m| response_to(m, pulls[i]) && full_report(m)),
            };
            samples.push(arrived - at);
        }
    }
    let mut superseded = 0;
    if interval.is_some() {
        let last = KEYSTROKES as i64 + 1;
        let (last_at, _) = match delivery {
            Delivery::Push => client.wait_for(|m| published_version(m, uri) == Some(last)),
            Delivery::Pull => client.wait_for(|m| response_to(m, pulls[KEYSTROKES - 1])),
        };
        let mut arrivals = vec![None; KEYSTROKES];
        arrivals[KEYSTROKES - 1] = Some(last_at);
        for (at, message) in client.drain() {
            let keystroke = match delivery {
                Delivery::Push => published_version(&message, uri).filter(|v| (2..=last).contains(v)).map(|v| v - 2),
                Delivery::Pull => {
                    pulls.iter().position(|&id| response_to(&message, id) && full_report(&message)).map(|i| i as i64)
                }
            };
            if let Some(k) = keystroke {
                arrivals[k as usize].get_or_insert(at);
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

/// A pull client types into `text` (one key every [`TYPING_INTERVAL`], each change followed
/// by its pull) and sends a hover, then a completion, at the insertion point right after
/// each change: from sending each request to its response.
pub fn requests_after_keystrokes(server: &Path, text: &str) -> (Vec<Duration>, Vec<Duration>) {
    let uri = "file:///bench/policy.json";
    let mut client = Client::start(server);
    client.handshake_as(Delivery::Pull);
    client.open(uri, text);
    let (id, _) = client.send_request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
    client.wait_for(|m| response_to(m, id));
    let (line, col) = insertion_point(text);
    let (mut hovers, mut completions) = (Vec::new(), Vec::new());
    let start = Instant::now();
    for i in 0..KEYSTROKES / 2 {
        let due = start + TYPING_INTERVAL * i as u32;
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
        // Typed before the first `"` of the Action list: inside the list, outside a string.
        let position = json!({"line": line, "character": col + i});
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": i + 2},
                "contentChanges": [{"range": {"start": position, "end": position}, "text": " "}],
            }),
        );
        client.send_request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
        // Inside the first action's name, one character after its opening quote.
        let inside = json!({"line": line, "character": col + i + 3});
        let at = json!({"textDocument": {"uri": uri}, "position": inside});
        let (hover, hover_sent) = client.send_request("textDocument/hover", at.clone());
        let (completion, completion_sent) = client.send_request("textDocument/completion", at);
        let (hovered, _) = client.wait_for(|m| response_to(m, hover));
        let (completed, _) = client.wait_for(|m| response_to(m, completion));
        hovers.push(hovered - hover_sent);
        completions.push(completed - completion_sent);
    }
    client.stop();
    (hovers, completions)
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

fn spread_row(what: String, samples: &mut [Duration], target: Duration) -> Row {
    samples.sort();
    let p99 = percentile(samples, 0.99);
    let measured =
        format!("{} / {} / {}", fmt_ms(percentile(samples, 0.5)), fmt_ms(p99), fmt_ms(samples[samples.len() - 1]));
    Row::new(what, measured, format!("p99 < {}", fmt_ms(target)), Some(p99 < target))
}

/// The rows of hover and completion sent right after keystrokes into `big` (the 1 MB
/// document): `--only requests` runs these alone.
pub fn request_rows(server: &Path, big: &str) -> Vec<Row> {
    eprintln!("bench: hover and completion after keystrokes into the 1 MB document...");
    let (mut hovers, mut completions) = requests_after_keystrokes(server, big);
    let target = Duration::from_millis(2);
    vec![
        spread_row(
            "Hover sent right after a keystroke, 1 MB document, pull client: median / p99 / max".into(),
            &mut hovers,
            target,
        ),
        spread_row(
            "Completion sent right after a keystroke, 1 MB document, pull client: median / p99 / max".into(),
            &mut completions,
            target,
        ),
    ]
}

pub fn rows(server: &Path, quick: bool) -> Vec<Row> {
    let mut rows = Vec::new();
    let big = big_document();
    let docs = [
        ("10 KB policy", LARGEST_POLICY.to_string(), Duration::from_millis(1)),
        ("1 MB document", big.clone(), Duration::from_millis(10)),
    ];
    for (name, text, target) in &docs {
        let size = fmt_bytes(text.len() as u64);
        for delivery in [Delivery::Pull, Delivery::Push] {
            let client = delivery.name();
            eprintln!("bench: {KEYSTROKES} keystrokes into the {name} ({size}), {client} client...");
            let typing = keystrokes(server, text, Some(TYPING_INTERVAL), delivery);
            rows.push(latency_row(
                format!(
                    "Keystroke → diagnostics, {name} ({size}), {client} client, one key every {} ms: median / p99 / max",
                    TYPING_INTERVAL.as_millis()
                ),
                &typing,
                *target,
            ));
            let back_to_back = keystrokes(server, text, None, delivery);
            rows.push(latency_row(
                format!(
                    "Keystroke → diagnostics, {name}, {client} client, back to back (next key when diagnostics arrive): median / p99 / max"
                ),
                &back_to_back,
                *target,
            ));
        }
    }
    rows.extend(request_rows(server, &big));

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
        "< 40 MB".into(),
        Some(peak < 40 << 20),
    ));
    let size = std::fs::metadata(server).map(|m| m.len()).unwrap_or(0);
    rows.push(Row::new("Binary size (release)".into(), fmt_bytes(size), "< 20 MB".into(), Some(size < 20 << 20)));
    rows
}
