//! The analysis library for the browser: a thin WebAssembly adapter, as the language server is
//! an LSP adapter. One [`Playground`] holds one document, one [`Document`] per version (each made
//! from the previous with [`Document::edit`], as the server does), and answers what an editor
//! asks: diagnostics with their fixes, hover, completion, code actions, semantic tokens, the
//! outline, in the editor's own column encoding (CodeMirror counts UTF-16 code units).
//!
//! The page's Web Worker reaches it through [`abi`]: a handful of plain `extern "C"` exports and
//! one dispatching call, JSON in and JSON out (and, for semantic tokens, a flat array of `u32`),
//! read by a 45-line loader (editors/web/src/wasm.js). No wasm-bindgen: its CLI must be built at
//! the crate's exact version, which costs CI minutes and gigabytes for what these few exports
//! do. The same methods are plain Rust functions on a native target, which is how tests/api.rs
//! tests them, and [`abi::Session::call`] is the dispatch the exports run, tested the same way.

pub mod abi;
pub mod host;
pub mod simulate;

pub use host::{Host, HostInfo};
use iam_analysis::embedded::host::{Host as Template, HostPolicy};
use iam_analysis::semantic_tokens::{self, TokenType};
use iam_analysis::symbols::{self, Symbol, SymbolKind};
use iam_analysis::{
    complete, hover, refactors, CompletionKind, Document, Encoding, KindChoice, LineCol, Options, PolicyKind, TextRange,
};
use serde::Serialize;

/// The version of the answers' shapes: the worker checks it, so that a page and a .wasm from
/// different builds fail loudly instead of misreading each other.
pub const API_VERSION: u32 = 2;

/// A line and a column (in the playground's encoding), both zero-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub range: Range,
    pub text: String,
}

/// A quick fix of a diagnostic, or a refactor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Action {
    pub title: String,
    /// `quickfix` or `refactor`.
    pub kind: &'static str,
    /// The code of the diagnostic a quick fix fixes.
    pub code: Option<&'static str>,
    pub preferred: bool,
    pub edits: Vec<Edit>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub range: Range,
    pub fixes: Vec<Action>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Kind {
    pub name: &'static str,
    pub description: &'static str,
    /// Why this kind: inferred from what, or chosen.
    pub reason: String,
}

/// One policy of a template, as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TemplatePolicy {
    /// The logical id or resource address.
    pub name: String,
    /// Where it sits and why it has its kind: "AWS::IAM::Role `AgentRole` AssumeRolePolicyDocument".
    pub origin: String,
    pub kind: &'static str,
    /// The policy document's node in the template.
    pub range: Range,
}

/// What a template holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TemplateReport {
    /// What the library read it as: "CloudFormation template (YAML)", "Terraform module", ...
    pub format: &'static str,
    pub policies: Vec<TemplatePolicy>,
}

