//! Terraform's JSON syntax (`.tf.json`): the same blocks as objects (`"resource":
//! {"aws_iam_policy": {"name": {"policy": "..."}}}`), every string a template
//! (`"${jsonencode({...})}"`, `"${data.aws_iam_policy_document.x.json}"`, a literal JSON
//! policy). The module is written out as HCL, with a map from each piece of that text back
//! to the JSON, and read by the `.tf` code; every range found is mapped back (a piece stays
//! exact where the JSON bytes are the HCL bytes, as in a string without escapes).

use std::ops::Range;

use hcl_edit::template::Element;
use hcl_edit::Span;

use super::value::{literal_parts, Part};
use super::FileRead;
use crate::diagnostics::Edit;
use crate::embedded::writer::Json;
use crate::embedded::{Extraction, HostError, HostWriter};
use crate::syntax::{self, StringLit, Value};

/// Block types whose JSON form is an object (or a list of objects) of arguments.
const NESTED_BLOCKS: [&str; 5] = ["statement", "principals", "not_principals", "condition", "inline_policy"];

/// A piece of the HCL text and where it came from.
#[derive(Clone, Debug)]
struct Segment {
    hcl: Range<usize>,
    host: Range<usize>,
    /// The HCL bytes are the host bytes at `host`.
    exact: bool,
}

/// HCL text written from a `.tf.json` module, with its map to the JSON.
#[derive(Default)]
struct Hcl {
    text: String,
    /// Sorted, contiguous, covering `text`.
    segments: Vec<Segment>,
    indent: usize,
    errors: Vec<HostError>,
}

impl Hcl {
    fn push(&mut self, s: &str, host: Range<usize>, exact: bool) {
        if s.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(s);
        let end = self.text.len();
        if let Some(last) = self.segments.last_mut() {
            let joins =
                if exact { last.exact && last.host.end == host.start } else { !last.exact && last.host == host };
            if joins {
                last.hcl.end = end;
                if exact {
                    last.host.end = host.end;
                }
                return;
            }
        }
        self.segments.push(Segment { hcl: start..end, host, exact });
    }

    /// HCL syntax written for a JSON construct at `host`.
    fn syntax(&mut self, s: &str, host: Range<usize>) {
        self.push(s, host, false);
    }

    fn line(&mut self, at: usize) {
        self.syntax("\n", at..at);
        let indent = "  ".repeat(self.indent);
        self.syntax(&indent, at..at);
    }

    /// The host offset of an HCL offset; `end` picks the segment that ends there.
    fn host_at(&self, at: usize, end: bool) -> usize {
        let i = if end {
            self.segments.partition_point(|s| s.hcl.end < at)
        } else {
            self.segments.partition_point(|s| s.hcl.end <= at)
        };
        let Some(s) = self.segments.get(i).or(self.segments.last()) else { return 0 };
        if s.exact {
            (s.host.start + at.saturating_sub(s.hcl.start)).min(s.host.end)
        } else if end {
            s.host.end
        } else {
            s.host.start
        }
    }

    fn to_host(&self, r: Range<usize>) -> Range<usize> {
        let start = self.host_at(r.start, false);
        if r.end <= r.start {
            return start..start;
        }
        start..self.host_at(r.end, true).max(start)
    }
}

/// A JSON string's decoded value, with each piece's place in the host.
struct Decoded {
    value: String,
    /// (start in `value`, the piece), in order.
    parts: Vec<(usize, Part)>,
}

impl Decoded {
    fn new(s: &StringLit, text: &str) -> Decoded {
        let content = s.content_range();
        let raw = text.get(content.start..content.end).unwrap_or("");
        Decoded::of(s.value.clone(), raw, content.start, s.verbatim)
    }

    /// The decoded `value` of the string content `raw` at `start`.
    fn of(value: String, raw: &str, start: usize, verbatim: bool) -> Decoded {
        let parts = if verbatim {
            vec![Part::Text { value: value.clone(), host: start..start + raw.len(), exact: true }]
        } else {
            literal_parts(&value, raw, start)
        };
        let mut at = 0;
        let mut placed = Vec::with_capacity(parts.len());
        for part in parts {
            let len = match &part {
                Part::Text { value, .. } => value.len(),
                Part::Unknown { .. } => 0,
            };
            placed.push((at, part));
            at += len;
        }
        Decoded { value, parts: placed }
    }

