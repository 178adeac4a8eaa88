//! JSON policy files that Terraform modules read with `file("x.json")` or
//! `templatefile("x.json.tpl", ...)`: checked with the kind of the resource argument that
//! reads them (the analysis finds the calls; finding the files is the adapters' part).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use iam_analysis::embedded::terraform::{extract_with_files, json};
use iam_analysis::KindChoice;

/// How many directories, from a policy file's own upwards, are searched for a module that
/// reads it (a module keeps its policies beside it or in a subdirectory such as `policies/`).
const LEVELS: usize = 3;

/// The kind of each file that the `.tf` (and `.tf.json`) files read, by normalised absolute path; where two
/// modules read one file, the first in `tf_files` order.
pub fn kinds_read_by(tf_files: &[PathBuf]) -> HashMap<PathBuf, KindChoice> {
    let mut kinds = HashMap::new();
    for tf in tf_files {
        let Ok(text) = std::fs::read_to_string(tf) else { continue };
        let (Some(dir), Some(name)) = (tf.parent(), tf.file_name()) else { continue };
        let reads = if name.to_string_lossy().to_ascii_lowercase().ends_with(".json") {
            json::files_read(&text)
        } else {
            extract_with_files(&text).1
        };
        for read in reads {
            kinds.entry(normalise(&dir.join(&read.path))).or_insert_with(|| KindChoice {
                kind: read.kind,
                reason: format!("read with `file()` by {} in {}", read.origin, name.to_string_lossy()),
            });
        }
    }
    kinds
}

/// For one policy file (opened in the editor): the kind that a module in its directory, or
/// in one of the two above it (not above `root`), gives it.
pub fn kind_for_file(file: &Path, root: Option<&Path>) -> Option<KindChoice> {
    let file = normalise(file);
    let root = root.map(normalise);
    let mut dir = file.parent();
    for _ in 0..LEVELS {
        let Some(d) = dir else { break };
        let mut tf_files: Vec<PathBuf> = std::fs::read_dir(d)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| json::is_module_path(&p.to_string_lossy()) && p.is_file())
            .collect();
        tf_files.sort();
        if let Some(choice) = kinds_read_by(&tf_files).remove(&file) {
            return Some(choice);
        }
        if root.as_deref() == Some(d) {
            break;
        }
        dir = d.parent();
    }
    None
}

/// An absolute path with `.` and `..` taken out, without touching the file system (the
/// file may not exist; symlinks are not followed).
pub fn normalise(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_gives_the_files_it_reads_its_kinds() {
        let dir = std::env::temp_dir().join(format!("iam-lsp-module-reads-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("policies")).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = file(\"${path.module}/policies/trust.json\")\n}\n",
        )
        .unwrap();
        let trust = dir.join("policies").join("trust.json");
        std::fs::write(&trust, "{}").unwrap();
        let choice = kind_for_file(&trust, None).expect("the module reads it");
        assert_eq!(choice.kind, iam_analysis::PolicyKind::Trust);
        assert!(
            choice.reason.contains("aws_iam_role.r assume_role_policy") && choice.reason.contains("main.tf"),
            "{}",
            choice.reason
        );
        assert!(kind_for_file(&dir.join("policies").join("other.json"), None).is_none());
        let kinds = kinds_read_by(&[dir.join("main.tf")]);
        assert!(kinds.contains_key(&normalise(&dir.join("policies/../policies/trust.json"))));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_module_in_json_syntax_gives_its_kinds_too() {
        let dir = std::env::temp_dir().join(format!("iam-lsp-module-reads-json-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let module = r#"{"resource": {"aws_kms_key": {"k": {"policy": "${file(\"${path.module}/key.json\")}"}}}}"#;
        std::fs::write(dir.join("main.tf.json"), module).unwrap();
        let key = dir.join("key.json");
        std::fs::write(&key, "{}").unwrap();
        let choice = kind_for_file(&key, None).expect("the module reads it");
        assert_eq!(choice.kind, iam_analysis::PolicyKind::Resource);
        assert!(
            choice.reason.contains("aws_kms_key.k policy") && choice.reason.contains("main.tf.json"),
            "{}",
            choice.reason
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
