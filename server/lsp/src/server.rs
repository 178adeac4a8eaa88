//! The language server: LSP in, analysis calls, LSP out. No IAM knowledge lives here.

use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

use iam_analysis::{Encoding, Options};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::config::{self, Config};
use crate::convert;
use crate::documents::{Change, Documents, Snapshot};
use crate::output::{self, Outbox};

/// What the client supports, from `initialize`.
#[derive(Clone, Copy)]
struct ClientSupport {
    encoding: Encoding,
    /// Versioned `documentChanges` in workspace edits.
    document_changes: bool,
    /// Snippets in completions.
    snippets: bool,
    /// Markdown in hovers and in completion documentation (else the same text, plain).
    markdown_hover: bool,
    markdown_completion: bool,
    /// Watching files for us (to reload `.iam-lsp.toml`).
    watch_files: bool,
    /// Pulling diagnostics (`textDocument/diagnostic`): such a client gets them only when
    /// it asks (pushing too would show each twice), and a refresh request when settings
    /// change them.
    pull_diagnostics: bool,
    diagnostic_refresh: bool,
}

impl ClientSupport {
    fn of(capabilities: &ClientCapabilities) -> ClientSupport {
        let general = capabilities.general.as_ref();
        let workspace = capabilities.workspace.as_ref();
        let text_document = capabilities.text_document.as_ref();
        let completion_item =
            text_document.and_then(|t| t.completion.as_ref()).and_then(|c| c.completion_item.as_ref());
        let markdown = |formats: Option<&Vec<MarkupKind>>| formats.is_some_and(|f| f.contains(&MarkupKind::Markdown));
        let utf8 = general
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8));
        ClientSupport {
            encoding: if utf8 { Encoding::Utf8 } else { Encoding::Utf16 },
            document_changes: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            snippets: completion_item.and_then(|i| i.snippet_support).unwrap_or(false),
            markdown_hover: markdown(
                text_document.and_then(|t| t.hover.as_ref()).and_then(|h| h.content_format.as_ref()),
            ),
            markdown_completion: markdown(completion_item.and_then(|i| i.documentation_format.as_ref())),
            watch_files: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            pull_diagnostics: text_document.is_some_and(|t| t.diagnostic.is_some()),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
        }
    }
}

/// Before `initialize` (a request then is refused by the framework anyway).
const DEFAULT_SUPPORT: ClientSupport = ClientSupport {
    encoding: Encoding::Utf16,
    document_changes: false,
    snippets: false,
    markdown_hover: true,
    markdown_completion: true,
    watch_files: false,
    pull_diagnostics: false,
    diagnostic_refresh: false,
};

pub struct Backend {
    client: Client,
    /// Where `publishDiagnostics` goes, serialized without tower-lsp (see [`output`]).
    outbox: Outbox,
    documents: Arc<Documents>,
    support: OnceLock<ClientSupport>,
    /// The first workspace folder, where `.iam-lsp.toml` is read.
    root: OnceLock<Option<PathBuf>>,
    /// `.iam-lsp.toml`, then the editor's settings, which take precedence.
    file_config: RwLock<Option<Config>>,
    settings_config: RwLock<Option<Config>>,
    /// Configuration errors to show once the client is ready.
    pending_errors: RwLock<Vec<String>>,
}

pub fn run() {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_io().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("iam-lsp: cannot start the async runtime: {error}");
            std::process::exit(1);
        }
    };
    runtime.block_on(async {
        let (lsp_output, from_lsp) = tokio::io::duplex(1 << 16);
        let (outbox, writer) = match output::writer(from_lsp, std::io::stdout()) {
            Ok(writer) => writer,
            Err(error) => {
                eprintln!("iam-lsp: cannot start the output thread: {error}");
                std::process::exit(1);
            }
        };
        // Our own framing reader: tower-lsp's stops at the first malformed message.
        let input = match crate::transport::stdin(outbox.clone()) {
            Ok(input) => input,
            Err(error) => {
                eprintln!("iam-lsp: cannot start the input thread: {error}");
                std::process::exit(1);
            }
        };
        let (service, socket) = LspService::build(move |client| Backend::new(client, outbox))
            .custom_method("iam-lsp/crashTest", Backend::crash_test)
            .finish();
        // One message at a time, in the order received: edits are applied and analysed in
        // order, so diagnostics are never published for an older version over a newer one.
        // A policy is analysed in well under a millisecond (a 1 MB document in a few).
        let serve = Server::new(input, lsp_output, socket).concurrency_level(1).serve(service);
        tokio::join!(serve, writer);
    });
}

