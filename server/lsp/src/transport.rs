//! The server's standard input: our own framing reader in front of tower-lsp's.
//!
//! tower-lsp-server answers a message it cannot decode with -32700 and then ends its input
//! stream (tokio-util's `FramedRead` stops after a decoder error), so one malformed message
//! ended the server. So our own reader takes stdin (on the runtime's thread where it is a pipe,
//! see [`crate::stdio`]; else on a thread of its own), cuts it into messages, checks that each
//! body decodes as tower-lsp will decode it (`check` uses its own types), and passes on only
//! those, framed again with a single `Content-Length` header (tower-lsp also fails on a third
//! header, on `content-length` in lower case and on a `Content-Type` without
//! `charset=utf-8`). The others are answered from here, through the [`Outbox`], so that
//! answers never interleave with tower-lsp's output mid-message.
//!
//! What is answered, and where reading resumes:
//! - A body that is not UTF-8 or not JSON: -32700. JSON that is not one JSON-RPC message (not
//!   an object, a batch, a wrong `jsonrpc`, no `method`, an id of the wrong type): -32600.
//!   The answer carries the message's id when its top level has one, even in broken JSON
//!   (`IdScan`); else null, as JSON-RPC says.
//! - A header block without a usable `Content-Length` (missing, not a number, negative,
//!   past `usize`, two that disagree, a line that never ends): -32700, with the id found in
//!   the part of the body that arrived with the header; the body is then skipped up to the
//!   next `Content-Length`. Lines may end in LF alone; other headers are ignored; header
//!   names are matched ignoring case, but reading resumes only at `Content-Length` as
//!   clients write it.
//! - Bytes where a header should start but none does (the rest of a body whose length was
//!   too short, noise): skipped without an answer, up to the next `Content-Length`.
//! - `Content-Length` too short: the body is cut, so it is not JSON: -32700 with its id; the
//!   rest of it is noise (above).
//! - `Content-Length` too long: the body read runs into the next message. Valid JSON never
//!   holds `Content-Length: <digits>` followed by a raw line end (a raw CR or LF cannot be in
//!   a JSON string, and those words cannot be outside one), so such a header in a body means
//!   the body ended before it: what precedes it is read as the message (and passed on if it
//!   is one), and reading resumes at the header, as soon as it has arrived. So a message
//!   with a length too long is answered when the next message comes, not before.
//! - A body over [`MAX_BODY`] is not held: exactly its bytes are skipped (searched on the way
//!   for its id), then answered -32600 with its id, or, if it was a notification, reported
//!   with `window/logMessage`. If a header turns up in it (a length far too long), the skip
//!   ends there and the answer is -32700.
//! - The input ending in the middle of a message: the message is dropped, then tower-lsp's
//!   input ends, and the server with it.

use std::collections::VecDeque;
use std::io::Read;
use std::pin::Pin;
use std::task::{Context, Poll};

use memchr::memmem;
use serde::Deserialize;
use serde_json::Value;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{LogMessageParams, MessageType};

use crate::output::{self, Outbox};

/// Larger bodies are skipped, not read: a policy is at most 10 KB, the benchmark's
/// document 1 MB; this bounds the memory one message can take.
pub const MAX_BODY: usize = 32 << 20;

/// A header block is at most this long (they are some 25 bytes).
const MAX_HEADER: usize = 8 << 10;

/// A header found in a body may start this far before the end of what was searched:
/// searches overlap by this much (`Content-Length: ` and a 20-digit number, with room).
const OVERLAP: usize = 64;

/// Ids longer than this are not echoed.
const MAX_ID: usize = 1024;

const HEADER: &[u8] = b"Content-Length";

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// tower-lsp's input, the messages it can read: read by the runtime's own thread where stdin
/// is a pipe or a socket ([`crate::stdio`]), else by a thread of its own. Must be called
/// inside the runtime; an error only if the thread cannot be started.
pub fn stdin(outbox: Outbox) -> std::io::Result<Input> {
    #[cfg(unix)]
    if let Some(fd) = crate::stdio::stdin() {
        let pipe = Pipe { fd, framer: Framer::new(MAX_BODY), chunk: vec![0; 64 << 10], outbox, ended: false };
        return Ok(Input { source: Source::Pipe(Box::new(pipe)), current: Vec::new(), at: 0 });
    }
    reader(std::io::stdin(), outbox)
}

/// [`stdin`] read by a thread of its own, for any input. Not tokio's stdin: a blocking read
/// still pending when the server exits would keep the runtime from shutting down.
fn reader(input: impl Read + Send + 'static, outbox: Outbox) -> std::io::Result<Input> {
    // A few messages ahead: beyond that, the thread waits and the client's writes with it.
    let (tx, rx) = mpsc::channel(16);
    std::thread::Builder::new().name("iam-lsp-input".into()).spawn(move || read(input, &tx, &outbox))?;
    Ok(Input { source: Source::Thread(rx), current: Vec::new(), at: 0 })
}

