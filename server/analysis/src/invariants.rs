//! What the library promises for any text, as functions that the property tests, the fuzz
//! targets (`server/fuzz`) and the replay of their findings (`tests/fuzz.rs`) share: no
//! panic, and every range it returns lies on character boundaries inside the text; every
//! fix's edits are in bounds and do not overlap.

use crate::text::TextRange;
use crate::{analyze, apply_edits, completion, hover, inlay_hints, refactors, semantic_tokens, symbols};
use crate::{Document, Edit, Options};

/// Runs every analysis entry point on `text` (those that take a position at `offset`,
/// clamped into the text) and panics if a promise is broken.
pub fn check(text: &str, offset: usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let whole = TextRange::new(0, text.len());
    let in_text = |range: TextRange, what: &dyn std::fmt::Debug| {
        assert!(
            range.start <= range.end
                && range.end <= text.len()
                && text.is_char_boundary(range.start)
                && text.is_char_boundary(range.end),
            "range {range:?} outside the text or inside a character: {what:?}"
        );
    };
    let check_edits = |edits: &[Edit]| {
        let mut sorted: Vec<&Edit> = edits.iter().collect();
        sorted.sort_by_key(|e| (e.range.start, e.range.end));
        for edit in &sorted {
            in_text(edit.range, edit);
        }
        assert!(sorted.windows(2).all(|w| w[0].range.end <= w[1].range.start), "overlapping edits: {edits:?}");
        let _ = apply_edits(text, edits);
    };

    let doc = Document::new(text.to_string(), Options::default());
    for diagnostic in &analyze(text).diagnostics {
        in_text(diagnostic.range, diagnostic);
        for fix in &diagnostic.fixes {
            check_edits(&fix.edits);
        }
    }
    for item in completion::complete(&doc, offset) {
        in_text(item.edit.range, &item.label);
    }
    if let Some(hover) = hover::hover(&doc, offset) {
        in_text(hover.range, &hover.markdown);
    }
    for range in symbols::selection_ranges(&doc, offset) {
        in_text(range, &"selection range");
    }
    for range in symbols::folding_ranges(&doc) {
        in_text(range, &"folding range");
    }
    let mut symbols = symbols::document_symbols(&doc);
    while let Some(symbol) = symbols.pop() {
        in_text(symbol.range, &symbol.name);
        in_text(symbol.selection, &symbol.name);
        symbols.extend(symbol.children);
    }
    for token in semantic_tokens::semantic_tokens(&doc) {
        in_text(token.range, &token.token_type.as_str());
    }
    for hint in inlay_hints::inlay_hints(&doc, whole, true) {
        in_text(TextRange::empty(hint.offset), &hint.label);
    }
    for fix in refactors::refactors(&doc, TextRange::empty(offset)) {
        check_edits(&fix.edits);
    }
}

/// The fuzz target `analyze_bytes`: any bytes, as an editor would hand them over (invalid
/// UTF-8 replaced); the last two bytes choose the cursor, so that policy files are good
/// seeds as they are.
pub fn check_bytes(data: &[u8]) {
    let cursor = match data {
        [.., a, b] => usize::from(u16::from_le_bytes([*a, *b])),
        _ => 0,
    };
    let text = String::from_utf8_lossy(data);
    check(&text, cursor % (text.len() + 1));
}

