//! The base protocol under abuse, end to end over stdio: each malformed or hostile message
//! gets the answer JSON-RPC prescribes (or none, for notifications), and the server goes on
//! serving the document it has open.
//!
//! Each case is a `#[test]` of its own (a fresh server, so a case that kills it fails alone)
//! and all of them run again one after another in a single session, which ends with the
//! diagnostics still there and a clean `shutdown` / `exit`.

use std::io::{BufReader, Write};
use std::process::{Child, ChildStdin};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

#[path = "support/framing.rs"]
mod framing;
#[path = "support/policy.rs"]
mod policy;
#[path = "support/server.rs"]
mod server;

use policy::POLICY;

/// Generous: a bound on waiting for a message that should come, not a timing assertion.
const WAIT: Duration = Duration::from_secs(20);

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;

const URI: &str = "file:///work/protocol.json";

/// What a case makes the server send before it answers the hover that follows the case.
#[derive(Debug, PartialEq)]
enum Answer {
    Error { code: i64, id: Value },
    Result { id: Value },
}

fn error(code: i64, id: impl Into<Value>) -> Answer {
    Answer::Error { code, id: id.into() }
}

fn result(id: i64) -> Answer {
    Answer::Result { id: json!(id) }
}

struct Case {
    /// What the client writes, one `write` each (then flushed).
    writes: Vec<Vec<u8>>,
    /// The responses due, in order; none for notifications and skipped bytes.
    answers: Vec<Answer>,
}

impl Case {
    fn new(bytes: impl Into<Vec<u8>>, answers: Vec<Answer>) -> Case {
        Case { writes: vec![bytes.into()], answers }
    }
}

/// A body with a correct `Content-Length` header.
fn frame(body: &[u8]) -> Vec<u8> {
    with_header(&format!("Content-Length: {}\r\n\r\n", body.len()), body)
}

fn with_header(header: &str, body: &[u8]) -> Vec<u8> {
    [header.as_bytes(), body].concat()
}

/// A valid hover request on the open policy (on `InvokeModel`).
fn hover(id: i64) -> Vec<u8> {
    json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover",
           "params": {"textDocument": {"uri": URI}, "position": {"line": 6, "character": 30}}})
    .to_string()
    .into_bytes()
}

// ---- Malformed bodies ----

fn body_not_json_is_a_parse_error_with_the_id_it_had() -> Case {
    let body = br#"{"jsonrpc":"2.0","id":101,"method":"textDocument/hover","params":{"textDocument":,}}"#;
    Case::new(frame(body), vec![error(PARSE_ERROR, 101)])
}

fn body_of_plain_text_is_a_parse_error_with_a_null_id() -> Case {
    Case::new(frame(b"hello, server"), vec![error(PARSE_ERROR, Value::Null)])
}

fn body_not_utf8_is_a_parse_error_with_the_id_it_had() -> Case {
    // A lone 0xFF byte inside the URI string.
    let body = String::from_utf8(hover(102)).unwrap().replace("protocol.json", "\u{0}.json");
    let body: Vec<u8> = body.into_bytes().into_iter().map(|b| if b == 0 { 0xFF } else { b }).collect();
    assert!(std::str::from_utf8(&body).is_err());
    Case::new(frame(&body), vec![error(PARSE_ERROR, 102)])
}

fn json_that_is_not_an_object_is_an_invalid_request() -> Case {
    Case::new(frame(b"42"), vec![error(INVALID_REQUEST, Value::Null)])
}

