//! LSP base-protocol framing, read side: shared by the stdio tests (`tests/lsp.rs`) and the
//! benchmark client (`server/bench/src/client.rs`), which include this file.

use std::io::BufRead;

/// The body of the next message (`Content-Length` header, blank line, body); `None` at the
/// end of the stream.
pub fn read_message(reader: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    reader.read_exact(&mut body).ok()?;
    Some(body)
}