fn read(mut input: impl Read, to_lsp: &mpsc::Sender<Vec<u8>>, outbox: &Outbox) {
    let mut framer = Framer::new(MAX_BODY);
    let mut chunk = vec![0; 64 << 10];
    loop {
        while let Some(event) = framer.next() {
            if let Some(frame) = pass_on(event, outbox) {
                if to_lsp.blocking_send(frame).is_err() {
                    return; // tower-lsp has stopped reading (`exit`)
                }
            }
        }
        match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => framer.push(&chunk[..n]),
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => {
                eprintln!("iam-lsp: cannot read stdin: {error}");
                break;
            }
        }
    }
    ended(&framer);
}

/// A message for tower-lsp; the framer's other events are answered or logged here.
fn pass_on(event: Event, outbox: &Outbox) -> Option<Vec<u8>> {
    match event {
        Event::Message(frame) => return Some(frame),
        Event::Reply(frame) => outbox.send(frame),
        Event::Notice(message) => {
            eprintln!("iam-lsp: {message}");
            outbox.notify("window/logMessage", &LogMessageParams { typ: MessageType::ERROR, message });
        }
        Event::Log(message) => eprintln!("iam-lsp: {message}"),
    }
    None
}

fn ended(framer: &Framer) {
    if framer.inside_message() {
        eprintln!("iam-lsp: stdin ended in the middle of a message; it is dropped");
    }
}

/// tower-lsp's input: the messages the framer passed on, as a byte stream.
pub struct Input {
    source: Source,
    current: Vec<u8>,
    at: usize,
}

enum Source {
    /// Passed on by the reading thread.
    Thread(mpsc::Receiver<Vec<u8>>),
    /// Read here, from a non-blocking stdin.
    #[cfg(unix)]
    Pipe(Box<Pipe>),
}

#[cfg(unix)]
struct Pipe {
    fd: tokio::io::unix::AsyncFd<crate::stdio::Stdio>,
    framer: Framer,
    chunk: Vec<u8>,
    outbox: Outbox,
    ended: bool,
}

impl Source {
    /// The next message; `None` at the end of the input.
    fn poll_message(&mut self, cx: &mut Context<'_>) -> Poll<Option<Vec<u8>>> {
        match self {
            Source::Thread(messages) => messages.poll_recv(cx),
            #[cfg(unix)]
            Source::Pipe(pipe) => loop {
                while let Some(event) = pipe.framer.next() {
                    if let Some(frame) = pass_on(event, &pipe.outbox) {
                        return Poll::Ready(Some(frame));
                    }
                }
                if pipe.ended {
                    return Poll::Ready(None);
                }
                match std::task::ready!(crate::stdio::poll_read(&pipe.fd, cx, &mut pipe.chunk)) {
                    Ok(0) => {
                        pipe.ended = true;
                        ended(&pipe.framer);
                    }
                    Ok(n) => pipe.framer.push(&pipe.chunk[..n]),
                    Err(error) => {
                        eprintln!("iam-lsp: cannot read stdin: {error}");
                        pipe.ended = true;
                        ended(&pipe.framer);
                    }
                }
            },
        }
    }
}

impl AsyncRead for Input {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        while this.at == this.current.len() {
            match this.source.poll_message(cx) {
                Poll::Ready(Some(frame)) => {
                    this.current = frame;
                    this.at = 0;
                }
                Poll::Ready(None) => return Poll::Ready(Ok(())), // the end of the input
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = buf.remaining().min(this.current.len() - this.at);
        buf.put_slice(&this.current[this.at..this.at + n]);
        this.at += n;
        Poll::Ready(Ok(()))
    }
}

/// What the framer makes of the input.
#[derive(Debug, Clone, PartialEq)]
enum Event {
    /// A message for tower-lsp, framed.
    Message(Vec<u8>),
    /// An error response, framed.
    Reply(Vec<u8>),
    /// For the client's log (a notification was dropped: it gets no response).
    Notice(String),
    /// For stderr only.
    Log(String),
}

/// Cuts a byte stream into messages (see the module's comment). Fed with [`Framer::push`],
/// emptied with [`Framer::next`]; never holds more than a header, a body up to its
/// `max_body`, and the bytes of one read.
struct Framer {
    buf: Vec<u8>,
    /// Where the unread part of `buf` starts.
    pos: usize,
    state: State,
    events: VecDeque<Event>,
    max_body: usize,
    /// Skipping noise since the last header block.
    in_noise: bool,
}

#[derive(Debug)]
enum State {
    /// Reading a header block.
    Header,
    /// Reading a body of `length` bytes, at most `max_body`; the first `searched` bytes of it
    /// hold no header.
    Body { length: usize, searched: usize },
    /// Skipping a body over `max_body`, `left` bytes of it to go.
    Oversized { length: usize, left: usize, scan: IdScan },
    /// Skipping bytes up to the next `Content-Length`.
    Resync,
}

impl Framer {
    fn new(max_body: usize) -> Framer {
        Framer { buf: Vec::new(), pos: 0, state: State::Header, events: VecDeque::new(), max_body, in_noise: false }
    }

    fn push(&mut self, bytes: &[u8]) {
        // What was read is dropped now and then, not on every message.
        if self.pos == self.buf.len() || self.pos >= 64 << 10 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next event; `None` when more input is needed.
    fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.events.pop_front() {
                return Some(event);
            }
            if !self.step() {
                return None;
            }
        }
    }

