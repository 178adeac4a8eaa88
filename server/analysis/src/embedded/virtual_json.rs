//! A policy document written as JSON from a host file's syntax (a CloudFormation template, a
//! Terraform module), with a map from each piece of the JSON back to the host text. Every
//! analysis runs unchanged on the JSON; its byte ranges are mapped back through the pieces
//! (the "virtual code with a source map" of embedded-language servers such as Volar).

use std::ops::Range;

/// What the text written for an unresolvable part reads as: a policy variable, which the
/// checks take for any text. Findings that touch it are dropped by the caller.
pub const UNKNOWN: &str = "${iam-lsp:unknown}";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PieceKind {
    /// The JSON bytes are the host bytes: offsets inside map one to one.
    Exact,
    /// The JSON bytes came from the whole host range (syntax, an escape, a resolved value).
    Whole,
    /// Written for something that could not be resolved.
    Unknown,
    /// A character of an exact part that JSON escapes (`"` as `\"`).
    Escape,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    json: Range<usize>,
    host: Range<usize>,
    kind: PieceKind,
}

/// A policy document written as JSON from a host file's syntax, with a map from each piece of
/// the JSON back to the host text.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct VirtualJson {
    text: String,
    /// Sorted by JSON offset, contiguous and covering `text`; none is empty.
    pieces: Vec<Piece>,
}

/// Writes a [`VirtualJson`] piece by piece, in JSON order.
#[derive(Debug, Default)]
pub struct VirtualJsonBuilder {
    json: VirtualJson,
}

impl VirtualJsonBuilder {
    pub fn new() -> Self {
        VirtualJsonBuilder::default()
    }

    fn push(&mut self, json: &str, host: Range<usize>, kind: PieceKind) {
        if json.is_empty() {
            return;
        }
        let start = self.json.text.len();
        self.json.text.push_str(json);
        let end = self.json.text.len();
        // Neighbouring pieces of one kind from one host range are one piece (a resolved
        // value written in parts, `{"` of one construct).
        if let Some(last) = self.json.pieces.last_mut() {
            let joins = match kind {
                PieceKind::Exact => last.kind == kind && last.host.end == host.start,
                PieceKind::Whole | PieceKind::Unknown | PieceKind::Escape => last.kind == kind && last.host == host,
            };
            if joins && last.json.end == start {
                last.json.end = end;
                if kind == PieceKind::Exact {
                    last.host.end = host.end;
                }
                return;
            }
        }
        self.json.pieces.push(Piece { json: start..end, host, kind });
    }

    /// JSON syntax (`{`, `"Statement":`, `,`, `[`), attributed to the host construct that produced it.
    pub fn punct(&mut self, json: &str, host: Range<usize>) {
        self.push(json, host, PieceKind::Whole);
    }

    /// Opens a JSON string (writes `"`), attributed to `host` (usually the scalar's start quote or start).
    pub fn begin_string(&mut self, host: Range<usize>) {
        self.push("\"", host, PieceKind::Whole);
    }

    /// A part of a string's value, escaped for JSON by the builder. `exact`: the host bytes at
    /// `host` are `value` verbatim, so an offset inside maps 1:1; otherwise the part maps to the
    /// whole of `host` (a resolved `!Ref`, `${var.x}`, an escaped YAML scalar).
    pub fn text(&mut self, value: &str, host: Range<usize>, exact: bool) {
        let exact = exact && host.end >= host.start && host.end - host.start == value.len();
        if !exact {
            let mut escaped = String::with_capacity(value.len() + 2);
            escape_into(value, &mut escaped);
            self.push(&escaped, host, PieceKind::Whole);
            return;
        }
        // Runs that need no escape map one to one; each escaped character maps to its own
        // host character.
        let mut run = 0;
        let mut escaped = String::new();
        for (i, c) in value.char_indices() {
            if needs_escape(c) {
                self.push(&value[run..i], host.start + run..host.start + i, PieceKind::Exact);
                escaped.clear();
                escape_into(&value[i..i + c.len_utf8()], &mut escaped);
                let at = host.start + i;
                self.push(&escaped, at..at + c.len_utf8(), PieceKind::Escape);
                run = i + c.len_utf8();
            }
        }
        self.push(&value[run..], host.start + run..host.end, PieceKind::Exact);
    }

