//! Real public CloudFormation, SAM, Serverless and Terraform files (committed under
//! `tests/corpus/templates/`, licences in its LICENSES.md) as a test of false positives in
//! embedded policies. Each file goes through the same entry point as the editor and `check`
//! (a `Document` in the language its name says). None may panic; every `error` must be
//! listed, with the mistake it is, in `tests/corpus/templates/errors.txt`; the count of every
//! code and the numbers per host format must match `tests/corpus/templates/counts.txt`
//! (`UPDATE_SNAPSHOTS=1` rewrites it; each class is explained in the README next to it).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use iam_analysis::{Document, Language, Options, Severity};

fn templates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/templates")
}

fn host_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            host_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json" || e == "yaml" || e == "yml" || e == "tf") {
            out.push(path);
        }
    }
}

/// `path:line code`, the key of an expected error in errors.txt.
fn error_key(relative: &str, text: &str, offset: usize, code: &str) -> String {
    let line = text[..offset.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1;
    format!("{relative}:{line} {code}")
}

#[derive(Default)]
struct PerFormat {
    files: usize,
    policies: usize,
    findings: usize,
}

#[test]
fn public_templates_have_only_explained_findings() {
    let root = templates_dir();
    let mut files = Vec::new();
    host_files(&root, &mut files);
    files.sort();
    assert!(files.len() >= 300, "only {} templates in {}", files.len(), root.display());

    let mut formats: BTreeMap<&str, PerFormat> = BTreeMap::new();
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let mut panics = Vec::new();
    let mut errors = Vec::new();
    let mut messages = BTreeMap::new();
    for path in &files {
        let relative = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        let language = Language::of_path(&relative);
        let analysed = panic::catch_unwind(AssertUnwindSafe(|| {
            let document = Document::in_language(text.clone(), Options::default(), language);
            let format = document.host().map_or("not a host file", |h| h.format.name());
            let policies = document.host().map_or(0, |h| h.policies.len());
            (format, policies, document.into_analysis())
        }));
        let Ok((format, policies, analysis)) = analysed else {
            panics.push(relative);
            continue;
        };
        if policies == 0 {
            eprintln!("no policy found: {relative} ({format})");
        }
        let entry = formats.entry(format).or_default();
        entry.files += 1;
        entry.policies += policies;
        entry.findings += analysis.diagnostics.len();
        for d in &analysis.diagnostics {
            *counts.entry((d.code.as_str(), d.severity.as_str())).or_default() += 1;
            if d.severity == Severity::Error {
                errors.push(error_key(&relative, &text, d.range.start, d.code.as_str()));
                messages.insert(
                    errors.last().cloned().unwrap_or_default(),
                    format!("{} `{}`", d.message, &text[d.range.start..d.range.end]),
                );
            }
        }
    }
    assert!(panics.is_empty(), "the analysis panicked on:\n{}", panics.join("\n"));

    // errors.txt: `path:line code  why it is a real mistake`, one per line; `#` comments.
    let listed = std::fs::read_to_string(root.join("errors.txt")).unwrap_or_default();
    let mut expected: Vec<String> = listed
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (key, reason) = l.split_once("  ").unwrap_or((l, ""));
            assert!(!reason.trim().is_empty(), "errors.txt: `{l}` gives no reason");
            key.trim().to_string()
        })
        .collect();
    expected.sort();
    errors.sort();
    let unexplained: Vec<&String> = errors.iter().filter(|e| expected.binary_search(e).is_err()).collect();
    let gone: Vec<&String> = expected.iter().filter(|e| errors.binary_search(e).is_err()).collect();
    assert!(
        unexplained.is_empty() && gone.is_empty(),
        "errors not listed in errors.txt:\n{}\nlisted but not reported:\n{}",
        unexplained.iter().map(|s| format!("{s}  {}", messages[*s])).collect::<Vec<_>>().join("\n"),
        gone.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
    );

    let mut table =
        format!("# iam-lsp over {} public templates and modules (tests/templates_corpus.rs)\n", files.len());
    let _ = writeln!(table, "\n# host format                      files  policies  findings");
    for (format, n) in &formats {
        let _ = writeln!(table, "{format:<32} {:>6} {:>9} {:>9}", n.files, n.policies, n.findings);
    }
    let _ = writeln!(table, "\n# code                           severity  count");
    for ((code, severity), n) in &counts {
        let _ = writeln!(table, "{code:<32} {severity:<8} {n:>6}");
    }
    eprintln!("{table}");
    let snapshot = root.join("counts.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snapshot, &table).unwrap();
    } else {
        let recorded = std::fs::read_to_string(&snapshot).unwrap_or_default();
        assert_eq!(
            recorded, table,
            "counts.txt changed: review, explain in tests/corpus/templates/README.md, UPDATE_SNAPSHOTS=1"
        );
    }
}

