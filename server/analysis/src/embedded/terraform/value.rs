//! A value of a Terraform module as the policy will see it: JSON-shaped, each string made of
//! pieces that know the host bytes they came from (exactly, or as a whole such as a resolved
//! `${var.x}`), and unknown pieces where the value cannot be known before `terraform apply`.

use std::ops::Range;

use crate::syntax;

/// A piece of a string value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// `exact`: the host bytes at `host` are `value` verbatim.
    Text { value: String, host: Range<usize>, exact: bool },
    /// Known only at apply time.
    Unknown { host: Range<usize> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Str {
    pub parts: Vec<Part>,
    /// The whole literal (quotes included) or the expression that produced it.
    pub host: Range<usize>,
}

impl Str {
    pub fn synthetic(value: &str, host: Range<usize>) -> Str {
        Str { parts: vec![Part::Text { value: value.to_string(), host: host.clone(), exact: false }], host }
    }

    /// The value, if no piece of it is unknown.
    pub fn known(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text { value, .. } => out.push_str(value),
                Part::Unknown { .. } => return None,
            }
        }
        Some(out)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    Str(Str),
    /// A number, `true`, `false` or `null`, as JSON.
    Scalar {
        json: String,
        host: Range<usize>,
    },
    Array {
        items: Vec<Value>,
        host: Range<usize>,
    },
    Object {
        members: Vec<(Str, Value)>,
        host: Range<usize>,
    },
    Unknown {
        host: Range<usize>,
    },
}

impl Value {
    pub fn host(&self) -> Range<usize> {
        match self {
            Value::Str(s) => s.host.clone(),
            Value::Scalar { host, .. }
            | Value::Array { host, .. }
            | Value::Object { host, .. }
            | Value::Unknown { host } => host.clone(),
        }
    }

    pub fn as_str(&self) -> Option<&Str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The member with this key (compared as known text).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object { members, .. } => {
                members.iter().find(|(k, _)| k.known().as_deref() == Some(key)).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    /// The same value, every piece of it attributed to `host` as a whole: what a reference
    /// (`var.x`, `local.y`, `${aws_s3_bucket.b.arn}`) resolves to, so that a finding inside
    /// it points at the reference.
    pub fn rehost(self, host: &Range<usize>) -> Value {
        match self {
            Value::Str(s) => Value::Str(s.rehost(host)),
            Value::Scalar { json, .. } => Value::Scalar { json, host: host.clone() },
            Value::Array { items, .. } => {
                Value::Array { items: items.into_iter().map(|v| v.rehost(host)).collect(), host: host.clone() }
            }
            Value::Object { members, .. } => Value::Object {
                members: members.into_iter().map(|(k, v)| (k.rehost(host), v.rehost(host))).collect(),
                host: host.clone(),
            },
            Value::Unknown { .. } => Value::Unknown { host: host.clone() },
        }
    }
}

impl Str {
    pub fn rehost(self, host: &Range<usize>) -> Str {
        let parts = self
            .parts
            .into_iter()
            .map(|p| match p {
                Part::Text { value, .. } => Part::Text { value, host: host.clone(), exact: false },
                Part::Unknown { .. } => Part::Unknown { host: host.clone() },
            })
            .collect();
        Str { parts, host: host.clone() }
    }
}

/// The pieces of a decoded literal whose source is `host_text` at `host_start`: runs where
/// the source is the value verbatim map exactly; an escape (`\n`, `\u00e9`, `$${`, `%%{`)
/// maps to its whole escape sequence; source bytes with no counterpart in the value (the
/// indentation a `<<-` heredoc strips) are skipped.
pub(crate) fn literal_parts(value: &str, host_text: &str, host_start: usize) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    let push = |parts: &mut Vec<Part>, text: &str, host: Range<usize>, exact: bool| {
        if let Some(Part::Text { value, host: last, exact: true }) = parts.last_mut() {
            if exact && last.end == host.start {
                value.push_str(text);
                last.end = host.end;
                return;
            }
        }
        parts.push(Part::Text { value: text.to_string(), host, exact });
    };
    let raw = host_text.as_bytes();
    let (mut i, mut v) = (0usize, 0usize);
    while v < value.len() {
        let Some(c) = value[v..].chars().next() else { break };
        let width = c.len_utf8();
        if (raw[i..].starts_with(b"$${") && value[v..].starts_with("${"))
            || (raw[i..].starts_with(b"%%{") && value[v..].starts_with("%{"))
        {
            push(&mut parts, &value[v..v + 2], host_start + i..host_start + i + 3, false);
            i += 3;
            v += 2;
        } else if host_text[i..].starts_with(c)
            && !(c == '\\' && raw.get(i + 1) == Some(&b'\\'))
            && (c == '\\' || raw.get(i) != Some(&b'\\'))
        {
            push(&mut parts, &value[v..v + width], host_start + i..host_start + i + width, true);
            i += width;
            v += width;
        } else if raw.get(i) == Some(&b'\\') {
            let len = escape_len(&raw[i..]).min(raw.len() - i);
            push(&mut parts, &value[v..v + width], host_start + i..host_start + i + len, false);
            i += len;
            while !host_text.is_char_boundary(i) {
                i += 1;
            }
            v += width;
        } else if i < raw.len() {
            // Skipped source (heredoc indentation): step over one character.
            i += host_text[i..].chars().next().map_or(1, char::len_utf8);
        } else {
            // The source ran out first: the rest of the value maps to the end.
            let end = host_start + host_text.len();
            push(&mut parts, &value[v..], end..end, false);
            break;
        }
    }
    parts
}