/// The fuzz target `analyze_json`: well-formed JSON of policy words (see
/// [`policy_from_bytes`]), so that the checks rather than the parser's error paths get the
/// fuzzer's time; the first byte chooses the cursor.
pub fn check_generated_policy(data: &[u8]) {
    let (cursor, rest) = data.split_first().map_or((0, data), |(c, r)| (usize::from(*c), r));
    let text = policy_from_bytes(rest);
    check(&text, cursor * text.len() / 255);
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Words of the policy language, for [`policy_from_bytes`]: keys, values, operators, ARNs.
const VOCABULARY: &[&str] = &[
    "Version",
    "2012-10-17",
    "2008-10-17",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Allow",
    "Deny",
    "Principal",
    "NotPrincipal",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "bedrock.amazonaws.com",
    "123456789012",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "*",
    "s3:GetObject",
    "s3:Get*",
    "bedrock:InvokeModel",
    "bedrock:InvokeAgent",
    "bedrock-agent-runtime:InvokeAgent",
    "bedrock:Retrieve",
    "iam:PassRole",
    "sts:AssumeRole",
    "kms:*",
    "arn:aws:s3:::bucket/*",
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0",
    "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0",
    "arn:aws:bedrock:us-east-1:123456789012:agent-alias/AGENT12345/ALIAS12345",
    "arn:aws:iam::123456789012:role/${aws:username}",
    "arn:aws:kms:*:*:key/*",
    "StringEquals",
    "StringLike",
    "ForAnyValue:StringLike",
    "ForAllValues:StringEquals",
    "ArnLikeIfExists",
    "Bool",
    "Null",
    "NumericLessThan",
    "DateGreaterThan",
    "IpAddress",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:PrincipalOrgID",
    "aws:SecureTransport",
    "aws:RequestedRegion",
    "bedrock:InferenceProfileArn",
    "s3:prefix",
    "iam:PassedToService",
    "true",
    "false",
    "10.0.0.0/8",
    "",
];

/// A JSON document built from fuzzer bytes: objects, arrays and strings drawn mostly from
/// policy words, so that the fuzzer spends its time in the checks rather than in the
/// parser's error paths. Every byte string gives a document; the same bytes the same one.
pub fn policy_from_bytes(data: &[u8]) -> String {
    let mut bytes = data.iter().copied();
    let mut out = String::new();
    write_value(&mut bytes, &mut out, 0);
    out
}

fn write_value(bytes: &mut impl Iterator<Item = u8>, out: &mut String, depth: usize) {
    let Some(choice) = bytes.next() else {
        out.push_str("{}");
        return;
    };
    match choice % 8 {
        0 | 1 if depth < 8 => {
            let len = bytes.next().unwrap_or(0) % 6;
            out.push('{');
            for i in 0..len {
                if i > 0 {
                    out.push(',');
                }
                write_string(bytes, out);
                out.push(':');
                write_value(bytes, out, depth + 1);
            }
            out.push('}');
        }
        2 if depth < 8 => {
            let len = bytes.next().unwrap_or(0) % 6;
            out.push('[');
            for i in 0..len {
                if i > 0 {
                    out.push(',');
                }
                write_value(bytes, out, depth + 1);
            }
            out.push(']');
        }
        3 => out.push_str(["true", "false", "null", "0", "-1.5e3"][usize::from(choice / 8) % 5]),
        _ => write_string(bytes, out),
    }
}

/// A policy word, a word with its tail replaced, or raw characters; escaped as JSON.
fn write_string(bytes: &mut impl Iterator<Item = u8>, out: &mut String) {
    let choice = bytes.next().unwrap_or(0);
    let word = VOCABULARY[usize::from(choice) % VOCABULARY.len()];
    let text = match choice >> 6 {
        0 | 1 => word.to_string(),
        2 => {
            let keep = usize::from(bytes.next().unwrap_or(0)) % (word.len() + 1);
            let keep = floor_char_boundary(word, keep);
            let tail: Vec<u8> = bytes.take(usize::from(bytes_len(choice))).collect();
            format!("{}{}", &word[..keep], String::from_utf8_lossy(&tail))
        }
        _ => {
            let raw: Vec<u8> = bytes.take(usize::from(bytes_len(choice))).collect();
            String::from_utf8_lossy(&raw).into_owned()
        }
    };
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn bytes_len(choice: u8) -> u8 {
    choice % 13
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzer_bytes_make_json_with_policy_words() {
        assert_eq!(policy_from_bytes(&[0, 1, 4, 2, 1, 4, 7]), r#"{"Statement":["Allow"]}"#);
        for data in [&[][..], &[255; 64], &[0; 64], &[1, 5, 200, 7, 130, 9, 250, 1, 2, 3]] {
            let text = policy_from_bytes(data);
            assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{data:?} → {text}");
        }
    }
}