    /// Whether the input so far ends inside a message.
    fn inside_message(&self) -> bool {
        match self.state {
            State::Header => self.buf[self.pos..].iter().any(|b| !b.is_ascii_whitespace()),
            State::Body { .. } | State::Oversized { .. } => true,
            State::Resync => false,
        }
    }

    /// Reads what it can; `false` if it needs more input first.
    fn step(&mut self) -> bool {
        let data = &self.buf[self.pos..];
        let (consumed, state) = match &mut self.state {
            State::Header => match header(data) {
                Header::Incomplete => return false,
                Header::Complete { length, end } if length > self.max_body => {
                    (end, State::Oversized { length, left: length, scan: IdScan::default() })
                }
                Header::Complete { length, end } => (end, State::Body { length, searched: 0 }),
                Header::Noise { skip } => {
                    // Once per stretch of noise, not once per piece of it.
                    if !self.in_noise && data[..skip].iter().any(|b| !b.is_ascii_whitespace()) {
                        self.in_noise = true;
                        let noise = String::from_utf8_lossy(&data[..skip.min(80)]).into_owned();
                        self.events.push_back(Event::Log(format!("skipping bytes that are not a header: {noise:?}")));
                    }
                    (skip, State::Resync)
                }
                Header::Broken { skip, reason } => {
                    // The body (if any) follows the block, up to the next header.
                    let end = memmem::find(&data[skip..], HEADER).map_or(data.len(), |i| skip + i);
                    let id = memchr::memchr(b'{', &data[..end]).and_then(|i| IdScan::of(&data[i..end]).id);
                    self.events.push_back(reply(id, PARSE_ERROR, &reason));
                    (skip, State::Resync)
                }
            },
            State::Body { length, searched } => {
                let length = *length;
                let available = data.len().min(length);
                let from = searched.saturating_sub(OVERLAP);
                if let Some(at) = find_header(&data[from..available]).map(|i| from + i) {
                    self.events.extend(before_header(&data[..at], length));
                    (at, State::Header)
                } else if available < length {
                    *searched = available;
                    return false;
                } else {
                    let body = &data[..length];
                    match check(body) {
                        Ok(()) => {
                            self.events.push_back(Event::Message(output::frame(body)));
                            (length, State::Header)
                        }
                        Err(invalid) => match trailing_header(body) {
                            // The body ends with the start of the next message's header.
                            Some(at) => {
                                self.events.extend(before_header(&body[..at], length));
                                (at, State::Header)
                            }
                            None => {
                                self.events.push_back(reply(IdScan::of(body).id, invalid.code, &invalid.message));
                                (length, State::Header)
                            }
                        },
                    }
                }
            }
            State::Oversized { length, left, scan } => {
                let available = data.len().min(*left);
                let last = available == *left;
                let (skip, next_header) = match find_header(&data[..available]) {
                    Some(at) => (at, true),
                    None if last => match trailing_header(&data[..available]) {
                        Some(at) => (at, true),
                        None => (available, false),
                    },
                    // Keep the end back: it may begin a header.
                    None => (available.saturating_sub(OVERLAP), false),
                };
                scan.feed(&data[..skip]);
                *left -= skip;
                if !(last || next_header) {
                    self.pos += skip;
                    return skip > 0;
                } else {
                    let found = std::mem::take(scan).finish();
                    let what = if next_header {
                        format!("a message whose Content-Length ({length}) runs into the next message's header")
                    } else {
                        format!("a message of {length} bytes, over the limit of {} bytes", self.max_body)
                    };
                    if found.has_method && !found.has_id {
                        self.events.push_back(Event::Notice(format!("dropped a notification: {what}")));
                    } else {
                        let code = if next_header { PARSE_ERROR } else { INVALID_REQUEST };
                        self.events.push_back(reply(found.id, code, &what));
                    }
                    (skip, State::Header)
                }
            }
            State::Resync => match memmem::find(data, HEADER) {
                Some(at) => (at, State::Header),
                None => {
                    // Keep what may be the start of a header.
                    let skip = data.len().saturating_sub(HEADER.len() - 1);
                    self.pos += skip;
                    return false;
                }
            },
        };
        self.pos += consumed;
        if matches!(state, State::Body { .. } | State::Oversized { .. }) {
            self.in_noise = false;
        }
        self.state = state;
        true
    }
}

/// The events for the bytes of a body that precede a header found in it (the body's
/// `Content-Length` was too long): the message they are, if they are one.
fn before_header(bytes: &[u8], length: usize) -> Vec<Event> {
    let note = format!("a Content-Length ({length}) ran into the next message's header");
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return vec![Event::Log(note), reply(None, PARSE_ERROR, "a header without a body")];
    }
    match check(bytes) {
        Ok(()) => {
            vec![Event::Log(format!("{note}; the message before it is read")), Event::Message(output::frame(bytes))]
        }
        Err(invalid) => vec![Event::Log(note), reply(IdScan::of(bytes).id, invalid.code, &invalid.message)],
    }
}

