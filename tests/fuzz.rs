//! The fuzz targets' findings (`server/fuzz/regressions/TARGET/`), replayed through the
//! functions the targets call: each file once broke its target, and must not again.

use std::path::{Path, PathBuf};

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file() && !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    let failed: Vec<String> = files
        .iter()
        .filter(|path| {
            let data = std::fs::read(path).expect("readable");
            std::panic::catch_unwind(|| check(&data)).is_err()
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{target} findings that fail again: {failed:#?}");
}

#[test]
fn analyze_bytes_findings() {
    replay("analyze_bytes", iam_analysis::invariants::check_bytes);
}

#[test]
fn analyze_json_findings() {
    replay("analyze_json", iam_analysis::invariants::check_generated_policy);
}

#[test]
fn document_sync_findings() {
    replay("document_sync", iam_lsp::documents::invariants::check_sync_bytes);
}

/// The fuzz crate is outside the workspace, with a lock file of its own: a dependency added
/// to the server must be added there too (`cargo metadata --manifest-path
/// server/fuzz/Cargo.toml` does it, changing nothing else), or CI's fuzz run stops on it.
#[test]
fn the_fuzz_lock_file_is_current() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/Cargo.toml");
    let output = std::process::Command::new(cargo)
        .args(["metadata", "--locked", "--format-version", "1", "--manifest-path"])
        .arg(&manifest)
        .output()
        .expect("run cargo metadata");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}
