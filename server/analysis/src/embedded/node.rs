//! One tree for the host files of CloudFormation, SAM and Serverless, YAML or JSON: mappings,
//! sequences and scalars with byte ranges and YAML tags (`!Sub`). YAML comes from
//! saphyr-parser's events; JSON templates from the project's own tolerant JSON parser.

use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::HostError;
use crate::syntax::{self, Value};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` or `>`.
    Block,
    /// A JSON string.
    Json,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar {
        value: String,
        style: Style,
        /// The host bytes of the value, when they are the value verbatim (no quotes, escapes
        /// or folded lines in between).
        exact: Option<Range<usize>>,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    /// An alias (`*a`) or a value the tree does not model (numbers in JSON are scalars).
    Other,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub kind: NodeKind,
    pub range: Range<usize>,
    /// The tag's suffix when its handle is `!` (`Sub` for `!Sub`).
    pub tag: Option<String>,
    /// Whether the node is flow style (`[a, b]`, `{a: b}`) or a JSON value.
    pub flow: bool,
}

impl Node {
    pub fn str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The value of the first entry whose key is `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.map()?.iter().find(|(k, _)| k.str() == Some(key)).map(|(_, v)| v)
    }

    pub fn get_entry(&self, key: &str) -> Option<&(Node, Node)> {
        self.map()?.iter().find(|(k, _)| k.str() == Some(key))
    }

    /// Moves every offset in the tree to where `to` says.
    pub(crate) fn shift(&mut self, to: &impl Fn(usize) -> usize) {
        self.range = to(self.range.start)..to(self.range.end);
        match &mut self.kind {
            NodeKind::Scalar { exact: Some(r), .. } => *r = to(r.start)..to(r.end),
            NodeKind::Seq(items) => items.iter_mut().for_each(|n| n.shift(to)),
            NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.shift(to);
                v.shift(to);
            }),
            NodeKind::Scalar { .. } | NodeKind::Other => {}
        }
    }
}

/// Byte offsets of saphyr's character indexes without scanning: for each character wider
/// than one byte, its index and the extra bytes of the wide characters up to it, searched in
/// O(log n).
struct CharOffsets {
    wide: Vec<(usize, usize)>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> CharOffsets {
        let mut wide = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0;
            for (chars, (_, c)) in text.char_indices().enumerate() {
                if c.len_utf8() > 1 {
                    extra += c.len_utf8() - 1;
                    wide.push((chars, extra));
                }
            }
        }
        CharOffsets { wide, len: text.len() }
    }

    fn byte(&self, char_index: usize) -> usize {
        let i = self.wide.partition_point(|&(c, _)| c < char_index);
        let extra = i.checked_sub(1).map_or(0, |j| self.wide[j].1);
        (char_index + extra).min(self.len)
    }
}

/// How many lines of flow collections indented left of their key are re-indented before
/// the error is reported as it is (each costs one more parse of the text).
const MAX_FLOW_REPAIRS: usize = 32;

/// Parses a YAML text's first document. A syntax error is reported once; the nodes closed
/// before it are kept (so the policies before it are still checked), the ones still open are
/// dropped.
///
/// YAML 1.2 (and so saphyr-parser) rejects a line of a flow collection (`[{ ... }]`) indented
/// at or left of the block that holds it; PyYAML, and so CloudFormation and SAM, accept it.
/// Indentation inside a flow collection means nothing, so such a line is indented right of
/// the collection's opening bracket in a copy of the text, parsed again, and every range
/// mapped back to the text.
pub fn parse_yaml(text: &str) -> (Option<Node>, Vec<HostError>) {
    let parsed = parse_yaml_anchored(text);
    (parsed.root, parsed.errors)
}

/// A YAML text's tree, its syntax errors, and whether it uses anchors or aliases.
pub(crate) struct Parsed {
    pub root: Option<Node>,
    pub errors: Vec<HostError>,
    /// Whether any node has an anchor (`&a`) or is an alias (`*a`): a part of such a text
    /// may not parse alone as it does in the whole.
    pub anchored: bool,
}

