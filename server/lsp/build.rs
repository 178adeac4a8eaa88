//! Whether the managed-policy corpus test (tests/corpus.rs) can run: `IAM_LSP_CORPUS` names
//! the corpus, and without it the test is reported as ignored, with how to run it, instead
//! of passing without having checked anything.
fn main() {
    println!("cargo::rustc-check-cfg=cfg(iam_lsp_corpus)");
    println!("cargo::rerun-if-env-changed=IAM_LSP_CORPUS");
    if std::env::var_os("IAM_LSP_CORPUS").is_some() {
        println!("cargo::rustc-cfg=iam_lsp_corpus");
    }
}