/// The length of the escape sequence at the start of `raw` (which starts with `\`).
fn escape_len(raw: &[u8]) -> usize {
    // a JSON surrogate pair (`\ud83e\udee3`) is one character
    let high = raw
        .get(2..6)
        .is_some_and(|h| h[0].eq_ignore_ascii_case(&b'd') && matches!(h[1], b'8'..=b'9' | b'a' | b'b' | b'A' | b'B'));
    match raw.get(1) {
        Some(b'u') if high && raw.get(6..8) == Some(b"\\u") => 12,
        Some(b'u') => 6,
        Some(b'U') => 10,
        Some(_) => 2,
        None => 1,
    }
}

/// A string value's text with each piece's place in it: what a JSON document inside a
/// Terraform string (heredoc, quoted, `templatefile`) is parsed from.
pub(crate) struct Flat {
    pub text: String,
    /// (start in `text`, the piece), in order.
    runs: Vec<(usize, Part)>,
}

/// Stands for an unknown piece inside a flattened string: one private-use character, which
/// the JSON parser keeps inside a string value and which no policy contains.
const UNKNOWN_MARK: char = '\u{E000}';

impl Flat {
    pub fn new(s: &Str) -> Flat {
        let mut text = String::new();
        let mut runs = Vec::new();
        for part in &s.parts {
            runs.push((text.len(), part.clone()));
            match part {
                Part::Text { value, .. } => text.push_str(value),
                Part::Unknown { .. } => text.push(UNKNOWN_MARK),
            }
        }
        Flat { text, runs }
    }

    fn run_end(&self, index: usize) -> usize {
        self.runs.get(index + 1).map_or(self.text.len(), |r| r.0)
    }

    /// The host offset of a flattened offset; `end` picks the run that ends there.
    fn host_at(&self, at: usize, end: bool) -> usize {
        let index = if end {
            self.runs.iter().rposition(|(start, _)| *start < at).unwrap_or(0)
        } else {
            self.runs.iter().rposition(|(start, _)| *start <= at).unwrap_or(0)
        };
        let Some((start, part)) = self.runs.get(index) else { return 0 };
        match part {
            Part::Text { host, exact: true, .. } => (host.start + (at - start)).min(host.end),
            Part::Text { host, .. } | Part::Unknown { host } => {
                if end {
                    host.end
                } else {
                    host.start
                }
            }
        }
    }

    pub fn to_host(&self, range: Range<usize>) -> Range<usize> {
        let start = self.host_at(range.start, false);
        let end = self.host_at(range.end, true).max(start);
        start..end
    }

    /// The pieces of `text[range]` (a JSON string's content in the flattened text).
    fn parts(&self, range: Range<usize>) -> Vec<Part> {
        let mut out = Vec::new();
        for (index, (start, part)) in self.runs.iter().enumerate() {
            let end = self.run_end(index);
            let (from, to) = (range.start.max(*start), range.end.min(end));
            if from >= to {
                continue;
            }
            match part {
                Part::Text { host, exact: true, .. } => out.push(Part::Text {
                    value: self.text[from..to].to_string(),
                    host: host.start + (from - start)..host.start + (to - start),
                    exact: true,
                }),
                Part::Text { host, .. } => {
                    out.push(Part::Text { value: self.text[from..to].to_string(), host: host.clone(), exact: false })
                }
                Part::Unknown { host } => out.push(Part::Unknown { host: host.clone() }),
            }
        }
        out
    }

