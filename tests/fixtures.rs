//! Fixture tests: every `tests/fixtures/**/*.json` policy (and `*.yaml` template) is analysed and its diagnostics
//! rendered (with carets under the offending text and the effect of each fix) next to it
//! as `*.snap`. A missing or different snapshot fails; `UPDATE_SNAPSHOTS=1 cargo test`
//! rewrites them, to be reviewed in the diff.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use iam_analysis::{
    analyze_in, apply_edits, Code, Diagnostic, Encoding, Fix, KindChoice, Language, LineIndex, Options, PolicyKind,
    Severity, TextRange,
};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            fixture_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json" || e == "yaml" || e == "yml" || e == "tf") {
            out.push(path);
        }
    }
}

/// Fixtures under `kinds/KIND/` are checked as that kind; others have it inferred. A file
/// named `*policy.json` is declared a policy, as `iam-lsp check` and the server declare it.
fn options_for(path: &Path) -> Options {
    let parts: Vec<&str> = path.iter().filter_map(|p| p.to_str()).collect();
    let kind = parts.windows(2).find(|w| w[0] == "kinds").and_then(|w| PolicyKind::parse(w[1]));
    Options {
        kind: kind.map(|kind| KindChoice { kind, reason: "fixture directory".to_string() }),
        declared: path.file_name().and_then(|n| n.to_str()).is_some_and(iam_analysis::names_a_policy),
        ..Options::default()
    }
}

/// The analysis of a fixture, in the language its name says (YAML templates).
fn analyze_with(text: &str, options: &Options, path: &Path) -> iam_analysis::Analysis {
    analyze_in(text, options, Language::of_path(&path.to_string_lossy()))
}

/// The diagnostics of one text, rendered for a snapshot.
fn render(text: &str, options: &Options, path: &Path) -> String {
    let analysis = analyze_with(text, options, path);
    if !analysis.is_policy {
        return "not a policy: no diagnostics\n".to_string();
    }
    if analysis.diagnostics.is_empty() {
        return "no diagnostics\n".to_string();
    }
    let index = LineIndex::new(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for d in &analysis.diagnostics {
        let start = index.line_col(text, d.range.start, Encoding::Utf8);
        let end = index.line_col(text, d.range.end, Encoding::Utf8);
        let _ = writeln!(
            out,
            "{}[{}] {}:{}-{}:{} {}",
            d.severity.as_str(),
            d.code.as_str(),
            start.line + 1,
            start.col + 1,
            end.line + 1,
            end.col + 1,
            d.message
        );
        let line = lines.get(start.line as usize).copied().unwrap_or("");
        let _ = writeln!(out, "  | {line}");
        let before = line.get(..start.col as usize).unwrap_or(line).chars().count();
        let width = if end.line == start.line {
            line.get(start.col as usize..end.col as usize).map_or(1, |s| s.chars().count()).max(1)
        } else {
            line.chars().count().saturating_sub(before).max(1)
        };
        let _ = writeln!(out, "  | {}{}", " ".repeat(before), "^".repeat(width));
        for fix in &d.fixes {
            let fixed = apply_edits(text, &fix.edits);
            let fixed_line = fixed.lines().nth(start.line as usize).unwrap_or("");
            let preferred = if fix.preferred { " (preferred)" } else { "" };
            let _ = writeln!(out, "  = fix{preferred}: {}\n  | {fixed_line}", fix.title);
        }
    }
    out
}

/// A fix must make its diagnostic go away (fewer diagnostics with its code and message on
/// the same text afterwards) and must not bring any new one: what it breaks is pushed to
/// `failures`.
fn check_fixes(path: &Path, text: &str, options: &Options, diagnostics: &[Diagnostic], failures: &mut Vec<String>) {
    let covered = |text: &str, d: &Diagnostic| text[d.range.start..d.range.end].to_string();
    let count = |text: &str, all: &[Diagnostic], d: &Diagnostic, d_text: &str| {
        all.iter().filter(|a| a.code == d.code && a.message == d.message && covered(text, a) == d_text).count()
    };
    for d in diagnostics {
        let d_text = covered(text, d);
        let before = count(text, diagnostics, d, &d_text);
        for fix in &d.fixes {
            let fixed = apply_edits(text, &fix.edits);
            let after_fix = analyze_with(&fixed, options, path).diagnostics;
            if count(&fixed, &after_fix, d, &d_text) >= before {
                failures.push(format!("{}: fix `{}` leaves `{}` in place", path.display(), fix.title, d.message));
            }
            let new: Vec<String> = new_findings(diagnostics, d, fix, &after_fix)
                .iter()
                .map(|n| format!("\n  {}[{}] {}", n.severity.as_str(), n.code.as_str(), n.message))
                .collect();
            if !new.is_empty() {
                failures.push(format!(
                    "{}: fix `{}` of `{}` brings new findings:{}",
                    path.display(),
                    fix.title,
                    d.message,
                    new.concat()
                ));
            }
        }
    }
}

/// The findings after `fix` of `fixed` that were not there before it.
///
/// Each finding after the fix is matched with one before it (the fixed one excepted), first
/// by code and message wherever they are (the edit moves what follows it), then by code and
/// place, the place moved by the edit (a message that counts entries, `already listed (entry
/// 3)`, changes when the fix removes an earlier one). Those left unmatched are new: a
/// duplicate of an entry already listed, a finding about the text the fix wrote.
///
/// One kind is not the fix's doing: a fix that turns an entry naming nothing (an action
/// without `service:`, an unknown action, service prefix or Region) into a real one lets
/// the checks that need to know what it names run for the first time, and what they then
/// find about the rest of the statement (`"Resource": "*"` where the action takes ARNs, a
/// resource that does not fit the action, the Regions an inference profile reaches, what
/// the knowledge base it now queries needs, the risk class of the action it now names) was
/// wrong or true before the fix; it is revealed, not created.
fn new_findings<'a>(
    before: &[Diagnostic],
    fixed: &Diagnostic,
    fix: &Fix,
    after: &'a [Diagnostic],
) -> Vec<&'a Diagnostic> {
    const NAMES_NOTHING: [Code; 5] =
        [Code::ActionSyntax, Code::UnknownAction, Code::UnknownService, Code::ApiNameAsPrefix, Code::ArnRegionUnknown];
    const REVEALED: [Code; 7] = [
        Code::ResourceStar,
        Code::ActionResourceMismatch,
        Code::BedrockCrossRegion,
        Code::BedrockKnowledgeBaseRole,
        Code::PermissionsManagement,
        Code::CredentialExposure,
        Code::PrivilegeEscalation,
    ];
    let mut unmatched: Vec<&Diagnostic> = before.iter().filter(|d| *d != fixed).collect();
    let mut new: Vec<&Diagnostic> = after
        .iter()
        .filter(|d| match unmatched.iter().position(|b| b.code == d.code && b.message == d.message) {
            Some(i) => {
                unmatched.swap_remove(i);
                false
            }
            None => true,
        })
        .collect();
    new.retain(|d| match unmatched.iter().position(|b| b.code == d.code && moved(b.range, fix) == d.range) {
        Some(i) => {
            unmatched.swap_remove(i);
            false
        }
        None => true,
    });
    new.retain(|d| !(NAMES_NOTHING.contains(&fixed.code) && REVEALED.contains(&d.code)));
    new
}