/// Every statement of the corpus that can be split by access level, split in its host file:
/// the host still reads, its policy is what the same split makes of the policy's JSON, and
/// the host has no finding it did not have before (a refactor never brings one).
#[test]
fn splitting_statements_by_access_level_gives_the_json_split() {
    let root = templates_dir();
    let mut files = Vec::new();
    host_files(&root, &mut files);
    files.sort();
    let codes = |doc: &Document| -> std::collections::BTreeSet<iam_analysis::Code> {
        doc.analysis().map(|a| a.diagnostics.iter().map(|d| d.code).collect()).unwrap_or_default()
    };
    let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).expect("JSON");
    let (mut split, mut offered, mut missed) = (0, 0, Vec::new());
    for path in &files {
        let relative = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(path).unwrap();
        let language = Language::of_path(&relative);
        let doc = Document::in_language(text.clone(), Options::default(), language);
        let Some(host) = doc.host() else { continue };
        let before = codes(&doc);
        for (index, p) in host.policies.iter().enumerate() {
            let Some(policy) = p.document.policy() else { continue };
            for statement in &policy.statements {
                let Some(first) = statement.action.as_ref().and_then(|a| a.items.first()) else { continue };
                let json_at = first.range.start + 1;
                let json_fixes =
                    iam_analysis::refactors::refactors(&p.document, iam_analysis::TextRange::empty(json_at));
                let Some(json_split) = json_fixes.iter().find(|f| f.title.starts_with("Split")) else { continue };
                offered += 1;
                let at = p.policy.json.to_host(json_at..json_at + 1).start;
                let fixes = iam_analysis::refactors::refactors(&doc, iam_analysis::TextRange::empty(at));
                let Some(fix) = fixes.iter().find(|f| f.title == json_split.title) else {
                    // Only a SAM policy template's statements (AWS's text, not the file's) stay whole.
                    if !host.generated.iter().any(|g| g.start <= at && at <= g.end) {
                        missed.push(format!("{relative}:{}", text[..at].matches('\n').count() + 1));
                    }
                    continue;
                };
                split += 1;
                let after =
                    Document::in_language(iam_analysis::apply_edits(&text, &fix.edits), Options::default(), language);
                let host_after = after.host().unwrap_or_else(|| panic!("{relative}: no longer a host"));
                assert!(
                    host_after.errors.len() <= host.errors.len(),
                    "{relative}: the host still reads:\n{}",
                    after.text()
                );
                let want = json(&iam_analysis::apply_edits(p.document.text(), &json_split.edits));
                let got = host_after.policies.get(index).map(|q| json(q.document.text()));
                assert_eq!(got.as_ref(), Some(&want), "{relative}, policy {index}:\n{}", after.text());
                let new: Vec<_> = codes(&after).difference(&before).copied().collect();
                assert!(new.is_empty(), "{relative}: new findings {new:?}:\n{}", after.text());
            }
        }
    }
    eprintln!("split by access level: {split} of the {offered} statements it is offered for in JSON");
    assert!(split > 0 && missed.is_empty(), "not split in the host: {missed:?}");
}