    /// Writes `value[range]` into the HCL text, mapped piece by piece.
    fn copy(&self, hcl: &mut Hcl, range: Range<usize>) {
        for (start, part) in &self.parts {
            let Part::Text { value, host, exact } = part else { continue };
            let end = start + value.len();
            let (from, to) = (range.start.max(*start), range.end.min(end));
            if from >= to {
                continue;
            }
            let Some(piece) = self.value.get(from..to) else { continue };
            if *exact {
                hcl.push(piece, host.start + (from - start)..host.start + (to - start), true);
            } else {
                hcl.push(piece, host.clone(), false);
            }
        }
    }

    /// The host range of the character at `at`.
    fn host_of(&self, at: usize) -> Range<usize> {
        let i = self.parts.partition_point(|(start, _)| *start <= at).saturating_sub(1);
        match self.parts.get(i) {
            Some((start, Part::Text { host, exact: true, value })) => {
                let width = self.value[at..].chars().next().map_or(0, char::len_utf8);
                let from = host.start + (at - start).min(value.len());
                from..(from + width).min(host.end)
            }
            Some((_, Part::Text { host, .. } | Part::Unknown { host })) => host.clone(),
            None => 0..0,
        }
    }
}

/// HCL's escape for a character of a quoted string, if it needs one.
fn hcl_escape(c: char) -> Option<String> {
    match c {
        '"' => Some("\\\"".into()),
        '\\' => Some("\\\\".into()),
        '\n' => Some("\\n".into()),
        '\r' => Some("\\r".into()),
        '\t' => Some("\\t".into()),
        c if c < ' ' => Some(format!("\\u{:04x}", c as u32)),
        _ => None,
    }
}

struct Writer<'t> {
    text: &'t str,
    hcl: Hcl,
}

/// The objects of a value that is an object or a list of objects (JSON's form of blocks).
fn objects(value: &Value) -> Vec<&syntax::Object> {
    match value {
        Value::Object(o) => vec![o],
        Value::Array(a) => {
            a.items.iter().filter_map(|i| if let Value::Object(o) = i { Some(o) } else { None }).collect()
        }
        _ => Vec::new(),
    }
}

fn members(value: &Value) -> impl Iterator<Item = (&StringLit, &Value)> {
    objects(value).into_iter().flat_map(|o| o.members.iter().filter_map(|m| Some((&m.key, m.value.as_ref()?))))
}

fn first_char(r: crate::TextRange) -> Range<usize> {
    r.start..(r.start + 1).min(r.end)
}

fn last_char(r: crate::TextRange) -> Range<usize> {
    r.end.saturating_sub(1).max(r.start)..r.end
}