    /// A part that could not be resolved (`Fn::ImportValue`, an unknown Terraform reference):
    /// written as a placeholder the checks read like a policy variable; a finding whose range
    /// touches it is dropped (an unknown segment is never a false positive).
    pub fn unknown(&mut self, host: Range<usize>) {
        // Never joined with a neighbour: each unknown keeps its own host range.
        let start = self.json.text.len();
        self.json.text.push_str(UNKNOWN);
        self.json.pieces.push(Piece { json: start..self.json.text.len(), host, kind: PieceKind::Unknown });
    }

    /// Closes the string (writes `"`), attributed to `host`.
    pub fn end_string(&mut self, host: Range<usize>) {
        self.push("\"", host, PieceKind::Whole);
    }

    /// A whole JSON string whose value is `value`, from `host`.
    pub fn string(&mut self, value: &str, host: Range<usize>, exact: bool) {
        self.begin_string(host.start..host.start);
        self.text(value, host.clone(), exact);
        self.end_string(host.end..host.end);
    }

    /// The JSON written so far (to decide on a separator).
    pub fn written(&self) -> &str {
        &self.json.text
    }

    pub fn finish(self) -> VirtualJson {
        self.json
    }
}

fn needs_escape(c: char) -> bool {
    c == '"' || c == '\\' || c < ' '
}

fn escape_into(value: &str, out: &mut String) {
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
}

impl VirtualJson {
    /// Moves every piece to the host range `f` gives for its range and whether it is exact
    /// (an exact piece stays exact only where `f` says so): for a host read through another
    /// text (a `.tf.json` read as HCL).
    pub(crate) fn map_host(&mut self, f: impl Fn(Range<usize>, bool) -> (Range<usize>, bool)) {
        for piece in &mut self.pieces {
            let exact = matches!(piece.kind, PieceKind::Exact | PieceKind::Escape);
            let (host, still) = f(piece.host.clone(), exact);
            piece.host = host;
            if exact && !still {
                piece.kind = PieceKind::Whole;
            }
        }
    }