pub fn server_version() -> String {
    format!("{} (catalog {})", env!("CARGO_PKG_VERSION"), iam_analysis::catalog::package())
}

const PUBLISH_DIAGNOSTICS: &str = "textDocument/publishDiagnostics";

/// Documents up to this size are analysed on the thread that reads messages: it takes well
/// under a millisecond (a policy is at most 10 KB), less than handing it to another thread.
/// Larger ones are analysed on a blocking thread while messages keep being read.
const ANALYSE_INLINE: usize = 64 * 1024;

/// Runs a request's analysis, turning a panic into an error response.
fn guard<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Error {
            code: ErrorCode::InternalError,
            message: format!("iam-lsp: {what} failed: {detail}").into(),
            data: None,
        }
    })
}

fn not_open(uri: &Uri) -> Error {
    Error::invalid_params(format!("document not open: {}", uri.as_str()))
}

impl Backend {
    fn new(client: Client, outbox: Outbox) -> Backend {
        Backend {
            client,
            outbox,
            documents: Arc::default(),
            support: OnceLock::new(),
            root: OnceLock::new(),
            file_config: RwLock::new(None),
            settings_config: RwLock::new(None),
            pending_errors: RwLock::new(Vec::new()),
        }
    }

    fn root(&self) -> Option<PathBuf> {
        self.root.get().cloned().flatten()
    }

    /// The analysis options for a document, from `.iam-lsp.toml` and the editor settings.
    fn options(&self, uri: &Uri) -> Options {
        let path = uri.to_file_path().map(|p| p.into_owned());
        let file = self.file_config.read().ok().and_then(|c| c.clone());
        let settings = self.settings_config.read().ok().and_then(|c| c.clone());
        let configs: Vec<&Config> = file.iter().chain(settings.iter()).collect();
        config::options_for(path.as_deref(), &configs, None)
    }

    /// Inlay hint settings: (enabled, access levels), the editor's over the file's.
    fn inlay_settings(&self) -> (bool, bool) {
        let file = self.file_config.read().ok().and_then(|c| c.clone());
        let settings = self.settings_config.read().ok().and_then(|c| c.clone());
        let pick = |f: fn(&Config) -> Option<bool>| settings.as_ref().and_then(f).or_else(|| file.as_ref().and_then(f));
        (pick(|c| c.inlay_hints).unwrap_or(true), pick(|c| c.access_levels).unwrap_or(false))
    }

    /// Reads `.iam-lsp.toml` from the workspace root; returns an error to show.
    fn load_file_config(&self) -> Option<String> {
        let root = self.root()?;
        let (config, error) = match Config::read_in(&root) {
            Ok(config) => (config, None),
            Err(error) => (None, Some(error)),
        };
        if let Ok(mut slot) = self.file_config.write() {
            *slot = config;
        }
        error
    }

    fn set_settings(&self, settings: &serde_json::Value) -> Option<String> {
        let base = self.root().unwrap_or_default();
        let (config, error) = match Config::from_json(settings, &base) {
            Ok(config) => (Some(config), None),
            Err(error) => (None, Some(error)),
        };
        if let Ok(mut slot) = self.settings_config.write() {
            *slot = config;
        }
        error
    }

