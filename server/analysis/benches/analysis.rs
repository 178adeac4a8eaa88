//! Micro-benchmarks of the analysis library: each stage of the pipeline on a small, a
//! typical and the largest policy IAM accepts, and loading the catalog.
//!
//! `cargo bench -p iam-analysis` runs them; `server/bench/run.sh` runs them with everything
//! else and puts their medians in its table. Not part of CI.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use iam_analysis::{analyze, complete, hover, model, syntax, Catalog, Document, Language, Options};

// The bench runner's documents: the largest policy is the third below; the 1 MB document is
// what the keystroke benchmark types into.
#[allow(dead_code)]
#[path = "../../bench/src/documents.rs"]
mod documents;

/// The policies, by size. The ids (`small`, `typical`, `largest`) are what the bench runner's
/// table shows, with each policy's size.
const POLICIES: [(&str, &str); 3] = [
    // 0.7 KB: the README's chatbot policy, with a mistake of most kinds.
    ("small", include_str!("../../../tests/fixtures/bedrock/chatbot-agent-policy.json")),
    // 4 KB: an AWS managed policy (median managed policy: 1 KB; 90th percentile: 5.6 KB).
    (
        "typical",
        include_str!("../../../tests/fixtures/valid/aws-managed/SageMakerStudioBedrockAgentServiceRolePolicy.json"),
    ),
    // 14 KB: 10,008 characters not counting whitespace, near the 10,240 IAM allows an inline policy.
    ("largest", documents::LARGEST_POLICY),
];

/// Where a hover is asked: inside the first string that has one (an action the catalog knows).
fn first_hover(text: &str) -> usize {
    text.match_indices('"')
        .map(|(i, _)| i + 3)
        .find(|&offset| hover(&Document::from(text), offset).is_some())
        .expect("the policy has an action to hover")
}