impl Writer<'_> {
    fn module(&mut self, root: &Value) {
        for (key, value) in members(root) {
            match key.value.as_str() {
                "resource" | "data" => {
                    for (kind, names) in members(value) {
                        for (name, body) in members(names) {
                            self.block(key, &[kind, name], body);
                        }
                    }
                }
                "variable" => {
                    for (name, body) in members(value) {
                        for o in objects(body) {
                            let default = o.members.iter().find(|m| m.key.value == "default");
                            let Some(default) = default.and_then(|m| Some((&m.key, m.value.as_ref()?))) else {
                                continue;
                            };
                            self.open(key, &[name], o);
                            self.hcl.line(default.0.range.start);
                            self.attribute(default.0, default.1, true);
                            self.close(o);
                        }
                    }
                }
                "locals" => {
                    for o in objects(value) {
                        self.open(key, &[], o);
                        self.body(o);
                        self.close(o);
                    }
                }
                "provider" => {
                    for (name, body) in members(value) {
                        self.block(key, &[name], body);
                    }
                }
                _ => {}
            }
        }
    }

    /// One block per object of `body`.
    fn block(&mut self, ident: &StringLit, labels: &[&StringLit], body: &Value) {
        let many = matches!(body, Value::Array(_));
        for o in objects(body) {
            if many {
                // each item's block starts at its own `{`
                self.hcl.syntax(&ident.value, first_char(o.range));
            } else {
                self.hcl.syntax(&ident.value, ident.range.start..ident.range.end);
            }
            self.labels(labels);
            self.hcl.syntax(" {", first_char(o.range));
            self.hcl.indent += 1;
            self.body(o);
            self.close(o);
        }
    }

    fn open(&mut self, ident: &StringLit, labels: &[&StringLit], o: &syntax::Object) {
        self.hcl.syntax(&ident.value, ident.range.start..ident.range.end);
        self.labels(labels);
        self.hcl.syntax(" {", first_char(o.range));
        self.hcl.indent += 1;
    }

    fn labels(&mut self, labels: &[&StringLit]) {
        for label in labels {
            let quoted: String = label.value.chars().map(|c| hcl_escape(c).unwrap_or_else(|| c.to_string())).collect();
            self.hcl.syntax(" ", label.range.start..label.range.start);
            self.hcl.syntax(&format!("\"{quoted}\""), label.range.start..label.range.end);
        }
    }

    fn close(&mut self, o: &syntax::Object) {
        self.hcl.indent = self.hcl.indent.saturating_sub(1);
        self.hcl.line(o.range.end.saturating_sub(1));
        self.hcl.syntax("}", last_char(o.range));
        self.hcl.line(o.range.end);
    }

    fn body(&mut self, o: &syntax::Object) {
        for m in &o.members {
            let Some(value) = &m.value else { continue };
            let name = m.key.value.as_str();
            let is_identifier = !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && !name.starts_with(|c: char| c.is_ascii_digit() || c == '-');
            if !is_identifier {
                continue; // `"//"`: a comment
            }
            let blocks_shaped = match value {
                Value::Object(_) => true,
                Value::Array(a) => !a.items.is_empty() && a.items.iter().all(|i| matches!(i, Value::Object(_))),
                _ => false,
            };
            self.hcl.line(m.key.range.start);
            if NESTED_BLOCKS.contains(&name) && blocks_shaped {
                let many = matches!(value, Value::Array(_));
                for (i, inner) in objects(value).into_iter().enumerate() {
                    if i > 0 {
                        self.hcl.line(inner.range.start);
                    }
                    let at = if many { first_char(inner.range) } else { m.key.range.start..m.key.range.end };
                    self.hcl.syntax(name, at);
                    self.hcl.syntax(" {", first_char(inner.range));
                    self.hcl.indent += 1;
                    self.body(inner);
                    self.hcl.indent -= 1;
                    self.hcl.line(inner.range.end.saturating_sub(1));
                    self.hcl.syntax("}", last_char(inner.range));
                }
            } else {
                self.attribute(&m.key, value, false);
            }
        }
    }

    fn attribute(&mut self, key: &StringLit, value: &Value, literal: bool) {
        self.hcl.syntax(&key.value, key.range.start..key.range.end);
        let at = value.range().start;
        self.hcl.syntax(" = ", at..at);
        self.expression(value, literal);
    }

    /// A JSON value as an HCL expression; `literal`: strings are not templates (a
    /// variable's `default`).
    fn expression(&mut self, value: &Value, literal: bool) {
        match value {
            Value::String(s) => self.string(s, literal, true),
            Value::Number(r) | Value::Bool(_, r) | Value::Null(r) => {
                let raw = self.text.get(r.start..r.end).unwrap_or("null");
                self.hcl.push(raw, r.start..r.end, true);
            }
            Value::Array(a) => {
                self.hcl.syntax("[", first_char(a.range));
                for (i, item) in a.items.iter().enumerate() {
                    if i > 0 {
                        let at = item.range().start;
                        self.hcl.syntax(", ", at..at);
                    }
                    self.expression(item, literal);
                }
                self.hcl.syntax("]", last_char(a.range));
            }
            Value::Object(o) => {
                self.hcl.syntax("{", first_char(o.range));
                self.hcl.indent += 1;
                for m in &o.members {
                    let Some(v) = &m.value else { continue };
                    self.hcl.line(m.key.range.start);
                    self.string(&m.key, true, false);
                    let at = v.range().start;
                    self.hcl.syntax(" = ", at..at);
                    self.expression(v, literal);
                }
                self.hcl.indent -= 1;
                self.hcl.line(o.range.end.saturating_sub(1));
                self.hcl.syntax("}", last_char(o.range));
            }
        }
    }

    /// A JSON string as an HCL template: `"${x}"` alone as `x`, otherwise a quoted string
    /// whose literal pieces are escaped for HCL and whose interpolations are as written.
    fn string(&mut self, s: &StringLit, literal: bool, unwrap: bool) {
        let decoded = Decoded::new(s, self.text);
        let d = decoded.value.as_str();
        let template = if literal { None } else { hcl_edit::parser::parse_template(d).ok() };
        if !literal && template.is_none() {
            self.hcl.errors.push(HostError {
                range: s.range.start..s.range.end,
                message: "HCL syntax: this string is not a valid template (an unclosed `${`?)".to_string(),
            });
            // what Terraform would refuse is read as nothing (its error is reported once, here)
            self.hcl.syntax("null", s.range.start..s.range.end);
            return;
        }
        let elements: Vec<(Range<usize>, bool)> = match &template {
            Some(t) => t
                .iter()
                .map(|e| match e {
                    Element::Literal(l) => (l.span().unwrap_or(0..0), true),
                    Element::Interpolation(i) => (i.span().unwrap_or(0..0), false),
                    Element::Directive(x) => (x.span().unwrap_or(0..0), false),
                })
                .collect(),
            None => vec![(0..d.len(), true)],
        };
        let no_template = template.is_none();
        if let ([(r, false)], true) = (elements.as_slice(), unwrap) {
            let inner = d.get(r.start + 2..r.end.saturating_sub(1)).unwrap_or("");
            if r.start == 0 && r.end == d.len() && !inner.starts_with('~') && !inner.ends_with('~') {
                // the expression alone, without the blanks around it (it follows `=` on its line)
                let from = r.start + 2 + (inner.len() - inner.trim_start().len());
                let to = (r.end - 1 - (inner.len() - inner.trim_end().len())).max(from);
                decoded.copy(&mut self.hcl, from..to);
                return;
            }
        }
        self.hcl.push("\"", first_char(s.range), true);
        for (r, is_literal) in elements {
            if !is_literal {
                decoded.copy(&mut self.hcl, r);
                continue;
            }
            let piece = d.get(r.clone()).unwrap_or("");
            let mut run = r.start;
            for (i, c) in piece.char_indices() {
                let at = r.start + i;
                let escape = hcl_escape(c).or_else(|| {
                    // a literal `${`/`%{` (no template): doubled
                    (no_template && (c == '$' || c == '%') && d[at + 1..].starts_with('{')).then(|| format!("{c}{c}"))
                });
                if let Some(escape) = escape {
                    decoded.copy(&mut self.hcl, run..at);
                    self.hcl.syntax(&escape, decoded.host_of(at));
                    run = at + c.len_utf8();
                }
            }
            decoded.copy(&mut self.hcl, run..r.end);
        }
        self.hcl.push("\"", last_char(s.range), true);
    }
}

