//! A minimal LSP client over the server's stdio that timestamps every message as it arrives.

use std::io::{BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

#[path = "../../../tests/support/framing.rs"]
mod framing;

/// A bound on waiting for a message that should come: if it passes, the benchmark fails.
pub const WAIT: Duration = Duration::from_secs(60);

pub struct Client {
    pub child: Child,
    stdin: ChildStdin,
    messages: Receiver<(Instant, Value)>,
    next_id: i64,
    /// Messages read while waiting for something else.
    backlog: Vec<(Instant, Value)>,
}

impl Client {
    pub fn start(server: &Path) -> Client {
        let mut child = Command::new(server)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", server.display()));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        // One thread reads and timestamps messages, another parses them: a reader that also
        // parsed would leave the server's writes waiting while it parses the previous 500 KB
        // of diagnostics, and the wait would count as the server's latency.
        let (tx_raw, raw) = mpsc::channel::<(Instant, Vec<u8>)>();
        std::thread::spawn(move || {
            let mut reader = BufReader::with_capacity(1 << 16, stdout);
            while let Some(body) = framing::read_message(&mut reader) {
                // The time the whole message had arrived, before the client spends any on it.
                if tx_raw.send((Instant::now(), body)).is_err() {
                    return;
                }
            }
        });
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            for (at, body) in raw {
                let message: Value = serde_json::from_slice(&body).expect("the server sends JSON");
                if tx.send((at, message)).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, messages, next_id: 1, backlog: Vec::new() }
    }

    /// Sends a message; returns the time just before its first byte was written.
    pub fn send(&mut self, message: &Value) -> Instant {
        let body = message.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        let at = Instant::now();
        self.stdin.write_all(framed.as_bytes()).expect("write to the server");
        self.stdin.flush().expect("flush to the server");
        at
    }

    pub fn notify(&mut self, method: &str, params: Value) -> Instant {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Sends a request and waits for its response: (when the response arrived, the response).
    pub fn request(&mut self, method: &str, params: Value) -> (Instant, Value) {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    /// The first message (from the backlog, then as they come) that `wanted` accepts.
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> (Instant, Value) {
        if let Some(i) = self.backlog.iter().position(|(_, m)| wanted(m)) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok((at, m)) if wanted(&m) => return (at, m),
                Ok(other) => self.backlog.push(other),
                Err(RecvTimeoutError::Timeout) => panic!("no expected message from the server within {WAIT:?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
            }
        }
    }

    /// Every message that has arrived so far, backlog first, without waiting.
    pub fn drain(&mut self) -> Vec<(Instant, Value)> {
        let mut out = std::mem::take(&mut self.backlog);
        out.extend(self.messages.try_iter());
        out
    }

    /// `initialize` (UTF-16 positions, as VS Code) and `initialized` as a client that takes
    /// pushed diagnostics; returns when the `initialize` response arrived.
    pub fn handshake(&mut self) -> Instant {
        self.handshake_as(Delivery::Push)
    }

    /// [`Client::handshake`] as a client that takes diagnostics the way `delivery` says: a
    /// pull client sends what VS Code 1.100 and Neovim 0.11 send for it.
    pub fn handshake_as(&mut self, delivery: Delivery) -> Instant {
        let mut capabilities = json!({
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {"publishDiagnostics": {"versionSupport": true}},
        });
        if delivery == Delivery::Pull {
            capabilities["textDocument"]["diagnostic"] =
                json!({"dynamicRegistration": true, "relatedDocumentSupport": false});
            capabilities["workspace"] = json!({"diagnostics": {"refreshSupport": true}});
        }
        let (at, response) =
            self.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": capabilities}));
        assert!(response.get("result").is_some(), "initialize failed: {response}");
        self.notify("initialized", json!({}));
        at
    }

    /// Sends a request without waiting; returns its id and when it was sent.
    pub fn send_request(&mut self, method: &str, params: Value) -> (i64, Instant) {
        let id = self.next_id;
        self.next_id += 1;
        (id, self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})))
    }

    pub fn open(&mut self, uri: &str, text: &str) -> Instant {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}),
        )
    }

    /// Peak and current resident set size of the server, in bytes (from /proc).
    pub fn rss(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("/proc/PID/status");
        let field = |name: &str| -> u64 {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .map_or(0, |kb| kb * 1024)
        };
        (field("VmHWM:"), field("VmRSS:"))
    }

    pub fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        drop(self.stdin);
        let _ = self.child.wait();
    }
}

/// How a client takes diagnostics: pushed to it (`publishDiagnostics`), or pulled with
/// `textDocument/diagnostic` after each change (what VS Code and Neovim 0.11 do).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    Push,
    Pull,
}

impl Delivery {
    pub fn name(self) -> &'static str {
        match self {
            Delivery::Push => "push",
            Delivery::Pull => "pull",
        }
    }
}

/// Whether `message` is the response to request `id`.
pub fn response_to(message: &Value, id: i64) -> bool {
    message.get("id") == Some(&json!(id)) && message.get("method").is_none()
}

/// Whether a pulled report is a full one (not an error, such as a server cancellation
/// for a version superseded before its turn).
pub fn full_report(message: &Value) -> bool {
    message.get("result").and_then(|r| r.get("kind")).and_then(Value::as_str) == Some("full")
}

/// The document version a `publishDiagnostics` is for, if `message` is one for `uri`.
pub fn published_version(message: &Value, uri: &str) -> Option<i64> {
    if message.get("method")?.as_str()? != "textDocument/publishDiagnostics" {
        return None;
    }
    let params = message.get("params")?;
    if params.get("uri")?.as_str()? != uri {
        return None;
    }
    params.get("version")?.as_i64()
}
