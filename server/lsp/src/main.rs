//! `iam-lsp`: with no arguments (or `serve`), a language server over stdio; `check`
//! lints files from the command line.

use std::io::Write;

use iam_lsp::{cli, server, simulate};

const HELP: &str = "iam-lsp: language server and linter for AWS IAM policy documents

usage:
  iam-lsp [serve]                           speak LSP over stdio (what editors run)
  iam-lsp check [--format text|json] [--kind KIND] [--jobs N] PATH...
                                            lint policy files and directories
  iam-lsp simulate SCENARIO.json [--format text|json]
                                            evaluate a request against its policies (--help: the flags)
  iam-lsp explain \"MESSAGE\" [--workspace DIR]
                                            say why AWS denied a request
  iam-lsp --version";

#[allow(clippy::print_stdout)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        // Some clients (vscode-languageclient's stdio transport) add `--stdio`.
        None | Some("serve" | "--stdio") => {
            // Decode the catalog while the runtime starts and the editor sends `initialize`:
            // the first diagnostics wait for it.
            std::thread::spawn(|| {
                iam_analysis::Catalog::get();
            });
            server::run();
            0
        }
        Some("check") => cli::check(&args[1..]),
        Some("simulate") => simulate::simulate(&args[1..]),
        Some("explain") => simulate::explain(&args[1..]),
        Some("-V" | "--version") => cli::emit(0, |out| writeln!(out, "iam-lsp {}", server::server_version())),
        Some("-h" | "--help" | "help") => cli::emit(0, |out| writeln!(out, "{HELP}")),
        Some(other) => {
            eprintln!("iam-lsp: unknown command `{other}`\n\n{HELP}");
            2
        }
    };
    std::process::exit(code);
}
