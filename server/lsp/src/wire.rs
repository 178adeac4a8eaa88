//! What must happen in the order messages arrive. tower-lsp-server runs handlers
//! concurrently, so an async `didChange` handler could run after a later request. This
//! service wraps tower-lsp's and applies `didOpen`/`didChange`/`didClose` in `call`, which
//! the server invokes once per message in wire order, before it reads the next message; a
//! request is then handled against every edit sent before it, whatever else is in flight.
//!
//! Pulled diagnostics are answered here too: tower-lsp would turn the report into a
//! `serde_json::Value` on the thread that reads messages (milliseconds for a large
//! document); here it is serialized on the thread that checked, and written to the outbox.
//! So are the requests whose answers grow with the document (symbols, semantic tokens: 15 MB
//! of JSON for a 2 MB one-line policy, 0.6 s through a `Value`): serialized straight to bytes.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};
use tower_lsp_server::{ExitedError, LspService};
use tower_service::Service;

use crate::handlers::{diagnostics, document_symbol, semantic_tokens, text_document_sync};
use crate::output;
use crate::server::Backend;

pub struct InOrder {
    inner: LspService<Backend>,
}

impl InOrder {
    pub fn new(inner: LspService<Backend>) -> InOrder {
        InOrder { inner }
    }
}

/// The params of a message, when they have the expected shape; else tower-lsp answers
/// (an error for a request) or drops it (a notification), as for any malformed message.
fn params<P: DeserializeOwned>(request: &Request) -> Option<P> {
    P::deserialize(request.params()?).ok()
}

type Answer = Pin<Box<dyn Future<Output = Result<Option<Response>, ExitedError>> + Send>>;

/// Writes a handler's answer to request `id` to the outbox, serialized without a `Value`;
/// tower-lsp then has nothing to send.
fn answered<T: serde::Serialize>(backend: &Backend, id: &Id, answer: tower_lsp_server::jsonrpc::Result<T>) -> Answer {
    let frame = match answer {
        Ok(result) => output::response(id, &result),
        Err(error) => Some(output::error_response(id, &error)),
    };
    backend.outbox.send(frame.unwrap_or_else(|| output::error_response(id, &Error::internal_error())));
    Box::pin(async { Ok(None) })
}

impl Service<Request> for InOrder {
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = Answer;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ExitedError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Answer {
        let backend = self.inner.inner();
        // Before `initialize` and after `shutdown`, tower-lsp refuses what it must.
        if backend.serving() {
            match request.method() {
                "textDocument/didOpen" => {
                    if let Some(params) = params(&request) {
                        text_document_sync::did_open(backend, params);
                    }
                }
                "textDocument/didChange" => {
                    if let Some(params) = params(&request) {
                        text_document_sync::did_change(backend, params);
                    }
                }
                "textDocument/didClose" => {
                    if let Some(params) = params(&request) {
                        text_document_sync::did_close(backend, params);
                    }
                }
                "textDocument/diagnostic" => {
                    if let (Some(id), Some(params)) = (request.id(), params(&request)) {
                        let answer = diagnostics::pull(backend, id.clone(), params);
                        return Box::pin(async move {
                            answer.await;
                            Ok(None) // written to the outbox already
                        });
                    }
                }
                "textDocument/documentSymbol" => {
                    if let (Some(id), Some(params)) = (request.id(), params(&request)) {
                        return answered(backend, id, document_symbol::document_symbol(backend, params));
                    }
                }
                "textDocument/semanticTokens/full" => {
                    if let (Some(id), Some(params)) = (request.id(), params(&request)) {
                        return answered(backend, id, semantic_tokens::semantic_tokens_full(backend, params));
                    }
                }
                _ => {}
            }
        }
        Box::pin(self.inner.call(request))
    }
}
