//! Hostile and huge inputs: each gets a clear result in bounded time, never a panic.

use iam_analysis::{analyze, hover, Code, Document};

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
    assert!(analyze(&deep).diagnostics.iter().any(|d| d.message.contains("nesting deeper")));

    // 1 MB on one line.
    let one_line = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        (0..12_000).map(statement).collect::<Vec<_>>().join(",")
    );
    assert!(one_line.len() > 1_000_000 && !one_line.contains('\n'));
    let a = analyze(&one_line);
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
    assert!(analyze(&many).is_policy);

    // 10,000 actions in one statement (most unknown).
    let actions: Vec<String> = (0..10_000).map(|i| format!("\"s3:Action{i}\"")).collect();
    let wide = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":[{}],"Resource":"*"}}}}"#,
        actions.join(",")
    );
    let a = analyze(&wide);
    assert_eq!(a.diagnostics.iter().filter(|d| d.code == Code::UnknownAction).count(), 10_000);
}
