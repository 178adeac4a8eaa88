//! Recursive-descent JSON parser over [`lexer`] tokens that recovers from errors.
//!
//! Recovery follows what a user typing a policy leaves behind: a missing comma between
//! two members, an unquoted key or value, a trailing comma, a missing closing bracket. The
//! parser reports each problem once, where it is, and keeps the members it understood.

use std::cell::Cell;

use rustc_hash::FxHashMap as HashMap;

use super::lexer::{tokenize, tokenize_part, Tok, TokenKind};
use super::{Array, Member, Object, Parse, StringLit, Value};
use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::text::TextRange;

/// Nesting deeper than this is reported and skipped (IAM policies nest five or six levels),
/// which keeps recursion bounded on hostile input.
pub const MAX_DEPTH: usize = 64;

/// Up to this many members, an object finds duplicate keys by a scan.
const SMALL_OBJECT: usize = 16;

pub(super) fn parse(text: &str) -> Parse {
    let (root, mut diagnostics) = parse_uncascaded(text);
    drop_cascades(text, &mut diagnostics);
    Parse { root, diagnostics }
}

/// The tree and every syntax diagnostic, sorted by range, before [`drop_cascades`] (which
/// needs the whole document's: see `incremental`).
pub(super) fn parse_uncascaded(text: &str) -> (Option<Value>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut tokens = tokenize(text, &mut diagnostics);
    let mut parser = Parser::new(text, &mut tokens, diagnostics);
    let root = parser.value(0);
    if root.is_none() && parser.pos == 0 && !parser.tokens.is_empty() {
        let range = parser.tokens[0].range;
        parser.error(range, "expected a JSON object: an IAM policy starts with `{`");
        parser.pos = 1;
    }
    if let Some(extra) = parser.peek() {
        let range = TextRange::new(extra.range.start, parser.tokens.last().map_or(extra.range.end, |t| t.range.end));
        parser.error(range, "unexpected content after the end of the JSON document: a policy is one object");
    }
    let mut diagnostics = parser.diagnostics;
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    (root, diagnostics)
}

/// The object at `range` of an edited document, parsed at `depth` as parsing the whole
/// document would parse it, with its syntax diagnostics (sorted by range); `None` unless
/// the object is self-contained: it starts with the `{` at `range.start`, is closed by the
/// `}` that ends `range`, and nothing in it depends on what follows.
pub(super) fn parse_object_at(text: &str, range: TextRange, depth: usize) -> Option<(Value, Vec<Diagnostic>)> {
    let mut diagnostics = Vec::new();
    let mut tokens = tokenize_part(text, range.start, range.end, &mut diagnostics);
    let last = tokens.last()?;
    if last.kind != TokenKind::CloseBrace || last.range.end != range.end || tokens[0].kind != TokenKind::OpenBrace {
        return None;
    }
    let mut parser = Parser::new(text, &mut tokens, diagnostics);
    let value = parser.value(depth)?;
    // Whatever looked past the last token (an object never closed) would have seen the
    // rest of the document.
    if parser.reached_end.get() || parser.pos != parser.tokens.len() || value.range() != range {
        return None;
    }
    let mut diagnostics = parser.diagnostics;
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
    Some((value, diagnostics))
}

/// One mistake, one diagnostic: a syntax error on the same line as an earlier one is
/// almost always a consequence of it (an unterminated string swallows the `,` and the
/// next key), and it goes away when the first is fixed.
pub(super) fn drop_cascades(text: &str, diagnostics: &mut Vec<Diagnostic>) {
    // The start of the last syntax error kept, and how far from it the text has no line
    // break: each byte is searched once, however many errors one long line has.
    let mut last: Option<(usize, usize)> = None;
    diagnostics.retain(|d| {
        if d.code != Code::JsonSyntax {
            return true;
        }
        if let Some((start, unbroken)) = &mut last {
            let until = d.range.start.max(*start);
            if until <= *unbroken {
                return false;
            }
            if memchr::memchr2(b'\n', b'\r', &text.as_bytes()[*unbroken..until]).is_none() {
                *unbroken = until;
                return false;
            }
        }
        last = Some((d.range.start, d.range.start));
        true
    });
}

