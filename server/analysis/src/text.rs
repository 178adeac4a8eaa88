//! Text positions: byte ranges inside the analysed text, and their conversion to
//! line/column positions in the encodings editors speak (UTF-8 or UTF-16 code units).

/// A half-open byte range `start..end` into the analysed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        TextRange { start, end }
    }

    pub fn empty(at: usize) -> Self {
        TextRange { start: at, end: at }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the range, its end included (a cursor right after a
    /// token still "touches" it).
    pub fn touches(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn contains_range(&self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// How columns are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A zero-based line and column, the column counted in an [`Encoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts and the characters wider than one byte of one text, for converting byte
/// offsets to positions and back in O(log n): no conversion scans a line, so a minified
/// (one-line) document costs what a formatted one does. Line breaks are `\n`, `\r\n` and a
/// lone `\r`, as in LSP. (rust-analyzer's `line-index` crate works the same way, but breaks
/// lines on `\n` alone.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// The offset of each character of more than one byte, in order.
    wide: Vec<usize>,
    /// `extra[k]`: how many more UTF-8 bytes than UTF-16 units the first `k` wide
    /// characters take (one more element than `wide`).
    extra: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count() + 1);
        line_starts.push(0);
        // memchr finds the line breaks with SIMD: this runs on every edit of a document.
        let mut after_crlf = 0;
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if i < after_crlf {
                continue; // the `\n` of a `\r\n`
            }
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                after_crlf = i + 2;
                line_starts.push(i + 2);
            } else {
                line_starts.push(i + 1);
            }
        }
        let (mut wide, mut extra) = (Vec::new(), vec![0]);
        find_wide(bytes, 0..bytes.len(), 0, &mut wide, &mut extra);
        LineIndex { line_starts, wide, extra, len: text.len() }
    }

    /// The index of `text`, made from this index of `old` where the two texts differ only
    /// in `change`: what comes before it is kept, what comes after it moved, and only the
    /// changed bytes are read. What [`LineIndex::new`] of `text` gives.
    pub fn edited(&self, text: &str, change: TextChange) -> LineIndex {
        let bytes = text.as_bytes();
        let TextChange { start, old_end, new_end } = change;
        let moved = |offset: usize| offset - old_end + new_end;
        // Whether `at` starts a line depends on the bytes at `at - 1` and `at`: the starts
        // before `start` read only bytes before the change, those after `old_end + 1` only
        // bytes after it; the ones between are found again.
        let kept = self.line_starts.partition_point(|&at| at < start);
        let after = self.line_starts.partition_point(|&at| at <= old_end);
        let mut line_starts = Vec::with_capacity(self.line_starts.len() - (after - kept) + (new_end - start) + 1);
        line_starts.extend_from_slice(&self.line_starts[..kept]);
        if line_starts.is_empty() {
            line_starts.push(0);
        }
        // The starts `start..=new_end` follow a break at `start - 1..new_end`.
        let from = start.saturating_sub(1);
        for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[from..new_end]).map(|i| from + i) {
            let at = i + 1;
            if at >= start && (bytes[i] == b'\n' || bytes.get(at) != Some(&b'\n')) {
                line_starts.push(at);
            }
        }
        line_starts.extend(self.line_starts[after..].iter().map(|&at| moved(at)));
        // A character's width is its first byte's: the wide characters whose first byte is
        // outside the change are kept (moved), those inside it found again.
        let kept = self.wide.partition_point(|&at| at < start);
        let after = self.wide.partition_point(|&at| at < old_end);
        let mut wide = Vec::with_capacity(self.wide.len() - (after - kept) + (new_end - start));
        let mut extra = Vec::with_capacity(wide.capacity() + 1);
        wide.extend_from_slice(&self.wide[..kept]);
        extra.extend_from_slice(&self.extra[..=kept]);
        let total = find_wide(bytes, start..new_end, self.extra[kept], &mut wide, &mut extra);
        let base = self.extra[after];
        for k in after..self.wide.len() {
            wide.push(moved(self.wide[k]));
            extra.push(total + self.extra[k + 1] - base);
        }
        LineIndex { line_starts, wide, extra, len: text.len() }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// How many wide characters start before `offset`.
    fn wide_before(&self, offset: usize) -> usize {
        self.wide.partition_point(|&at| at < offset)
    }

    /// The position of a byte offset; offsets past the end (or inside a character) clamp
    /// to the end (or the start of that character).
    pub fn line_col(&self, text: &str, offset: usize, encoding: Encoding) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(self.len));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let col = match encoding {
            Encoding::Utf8 => offset - start,
            Encoding::Utf16 => {
                offset - start - (self.extra[self.wide_before(offset)] - self.extra[self.wide_before(start)])
            }
        };
        LineCol { line: line as u32, col: col as u32 }
    }

    /// The byte offset of a position. A column past the end of its line means the line's
    /// end (before its line break); a line past the end means the end of the text; a column
    /// inside a character (UTF-16 surrogate pair, UTF-8 sequence) means that character's start.
    pub fn offset(&self, text: &str, pos: LineCol, encoding: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return self.len;
        }
        let start = self.line_starts[line];
        let end = self.line_content_end(text, line);
        let col = pos.col as usize;
        let offset = match encoding {
            Encoding::Utf8 => start.saturating_add(col),
            Encoding::Utf16 => {
                // The line's wide characters are `first..last`; the UTF-16 column of the
                // k-th starts at `at - start - (extra[k] - extra[first])`.
                let (first, last) = (self.wide_before(start), self.wide_before(end));
                let column = |k: usize| self.wide[k] - start - (self.extra[k] - self.extra[first]);
                // The first wide character at or after the column.
                let (mut lo, mut hi) = (first, last);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if column(mid) < col {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                match lo.checked_sub(1).filter(|&k| k >= first) {
                    // Inside the wide character before it (the second unit of a pair).
                    Some(k) if col < column(k) + utf16_width(utf8_width(text.as_bytes()[self.wide[k]])) => self.wide[k],
                    _ => start.saturating_add(col).saturating_add(self.extra[lo] - self.extra[first]),
                }
            }
        };
        floor_char_boundary(text, offset.min(end))
    }

    /// The end of a line's content, before its line break.
    fn line_content_end(&self, text: &str, line: usize) -> usize {
        let start = self.line_starts[line];
        let Some(&next) = self.line_starts.get(line + 1) else {
            return self.len; // the last line has no line break
        };
        let content = &text.as_bytes()[start..next];
        let break_len = match content {
            [.., b'\r', b'\n'] => 2,
            _ => 1,
        };
        next - break_len
    }
}