    /// Moves every piece's host range in place by `shift`; `false` where it cannot move one
    /// (the pieces then partly moved).
    pub(crate) fn shift_host(&mut self, shift: impl Fn(&mut Range<usize>) -> bool) -> bool {
        self.pieces.iter_mut().all(|piece| shift(&mut piece.host))
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The piece holding the JSON byte at `offset` (the last piece for the end of the text).
    fn piece_at(&self, offset: usize) -> Option<&Piece> {
        let i = self.pieces.partition_point(|p| p.json.end <= offset);
        self.pieces.get(i).or_else(|| self.pieces.last())
    }

    /// The piece holding the JSON byte just before `offset` (the first piece at 0).
    fn piece_before(&self, offset: usize) -> Option<&Piece> {
        let i = self.pieces.partition_point(|p| p.json.end < offset);
        self.pieces.get(i).or_else(|| self.pieces.last())
    }

    /// The host range a JSON range came from: each end mapped; exact pieces map 1:1, others
    /// to their whole host range.
    pub fn to_host(&self, json: Range<usize>) -> Range<usize> {
        let Some(first) = self.piece_at(json.start) else {
            return 0..0;
        };
        let start = match first.kind {
            PieceKind::Exact => {
                first.host.start + json.start.clamp(first.json.start, first.json.end) - first.json.start
            }
            _ => first.host.start,
        };
        if json.end <= json.start {
            return start..start;
        }
        let Some(last) = self.piece_before(json.end) else {
            return start..start;
        };
        let end = match last.kind {
            PieceKind::Exact => last.host.start + json.end.clamp(last.json.start, last.json.end) - last.json.start,
            _ => last.host.end,
        };
        start..end.max(start)
    }

    /// The JSON offset at a host offset (for hover/completion at the cursor), if the offset
    /// lies in this policy. An exact piece maps the offset itself (its end included, for a
    /// cursor after the last character); otherwise the smallest piece around it gives its start.
    pub fn to_json(&self, host_offset: usize) -> Option<usize> {
        let mut best: Option<(usize, usize)> = None; // (host length, json offset)
        for piece in &self.pieces {
            if piece.host.start > host_offset || host_offset > piece.host.end {
                continue;
            }
            if piece.kind == PieceKind::Exact {
                let at = piece.json.start + (host_offset - piece.host.start);
                // Inside an exact piece (not only at its end) settles it.
                if host_offset < piece.host.end {
                    return Some(at);
                }
                best = Some((0, at));
                continue;
            }
            if host_offset == piece.host.end && piece.host.start < piece.host.end {
                continue; // the offset after a construct is not inside it
            }
            let len = piece.host.end - piece.host.start;
            if best.is_none_or(|(l, _)| len < l) {
                best = Some((len, piece.json.start));
            }
        }
        best.map(|(_, at)| at)
    }

    /// Whether a JSON range overlaps a part written for something unresolved (an empty range:
    /// whether it lies inside one).
    pub fn touches_unknown(&self, json: Range<usize>) -> bool {
        let i = self.pieces.partition_point(|p| p.json.end <= json.start);
        self.pieces[i.min(self.pieces.len())..]
            .iter()
            .take_while(|p| p.json.start < json.end.max(json.start + 1))
            .any(|p| p.kind == PieceKind::Unknown)
    }

    /// The host ranges of the unresolved parts inside a JSON range, in order.
    pub fn unknowns_in(&self, json: Range<usize>) -> Vec<Range<usize>> {
        self.pieces
            .iter()
            .filter(|p| p.kind == PieceKind::Unknown && json.start <= p.json.start && p.json.end <= json.end)
            .map(|p| p.host.clone())
            .collect()
    }

    /// Whether the JSON range lies inside one exact piece, so that an edit of it is the same
    /// edit of the host text.
    pub fn is_exact(&self, json: Range<usize>) -> bool {
        // An empty range between two pieces may belong to either.
        let i = self.pieces.partition_point(|p| p.json.end < json.start);
        self.pieces[i.min(self.pieces.len())..]
            .iter()
            .take(2)
            .any(|p| p.kind == PieceKind::Exact && p.json.start <= json.start && json.end <= p.json.end)
    }

    /// Whether the JSON string at `json` (quotes included) is the host's text, its escapes
    /// aside: no resolved or unknown part inside, so a fix may write the whole scalar anew.
    pub fn is_literal(&self, json: Range<usize>) -> bool {
        if json.end < json.start + 2 {
            return false;
        }
        let inside = json.start + 1..json.end - 1;
        let i = self.pieces.partition_point(|p| p.json.end <= inside.start);
        self.pieces[i.min(self.pieces.len())..]
            .iter()
            .take_while(|p| p.json.start < inside.end)
            .all(|p| matches!(p.kind, PieceKind::Exact | PieceKind::Escape))
    }

    /// Whether any part of the JSON was unresolved.
    pub fn has_unknown(&self) -> bool {
        self.pieces.iter().any(|p| p.kind == PieceKind::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Resource: !Sub "arn:aws:s3:::${Bucket}/*"`-like: an exact prefix, a resolved value,
    /// an exact suffix.
    fn resolved() -> (String, VirtualJson) {
        //          0         1         2         3
        //          0123456789012345678901234567890123456
        let host = "R: !Sub \"arn:aws:s3:::${Bucket}/*\"".to_string();
        let mut b = VirtualJsonBuilder::new();
        b.punct("{\"Resource\":", 0..1);
        b.begin_string(8..9);
        b.text("arn:aws:s3:::", 9..22, true);
        b.text("my-bucket", 22..31, false);
        b.text("/*", 31..33, true);
        b.end_string(33..34);
        b.punct("}", 0..34);
        (host, b.finish())
    }

    #[test]
    fn writes_json() {
        let (_, json) = resolved();
        assert_eq!(json.text(), r#"{"Resource":"arn:aws:s3:::my-bucket/*"}"#);
        assert!(serde_json::from_str::<serde_json::Value>(json.text()).is_ok());
    }

    #[test]
    fn exact_pieces_map_one_to_one() {
        let (host, json) = resolved();
        let text = json.text();
        let arn = text.find("arn").unwrap();
        // `aws` inside the exact prefix
        let r = json.to_host(arn + 4..arn + 7);
        assert_eq!(&host[r], "aws");
        // the suffix `/*`
        let slash = text.find("/*").unwrap();
        assert_eq!(&host[json.to_host(slash..slash + 2)], "/*");
    }

    #[test]
    fn resolved_pieces_map_whole() {
        let (host, json) = resolved();
        let text = json.text();
        let bucket = text.find("my-bucket").unwrap();
        // any part of the resolved value is the whole `${Bucket}`
        assert_eq!(&host[json.to_host(bucket + 2..bucket + 4)], "${Bucket}");
        // a range from the exact prefix into the resolved value ends at its end
        let arn = text.find("arn").unwrap();
        assert_eq!(&host[json.to_host(arn..bucket + 1)], "arn:aws:s3:::${Bucket}");
        // the whole JSON string is the whole scalar with its quotes
        let string = arn - 1..text.find("/*").unwrap() + 3;
        assert_eq!(&host[json.to_host(string)], "\"arn:aws:s3:::${Bucket}/*\"");
    }

    #[test]
    fn empty_ranges_map_to_a_point() {
        let (_, json) = resolved();
        let text = json.text();
        let arn = text.find("arn").unwrap();
        assert_eq!(json.to_host(arn + 3..arn + 3), 12..12);
        let bucket = text.find("my-bucket").unwrap();
        assert_eq!(json.to_host(bucket + 3..bucket + 3), 22..22);
        assert_eq!(json.to_host(text.len()..text.len()), 0..0);
    }

    #[test]
    fn to_json_inverts_exact_pieces() {
        let (host, json) = resolved();
        for offset in 9..22 {
            let j = json.to_json(offset).unwrap();
            assert_eq!(json.to_host(j..j + 1), offset..offset + 1, "offset {offset}");
        }
        // the end of an exact piece (a cursor after `::`) stays in it
        let j = json.to_json(22).unwrap();
        assert_eq!(&json.text()[..j], "{\"Resource\":\"arn:aws:s3:::");
        // inside the resolved value: its start
        let j = json.to_json(25).unwrap();
        assert!(json.text()[j..].starts_with("my-bucket"));
        // outside the policy
        assert_eq!(json.to_json(host.len() + 5), None);
    }

    #[test]
    fn round_trips_every_exact_offset() {
        let (_, json) = resolved();
        for j in 0..json.text().len() {
            if json.is_exact(j..j + 1) {
                let h = json.to_host(j..j + 1);
                assert_eq!(json.to_json(h.start), Some(j));
            }
        }
    }

    #[test]
    fn unknown_pieces_are_placeholders_and_touch() {
        let host = "!Sub 'arn:aws:s3:::${AWS::NoSuch}'";
        let mut b = VirtualJsonBuilder::new();
        b.begin_string(5..6);
        b.text("arn:aws:s3:::", 6..19, true);
        b.unknown(19..33);
        b.end_string(33..34);
        let json = b.finish();
        assert_eq!(json.text(), format!("\"arn:aws:s3:::{UNKNOWN}\""));
        assert!(json.has_unknown());
        let all = 0..json.text().len();
        assert!(json.touches_unknown(all.clone()));
        assert!(!json.touches_unknown(1..14));
        assert!(json.touches_unknown(14..15));
        assert!(json.touches_unknown(20..20));
        assert!(!json.touches_unknown(0..1));
        assert_eq!(&host[json.to_host(14..16)], "${AWS::NoSuch}");
        assert_eq!(&host[json.to_host(all.clone())], "'arn:aws:s3:::${AWS::NoSuch}'");
        let unknowns: Vec<&str> = json.unknowns_in(all.clone()).into_iter().map(|r| &host[r]).collect();
        assert_eq!(unknowns, ["${AWS::NoSuch}"]);
        assert!(json.unknowns_in(1..14).is_empty());
        assert!(!json.is_literal(all));
    }

    #[test]
    fn escaped_characters_map_to_their_host_character() {
        // a YAML plain scalar holding a quote and a backslash
        let host = "x: a\"b\\c";
        let mut b = VirtualJsonBuilder::new();
        b.string("a\"b\\c", 3..8, true);
        let json = b.finish();
        assert_eq!(json.text(), r#""a\"b\\c""#);
        assert_eq!(serde_json::from_str::<String>(json.text()).unwrap(), "a\"b\\c");
        // `\"` in the JSON is the `"` of the host
        assert_eq!(&host[json.to_host(2..4)], "\"");
        assert_eq!(&host[json.to_host(4..5)], "b");
        assert_eq!(&host[json.to_host(5..7)], "\\");
        assert_eq!(&host[json.to_host(1..8)], "a\"b\\c");
        assert!(json.is_exact(4..5));
        assert!(!json.is_exact(2..4));
        assert!(json.is_literal(0..json.text().len()));
    }

    #[test]
    fn non_ascii_text_maps_by_bytes() {
        let host = "Sid: \"Lecture-é-🫣\"";
        let start = host.find('L').unwrap();
        let end = host.len() - 1;
        let mut b = VirtualJsonBuilder::new();
        b.punct("{\"Sid\":", 0..3);
        b.begin_string(start - 1..start);
        b.text(&host[start..end], start..end, true);
        b.end_string(end..end + 1);
        b.punct("}", 0..host.len());
        let json = b.finish();
        let j = json.text().find('🫣').unwrap();
        let h = json.to_host(j..j + '🫣'.len_utf8());
        assert_eq!(&host[h.clone()], "🫣");
        assert_eq!(json.to_json(h.start), Some(j));
        let e = json.text().find('é').unwrap();
        assert_eq!(&host[json.to_host(e..e + 2)], "é");
    }

    #[test]
    fn an_exact_claim_of_other_bytes_is_whole() {
        // a caller's mistake (value and host lengths differ) maps whole, never out of range
        let mut b = VirtualJsonBuilder::new();
        b.string("abcdef", 0..3, true);
        let json = b.finish();
        assert_eq!(json.to_host(2..3), 0..3);
        assert!(!json.is_exact(2..3));
    }

    #[test]
    fn control_characters_are_escaped() {
        let mut b = VirtualJsonBuilder::new();
        b.string("a\nb\u{1}", 0..4, false);
        let json = b.finish();
        assert_eq!(json.text(), "\"a\\nb\\u0001\"");
        assert_eq!(serde_json::from_str::<String>(json.text()).unwrap(), "a\nb\u{1}");
    }

    #[test]
    fn an_empty_document_maps_nothing() {
        let json = VirtualJsonBuilder::new().finish();
        assert_eq!(json.to_host(0..0), 0..0);
        assert_eq!(json.to_json(0), None);
        assert!(!json.touches_unknown(0..0));
    }
}