/// [`parse_yaml`], saying whether the text uses anchors or aliases.
pub(crate) fn parse_yaml_anchored(text: &str) -> Parsed {
    let (mut last, mut repair) = parse_yaml_once(text);
    if repair.is_none() {
        return last;
    }
    let mut repaired = text.to_string();
    let mut inserted = Insertions::default();
    for _ in 0..MAX_FLOW_REPAIRS {
        let Some(r) = repair.take() else { break };
        if inserted.at.last().is_some_and(|&(at, _)| r.line_start <= at) {
            break; // no progress: the same line again
        }
        repaired.insert_str(r.line_start, &" ".repeat(r.spaces));
        inserted.at.push((r.line_start, r.spaces));
        let (parsed, next) = parse_yaml_once(&repaired);
        last = parsed;
        repair = next;
    }
    if let Some(root) = &mut last.root {
        inserted.remap_node(root);
    }
    for e in &mut last.errors {
        e.range = inserted.remap(e.range.start)..inserted.remap(e.range.end);
    }
    last
}

/// The tree of a part of a text (`fragment`, which starts at `base`), parsed alone: `None`
/// when it has a syntax error, needs a flow repair, or uses anchors or aliases (where it
/// might not parse alone as it does in the whole text).
pub(crate) fn parse_yaml_fragment(fragment: &str, base: usize) -> Option<Node> {
    let (parsed, repair) = parse_yaml_once(fragment);
    if repair.is_some() || !parsed.errors.is_empty() || parsed.anchored {
        return None;
    }
    let mut root = parsed.root?;
    root.shift(&|offset| offset + base);
    Some(root)
}

/// Spaces inserted into a text: (offset in the new text, count), in order.
#[derive(Default)]
struct Insertions {
    at: Vec<(usize, usize)>,
}

impl Insertions {
    /// The offset in the original text of an offset in the new one (the insertion point for
    /// one inside inserted spaces).
    fn remap(&self, offset: usize) -> usize {
        let mut removed = 0;
        for &(at, count) in &self.at {
            if offset < at {
                break;
            }
            if offset < at + count {
                return at - removed;
            }
            removed += count;
        }
        offset - removed
    }

    fn remap_node(&self, node: &mut Node) {
        node.range = self.remap(node.range.start)..self.remap(node.range.end);
        match &mut node.kind {
            NodeKind::Scalar { exact, .. } => {
                if let Some(r) = exact {
                    *r = self.remap(r.start)..self.remap(r.end);
                }
            }
            NodeKind::Seq(items) => items.iter_mut().for_each(|n| self.remap_node(n)),
            NodeKind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                self.remap_node(k);
                self.remap_node(v);
            }),
            NodeKind::Other => {}
        }
    }
}