/// The policies of a `.tf.json` module.
pub fn extract(text: &str, root: &Value) -> Extraction {
    extract_with_files(text, root).0
}

/// The policies of a `.tf.json` module and the policy files it reads.
pub fn extract_with_files(text: &str, root: &Value) -> (Extraction, Vec<FileRead>) {
    let mut writer = Writer { text, hcl: Hcl::default() };
    writer.module(root);
    let hcl = writer.hcl;
    let (mut extraction, mut files) = super::extract_with_files(&hcl.text);
    let exact = |from: &Range<usize>, to: &Range<usize>| {
        to.len() == from.len() && text.get(to.clone()).is_some_and(|t| hcl.text.get(from.clone()) == Some(t))
    };
    // on the host's character boundaries (an HCL error's one-character range may map into an escape)
    let boundaries = |r: Range<usize>| {
        let (mut start, mut end) = (r.start.min(text.len()), r.end.min(text.len()));
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        while !text.is_char_boundary(end) {
            end += 1;
        }
        start..end.max(start)
    };
    for p in &mut extraction.policies {
        p.host = boundaries(hcl.to_host(p.host.clone()));
        p.json.map_host(|r, was_exact| {
            let host = hcl.to_host(r.clone());
            let still = was_exact && exact(&r, &host);
            (host, still)
        });
    }
    for e in &mut extraction.errors {
        e.range = boundaries(hcl.to_host(e.range.clone()));
    }
    extraction.errors.extend(hcl.errors.iter().cloned());
    extraction.errors.sort_by_key(|e| (e.range.start, e.range.end));
    extraction.errors.dedup();
    for f in &mut files {
        f.host = boundaries(hcl.to_host(f.host.clone()));
    }
    (extraction, files)
}

/// The policy files a `.tf.json` module reads with `file(...)` / `templatefile(...)`.
pub fn files_read(text: &str) -> Vec<FileRead> {
    match syntax::parse(text).root {
        Some(root) => extract_with_files(text, &root).1,
        None => Vec::new(),
    }
}

