//! `iam-lsp check`: lint files and directories from the command line.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use iam_analysis::{Code, Diagnostic, Document, Encoding, LineIndex, Options, PolicyKind, Severity, TextRange};

use crate::config::{self, Config};

#[path = "cli_formats.rs"]
mod formats;
#[path = "cli_ignores.rs"]
mod ignores;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

const USAGE: &str =
    "usage: iam-lsp check [--format text|json|sarif|github] [--help-uri URI] [--kind KIND] [--jobs N] PATH...";

#[allow(clippy::print_stdout)] // the CLI's output is stdout
/// Runs `check` with the arguments after it; returns the exit code: 0 clean (warnings
/// allowed), 1 when any error was found, 2 on bad usage or an unreadable file.
pub fn check(args: &[String]) -> i32 {
    let mut format = Format::Text;
    let mut kind = None;
    let mut help_uri = None;
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut paths = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => match args.next().map(String::as_str) {
                Some("text") => format = Format::Text,
                Some("json") => format = Format::Json,
                Some("sarif") => format = Format::Sarif,
                Some("github") => format = Format::Github,
                other => {
                    return usage_error(&format!(
                        "--format takes `text`, `json`, `sarif` or `github`, not {}",
                        other.map_or("nothing".to_string(), |o| format!("`{o}`"))
                    ))
                }
            },
            "--help-uri" => match args.next().filter(|uri| formats::is_absolute_uri(uri)) {
                Some(uri) => help_uri = Some(uri.clone()),
                None => return usage_error("--help-uri takes the absolute URI of the rule table (`https://...`)"),
            },
            "--kind" => match args.next().map(|k| (k, PolicyKind::parse(k))) {
                Some((_, Some(k))) => kind = Some(k),
                other => {
                    let names: Vec<&str> = PolicyKind::ALL.iter().map(|k| k.as_str()).collect();
                    return usage_error(&format!(
                        "--kind takes one of {}, not {}",
                        names.join(", "),
                        other.map_or("nothing".to_string(), |(k, _)| format!("`{k}`"))
                    ));
                }
            },
            "-j" | "--jobs" => match args.next().and_then(|n| n.parse::<usize>().ok()).filter(|&n| n > 0) {
                Some(n) => jobs = n,
                None => return usage_error("--jobs takes a number of threads, 1 or more"),
            },
            "-h" | "--help" => {
                return emit(0, |out| {
                    writeln!(out, "{USAGE}\n\nLints AWS IAM policy JSON files and the policies in CloudFormation, SAM and Serverless templates\n(directories: every *.json, *.yaml and *.yml in them, recursively; YAML that is not a template is skipped).\nThe policy kind is inferred, or set by --kind (identity, resource, trust, scp, rcp, boundary)\nor by the [kinds] of the nearest .iam-lsp.toml above each file; the identity policies of its [[principal]]s\nalso get its [organization]'s cross-file findings, each with the SCP statement as related location.\n--jobs N checks N files at a time (default: one per core); the output is the same.\n--help-uri URI (SARIF): the absolute URI of the rule table, each rule's helpUri.\nExit code: 0 no errors, 1 errors found, 2 bad usage or unreadable file.")
                });
            }
            flag if flag.starts_with('-') && flag != "-" => return usage_error(&format!("unknown option `{flag}`")),
            path => paths.push(PathBuf::from(path)),
        }
    }
    if paths.is_empty() {
        return usage_error("no files to check");
    }

    let mut files = Vec::new();
    let mut unreadable = false;
    for path in &paths {
        if let Err(error) = collect(path, &mut files, true) {
            eprintln!("iam-lsp: cannot read {}: {error}", path.display());
            unreadable = true;
        }
    }

    // Each file's outcome is kept in file order, whichever thread checked it, so the output
    // does not depend on --jobs.
    let mut report = Report::default();
    let mut configs = ConfigFinder::default();
    let mut options = Vec::with_capacity(files.len());
    // Each file's `.iam-lsp.toml`: its `[organization]` and `[[principal]]`s give the
    // cross-file findings.
    let mut file_configs = Vec::with_capacity(files.len());
    let mut tracker = ignores::Tracker::default();
    for file in &files {
        match configs.options(file, kind) {
            Ok((o, config)) => {
                tracker.add(file, config.as_ref());
                options.push(o);
                file_configs.push(config);
            }
            Err(error) => {
                eprintln!("iam-lsp: {error}");
                return 2;
            }
        }
    }
    // A JSON policy file a module reads takes that resource's kind, unless a kind is set.
    let tf_files: Vec<PathBuf> = files
        .iter()
        .filter(|f| iam_analysis::embedded::terraform::json::is_module_path(&f.to_string_lossy()))
        .cloned()
        .collect();
    let read_kinds = crate::module_reads::kinds_read_by(&tf_files);
    for (file, options) in files.iter().zip(&mut options).filter(|(_, o)| o.kind.is_none()) {
        options.kind = read_kinds.get(&crate::module_reads::normalise(file)).cloned();
    }
    for (i, (file, outcome)) in files.iter().zip(check_files(&files, &options, &file_configs, jobs)).enumerate() {
        match outcome {
            Outcome::Checked(checked) => {
                tracker.checked(i, &checked.ignores_used);
                report.merge(checked);
            }
            Outcome::Skipped
                if iam_analysis::Language::of_path(&file.to_string_lossy()) != iam_analysis::Language::Json =>
            {
                report.skipped += 1; // YAML that is not a template, a module without policies: most are not
            }
            Outcome::Skipped => {
                report.skipped += 1;
                eprintln!(
                    "{}: info: skipped: not an IAM policy (no top-level \"Statement\" or policy \"Version\"; \
                     a file named *policy.json, or given a kind with --kind, is checked whatever it holds)",
                    file.display()
                );
            }
            Outcome::Failed => {
                // A bug in one file's analysis must not cost the report on the others.
                eprintln!("{}: error: iam-lsp failed to analyse this file (a bug; please report it)", file.display());
                report.failed += 1;
            }
            Outcome::Unreadable(error) => {
                eprintln!("iam-lsp: cannot read {}: {error}", file.display());
                unreadable = true;
            }
        }
    }

    for finding in tracker.unused() {
        report.push(finding);
    }

    // Buffered: stdout alone is line-buffered, a write call per finding.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written_output = match format {
        Format::Text => report.write_text(&mut out),
        Format::Json => report.write_json(&mut out),
        Format::Sarif => formats::sarif(&report.findings, help_uri.as_deref(), &mut out),
        Format::Github => formats::github(&report.findings, &mut out),
    }
    .and_then(|()| out.flush());
    eprintln!("{}", report.summary());
    let code = if unreadable || report.failed > 0 {
        2
    } else if report.errors > 0 {
        1
    } else {
        0
    };
    written(code, written_output)
}