    /// Settings changed: analyse every open document again and publish.
    async fn reanalyze_all(&self, error: Option<String>) {
        if let Some(error) = error {
            self.client.show_message(MessageType::ERROR, format!("iam-lsp: {error}; using the other settings")).await;
        }
        for uri in self.documents.uris() {
            let options = self.options(&uri);
            if let Some(snapshot) = self.documents.reanalyze(&uri, &options) {
                self.publish(uri, snapshot);
            }
        }
        let support = self.support();
        if support.pull_diagnostics && support.diagnostic_refresh {
            // Not awaited: the client answers while this server handles one message at a time.
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = client.workspace_diagnostic_refresh().await;
            });
        }
    }

    fn support(&self) -> ClientSupport {
        *self.support.get().unwrap_or(&DEFAULT_SUPPORT)
    }

    fn encoding(&self) -> Encoding {
        self.support().encoding
    }

    fn snapshot(&self, uri: &Uri) -> Result<std::sync::Arc<Snapshot>> {
        self.documents.snapshot(uri).ok_or_else(|| not_open(uri))
    }

    /// Publishes a version's diagnostics from a task of its own (a large document is
    /// analysed on a blocking thread while messages keep being read, see [`ANALYSE_INLINE`]);
    /// a version that a newer one replaced before its turn is never analysed, so a burst of
    /// edits costs one analysis.
    fn publish(&self, uri: Uri, snapshot: Arc<Snapshot>) {
        if self.support().pull_diagnostics {
            return; // the client asks when it wants them
        }
        let documents = self.documents.clone();
        let client = self.client.clone();
        let outbox = self.outbox.clone();
        let encoding = self.encoding();
        tokio::spawn(async move {
            // A newer version has arrived: its own publish follows.
            let current = |uri: &Uri, snapshot: &Snapshot| documents.version(uri) == Some(snapshot.version);
            // One analysis at a time; while this waits, newer edits may arrive.
            static ANALYSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
            let Ok(_turn) = ANALYSING.acquire().await else { return };
            if !current(&uri, &snapshot) {
                return;
            }
            // Analysed, converted to LSP positions and serialized together: off this thread
            // for large documents, where each takes milliseconds.
            let inline = snapshot.text.len() <= ANALYSE_INLINE;
            let analyse = move || {
                let params = PublishDiagnosticsParams {
                    uri,
                    diagnostics: convert::diagnostics(&snapshot, encoding),
                    version: Some(snapshot.version),
                };
                let message = output::notification(PUBLISH_DIAGNOSTICS, &params);
                (snapshot, params.uri, message)
            };
            let (snapshot, uri, message) = if inline {
                analyse()
            } else {
                let Ok(analysed) = tokio::task::spawn_blocking(analyse).await else { return };
                if !current(&analysed.1, &analysed.0) {
                    return;
                }
                analysed
            };
            // Sent before anything is awaited: a `didClose` handled in between would clear
            // the diagnostics first and these would reappear.
            if let Some(message) = message {
                outbox.send(message);
            }
            if snapshot.analysis().is_none() {
                let message =
                    format!("iam-lsp: analysis of {} failed (a bug); edit the document to retry", uri.as_str());
                client.log_message(MessageType::ERROR, message).await;
            }
        });
    }

    /// `iam-lsp/crashTest`: panics inside the request guard, to prove that a panicking
    /// handler costs one error response, not the server.
    async fn crash_test(&self) -> Result<()> {
        guard("crash test", || panic!("crash test"))
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let support = ClientSupport::of(&params.capabilities);
        let _ = self.support.set(support);
        let utf8 = support.encoding == Encoding::Utf8;
        #[allow(deprecated)] // `root_uri` is what older clients send
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|uri| uri.to_file_path().map(|p| p.into_owned()));
        let _ = self.root.set(root);
        let mut errors = Vec::new();
        errors.extend(self.load_file_config());
        if let Some(options) = &params.initialization_options {
            errors.extend(self.set_settings(options));
        }
        if let Ok(mut pending) = self.pending_errors.write() {
            *pending = errors;
        }
        Ok(InitializeResult {
            server_info: Some(ServerInfo { name: "iam-lsp".to_string(), version: Some(server_version()) }),
            capabilities: ServerCapabilities {
                position_encoding: Some(if utf8 { PositionEncodingKind::UTF8 } else { PositionEncodingKind::UTF16 }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec!["\"".to_string(), ":".to_string()]),
                    ..Default::default()
                }),
                document_symbol_provider: Some(OneOf::Left(true)),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
                    SemanticTokensOptions {
                        legend: SemanticTokensLegend {
                            token_types: iam_analysis::semantic_tokens::TokenType::ALL
                                .iter()
                                .map(|t| SemanticTokenType::new(t.as_str()))
                                .collect(),
                            token_modifiers: Vec::new(),
                        },
                        full: Some(SemanticTokensFullOptions::Bool(true)),
                        range: None,
                        ..Default::default()
                    },
                )),
                diagnostic_provider: support.pull_diagnostics.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some("iam-lsp".to_string()),
                        inter_file_dependencies: false,
                        workspace_diagnostics: false,
                        ..Default::default()
                    })
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::REFACTOR_REWRITE]),
                    ..Default::default()
                })),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let errors = self.pending_errors.write().map(|mut e| std::mem::take(&mut *e)).unwrap_or_default();
        for error in errors {
            self.client.show_message(MessageType::ERROR, format!("iam-lsp: {error}")).await;
        }
        if self.support().watch_files {
            // Not awaited: the client answers while this server handles one message at a time.
            let client = self.client.clone();
            tokio::spawn(async move {
                let watchers = vec![FileSystemWatcher {
                    glob_pattern: GlobPattern::String(format!("**/{}", config::FILE_NAME)),
                    kind: None,
                }];
                let options = DidChangeWatchedFilesRegistrationOptions { watchers };
                let registration = Registration {
                    id: "iam-lsp-config".to_string(),
                    method: "workspace/didChangeWatchedFiles".to_string(),
                    register_options: serde_json::to_value(options).ok(),
                };
                let _ = client.register_capability(vec![registration]).await;
            });
        }
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let error = self.set_settings(&params.settings);
        self.reanalyze_all(error).await;
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        let error = self.load_file_config();
        self.reanalyze_all(error).await;
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let options = self.options(&doc.uri);
        let snapshot = self.documents.open(doc.uri.clone(), &doc.text, doc.version, &options);
        self.publish(doc.uri, snapshot);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let changes = params.content_changes.into_iter().map(|c| Change { range: c.range, text: c.text }).collect();
        let options = self.options(&uri);
        match self.documents.change(&uri, params.text_document.version, changes, self.encoding(), &options) {
            Some(snapshot) => self.publish(uri, snapshot),
            None => {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        format!("iam-lsp: didChange for a document that is not open: {}", uri.as_str()),
                    )
                    .await;
            }
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.documents.close(&uri);
        // Through the outbox, as every `publishDiagnostics`: after any queued for the document.
        let params = PublishDiagnosticsParams { uri, diagnostics: Vec::new(), version: None };
        self.outbox.notify(PUBLISH_DIAGNOSTICS, &params);
    }

    /// Pulled diagnostics: the current version's, or "unchanged" when the client already
    /// has them (the result id names the snapshot they were made for).
    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let snapshot = self.snapshot(&params.text_document.uri)?;
        let encoding = self.encoding();
        guard("diagnostics", || {
            let result_id = snapshot.id.to_string();
            let report = if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
                DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
                })
            } else {
                DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: Some(result_id),
                        items: convert::diagnostics(&snapshot, encoding),
                    },
                })
            };
            DocumentDiagnosticReportResult::Report(report)
        })
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let snapshot = self.snapshot(&position.text_document.uri)?;
        let encoding = self.encoding();
        let options = self.options(&position.text_document.uri);
        let markdown = self.support().markdown_hover;
        guard("hover", || {
            let offset = convert::offset(&snapshot, position.position, encoding);
            iam_analysis::hover(&snapshot.text, offset, &options).map(|h| Hover {
                contents: if markdown {
                    HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: h.markdown })
                } else {
                    HoverContents::Scalar(MarkedString::String(h.markdown))
                },
                range: Some(convert::range(&snapshot, h.range, encoding)),
            })
        })
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        let snapshot = self.snapshot(&position.text_document.uri)?;
        let encoding = self.encoding();
        let ClientSupport { snippets, markdown_completion: markdown, .. } = self.support();
        guard("completion", || {
            let offset = convert::offset(&snapshot, position.position, encoding);
            let items: Vec<CompletionItem> = iam_analysis::complete(&snapshot.text, offset)
                .into_iter()
                .map(|item| convert::completion_item(&snapshot, item, encoding, snippets, markdown))
                .collect();
            (!items.is_empty()).then_some(CompletionResponse::List(CompletionList { is_incomplete: false, items }))
        })
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let snapshot = self.snapshot(&params.text_document.uri)?;
        let encoding = self.encoding();
        let (enabled, access_levels) = self.inlay_settings();
        if !enabled {
            return Ok(None);
        }
        guard("inlay hints", || {
            let range = convert::text_range(&snapshot, params.range, encoding);
            let hints = iam_analysis::inlay_hints::inlay_hints(&snapshot.text, range, access_levels)
                .into_iter()
                .map(|h| InlayHint {
                    position: convert::position(&snapshot, h.offset, encoding),
                    label: InlayHintLabel::String(h.label),
                    kind: None,
                    text_edits: None,
                    tooltip: None,
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
                .collect();
            Some(hints)
        })
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        let snapshot = self.snapshot(&params.text_document.uri)?;
        let encoding = self.encoding();
        guard("semantic tokens", || {
            let tokens = iam_analysis::semantic_tokens::semantic_tokens(&snapshot.text);
            Some(SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data: convert::semantic_tokens(&snapshot, &tokens, encoding),
            }))
        })
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        let snapshot = self.snapshot(&params.text_document.uri)?;
        let encoding = self.encoding();
        guard("document symbols", || {
            let symbols = iam_analysis::symbols::document_symbols(&snapshot.text);
            Some(DocumentSymbolResponse::Nested(
                symbols.into_iter().map(|s| convert::symbol(&snapshot, s, encoding)).collect(),
            ))
        })
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        let snapshot = self.snapshot(&params.text_document.uri)?;
        let encoding = self.encoding();
        guard("folding ranges", || {
            let folds = iam_analysis::symbols::folding_ranges(&snapshot.text)
                .into_iter()
                .map(|r| {
                    let range = convert::range(&snapshot, r, encoding);
                    FoldingRange {
                        start_line: range.start.line,
                        end_line: range.end.line,
                        kind: Some(FoldingRangeKind::Region),
                        ..Default::default()
                    }
                })
                .collect();
            Some(folds)
        })
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        let snapshot = self.snapshot(&params.text_document.uri)?;
        let encoding = self.encoding();
        guard("selection ranges", || {
            let ranges = params
                .positions
                .iter()
                .map(|position| {
                    let offset = convert::offset(&snapshot, *position, encoding);
                    let chain = iam_analysis::symbols::selection_ranges(&snapshot.text, offset);
                    // Outermost first, each the parent of the next.
                    let mut selection: Option<SelectionRange> = None;
                    for r in chain.iter().rev() {
                        selection = Some(SelectionRange {
                            range: convert::range(&snapshot, *r, encoding),
                            parent: selection.map(Box::new),
                        });
                    }
                    selection
                        .unwrap_or(SelectionRange { range: Range { start: *position, end: *position }, parent: None })
                })
                .collect();
            Some(ranges)
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let snapshot = self.snapshot(&uri)?;
        let encoding = self.encoding();
        let document_changes = self.support().document_changes;
        guard("code action", || {
            let analysis = snapshot.analysis()?;
            let wanted = convert::text_range(&snapshot, params.range, encoding);
            // The diagnostics under the requested range, and those the client names (Neovim
            // sends the cursor line's, which may not overlap the cursor itself).
            let named = |d: &iam_analysis::Diagnostic| {
                params.context.diagnostics.iter().any(|c| {
                    c.code == Some(NumberOrString::String(d.code.as_str().to_string()))
                        && c.range == convert::range(&snapshot, d.range, encoding)
                })
            };
            let under = |d: &iam_analysis::Diagnostic| d.range.start <= wanted.end && wanted.start <= d.range.end;
            let workspace_edit = |fix: &iam_analysis::Fix| {
                let edits: Vec<TextEdit> = fix
                    .edits
                    .iter()
                    .map(|e| TextEdit {
                        range: convert::range(&snapshot, e.range, encoding),
                        new_text: e.new_text.clone(),
                    })
                    .collect();
                if document_changes {
                    WorkspaceEdit {
                        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                            text_document: OptionalVersionedTextDocumentIdentifier {
                                uri: uri.clone(),
                                version: Some(snapshot.version),
                            },
                            edits: edits.into_iter().map(OneOf::Left).collect(),
                        }])),
                        ..Default::default()
                    }
                } else {
                    WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }
                }
            };
            let mut actions = Vec::new();
            for d in analysis.diagnostics.iter().filter(|d| under(d) || named(d)) {
                for fix in &d.fixes {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![convert::diagnostic(&snapshot, d, encoding)]),
                        edit: Some(workspace_edit(fix)),
                        is_preferred: fix.preferred.then_some(true),
                        ..Default::default()
                    }));
                }
            }
            for refactor in iam_analysis::refactors::refactors(&snapshot.text, wanted) {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: refactor.title.clone(),
                    kind: Some(CodeActionKind::REFACTOR_REWRITE),
                    edit: Some(workspace_edit(&refactor)),
                    ..Default::default()
                }));
            }
            Some(actions)
        })
    }
}