/// Appends the characters of `bytes[range]` wider than one byte to `wide`, and to `extra`
/// the running total from `total` of their UTF-8 bytes beyond their UTF-16 units; the new
/// total. (`range` may start inside a character: only first bytes count.)
fn find_wide(
    bytes: &[u8],
    range: std::ops::Range<usize>,
    mut total: usize,
    wide: &mut Vec<usize>,
    extra: &mut Vec<usize>,
) -> usize {
    let mut i = range.start;
    while i < range.end {
        // ASCII a block at a time (`is_ascii` reads a word at a time).
        if i + 32 <= range.end && bytes[i..i + 32].is_ascii() {
            i += 32;
            continue;
        }
        // A character's first byte is not a UTF-8 continuation byte (0b10xx_xxxx).
        if bytes[i] >= 0xC0 {
            let width = utf8_width(bytes[i]);
            total += width - utf16_width(width);
            wide.push(i);
            extra.push(total);
        }
        i += 1;
    }
    total
}

/// The length of the UTF-8 sequence that starts with `first`.
fn utf8_width(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// UTF-16 units of a character of `utf8_width` bytes.
fn utf16_width(utf8_width: usize) -> usize {
    if utf8_width == 4 {
        2
    } else {
        1
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Text compared and hashed ignoring ASCII case, as IAM compares action names, service
/// prefixes and condition keys: a map key without a lower-cased copy.
#[derive(Clone, Copy, Debug)]
pub struct IgnoreCase<'a>(pub &'a str);

impl PartialEq for IgnoreCase<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for IgnoreCase<'_> {}

impl std::hash::Hash for IgnoreCase<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Eight bytes at a time, lower-cased: a byte at a time costs a multiply each.
        let mut chunks = self.0.as_bytes().chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            word.make_ascii_lowercase();
            state.write_u64(u64::from_le_bytes(word));
        }
        let mut word = [0u8; 8];
        let rest = chunks.remainder();
        word[..rest.len()].copy_from_slice(rest);
        word.make_ascii_lowercase();
        // The length ends the input, as `str`'s hash does: no key's input is another's prefix.
        state.write_u64(u64::from_le_bytes(word) ^ ((self.0.len() as u64) << 56));
    }
}