/// The offset of the closing quote of the quoted scalar whose span is `span` (after its tag
/// or anchor, if any), inside the span.
fn closing_quote(text: &str, span: Range<usize>) -> Option<usize> {
    let bytes = text.as_bytes().get(span.clone())?;
    let open = bytes.iter().position(|&b| b == b'\'' || b == b'"')?;
    let quote = bytes[open];
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 1,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            b if b == quote => return Some(span.start + i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// A line of a flow collection to indent, right of the collection's opening bracket.
struct FlowRepair {
    line_start: usize,
    spaces: usize,
}

/// An indentation error inside a flow collection, as a line to indent.
fn flow_repair(text: &str, at: usize, message: &str, stack: &[Open]) -> Option<FlowRepair> {
    if !message.contains("indentation") {
        return None;
    }
    let opener = stack.iter().find(|open| open.flow)?.start;
    let line_start = |offset: usize| text.get(..offset).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let opener_column = text.get(line_start(opener)..opener)?.chars().count();
    let line = line_start(at);
    if line <= opener {
        return None;
    }
    let indent = text.get(line..)?.bytes().take_while(|&b| b == b' ').count();
    let spaces = (opener_column + 1).checked_sub(indent).filter(|&s| s > 0)?;
    Some(FlowRepair { line_start: line, spaces })
}

fn parse_yaml_once(text: &str) -> (Parsed, Option<FlowRepair>) {
    let offsets = CharOffsets::new(text);
    let mut repair = None;
    let mut anchored = false;
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    let mut errors = Vec::new();
    let range = |span: Span| offsets_of(&offsets, span);
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let at = offsets.byte(e.marker().index());
                // the character at the error (none at the end of the text)
                let end = at + text.get(at..).and_then(|t| t.chars().next()).map_or(0, char::len_utf8);
                repair = flow_repair(text, at, e.info(), &stack);
                errors.push(HostError { range: at..end, message: e.info().to_string() });
                // What is still open ends at the error: a policy holding it is not checked.
                while let Some(open) = stack.pop() {
                    let node = close(open, at);
                    push(&mut stack, &mut root, node);
                }
                break;
            }
        };
        let is_map = matches!(event, Event::MappingStart(..));
        anchored |= match &event {
            Event::Alias(_) => true,
            Event::Scalar(_, _, anchor, _) | Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                *anchor != 0
            }
            _ => false,
        };
        match event {
            Event::DocumentEnd => break,
            Event::Scalar(value, style, _, tag) => {
                let r = range(span);
                // The span starts at a tag or anchor, if any: the value is at its end.
                let (style, closing) = match style {
                    ScalarStyle::Plain => (Style::Plain, 0),
                    ScalarStyle::SingleQuoted => (Style::SingleQuoted, 1),
                    ScalarStyle::DoubleQuoted => (Style::DoubleQuoted, 1),
                    _ => (Style::Block, 0),
                };
                // saphyr's span of a quoted scalar may take what follows it on its line (blanks
                // in a flow collection, a comment): it ends at the closing quote
                let mut r = r;
                if closing == 1 {
                    if let Some(close) = closing_quote(text, r.clone()) {
                        r.end = close + 1;
                    }
                }
                let end = r.end.saturating_sub(closing);
                let content = end.saturating_sub(value.len())..end;
                let exact =
                    (content.start >= r.start && text.get(content.clone()) == Some(value.as_ref())).then_some(content);
                let node = Node {
                    kind: NodeKind::Scalar { value: value.into_owned(), style, exact },
                    range: r,
                    tag: tag.and_then(|t| local_tag(&t.handle, &t.suffix)),
                    flow: false,
                };
                push(&mut stack, &mut root, node);
            }
            Event::Alias(_) => {
                let node = Node { kind: NodeKind::Other, range: range(span), tag: None, flow: false };
                push(&mut stack, &mut root, node);
            }
            Event::SequenceStart(_, tag) | Event::MappingStart(_, tag) => {
                let r = range(span);
                let map = is_map;
                let flow = matches!(text.as_bytes().get(after_properties(text, r.start)), Some(b'[' | b'{'));
                let tag = tag.and_then(|t| local_tag(&t.handle, &t.suffix));
                stack.push(Open { start: r.start, tag, flow, map, items: Vec::new() });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(open) = stack.pop() else { continue };
                let r = range(span);
                // A block collection ends with its last item, not at the next token.
                let end = if !open.flow {
                    open.items.last().map_or(open.start, |n| n.range.end)
                } else {
                    // the closing bracket after the last item (saphyr's span of the end event
                    // does not always start at it)
                    let from = open.items.last().map_or(open.start + 1, |n| n.range.end);
                    let rest = text.get(from..).unwrap_or("");
                    let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n', ',']).len();
                    match rest.as_bytes().get(skipped) {
                        Some(b']' | b'}') => from + skipped + 1,
                        _ => r.end,
                    }
                };
                let end = end.max(open.start);
                let node = close(open, end);
                push(&mut stack, &mut root, node);
            }
            _ => {}
        }
    }
    (Parsed { root, errors, anchored }, repair)
}

struct Open {
    start: usize,
    tag: Option<String>,
    flow: bool,
    map: bool,
    items: Vec<Node>,
}