fn stages(c: &mut Criterion) {
    Catalog::get(); // loaded once, outside every measurement but its own

    let mut group = c.benchmark_group("parse");
    for (name, text) in POLICIES {
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| b.iter(|| syntax::parse(text)));
    }
    group.finish();

    let mut group = c.benchmark_group("model");
    for (name, text) in POLICIES {
        let parse = syntax::parse(text);
        group.bench_with_input(BenchmarkId::from_parameter(name), &parse, |b, parse| {
            b.iter(|| model::Policy::new(black_box(parse.root.as_ref())).map(|p| p.statements.len()))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("analyse");
    for (name, text) in POLICIES {
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| b.iter(|| analyze(text)));
    }
    group.finish();

    // The 1 MB document of 200 policies' worth of statements, whole.
    let big = documents::big_document();
    let mut group = c.benchmark_group("document");
    group.sample_size(20);
    group.bench_function("parse", |b| b.iter(|| syntax::parse(&big)));
    group.bench_function("analyse", |b| b.iter(|| analyze(&big)));
    // As the server does after a keystroke: two versions one character apart, each made from
    // the other (one statement re-parsed) and checked with the findings the other left, so
    // that one statement is checked again.
    let action = big.len() / 2 + big[big.len() / 2..].find("\"Action\":").expect("an Action in the second half");
    let value = action + "\"Action\":".len();
    let name = value + big[value..].find('"').expect("an action name") + 1;
    let mut typed = big.clone();
    typed.insert(name, 'x');
    let versions = [big.as_str(), typed.as_str()];
    let mut document = Some(Document::from(versions[0]));
    let mut turn = 0;
    group.bench_function("reanalyse", |b| {
        b.iter(|| {
            turn ^= 1;
            let next = document.take().map(|d| d.edit(versions[turn].to_string()));
            let found = next.as_ref().and_then(|d| d.analysis()).map(|a| a.diagnostics.len());
            document = next;
            found
        })
    });
    group.finish();

    let mut group = c.benchmark_group("hover");
    for (name, text) in POLICIES {
        let offset = first_hover(text);
        let doc = Document::from(text);
        group.bench_with_input(BenchmarkId::from_parameter(name), &doc, |b, doc| {
            b.iter(|| hover(doc, black_box(offset)))
        });
    }
    group.finish();

    // Completion where the hover is: inside an action, the catalog's actions of its service.
    let mut group = c.benchmark_group("completion");
    for (name, text) in POLICIES {
        let offset = first_hover(text);
        let doc = Document::from(text);
        group.bench_with_input(BenchmarkId::from_parameter(name), &doc, |b, doc| {
            b.iter(|| complete(doc, black_box(offset)))
        });
    }
    group.finish();
}

/// A CloudFormation template of about 5,000 lines: `roles` roles, each with a trust policy and an
/// identity policy that uses intrinsics.
fn template(roles: usize) -> String {
    let mut t =
        String::from("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n");
    for i in 0..roles {
        t.push_str(&format!(
            "  Role{i}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: \"2012-10-17\"
        Statement:
          - Effect: Allow
            Principal: {{Service: lambda.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: p{i}
          PolicyDocument:
            Version: \"2012-10-17\"
            Statement:
              - Sid: Read{i}
                Effect: Allow
                Action:
                  - s3:GetObject
                  - s3:ListBucket
                Resource:
                  - !GetAtt Bucket.Arn
                  - !Sub \"${{Bucket.Arn}}/*\"
              - Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:Query]
                Resource: !Sub arn:${{AWS::Partition}}:dynamodb:${{AWS::Region}}:${{AWS::AccountId}}:table/t{i}
"
        ));
    }
    t
}

/// A keystroke inside one embedded policy of a 5,000-line template: the next version (the YAML
/// parsed again, the policies extracted, unchanged ones reusing their documents and findings)
/// and its diagnostics.
fn templates(c: &mut Criterion) {
    let mut group = c.benchmark_group("template");
    let text = template(200);
    assert!(text.lines().count() >= 5_000, "{}", text.lines().count());
    let at = text.find("Sid: Read100").expect("a statement in the middle") + "Sid: Read100".len();
    let mut typed = text.clone();
    typed.insert(at, 'x');
    let versions = [text.as_str(), typed.as_str()];
    group.bench_function("yaml-parse-5k-lines", |b| b.iter(|| iam_analysis::embedded::node::parse_yaml(&text)));
    group.bench_function("extract-5k-lines", |b| b.iter(|| iam_analysis::embedded::extract_yaml(&text)));
    // YAML that is no template (a Kubernetes manifest of the same size) is turned away
    // before it is parsed.
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n".repeat(850);
    assert!(manifest.lines().count() >= 5_000);
    group.bench_function("not-a-template-5k-lines", |b| {
        b.iter(|| assert!(iam_analysis::embedded::extract_yaml(&manifest).is_none()))
    });
    group.bench_function("open-5k-lines", |b| {
        b.iter(|| Document::in_language(text.clone(), Options::default(), Language::Yaml).into_analysis())
    });
    let mut document = Some(Document::in_language(text.clone(), Options::default(), Language::Yaml));
    let mut turn = 0;
    group.bench_function("keystroke-5k-lines", |b| {
        b.iter(|| {
            turn ^= 1;
            let next = document.take().map(|d| d.edit(versions[turn].to_string()));
            let found = next.as_ref().and_then(|d| d.analysis()).map(|a| a.diagnostics.len());
            document = next;
            found
        })
    });
    // Completing `- s3:` (a mapping key to YAML) in the middle: the template read again with
    // the scalar quoted, as a next version.
    let colon = text.replace("                  - s3:ListBucket\n                Resource:\n                  - !GetAtt Bucket.Arn\n                  - !Sub \"${Bucket.Arn}/*\"\n              - Effect: Allow\n                Action: [dynamodb:GetItem, dynamodb:Query]\n                Resource: !Sub arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/t100\n", "                  - s3:\n                Resource:\n                  - !GetAtt Bucket.Arn\n                  - !Sub \"${Bucket.Arn}/*\"\n              - Effect: Allow\n                Action: [dynamodb:GetItem, dynamodb:Query]\n                Resource: !Sub arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/t100\n");
    let cursor = colon.find("- s3:\n").expect("`- s3:` in the middle") + "- s3:".len();
    let typing = Document::in_language(colon.clone(), Options::default(), Language::Yaml);
    typing.analysis();
    group.bench_function("complete-s3-colon-5k-lines", |b| {
        b.iter(|| assert!(!iam_analysis::complete(&typing, cursor).is_empty()))
    });
    // Splitting a statement by access level in the middle, written in YAML.
    let opened = Document::in_language(text.clone(), Options::default(), Language::Yaml);
    opened.analysis();
    let action = text.find("Sid: Read100").expect("the statement")
        + "Sid: Read100\n                Effect: Allow\n                Action:\n                  - s3:G".len();
    group.bench_function("split-refactor-5k-lines", |b| {
        b.iter(|| {
            let fixes = iam_analysis::refactors::refactors(&opened, iam_analysis::TextRange::empty(action));
            assert!(fixes.iter().any(|f| f.title.starts_with("Split")))
        })
    });
    group.finish();
}

fn catalog(c: &mut Criterion) {
    let mut group = c.benchmark_group("catalog");
    group.sample_size(20);
    group.bench_function("load", |b| b.iter_with_large_drop(Catalog::load));
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = stages, templates, catalog
}
criterion_main!(benches);