/// Writes a command's output, then gives its exit code. A reader that stops early (`| head`)
/// closes the pipe: the output ends there quietly with the code the answer has, as ripgrep
/// does; any other write error is bad output, said on stderr.
pub fn emit(code: i32, write: impl FnOnce(&mut std::io::StdoutLock<'static>) -> std::io::Result<()>) -> i32 {
    let mut stdout = std::io::stdout().lock();
    written(code, write(&mut stdout).and_then(|()| stdout.flush()))
}

/// [`emit`]'s exit code once the output is written, or failed to be.
fn written(code: i32, result: std::io::Result<()>) -> i32 {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("iam-lsp: cannot write the output: {e}");
            2
        }
        _ => code,
    }
}

fn usage_error(message: &str) -> i32 {
    eprintln!("iam-lsp: {message}\n{USAGE}");
    2
}

/// Files named on the command line are checked whatever their extension; directories
/// contribute their `*.json` files, hidden directories skipped.
fn collect(path: &Path, files: &mut Vec<PathBuf>, named: bool) -> std::io::Result<()> {
    let metadata = std::fs::metadata(path)?;
    if metadata.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for entry in entries {
            let hidden = entry.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
            if entry.is_dir() && !hidden {
                collect(&entry, files, false)?;
            } else if entry
                .extension()
                .is_some_and(|e| ["json", "yaml", "yml", "tf"].iter().any(|x| e.eq_ignore_ascii_case(x)))
            {
                files.push(entry);
            }
        }
    } else if named || path.extension().is_some_and(|e| e == "json") {
        files.push(path.to_path_buf());
    }
    Ok(())
}

/// Finds the `.iam-lsp.toml` that applies to each file: the nearest one in its directory
/// or above, up to the repository root (a directory with `.git`).
#[derive(Default)]
struct ConfigFinder {
    by_dir: HashMap<PathBuf, Option<Config>>,
}

