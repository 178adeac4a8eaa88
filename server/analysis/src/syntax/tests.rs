use super::*;
use crate::diagnostics::Code;

fn codes(text: &str) -> Vec<(Code, &str)> {
    parse(text).diagnostics.iter().map(|d| (d.code, &text[d.range.start..d.range.end])).collect()
}

fn statement_actions(text: &str) -> Vec<String> {
    let parse = parse(text);
    let policy = crate::model::Policy::new(parse.root.as_ref()).expect("a policy");
    policy.statements.iter().flat_map(|s| s.action_strings().map(|a| a.value.clone()).collect::<Vec<_>>()).collect()
}

#[test]
fn valid_json_has_no_diagnostics() {
    let text = r#"{"a": [1, -2.5e3, true, false, null, "x\"y\u00e9"], "b": {}}"#;
    let parse = parse(text);
    assert!(parse.diagnostics.is_empty(), "{:?}", parse.diagnostics);
    let root = parse.root.unwrap();
    let object = root.as_object().unwrap();
    assert_eq!(object.members.len(), 2);
    assert_eq!(object.range, TextRange::new(0, text.len()));
}

#[test]
fn comments_and_trailing_commas_are_reported_and_the_rest_is_parsed() {
    let text = "{\n  // allow reads\n  \"Statement\": [ {\"Action\": \"s3:GetObject\",}, ] /* end */\n}";
    assert_eq!(
        codes(text),
        vec![
            (Code::JsonComment, "// allow reads"),
            (Code::JsonTrailingComma, ","),
            (Code::JsonTrailingComma, ","),
            (Code::JsonComment, "/* end */"),
        ]
    );
    assert_eq!(statement_actions(text), ["s3:GetObject"]);
}

#[test]
fn an_unterminated_string_in_one_statement_leaves_the_others_parsed() {
    let text = "{\"Statement\": [\n  {\"Action\": \"s3:GetObj},\n  {\"Action\": \"bedrock:InvokeModel\"}\n]}";
    assert_eq!(codes(text), [(Code::JsonSyntax, "\"s3:GetObj")]);
    assert_eq!(statement_actions(text), ["s3:GetObj", "bedrock:InvokeModel"]);
    // A missing closing quote mid-line cascades; only the first error on the line is shown.
    let text = "{\"Statement\": [\n  {\"Action\": \"s3:GetObj, \"Resource\": \"*\"},\n  {\"Action\": \"bedrock:InvokeModel\"}\n]}";
    assert_eq!(codes(text).len(), 1, "{:?}", codes(text));
    assert!(statement_actions(text).contains(&"bedrock:InvokeModel".to_string()));
}

#[test]
fn an_unterminated_string_ends_at_its_line_whatever_the_next_lines_hold() {
    // The scanner reads on to the next quote; a bad escape on the way must not change how
    // the first line reads (the statement cache relies on a statement's text alone).
    for rest in ["\"}]}", "\\x \"}]}"] {
        let text = format!("{{\"Statement\": [{{\"Action\": \"s3:GetOb\n}}, {rest}");
        assert_eq!(statement_actions(&text), ["s3:GetOb"], "{text:?}");
        assert_eq!(codes(&text)[0], (Code::JsonSyntax, "\"s3:GetOb"), "{text:?}");
    }
}

#[test]
fn missing_commas_and_braces_are_recovered() {
    let text = r#"{"Statement": [
  {"Effect": "Allow" "Action": "s3:GetObject"
  {"Effect": "Allow", "Action": "bedrock:InvokeModel"}
]}"#;
    let parse = parse(text);
    let messages: Vec<&str> = parse.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["missing `,` before this member", "missing `}` before this: the object above is not closed"]);
    assert_eq!(statement_actions(text), ["s3:GetObject", "bedrock:InvokeModel"]);
}

#[test]
fn unquoted_words_become_strings_with_a_quote_fix() {
    let text = r#"{"Statement": {"Effect": Allow}}"#;
    let parse = parse(text);
    assert_eq!(parse.diagnostics.len(), 1);
    assert_eq!(parse.diagnostics[0].fixes[0].edits[0].new_text, "\"Allow\"");
}

#[test]
fn duplicate_keys_are_reported_on_the_second() {
    let text = "{\"Action\": \"a\",\n \"Action\": \"b\"}";
    let parse = parse(text);
    assert_eq!(parse.diagnostics.len(), 1);
    let d = &parse.diagnostics[0];
    assert_eq!(d.code, Code::JsonDuplicateKey);
    assert_eq!(d.range.start, text.rfind("\"Action\"").unwrap());
    assert!(d.message.contains("first on line 1"));
}

#[test]
fn hopeless_input_never_panics() {
    for text in [
        "",
        "}",
        "]]]",
        "{",
        "[",
        "\"",
        "{\"a\"",
        "{\"a\":",
        "{,}",
        "[,]",
        "{:}",
        "\u{feff}{}",
        "{'a': 1}",
        "0x1F",
        "{\"a\":\"\\q\"}",
        "/*",
        "{\"a\" 1}",
        "\u{0}",
        "{\"é\":\"🫣\"}",
    ] {
        let _ = parse(text);
        let _ = crate::analyze(text);
    }
}

#[test]
fn deep_nesting_is_bounded() {
    let text = "[".repeat(100_000) + &"]".repeat(100_000);
    let parse = parse(&text);
    assert!(parse.diagnostics.iter().any(|d| d.message.contains("nesting deeper")));
}

#[test]
fn only_c0_control_characters_are_errors_in_strings() {
    // DEL and the C1 controls (two bytes in UTF-8) are valid JSON string content.
    assert_eq!(codes("{\"Sid\": \"a\u{7f}b\u{93}c\"}"), vec![]);
    assert_eq!(codes("{\"Sid\": \"é\u{1}\"}"), vec![(Code::JsonSyntax, "\u{1}")]);
}

#[test]
fn a_stray_value_nested_too_deep_at_the_end_is_skipped_once() {
    // Objects where keys should be, down to the depth limit; then a value too deep, and
    // the end of the text.
    let text = format!("{}[", "{".repeat(MAX_DEPTH));
    let parse = parse(&text);
    assert!(parse.root.is_some() && !parse.diagnostics.is_empty());
}
