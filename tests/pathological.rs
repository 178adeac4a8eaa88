//! Hostile and huge inputs: each gets a clear result in bounded time and memory, never a
//! panic. The bounds are generous guards against a blow-up (a quadratic pass, a copy per
//! finding), about ten times what the inputs took when the bounds were set (under load, in
//! the test profile: 0.2-7 s, 4-250 MB); speed itself is measured by `server/bench`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use iam_analysis::{analyze, hover, Code, Document};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = IN_USE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call goes to `System` unchanged; only the counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` alone (the measured parts of these tests take turns), and asserts that it took
/// under `seconds` and at most `megabytes` more memory at its peak than before it.
fn bounded<T>(what: &str, seconds: u64, megabytes: usize, f: impl FnOnce() -> T) -> T {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before) / 1_000_000;
    eprintln!("{what}: {took:?}, peak {peak} MB above the start");
    assert!(took < Duration::from_secs(seconds), "{what} took {took:?}, over the bound of {seconds} s");
    assert!(peak <= megabytes, "{what} took {peak} MB at its peak, over the bound of {megabytes} MB");
    out
}

fn statement(i: usize) -> String {
    format!(r#"{{"Sid":"S{i}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-{i}/*"}}"#)
}

#[test]
fn a_statement_that_is_a_number_and_every_element_of_the_wrong_type() {
    let a = analyze(r#"{"Version": "2012-10-17", "Statement": 42}"#);
    assert!(
        a.diagnostics.iter().any(|d| d.code == Code::WrongType && d.message.contains("not a number")),
        "{:?}",
        a.diagnostics
    );
    let a = analyze(
        r#"{"Version": 1, "Id": [], "Statement": [{"Sid": 1, "Effect": null, "Principal": 2, "Action": {}, "Resource": true, "Condition": "x"}]}"#,
    );
    let wrong = a.diagnostics.iter().filter(|d| d.code == Code::WrongType).count();
    assert!(wrong >= 7, "{:?}", a.diagnostics);
}

#[test]
fn bom_nul_bytes_and_lone_surrogates() {
    let a = analyze("\u{feff}{\"Version\": \"2012-10-17\", \"Statement\": []}");
    assert!(a.diagnostics.iter().any(|d| d.message.contains("byte order mark")));
    let a = analyze("{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"a\u{0}b\"}]}");
    assert!(
        a.diagnostics.iter().any(|d| d.code == Code::JsonSyntax && d.message.contains("control character")),
        "{:?}",
        a.diagnostics
    );
    let a = analyze(r#"{"Version": "2012-10-17", "Statement": [{"Sid": "\ud800"}]}"#);
    assert!(a.diagnostics.iter().any(|d| d.code == Code::JsonSyntax), "{:?}", a.diagnostics);
}

#[test]
fn deep_nesting_long_lines_many_statements_many_actions() {
    let deep = format!("{{\"Statement\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let a = bounded("100,000 nested arrays", 10, 300, || analyze(&deep));
    assert!(a.diagnostics.iter().any(|d| d.message.contains("nesting deeper")));

    // 1 MB on one line.
    let one_line = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        (0..12_000).map(statement).collect::<Vec<_>>().join(",")
    );
    assert!(one_line.len() > 1_000_000 && !one_line.contains('\n'));
    let a = bounded("1 MB on one line", 30, 400, || analyze(&one_line));
    assert!(a.is_policy && a.diagnostics.iter().all(|d| d.code != Code::JsonSyntax));
    let mut document = Document::from(one_line.as_str());
    let _ = hover(&document, one_line.len() / 2);
    // As the server analyses it, each version made from the last, keeping each statement's
    // findings for the next edit.
    for _ in 0..2 {
        assert_eq!(document.analysis().map(|again| &again.diagnostics), Some(&a.diagnostics));
        document = document.edit(one_line.clone());
    }

    // 100,000 statements.
    let many = format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":[\n{}\n]}}",
        (0..100_000).map(statement).collect::<Vec<_>>().join(",\n")
    );
    assert!(bounded("100,000 statements", 90, 2_500, || analyze(&many)).is_policy);

    // 10,000 actions in one statement (most unknown).
    let actions: Vec<String> = (0..10_000).map(|i| format!("\"s3:Action{i}\"")).collect();
    let wide = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":[{}],"Resource":"*"}}}}"#,
        actions.join(",")
    );
    let a = bounded("10,000 actions in one statement", 60, 200, || analyze(&wide));
    assert_eq!(a.diagnostics.iter().filter(|d| d.code == Code::UnknownAction).count(), 10_000);
}

/// A statement of the one-line document below, with a mistake of most kinds: each finding's
/// message, fix and position must cost the same on one long line as on short ones.
fn mixed_statement(i: usize) -> String {
    match i % 8 {
        0 => statement(i),
        // An unknown action (suggestions), non-ASCII text (UTF-16 columns).
        1 => format!(
            r#"{{"Sid":"W{i}","Effect":"Allow","Action":["s3:PutObjekt","s3:GetObject"],"Resource":"arn:aws:s3:::b-{i}/ț❤️/🫣𐐀/*"}}"#
        ),
        // A malformed ARN, a resource wildcard.
        2 => format!(
            r#"{{"Sid":"T{i}","Effect":"Allow","Action":"dynamodb:Query","Resource":"arn:aws:dynamodb:eu-west-1:1234:table/t{i}"}}"#
        ),
        // A duplicate key ("first on line N"), an unknown element (a removal fix).
        3 => format!(
            r#"{{"Sid":"D{i}","Effect":"Allow","Effect":"Allow","Actions":"s3:GetObject","Action":"s3:ListBucket","Resource":"*"}}"#
        ),
        // A service principal without a source condition (a fix indented as its line).
        4 => format!(
            r#"{{"Sid":"P{i}","Effect":"Allow","Principal":{{"Service":"bedrock.amazonaws.com"}},"Action":"sts:AssumeRole"}}"#
        ),
        // Syntax errors on the same line as the first: a comment, a bad escape, a missing comma.
        5 => format!(r#"{{"Sid":"C{i}" /* a comment */,"Effect":"Allow","Action":"s3:Get\q","Resource":"*"}}"#),
        6 => format!(r#"{{"Sid":"M{i}","Effect":"Allow" "Action":"s3:GetObject","Resource":"arn:aws:s3:::m-{i}"}}"#),
        _ => format!(r#"{{"Sid":"A{i}","Effect":"Allow","Action":"iam:*","Resource":"*"}}"#),
    }
}

#[test]
fn a_two_megabyte_policy_on_one_line_through_every_entry_point() {
    use iam_analysis::{analyze_with, complete, inlay_hints, refactors, semantic_tokens, symbols};
    use iam_analysis::{Encoding, KindChoice, LineCol, LineIndex, Options, PolicyKind, TextRange};

    let statements: Vec<String> = (0..20_000).map(mixed_statement).collect();
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","));
    assert!(text.len() > 2_000_000 && !text.contains('\n'), "{}", text.len());
    // With a scan from the start of the line per finding, token or position (as before), this
    // takes minutes; in one pass each, well under a second.
    // As a resource policy: principals are checked too.
    let options =
        Options { kind: Some(KindChoice { kind: PolicyKind::Resource, reason: "test".into() }), ..Options::default() };
    let a = bounded("2 MB on one line, as a resource policy", 60, 700, || analyze_with(&text, &options));
    for code in
        [Code::JsonSyntax, Code::JsonDuplicateKey, Code::UnknownAction, Code::ConfusedDeputy, Code::UnknownElement]
    {
        assert!(a.diagnostics.iter().any(|d| d.code == code), "no {code:?}");
    }
    // One mistake, one syntax diagnostic: the rest of the line's are its cascade.
    assert_eq!(a.diagnostics.iter().filter(|d| d.code == Code::JsonSyntax).count(), 1);
    let duplicate = a.diagnostics.iter().find(|d| d.code == Code::JsonDuplicateKey).unwrap();
    assert!(duplicate.message.contains("first on line 1"), "{}", duplicate.message);
    // As the editor holds it: one document, which every feature below reads.
    let doc = Document::new(text.clone(), options.clone());
    assert_eq!(doc.analysis().map(|again| &again.diagnostics), Some(&a.diagnostics));

    // Every range as an editor gets it, there and back.
    let index = LineIndex::new(&text);
    let last = index.line_col(&text, text.len(), Encoding::Utf16);
    assert_eq!(last, LineCol { line: 0, col: text.encode_utf16().count() as u32 });
    let round_trip = |range: TextRange| {
        for offset in [range.start, range.end] {
            for encoding in [Encoding::Utf16, Encoding::Utf8] {
                let pos = index.line_col(&text, offset, encoding);
                assert_eq!(index.offset(&text, pos, encoding), offset);
            }
        }
    };
    for d in &a.diagnostics {
        round_trip(d.range);
        for fix in &d.fixes {
            fix.edits.iter().for_each(|e| round_trip(e.range));
        }
    }
    let tokens = semantic_tokens::semantic_tokens(&doc);
    assert!(tokens.len() > 100_000, "{}", tokens.len());
    tokens.iter().for_each(|t| round_trip(t.range));
    let whole = TextRange::new(0, text.len());
    inlay_hints::inlay_hints(&doc, whole, true).iter().for_each(|h| round_trip(TextRange::empty(h.offset)));
    assert!(symbols::document_symbols(&doc).iter().map(|s| s.children.len()).sum::<usize>() > 0);
    symbols::folding_ranges(&doc).into_iter().for_each(round_trip);
    let middle = text[..text.len() / 2].rfind("\"s3:").unwrap() + 3;
    symbols::selection_ranges(&doc, middle).into_iter().for_each(round_trip);
    assert!(hover(&doc, middle).is_some());
    assert!(!complete(&doc, middle).is_empty());
    let _ = refactors::refactors(&doc, TextRange::empty(middle));
}