/// Whether a file is a Terraform module, in HCL (`.tf`) or JSON (`.tf.json`) syntax.
pub fn is_module_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".tf") || lower.ends_with(".tf.json")
}

/// Fixes written into a `.tf.json` module: JSON where the policy is JSON of the host (an
/// `aws_iam_policy_document` in JSON form); inside a string (`"${jsonencode({...})}"`, a
/// JSON policy written as a string), the edit is made in the string's value, as HCL inside
/// an interpolation and as JSON otherwise, and escaped back into the string.
pub struct TfJsonWriter;

/// The JSON string of the host around `at`: its quotes' offsets. JSON strings hold no line
/// break, so the line before `at` tells.
fn string_around(text: &str, at: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let at = at.min(bytes.len());
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let mut open = None;
    let mut i = line_start;
    while i < at {
        match bytes[i] {
            b'\\' if open.is_some() => i += 1,
            b'"' => open = if open.is_some() { None } else { Some(i) },
            _ => {}
        }
        i += 1;
    }
    let open = open?;
    let mut j = i.max(open + 1);
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 1,
            b'"' => return Some((open, j)),
            b'\n' => return None,
            _ => {}
        }
        j += 1;
    }
    None
}

/// A string of the host as text to edit: its value and the map between the two.
struct InString {
    decoded: Decoded,
    close: usize,
}

impl InString {
    fn at(text: &str, at: usize) -> Option<InString> {
        let (open, close) = string_around(text, at)?;
        let value: String = serde_json::from_str(text.get(open..=close)?).ok()?;
        let raw = text.get(open + 1..close)?;
        let verbatim = raw == value;
        Some(InString { decoded: Decoded::of(value, raw, open + 1, verbatim), close })
    }

    /// The value offset of a host offset inside the string.
    fn to_value(&self, host_offset: usize) -> usize {
        for (start, part) in &self.decoded.parts {
            let Part::Text { value, host, exact } = part else { continue };
            if host_offset < host.start || host_offset > host.end {
                continue;
            }
            if *exact {
                return start + (host_offset - host.start);
            }
            return if host_offset == host.start { *start } else { start + value.len() };
        }
        self.decoded.value.len()
    }

    fn range_to_value(&self, r: &Range<usize>) -> Option<Range<usize>> {
        (r.end <= self.close).then(|| self.to_value(r.start)..self.to_value(r.end))
    }

    fn to_host(&self, at: usize, end: bool) -> usize {
        let parts = &self.decoded.parts;
        let i = if end {
            parts.iter().rposition(|(s, _)| *s < at).unwrap_or(0)
        } else {
            parts.iter().rposition(|(s, _)| *s <= at).unwrap_or(0)
        };
        match parts.get(i) {
            Some((start, Part::Text { host, exact: true, .. })) => (host.start + (at - start)).min(host.end),
            Some((_, Part::Text { host, .. } | Part::Unknown { host })) => {
                if end {
                    host.end
                } else {
                    host.start
                }
            }
            None => self.close,
        }
    }

    /// An edit of the value as an edit of the host: its text escaped for the JSON string.
    fn edit_to_host(&self, edit: Edit) -> Option<Edit> {
        let start = self.to_host(edit.range.start, false);
        let end = if edit.range.end > edit.range.start { self.to_host(edit.range.end, true) } else { start };
        let quoted = serde_json::to_string(&edit.new_text).ok()?;
        Some(Edit {
            range: crate::TextRange::new(start, end.max(start)),
            new_text: quoted[1..quoted.len() - 1].to_string(),
        })
    }

    /// The writer for the value: HCL in an interpolation, JSON (a template: `${` doubled) otherwise.
    fn writer(&self) -> &'static dyn HostWriter {
        if self.decoded.value.trim_start().starts_with("${") {
            &super::HclWriter
        } else {
            &JsonTemplate
        }
    }
}

/// JSON whose strings are templates (a `.tf.json` value, a JSON policy inside one): `${` and `%{` doubled.
struct JsonTemplate;

fn escape_templates(value: &str) -> String {
    value.replace("${", "$${").replace("%{", "%%{")
}