/// `s.split_once(':')`, at several times the speed on short text (`str`'s searcher is
/// built for long haystacks): every action and key name of a policy is split this way.
pub fn split_colon(s: &str) -> Option<(&str, &str)> {
    let at = memchr::memchr(b':', s.as_bytes())?;
    Some((&s[..at], &s[at + 1..]))
}

/// How two versions of a text differ: `start..old_end` of the old became `start..new_end`
/// of the new (what they share at each end is left out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextChange {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl TextChange {
    /// The change from `old` to `new`; `None` when they are the same.
    pub fn between(old: &str, new: &str) -> Option<TextChange> {
        let (old, new) = (old.as_bytes(), new.as_bytes());
        let prefix = common_prefix(old, new);
        if prefix == old.len() && prefix == new.len() {
            return None;
        }
        let suffix = common_suffix(old, new, old.len().min(new.len()) - prefix);
        Some(TextChange { start: prefix, old_end: old.len() - suffix, new_end: new.len() - suffix })
    }

    /// Where an offset of the old text at or after the change is in the new text.
    pub fn moved(&self, offset: usize) -> usize {
        if offset >= self.old_end {
            offset - self.old_end + self.new_end
        } else {
            offset
        }
    }

    /// A range of the old text in the new one: moved when after the change, kept when before
    /// it, `None` when it holds or overlaps the change (what it stands for may have changed).
    pub fn range(&self, r: &std::ops::Range<usize>) -> Option<std::ops::Range<usize>> {
        if r.start >= self.old_end {
            Some(self.moved(r.start)..self.moved(r.end))
        } else if r.end <= self.start {
            Some(r.clone())
        } else {
            None
        }
    }

    /// Moves a range in place ([`TextChange::range`]); `false`, with it unchanged, if it cannot.
    pub fn shift(&self, r: &mut std::ops::Range<usize>) -> bool {
        match self.range(r) {
            Some(moved) => {
                *r = moved;
                true
            }
            None => false,
        }
    }
}

/// Compared a block at a time: the blocks are compared by `memcmp`, many bytes per step.
const BLOCK: usize = 128;

