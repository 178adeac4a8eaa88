//! The server's standard output, written by two sources: tower-lsp (responses, and the
//! requests and notifications it sends for us) and the diagnostics publisher.
//!
//! tower-lsp turns every outgoing message into a `serde_json::Value` tree before writing
//! it. For the ~900 diagnostics of a 1 MB document that tree cost ~7 ms on the thread that
//! reads messages, per keystroke; serializing the diagnostics straight to bytes takes ~1 ms
//! and is done on the thread that analysed the document. So tower-lsp writes into a pipe,
//! and one writer interleaves its messages with the publisher's, whole messages at a time
//! (on the runtime's thread where stdout is a pipe, see [`crate::stdio`]).

use serde::Serialize;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::sync::mpsc;

/// Where complete messages (framed, see [`frame`]) are sent to be written.
#[derive(Clone)]
pub struct Outbox(mpsc::UnboundedSender<Vec<u8>>);

impl Outbox {
    /// Queues a framed message; after the writer stopped (the client sent `exit`), drops it.
    pub fn send(&self, frame: Vec<u8>) {
        let _ = self.0.send(frame);
    }

    /// Sends a JSON-RPC notification, serialized here rather than through a `Value`.
    pub fn notify<P: Serialize>(&self, method: &str, params: &P) {
        if let Some(frame) = notification(method, params) {
            self.send(frame);
        }
    }
}

/// A JSON-RPC notification, framed; `None` if `params` cannot be serialized (it always can
/// for LSP types).
pub fn notification<P: Serialize>(method: &str, params: &P) -> Option<Vec<u8>> {
    #[derive(Serialize)]
    struct Notification<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    let body = serde_json::to_vec(&Notification { jsonrpc: "2.0", method, params }).ok()?;
    Some(frame(&body))
}

/// A JSON-RPC response carrying `result`, framed, serialized here rather than through a
/// `Value` (a pulled report of a large document is megabytes).
pub fn response<R: Serialize>(id: &tower_lsp_server::jsonrpc::Id, result: &R) -> Option<Vec<u8>> {
    #[derive(Serialize)]
    struct Response<'a, R> {
        jsonrpc: &'static str,
        id: &'a tower_lsp_server::jsonrpc::Id,
        result: &'a R,
    }
    let body = serde_json::to_vec(&Response { jsonrpc: "2.0", id, result }).ok()?;
    Some(frame(&body))
}

/// The response to a `textDocument/diagnostic` request `id`: a full report `result_id`
/// whose `items` are already serialized (a JSON array, see
/// [`crate::documents::Snapshot::pulled_items`]), framed with one copy of them.
pub fn full_report(id: &tower_lsp_server::jsonrpc::Id, result_id: &str, items: &[u8]) -> Option<Vec<u8>> {
    let (id, result_id) = (serde_json::to_vec(id).ok()?, serde_json::to_vec(result_id).ok()?);
    let parts: [&[u8]; 7] = [
        b"{\"jsonrpc\":\"2.0\",\"id\":",
        &id,
        b",\"result\":{\"kind\":\"full\",\"resultId\":",
        &result_id,
        b",\"items\":",
        items,
        b"}}",
    ];
    let length: usize = parts.iter().map(|part| part.len()).sum();
    let header = format!("Content-Length: {length}\r\n\r\n");
    let mut framed = Vec::with_capacity(header.len() + length);
    framed.extend_from_slice(header.as_bytes());
    for part in parts {
        framed.extend_from_slice(part);
    }
    Some(framed)
}

/// A JSON-RPC error response, framed.
pub fn error_response(id: &tower_lsp_server::jsonrpc::Id, error: &tower_lsp_server::jsonrpc::Error) -> Vec<u8> {
    #[derive(Serialize)]
    struct ErrorResponse<'a> {
        jsonrpc: &'static str,
        id: &'a tower_lsp_server::jsonrpc::Id,
        error: &'a tower_lsp_server::jsonrpc::Error,
    }
    let body = serde_json::to_vec(&ErrorResponse { jsonrpc: "2.0", id, error })
        .unwrap_or_else(|_| br#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"iam-lsp"}}"#.to_vec());
    frame(&body)
}