fn object_that_is_not_jsonrpc_is_an_invalid_request() -> Case {
    Case::new(frame(br#"{"hello":"world"}"#), vec![error(INVALID_REQUEST, Value::Null)])
}

fn wrong_jsonrpc_version_is_an_invalid_request_with_its_id() -> Case {
    let body = String::from_utf8(hover(103)).unwrap().replace("\"2.0\"", "\"1.0\"");
    Case::new(frame(body.as_bytes()), vec![error(INVALID_REQUEST, 103)])
}

fn request_without_a_method_is_an_invalid_request_with_its_id() -> Case {
    Case::new(frame(br#"{"jsonrpc":"2.0","id":104}"#), vec![error(INVALID_REQUEST, 104)])
}

fn id_that_is_an_object_is_an_invalid_request_with_a_null_id() -> Case {
    let body = br#"{"jsonrpc":"2.0","id":{"n":1},"method":"textDocument/hover"}"#;
    Case::new(frame(body), vec![error(INVALID_REQUEST, Value::Null)])
}

fn batch_is_an_invalid_request() -> Case {
    let body = [b"[".as_slice(), &hover(105), b"]"].concat();
    Case::new(frame(&body), vec![error(INVALID_REQUEST, Value::Null)])
}

fn empty_batch_is_an_invalid_request() -> Case {
    Case::new(frame(b"[]"), vec![error(INVALID_REQUEST, Value::Null)])
}

fn empty_body_is_a_parse_error() -> Case {
    Case::new(frame(b""), vec![error(PARSE_ERROR, Value::Null)])
}

// ---- Wrong `Content-Length` ----

/// The body is cut short: a parse error for it; the rest of it is skipped up to the next
/// header.
fn content_length_too_short() -> Case {
    let body = hover(106);
    let header = format!("Content-Length: {}\r\n\r\n", body.len() - 12);
    Case::new(with_header(&header, &body), vec![error(PARSE_ERROR, 106)])
}

/// The body read runs into the next message's header: the message before the header is
/// recovered and answered (once the next message has arrived).
fn content_length_too_long() -> Case {
    let body = hover(107);
    let header = format!("Content-Length: {}\r\n\r\n", body.len() + 40);
    Case::new(with_header(&header, &body), vec![result(107)])
}

fn content_length_not_a_number() -> Case {
    Case::new(with_header("Content-Length: forty\r\n\r\n", &hover(108)), vec![error(PARSE_ERROR, 108)])
}

fn content_length_missing() -> Case {
    let header = "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n";
    Case::new(with_header(header, &hover(109)), vec![error(PARSE_ERROR, 109)])
}

fn content_length_negative() -> Case {
    Case::new(with_header("Content-Length: -5\r\n\r\n", &hover(110)), vec![error(PARSE_ERROR, 110)])
}

fn content_length_beyond_any_integer() -> Case {
    let header = "Content-Length: 99999999999999999999999999\r\n\r\n";
    Case::new(with_header(header, &hover(111)), vec![error(PARSE_ERROR, 111)])
}

fn content_length_duplicated_with_different_values() -> Case {
    let body = hover(112);
    let header = format!("Content-Length: {}\r\nContent-Length: {}\r\n\r\n", body.len(), body.len() + 1);
    Case::new(with_header(&header, &body), vec![error(PARSE_ERROR, 112)])
}

fn content_length_duplicated_with_the_same_value_is_accepted() -> Case {
    let body = hover(113);
    let header = format!("Content-Length: {0}\r\ncontent-length: {0}\r\n\r\n", body.len());
    Case::new(with_header(&header, &body), vec![result(113)])
}

// ---- Headers ----

/// A header that promises a body which never comes: the next message's header, read as
/// that body, is recognised and read as a header again.
fn header_without_a_body() -> Case {
    Case::new(b"Content-Length: 60\r\n\r\n".to_vec(), vec![error(PARSE_ERROR, Value::Null)])
}

fn unknown_headers_are_ignored() -> Case {
    let body = hover(114);
    let header = format!(
        "X-Editor: test\r\nContent-Type: application/vscode-jsonrpc; charset=latin-1\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    Case::new(with_header(&header, &body), vec![result(114)])
}

fn header_lines_ending_in_lf_only_are_accepted() -> Case {
    let body = hover(115);
    Case::new(with_header(&format!("Content-Length: {}\n\n", body.len()), &body), vec![result(115)])
}

/// `Content-Length: 123{...}`: no line end at all, so no body; a parse error with its id.
fn header_line_without_any_line_end() -> Case {
    let body = hover(116);
    Case::new(with_header(&format!("Content-Length: {}", body.len()), &body), vec![error(PARSE_ERROR, 116)])
}

/// Bytes between messages that are no header at all are skipped without an answer.
fn garbage_between_messages_is_skipped() -> Case {
    Case::new(b"\x00\x01 garbage\r\n\r\n}}".to_vec(), vec![])
}

// ---- Size and pace ----

/// Over the server's limit: refused without being held in memory, the id (last in the
/// body) found while skipping exactly those bytes; the next message is read normally.
fn body_of_100_mb_is_refused_with_its_id() -> Case {
    let padding = "x".repeat(100 << 20);
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/hover","params":{{"textDocument":{{"uri":"{URI}"}},"position":{{"line":6,"character":30}},"padding":"{padding}"}},"id":117}}"#
    );
    Case::new(frame(body.as_bytes()), vec![error(INVALID_REQUEST, 117)])
}

fn message_in_one_byte_writes() -> Case {
    Case { writes: frame(&hover(118)).into_iter().map(|b| vec![b]).collect(), answers: vec![result(118)] }
}

// ---- Methods and parameters ----

fn unknown_request_method_is_method_not_found() -> Case {
    let body = br#"{"jsonrpc":"2.0","id":119,"method":"iam-lsp/noSuchMethod","params":{}}"#;
    Case::new(frame(body), vec![error(METHOD_NOT_FOUND, 119)])
}

fn unknown_notification_is_ignored() -> Case {
    Case::new(frame(br#"{"jsonrpc":"2.0","method":"iam-lsp/noSuchNotification","params":{}}"#), vec![])
}

fn request_with_wrong_parameter_types_is_invalid_params() -> Case {
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":120,"method":"textDocument/hover","params":{{"textDocument":{{"uri":"{URI}"}},"position":"here"}}}}"#
    );
    Case::new(frame(body.as_bytes()), vec![error(INVALID_PARAMS, 120)])
}

/// Ignored: the document keeps its text (the diagnostics at the end of the session show it).
fn notification_with_wrong_parameter_types_is_ignored() -> Case {
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{URI}","version":2}},"contentChanges":5}}}}"#
    );
    Case::new(frame(body.as_bytes()), vec![])
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        const CASES: &[(&str, fn() -> Case)] = &[$((stringify!($name), $name)),*];
        /// Each case alone, in a fresh server.
        mod alone {
            $(#[test] fn $name() { super::alone(stringify!($name), super::$name); })*
        }
    };
}

cases! {
    body_not_json_is_a_parse_error_with_the_id_it_had,
    body_of_plain_text_is_a_parse_error_with_a_null_id,
    body_not_utf8_is_a_parse_error_with_the_id_it_had,
    json_that_is_not_an_object_is_an_invalid_request,
    object_that_is_not_jsonrpc_is_an_invalid_request,
    wrong_jsonrpc_version_is_an_invalid_request_with_its_id,
    request_without_a_method_is_an_invalid_request_with_its_id,
    id_that_is_an_object_is_an_invalid_request_with_a_null_id,
    batch_is_an_invalid_request,
    empty_batch_is_an_invalid_request,
    empty_body_is_a_parse_error,
    content_length_too_short,
    content_length_too_long,
    content_length_not_a_number,
    content_length_missing,
    content_length_negative,
    content_length_beyond_any_integer,
    content_length_duplicated_with_different_values,
    content_length_duplicated_with_the_same_value_is_accepted,
    header_without_a_body,
    unknown_headers_are_ignored,
    header_lines_ending_in_lf_only_are_accepted,
    header_line_without_any_line_end,
    garbage_between_messages_is_skipped,
    body_of_100_mb_is_refused_with_its_id,
    message_in_one_byte_writes,
    unknown_request_method_is_method_not_found,
    unknown_notification_is_ignored,
    request_with_wrong_parameter_types_is_invalid_params,
    notification_with_wrong_parameter_types_is_ignored,
}

#[test]
fn every_case_in_one_session_then_the_diagnostics_are_intact_and_exit_is_clean() {
    let mut session = Session::start();
    for (name, case) in CASES {
        session.check(name, &case());
    }
    session.finish();
}

#[test]
fn stdin_closing_mid_body_ends_the_server_cleanly() {
    let mut session = Session::start();
    let body = hover(1);
    session.write(&with_header(&format!("Content-Length: {}\r\n\r\n", body.len()), &body[..20]));
    session.close_stdin_and_expect_exit_code_0();
}

#[test]
fn stdin_closing_mid_header_ends_the_server_cleanly() {
    let mut session = Session::start();
    session.write(b"Content-Len");
    session.close_stdin_and_expect_exit_code_0();
}

/// Where stdin and stdout are pipes of their own, the server reads and writes them on its
/// runtime's thread (server/lsp/src/stdio.rs); anything else goes through its reading and
/// writing threads. Neither may be made non-blocking when stdin is a file, or when stdout
/// shares one pipe with stderr (`2>&1`: a log line would then fail on a full pipe). Here
/// stderr and stdout are one socket.
#[cfg(unix)]
fn spawn_with_shared_output(stdin: std::process::Stdio) -> (Child, BufReader<std::os::unix::net::UnixStream>) {
    use std::os::fd::OwnedFd;
    let (output, shared) = std::os::unix::net::UnixStream::pair().expect("a socket pair");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_iam-lsp"))
        .stdin(stdin)
        .stdout(OwnedFd::from(shared.try_clone().expect("clone the socket")))
        .stderr(OwnedFd::from(shared))
        .spawn()
        .expect("start iam-lsp");
    (child, BufReader::new(output))
}

#[cfg(unix)]
#[test]
fn stdin_from_a_file_is_read_by_a_thread_and_answered() {
    // Broken JSON with an id: the reading thread answers it itself, then the input ends.
    let input = std::env::temp_dir().join(format!("iam-lsp-protocol-{}.in", std::process::id()));
    std::fs::write(&input, frame(br#"{"jsonrpc":"2.0","id":7,"method":"#)).expect("write the input");
    let (mut child, mut output) = spawn_with_shared_output(std::fs::File::open(&input).expect("open the input").into());
    let answer: Value = serde_json::from_slice(&framing::read_message(&mut output).expect("an answer")).expect("JSON");
    let status = child.wait().expect("the server ends");
    let _ = std::fs::remove_file(&input);
    assert_eq!((answer["id"].clone(), answer["error"]["code"].clone()), (json!(7), json!(PARSE_ERROR)));
    assert!(status.success(), "the end of the input ends the server cleanly: {status}");
}

#[cfg(unix)]
#[test]
fn stdout_shared_with_stderr_is_written_by_a_thread_and_a_session_is_served() {
    let (mut child, mut output) = spawn_with_shared_output(std::process::Stdio::piped());
    let mut stdin = child.stdin.take().expect("piped stdin");
    let mut send = |message: Value| {
        stdin.write_all(&frame(message.to_string().as_bytes())).expect("write");
        stdin.flush().expect("flush");
    };
    let mut next = |what: &dyn Fn(&Value) -> bool| loop {
        let received: Value =
            serde_json::from_slice(&framing::read_message(&mut output).expect("a message")).expect("JSON");
        if what(&received) {
            return received;
        }
    };
    send(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                "params": {"processId": null, "rootUri": null, "capabilities": {}}}));
    assert!(next(&|m| m["id"] == 0)["result"]["capabilities"].is_object());
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    send(json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
        {"uri": URI, "languageId": "json", "version": 1, "text": POLICY}}}));
    let published = next(&|m| m["method"] == "textDocument/publishDiagnostics");
    assert_eq!(codes(&published["params"]["diagnostics"]), ["unknown-action"]);
    send(json!({"jsonrpc": "2.0", "id": 1, "method": "shutdown"}));
    assert!(next(&|m| m["id"] == 1)["result"].is_null());
    send(json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    assert!(child.wait().expect("the server ends").success());
}

fn alone(name: &str, case: fn() -> Case) {
    let mut session = Session::start();
    session.check(name, &case());
    session.finish();
}

/// The server, initialized, with the policy open and its diagnostics published.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Session {
    fn start() -> Session {
        let mut child = server::spawn();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(body) = framing::read_message(&mut reader) {
                if tx.send(serde_json::from_slice(&body).expect("server sent JSON")).is_err() {
                    return;
                }
            }
        });
        let mut session = Session { child, stdin, messages, next_id: 1 };
        let initialize = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                                "params": {"processId": null, "rootUri": null, "capabilities":
                                    {"textDocument": {"hover": {"contentFormat": ["markdown"]}}}}});
        session.send(&initialize);
        assert!(session.response(&json!(0)).get("result").is_some(), "initialize");
        session.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
        session.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
            {"uri": URI, "languageId": "json", "version": 1, "text": POLICY}}}));
        loop {
            let message = session.receive("publishDiagnostics after didOpen");
            if message["method"] == "textDocument/publishDiagnostics" {
                assert_eq!(codes(&message["params"]["diagnostics"]), ["unknown-action"]);
                return session;
            }
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("write to the server");
        stdin.flush().expect("flush");
    }

    fn send(&mut self, message: &Value) {
        self.write(&frame(message.to_string().as_bytes()));
    }

    fn receive(&mut self, what: &str) -> Value {
        self.messages.recv_timeout(WAIT).unwrap_or_else(|_| panic!("no message from the server: waiting for {what}"))
    }

    /// The response with this id; fails on any other response on the way.
    fn response(&mut self, id: &Value) -> Value {
        loop {
            let message = self.receive(&format!("the response to {id}"));
            if message.get("method").is_none() {
                assert_eq!(&message["id"], id, "an unexpected response: {message}");
                return message;
            }
        }
    }

    /// Sends the case, then a normal hover; checks what came before the hover's answer,
    /// and that the hover was answered as always.
    fn check(&mut self, name: &str, case: &Case) {
        let pace = case.writes.len() > 1;
        for bytes in &case.writes {
            self.write(bytes);
            if pace {
                // Small pauses, so that the server reads the pieces one by one.
                std::thread::sleep(Duration::from_micros(300));
            }
        }
        let id = 10_000 + self.next_id;
        self.next_id += 1;
        self.write(&frame(&hover(id)));
        let mut answers = Vec::new();
        let hover = loop {
            let message = self.receive(&format!("case `{name}`: the answers, then the hover {id}"));
            if message.get("method").is_some() {
                continue; // notifications (logMessage) are not answers
            }
            if message["id"] == json!(id) {
                break message;
            }
            answers.push(match message.get("error") {
                Some(error) => Answer::Error { code: error["code"].as_i64().unwrap_or(0), id: message["id"].clone() },
                None => Answer::Result { id: message["id"].clone() },
            });
        };
        assert_eq!(answers, case.answers, "case `{name}`: the answers");
        let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
        assert!(markdown.starts_with("**bedrock:InvokeModel**"), "case `{name}`: the hover after it: {hover}");
    }

    /// The document's diagnostics are as they were; `shutdown`, `exit`, exit code 0.
    fn finish(mut self) {
        self.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "textDocument/diagnostic",
                          "params": {"textDocument": {"uri": URI}}}));
        let report = self.response(&json!(1));
        assert_eq!(codes(&report["result"]["items"]), ["unknown-action"], "{report}");
        self.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
        let shutdown = self.response(&json!(2));
        assert!(shutdown.get("error").is_none(), "{shutdown}");
        self.send(&json!({"jsonrpc": "2.0", "method": "exit"}));
        self.expect_exit_code_0();
    }

    fn close_stdin_and_expect_exit_code_0(mut self) {
        self.stdin = None;
        self.expect_exit_code_0();
    }

    fn expect_exit_code_0(mut self) {
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert_eq!(status.code(), Some(0), "exit status");
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("the server did not exit");
    }
}

fn codes(diagnostics: &Value) -> Vec<&str> {
    diagnostics.as_array().map(|d| d.iter().filter_map(|d| d["code"].as_str()).collect()).unwrap_or_default()
}