/// An error response, framed.
fn reply(id: Option<Value>, code: i64, message: &str) -> Event {
    #[derive(serde::Serialize)]
    struct Error<'a> {
        code: i64,
        message: &'a str,
    }
    #[derive(serde::Serialize)]
    struct Response<'a> {
        jsonrpc: &'static str,
        id: Option<Value>,
        error: Error<'a>,
    }
    let response = Response { jsonrpc: "2.0", id, error: Error { code, message } };
    // Serializing a `Value` and strings cannot fail.
    Event::Reply(output::frame(&serde_json::to_vec(&response).unwrap_or_default()))
}

enum Header {
    /// Not all of it has arrived.
    Incomplete,
    /// A body of `length` bytes follows the block, which ends at `end`.
    Complete { length: usize, end: usize },
    /// Not a header: the first `skip` bytes are noise.
    Noise { skip: usize },
    /// A header block (of `skip` bytes) that gives no usable length.
    Broken { skip: usize, reason: String },
}

/// The header block at the start of `data`.
fn header(data: &[u8]) -> Header {
    let data = &data[..data.len().min(MAX_HEADER)];
    let mut lengths = Vec::new();
    let mut at = 0;
    loop {
        let rest = &data[at..];
        // A header further on ends this line even without a line end.
        let next_header = rest.get(1..).and_then(|r| memmem::find(r, HEADER)).map(|i| i + 1);
        let newline = memchr::memchr(b'\n', &rest[..next_header.unwrap_or(rest.len())]);
        let (line, next, ended) = match (newline, next_header) {
            (Some(n), _) => (&rest[..n], at + n + 1, true),
            (None, Some(h)) => (&rest[..h], at + h, false),
            (None, None) if data.len() < MAX_HEADER => return Header::Incomplete,
            // Too long to be a header; keep the end, which may begin one.
            (None, None) => {
                let skip = (MAX_HEADER - HEADER.len()).max(at + 1);
                return if at == 0 {
                    Header::Noise { skip }
                } else {
                    Header::Broken { skip, reason: "a header block over 8 KB".into() }
                };
            }
        };
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let field = header_field(line);
        if at == 0 && field.is_none() {
            return Header::Noise { skip: next };
        }
        if line.is_empty() && ended {
            return match content_length(&lengths) {
                Ok(length) => Header::Complete { length, end: next },
                Err(reason) => Header::Broken { skip: next, reason },
            };
        }
        if !ended {
            return Header::Broken { skip: next, reason: "a header line without a line end".into() };
        }
        match field {
            Some((name, value)) if name.eq_ignore_ascii_case(HEADER) => lengths.push(value),
            Some(_) => {} // other headers (`Content-Type`) are ignored
            None => return Header::Broken { skip: next, reason: "a header line that is not `name: value`".into() },
        }
        at = next;
    }
}

/// `name: value`, the name an HTTP token.
fn header_field(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = memchr::memchr(b':', line)?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    let token = |b: &u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b);
    (!name.is_empty() && name.iter().all(token)).then_some((name, value))
}

fn content_length(values: &[&[u8]]) -> Result<usize, String> {
    let parse = |value: &[u8]| {
        let digits = value.trim_ascii();
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse::<usize>().ok()
    };
    let Some((first, others)) = values.split_first() else {
        return Err("a header without Content-Length".into());
    };
    let Some(length) = parse(first) else {
        return Err(format!("a Content-Length that is not a number of bytes: {:?}", String::from_utf8_lossy(first)));
    };
    if others.iter().any(|value| parse(value) != Some(length)) {
        return Err("two Content-Length headers that disagree".into());
    }
    Ok(length)
}

enum Pattern {
    Match,
    /// The bytes end before it is decided.
    Partial,
    No,
}

/// Whether `bytes` begin with a header line, `Content-Length: <digits>` and a raw line end:
/// never part of valid JSON (see the module's comment).
fn header_at(bytes: &[u8]) -> Pattern {
    let n = bytes.len().min(HEADER.len());
    if bytes[..n] != HEADER[..n] {
        return Pattern::No;
    }
    let mut i = HEADER.len();
    let blanks = |i: &mut usize| {
        while matches!(bytes.get(*i), Some(b' ' | b'\t')) {
            *i += 1;
        }
    };
    match bytes.get(i) {
        None => return Pattern::Partial,
        Some(b':') => i += 1,
        Some(_) => return Pattern::No,
    }
    blanks(&mut i);
    let digits = i;
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    match bytes.get(i) {
        None => return Pattern::Partial,
        Some(_) if i == digits => return Pattern::No,
        Some(_) => {}
    }
    blanks(&mut i);
    match bytes.get(i) {
        None => Pattern::Partial,
        Some(b'\r' | b'\n') => Pattern::Match,
        Some(_) => Pattern::No,
    }
}

/// Where a header line starts in `bytes`, if one does.
fn find_header(bytes: &[u8]) -> Option<usize> {
    memmem::find_iter(bytes, HEADER).find(|&i| matches!(header_at(&bytes[i..]), Pattern::Match))
}

