//! Size: no path through the server may be quadratic in the length of a document or of a
//! line. `iam-lsp check` on one-line policies of 50,000, 100,000 and 200,000 statements (the
//! time per statement should not grow), and a one-line 2 MB document with findings of every
//! kind, through the library's entry points and over LSP.

use std::path::Path;
use std::time::{Duration, Instant};

use iam_analysis::{analyze, complete, hover, inlay_hints, refactors, semantic_tokens, symbols, Document, TextRange};
use serde_json::json;

use crate::client::{published_version, Client};
use crate::documents::{one_line_document, one_line_policy};
use crate::{fmt_bytes, fmt_ms, percentile, Row};

const STATEMENTS: [usize; 3] = [50_000, 100_000, 200_000];
const DOCUMENT_BYTES: usize = 2_000_000;

/// The median of `runs` runs of `f`, and what the last returned.
fn median<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        times.push(start.elapsed());
        last = Some(out);
    }
    times.sort();
    (percentile(&times, 0.5), last.expect("at least one run"))
}

fn check_rows(server: &Path, scratch: &Path, quick: bool) -> Vec<Row> {
    std::fs::create_dir_all(scratch).expect("create the scratch directory");
    let runs = if quick { 1 } else { 3 };
    let mut rows = Vec::new();
    let mut per_statement = Vec::new();
    for n in STATEMENTS {
        let file = scratch.join(format!("one-line-{n}.json"));
        let text = one_line_policy(n);
        std::fs::write(&file, &text).expect("write a one-line policy");
        eprintln!("bench: iam-lsp check on {n} statements on one line ({})...", fmt_bytes(text.len() as u64));
        let (wall, _) = median(runs, || crate::batch::check(server, &file, 1));
        per_statement.push(wall.as_secs_f64() / n as f64);
        let target = (n == 200_000).then(|| Duration::from_secs(5));
        rows.push(Row::new(
            format!("`iam-lsp check`, one-line policy of {n} statements ({})", fmt_bytes(text.len() as u64)),
            format!("{} ({:.1} µs a statement)", fmt_ms(wall), 1e6 * wall.as_secs_f64() / n as f64),
            target.map_or_else(|| "linear".to_string(), |t| format!("< {}", fmt_ms(t))),
            target.map(|t| wall < t),
        ));
        let _ = std::fs::remove_file(&file);
    }
    let growth = per_statement[per_statement.len() - 1] / per_statement[0];
    rows.push(Row::new(
        format!(
            "`iam-lsp check`: time a statement at {}k / at {}k statements",
            STATEMENTS[2] / 1000,
            STATEMENTS[0] / 1000
        ),
        format!("{growth:.2}×"),
        "< 1.5× (linear)".into(),
        Some(growth < 1.5),
    ));
    rows
}