impl ConfigFinder {
    /// The options of `file`, and the config they come from.
    fn options(&mut self, file: &Path, kind: Option<PolicyKind>) -> Result<(Options, Option<Config>), String> {
        let absolute = std::path::absolute(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let config = match absolute.parent() {
            Some(dir) => self.config_for(dir)?,
            None => None,
        };
        Ok((config::options_for(Some(&absolute), &config.iter().collect::<Vec<_>>(), kind), config))
    }

    fn config_for(&mut self, dir: &Path) -> Result<Option<Config>, String> {
        if let Some(found) = self.by_dir.get(dir) {
            return Ok(found.clone());
        }
        let found = match Config::read_in(dir)? {
            Some(config) => Some(config),
            None if dir.join(".git").exists() => None,
            None => match dir.parent() {
                Some(parent) => self.config_for(parent)?,
                None => None,
            },
        };
        self.by_dir.insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }
}

/// What checking one file gave.
enum Outcome {
    Checked(FileReport),
    /// JSON that is not a policy.
    Skipped,
    /// The analysis panicked (a bug).
    Failed,
    Unreadable(std::io::Error),
}

/// Checks `files` on `jobs` threads; the outcomes are in the order of `files`.
fn check_files(files: &[PathBuf], options: &[Options], configs: &[Option<Config>], jobs: usize) -> Vec<Outcome> {
    let jobs = jobs.clamp(1, files.len().max(1));
    if jobs == 1 {
        return files.iter().enumerate().map(|(i, file)| check_file(file, &options[i], configs[i].as_ref())).collect();
    }
    let next = AtomicUsize::new(0);
    let mut outcomes: Vec<Option<Outcome>> = files.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break done };
                        done.push((i, check_file(file, &options[i], configs[i].as_ref())));
                    }
                })
            })
            .collect();
        for worker in workers {
            let done = worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, outcome) in done {
                outcomes[i] = Some(outcome);
            }
        }
    });
    outcomes.into_iter().map(|o| o.expect("every file was checked")).collect()
}

fn check_file(file: &Path, options: &Options, config: Option<&Config>) -> Outcome {
    match std::fs::read(file) {
        Ok(bytes) => match std::panic::catch_unwind(|| FileReport::new(file, &bytes, options, config)) {
            Ok(Some(report)) => Outcome::Checked(report),
            Ok(None) => Outcome::Skipped,
            Err(_) => Outcome::Failed,
        },
        Err(error) => Outcome::Unreadable(error),
    }
}

struct Finding {
    path: String,
    code: Code,
    severity: Severity,
    /// Zero-based, UTF-16 columns.
    start: (u32, u32),
    end: (u32, u32),
    message: String,
    /// Where the cause is, in another file (a cross-file finding's SCP statement).
    related: Vec<RelatedLocation>,
}

/// A location in another file that a finding points at.
struct RelatedLocation {
    /// Named as the finding's own path is: under the same directory as given.
    path: String,
    /// Zero-based, UTF-16 columns.
    start: (u32, u32),
    end: (u32, u32),
    message: String,
}

/// The findings of one file.
#[derive(Default)]
struct FileReport {
    findings: Vec<Finding>,
    errors: usize,
    warnings: usize,
    /// For each of the options' ignores, whether it suppressed a finding here.
    ignores_used: Vec<bool>,
}

impl FileReport {
    /// `None` when the file is JSON but not a policy. `config`: the file's `.iam-lsp.toml`,
    /// for the cross-file findings.
    fn new(path: &Path, bytes: &[u8], options: &Options, config: Option<&Config>) -> Option<FileReport> {
        let display = path.display().to_string();
        let mut report = FileReport::default();
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                // Point at the first bad byte, positioned on the valid text before it.
                let valid = std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default();
                let at = valid.len();
                let d = Diagnostic::new(
                    Code::JsonSyntax,
                    TextRange::empty(at),
                    format!("not UTF-8 text (byte 0x{:02X} at offset {at}): IAM policies are UTF-8 JSON", bytes[at]),
                );
                report.add(&display, valid, &LineIndex::new(valid), &d);
                return Some(report);
            }
        };
        let language = iam_analysis::Language::of_path(&display);
        let doc = Document::in_language(text.to_string(), options.clone(), language);
        // As the editor reports them, after the file's own.
        let cross_file = config.map(|c| cross_file(path, &doc, c)).unwrap_or_default();
        let analysis = doc.into_analysis();
        if !analysis.is_policy {
            return None;
        }
        report.ignores_used = analysis.ignores_used;
        if analysis.diagnostics.is_empty() && cross_file.is_empty() {
            return Some(report);
        }
        let index = LineIndex::new(text);
        for d in &analysis.diagnostics {
            report.add(&display, text, &index, d);
        }
        for (d, related) in cross_file {
            report.add(&display, text, &index, &d);
            if let Some(finding) = report.findings.last_mut() {
                finding.related = related;
            }
        }
        Some(report)
    }

    fn add(&mut self, path: &str, text: &str, index: &LineIndex, d: &Diagnostic) {
        let start = index.line_col(text, d.range.start, Encoding::Utf16);
        let end = index.line_col(text, d.range.end, Encoding::Utf16);
        match d.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            _ => {}
        }
        self.findings.push(Finding {
            path: path.to_string(),
            code: d.code,
            severity: d.severity,
            start: (start.line, start.col),
            end: (end.line, end.col),
            message: d.message.clone(),
            related: Vec::new(),
        });
    }
}