impl HostWriter for JsonTemplate {
    fn replace_scalar(&self, text: &str, scalar: Range<usize>, value: &str) -> Option<Edit> {
        let source = text.get(scalar.clone())?;
        (source.len() >= 2 && source.starts_with('"') && source.ends_with('"'))
            .then(|| Json.replace_scalar(text, scalar, &escape_templates(value)))?
    }
    fn remove_item(&self, text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<Edit> {
        Json.remove_item(text, list, items, index)
    }
    fn append_item(&self, text: &str, list: Range<usize>, items: &[Range<usize>], value: &str) -> Option<Edit> {
        Json.append_item(text, list, items, &escape_templates(value))
    }
    fn remove_entry(&self, text: &str, mapping: Range<usize>, key: Range<usize>, value: Range<usize>) -> Option<Edit> {
        Json.remove_entry(text, mapping, key, value)
    }
    fn copy_separator(&self, text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<String> {
        Json.copy_separator(text, list, items, index)
    }
}

impl HostWriter for TfJsonWriter {
    fn replace_scalar(&self, text: &str, scalar: Range<usize>, value: &str) -> Option<Edit> {
        let Some(s) = InString::at(text, scalar.start) else { return JsonTemplate.replace_scalar(text, scalar, value) };
        let edit = s.writer().replace_scalar(&s.decoded.value, s.range_to_value(&scalar)?, value)?;
        s.edit_to_host(edit)
    }

    fn remove_item(&self, text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<Edit> {
        let Some(s) = InString::at(text, list.start) else { return JsonTemplate.remove_item(text, list, items, index) };
        let items = items.iter().map(|i| s.range_to_value(i)).collect::<Option<Vec<_>>>()?;
        let edit = s.writer().remove_item(&s.decoded.value, s.range_to_value(&list)?, &items, index)?;
        s.edit_to_host(edit)
    }

    fn append_item(&self, text: &str, list: Range<usize>, items: &[Range<usize>], value: &str) -> Option<Edit> {
        let Some(s) = InString::at(text, list.start) else { return JsonTemplate.append_item(text, list, items, value) };
        let items = items.iter().map(|i| s.range_to_value(i)).collect::<Option<Vec<_>>>()?;
        let edit = s.writer().append_item(&s.decoded.value, s.range_to_value(&list)?, &items, value)?;
        s.edit_to_host(edit)
    }

    fn remove_entry(&self, text: &str, mapping: Range<usize>, key: Range<usize>, value: Range<usize>) -> Option<Edit> {
        let Some(s) = InString::at(text, mapping.start) else {
            return JsonTemplate.remove_entry(text, mapping, key, value);
        };
        let (m, k, v) = (s.range_to_value(&mapping)?, s.range_to_value(&key)?, s.range_to_value(&value)?);
        let edit = s.writer().remove_entry(&s.decoded.value, m, k, v)?;
        s.edit_to_host(edit)
    }

    fn copy_separator(&self, text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<String> {
        let Some(s) = InString::at(text, list.start) else {
            return JsonTemplate.copy_separator(text, list, items, index);
        };
        let items = items.iter().map(|i| s.range_to_value(i)).collect::<Option<Vec<_>>>()?;
        let separator = s.writer().copy_separator(&s.decoded.value, s.range_to_value(&list)?, &items, index)?;
        // escaped for the JSON string, as an edit's text is
        let quoted = serde_json::to_string(&separator).ok()?;
        Some(quoted[1..quoted.len() - 1].to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embedded::EmbeddedPolicy;
    use crate::{apply_edits, Document, Language, Options, PolicyKind};

    fn policies(text: &str) -> Vec<EmbeddedPolicy> {
        let parse = syntax::parse(text);
        extract(text, parse.root.as_ref().unwrap()).policies
    }

    fn host_of<'t>(text: &'t str, policy: &EmbeddedPolicy, needle: &str) -> &'t str {
        let at = policy.json.text().find(needle).unwrap_or_else(|| panic!("{needle} not in {}", policy.json.text()));
        &text[policy.json.to_host(at..at + needle.len())]
    }

    fn at(text: &str, needle: &str) -> Range<usize> {
        let start = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
        start..start + needle.len()
    }

    const DOCUMENT: &str = r#"{
  "variable": {"bucket": {"default": "docs-${x}"}},
  "locals": {"prefix": "arn:aws:s3:::"},
  "data": {"aws_iam_policy_document": {"read": {"statement": [{
    "sid": "Read",
    "actions": ["s3:GetObject"],
    "resources": ["${local.prefix}${var.bucket}/*"],
    "principals": {"type": "AWS", "identifiers": ["arn:aws:iam::123456789012:root"]},
    "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["true"]}]
  }]}}},
  "resource": {"aws_s3_bucket_policy": {"docs": {"bucket": "b", "policy": "${data.aws_iam_policy_document.read.json}"}}}
}"#;

    #[test]
    fn policy_documents_in_json_form_are_rendered_and_map_back() {
        let found = policies(DOCUMENT);
        assert_eq!(found.len(), 1);
        let policy = &found[0];
        assert_eq!(policy.kind, PolicyKind::Resource);
        assert_eq!(
            policy.json.text(),
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::docs-${x}/*"],"Principal":{"AWS":["arn:aws:iam::123456789012:root"]},"Condition":{"Bool":{"aws:SecureTransport":["true"]}}}]}"#
        );
        assert_eq!(host_of(DOCUMENT, policy, "s3:GetObject"), "s3:GetObject");
        assert_eq!(host_of(DOCUMENT, policy, "aws:SecureTransport"), "aws:SecureTransport");
        // a variable's default is literal text; resolved, it points at the reference
        assert_eq!(host_of(DOCUMENT, policy, "docs-${x}"), "${var.bucket}");
        assert_eq!(host_of(DOCUMENT, policy, "\"Action\""), "\"actions\"");
        let action = policy.json.text().find("s3:GetObject").unwrap();
        assert!(policy.json.is_exact(action..action + 12));
    }

    const IN_STRINGS: &str = r#"{"resource": {
  "aws_iam_role": {"r": {"assume_role_policy": "${jsonencode({Statement = [{Effect = \"Allow\", Action = [\"sts:AssumeRole\"], Principal = {Service = \"bedrock.amazonaws.com\"}}]})}"}},
  "aws_iam_policy": {"p": {"policy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:ListBucket\"], \"Resource\": \"*\"}]}"}}
}}"#;

    #[test]
    fn policies_inside_strings_keep_exact_ranges_and_kinds() {
        let found = policies(IN_STRINGS);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].kind, found[1].kind), (PolicyKind::Trust, PolicyKind::Identity));
        assert_eq!(host_of(IN_STRINGS, &found[0], "sts:AssumeRole"), "sts:AssumeRole");
        assert_eq!(host_of(IN_STRINGS, &found[0], "\"sts:AssumeRole\""), "\\\"sts:AssumeRole\\\"");
        assert_eq!(host_of(IN_STRINGS, &found[1], "s3:ListBucket"), "s3:ListBucket");
        assert_eq!(found[0].name, "aws_iam_role.r");
    }

    /// The value of the `policy`-like string at `key` after a fix, decoded.
    fn decoded(text: &str, pointer: &str) -> String {
        let value: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
        value.pointer(pointer).and_then(|v| v.as_str()).unwrap().to_string()
    }

    #[test]
    fn fixes_inside_strings_are_escaped_into_the_json() {
        let text = IN_STRINGS;
        let edit = TfJsonWriter.replace_scalar(text, at(text, "\\\"sts:AssumeRole\\\""), "sts:AssumeRole\"x").unwrap();
        let fixed = apply_edits(text, &[edit]);
        let template = decoded(&fixed, "/resource/aws_iam_role/r/assume_role_policy");
        assert!(template.contains(r#"Action = ["sts:AssumeRole\"x"]"#), "{template}");
        // a JSON policy written as a string: JSON inside, escaped
        let list = at(text, "[\\\"s3:GetObject\\\", \\\"s3:ListBucket\\\"]");
        let items = [at(text, "\\\"s3:GetObject\\\""), at(text, "\\\"s3:ListBucket\\\"")];
        let removed = apply_edits(text, &[TfJsonWriter.remove_item(text, list.clone(), &items, 0).unwrap()]);
        let policy = decoded(&removed, "/resource/aws_iam_policy/p/policy");
        assert!(policy.contains(r#""Action": ["s3:ListBucket"]"#), "{policy}");
        let added = apply_edits(text, &[TfJsonWriter.append_item(text, list, &items, "s3:${x}").unwrap()]);
        let policy = decoded(&added, "/resource/aws_iam_policy/p/policy");
        assert!(policy.contains(r#""s3:ListBucket", "s3:$${x}"]"#), "{policy}");
        serde_json::from_str::<serde_json::Value>(&policy.replace("$${", "${")).unwrap();
    }

    #[test]
    fn fixes_of_json_arguments_write_json() {
        let text = DOCUMENT;
        let edit = TfJsonWriter.replace_scalar(text, at(text, "\"s3:GetObject\""), "s3:Get${x}").unwrap();
        assert_eq!(edit.new_text, "\"s3:Get$${x}\"");
        let list = at(text, "[\"s3:GetObject\"]");
        let item = list.start + 1..list.end - 1;
        let edit = TfJsonWriter.append_item(text, list.clone(), std::slice::from_ref(&item), "s3:List*").unwrap();
        let fixed = apply_edits(text, &[edit]);
        assert!(fixed.contains(r#""actions": ["s3:GetObject", "s3:List*"]"#), "{fixed}");
        serde_json::from_str::<serde_json::Value>(&fixed).unwrap();
    }

    #[test]
    fn a_module_in_json_is_no_policy_and_no_template() {
        let doc = |text: &str| Document::in_language(text.to_string(), Options::default(), Language::TerraformJson);
        // no policy resource: nothing, whatever its JSON looks like
        let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"}]}"#;
        assert!(!doc(text).analysis().unwrap().is_policy);
        let template = r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"R": {"Type": "AWS::IAM::Policy", "Properties": {"PolicyDocument": {"Statement": []}}}}}"#;
        assert!(!doc(template).analysis().unwrap().is_policy);
        assert_eq!(Language::of_path("modules/iam/main.tf.json"), Language::TerraformJson);
        assert_eq!(Language::of_path("main.TF.JSON"), Language::TerraformJson);
    }

    #[test]
    fn an_edited_module_is_analysed_as_a_fresh_one() {
        let open = |t: &str| Document::in_language(t.to_string(), Options::default(), Language::TerraformJson);
        let mut doc = open(IN_STRINGS);
        let mut text = IN_STRINGS.to_string();
        for (from, to) in [("s3:GetObject", "s3:GetObjects"), ("Allow", "Allw"), ("{\\\"Statement", "{\\\"Statment")] {
            text = text.replacen(from, to, 1);
            doc = doc.edit(text.clone());
            let fresh = open(&text);
            assert_eq!(doc.analysis().unwrap().diagnostics, fresh.analysis().unwrap().diagnostics, "{text}");
            assert!(!fresh.analysis().unwrap().diagnostics.is_empty());
        }
    }

    #[test]
    fn a_broken_template_is_reported_and_what_else_is_there_still_read() {
        let text = r#"{"resource": {"aws_iam_policy": {
  "a": {"policy": "${jsonencode({Statement = [}"},
  "b": {"policy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}]}"}
}}}"#;
        let parse = syntax::parse(text);
        let found = extract(text, parse.root.as_ref().unwrap());
        assert_eq!(found.policies.len(), 1, "{:?}", found.errors);
        assert_eq!(found.policies[0].name, "aws_iam_policy.b");
        assert!(!found.errors.is_empty());
        for e in &found.errors {
            assert!(e.range.end <= text.len() && text.is_char_boundary(e.range.start), "{e:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// Half-typed modules in JSON are read without panics, every range on the text's
        /// character boundaries.
        #[test]
        fn half_typed_modules_are_analysed_without_panics(pieces in proptest::collection::vec(proptest::sample::select(vec![
            "{", "}", "[", "]", ",", ":", "\"", "\\\"", "\\n", "\\\\", "\\u00e9", "${", "}", "$${", "%{", "~",
            "\"resource\"", "\"data\"", "\"aws_iam_policy\"", "\"aws_iam_policy_document\"", "\"statement\"",
            "\"policy\"", "\"p\"", "\"actions\"", "\"s3:GetObject\"", "jsonencode(", ")", "Statement = ",
            "Action = ", "data.aws_iam_policy_document.p.json", "var.x", "\"variable\"", "\"default\"", "é", "🫣", " ", "\n",
        ]), 0..80)) {
            let text = format!("{{\"resource\": {{\"aws_iam_policy\": {{\"p\": {{\"policy\": \"{}", pieces.concat());
            let doc = Document::in_language(text.clone(), Options::default(), Language::TerraformJson);
            let inside = |r: crate::TextRange| r.start <= r.end && r.end <= text.len()
                && text.is_char_boundary(r.start) && text.is_char_boundary(r.end);
            for d in &doc.analysis().expect("no panic").diagnostics {
                proptest::prop_assert!(inside(d.range), "{:?}", d);
                for e in d.fixes.iter().flat_map(|f| &f.edits) {
                    proptest::prop_assert!(inside(e.range), "{:?}", e);
                }
            }
        }
    }
}
