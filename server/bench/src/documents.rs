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
