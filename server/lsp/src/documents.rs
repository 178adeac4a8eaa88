//! Open documents: a rope per URI for applying edits, and a snapshot of its latest version
//! (text, line index, and its analysis, made on first use) for answering requests.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use dashmap::DashMap;
use iam_analysis::{Analysis, AnalysisCache, Encoding, LineIndex, Options};
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, Uri};

pub struct Document {
    pub rope: Rope,
    pub version: i32,
    pub snapshot: Arc<Snapshot>,
    /// The last analysis's findings per statement: an edit re-checks only what it touched.
    cache: Arc<Mutex<AnalysisCache>>,
}

/// One version of a document. Its analysis is made when first asked for (by the
/// background publisher or a request), once: a burst of edits analyses only the versions
/// someone looks at.
pub struct Snapshot {
    /// Unique among snapshots: a settings change makes a new one of the same version.
    pub id: u64,
    pub version: i32,
    pub text: String,
    pub line_index: LineIndex,
    options: Options,
    cache: Arc<Mutex<AnalysisCache>>,
    analysis: OnceLock<Option<Analysis>>,
}

impl Snapshot {
    fn new(rope: &Rope, version: i32, options: &Options, cache: &Arc<Mutex<AnalysisCache>>) -> Snapshot {
        // Sized up front: `to_string` grows the string a chunk at a time.
        let mut text = String::with_capacity(rope.len_bytes());
        for chunk in rope.chunks() {
            text.push_str(chunk);
        }
        let line_index = LineIndex::new(&text);
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Snapshot {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            version,
            text,
            line_index,
            options: options.clone(),
            cache: cache.clone(),
            analysis: OnceLock::new(),
        }
    }

    /// The analysis of this version; `None` when it panicked (a bug): the text is kept,
    /// and the next edit tries again.
    pub fn analysis(&self) -> Option<&Analysis> {
        self.analysis
            .get_or_init(|| {
                let mut cache = self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let cache = &mut *cache;
                let analysis = panic::catch_unwind(AssertUnwindSafe(|| {
                    iam_analysis::analyze_incrementally(&self.text, &self.options, Some(&mut *cache))
                }))
                .ok();
                if analysis.is_none() {
                    *cache = AnalysisCache::default(); // it may be half updated
                }
                analysis
            })
            .as_ref()
    }
}

/// A change as the client sends it: a range (absent: the whole document) and new text.
pub struct Change {
    pub range: Option<Range>,
    pub text: String,
}

#[derive(Default)]
pub struct Documents {
    map: DashMap<Uri, Document>,
}

impl Documents {
    pub fn open(&self, uri: Uri, text: &str, version: i32, options: &Options) -> Arc<Snapshot> {
        let rope = Rope::from_str(text);
        let cache = Arc::new(Mutex::new(AnalysisCache::default()));
        let snapshot = Arc::new(Snapshot::new(&rope, version, options, &cache));
        self.map.insert(uri, Document { rope, version, snapshot: snapshot.clone(), cache });
        snapshot
    }

    /// Applies a `didChange`'s changes in order, each to the result of the previous one.
    /// `None` when the document is not open.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<Change>,
        encoding: Encoding,
        options: &Options,
    ) -> Option<Arc<Snapshot>> {
        let mut doc = self.map.get_mut(uri)?;
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = char_index(&doc.rope, range.start, encoding);
                    let end = char_index(&doc.rope, range.end, encoding).max(start);
                    doc.rope.remove(start..end);
                    doc.rope.insert(start, &change.text);
                }
                None => doc.rope = Rope::from_str(&change.text),
            }
        }
        doc.version = version;
        let snapshot = Arc::new(Snapshot::new(&doc.rope, version, options, &doc.cache));
        doc.snapshot = snapshot.clone();
        Some(snapshot)
    }

    /// A new snapshot of the same version under new settings (analysed when first needed);
    /// `None` when the document is not open.
    pub fn reanalyze(&self, uri: &Uri, options: &Options) -> Option<Arc<Snapshot>> {
        let mut doc = self.map.get_mut(uri)?;
        let snapshot = Arc::new(Snapshot::new(&doc.rope, doc.version, options, &doc.cache));
        doc.snapshot = snapshot.clone();
        Some(snapshot)
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.map.iter().map(|entry| entry.key().clone()).collect()
    }

    pub fn close(&self, uri: &Uri) {
        self.map.remove(uri);
    }

    pub fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.map.get(uri).map(|doc| doc.snapshot.clone())
    }

    /// The version the client last sent, to drop results computed for older ones.
    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.map.get(uri).map(|doc| doc.version)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.len()
    }
}