/// The offset after a node's tag and anchor (`!If &a [`), where its content starts.
fn after_properties(text: &str, mut at: usize) -> usize {
    let bytes = text.as_bytes();
    for _ in 0..2 {
        if !matches!(bytes.get(at), Some(b'!' | b'&')) {
            break;
        }
        while bytes.get(at).is_some_and(|b| !b.is_ascii_whitespace() && *b != b'[' && *b != b'{') {
            at += 1;
        }
        while bytes.get(at).is_some_and(|b| *b == b' ' || *b == b'\t') {
            at += 1;
        }
    }
    at
}

fn close(open: Open, end: usize) -> Node {
    let kind = if open.map {
        let mut entries = Vec::with_capacity(open.items.len() / 2);
        let mut items = open.items.into_iter();
        while let (Some(k), Some(v)) = (items.next(), items.next()) {
            entries.push((k, v));
        }
        NodeKind::Map(entries)
    } else {
        NodeKind::Seq(open.items)
    };
    Node { kind, range: open.start..end.max(open.start), tag: open.tag, flow: open.flow }
}

fn push(stack: &mut [Open], root: &mut Option<Node>, node: Node) {
    match stack.last_mut() {
        Some(open) => open.items.push(node),
        None => {
            if root.is_none() {
                *root = Some(node);
            }
        }
    }
}

fn offsets_of(offsets: &CharOffsets, span: Span) -> Range<usize> {
    let start = offsets.byte(span.start.index());
    let end = offsets.byte(span.end.index()).max(start);
    start..end
}

fn local_tag(handle: &str, suffix: &str) -> Option<String> {
    (handle == "!").then(|| suffix.to_string())
}

/// The tree of a JSON template, from the project's JSON parser (whose syntax errors the
/// caller reports).
pub fn from_json(value: &Value) -> Node {
    from_json_in(value, Some(0), 0..0)
}

/// The tree of JSON that sits inside a host string: at `shift` when the string's bytes are
/// the JSON verbatim, else every node at `whole` (the string) and none exact.
pub fn from_json_in(value: &Value, shift: Option<usize>, whole: Range<usize>) -> Node {
    let at = |r: crate::text::TextRange| match shift {
        Some(s) => r.start + s..r.end + s,
        None => whole.clone(),
    };
    let range = at(value.range());
    let kind = match value {
        Value::Object(o) => NodeKind::Map(
            o.members
                .iter()
                .filter_map(|m| {
                    let key = string_in(&m.key, shift, &whole);
                    m.value.as_ref().map(|v| (key, from_json_in(v, shift, whole.clone())))
                })
                .collect(),
        ),
        Value::Array(a) => NodeKind::Seq(a.items.iter().map(|i| from_json_in(i, shift, whole.clone())).collect()),
        Value::String(s) => return string_in(s, shift, &whole),
        _ => NodeKind::Other,
    };
    Node { kind, range, tag: None, flow: true }
}

