//! The evaluator's speed: one simulation over ten 10 KB policies (target < 50 µs; also with
//! every element of every statement reported, as `iam-lsp simulate` shows it), and the
//! wildcard question `s3:*` on 100 resources (every S3 action the catalog has, on each,
//! against a 1 KB identity policy and two SCP levels; target < 20 ms).
//!
//! `cargo bench -p iam-analysis --bench evaluate`. Not part of CI.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use iam_analysis::evaluate::{evaluate, evaluate_every_part, ContextValue, Policy, PolicySet, Request, Requester};
use iam_analysis::Catalog;

/// A policy of about `size` bytes: statements of several families, with conditions, none of
/// which (but the last) allows the benchmark's request, so that every one is evaluated.
fn policy(seed: usize, size: usize) -> String {
    let mut statements = Vec::new();
    let mut length = 0;
    let mut i = 0;
    while length < size {
        let statement = format!(
            r#"{{"Sid":"S{seed}x{i}","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:Query","ec2:Describe*","logs:PutLogEvents"],"Resource":["arn:aws:dynamodb:us-east-1:111122223333:table/T{i}","arn:aws:logs:*:111122223333:log-group:/app/{seed}/*"],"Condition":{{"StringEquals":{{"aws:RequestedRegion":["us-east-1","eu-west-1"]}},"Bool":{{"aws:SecureTransport":"true"}}}}}}"#
        );
        length += statement.len() + 1;
        statements.push(statement);
        i += 1;
    }
    statements.push(
        r#"{"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}"#
            .to_string(),
    );
    format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, statements.join(","))
}

fn request(action: &str, resource: &str) -> Request {
    Request {
        principal: "arn:aws:sts::111122223333:assumed-role/AppRole/session".to_string(),
        action: action.to_string(),
        resource: resource.to_string(),
        resource_account: Some("111122223333".to_string()),
        context: vec![
            ("aws:RequestedRegion".to_string(), ContextValue::single("us-east-1")),
            ("aws:SecureTransport".to_string(), ContextValue::single("true")),
        ],
    }
}

const REGION_SCP: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOtherRegions","Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}}]}"#;
const FULL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

fn bench(c: &mut Criterion) {
    Catalog::get();
    let texts: Vec<String> = (0..10).map(|i| policy(i, 10 * 1024)).collect();
    assert!(texts.iter().all(|t| t.len() >= 10 * 1024));
    let ten = PolicySet {
        identity: texts[..8].iter().enumerate().map(|(i, t)| Policy::parse(format!("p{i}.json"), t)).collect(),
        boundary: Some(Policy::parse("boundary.json", &texts[8])),
        scp: vec![vec![Policy::parse("scp.json", &texts[9])]],
        ..PolicySet::default()
    };
    let ask = request("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/reports/q1.csv");
    assert_eq!(evaluate(&ask, &ten).decision.as_str(), "Allowed");
    let mut group = c.benchmark_group("evaluate");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("one request, ten 10 KB policies", |b| b.iter(|| evaluate(black_box(&ask), black_box(&ten))));
    // As `iam-lsp simulate` answers one request: every element of every statement reported.
    group.bench_function("one request, ten 10 KB policies, every part", |b| {
        b.iter(|| evaluate_every_part(black_box(&ask), black_box(&ten)))
    });

    // A typical identity policy (1 KB, the median AWS managed policy's size), an SCP at
    // the root and one denying other Regions.
    let small = PolicySet {
        identity: vec![Policy::parse("read.json", &policy(0, 1024))],
        scp: vec![vec![Policy::parse("full.json", FULL)], vec![Policy::parse("regions.json", REGION_SCP)]],
        ..PolicySet::default()
    };
    let actions: Vec<String> =
        Catalog::get().matching_actions("s3:*").iter().map(|(s, a)| format!("{}:{}", s.prefix, a.name)).collect();
    let resources: Vec<String> =
        (0..100).map(|i| format!("arn:aws:s3:::amzn-s3-demo-bucket/folder{i}/object")).collect();
    // As `iam-lsp simulate` answers it: the caller and its context read once.
    let base = request("s3:*", "*");
    let requester = Requester::new(&base.principal, &base.context);
    group.bench_function(format!("s3:* ({} actions) x 100 resources", actions.len()), |b| {
        b.iter(|| {
            let mut allowed = 0;
            for action in &actions {
                for resource in &resources {
                    let e = requester.evaluate(action, resource, base.resource_account.as_deref(), black_box(&small));
                    allowed += usize::from(e.decision.as_str() == "Allowed");
                }
            }
            allowed
        })
    });
    // The same as separate requests, each read afresh.
    group.bench_function(format!("s3:* ({} actions) x 100 resources, a Request each", actions.len()), |b| {
        b.iter(|| {
            let mut allowed = 0;
            for action in &actions {
                for resource in &resources {
                    let e = evaluate(&request(action, resource), black_box(&small));
                    allowed += usize::from(e.decision.as_str() == "Allowed");
                }
            }
            allowed
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
