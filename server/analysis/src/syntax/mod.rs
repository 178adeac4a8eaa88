//! JSON syntax tree with byte ranges, built by a parser that never fails: every
//! problem becomes a diagnostic and the parse goes on, so one broken statement does not
//! hide the rest of the policy.

mod incremental;
mod lexer;
mod parser;

use crate::diagnostics::Diagnostic;
use crate::text::TextRange;

pub use incremental::{Reparse, Tree};
pub use parser::MAX_DEPTH;

#[derive(Clone, Debug)]
pub enum Value {
    Object(Object),
    Array(Array),
    String(StringLit),
    Number(TextRange),
    Bool(bool, TextRange),
    Null(TextRange),
}

impl Value {
    pub fn range(&self) -> TextRange {
        match self {
            Value::Object(o) => o.range,
            Value::Array(a) => a.range,
            Value::String(s) => s.range,
            Value::Number(r) | Value::Bool(_, r) | Value::Null(r) => *r,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&StringLit> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// What kind of JSON value this is, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Object(_) => "an object",
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(..) => "a boolean",
            Value::Null(_) => "null",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Object {
    /// From `{` to `}` (or to where the parser gave up on a missing `}`).
    pub range: TextRange,
    pub members: Vec<Member>,
}

impl Object {
    /// The first member with this exact key.
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.key.value == key)
    }
}

#[derive(Clone, Debug)]
pub struct Member {
    pub key: StringLit,
    /// `None` when the value is missing (`"Effect": }`).
    pub value: Option<Value>,
}

impl Member {
    pub fn range(&self) -> TextRange {
        match &self.value {
            Some(v) => self.key.range.cover(v.range()),
            None => self.key.range,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Array {
    pub range: TextRange,
    pub items: Vec<Value>,
}

/// A string literal: its decoded value and where it is.
#[derive(Clone, Debug)]
pub struct StringLit {
    pub value: String,
    /// The whole literal, quotes included.
    pub range: TextRange,
    /// Whether the source between the quotes is byte-for-byte the value (no escapes), so
    /// that offsets inside the value map straight to the source.
    pub verbatim: bool,
    /// False for an unquoted word that the parser took as a string.
    pub quoted: bool,
}

impl StringLit {
    /// The source range of the text between the quotes.
    pub fn content_range(&self) -> TextRange {
        if !self.quoted {
            self.range
        } else if self.verbatim {
            let start = self.range.start + 1;
            TextRange::new(start, start + self.value.len())
        } else {
            TextRange::new(self.range.start + 1, self.range.end.saturating_sub(1).max(self.range.start + 1))
        }
    }

    /// The source range of `value[start..end]`; the whole content when escapes make
    /// the mapping inexact.
    pub fn sub_range(&self, start: usize, end: usize) -> TextRange {
        if self.verbatim && start <= end && end <= self.value.len() {
            let base = self.range.start + 1;
            TextRange::new(base + start, base + end)
        } else {
            self.content_range()
        }
    }
}

/// The result of parsing: a tree (absent only for an empty or hopeless document) and the
/// syntax diagnostics found on the way.
#[derive(Clone, Debug)]
pub struct Parse {
    pub root: Option<Value>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse(text: &str) -> Parse {
    parser::parse(text)
}

#[cfg(test)]
mod tests;
