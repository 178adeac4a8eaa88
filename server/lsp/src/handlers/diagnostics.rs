//! Diagnostics, pushed (`textDocument/publishDiagnostics`) or pulled
//! (`textDocument/diagnostic`, what VS Code and Neovim 0.11 do), from one place: every new
//! version is checked in the background, off the thread that reads messages when large, one
//! check at a time, and a version superseded before its turn is never checked. A pull waits
//! only for the checks of the version it asks about. Both are serialized straight to bytes
//! on the thread that checked (see [`crate::output`]).

use std::future::Future;
use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id};
use tower_lsp_server::ls_types::*;

use crate::convert;
use crate::documents::Snapshot;
use crate::output;
use crate::server::{guard, not_open, Backend, CHECK_INLINE};

pub(crate) const PUBLISH_DIAGNOSTICS: &str = "textDocument/publishDiagnostics";

/// One background check at a time, server-wide: a burst of edits across documents queues
/// at most one task per document (see [`check_in_background`]).
static CHECKING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// Runs `job` on `snapshot` here for a small document, on a blocking thread for a large one
/// (where it takes milliseconds that the messages behind it would wait); `None` if it
/// panicked there. The job owns the snapshot: when it was the last holder (a newer version
/// came meanwhile), the version is dropped there too, which for a large document also
/// takes milliseconds.
async fn sized<T: Send + 'static>(
    snapshot: Arc<Snapshot>,
    job: impl FnOnce(Arc<Snapshot>) -> T + Send + 'static,
) -> Option<T> {
    if snapshot.document.text().len() <= CHECK_INLINE {
        Some(job(snapshot))
    } else {
        tokio::task::spawn_blocking(move || job(snapshot)).await.ok()
    }
}

/// The snapshot once its checks have run (at once when they have).
pub(crate) async fn checked(snapshot: Arc<Snapshot>) -> Arc<Snapshot> {
    if snapshot.document.checked() {
        return snapshot;
    }
    let fallback = snapshot.clone();
    sized(snapshot, |snapshot| {
        snapshot.document.analysis();
        snapshot
    })
    .await
    .unwrap_or(fallback)
}

/// Queues the checks of the document's latest version, unless a queued task will already
/// see it. The task holds only the URI while it waits: an edit meanwhile takes over the
/// previous version's tree instead of copying it.
pub(crate) fn check_in_background(backend: &Backend, uri: Uri) {
    if backend.checks_queued.insert(uri.clone(), ()).is_some() {
        return; // a queued task takes the latest version when its turn comes
    }
    let documents = backend.documents.clone();
    let queued = backend.checks_queued.clone();
    let client = backend.client.clone();
    let outbox = backend.outbox.clone();
    let push = !backend.support().pull_diagnostics;
    let encoding = backend.encoding();
    let workspace = crate::cross_file::Workspace::of(backend);
    tokio::spawn(async move {
        let turn = CHECKING.acquire().await;
        queued.remove(&uri);
        let (Ok(turn), Some(snapshot)) = (turn, documents.snapshot(&uri)) else { return };
        let job = {
            let uri = uri.clone();
            move |snapshot: Arc<Snapshot>| {
                let doc = &snapshot.document;
                let failed = doc.analysis().is_none();
                // A pull client's report is made here too, so that its pull only frames it.
                if push {
                    let diagnostics = items(doc, &uri, encoding, workspace.as_ref());
                    let params =
                        PublishDiagnosticsParams { uri: uri.clone(), diagnostics, version: Some(snapshot.version) };
                    // Only if no newer version or `didClose` came while this checked: those
                    // publish their own, after this one.
                    if let Some(message) = output::notification(PUBLISH_DIAGNOSTICS, &params) {
                        documents.if_current(&uri, snapshot.id, || outbox.send(message));
                    }
                } else {
                    pulled_items(&snapshot, &uri, encoding, workspace.as_ref());
                }
                // The diagnostics are out and a waiting pull may go on; then what earlier
                // versions left is freed, here, off the message thread.
                drop(turn);
                snapshot.free_retired();
                failed
            }
        };
        let Some(failed) = sized(snapshot, job).await else { return };
        if failed {
            let message = format!("iam-lsp: analysis of {} failed (a bug); edit the document to retry", uri.as_str());
            client.log_message(MessageType::ERROR, message).await;
        }
    });
}