fn string_in(s: &syntax::StringLit, shift: Option<usize>, whole: &Range<usize>) -> Node {
    let Some(shift) = shift else {
        return Node {
            kind: NodeKind::Scalar { value: s.value.clone(), style: Style::Json, exact: None },
            range: whole.clone(),
            tag: None,
            flow: true,
        };
    };
    let exact = (s.verbatim && s.quoted).then(|| {
        let c = s.content_range();
        c.start + shift..c.end + shift
    });
    Node {
        kind: NodeKind::Scalar { value: s.value.clone(), style: Style::Json, exact },
        range: s.range.start + shift..s.range.end + shift,
        tag: None,
        flow: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(text: &str, node: &Node, out: &mut String) {
        let tag = node.tag.as_deref().map(|t| format!("!{t} ")).unwrap_or_default();
        match &node.kind {
            NodeKind::Scalar { value, exact, .. } => out.push_str(&format!(
                "{tag}{value:?}@{:?}{}\n",
                &text[node.range.clone()],
                if exact.is_some() { " exact" } else { "" }
            )),
            NodeKind::Seq(items) => {
                out.push_str(&format!("{tag}seq@{:?}\n", &text[node.range.clone()]));
                for i in items {
                    dump(text, i, out);
                }
            }
            NodeKind::Map(entries) => {
                out.push_str(&format!("{tag}map@{:?}\n", &text[node.range.clone()]));
                for (k, v) in entries {
                    dump(text, k, out);
                    dump(text, v, out);
                }
            }
            NodeKind::Other => out.push_str("other\n"),
        }
    }

    fn tree(text: &str) -> String {
        let (root, errors) = parse_yaml(text);
        let mut out = String::new();
        if let Some(root) = root {
            dump(text, &root, &mut out);
        }
        for e in errors {
            out.push_str(&format!("error {:?}: {}\n", e.range, e.message));
        }
        out
    }

    #[test]
    fn nodes_have_byte_ranges_tags_and_exact_values() {
        let text =
            "a: b\nc:\n  - 'x''y'\n  - \"é🫣\"\n  - !Sub z-${A}\nd: !If [c, {e: f}, !Ref AWS::NoValue]\ng: |\n  text\n";
        let expected = r#"map@"a: b\nc:\n  - 'x''y'\n  - \"é🫣\"\n  - !Sub z-${A}\nd: !If [c, {e: f}, !Ref AWS::NoValue]\ng: |\n  text\n"
"a"@"a" exact
"b"@"b" exact
"c"@"c" exact
seq@"- 'x''y'\n  - \"é🫣\"\n  - !Sub z-${A}"
"x'y"@"'x''y'"
"é🫣"@"\"é🫣\"" exact
!Sub "z-${A}"@"!Sub z-${A}" exact
"d"@"d" exact
!If seq@"!If [c, {e: f}, !Ref AWS::NoValue]"
"c"@"c" exact
map@"{e: f}"
"e"@"e" exact
"f"@"f" exact
!Ref "AWS::NoValue"@"!Ref AWS::NoValue" exact
"g"@"g" exact
"text\n"@"text\n" exact
"#;
        assert_eq!(tree(text), expected);
    }

    #[test]
    fn a_syntax_error_is_reported_once_and_what_is_open_ends_there() {
        let text = "a: b\nc: [d, e\nx";
        let out = tree(text);
        assert!(out.contains("error 15..15: while parsing a flow sequence"), "{out}");
        assert_eq!(out.matches("error").count(), 1);
        assert!(out.starts_with("map@\"a: b\\nc: [d, e\\nx\""), "{out}");
    }

    #[test]
    fn a_flow_collection_left_of_its_key_is_read_as_pyyaml_reads_it() {
        // CloudFormation (PyYAML) accepts these; YAML 1.2 does not.
        let text = "R:\n  P:\n    S: [{\n      \"E\": \"é\",\n    \"A\": [x,\n  y]\n    }]\n  Q: z\n";
        let out = tree(text);
        assert!(!out.contains("error"), "{out}");
        assert!(out.contains("\"E\"@\"\\\"E\\\"\""), "{out}");
        assert!(out.contains("\"é\"@\"\\\"é\\\"\" exact"), "{out}");
        assert!(out.contains("\"y\"@\"y\" exact"), "{out}");
        assert!(out.contains("seq@\"[{\\n      \\\"E\\\": \\\"é\\\",\\n    \\\"A\\\": [x,\\n  y]\\n    }]\""), "{out}");
        assert!(out.contains("\"z\"@\"z\" exact"), "{out}");
        // still an error where it is not a flow collection
        assert!(tree("a:\n  b: c\n d: e\n").contains("error"));
    }

    #[test]
    fn character_indexes_become_byte_offsets() {
        let text = "é: 🫣\nb: ț\n";
        let offsets = CharOffsets::new(text);
        for (chars, (bytes, _)) in text.char_indices().enumerate() {
            assert_eq!(offsets.byte(chars), bytes);
        }
        assert_eq!(offsets.byte(text.chars().count()), text.len());
    }
}
