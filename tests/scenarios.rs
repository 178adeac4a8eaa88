//! Every scenario in `tests/scenarios/` (written from AWS's documentation, each citing its
//! page in `source`) through the evaluator: the decision, and the blocking policy types when
//! the scenario gives them, must be what the page says.

use std::path::{Path, PathBuf};

use iam_analysis::evaluate::{evaluate, scenario};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// Policy files that scenarios point at live under a `policies/` folder: they are not
/// scenarios themselves.
fn is_scenario(path: &Path) -> bool {
    !path.components().any(|c| c.as_os_str() == "policies")
}

#[test]
fn every_scenario_gets_the_documented_answer() {
    let mut files = Vec::new();
    collect(&scenarios_dir(), &mut files);
    files.retain(|p| is_scenario(p));
    files.sort();
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for path in &files {
        let shown = path.strip_prefix(scenarios_dir()).unwrap_or(path).display().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let dir = path.parent().unwrap().to_path_buf();
        let mut resolve = |p: &str| std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string());
        let s = match scenario::parse(&text, &mut resolve) {
            Ok(s) => s,
            Err(e) => {
                mismatches.push(format!("{shown}: cannot be read: {e}"));
                continue;
            }
        };
        let name = s.name.clone().unwrap_or_default();
        let Some(expect) = &s.expect else {
            mismatches.push(format!("{shown} ({name}): no `expect`"));
            continue;
        };
        // AWS's documentation, or its Knowledge Center for what the guides leave out.
        let aws_page = |u: &str| {
            u.starts_with("https://docs.aws.amazon.com/") || u.starts_with("https://repost.aws/knowledge-center/")
        };
        if !s.source.as_deref().is_some_and(aws_page) {
            mismatches.push(format!("{shown} ({name}): `source` is not an AWS documentation page"));
            continue;
        }
        let got = evaluate(&s.request, &s.policies);
        checked += 1;
        if got.decision != expect.decision {
            mismatches.push(format!(
                "{shown} ({name}): {} expected, got {} (blocked by {:?})",
                expect.decision.as_str(),
                got.decision.as_str(),
                got.blocked_by
            ));
            continue;
        }
        if let Some(blocked) = &expect.blocked_by {
            let mut want = blocked.clone();
            want.sort();
            want.dedup();
            if want != got.blocked_by {
                mismatches.push(format!("{shown} ({name}): blocked by {want:?} expected, got {:?}", got.blocked_by));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} scenarios disagree:\n{}",
        mismatches.len(),
        files.len(),
        mismatches.join("\n")
    );
    assert_eq!(checked, files.len(), "every scenario file was read and checked");
    assert!(files.len() >= 300, "the corpus has {} scenarios, at least 300 are needed", files.len());
}

/// The README's topic table: one row per folder with its number of scenarios, and the
/// total, as the files are (the numbers drifted once when a folder was added).
#[test]
fn the_readme_counts_every_folder_and_the_total() {
    let dir = scenarios_dir();
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.retain(|p| is_scenario(p));
    let mut on_disk = std::collections::BTreeMap::<String, usize>::new();
    for path in &files {
        let folder = path.parent().unwrap().strip_prefix(&dir).unwrap();
        *on_disk.entry(folder.to_string_lossy().replace('\\', "/")).or_default() += 1;
    }
    let mut in_readme = std::collections::BTreeMap::<String, usize>::new();
    for line in readme.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if let [_, topic, count, ..] = cells.as_slice() {
            if let (Some(topic), Ok(count)) = (topic.strip_prefix('`').and_then(|t| t.strip_suffix('`')), count.parse())
            {
                in_readme.insert(topic.to_string(), count);
            }
        }
    }
    assert_eq!(in_readme, on_disk, "tests/scenarios/README.md's topic table against the files");
    let total = format!("Total: {} scenarios.", files.len());
    assert!(readme.contains(&total), "tests/scenarios/README.md should say `{total}`");
    let user_readme = std::fs::read_to_string(dir.join("../../README.md")).unwrap();
    let said = format!("[tests/scenarios](tests/scenarios) ({}, ", files.len());
    assert!(user_readme.contains(&said), "README.md should say `{said}...`");
}
