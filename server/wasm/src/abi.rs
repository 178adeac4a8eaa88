//! What the Web Worker calls: one [`Session`] per WebAssembly instance, driven through
//! [`Session::call`] (a method name and JSON parameters in, bytes out), and on wasm32 the exports
//! that reach it. The exports only move bytes across the boundary; everything else is here,
//! platform-neutral, and tested natively.
//!
//! The boundary, as editors/web/src/wasm.js uses it:
//! - `iam_alloc(len) -> ptr` and `iam_free(ptr, len)`: buffers the worker writes a call's
//!   method name and parameters into (UTF-8), and frees after the call.
//! - `iam_call(method_ptr, method_len, params_ptr, params_len) -> status`: 0 when the answer is
//!   the method's result, 1 when it is an error message (UTF-8).
//! - `iam_answer_ptr()` and `iam_answer_len()`: the last call's answer, valid until the next call.

use serde::Deserialize;

use crate::{json, Playground, API_VERSION};

/// The analysis state of one worker: the open document's [`Playground`], if any.
#[derive(Default)]
pub struct Session {
    playground: Option<Playground>,
}

#[derive(Deserialize)]
struct Open {
    encoding: String,
    /// A [`crate::Host`] id, or `""` (the default) to guess it from each version's text.
    #[serde(default)]
    host: String,
}

#[derive(Deserialize)]
struct HostChoice {
    host: String,
}

#[derive(Deserialize)]
struct Text {
    text: String,
}

#[derive(Deserialize)]
struct Kind {
    kind: String,
}

/// A position in the playground's encoding.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
pub struct At {
    pub line: u32,
    pub col: u32,
}

#[derive(Deserialize)]
struct Span {
    start: At,
    end: At,
}

impl Session {
    /// Runs `method` with its JSON `params` (`null` or `{}` for none). The answer is JSON, except
    /// `semanticTokens`'s: little-endian `u32`s, four per token (see
    /// [`Playground::semantic_tokens`]). Methods:
    /// - without a document: `apiVersion`, `about`, `kinds`, `hosts`, `tokenTypes`, `warm`
    ///   (see [`crate::warm`]), and
    ///   `open {encoding, host}`, which starts a new, empty document read as `host` (`""`:
    ///   guessed from its text);
    /// - on the open document: `setText {text}`, `setKind {kind}` and `setHost {host}`
    ///   (answer: the new version), `diagnostics`, `semanticTokens`, `outline`,
    ///   `hover {line, col}`, `completions {line, col}`,
    ///   `codeActions {start: {line, col}, end: {line, col}}` and `simulate` (a
    ///   [`crate::simulate::Question`]; answer: a [`crate::simulate::Simulation`]).
    pub fn call(&mut self, method: &str, params: &str) -> Result<Vec<u8>, String> {
        let answer = match method {
            "apiVersion" => API_VERSION.to_string(),
            "about" => json(&Playground::about()),
            "kinds" => Playground::kinds(),
            "hosts" => Playground::hosts(),
            "warm" => {
                crate::warm();
                "null".to_string()
            }
            "tokenTypes" => Playground::token_types(),
            "open" => {
                let Open { encoding, host } = parse(method, params)?;
                let mut playground = Playground::new(&encoding)?;
                playground.set_host(&host)?;
                self.playground = Some(playground);
                "null".to_string()
            }
            _ => {
                let playground = self
                    .playground
                    .as_mut()
                    .ok_or_else(|| format!("`{method}` needs a document: call `open` first"))?;
                match method {
                    "setText" => {
                        let Text { text } = parse(method, params)?;
                        playground.set_text(text).to_string()
                    }
                    "setKind" => {
                        let Kind { kind } = parse(method, params)?;
                        playground.set_kind(&kind)?.to_string()
                    }
                    "setHost" => {
                        let HostChoice { host } = parse(method, params)?;
                        playground.set_host(&host)?.to_string()
                    }
                    "diagnostics" => playground.diagnostics(),
                    "simulate" => {
                        let question: crate::simulate::Question = parse(method, params)?;
                        json(&playground.simulate(&question)?)
                    }
                    "semanticTokens" => {
                        return Ok(playground.semantic_tokens().iter().flat_map(|n| n.to_le_bytes()).collect())
                    }
                    "outline" => playground.outline(),
                    "hover" => {
                        let At { line, col } = parse(method, params)?;
                        playground.hover(line, col)
                    }
                    "completions" => {
                        let At { line, col } = parse(method, params)?;
                        playground.completions(line, col)
                    }
                    "codeActions" => {
                        let Span { start, end } = parse(method, params)?;
                        playground.code_actions(start.line, start.col, end.line, end.col)
                    }
                    _ => return Err(format!("no method `{method}`")),
                }
            }
        };
        Ok(answer.into_bytes())
    }
}

fn parse<'a, T: Deserialize<'a>>(method: &str, params: &'a str) -> Result<T, String> {
    serde_json::from_str(params).map_err(|e| format!("`{method}`'s parameters: {e}"))
}

/// The exports. A wasm32 instance runs on one thread, so the session and the last answer are
/// thread-locals; a panic aborts (profile wasm-release), which traps, and the worker replaces
/// the instance.
#[cfg(target_arch = "wasm32")]
mod exports {
    use std::cell::RefCell;

    use super::Session;

    thread_local! {
        static SESSION: RefCell<Session> = RefCell::default();
        static ANSWER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }

    #[no_mangle]
    pub extern "C" fn iam_alloc(len: usize) -> *mut u8 {
        let mut buffer = Vec::<u8>::with_capacity(len);
        let ptr = buffer.as_mut_ptr();
        std::mem::forget(buffer);
        ptr
    }

    /// # Safety
    /// `ptr` and `len` are those of one `iam_alloc`, freed once.
    #[no_mangle]
    pub unsafe extern "C" fn iam_free(ptr: *mut u8, len: usize) {
        drop(unsafe { Vec::from_raw_parts(ptr, 0, len) });
    }

    /// # Safety
    /// Both pointers are `iam_alloc` buffers holding at least their length in bytes.
    #[no_mangle]
    pub unsafe extern "C" fn iam_call(
        method_ptr: *const u8,
        method_len: usize,
        params_ptr: *const u8,
        params_len: usize,
    ) -> u32 {
        let method = unsafe { std::slice::from_raw_parts(method_ptr, method_len) };
        let params = unsafe { std::slice::from_raw_parts(params_ptr, params_len) };
        let result = match (std::str::from_utf8(method), std::str::from_utf8(params)) {
            (Ok(method), Ok(params)) => SESSION.with_borrow_mut(|session| session.call(method, params)),
            _ => Err("a call's method and parameters must be UTF-8".to_string()),
        };
        let (status, answer) = match result {
            Ok(answer) => (0, answer),
            Err(message) => (1, message.into_bytes()),
        };
        ANSWER.set(answer);
        status
    }

    #[no_mangle]
    pub extern "C" fn iam_answer_ptr() -> *const u8 {
        ANSWER.with_borrow(|answer| answer.as_ptr())
    }

    #[no_mangle]
    pub extern "C" fn iam_answer_len() -> usize {
        ANSWER.with_borrow(|answer| answer.len())
    }
}
