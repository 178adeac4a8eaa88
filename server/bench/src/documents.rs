//! The documents the benchmarks type into and open, shared with the criterion benchmarks
//! (`server/analysis/benches/analysis.rs` includes this file).

use serde_json::{json, Value};

/// 10,008 characters not counting whitespace (IAM's limit for an inline policy is 10,240;
/// whitespace does not count), 14 KB as formatted.
pub const LARGEST_POLICY: &str = include_str!("../policies/inline-10k.json");

/// A copy of the largest policy with its names changed, so that documents differ.
pub fn variant(k: usize) -> String {
    LARGEST_POLICY.replace("orders", &format!("orders{k}"))
}

/// One JSON document of 200 policies' worth of statements (13 of the largest policy's
/// statements each, names and Sids changed per policy): about 1 MB.
pub fn big_document() -> String {
    let policy: Value = serde_json::from_str(LARGEST_POLICY).expect("the largest policy is JSON");
    let statements = policy["Statement"].as_array().expect("statements");
    let mut all = Vec::new();
    for k in 0..200 {
        for i in 0..13 {
            let statement = &statements[(k * 13 + i) % statements.len()];
            let text = statement.to_string().replace("orders", &format!("orders{k}"));
            let mut statement: Value = serde_json::from_str(&text).expect("a statement");
            if let Some(sid) = statement.get_mut("Sid") {
                *sid = json!(format!("{}P{k}", sid.as_str().unwrap_or_default()));
            }
            all.push(statement);
        }
    }
    let doc = json!({"Version": "2012-10-17", "Statement": all});
    serde_json::to_string_pretty(&doc).expect("serialises") + "\n"
}

/// One statement of [`one_line_policy`], about 130 bytes; of every four, three have a finding
/// (an unknown action and non-ASCII text, an ARN with a short account, `*` on `*`).
pub fn small_statement(i: usize) -> String {
    match i % 4 {
        0 => format!(
            r#"{{"Sid":"Read{i}","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bucket-{i}","arn:aws:s3:::bucket-{i}/*"]}}"#
        ),
        1 => format!(
            r#"{{"Sid":"Write{i}","Effect":"Allow","Action":["s3:PutObjekt","s3:PutObject"],"Resource":"arn:aws:s3:::bucket-{i}/ț❤️/🫣𐐀/*"}}"#
        ),
        2 => format!(
            r#"{{"Sid":"Table{i}","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query"],"Resource":"arn:aws:dynamodb:eu-west-1:1234:table/t{i}"}}"#
        ),
        _ => format!(
            r#"{{"Sid":"Admin{i}","Effect":"Allow","Action":"iam:*","Resource":"*","Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}}}"#
        ),
    }
}

/// A policy of `statements` [`small_statement`]s on one line (200,000: about 26 MB).
pub fn one_line_policy(statements: usize) -> String {
    let mut out = String::with_capacity(statements * 140 + 64);
    out.push_str(r#"{"Version":"2012-10-17","Statement":["#);
    for i in 0..statements {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&small_statement(i));
    }
    out.push_str("]}");
    out
}

/// The largest policy's statements, minified, repeated (names and Sids changed per copy)
/// until the text is `bytes` long, all on one line, with mistakes of every kind along the
/// way: unknown actions, malformed ARNs, non-ASCII text (`ț`, `❤️`, `🫣`, `𐐀`), duplicate
/// keys, missing and trailing commas. 2,000,000 bytes: about 7,000 statements.
pub fn one_line_document(bytes: usize) -> String {
    let policy: Value = serde_json::from_str(LARGEST_POLICY).expect("the largest policy is JSON");
    let statements = policy["Statement"].as_array().expect("statements");
    let mut out = String::with_capacity(bytes + 16 * 1024);
    out.push_str(r#"{"Version":"2012-10-17","Statement":["#);
    let mut j = 0;
    while out.len() < bytes {
        let k = j / statements.len();
        let mut statement = statements[j % statements.len()].clone();
        if let Some(sid) = statement.get_mut("Sid") {
            *sid = json!(format!("{}P{k}", sid.as_str().unwrap_or_default()));
        }
        if j % 7 == 3 {
            if let Some(Value::Array(actions)) = statement.get_mut("Action") {
                actions.push(json!("s3:GetObjekt"));
                actions.push(json!("dynamodb:Qurey"));
            }
        }
        if j % 11 == 5 {
            if let Some(Value::Array(resources)) = statement.get_mut("Resource") {
                resources.push(json!(format!("arn:aws:s3:eu-west-1::orders{k}/ț❤️/🫣𐐀")));
                resources.push(json!("arn:aws:dynamodb:eu-west-1:1234:table/x"));
            }
        }
        let mut text = statement.to_string().replace("orders", &format!("orders{k}"));
        match j % 97 {
            13 => text = text.replacen(r#","Effect""#, r#" "Effect""#, 1), // a missing comma
            29 => text = text.replacen(r#""Effect":"Allow","#, r#""Effect":"Allow","Effect":"Allow","#, 1),
            61 => text = text.replacen("],", ",],", 1), // a trailing comma
            _ => {}
        }
        if j > 0 {
            out.push(',');
        }
        out.push_str(&text);
        j += 1;
    }
    out.push_str("]}");
    out
}