    fn unknowns(&self, range: Range<usize>) -> Vec<Part> {
        self.parts(range).into_iter().filter(|p| matches!(p, Part::Unknown { .. })).collect()
    }
}

/// A JSON document written inside a Terraform string: parsed with the project's tolerant
/// JSON parser, its pieces mapped back to the host. Returns the value and the syntax
/// problems (host ranges).
pub(crate) fn parse_json_string(s: &Str) -> (Option<Value>, Vec<(Range<usize>, String)>) {
    let flat = Flat::new(s);
    let parse = syntax::parse(&flat.text);
    let errors =
        parse.diagnostics.iter().map(|d| (flat.to_host(d.range.start..d.range.end), d.message.clone())).collect();
    (parse.root.as_ref().map(|root| from_json(root, &flat)), errors)
}

fn from_json(value: &syntax::Value, flat: &Flat) -> Value {
    let host = |r: crate::TextRange| flat.to_host(r.start..r.end);
    match value {
        syntax::Value::Object(o) => Value::Object {
            members: o
                .members
                .iter()
                .map(|m| {
                    let value = match &m.value {
                        Some(v) => from_json(v, flat),
                        None => Value::Unknown { host: host(m.key.range) },
                    };
                    (string_from_json(&m.key, flat), value)
                })
                .collect(),
            host: host(o.range),
        },
        syntax::Value::Array(a) => {
            Value::Array { items: a.items.iter().map(|v| from_json(v, flat)).collect(), host: host(a.range) }
        }
        syntax::Value::String(s) => Value::Str(string_from_json(s, flat)),
        syntax::Value::Number(r) | syntax::Value::Bool(_, r) | syntax::Value::Null(r) => {
            Value::Scalar { json: flat.text[r.start..r.end].to_string(), host: host(*r) }
        }
    }
}

fn string_from_json(s: &syntax::StringLit, flat: &Flat) -> Str {
    let host = flat.to_host(s.range.start..s.range.end);
    let content = s.content_range();
    let parts = if s.verbatim {
        flat.parts(content.start..content.end)
    } else {
        // JSON escapes inside the host string: the decoded value maps to the whole content.
        let value = s.value.replace(UNKNOWN_MARK, "");
        let mut parts = vec![Part::Text { value, host: flat.to_host(content.start..content.end), exact: false }];
        parts.extend(flat.unknowns(content.start..content.end));
        parts
    };
    Str { parts, host }
}

/// Where written JSON goes: the virtual JSON builder, or a plain string in tests.
pub(crate) trait JsonSink {
    fn punct(&mut self, json: &str, host: Range<usize>);
    fn begin_string(&mut self, host: Range<usize>);
    fn text(&mut self, value: &str, host: Range<usize>, exact: bool);
    fn unknown(&mut self, host: Range<usize>);
    fn end_string(&mut self, host: Range<usize>);
}

/// Writes `value` as JSON into `sink`.
pub(crate) fn emit(value: &Value, text: &str, sink: &mut impl JsonSink) {
    match value {
        Value::Str(s) => emit_str(s, text, sink),
        Value::Scalar { json, host } => sink.punct(json, host.clone()),
        Value::Array { items, host } => {
            sink.punct("[", start_of(host, text));
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    sink.punct(",", item.host().start..item.host().start);
                }
                emit(item, text, sink);
            }
            sink.punct("]", end_of(host, text));
        }
        Value::Object { members, host } => {
            sink.punct("{", start_of(host, text));
            for (i, (key, value)) in members.iter().enumerate() {
                if i > 0 {
                    sink.punct(",", key.host.start..key.host.start);
                }
                emit_str(key, text, sink);
                sink.punct(":", key.host.end..key.host.end);
                emit(value, text, sink);
            }
            sink.punct("}", end_of(host, text));
        }
        Value::Unknown { host } => {
            sink.begin_string(host.clone());
            sink.unknown(host.clone());
            sink.end_string(host.clone());
        }
    }
}