/// A message body with its `Content-Length` header, as LSP's base protocol frames it.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    let mut framed = Vec::with_capacity(header.len() + body.len());
    framed.extend_from_slice(header.as_bytes());
    framed.extend_from_slice(body);
    framed
}

/// What writes the outbox into the server's output: a future for the runtime.
pub type Writer = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The outbox, and the writer that empties it into standard output together with the
/// messages framed on `from_lsp` (tower-lsp's side of a pipe): on the runtime's own thread
/// where stdout is a pipe or a socket ([`crate::stdio`]), else on a thread of its own (see
/// [`writer`]). The writer ends when `from_lsp` does, once what was queued before then is
/// written. An error only if the thread cannot be started.
pub fn stdout_writer(from_lsp: impl AsyncRead + Unpin + Send + 'static) -> std::io::Result<(Outbox, Writer)> {
    #[cfg(unix)]
    if let Some(out) = crate::stdio::stdout() {
        let (outbox, mut queued) = outbox();
        let tx = outbox.0.clone();
        let write = async move {
            while let Some(frame) = queued.recv().await {
                // An empty message marks the end: what the publisher queues later is dropped.
                if frame.is_empty() || crate::stdio::write_all(&out, &frame).await.is_err() {
                    break; // the end, or the client is gone
                }
            }
        };
        return Ok((
            outbox,
            Box::pin(async move {
                tokio::join!(forward(from_lsp, tx), write);
            }),
        ));
    }
    writer(from_lsp, std::io::stdout())
}

fn outbox() -> (Outbox, mpsc::UnboundedReceiver<Vec<u8>>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (Outbox(tx), rx)
}

/// [`stdout_writer`] for any output, written by a thread of its own, blocked on the outbox
/// between messages: a message is written as soon as it is queued (tokio's stdout would hand
/// each write to its blocking pool, a second thread hand-off per message).
pub fn writer(
    from_lsp: impl AsyncRead + Unpin + Send + 'static,
    mut out: impl Write + Send + 'static,
) -> std::io::Result<(Outbox, Writer)> {
    let (outbox, mut queued) = outbox();
    let (written, all_written) = tokio::sync::oneshot::channel::<()>();
    std::thread::Builder::new().name("iam-lsp-output".into()).spawn(move || {
        while let Some(frame) = queued.blocking_recv() {
            // An empty message marks the end: what the publisher queues later is dropped.
            if frame.is_empty() || out.write_all(&frame).and_then(|()| out.flush()).is_err() {
                break; // the end, or the client is gone
            }
        }
        let _ = written.send(());
    })?;
    let tx = outbox.0.clone();
    let write = async move {
        forward(from_lsp, tx).await;
        let _ = all_written.await;
    };
    Ok((outbox, Box::pin(write)))
}

/// Queues tower-lsp's messages, whole, then the end mark once `from_lsp` ends.
async fn forward(from_lsp: impl AsyncRead + Unpin, tx: mpsc::UnboundedSender<Vec<u8>>) {
    let mut from_lsp = BufReader::new(from_lsp);
    while let Some(frame) = read_frame(&mut from_lsp).await {
        if tx.send(frame).is_err() {
            return;
        }
    }
    let _ = tx.send(Vec::new());
}

