//! The AWS managed policies as a test of false positives: set `IAM_LSP_CORPUS` to a
//! directory filled by `node tests/corpus/fetch.mjs DIR` (`.ci/run` does). None may have an
//! error; the count of each code over the corpus must match `tests/corpus/counts.txt`
//! (`UPDATE_SNAPSHOTS=1` rewrites it, to be reviewed and explained in
//! `tests/corpus/README.md`), and the actions AWS uses that the catalog lacks are listed in
//! `tests/corpus/legacy-actions.txt`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use iam_analysis::{analyze, Code, Severity};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus")
}

/// Reported as ignored, with how to run it, when `IAM_LSP_CORPUS` was not set for the build
/// (`server/lsp/build.rs` sets the cfg): `cargo test` then says so instead of passing it.
#[test]
#[cfg_attr(
    not(iam_lsp_corpus),
    ignore = "needs the AWS managed policies: node tests/corpus/fetch.mjs DIR, then IAM_LSP_CORPUS=DIR cargo test --test corpus (CI does)"
)]
fn aws_managed_policies_have_no_errors() {
    let dir = std::env::var_os("IAM_LSP_CORPUS").expect(
        "IAM_LSP_CORPUS names the corpus: node tests/corpus/fetch.mjs DIR, then IAM_LSP_CORPUS=DIR cargo test --test corpus",
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("IAM_LSP_CORPUS is a directory")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 1_500, "only {} policies in {}", files.len(), Path::new(&dir).display());

    // By code and severity: some codes are `info` where the catalog is the only evidence.
    let mut counts: BTreeMap<(&str, Severity), usize> = BTreeMap::new();
    let mut legacy = BTreeSet::new();
    let mut errors = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let analysis = analyze(&text);
        assert!(analysis.is_policy, "{}", path.display());
        for d in &analysis.diagnostics {
            *counts.entry((d.code.as_str(), d.severity)).or_insert(0) += 1;
            if d.severity == Severity::Error {
                errors.push(format!("{}: {} {}", path.display(), d.code.as_str(), d.message));
            }
            if d.code == Code::LegacyAction {
                legacy.insert(text[d.range.start..d.range.end].to_string());
            }
        }
    }
    assert!(errors.is_empty(), "{} errors on AWS managed policies:\n{}", errors.len(), errors.join("\n"));

    let mut table = format!("# iam-lsp diagnostics over {} AWS managed policies (tests/corpus.rs)\n", files.len());
    for ((code, severity), n) in &counts {
        let _ = writeln!(table, "{code:<30} {:<8} {n}", severity.as_str());
    }
    let legacy_list = legacy.into_iter().collect::<Vec<_>>().join("\n") + "\n";
    eprintln!("{table}");
    for (name, actual) in [("counts.txt", &table), ("legacy-actions.txt", &legacy_list)] {
        let path = corpus_dir().join(name);
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, actual).unwrap();
        } else {
            let expected = std::fs::read_to_string(&path).unwrap_or_default();
            assert_eq!(
                &expected, actual,
                "{name} changed: review, explain in tests/corpus/README.md, UPDATE_SNAPSHOTS=1"
            );
        }
    }
}