/// The rope char index of an LSP position. A character past the line's end means the
/// line's end; a line past the end means the end of the document; a position inside a
/// character (a UTF-16 surrogate pair, a UTF-8 sequence) means that character's start.
pub fn char_index(rope: &Rope, position: Position, encoding: Encoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let line_start = rope.line_to_char(line);
    let slice = rope.line(line);
    let content_chars = slice.len_chars() - line_break_chars(&slice);
    let content = slice.slice(..content_chars);
    let col = position.character as usize;
    let offset = match encoding {
        Encoding::Utf16 => {
            let col = col.min(content.len_utf16_cu());
            content.utf16_cu_to_char(col)
        }
        Encoding::Utf8 => {
            let col = col.min(content.len_bytes());
            content.byte_to_char(col)
        }
    };
    line_start + offset
}

fn line_break_chars(line: &ropey::RopeSlice) -> usize {
    let n = line.len_chars();
    match (n.checked_sub(2).map(|i| line.char(i)), n.checked_sub(1).map(|i| line.char(i))) {
        (Some('\r'), Some('\n')) => 2,
        (_, Some('\n' | '\r')) => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    fn edit(text: &str, range: (Position, Position), new_text: &str, encoding: Encoding) -> String {
        let docs = Documents::default();
        let uri: Uri = "file:///p.json".parse().unwrap();
        docs.open(uri.clone(), text, 1, &Options::default());
        let change = Change { range: Some(Range { start: range.0, end: range.1 }), text: new_text.to_string() };
        docs.change(&uri, 2, vec![change], encoding, &Options::default()).unwrap().text.clone()
    }

    #[test]
    fn utf16_positions_after_surrogate_pairs() {
        // 🫣 is two UTF-16 units.
        assert_eq!(edit("a🫣b", (pos(0, 3), pos(0, 4)), "X", Encoding::Utf16), "a🫣X");
        // Inside the pair means before it.
        assert_eq!(edit("a🫣b", (pos(0, 2), pos(0, 2)), "X", Encoding::Utf16), "aX🫣b");
    }

    #[test]
    fn utf8_positions_count_bytes() {
        assert_eq!(edit("ț❤️x", (pos(0, 8), pos(0, 9)), "y", Encoding::Utf8), "ț❤️y");
    }

    #[test]
    fn crlf_line_ends_and_past_the_end_positions() {
        assert_eq!(edit("ab\r\ncd", (pos(0, 99), pos(0, 99)), "!", Encoding::Utf16), "ab!\r\ncd");
        assert_eq!(edit("ab\r\ncd", (pos(1, 2), pos(1, 2)), "!", Encoding::Utf16), "ab\r\ncd!");
        assert_eq!(edit("ab\r\ncd", (pos(7, 0), pos(9, 0)), "!", Encoding::Utf16), "ab\r\ncd!");
        assert_eq!(edit("ab\rcd", (pos(1, 0), pos(1, 1)), "", Encoding::Utf16), "ab\rd");
    }

    #[test]
    fn closed_documents_leave_nothing_behind() {
        let docs = Documents::default();
        for i in 0..10_000 {
            let uri: Uri = format!("file:///p{i}.json").parse().unwrap();
            docs.open(uri.clone(), "{\"Statement\": []}", 1, &Options::default());
            docs.close(&uri);
        }
        assert_eq!(docs.len(), 0);
    }

    #[test]
    fn several_changes_apply_in_order() {
        let docs = Documents::default();
        let uri: Uri = "file:///p.json".parse().unwrap();
        docs.open(uri.clone(), "abc\ndef", 1, &Options::default());
        // What VS Code sends for a multi-cursor edit: later positions first.
        let changes = vec![
            Change { range: Some(Range { start: pos(1, 3), end: pos(1, 3) }), text: "2".into() },
            Change { range: Some(Range { start: pos(0, 3), end: pos(0, 3) }), text: "1".into() },
            Change { range: None, text: "replaced".into() },
            Change { range: Some(Range { start: pos(0, 0), end: pos(0, 1) }), text: "R".into() },
        ];
        let snapshot = docs.change(&uri, 2, changes, Encoding::Utf16, &Options::default()).unwrap();
        assert_eq!(snapshot.text, "Replaced");
        assert_eq!(snapshot.version, 2);
        docs.close(&uri);
        assert_eq!(docs.len(), 0);
        assert!(docs.change(&uri, 3, vec![], Encoding::Utf16, &Options::default()).is_none());
    }
}

/// Incremental sync against a second implementation (positions resolved by the analysis
/// library's line index on a plain string): shared by the property test below and the fuzz
/// target `document_sync`, whose findings `tests/fuzz.rs` replays.
pub mod invariants {
    use iam_analysis::{Encoding, LineCol, LineIndex, Options};
    use tower_lsp_server::ls_types::{Position, Range, Uri};

    use super::{Change, Documents};

    /// One `didChange` content change; `None` replaces the whole document.
    #[derive(Clone, Debug)]
    pub struct SyncEdit {
        pub range: Option<(Position, Position)>,
        pub text: String,
    }

    /// Characters that stress position conversion: multi-byte UTF-8, UTF-16 surrogate
    /// pairs, every line break.
    const ALPHABET: &[&str] = &["a", "é", "🫣", "❤️", "\n", "\r\n", "\r", "{", "\"", " ", ":", "}"];

    fn text_from(bytes: &[u8]) -> String {
        bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()]).collect()
    }

    /// Fuzzer bytes as an encoding, an initial text and batches of edits (one batch is one
    /// `didChange`). Every byte string decodes; the same bytes the same way.
    pub fn sync_from_bytes(data: &[u8]) -> (Encoding, String, Vec<Vec<SyncEdit>>) {
        let (head, mut rest) = data.split_first().map_or((0, &[][..]), |(h, r)| (*h, r));
        let encoding = if head & 1 == 0 { Encoding::Utf16 } else { Encoding::Utf8 };
        let initial_len = usize::from(head >> 1).min(rest.len());
        let initial = text_from(&rest[..initial_len]);
        rest = &rest[initial_len..];
        let mut batches: Vec<Vec<SyncEdit>> = Vec::new();
        while let [flags, l1, c1, l2, c2, len, tail @ ..] = rest {
            let len = usize::from(*len % 16).min(tail.len());
            let position = |l: u8, c: u8| Position { line: u32::from(l % 6), character: u32::from(c % 12) };
            let range = (flags & 2 == 0).then(|| (position(*l1, *c1), position(*l2, *c2)));
            let edit = SyncEdit { range, text: text_from(&tail[..len]) };
            match batches.last_mut() {
                Some(batch) if flags & 1 == 1 => batch.push(edit),
                _ => batches.push(vec![edit]),
            }
            rest = &tail[len..];
        }
        (encoding, initial, batches)
    }

    /// The fuzz target `document_sync`: [`sync_from_bytes`] then [`check_sync`].
    pub fn check_sync_bytes(data: &[u8]) {
        let (encoding, initial, batches) = sync_from_bytes(data);
        check_sync(encoding, &initial, &batches);
    }

    /// Applies the batches through [`Documents`] and to a plain string, and panics where the
    /// two texts differ or the analysis of a version panicked.
    pub fn check_sync(encoding: Encoding, initial: &str, batches: &[Vec<SyncEdit>]) {
        let docs = Documents::default();
        let uri: Uri = "file:///p.json".parse().expect("a valid URI");
        docs.open(uri.clone(), initial, 1, &Options::default());
        let mut naive = initial.to_string();
        for (i, batch) in batches.iter().enumerate() {
            let mut changes = Vec::new();
            for edit in batch {
                let Some((p1, p2)) = edit.range else {
                    naive.clone_from(&edit.text);
                    changes.push(Change { range: None, text: edit.text.clone() });
                    continue;
                };
                // Clients send ranges in document order: order the two positions the way
                // the plain string resolves them.
                let index = LineIndex::new(&naive);
                let a = index.offset(&naive, LineCol { line: p1.line, col: p1.character }, encoding);
                let b = index.offset(&naive, LineCol { line: p2.line, col: p2.character }, encoding);
                let range = if a <= b { Range { start: p1, end: p2 } } else { Range { start: p2, end: p1 } };
                naive = format!("{}{}{}", &naive[..a.min(b)], edit.text, &naive[a.max(b)..]);
                changes.push(Change { range: Some(range), text: edit.text.clone() });
            }
            let version = 2 + i32::try_from(i).unwrap_or(i32::MAX - 2);
            let snapshot = docs.change(&uri, version, changes, encoding, &Options::default()).expect("open");
            assert_eq!(snapshot.text, naive, "after batch {i}: {batch:?}");
            assert!(snapshot.analysis().is_some(), "the analysis panicked on {:?}", snapshot.text);
        }
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::invariants::check_sync_bytes;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn incremental_edits_equal_a_full_sync(data in prop::collection::vec(any::<u8>(), 0..120)) {
            check_sync_bytes(&data);
        }
    }
}