/// Where `bytes` end with the beginning of a header line, if they do.
fn trailing_header(bytes: &[u8]) -> Option<usize> {
    (bytes.len().saturating_sub(OVERLAP)..bytes.len())
        .find(|&i| bytes[i] == HEADER[0] && matches!(header_at(&bytes[i..]), Pattern::Partial))
}

/// How tower-lsp-server reads a message (`jsonrpc::Message` is private; it is this).
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // only deserialized
enum Message {
    Response(jsonrpc::Response),
    Request(jsonrpc::Request),
}

struct Invalid {
    code: i64,
    message: String,
}

/// Whether tower-lsp will read `body` as a message (and JSON-RPC would): else, the error.
fn check(body: &[u8]) -> Result<(), Invalid> {
    let invalid = |code, message: String| Err(Invalid { code, message });
    let Ok(text) = std::str::from_utf8(body) else {
        return invalid(PARSE_ERROR, "a message that is not UTF-8".into());
    };
    let start = text.trim_start();
    if start.is_empty() {
        return invalid(PARSE_ERROR, "an empty message".into());
    }
    if !start.starts_with('{') {
        // An array could pass for a request (serde reads a struct from a sequence too).
        return match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) if start.starts_with('[') => invalid(INVALID_REQUEST, "a batch: LSP does not use them".into()),
            Ok(_) => invalid(INVALID_REQUEST, "a message that is not a JSON object".into()),
            Err(error) => invalid(PARSE_ERROR, format!("a message that is not JSON: {error}")),
        };
    }
    match serde_json::from_str::<Message>(text) {
        // tower-lsp would take it for a method named "".
        Ok(Message::Request(request)) if request.method().is_empty() => {
            invalid(INVALID_REQUEST, "a request without a method".into())
        }
        Ok(_) => Ok(()),
        Err(error) if error.is_data() => {
            invalid(INVALID_REQUEST, "not a JSON-RPC 2.0 request, notification or response".into())
        }
        Err(error) => invalid(PARSE_ERROR, format!("a message that is not JSON: {error}")),
    }
}

/// What [`IdScan`] found.
#[derive(Debug, Default, PartialEq)]
struct Found {
    /// The top-level `"id"`, if it is a number or a string.
    id: Option<Value>,
    has_id: bool,
    has_method: bool,
}