/// The next whole message (header and body) from a stream of framed messages; `None` at
/// the end or on a malformed header (tower-lsp writes only well-formed ones).
async fn read_frame(reader: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Vec<u8>> {
    let mut frame = Vec::new();
    let mut length = None;
    loop {
        let start = frame.len();
        if reader.read_until(b'\n', &mut frame).await.ok()? == 0 {
            return None;
        }
        let line = std::str::from_utf8(&frame[start..]).ok()?.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("Content-Length") {
                length = value.trim().parse::<usize>().ok();
            }
        }
    }
    let length = length?;
    let start = frame.len();
    frame.resize(start + length, 0);
    reader.read_exact(&mut frame[start..]).await.ok()?;
    Some(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages in a byte stream, as (header, body) text.
    fn messages(mut bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        while !bytes.is_empty() {
            let text = std::str::from_utf8(bytes).expect("UTF-8");
            let (header, rest) = text.split_once("\r\n\r\n").expect("a header");
            let length: usize = header.strip_prefix("Content-Length: ").expect("a length").parse().expect("a number");
            out.push(rest[..length].to_string());
            bytes = &rest.as_bytes()[length..];
        }
        out
    }

    #[test]
    fn a_full_report_framed_from_serialized_items_is_the_report_serialized_whole() {
        use tower_lsp_server::jsonrpc::Id;
        use tower_lsp_server::ls_types::*;
        let items = vec![Diagnostic {
            range: Range::new(Position::new(1, 2), Position::new(1, 9)),
            severity: Some(DiagnosticSeverity::WARNING),
            code: Some(NumberOrString::String("resource-star".into())),
            message: "é \"quoted\"".into(),
            ..Diagnostic::default()
        }];
        for id in [Id::Number(7), Id::String("a\"b".into())] {
            let whole = DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
                RelatedFullDocumentDiagnosticReport {
                    related_documents: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: Some("42".into()),
                        items: items.clone(),
                    },
                },
            ));
            let expected = messages(&response(&id, &whole).expect("serializable"));
            let framed = full_report(&id, "42", &serde_json::to_vec(&items).expect("serializable")).expect("framed");
            let got = messages(&framed);
            let value = |m: &str| serde_json::from_str::<serde_json::Value>(m).expect("JSON");
            assert_eq!(got.len(), 1);
            assert_eq!(value(&got[0]), value(&expected[0]));
        }
    }

    /// What the client would read.
    #[derive(Clone, Default)]
    struct Received(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for Received {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("not poisoned").extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn messages_from_both_sources_arrive_whole_and_in_each_ones_order() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            use tokio::io::AsyncWriteExt;
            let (mut lsp_side, from_lsp) = tokio::io::duplex(64);
            let received = Received::default();
            let (outbox, writer) = writer(from_lsp, received.clone()).expect("a writer thread");
            let writer = tokio::spawn(writer);
            let (done, until_done) = tokio::sync::oneshot::channel::<()>();
            let lsp = tokio::spawn(async move {
                for i in 0..50 {
                    let body = format!("{{\"from\":\"lsp\",\"n\":{i},\"pad\":\"{}\"}}", "é".repeat(i * 7));
                    // Written in small pieces, as a pipe may pass them on.
                    for piece in frame(body.as_bytes()).chunks(13) {
                        lsp_side.write_all(piece).await.expect("write");
                    }
                    tokio::task::yield_now().await;
                }
                // tower-lsp stops (closing its side) only after the direct messages are queued.
                let _ = until_done.await;
            });
            for i in 0..50 {
                outbox.notify("direct", &serde_json::json!({ "n": i }));
                tokio::task::yield_now().await;
            }
            let _ = done.send(());
            lsp.await.expect("lsp side");
            writer.await.expect("writer");
            outbox.notify("direct", &serde_json::json!({ "n": "after the end" }));
            let bytes = received.0.lock().expect("not poisoned").clone();

            let messages: Vec<serde_json::Value> =
                messages(&bytes).iter().map(|m| serde_json::from_str(m).expect("whole JSON")).collect();
            let from_lsp: Vec<_> = messages.iter().filter(|m| m["from"] == "lsp").map(|m| m["n"].clone()).collect();
            let direct: Vec<_> =
                messages.iter().filter(|m| m["method"] == "direct").map(|m| m["params"]["n"].clone()).collect();
            assert_eq!(from_lsp, (0..50).collect::<Vec<_>>());
            assert_eq!(direct, (0..50).collect::<Vec<_>>(), "direct messages, and none after the end");
            assert_eq!(messages.len(), 100);
        });
    }
}