/// What the checks say of the current version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub version: u32,
    /// What the text is read as ([`Host::id`]), and whether that was guessed from the text.
    pub host: &'static str,
    pub host_detected: bool,
    /// Whether the text looks like an IAM policy (other JSON gets no diagnostics), or holds
    /// IAM policies (a template).
    pub is_policy: bool,
    /// The policy's kind; for a template each policy has its own (see `template`).
    pub kind: Option<Kind>,
    /// For a template: what it is and its policies.
    pub template: Option<TemplateReport>,
    pub diagnostics: Vec<Diagnostic>,
    /// The checks failed on this text (a bug): no diagnostics could be made.
    pub failed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HoverInfo {
    pub range: Range,
    pub markdown: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Completion {
    pub label: String,
    /// `property`, `value`, `module`, `function`, `snippet`, `operator` or `variable`.
    pub kind: &'static str,
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    /// What the completion replaces.
    pub range: Range,
    /// The text without tab stops.
    pub text: String,
    /// The text with LSP-style tab stops (`${1:region}`), when it has any.
    pub snippet: Option<String>,
    pub filter_text: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutlineItem {
    pub name: String,
    pub detail: Option<String>,
    /// `object`, `property` or `string`.
    pub kind: &'static str,
    pub range: Range,
    pub selection: Range,
    pub children: Vec<OutlineItem>,
}

/// One document being edited in the page.
pub struct Playground {
    document: Option<Document>,
    version: u32,
    encoding: Encoding,
    options: Options,
    /// The host chosen; `None`: guessed from each version's text.
    chosen_host: Option<Host>,
    /// The host the current version is read as.
    host: Host,
}

impl Playground {
    /// A playground whose positions count columns in `encoding`: `utf-16` (CodeMirror, the
    /// DOM) or `utf-8`.
    pub fn new(encoding: &str) -> Result<Playground, String> {
        let encoding = match encoding {
            "utf-16" => Encoding::Utf16,
            "utf-8" => Encoding::Utf8,
            other => return Err(format!("unknown encoding `{other}`: expected `utf-16` or `utf-8`")),
        };
        Ok(Playground {
            document: None,
            version: 0,
            encoding,
            options: Options::default(),
            chosen_host: None,
            host: Host::Policy,
        })
    }

    /// The shape version of the answers ([`API_VERSION`]).
    pub fn api_version() -> u32 {
        API_VERSION
    }

    /// `iam-analysis VERSION, catalog PACKAGE`: what the page says it runs.
    pub fn about() -> String {
        format!("iam-analysis {}, catalog {}", env!("CARGO_PKG_VERSION"), iam_analysis::catalog::package())
    }

    /// The policy kinds the selector offers, as JSON `[{name, description}]`.
    pub fn kinds() -> String {
        #[derive(Serialize)]
        struct Named {
            name: &'static str,
            description: &'static str,
        }
        let kinds: Vec<Named> =
            PolicyKind::ALL.iter().map(|k| Named { name: k.as_str(), description: k.description() }).collect();
        json(&kinds)
    }

    /// The hosts the host selector offers, as JSON `[{id, title}]`.
    pub fn hosts() -> String {
        json(&Host::ALL.map(Host::info))
    }

    /// The semantic token types, in the order of [`Playground::semantic_tokens`]'s type indexes,
    /// as JSON `["namespace", ...]`.
    pub fn token_types() -> String {
        json(&TokenType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>())
    }

    /// The current version (0 before the first text).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Makes `text` the next version, from the previous one (only what changed is parsed
    /// again, and the checks reuse the unchanged statements' findings). Returns its number.
    pub fn set_text(&mut self, text: String) -> u32 {
        self.host = self.chosen_host.unwrap_or_else(|| Host::detect(&text));
        let language = self.host.language(&text);
        self.document = Some(match self.document.take() {
            Some(previous) if previous.language() == language => previous.edit(text),
            // Another language: nothing of the previous version carries over.
            _ => Document::in_language(text, self.options.clone(), language),
        });
        self.version += 1;
        self.version
    }

    /// Reads the text as `host` ([`Host::id`]) from now on, or as guessed from each version's
    /// text for `""`. A new version once there is text: returns its number.
    pub fn set_host(&mut self, host: &str) -> Result<u32, String> {
        self.chosen_host = match host {
            "" => None,
            id => Some(Host::parse(id).ok_or_else(|| {
                let ids: Vec<&str> = Host::ALL.iter().map(|h| h.id()).collect();
                format!("unknown host `{id}`: expected one of {}", ids.join(", "))
            })?),
        };
        // Before the first text there is nothing to read again.
        if let Some(previous) = self.document.take() {
            self.set_text(previous.text().to_string());
        }
        Ok(self.version)
    }

    /// Checks as `kind` (`identity`, `resource`, `trust`, `scp`, `rcp`, `boundary`) from now
    /// on, or as the inferred kind for `""`. A new version: returns its number.
    pub fn set_kind(&mut self, kind: &str) -> Result<u32, String> {
        self.options.kind = match kind {
            "" => None,
            name => {
                let kind = PolicyKind::parse(name).ok_or_else(|| {
                    let names: Vec<&str> = PolicyKind::ALL.iter().map(|k| k.as_str()).collect();
                    format!("unknown policy kind `{name}`: expected one of {}", names.join(", "))
                })?;
                Some(KindChoice { kind, reason: "chosen in the playground's kind selector".to_string() })
            }
        };
        if let Some(document) = &self.document {
            self.document = Some(document.with_options(self.options.clone()));
        }
        self.version += 1;
        Ok(self.version)
    }

    /// The current version's diagnostics with their fixes, as a JSON [`Report`].
    pub fn diagnostics(&self) -> String {
        json(&self.report())
    }

    /// The hover at a position, as JSON [`HoverInfo`] or `null`.
    pub fn hover(&self, line: u32, col: u32) -> String {
        json(&self.hover_at(line, col))
    }

    /// The completions at a position, as a JSON array of [`Completion`].
    pub fn completions(&self, line: u32, col: u32) -> String {
        json(&self.completions_at(line, col))
    }

    /// The quick fixes of the diagnostics under a range, then the refactors there, as a JSON
    /// array of [`Action`].
    pub fn code_actions(&self, start_line: u32, start_col: u32, end_line: u32, end_col: u32) -> String {
        json(&self.actions_at(start_line, start_col, end_line, end_col))
    }

    /// Semantic tokens, four numbers each: line, start column, end column (a token never
    /// spans lines), index into [`Playground::token_types`].
    pub fn semantic_tokens(&self) -> Vec<u32> {
        let Some(doc) = &self.document else { return Vec::new() };
        let mut out = Vec::new();
        for token in semantic_tokens::semantic_tokens(doc) {
            let start = doc.line_col(token.range.start, self.encoding);
            let end = doc.line_col(token.range.end, self.encoding);
            // A template's scalar may span lines (a folded YAML string): not a token then.
            if end.line != start.line {
                continue;
            }
            out.extend([start.line, start.col, end.col, token.token_type.index()]);
        }
        out
    }

    /// The outline (statements, their elements, actions and resources), as a JSON array of
    /// [`OutlineItem`].
    pub fn outline(&self) -> String {
        json(&self.outline_items())
    }
}

/// The typed answers behind the JSON ones (tests read these).
impl Playground {
    pub fn report(&self) -> Report {
        let none = Report {
            version: self.version,
            host: self.host.id(),
            host_detected: self.chosen_host.is_none(),
            is_policy: false,
            kind: None,
            template: None,
            diagnostics: Vec::new(),
            failed: false,
        };
        let Some(doc) = &self.document else { return none };
        let Some(analysis) = doc.analysis() else { return Report { failed: true, ..none } };
        Report {
            template: doc.host().map(|host| TemplateReport {
                format: host.format.name(),
                policies: Self::distinct(host)
                    .into_iter()
                    .map(|p| TemplatePolicy {
                        name: p.policy.name.clone(),
                        origin: p.policy.origin.clone(),
                        kind: p.policy.kind.as_str(),
                        range: self.range(doc, TextRange::new(p.policy.host.start, p.policy.host.end)),
                    })
                    .collect(),
            }),
            is_policy: analysis.is_policy,
            kind: analysis.kind.as_ref().map(|k| Kind {
                name: k.kind.as_str(),
                description: k.kind.description(),
                reason: k.reason.clone(),
            }),
            diagnostics: analysis
                .diagnostics
                .iter()
                .map(|d| Diagnostic {
                    code: d.code.as_str(),
                    severity: d.severity.as_str(),
                    message: d.message.clone(),
                    range: self.range(doc, d.range),
                    fixes: d.fixes.iter().map(|f| self.action(doc, f, "quickfix", Some(d.code.as_str()))).collect(),
                })
                .collect(),
            ..none
        }
    }

    /// A template's policies, one per document node (the variants of a policy that a
    /// condition makes, `!If`, share one node: the first stands for them).
    pub fn distinct(host: &Template) -> Vec<&HostPolicy> {
        let mut out: Vec<&HostPolicy> = Vec::new();
        for p in &host.policies {
            if !out.iter().any(|o| o.policy.host == p.policy.host) {
                out.push(p);
            }
        }
        out
    }

    pub fn hover_at(&self, line: u32, col: u32) -> Option<HoverInfo> {
        let doc = self.document.as_ref()?;
        let found = hover(doc, doc.offset(LineCol { line, col }, self.encoding))?;
        Some(HoverInfo { range: self.range(doc, found.range), markdown: found.markdown })
    }

    pub fn completions_at(&self, line: u32, col: u32) -> Vec<Completion> {
        let Some(doc) = &self.document else { return Vec::new() };
        complete(doc, doc.offset(LineCol { line, col }, self.encoding))
            .into_iter()
            .map(|item| Completion {
                kind: completion_kind(item.kind),
                range: self.range(doc, item.edit.range),
                text: item.plain_text(),
                snippet: item.snippet.then(|| item.edit.new_text.clone()),
                label: item.label,
                detail: item.detail,
                documentation: item.documentation,
                filter_text: item.filter_text,
            })
            .collect()
    }

    pub fn actions_at(&self, start_line: u32, start_col: u32, end_line: u32, end_col: u32) -> Vec<Action> {
        let Some(doc) = &self.document else { return Vec::new() };
        let start = doc.offset(LineCol { line: start_line, col: start_col }, self.encoding);
        let end = doc.offset(LineCol { line: end_line, col: end_col }, self.encoding).max(start);
        let mut out = Vec::new();
        if let Some(analysis) = doc.analysis() {
            for d in analysis.diagnostics.iter().filter(|d| d.range.start <= end && start <= d.range.end) {
                out.extend(d.fixes.iter().map(|f| self.action(doc, f, "quickfix", Some(d.code.as_str()))));
            }
        }
        for refactor in refactors::refactors(doc, TextRange::new(start, end)) {
            out.push(self.action(doc, &refactor, "refactor", None));
        }
        out
    }

    pub fn outline_items(&self) -> Vec<OutlineItem> {
        let Some(doc) = &self.document else { return Vec::new() };
        symbols::document_symbols(doc).into_iter().map(|s| self.outline_item(doc, s)).collect()
    }

    fn outline_item(&self, doc: &Document, symbol: Symbol) -> OutlineItem {
        OutlineItem {
            name: symbol.name,
            detail: symbol.detail,
            kind: match symbol.kind {
                SymbolKind::Object => "object",
                SymbolKind::Property => "property",
                SymbolKind::String => "string",
            },
            range: self.range(doc, symbol.range),
            selection: self.range(doc, symbol.selection),
            children: symbol.children.into_iter().map(|c| self.outline_item(doc, c)).collect(),
        }
    }

    fn action(
        &self,
        doc: &Document,
        fix: &iam_analysis::Fix,
        kind: &'static str,
        code: Option<&'static str>,
    ) -> Action {
        Action {
            title: fix.title.clone(),
            kind,
            code,
            preferred: fix.preferred,
            edits: fix
                .edits
                .iter()
                .map(|e| Edit { range: self.range(doc, e.range), text: e.new_text.clone() })
                .collect(),
        }
    }

    fn position(&self, doc: &Document, offset: usize) -> Position {
        let LineCol { line, col } = doc.line_col(offset, self.encoding);
        Position { line, col }
    }

    fn range(&self, doc: &Document, range: TextRange) -> Range {
        Range { start: self.position(doc, range.start), end: self.position(doc, range.end) }
    }
}

/// Does once what the first report would: decodes the catalog and runs the checks and the
/// semantic tokens on a small policy. The worker calls it as soon as the module is ready, while
/// the page is still making its editor, so that the first text's report does not pay for it.
/// (In the browser the first run of each function also compiles it: V8 compiles WebAssembly
/// lazily, function by function.)
pub fn warm() {
    let Ok(mut playground) = Playground::new("utf-16") else { return };
    playground.set_text(WARM_POLICY.to_string());
    let _ = playground.report();
    let _ = playground.semantic_tokens();
}

/// A policy that reaches most checks: actions with and without wildcards, ARNs, a condition.
const WARM_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:List*"], "Resource": "arn:aws:s3:::bucket/*",
     "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}},
    {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
  ]
}"#;

fn completion_kind(kind: CompletionKind) -> &'static str {
    match kind {
        CompletionKind::Property => "property",
        CompletionKind::Value => "value",
        CompletionKind::Module => "module",
        CompletionKind::Function => "function",
        CompletionKind::Snippet => "snippet",
        CompletionKind::Operator => "operator",
        CompletionKind::Variable => "variable",
    }
}

fn json<T: Serialize + ?Sized>(value: &T) -> String {
    // Only plain structs, strings and numbers: serialization cannot fail.
    serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
}