/// Finds a message's top-level `"id"` and `"method"` keys in bytes that may not be JSON
/// (cut short, not UTF-8), fed in pieces.
#[derive(Debug, Default)]
struct IdScan {
    found: Found,
    started: bool,
    done: bool,
    /// Nesting: 1 inside the top-level object.
    depth: usize,
    /// At depth 1, what comes next.
    expect: Expect,
    /// The key whose value comes next at depth 1.
    key: Key,
    in_string: bool,
    escaped: bool,
    /// A top-level key, or the id's value, being read.
    collecting: Option<Collect>,
    bytes: Vec<u8>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Expect {
    #[default]
    Key,
    Colon,
    Value,
    Comma,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum Key {
    Id,
    Method,
    #[default]
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Collect {
    Key,
    /// A string id.
    Id,
    /// A number (or a literal) as id.
    Scalar,
}

impl IdScan {
    fn of(bytes: &[u8]) -> Found {
        let mut scan = IdScan::default();
        scan.feed(bytes);
        scan.finish()
    }

    fn feed(&mut self, mut bytes: &[u8]) {
        while !self.done && !bytes.is_empty() {
            // Most of a large body is inside strings: jump to the next quote or backslash.
            if self.in_string && !self.escaped && self.collecting.is_none() {
                match memchr::memchr2(b'"', b'\\', bytes) {
                    Some(i) => bytes = &bytes[i..],
                    None => return,
                }
            }
            self.byte(bytes[0]);
            bytes = &bytes[1..];
        }
    }

    fn finish(mut self) -> Found {
        if self.collecting == Some(Collect::Scalar) {
            self.end_id();
        }
        self.found
    }

    fn byte(&mut self, b: u8) {
        if self.in_string {
            if self.collecting.is_some() {
                self.collect(b);
            }
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                self.end_string();
            }
            return;
        }
        if self.collecting == Some(Collect::Scalar) {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.') {
                self.collect(b);
                return;
            }
            self.end_id();
        }
        if !self.started {
            match b {
                b'{' => {
                    self.started = true;
                    self.depth = 1;
                }
                _ if b.is_ascii_whitespace() => {}
                _ => self.done = true, // not an object
            }
            return;
        }
        let top = self.depth == 1;
        match b {
            b'"' => {
                self.in_string = true;
                if top && self.expect == Expect::Key {
                    self.start(Collect::Key, None);
                } else if top && self.expect == Expect::Value && self.key == Key::Id {
                    self.start(Collect::Id, Some(b));
                }
            }
            b'{' | b'[' => {
                if top && self.expect == Expect::Value {
                    self.expect = Expect::Comma;
                }
                self.depth += 1;
            }
            b'}' | b']' => {
                self.depth -= 1;
                if self.depth == 0 {
                    self.done = true;
                }
            }
            b':' if top && self.expect == Expect::Colon => self.expect = Expect::Value,
            b',' if top => self.expect = Expect::Key,
            _ if b.is_ascii_whitespace() => {}
            _ if top && self.expect == Expect::Value => {
                self.expect = Expect::Comma;
                if self.key == Key::Id {
                    self.start(Collect::Scalar, Some(b));
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, what: Collect, first: Option<u8>) {
        self.collecting = Some(what);
        self.bytes.clear();
        self.bytes.extend(first);
    }

    fn collect(&mut self, b: u8) {
        // Past the limit the bytes are not kept; the scan goes on.
        if self.bytes.len() <= MAX_ID {
            self.bytes.push(b);
        }
    }

    fn end_string(&mut self) {
        match self.collecting.take() {
            Some(Collect::Key) => {
                self.key = match self.bytes.as_slice() {
                    b"id\"" => Key::Id,
                    b"method\"" => Key::Method,
                    _ => Key::Other,
                };
                self.found.has_id |= self.key == Key::Id;
                self.found.has_method |= self.key == Key::Method;
                self.expect = Expect::Colon;
            }
            Some(Collect::Id) => {
                self.expect = Expect::Comma;
                self.end_id();
            }
            Some(Collect::Scalar) | None => {
                if self.depth == 1 && self.expect == Expect::Value {
                    self.expect = Expect::Comma;
                }
            }
        }
    }

    fn end_id(&mut self) {
        self.collecting = None;
        if self.found.id.is_none() && self.bytes.len() <= MAX_ID {
            if let Ok(id) = serde_json::from_slice::<Value>(&self.bytes) {
                if id.is_number() || id.is_string() {
                    self.found.id = Some(id);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The events for `input` fed in pieces of `piece` bytes (0: all at once).
    fn events_in_pieces(input: &[u8], piece: usize, max_body: usize) -> Vec<Event> {
        let mut framer = Framer::new(max_body);
        let mut events = Vec::new();
        let pieces: Vec<&[u8]> = if piece == 0 { vec![input] } else { input.chunks(piece).collect() };
        for bytes in pieces {
            framer.push(bytes);
            events.extend(std::iter::from_fn(|| framer.next()));
        }
        events.retain(|e| !matches!(e, Event::Log(_)));
        events
    }

    fn all_at_once(input: &[u8]) -> Vec<Event> {
        events_in_pieces(input, 0, MAX_BODY)
    }

    fn message(body: &str) -> Event {
        Event::Message(output::frame(body.as_bytes()))
    }

    fn error(id: Value, code: i64) -> (Value, i64) {
        (id, code)
    }

    /// The (id, code) of each reply; panics on other events.
    fn replies(events: &[Event]) -> Vec<(Value, i64)> {
        events
            .iter()
            .map(|e| match e {
                Event::Reply(frame) => {
                    let text = std::str::from_utf8(frame).expect("UTF-8");
                    let (_, body) = text.split_once("\r\n\r\n").expect("a header");
                    let v: Value = serde_json::from_str(body).expect("JSON");
                    (v["id"].clone(), v["error"]["code"].as_i64().expect("a code"))
                }
                other => panic!("not a reply: {other:?}"),
            })
            .collect()
    }

    fn framed(header: &str, body: &str) -> Vec<u8> {
        format!("{header}\r\n\r\n{body}").into_bytes()
    }

    const HOVER: &str = r#"{"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{"x":1}}"#;

    #[test]
    fn well_formed_messages_pass_unchanged_in_any_pieces() {
        let note = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let response = r#"{"jsonrpc":"2.0","id":3,"result":null}"#;
        let mut input = Vec::new();
        for body in [HOVER, note, response] {
            input.extend(output::frame(body.as_bytes()));
        }
        input.extend(framed("Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: 71", HOVER));
        input.extend(format!("Content-Length: {}\n\n{note}", note.len()).into_bytes());
        let expected = vec![message(HOVER), message(note), message(response), message(HOVER), message(note)];
        for piece in [0, 1, 2, 7, 100] {
            assert_eq!(events_in_pieces(&input, piece, MAX_BODY), expected, "pieces of {piece}");
        }
    }

    #[test]
    fn malformed_bodies_get_the_error_json_rpc_prescribes_with_the_id_when_there_is_one() {
        // Valid JSON, but nested deeper than serde_json (and so tower-lsp) reads.
        let deep =
            format!(r#"{{"jsonrpc":"2.0","id":6,"method":"x","params":{}1{}}}"#, "[".repeat(200), "]".repeat(200));
        for (body, expected) in [
            (r#"{"jsonrpc":"2.0","id":1,"method":"x","params":{,}}"#, error(json!(1), PARSE_ERROR)),
            ("hello", error(Value::Null, PARSE_ERROR)),
            ("", error(Value::Null, PARSE_ERROR)),
            ("42", error(Value::Null, INVALID_REQUEST)),
            ("[]", error(Value::Null, INVALID_REQUEST)),
            (r#"["2.0","initialized"]"#, error(Value::Null, INVALID_REQUEST)),
            (r#"[{"jsonrpc":"2.0","id":2,"method":"x"}]"#, error(Value::Null, INVALID_REQUEST)),
            (r#"{"hello":"world"}"#, error(Value::Null, INVALID_REQUEST)),
            (r#"{"jsonrpc":"1.0","id":"a","method":"x"}"#, error(json!("a"), INVALID_REQUEST)),
            (r#"{"jsonrpc":"2.0","id":4}"#, error(json!(4), INVALID_REQUEST)),
            (r#"{"jsonrpc":"2.0","id":{"n":5},"method":"x"}"#, error(Value::Null, INVALID_REQUEST)),
            (r#"{"jsonrpc":"2.0","id":18446744073709551615,"method":"x"}"#, error(json!(u64::MAX), INVALID_REQUEST)),
            (deep.as_str(), error(json!(6), PARSE_ERROR)),
        ] {
            let input = framed(&format!("Content-Length: {}", body.len()), body);
            assert_eq!(replies(&all_at_once(&input)), [expected], "{body}");
        }
        let mut not_utf8 = HOVER.as_bytes().to_vec();
        not_utf8[60] = 0xFF;
        let mut input = format!("Content-Length: {}\r\n\r\n", not_utf8.len()).into_bytes();
        input.extend(&not_utf8);
        assert_eq!(replies(&all_at_once(&input)), [error(json!(7), PARSE_ERROR)]);
    }

    #[test]
    fn wrong_content_lengths() {
        let next = output::frame(HOVER.as_bytes());
        let with_next = |header: &str, body: &str| [framed(header, body), next.clone()].concat();
        let ok = message(HOVER);
        // Too short: an error for the cut body; the rest is skipped; the next is read.
        let events = all_at_once(&with_next(&format!("Content-Length: {}", HOVER.len() - 10), HOVER));
        assert_eq!(replies(&events[..1]), [error(json!(7), PARSE_ERROR)]);
        assert_eq!(events[1..], [message(HOVER)]);
        // Too long, by more or less than the next header's length: both messages are read.
        for extra in [1, 5, 18, 19, 20, 30, 100, 1000] {
            let input = with_next(&format!("Content-Length: {}", HOVER.len() + extra), HOVER);
            for piece in [0, 1] {
                let events = events_in_pieces(&input, piece, MAX_BODY);
                assert_eq!(events, [message(HOVER), message(HOVER)], "{extra} too long, pieces of {piece}");
            }
        }
        // Not usable: an error with the id in the body; the body is skipped.
        for header in [
            "Content-Length: forty",
            "Content-Length: -5",
            "Content-Length: +5",
            "Content-Length: 99999999999999999999999",
            "Content-Length:",
            "Content-Type: application/json",
            "Content-Length: 71\r\nContent-Length: 72",
            "Content-Length: 71\r\nnot a header",
        ] {
            let events = all_at_once(&with_next(header, HOVER));
            assert_eq!(replies(&events[..1]), [error(json!(7), PARSE_ERROR)], "{header}");
            assert_eq!(events[1..], [message(HOVER)], "{header}");
        }
        // The same value twice is one value.
        let events = all_at_once(&with_next("Content-Length: 71\r\nContent-Length:  71 ", HOVER));
        assert_eq!(events, [ok.clone(), ok.clone()]);
    }

    #[test]
    fn headers_without_a_body_or_a_line_end_and_noise() {
        let next = output::frame(HOVER.as_bytes());
        // A header whose body never comes, then the next message.
        let events = all_at_once(&[b"Content-Length: 60\r\n\r\n".as_slice(), &next].concat());
        assert_eq!(replies(&events[..1]), [error(Value::Null, PARSE_ERROR)]);
        assert_eq!(events[1..], [message(HOVER)]);
        // An empty body.
        let events = all_at_once(&[b"Content-Length: 0\r\n\r\n".as_slice(), &next].concat());
        assert_eq!(replies(&events[..1]), [error(Value::Null, PARSE_ERROR)]);
        // No line end after the header.
        let events = all_at_once(&[format!("Content-Length: 71{HOVER}").as_bytes(), &next].concat());
        assert_eq!(replies(&events[..1]), [error(json!(7), PARSE_ERROR)]);
        assert_eq!(events[1..], [message(HOVER)]);
        // Noise, then a message: no answer for the noise.
        for noise in
            [&b"\x00\x01garbage\r\n"[..], b"}}\"]", b"\r\n\r\n", b"Content-Len", b"x".repeat(20_000).as_slice()]
        {
            for piece in [0, 1, 1000] {
                let events = events_in_pieces(&[noise, &next].concat(), piece, MAX_BODY);
                assert_eq!(events, [message(HOVER)], "{:?} in pieces of {piece}", String::from_utf8_lossy(noise));
            }
        }
    }

    #[test]
    fn an_oversized_body_is_skipped_byte_for_byte_and_answered_with_its_id() {
        let max = 1000;
        let next = output::frame(HOVER.as_bytes());
        let big =
            format!(r#"{{"jsonrpc":"2.0","method":"x","params":{{"pad":"{}"}},"id":"big"}}"#, "a\\\"".repeat(2000));
        let note = format!(r#"{{"jsonrpc":"2.0","method":"x","params":{{"pad":"{}"}}}}"#, "a".repeat(2000));
        for piece in [0, 1, 100, 5000] {
            let events = events_in_pieces(&[output::frame(big.as_bytes()), next.clone()].concat(), piece, max);
            assert_eq!(replies(&events[..1]), [error(json!("big"), INVALID_REQUEST)], "pieces of {piece}");
            assert_eq!(events[1..], [message(HOVER)]);
            let events = events_in_pieces(&[output::frame(note.as_bytes()), next.clone()].concat(), piece, max);
            assert!(matches!(&events[0], Event::Notice(n) if n.contains("dropped a notification")), "{events:?}");
            assert_eq!(events[1..], [message(HOVER)]);
        }
        // A length far too long stops at the next header.
        let input = [framed("Content-Length: 999999999999", HOVER), next.clone()].concat();
        let events = events_in_pieces(&input, 0, max);
        assert_eq!(replies(&events[..1]), [error(json!(7), PARSE_ERROR)]);
        assert_eq!(events[1..], [message(HOVER)]);
    }

    #[test]
    fn noise_made_of_header_names_takes_linear_time() {
        let noise = "Content-Length".repeat(200_000); // 2.8 MB
        let input = [noise.as_bytes(), &output::frame(HOVER.as_bytes())].concat();
        let start = std::time::Instant::now();
        let mut framer = Framer::new(MAX_BODY);
        let mut events = Vec::new();
        for bytes in input.chunks(1 << 16) {
            framer.push(bytes);
            events.extend(std::iter::from_fn(|| framer.next()));
        }
        assert_eq!(events.iter().filter(|e| matches!(e, Event::Log(_))).count(), 1, "logged once");
        assert_eq!(events.last(), Some(&message(HOVER)));
        // Generous (a debug build, a busy machine): quadratic would take minutes.
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "{:?}", start.elapsed());
    }

    #[test]
    fn the_input_ending_inside_a_message() {
        let mut framer = Framer::new(MAX_BODY);
        framer.push(b"Content-Length: 10\r\n\r\n{\"a\"");
        assert_eq!(framer.next(), None);
        assert!(framer.inside_message());
        let mut framer = Framer::new(MAX_BODY);
        framer.push(&output::frame(HOVER.as_bytes()));
        assert_eq!(framer.next(), Some(message(HOVER)));
        assert_eq!(framer.next(), None);
        assert!(!framer.inside_message());
    }

    #[test]
    fn ids_are_found_at_the_top_level_only_even_in_broken_json() {
        let id = |s: &str| IdScan::of(s.as_bytes()).id;
        assert_eq!(id(r#"{"params":{"id":1},"id":2}"#), Some(json!(2)));
        assert_eq!(id(r#"{"params":["id",{"id":1}],"x":"\"id\":3","id":"s\"4"}"#), Some(json!("s\"4")));
        assert_eq!(id(r#"{"jsonrpc":"2.0","id": -12 ,"method":"x","params":{"#), Some(json!(-12)));
        assert_eq!(id(r#"{"jsonrpc":"2.0","id":12"#), Some(json!(12)));
        assert_eq!(id(r#"{"id":null}"#), None);
        assert_eq!(id(r#"{"id":{"a":1}}"#), None);
        assert_eq!(id(r#"[{"id":1}]"#), None);
        assert_eq!(id(r#"{"id":"unterminated"#), None);
        let found = IdScan::of(br#"{"method":"x","params":{"id":1}}"#);
        assert_eq!((found.has_method, found.has_id), (true, false));
    }

    #[test]
    fn a_header_is_never_found_in_valid_json() {
        let json = r#"{"text":"Content-Length: 12\r\n\r\nContent-Length:5\n","Content-Length":12}"#;
        assert!(serde_json::from_str::<Value>(json).is_ok());
        assert_eq!(find_header(json.as_bytes()), None);
        assert_eq!(trailing_header(json.as_bytes()), None);
        assert_eq!(find_header(b"}Content-Length: 12\r\n"), Some(1));
        assert_eq!(find_header(b"}Content-Length:\t12 \n"), Some(1));
        assert_eq!(trailing_header(b"}Content-Le"), Some(1));
        assert_eq!(trailing_header(b"}Content-Length: 12"), Some(1));
    }

    mod property {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            /// Whatever the bytes, the framer neither panics nor loops.
            #[test]
            fn any_input_in_any_pieces(input in proptest::collection::vec(any::<u8>(), 0..600), piece in 1usize..50) {
                let mut framer = Framer::new(64);
                for bytes in input.chunks(piece) {
                    framer.push(bytes);
                    while framer.next().is_some() {}
                }
            }

            /// Noise (without a `C` or `c`, so without a `Content-Length` of its own) before a
            /// message never costs the message.
            #[test]
            fn noise_before_a_message_is_recovered_from(
                noise in proptest::collection::vec(any::<u8>().prop_filter("no C", |b| !b"Cc".contains(b)), 0..200),
                piece in 0usize..40,
            ) {
                let input = [noise.as_slice(), &output::frame(HOVER.as_bytes())].concat();
                let events = events_in_pieces(&input, piece, 100);
                let messages: Vec<&Event> = events.iter().filter(|e| matches!(e, Event::Message(_))).collect();
                prop_assert_eq!(messages, [&message(HOVER)]);
            }
        }
    }
}
