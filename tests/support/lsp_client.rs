//! A client that drives the built `iam-lsp` binary over stdio, as an editor does.

#![allow(dead_code)]

use std::io::{BufReader, Write};
use std::process::{Child, ChildStdin};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

#[path = "framing.rs"]
mod framing;
#[path = "server.rs"]
mod server;

/// Generous: a bound on waiting for a message that should come, not a timing assertion.
pub const WAIT: Duration = Duration::from_secs(20);

pub struct Client {
    pub child: Child,
    pub stdin: ChildStdin,
    pub messages: Receiver<Value>,
    pub next_id: i64,
    /// Notifications read while waiting for something else.
    pub backlog: Vec<Value>,
}

impl Client {
    pub fn start() -> Client {
        let mut child = server::spawn();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(body) = framing::read_message(&mut reader) {
                if tx.send(serde_json::from_slice(&body).expect("server sent JSON")).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, messages, next_id: 1, backlog: Vec::new() }
    }

    pub fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.messages.recv_timeout(WAIT).expect("a response");
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// Initializes as a client that renders markdown (as VS Code and Neovim do), whatever
    /// else `capabilities` says.
    pub fn initialize(&mut self, mut capabilities: Value) -> Value {
        let text_document = capabilities.as_object_mut().unwrap().entry("textDocument").or_insert(json!({}));
        text_document["hover"] = json!({"contentFormat": ["markdown", "plaintext"]});
        let completion = text_document.as_object_mut().unwrap().entry("completion").or_insert(json!({}));
        let item = completion.as_object_mut().unwrap().entry("completionItem").or_insert(json!({}));
        item["documentationFormat"] = json!(["markdown", "plaintext"]);
        let response =
            self.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": capabilities}));
        self.notify("initialized", json!({}));
        response["result"].clone()
    }

    /// The next message the server sends with this method (others go to the backlog).
    pub fn next(&mut self, method: &str) -> Value {
        loop {
            let message = self.messages.recv_timeout(WAIT).unwrap_or_else(|_| panic!("a {method} message"));
            if message["method"] == method {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// The next `publishDiagnostics` for `uri` (from the backlog first).
    pub fn diagnostics(&mut self, uri: &str) -> Value {
        let is_for = |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri;
        if let Some(i) = self.backlog.iter().position(is_for) {
            return self.backlog.remove(i)["params"].clone();
        }
        loop {
            let message = self.messages.recv_timeout(WAIT).expect("publishDiagnostics");
            if is_for(&message) {
                return message["params"].clone();
            }
            self.backlog.push(message);
        }
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    pub fn shutdown(mut self) {
        let response = self.request("shutdown", json!(null));
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", json!(null));
        drop(self.stdin);
        let status = wait_exit(&mut self.child);
        assert!(status.is_some(), "server did not exit after `exit`");
    }
}

pub fn wait_exit(child: &mut Child) -> Option<std::process::ExitStatus> {
    for _ in 0..200 {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    None
}