/// The cross-file findings of the file at `path` under its workspace's `config` (the
/// editor's, [`crate::cross_file::findings`]), each with its related locations.
fn cross_file(path: &Path, doc: &Document, config: &Config) -> Vec<(Diagnostic, Vec<RelatedLocation>)> {
    let Ok(absolute) = std::path::absolute(path) else { return Vec::new() };
    let root = &config.base;
    let Some(relative) = crate::statement_scenario::relative(root, &absolute) else { return Vec::new() };
    // Related files are named under the directory the file was named under: `DIR/roles/a.json`
    // points at `DIR/org/scp.json`.
    let shown = path.display().to_string().replace('\\', "/");
    let prefix = shown.strip_suffix(relative.as_str()).map(str::to_string);
    let read = |p: &Path| std::fs::read_to_string(p).ok();
    crate::cross_file::findings(root, config, &relative, doc, &read)
        .into_iter()
        .map(|f| {
            let related = f
                .related
                .iter()
                .filter_map(|r| {
                    let text = read(&root.join(&r.file))?;
                    let index = LineIndex::new(&text);
                    let start = index.line_col(&text, r.range.start, Encoding::Utf16);
                    let end = index.line_col(&text, r.range.end, Encoding::Utf16);
                    let path = match &prefix {
                        Some(prefix) => format!("{prefix}{}", r.file),
                        None => root.join(&r.file).display().to_string(),
                    };
                    Some(RelatedLocation {
                        path,
                        start: (start.line, start.col),
                        end: (end.line, end.col),
                        message: r.message.clone(),
                    })
                })
                .collect();
            (f.diagnostic, related)
        })
        .collect()
}

#[derive(Default)]
struct Report {
    findings: Vec<Finding>,
    errors: usize,
    warnings: usize,
    checked: usize,
    skipped: usize,
    /// Files whose analysis failed.
    failed: usize,
}

impl Report {
    fn merge(&mut self, file: FileReport) {
        self.checked += 1;
        self.errors += file.errors;
        self.warnings += file.warnings;
        self.findings.extend(file.findings);
    }

    /// A finding of no checked file (an unused `[[ignore]]` of a config).
    fn push(&mut self, finding: Finding) {
        match finding.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            _ => {}
        }
        self.findings.push(finding);
    }

    fn write_text(&self, out: &mut impl Write) -> std::io::Result<()> {
        for f in &self.findings {
            writeln!(
                out,
                "{}:{}:{}: {} {} {}",
                f.path,
                f.start.0 + 1,
                f.start.1 + 1,
                f.severity.as_str(),
                f.code.as_str(),
                f.message
            )?;
            for r in &f.related {
                writeln!(out, "  related: {}:{}:{}: {}", r.path, r.start.0 + 1, r.start.1 + 1, r.message)?;
            }
        }
        Ok(())
    }

    fn write_json(&self, out: &mut impl Write) -> std::io::Result<()> {
        let items: Vec<serde_json::Value> = self
            .findings
            .iter()
            .map(|f| {
                let range = |start: (u32, u32), end: (u32, u32)| {
                    serde_json::json!({
                        "start": {"line": start.0, "character": start.1},
                        "end": {"line": end.0, "character": end.1},
                    })
                };
                let mut item = serde_json::json!({
                    "path": f.path,
                    "code": f.code.as_str(),
                    "severity": f.severity.as_str(),
                    "range": range(f.start, f.end),
                    "message": f.message,
                });
                if !f.related.is_empty() {
                    item["related"] = f
                        .related
                        .iter()
                        .map(|r| serde_json::json!({"path": r.path, "range": range(r.start, r.end), "message": r.message}))
                        .collect();
                }
                item
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &items)?;
        writeln!(out)
    }

    fn summary(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut s = format!(
            "{}, {} in {} checked",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.checked, "file")
        );
        if self.skipped > 0 {
            s.push_str(&format!(" ({} skipped: not IAM policies)", self.skipped));
        }
        s
    }
}
