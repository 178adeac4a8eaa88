//! The language server: LSP in, analysis calls, LSP out. No IAM knowledge lives here.

use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::OnceLock;

use iam_analysis::{Catalog, Encoding};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::convert;
use crate::documents::{Change, Documents, Snapshot};

pub struct Backend {
    client: Client,
    documents: Documents,
    encoding: OnceLock<Encoding>,
    /// Whether the client takes versioned `documentChanges` in workspace edits.
    document_changes: OnceLock<bool>,
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
        let (service, socket) =
            LspService::build(Backend::new).custom_method("iam-lsp/crashTest", Backend::crash_test).finish();
        // One message at a time, in the order received: edits are applied and analysed in
        // order, so diagnostics are never published for an older version over a newer one.
        // Analysis takes well under a millisecond for a policy.
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).concurrency_level(1).serve(service).await;
    });
}

pub fn server_version() -> String {
    format!("{} (catalog {})", env!("CARGO_PKG_VERSION"), iam_analysis::catalog::package())
}

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
    fn new(client: Client) -> Backend {
        Backend {
            client,
            documents: Documents::default(),
            encoding: OnceLock::new(),
            document_changes: OnceLock::new(),
        }
    }

    fn encoding(&self) -> Encoding {
        *self.encoding.get().unwrap_or(&Encoding::Utf16)
    }

    fn snapshot(&self, uri: &Uri) -> Result<std::sync::Arc<Snapshot>> {
        self.documents.snapshot(uri).ok_or_else(|| not_open(uri))
    }

    async fn publish(&self, uri: Uri, snapshot: &Snapshot) {
        if self.documents.version(&uri) != Some(snapshot.version) {
            return; // a newer version has arrived; its own publish follows
        }
        if snapshot.analysis.is_none() {
            self.client
                .log_message(
                    MessageType::ERROR,
                    format!("iam-lsp: analysis of {} failed (a bug); edit the document to retry", uri.as_str()),
                )
                .await;
        }
        let diagnostics = convert::diagnostics(snapshot, self.encoding());
        self.client.publish_diagnostics(uri, diagnostics, Some(snapshot.version)).await;
    }

    /// `iam-lsp/crashTest`: panics inside the request guard, to prove that a panicking
    /// handler costs one error response, not the server.
    async fn crash_test(&self) -> Result<()> {
        guard("crash test", || panic!("crash test"))
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
        let utf8 = offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8));
        let _ = self.encoding.set(if utf8 { Encoding::Utf8 } else { Encoding::Utf16 });
        let document_changes = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false);
        let _ = self.document_changes.set(document_changes);
        // Decode the catalog while the client finishes its handshake.
        std::thread::spawn(|| {
            Catalog::get();
        });
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
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                    ..Default::default()
                })),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let snapshot = self.documents.open(doc.uri.clone(), &doc.text, doc.version);
        self.publish(doc.uri, &snapshot).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let changes = params.content_changes.into_iter().map(|c| Change { range: c.range, text: c.text }).collect();
        match self.documents.change(&uri, params.text_document.version, changes, self.encoding()) {
            Some(snapshot) => self.publish(uri, &snapshot).await,
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
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let snapshot = self.snapshot(&position.text_document.uri)?;
        let encoding = self.encoding();
        guard("hover", || {
            let offset = convert::offset(&snapshot, position.position, encoding);
            iam_analysis::hover(&snapshot.text, offset).map(|h| Hover {
                contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: h.markdown }),
                range: Some(convert::range(&snapshot, h.range, encoding)),
            })
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let snapshot = self.snapshot(&uri)?;
        let encoding = self.encoding();
        let document_changes = *self.document_changes.get().unwrap_or(&false);
        guard("code action", || {
            let Some(analysis) = &snapshot.analysis else { return None };
            let wanted = convert::text_range(&snapshot, params.range, encoding);
            let mut actions = Vec::new();
            for d in analysis.diagnostics.iter().filter(|d| d.range.start <= wanted.end && wanted.start <= d.range.end)
            {
                for fix in &d.fixes {
                    let edits: Vec<TextEdit> = fix
                        .edits
                        .iter()
                        .map(|e| TextEdit {
                            range: convert::range(&snapshot, e.range, encoding),
                            new_text: e.new_text.clone(),
                        })
                        .collect();
                    let edit = if document_changes {
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
                    };
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![convert::diagnostic(&snapshot, d, encoding)]),
                        edit: Some(edit),
                        is_preferred: fix.preferred.then_some(true),
                        ..Default::default()
                    }));
                }
            }
            Some(actions)
        })
    }
}
