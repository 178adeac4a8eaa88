//! What the client can do (from `initialize`) and what the server offers in return.

use iam_analysis::Encoding;
use tower_lsp_server::ls_types::*;

/// What the client supports, from `initialize`.
#[derive(Clone, Copy)]
pub struct ClientSupport {
    pub encoding: Encoding,
    /// Versioned `documentChanges` in workspace edits.
    pub document_changes: bool,
    /// Snippets in completions.
    pub snippets: bool,
    /// Markdown in hovers and in completion documentation (else the same text, plain).
    pub markdown_hover: bool,
    pub markdown_completion: bool,
    /// Watching files for us (to reload `.iam-lsp.toml`).
    pub watch_files: bool,
    /// Pulling diagnostics (`textDocument/diagnostic`): such a client gets them only when
    /// it asks (pushing too would show each twice), and a refresh request when settings
    /// change them.
    pub pull_diagnostics: bool,
    pub diagnostic_refresh: bool,
}

impl ClientSupport {
    pub fn of(capabilities: &ClientCapabilities) -> ClientSupport {
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
pub const DEFAULT_SUPPORT: ClientSupport = ClientSupport {
    encoding: Encoding::Utf16,
    document_changes: false,
    snippets: false,
    markdown_hover: true,
    markdown_completion: true,
    watch_files: false,
    pull_diagnostics: false,
    diagnostic_refresh: false,
};

/// The server's capabilities for a client with `support`.
pub fn server_capabilities(support: ClientSupport) -> ServerCapabilities {
    let utf8 = support.encoding == Encoding::Utf8;
    ServerCapabilities {
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
                inter_file_dependencies: true,
                workspace_diagnostics: false,
                ..Default::default()
            })
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::REFACTOR_REWRITE]),
            ..Default::default()
        })),
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(true) }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: crate::handlers::COMMANDS.iter().map(|c| c.to_string()).collect(),
            ..Default::default()
        }),
        ..Default::default()
    }
}