/// Answers `textDocument/diagnostic` with request id `id`: the current version's report, or
/// "unchanged" when the client already has it (the result id names the snapshot it was made
/// for). Written to the outbox; the returned future ends when it is.
pub(crate) fn pull(backend: &Backend, id: Id, params: DocumentDiagnosticParams) -> impl Future<Output = ()> + Send {
    let uri = params.text_document.uri;
    let snapshot = backend.documents.snapshot(&uri);
    let documents = backend.documents.clone();
    let outbox = backend.outbox.clone();
    let encoding = backend.encoding();
    let workspace = crate::cross_file::Workspace::of(backend);
    async move {
        let Some(snapshot) = snapshot else {
            outbox.send(output::error_response(&id, &not_open(&uri)));
            return;
        };
        let result_id = snapshot.id.to_string();
        if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
            let report = DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Unchanged(
                RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
                },
            ));
            outbox.send(framed_or_error(&id, output::response(&id, &report)));
            return;
        }
        // Checks wait their turn with the background ones; a version that a newer one
        // replaced meanwhile is not checked: the client is told to ask again (LSP 3.17's
        // ServerCancelled, which VS Code and Neovim retrigger).
        let _turn = if snapshot.document.checked() { None } else { CHECKING.acquire().await.ok() };
        if !snapshot.document.checked() && !documents.is_current(&uri, snapshot.id) {
            outbox.send(output::error_response(&id, &server_cancelled()));
            return;
        }
        let id_for_error = id.clone();
        let report = move |snapshot: &Snapshot| {
            guard("diagnostics", || {
                let items = pulled_items(snapshot, &uri, encoding, workspace.as_ref());
                framed_or_error(&id, output::full_report(&id, &result_id, items))
            })
            .unwrap_or_else(|error| output::error_response(&id, &error))
        };
        // Made by the background check already (the usual case): framed here, a copy.
        if snapshot.pulled_items.get().is_some() {
            outbox.send(report(&snapshot));
            return;
        }
        // Every request gets an answer: an error if the job died on its blocking thread.
        let message = sized(snapshot, move |snapshot| report(&snapshot)).await;
        outbox.send(message.unwrap_or_else(|| output::error_response(&id_for_error, &Error::internal_error())));
    }
}

/// The JSON array of the snapshot's diagnostics and the workspace's about it, for a pulled
/// report: made once per snapshot (the result id names it).
fn pulled_items<'a>(
    snapshot: &'a Snapshot,
    uri: &Uri,
    encoding: iam_analysis::Encoding,
    workspace: Option<&crate::cross_file::Workspace>,
) -> &'a [u8] {
    snapshot.pulled_items.get_or_init(|| {
        let items = items(&snapshot.document, uri, encoding, workspace);
        // LSP's diagnostics always serialize.
        serde_json::to_vec(&items).unwrap_or_else(|_| b"[]".to_vec())
    })
}

/// The document's diagnostics in LSP's terms, with the workspace's about it (pushed or pulled).
fn items(
    doc: &iam_analysis::Document,
    uri: &Uri,
    encoding: iam_analysis::Encoding,
    workspace: Option<&crate::cross_file::Workspace>,
) -> Vec<Diagnostic> {
    let mut items = convert::diagnostics(doc, doc.analysis(), encoding);
    if let Some(workspace) = workspace {
        items.extend(workspace.diagnostics(uri, doc, encoding));
    }
    items
}

/// The framed response, or an internal error for `id` when it could not be serialized (an
/// empty frame would end the outbox's writer).
fn framed_or_error(id: &Id, frame: Option<Vec<u8>>) -> Vec<u8> {
    frame.unwrap_or_else(|| output::error_response(id, &Error::internal_error()))
}

/// LSP's `ServerCancelled` (-32802) with `retriggerRequest`: ask again, for the newer version.
fn server_cancelled() -> Error {
    Error {
        code: ErrorCode::ServerError(-32802),
        message: "iam-lsp: the document changed before its diagnostics were made; ask again".into(),
        data: Some(serde_json::json!({ "retriggerRequest": true })),
    }
}