/// Where a range of the text before `fix` is after it: moved by the edits before each end,
/// an end inside an edit moved to the end of the edit's new text.
fn moved(range: TextRange, fix: &Fix) -> TextRange {
    let offset = |at: usize| {
        let mut moved = at as isize;
        for edit in &fix.edits {
            if edit.range.end <= at {
                moved += edit.new_text.len() as isize - edit.range.len() as isize;
            } else if edit.range.start < at {
                moved += (edit.range.start + edit.new_text.len()) as isize - at as isize;
            }
        }
        moved as usize
    };
    TextRange::new(offset(range.start), offset(range.end))
}

#[test]
fn fixtures_match_their_snapshots() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut files = Vec::new();
    fixture_files(&fixtures_dir(), &mut files);
    assert!(files.len() >= 10, "fixtures not found in {}", fixtures_dir().display());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let options = options_for(path);
        let actual = render(&text, &options, path);
        let snap = path.with_extension("snap");
        let expected = std::fs::read_to_string(&snap).ok();
        if expected.as_deref() != Some(actual.as_str()) {
            if update {
                std::fs::write(&snap, &actual).unwrap();
            } else {
                failures.push(format!(
                    "--- {}\n=== expected\n{}=== actual\n{actual}",
                    snap.display(),
                    expected.as_deref().unwrap_or("(no snapshot)\n")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} snapshot(s) differ (UPDATE_SNAPSHOTS=1 to accept):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every fix of every fixture's every diagnostic makes that diagnostic go away and brings
/// no new one.
#[test]
fn fixes_resolve_their_finding_and_bring_no_new_one() {
    let mut files = Vec::new();
    fixture_files(&fixtures_dir(), &mut files);
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let options = options_for(path);
        check_fixes(path, &text, &options, &analyze_with(&text, &options, path).diagnostics, &mut failures);
    }
    assert!(failures.is_empty(), "{} fix(es) fail:\n{}", failures.len(), failures.join("\n"));
}

/// Valid policies (under any `valid/` directory), AWS's own among them, must produce no
/// error or warning; advice (info, hint) shows in their snapshots.
#[test]
fn valid_fixtures_have_no_problems() {
    let mut files = Vec::new();
    fixture_files(&fixtures_dir(), &mut files);
    let valid: Vec<&PathBuf> = files.iter().filter(|p| p.iter().any(|c| c == "valid")).collect();
    assert!(valid.len() >= 10, "{}", valid.len());
    for path in valid {
        let text = std::fs::read_to_string(path).unwrap();
        let analysis = analyze_with(&text, &options_for(path), path);
        assert!(analysis.is_policy, "{}", path.display());
        let problems: Vec<&Diagnostic> =
            analysis.diagnostics.iter().filter(|d| matches!(d.severity, Severity::Error | Severity::Warning)).collect();
        assert!(problems.is_empty(), "{}: {problems:?}", path.display());
    }
}

/// Every code has a fixture that triggers it.
#[test]
fn every_code_has_a_triggering_fixture() {
    let mut files = Vec::new();
    fixture_files(&fixtures_dir(), &mut files);
    let mut seen = std::collections::BTreeSet::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        seen.extend(analyze_with(&text, &options_for(&path), &path).diagnostics.iter().map(|d| d.code));
    }
    // Codes across files come from a workspace (`tests/fixtures/workspaces/`), which
    // tests/workspace.rs checks through the server; one file alone never has them.
    let across_files = [Code::ScpDeniesAllow, Code::ScpDeniesInferenceRegion];
    let missing: Vec<&str> =
        Code::ALL.iter().filter(|c| !seen.contains(c) && !across_files.contains(c)).map(|c| c.as_str()).collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}
