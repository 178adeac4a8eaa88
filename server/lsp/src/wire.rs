//! What must happen in the order messages arrive. tower-lsp-server runs handlers
//! concurrently, so an async `didChange` handler could run after a later request. This
//! service wraps tower-lsp's and applies `didOpen`/`didChange`/`didClose` in `call`, which
//! the server invokes once per message in wire order, before it reads the next message; a
//! request is then handled against every edit sent before it, whatever else is in flight.
//!
//! Pulled diagnostics are answered here too: tower-lsp would turn the report into a
//! `serde_json::Value` on the thread that reads messages (milliseconds for a large
//! document); here it is serialized on the thread that checked, and written to the outbox.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use tower_lsp_server::jsonrpc::{Request, Response};
use tower_lsp_server::{ExitedError, LspService};
use tower_service::Service;

use crate::handlers::{diagnostics, text_document_sync};
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
                _ => {}
            }
        }
        Box::pin(self.inner.call(request))
    }
}