/// How many bytes `a` and `b` share at their start.
pub fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// How many bytes, up to `max`, `a` and `b` share at their end.
pub fn common_suffix(a: &[u8], b: &[u8], max: usize) -> usize {
    let n = max.min(a.len()).min(b.len());
    let (a_end, b_end) = (a.len(), b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[a_end - i - BLOCK..a_end - i] == b[b_end - i - BLOCK..b_end - i] {
        i += BLOCK;
    }
    while i < n && a[a_end - i - 1] == b[b_end - i - 1] {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefixes_and_suffixes() {
        let long = "x".repeat(1000);
        let cases = [("", "", 0, 0), ("abc", "abd", 2, 0), ("abc", "xbc", 0, 2), ("same", "same", 4, 4)];
        for (a, b, prefix, suffix) in cases {
            assert_eq!(common_prefix(a.as_bytes(), b.as_bytes()), prefix, "{a} {b}");
            assert_eq!(common_suffix(a.as_bytes(), b.as_bytes(), usize::MAX), suffix, "{a} {b}");
        }
        let (a, b) = (format!("{long}a{long}"), format!("{long}bc{long}"));
        assert_eq!(common_prefix(a.as_bytes(), b.as_bytes()), 1000);
        assert_eq!(common_suffix(a.as_bytes(), b.as_bytes(), usize::MAX), 1000);
        assert_eq!(common_suffix(a.as_bytes(), b.as_bytes(), 300), 300, "up to the bound");
        assert_eq!(common_prefix(long.as_bytes(), &long.as_bytes()[..999]), 999);
    }

    #[test]
    fn ignore_case_keys_hash_and_compare_as_lower_case() {
        use std::hash::BuildHasher;
        let hash = |s: &str| rustc_hash::FxBuildHasher.hash_one(IgnoreCase(s));
        // Lengths around the eight-byte chunks the hash reads.
        for name in ["", "s3", "GetObject", "ListAllMyBuckets", "InvokeModelWithResponseStream", "aBcDeFgH"] {
            let lower = name.to_ascii_lowercase();
            assert_eq!(IgnoreCase(name), IgnoreCase(&lower));
            assert_eq!(hash(name), hash(&lower), "{name}");
        }
        assert_ne!(IgnoreCase("GetObject"), IgnoreCase("GetObjects"));
        assert_ne!(hash("ab"), hash("ab\0"), "the length is part of the hash");
        let map: rustc_hash::FxHashMap<IgnoreCase, u8> = [(IgnoreCase("GetObject"), 1)].into_iter().collect();
        assert_eq!(map.get(&IgnoreCase("getobject")), Some(&1));
    }

    #[test]
    fn split_colon_is_split_once() {
        for s in ["s3:GetObject", "a:b:c", "nocolon", ":", ""] {
            assert_eq!(split_colon(s), s.split_once(':'), "{s}");
        }
    }

    fn round_trip(text: &str, offset: usize, encoding: Encoding) -> (LineCol, usize) {
        let index = LineIndex::new(text);
        let pos = index.line_col(text, offset, encoding);
        (pos, index.offset(text, pos, encoding))
    }

    #[test]
    fn utf16_counts_surrogate_pairs_as_two() {
        let text = "a🫣b\n𐐀c";
        assert_eq!(round_trip(text, 5, Encoding::Utf16), (LineCol { line: 0, col: 3 }, 5));
        assert_eq!(round_trip(text, 5, Encoding::Utf8), (LineCol { line: 0, col: 5 }, 5));
        let c = text.find('c').unwrap();
        assert_eq!(round_trip(text, c, Encoding::Utf16), (LineCol { line: 1, col: 2 }, c));
    }

    #[test]
    fn column_inside_a_surrogate_pair_means_the_character_start() {
        let text = "a🫣b";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, LineCol { line: 0, col: 2 }, Encoding::Utf16), 1);
        assert_eq!(index.offset(text, LineCol { line: 0, col: 3 }, Encoding::Utf16), 5);
    }

    #[test]
    fn line_starts_match_a_byte_by_byte_scan() {
        fn scan(text: &str) -> Vec<usize> {
            let bytes = text.as_bytes();
            let mut starts = vec![0];
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'\n' => starts.push(i + 1),
                    b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                        starts.push(i + 2);
                        i += 1;
                    }
                    b'\r' => starts.push(i + 1),
                    _ => {}
                }
                i += 1;
            }
            starts
        }
        let long = "{\r\n  \"a\": 1,\n\r\r\n}".repeat(40);
        for text in ["", "\r", "\n", "\r\n", "\n\r", "\r\r\n\n", "a\r\n\r\nb\r", "é\r\n🫣\n", &long] {
            assert_eq!(LineIndex::new(text).line_starts, scan(text), "{text:?}");
        }
    }

    #[test]
    fn crlf_and_lone_cr_break_lines() {
        let text = "ab\r\ncd\ref\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(text, 4, Encoding::Utf16), LineCol { line: 1, col: 0 });
        assert_eq!(index.line_col(text, 7, Encoding::Utf16), LineCol { line: 2, col: 0 });
        // Past the end of line 0 means before its "\r\n".
        assert_eq!(index.offset(text, LineCol { line: 0, col: 99 }, Encoding::Utf16), 2);
        assert_eq!(index.offset(text, LineCol { line: 1, col: 99 }, Encoding::Utf16), 6);
        assert_eq!(index.offset(text, LineCol { line: 3, col: 0 }, Encoding::Utf16), text.len());
        assert_eq!(index.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf16), text.len());
    }

    /// The conversions as a scan from the line's start (what `LineIndex` did before it
    /// indexed wide characters): the reference the index must agree with.
    mod naive {
        use super::*;

        pub fn line_col(text: &str, offset: usize, encoding: Encoding) -> LineCol {
            let index = LineIndex::new(text);
            let offset = floor_char_boundary(text, offset.min(text.len()));
            let line = index.line_starts.partition_point(|&start| start <= offset) - 1;
            let segment = &text[index.line_starts[line]..offset];
            let col = match encoding {
                Encoding::Utf8 => segment.len(),
                Encoding::Utf16 => segment.chars().map(char::len_utf16).sum(),
            };
            LineCol { line: line as u32, col: col as u32 }
        }

        pub fn offset(text: &str, pos: LineCol, encoding: Encoding) -> usize {
            let index = LineIndex::new(text);
            let line = pos.line as usize;
            if line >= index.line_starts.len() {
                return text.len();
            }
            let start = index.line_starts[line];
            let end = index.line_content_end(text, line);
            let mut remaining = pos.col as usize;
            let mut offset = start;
            for ch in text[start..end].chars() {
                let width = match encoding {
                    Encoding::Utf8 => ch.len_utf8(),
                    Encoding::Utf16 => ch.len_utf16(),
                };
                if remaining < width {
                    break;
                }
                remaining -= width;
                offset += ch.len_utf8();
            }
            offset
        }
    }

    #[test]
    fn conversion_table() {
        use Encoding::{Utf16, Utf8};
        let at = |line, col| LineCol { line, col };
        // (text, offset, encoding, position, offset of that position)
        let text = "ț❤️𐐀🫣x\r\ny\rz\n\n";
        // ț: 2 bytes, 1 unit; ❤️: U+2764 U+FE0F, 3 + 3 bytes, 2 units; 𐐀 and 🫣: 4 bytes, 2 units.
        let cases = [
            (0, Utf16, at(0, 0), 0),
            (2, Utf16, at(0, 1), 2),
            (1, Utf16, at(0, 0), 0), // inside ț
            (5, Utf16, at(0, 2), 5), // between U+2764 and U+FE0F
            (8, Utf16, at(0, 3), 8),
            (10, Utf16, at(0, 3), 8), // inside 𐐀
            (12, Utf16, at(0, 5), 12),
            (16, Utf16, at(0, 7), 16), // x
            (17, Utf16, at(0, 8), 17), // the \r of \r\n
            (19, Utf16, at(1, 0), 19), // y
            (21, Utf16, at(2, 0), 21), // z, after a lone \r
            (23, Utf16, at(3, 0), 23),
            (24, Utf16, at(4, 0), 24), // the end: an empty last line
            (99, Utf16, at(4, 0), 24), // past the end
            (16, Utf8, at(0, 16), 16),
            (10, Utf8, at(0, 8), 8),
        ];
        let index = LineIndex::new(text);
        for (offset, encoding, pos, back) in cases {
            assert_eq!(index.line_col(text, offset, encoding), pos, "line_col({offset}, {encoding:?})");
            assert_eq!(index.offset(text, pos, encoding), back, "offset({pos:?}, {encoding:?})");
        }
        // Positions that are not a character's start.
        let positions = [
            (at(0, 9), Utf16, 17), // past the end of line 0: before its \r\n
            (at(0, 4), Utf16, 8),  // the second unit of 𐐀
            (at(0, 6), Utf16, 12), // the second unit of 🫣
            (at(0, 3), Utf8, 2),   // inside U+2764
            (at(1, 5), Utf16, 20), // past the end of line 1: before its lone \r
            (at(4, 3), Utf16, 24), // past the end of the last line
            (at(5, 0), Utf16, 24), // a line past the end
            (at(0, u32::MAX), Utf16, 17),
            (at(0, u32::MAX), Utf8, 17),
        ];
        for (pos, encoding, offset) in positions {
            assert_eq!(index.offset(text, pos, encoding), offset, "offset({pos:?}, {encoding:?})");
        }
    }

    fn text_of_pieces() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec!["a", "{", " ", "ț", "é", "❤️", "中", "𐐀", "🫣", "\r", "\n", "\r\n"]);
        prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn conversions_agree_with_a_scan_from_the_line_start(
            text in text_of_pieces(),
            offsets in proptest::collection::vec(0usize..260, 1..8),
            positions in proptest::collection::vec((0u32..12, 0u32..80), 1..8),
        ) {
            let index = LineIndex::new(&text);
            for encoding in [Encoding::Utf8, Encoding::Utf16] {
                for &offset in &offsets {
                    let pos = index.line_col(&text, offset, encoding);
                    proptest::prop_assert_eq!(pos, naive::line_col(&text, offset, encoding), "line_col({})", offset);
                    // A character's start goes there and back.
                    let start = floor_char_boundary(&text, offset.min(text.len()));
                    if index.offset(&text, pos, encoding) != start {
                        // Only an offset inside a line break (between \r and \n) does not.
                        proptest::prop_assert!(text[..start].ends_with('\r') && text[start..].starts_with('\n'));
                    }
                }
                for &(line, col) in &positions {
                    let pos = LineCol { line, col };
                    proptest::prop_assert_eq!(index.offset(&text, pos, encoding), naive::offset(&text, pos, encoding), "offset({:?})", pos);
                }
            }
        }
    }

    proptest::proptest! {
        /// An index brought up to date by the change is the one made afresh.
        #[test]
        fn an_edited_index_is_a_new_one(
            text in text_of_pieces(),
            edits in proptest::collection::vec((proptest::prelude::any::<proptest::sample::Index>(), 0usize..6, text_of_pieces()), 1..6),
        ) {
            let mut text = text;
            let mut index = LineIndex::new(&text);
            for (at, delete, insert) in edits {
                let old = text.clone();
                crate::properties::edit(&mut text, at, delete, &insert);
                if let Some(change) = TextChange::between(&old, &text) {
                    index = index.edited(&text, change);
                }
                proptest::prop_assert_eq!(&index, &LineIndex::new(&text), "{:?} -> {:?}", old, text);
            }
        }
    }

    #[test]
    fn edited_indexes_across_line_breaks() {
        // Edits that split or join a `\r\n`, and that add or remove wide characters.
        let cases = [
            ("a\r\nb", "a\rx\nb"),
            ("a\rx\nb", "a\r\nb"),
            ("ț\r", "ț\r\n"),
            ("🫣a🫣", "🫣é🫣"),
            ("", "\r"),
            ("x\n", ""),
        ];
        for (old, new) in cases {
            let change = TextChange::between(old, new).expect("a change");
            assert_eq!(LineIndex::new(old).edited(new, change), LineIndex::new(new), "{old:?} -> {new:?}");
        }
    }

    #[test]
    fn wide_characters_past_the_ascii_blocks() {
        // Wide characters after, inside and across the 32-byte blocks the index skips.
        for lead in [0, 1, 31, 32, 33, 63, 64] {
            let text = format!("{}ț{}🫣\n{}❤️x", "a".repeat(lead), "b".repeat(40), "c".repeat(lead));
            let index = LineIndex::new(&text);
            for offset in 0..=text.len() {
                for encoding in [Encoding::Utf8, Encoding::Utf16] {
                    assert_eq!(index.line_col(&text, offset, encoding), naive::line_col(&text, offset, encoding));
                }
            }
        }
    }

    #[test]
    fn non_ascii_columns() {
        let text = "ț❤️x";
        let x = text.find('x').unwrap();
        // ț is one UTF-16 unit; ❤️ is U+2764 U+FE0F, two units and six bytes.
        assert_eq!(round_trip(text, x, Encoding::Utf16).0, LineCol { line: 0, col: 3 });
        assert_eq!(round_trip(text, x, Encoding::Utf8).0, LineCol { line: 0, col: 8 });
    }
}