struct Parser<'t> {
    text: &'t str,
    tokens: &'t [Tok],
    /// The value of each string token, by token index, until the parser takes it.
    strings: Vec<String>,
    pos: usize,
    diagnostics: Vec<Diagnostic>,
    /// Whether the parser looked for a token after the last one.
    reached_end: Cell<bool>,
    /// The offset of each `\n` in the text, found when a duplicate key's message first
    /// needs a line number.
    newlines: std::cell::OnceCell<Vec<usize>>,
}

impl<'t> Parser<'t> {
    fn new(text: &'t str, tokens: &'t mut [Tok], diagnostics: Vec<Diagnostic>) -> Parser<'t> {
        // String values move from the tokens into the tree (each token is consumed once)
        // rather than being copied: the tokens stay borrowed, as the parser reads them.
        let strings = tokens
            .iter_mut()
            .map(|t| match &mut t.kind {
                TokenKind::String { value, .. } => std::mem::take(value),
                _ => String::new(),
            })
            .collect();
        Parser {
            text,
            tokens,
            strings,
            pos: 0,
            diagnostics,
            reached_end: Cell::new(false),
            newlines: Default::default(),
        }
    }

    fn peek(&self) -> Option<&'t Tok> {
        let tok = self.tokens.get(self.pos);
        if tok.is_none() {
            self.reached_end.set(true);
        }
        tok
    }

    fn peek_kind(&self) -> Option<&'t TokenKind> {
        self.peek().map(|t| &t.kind)
    }

    /// Consumes a string token: its literal.
    fn string(&mut self, verbatim: bool) -> StringLit {
        let range = self.tokens[self.pos].range;
        let value = std::mem::take(&mut self.strings[self.pos]);
        self.pos += 1;
        StringLit { value, range, verbatim, quoted: true }
    }

    fn bump(&mut self) -> &'t Tok {
        let tok = &self.tokens[self.pos];
        self.pos += 1;
        tok
    }

    /// The end of the last consumed token (or 0).
    fn last_end(&self) -> usize {
        self.pos.checked_sub(1).map_or(0, |i| self.tokens[i].range.end)
    }

    fn error(&mut self, range: TextRange, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(Code::JsonSyntax, range, message));
    }

    /// An error fixed by inserting `insert` where the previous token ends.
    fn missing(&mut self, range: TextRange, message: impl Into<String>, insert: &str) {
        let at = TextRange::empty(self.last_end());
        let fix = Fix::replace(format!("Insert `{insert}`"), at, insert).preferred(true);
        self.diagnostics.push(Diagnostic::new(Code::JsonSyntax, range, message).with_fix(fix));
    }

    /// Where to point at something missing: the next token, or the end of the text.
    fn here(&self) -> TextRange {
        match self.peek() {
            Some(tok) => tok.range,
            None => TextRange::empty(self.text.len()),
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        let tok = self.peek()?;
        if depth >= MAX_DEPTH && matches!(tok.kind, TokenKind::OpenBrace | TokenKind::OpenBracket) {
            return self.skip_too_deep();
        }
        let value = match &tok.kind {
            TokenKind::OpenBrace => Value::Object(self.object(depth)),
            TokenKind::OpenBracket => Value::Array(self.array(depth)),
            TokenKind::String { verbatim, .. } => Value::String(self.string(*verbatim)),
            TokenKind::Number => {
                self.bump();
                Value::Number(tok.range)
            }
            TokenKind::Bool(b) => {
                self.bump();
                Value::Bool(*b, tok.range)
            }
            TokenKind::Null => {
                self.bump();
                Value::Null(tok.range)
            }
            TokenKind::Word => {
                // `"Effect": Allow`: keep it as the string it was meant to be.
                self.bump();
                let word = &self.text[tok.range.start..tok.range.end];
                self.error(tok.range, format!("`{word}` needs double quotes: write \"{word}\""));
                if let Some(last) = self.diagnostics.last_mut() {
                    if last.range == tok.range {
                        last.fixes
                            .push(Fix::replace("Add double quotes", tok.range, format!("\"{word}\"")).preferred(true));
                    }
                }
                Value::String(StringLit { value: word.to_string(), range: tok.range, verbatim: false, quoted: false })
            }
            TokenKind::CloseBrace | TokenKind::CloseBracket | TokenKind::Comma | TokenKind::Colon => {
                let range = self.here();
                self.error(range, "expected a value (a string, array or object)");
                return None;
            }
        };
        Some(value)
    }

    fn object(&mut self, depth: usize) -> Object {
        let open = self.bump().range;
        let mut members: Vec<Member> = Vec::new();
        // Keys seen, for duplicates: found by a scan of `members` while the object is small
        // (policy objects have a handful of members), by this index once it is not.
        let mut seen: Option<HashMap<String, TextRange>> = None;
        // The comma after the previous member, if any (for trailing-comma reports).
        let mut pending_comma: Option<TextRange> = None;
        loop {
            let Some(tok) = self.peek() else {
                self.error(open, "this `{` is never closed: add `}`");
                return Object { range: TextRange::new(open.start, self.last_end().max(open.end)), members };
            };
            let key = match &tok.kind {
                TokenKind::CloseBrace => {
                    self.bump();
                    if let Some(comma) = pending_comma {
                        self.trailing_comma(comma);
                    }
                    return Object { range: TextRange::new(open.start, tok.range.end), members };
                }
                TokenKind::String { verbatim, .. } => {
                    if !members.is_empty() && pending_comma.is_none() {
                        self.missing(tok.range, "missing `,` before this member", ",");
                    }
                    self.string(*verbatim)
                }
                TokenKind::Word => {
                    if !members.is_empty() && pending_comma.is_none() {
                        self.missing(tok.range, "missing `,` before this member", ",");
                    }
                    self.bump();
                    let word = &self.text[tok.range.start..tok.range.end];
                    self.error(tok.range, format!("property names need double quotes: write \"{word}\""));
                    if let Some(last) = self.diagnostics.last_mut() {
                        if last.range == tok.range {
                            last.fixes.push(
                                Fix::replace("Add double quotes", tok.range, format!("\"{word}\"")).preferred(true),
                            );
                        }
                    }
                    StringLit { value: word.to_string(), range: tok.range, verbatim: false, quoted: false }
                }
                TokenKind::Comma => {
                    let comma = self.bump().range;
                    if members.is_empty() || pending_comma.is_some() {
                        self.error(comma, "unexpected `,`: expected a property name");
                    }
                    pending_comma = Some(comma);
                    continue;
                }
                TokenKind::CloseBracket | TokenKind::OpenBrace | TokenKind::OpenBracket
                    if !members.is_empty() || pending_comma.is_some() =>
                {
                    // `]` or a new value where a key should be: the object was not closed.
                    self.missing(tok.range, "missing `}` before this: the object above is not closed", "}");
                    return Object { range: TextRange::new(open.start, self.last_end()), members };
                }
                _ => {
                    let range = tok.range;
                    self.error(range, "expected a property name in double quotes, or `}`");
                    if matches!(tok.kind, TokenKind::CloseBracket) {
                        return Object { range: TextRange::new(open.start, self.last_end()), members };
                    }
                    // Skip the stray token (or value) and go on. (A value nested too deep
                    // is skipped by `value` itself.)
                    let before = self.pos;
                    if self.value(depth + 1).is_none() && self.pos == before && self.peek().is_some() {
                        self.bump();
                    }
                    continue;
                }
            };
            pending_comma = None;

            let value = match self.peek_kind() {
                Some(TokenKind::Colon) => {
                    self.bump();
                    self.member_value(depth)
                }
                Some(
                    TokenKind::String { .. }
                    | TokenKind::Number
                    | TokenKind::Bool(_)
                    | TokenKind::Null
                    | TokenKind::OpenBrace
                    | TokenKind::OpenBracket,
                ) => {
                    self.missing(key.range, format!("missing `:` after \"{}\"", key.value), ":");
                    self.value(depth + 1)
                }
                _ => {
                    self.error(key.range, format!("missing `:` and a value after \"{}\"", key.value));
                    None
                }
            };

            let first = match &mut seen {
                Some(seen) => seen.get(&key.value).copied(),
                None => members.iter().find(|m| m.key.value == key.value).map(|m| m.key.range),
            };
            if let Some(first) = first {
                let newlines = self.newlines.get_or_init(|| memchr::memchr_iter(b'\n', self.text.as_bytes()).collect());
                let first_line = 1 + newlines.partition_point(|&at| at < first.start);
                self.diagnostics.push(Diagnostic::new(
                    Code::JsonDuplicateKey,
                    key.range,
                    format!(
                        "duplicate key \"{}\" (first on line {first_line}): only one of the two values takes effect; merge them into one",
                        key.value
                    ),
                ));
            } else if let Some(seen) = &mut seen {
                seen.insert(key.value.clone(), key.range);
            } else if members.len() >= SMALL_OBJECT {
                let mut index: HashMap<String, TextRange> =
                    members.iter().rev().map(|m| (m.key.value.clone(), m.key.range)).collect();
                index.insert(key.value.clone(), key.range);
                seen = Some(index);
            }
            members.push(Member { key, value });
        }
    }

    /// A member's value after its `:`; reports a missing one without consuming the
    /// token that ends the member.
    fn member_value(&mut self, depth: usize) -> Option<Value> {
        match self.peek_kind() {
            None | Some(TokenKind::CloseBrace | TokenKind::Comma) => {
                let colon = self.tokens[self.pos - 1].range;
                self.error(colon, "missing value after `:`");
                None
            }
            _ => self.value(depth + 1),
        }
    }

    fn array(&mut self, depth: usize) -> Array {
        let open = self.bump().range;
        let mut items = Vec::new();
        let mut pending_comma: Option<TextRange> = None;
        loop {
            let Some(tok) = self.peek() else {
                self.error(open, "this `[` is never closed: add `]`");
                return Array { range: TextRange::new(open.start, self.last_end().max(open.end)), items };
            };
            match &tok.kind {
                TokenKind::CloseBracket => {
                    self.bump();
                    if let Some(comma) = pending_comma {
                        self.trailing_comma(comma);
                    }
                    return Array { range: TextRange::new(open.start, tok.range.end), items };
                }
                TokenKind::Comma => {
                    let comma = self.bump().range;
                    if items.is_empty() || pending_comma.is_some() {
                        self.error(comma, "unexpected `,`: expected a value");
                    }
                    pending_comma = Some(comma);
                }
                TokenKind::CloseBrace => {
                    self.missing(tok.range, "missing `]` before this: the array is not closed", "]");
                    return Array { range: TextRange::new(open.start, self.last_end()), items };
                }
                TokenKind::Colon => {
                    let range = self.bump().range;
                    self.error(range, "unexpected `:` in an array");
                }
                _ => {
                    if !items.is_empty() && pending_comma.is_none() {
                        self.missing(tok.range, "missing `,` before this element", ",");
                    }
                    pending_comma = None;
                    if let Some(value) = self.value(depth + 1) {
                        items.push(value);
                    }
                }
            }
        }
    }

    fn trailing_comma(&mut self, comma: TextRange) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::JsonTrailingComma,
                comma,
                "trailing comma: IAM rejects a `,` after the last element; remove it",
            )
            .with_fix(Fix::replace("Remove the trailing comma", comma, "").preferred(true)),
        );
    }

    /// Skips a too-deeply nested value without recursion.
    fn skip_too_deep(&mut self) -> Option<Value> {
        let start = self.here();
        let mut level = 0usize;
        while let Some(tok) = self.peek() {
            match tok.kind {
                TokenKind::OpenBrace | TokenKind::OpenBracket => level += 1,
                TokenKind::CloseBrace | TokenKind::CloseBracket => level = level.saturating_sub(1),
                _ => {}
            }
            self.bump();
            if level == 0 {
                break;
            }
        }
        self.diagnostics.push(Diagnostic::new(
            Code::JsonSyntax,
            TextRange::new(start.start, start.end),
            format!("nesting deeper than {MAX_DEPTH} levels: no IAM policy element nests this deep"),
        ));
        None
    }
}