fn library_rows(text: &str, runs: usize) -> Vec<Row> {
    let size = fmt_bytes(text.len() as u64);
    let middle = text[..text.len() / 2].rfind("\"s3:").map_or(text.len() / 2, |at| at + 3);
    let whole = TextRange::new(0, text.len());
    let mut rows = Vec::new();
    let mut row = |what: &str, target: Duration, time: Duration, count: usize| {
        rows.push(Row::new(
            format!("Library, one-line {size} document: {what}"),
            format!("{} ({count})", fmt_ms(time)),
            format!("< {}", fmt_ms(target)),
            Some(time < target),
        ));
    };
    eprintln!("bench: the library's entry points on a one-line {size} document...");
    let (t, a) = median(runs, || analyze(text));
    row("analysis (parse, checks, fixes)", Duration::from_millis(300), t, a.diagnostics.len());
    // Every other feature reads the version's document, made once: its text, line index
    // and syntax tree.
    let (t, doc) = median(runs, || Document::from(text));
    row("document (line index, syntax tree)", Duration::from_millis(100), t, doc.line_index().line_count());
    let doc = &doc;
    let (t, n) = median(runs, || semantic_tokens::semantic_tokens(doc).len());
    row("semantic tokens", Duration::from_millis(100), t, n);
    let (t, n) = median(runs, || inlay_hints::inlay_hints(doc, whole, true).len());
    row("inlay hints, whole document", Duration::from_millis(100), t, n);
    let (t, n) = median(runs, || symbols::document_symbols(doc).len());
    row("document symbols", Duration::from_millis(100), t, n);
    let (t, n) = median(runs, || symbols::folding_ranges(doc).len());
    row("folding ranges", Duration::from_millis(100), t, n);
    let (t, n) = median(runs, || symbols::selection_ranges(doc, middle).len());
    row("selection ranges, middle", Duration::from_millis(100), t, n);
    let (t, n) = median(runs, || usize::from(hover(doc, middle).is_some()));
    row("hover, middle", Duration::from_millis(100), t, n);
    let (t, n) = median(runs, || complete(doc, middle).len());
    row("completion, middle", Duration::from_millis(100), t, n);
    let (t, n) = median(runs, || refactors::refactors(doc, TextRange::empty(middle)).len());
    row("refactors, middle", Duration::from_millis(100), t, n);
    rows
}

/// The one-line document over LSP: open → first diagnostics, then one request of each kind.
fn lsp_rows(server: &Path, text: &str) -> Vec<Row> {
    let size = fmt_bytes(text.len() as u64);
    eprintln!("bench: the one-line {size} document over LSP...");
    let uri = "file:///bench/one-line.json";
    let mut client = Client::start(server);
    client.handshake();
    let opened = client.open(uri, text);
    let (published, message) = client.wait_for(|m| published_version(m, uri) == Some(1));
    let count = message["params"]["diagnostics"].as_array().map_or(0, Vec::len);
    let open = published - opened;
    let mut rows = vec![Row::new(
        format!("LSP, one-line {size} document: didOpen → publishDiagnostics"),
        format!("{} ({count})", fmt_ms(open)),
        "< 300 ms".into(),
        Some(open < Duration::from_millis(300)),
    )];
    let middle = text[..text.len() / 2].rfind("\"s3:").map_or(text.len() / 2, |at| at + 3);
    // One line: the UTF-16 column of the middle.
    let character = text[..middle].encode_utf16().count();
    let position = json!({"line": 0, "character": character});
    let document = json!({"uri": uri});
    let everything = json!({"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}});
    let requests = [
        ("textDocument/diagnostic", json!({"textDocument": document})),
        ("textDocument/semanticTokens/full", json!({"textDocument": document})),
        ("textDocument/documentSymbol", json!({"textDocument": document})),
        ("textDocument/foldingRange", json!({"textDocument": document})),
        ("textDocument/inlayHint", json!({"textDocument": document, "range": everything})),
        ("textDocument/hover", json!({"textDocument": document, "position": position})),
        ("textDocument/completion", json!({"textDocument": document, "position": position})),
        ("textDocument/selectionRange", json!({"textDocument": document, "positions": [position]})),
        (
            "textDocument/codeAction",
            json!({"textDocument": document, "range": {"start": position, "end": position}, "context": {"diagnostics": []}}),
        ),
    ];
    for (method, params) in requests {
        let sent = Instant::now();
        let (arrived, response) = client.request(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        let took = arrived - sent;
        rows.push(Row::new(
            format!("LSP, one-line {size} document: `{method}`"),
            fmt_ms(took),
            "< 100 ms".into(),
            Some(took < Duration::from_millis(100)),
        ));
    }
    client.stop();
    rows
}

pub fn rows(server: &Path, scratch: &Path, quick: bool) -> Vec<Row> {
    let text = one_line_document(DOCUMENT_BYTES);
    assert!(!text.contains('\n'));
    let mut rows = library_rows(&text, if quick { 1 } else { 5 });
    rows.extend(lsp_rows(server, &text));
    rows.extend(check_rows(server, scratch, quick));
    rows
}
