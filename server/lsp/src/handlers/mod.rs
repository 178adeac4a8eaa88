//! One file per LSP request or concern; this file only routes tower-lsp's calls to them.
//! Document notifications, pulled diagnostics, symbols and semantic tokens are handled
//! before tower-lsp sees them, in the order they arrive ([`crate::wire`]): their methods
//! here are reached only before `initialize` or after `shutdown`.

mod code_action;
mod code_lens;
mod code_lens_resolve;
mod completion;
pub(crate) mod diagnostics;
pub(crate) mod document_symbol;
mod execute_command;
mod folding_range;
mod hover;
mod inlay_hint;
mod lifecycle;
mod selection_range;
pub(crate) mod semantic_tokens;
pub(crate) mod text_document_sync;
mod workspace;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::LanguageServer;

use crate::server::Backend;

/// The commands `workspace/executeCommand` runs.
pub const COMMANDS: [&str; 2] = execute_command::COMMANDS;

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        lifecycle::initialize(self, params)
    }

    async fn initialized(&self, _: InitializedParams) {
        lifecycle::initialized(self).await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.set_shut_down();
        Ok(())
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        let error = self.set_settings(&params.settings);
        workspace::reanalyze_all(self, error).await;
    }

    async fn did_change_watched_files(&self, _: DidChangeWatchedFilesParams) {
        let error = self.load_file_config();
        workspace::reanalyze_all(self, error).await;
    }

    // Applied in wire order by `crate::wire`, before these run (later, maybe out of order).
    async fn did_open(&self, _: DidOpenTextDocumentParams) {}

    async fn did_change(&self, _: DidChangeTextDocumentParams) {}

    async fn did_close(&self, _: DidCloseTextDocumentParams) {}

    /// Reached only when `crate::wire` did not answer (its params did not parse): an error.
    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        Err(crate::server::not_open(&params.text_document.uri))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        hover::hover(self, params)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        completion::completion(self, params)
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        inlay_hint::inlay_hint(self, params)
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        semantic_tokens::semantic_tokens_full(self, params)
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        document_symbol::document_symbol(self, params)
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        folding_range::folding_range(self, params)
    }

    async fn selection_range(&self, params: SelectionRangeParams) -> Result<Option<Vec<SelectionRange>>> {
        selection_range::selection_range(self, params)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        code_action::code_action(self, params).await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        code_lens::code_lens(self, params)
    }

    async fn code_lens_resolve(&self, lens: CodeLens) -> Result<CodeLens> {
        code_lens_resolve::code_lens_resolve(self, lens)
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        execute_command::execute_command(self, params)
    }
}