fn emit_str(s: &Str, text: &str, sink: &mut impl JsonSink) {
    sink.begin_string(start_of(&s.host, text));
    for part in &s.parts {
        match part {
            Part::Text { value, host, exact } => sink.text(value, host.clone(), *exact),
            Part::Unknown { host } => sink.unknown(host.clone()),
        }
    }
    sink.end_string(end_of(&s.host, text));
}

/// The first character of a host range (a `{`, a quote), or its start.
fn start_of(host: &Range<usize>, text: &str) -> Range<usize> {
    let width = text.get(host.clone()).and_then(|s| s.chars().next()).map_or(0, char::len_utf8);
    host.start..host.start + width
}

/// The last character of a host range, or its end.
fn end_of(host: &Range<usize>, text: &str) -> Range<usize> {
    let width = text.get(host.clone()).and_then(|s| s.chars().next_back()).map_or(0, char::len_utf8);
    host.end - width..host.end
}

/// A sink that writes plain JSON text, unknown pieces as `${?}`: for tests and for the
/// documents `source_policy_documents` names.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct PlainJson(pub String);

#[cfg(test)]
impl JsonSink for PlainJson {
    fn punct(&mut self, json: &str, _: Range<usize>) {
        self.0.push_str(json);
    }
    fn begin_string(&mut self, _: Range<usize>) {
        self.0.push('"');
    }
    fn text(&mut self, value: &str, _: Range<usize>, _: bool) {
        let quoted = serde_json::to_string(value).unwrap_or_default();
        self.0.push_str(&quoted[1..quoted.len() - 1]);
    }
    fn unknown(&mut self, _: Range<usize>) {
        self.0.push_str("${?}");
    }
    fn end_string(&mut self, _: Range<usize>) {
        self.0.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_literals_map_exactly() {
        let parts = literal_parts("s3:GetObject", "s3:GetObject", 10);
        assert_eq!(parts, vec![Part::Text { value: "s3:GetObject".into(), host: 10..22, exact: true }]);
    }

    #[test]
    fn escapes_map_to_their_whole_sequence() {
        let parts = literal_parts("aé${x}", r"a\u00e9$${x}", 0);
        assert_eq!(
            parts,
            vec![
                Part::Text { value: "a".into(), host: 0..1, exact: true },
                Part::Text { value: "é".into(), host: 1..7, exact: false },
                Part::Text { value: "${".into(), host: 7..10, exact: false },
                Part::Text { value: "x}".into(), host: 10..12, exact: true },
            ]
        );
    }

    #[test]
    fn a_surrogate_pair_is_one_escape() {
        let parts = literal_parts("🫣x", r"\ud83e\udee3x", 0);
        assert_eq!(
            parts,
            vec![
                Part::Text { value: "🫣".into(), host: 0..12, exact: false },
                Part::Text { value: "x".into(), host: 12..13, exact: true },
            ]
        );
    }

    #[test]
    fn heredoc_indentation_is_skipped() {
        let parts = literal_parts("{\n\"a\"\n", "    {\n    \"a\"\n", 0);
        let text: Vec<_> = parts
            .iter()
            .map(|p| match p {
                Part::Text { host, exact, .. } => (host.clone(), *exact),
                Part::Unknown { .. } => unreachable!(),
            })
            .collect();
        assert_eq!(text, vec![(4..6, true), (10..14, true)]);
    }

    #[test]
    fn json_inside_a_string_maps_back_through_the_pieces() {
        // `{"A": "x${var.v}y"}` at host 100, with `${var.v}` unknown.
        let s = Str {
            parts: vec![
                Part::Text { value: "{\"A\": \"x".into(), host: 100..108, exact: true },
                Part::Unknown { host: 108..116 },
                Part::Text { value: "y\"}".into(), host: 116..119, exact: true },
            ],
            host: 99..120,
        };
        let (value, errors) = parse_json_string(&s);
        assert!(errors.is_empty());
        let value = value.unwrap();
        let a = value.get("A").and_then(Value::as_str).unwrap();
        assert_eq!(a.host, 106..118);
        assert_eq!(
            a.parts,
            vec![
                Part::Text { value: "x".into(), host: 107..108, exact: true },
                Part::Unknown { host: 108..116 },
                Part::Text { value: "y".into(), host: 116..117, exact: true },
            ]
        );
        let mut out = PlainJson::default();
        emit(&value, "", &mut out);
        assert_eq!(out.0, r#"{"A":"x${?}y"}"#);
    }
}
