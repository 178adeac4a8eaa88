//! Open documents: a rope per URI for applying edits, and the [`Document`] of its latest
//! version (text, line index, syntax tree; the checks' findings once made), which every
//! request reads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use dashmap::DashMap;
use iam_analysis::text::TextChange;
use iam_analysis::{Analysis, Document, Encoding, Language, Options};
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, Uri};

struct Entry {
    rope: Rope,
    /// Always present between calls: taken out while the next version is made from it.
    snapshot: Option<Arc<Snapshot>>,
}

/// One version of a document as the server holds it.
pub struct Snapshot {
    /// Unique among snapshots (a settings change makes a new one of the same version): the
    /// result id of pulled diagnostics, and how a check that finishes late knows whether
    /// its version is still the current one.
    pub id: u64,
    pub version: i32,
    pub document: Document,
    /// The diagnostics of a pulled report, serialized (a JSON array), made once: by the
    /// background check for a pull client, so that the pull that follows only frames them.
    pub pulled_items: OnceLock<Vec<u8>>,
    /// The findings of the versions before this one, to be freed by this version's check
    /// once its diagnostics are out (see [`Snapshot::free_retired`]): a large document's
    /// take hundreds of microseconds to free, which neither a request on the message thread
    /// nor another thread woken for it should spend while the user types.
    retired: Mutex<Vec<Analysis>>,
}

impl Snapshot {
    fn new(version: i32, document: Document) -> Arc<Snapshot> {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        Arc::new(Snapshot {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            version,
            document,
            pulled_items: OnceLock::new(),
            retired: Mutex::new(Vec::new()),
        })
    }

    fn with_retired(version: i32, document: Document, retired: Vec<Analysis>) -> Arc<Snapshot> {
        let snapshot = Snapshot::new(version, document);
        *snapshot.retired.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = retired;
        snapshot
    }

    /// Frees the findings of earlier versions, on the calling thread (the check's).
    pub fn free_retired(&self) {
        let retired = std::mem::take(&mut *self.retired.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        drop(retired);
    }
}

/// How many findings a previous version may have before they are left to the next check
/// to free (fewer are freed at once, faster than keeping them).
const FREED_ELSEWHERE: usize = 200;

/// The rope's text in one string, sized up front (`to_string` grows it a chunk at a time).
fn text_of(rope: &Rope) -> String {
    let mut text = String::with_capacity(rope.len_bytes());
    for chunk in rope.chunks() {
        text.push_str(chunk);
    }
    text
}

/// A change as the client sends it: a range (absent: the whole document) and new text.
pub struct Change {
    pub range: Option<Range>,
    pub text: String,
}

#[derive(Default)]
pub struct Documents {
    map: DashMap<Uri, Entry>,
}

impl Documents {
    pub fn open(&self, uri: Uri, text: &str, version: i32, options: &Options) -> Arc<Snapshot> {
        let rope = Rope::from_str(text);
        // YAML templates by their name: YAML is never read as JSON.
        let language = Language::of_path(uri.as_str());
        let snapshot = Snapshot::new(version, Document::in_language(text.to_string(), options.clone(), language));
        self.map.insert(uri, Entry { rope, snapshot: Some(snapshot.clone()) });
        snapshot
    }

    /// Applies a `didChange`'s changes in order, each to the result of the previous one,
    /// and makes the new version from the last (its tree re-parsed where the text changed).
    /// `None` when the document is not open.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<Change>,
        encoding: Encoding,
        options: &Options,
    ) -> Option<Arc<Snapshot>> {
        let mut entry = self.map.get_mut(uri)?;
        let entry = &mut *entry;
        let previous = entry.snapshot.take();
        // Each change is positioned in the text the ones before it left (the rope's). Where
        // they fall together is kept in bytes: the new version re-reads only there, without
        // comparing a large document's two texts.
        let old_len = entry.rope.len_bytes();
        let mut span: Option<(usize, usize)> = None; // (bytes kept at the start, at the end)
        let mut replaced = false;
        let mut single = None;
        let count = changes.len();
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = char_index(&entry.rope, range.start, encoding);
                    let end = char_index(&entry.rope, range.end, encoding).max(start);
                    let (start_byte, end_byte) = (entry.rope.char_to_byte(start), entry.rope.char_to_byte(end));
                    let kept_at_end = entry.rope.len_bytes() - end_byte;
                    span =
                        Some(span.map_or((start_byte, kept_at_end), |(a, b)| (a.min(start_byte), b.min(kept_at_end))));
                    entry.rope.remove(start..end);
                    entry.rope.insert(start, &change.text);
                    if count == 1 {
                        single = Some((start_byte, end_byte, change.text));
                    }
                }
                None => {
                    entry.rope = Rope::from_str(&change.text);
                    replaced = true;
                }
            }
        }
        let Some(previous) = previous else {
            let text = text_of(&entry.rope);
            let document = Document::in_language(text, options.clone(), Language::of_path(uri.as_str()));
            let snapshot = Snapshot::new(version, document);
            entry.snapshot = Some(snapshot.clone());
            return Some(snapshot);
        };
        let old = previous.document.text();
        // A keystroke's one change is spliced into the previous text (one copy); several are
        // read back from the rope.
        let text = match single {
            Some((start, end, inserted)) => [&old[..start], inserted.as_str(), &old[end..]].concat(),
            None => text_of(&entry.rope),
        };
        let change = match span {
            // A whole text sent again (clients without incremental sync) is compared.
            _ if replaced => TextChange::between(old, &text),
            Some((start, kept_at_end)) => {
                let change = TextChange { start, old_end: old_len - kept_at_end, new_end: text.len() - kept_at_end };
                (change.old_end > start || change.new_end > start).then_some(change)
            }
            None => None,
        };
        // The last holder (no request or check is reading it): its tree is taken over, and its
        // findings left to the next check to free (see [`Snapshot::retired`]), with any it
        // had not freed itself (no check ran for it).
        let (document, retired) = match Arc::try_unwrap(previous) {
            Ok(previous) => {
                let mut retired = previous.retired.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
                let (document, findings) = previous.document.edit_at(text, change);
                retired.extend(findings.filter(|findings| findings.diagnostics.len() > FREED_ELSEWHERE));
                (document, retired)
            }
            Err(shared) => (shared.document.edited_at(text, change), Vec::new()),
        };
        let document = if document.options() == options { document } else { document.with_options(options.clone()) };
        let snapshot = Snapshot::with_retired(version, document, retired);
        entry.snapshot = Some(snapshot.clone());
        Some(snapshot)
    }

    /// A new snapshot of the same version under new settings (checked when first needed);
    /// `None` when the document is not open.
    pub fn reanalyze(&self, uri: &Uri, options: &Options) -> Option<Arc<Snapshot>> {
        let mut entry = self.map.get_mut(uri)?;
        let previous = entry.snapshot.as_ref()?;
        let snapshot = Snapshot::new(previous.version, previous.document.with_options(options.clone()));
        entry.snapshot = Some(snapshot.clone());
        Some(snapshot)
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.map.iter().map(|entry| entry.key().clone()).collect()
    }

    pub fn close(&self, uri: &Uri) {
        self.map.remove(uri);
    }

    pub fn snapshot(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        self.map.get(uri).and_then(|entry| entry.snapshot.clone())
    }

    /// Whether the snapshot `snapshot_id` is still the document's latest (a check that finishes late is
    /// not published over a newer version's).
    pub fn is_current(&self, uri: &Uri, snapshot_id: u64) -> bool {
        self.map.get(uri).and_then(|entry| entry.snapshot.as_ref().map(|s| s.id)) == Some(snapshot_id)
    }

    /// Runs `send` if the snapshot `snapshot_id` is still the document's latest, holding the
    /// document's entry meanwhile: a `didClose` or `didChange` on another thread waits, so
    /// whatever it publishes after comes after this (a check publishes from its own thread).
    pub fn if_current(&self, uri: &Uri, snapshot_id: u64, send: impl FnOnce()) {
        let entry = self.map.get(uri);
        if entry.as_ref().and_then(|entry| entry.snapshot.as_ref().map(|s| s.id)) == Some(snapshot_id) {
            send();
        }
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
        docs.change(&uri, 2, vec![change], encoding, &Options::default()).unwrap().document.text().to_string()
    }

    fn retired(snapshot: &Snapshot) -> usize {
        snapshot.retired.lock().unwrap().len()
    }

    /// A large document's findings are freed by the next check, not by the change that made
    /// them stale (on the message thread), and not lost when no check ran in between.
    #[test]
    fn stale_findings_wait_for_the_next_check_to_free_them() {
        let statement = r#"{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}"#;
        let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#, vec![statement; 400].join(", "));
        let docs = Documents::default();
        let uri: Uri = "file:///p.json".parse().unwrap();
        let options = Options::default();
        let first = docs.open(uri.clone(), &text, 1, &options);
        assert!(first.document.analysis().is_some_and(|a| a.diagnostics.len() > FREED_ELSEWHERE));
        drop(first);
        let typed = |version: i32| {
            let at = pos(0, 1);
            let change = Change { range: Some(Range { start: at, end: at }), text: " ".into() };
            docs.change(&uri, version, vec![change], Encoding::Utf16, &options).unwrap()
        };
        let second = typed(2);
        assert_eq!(retired(&second), 1, "the first version's findings");
        drop(second);
        // Not checked: what it held moves on with its own findings (none made).
        let third = typed(3);
        assert_eq!(retired(&third), 1);
        assert!(third.document.analysis().is_some());
        third.free_retired();
        assert_eq!(retired(&third), 0);
        drop(third);
        assert_eq!(retired(&typed(4)), 1, "the third version's findings");
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
        assert_eq!(snapshot.document.text(), "Replaced");
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
            assert_eq!(snapshot.document.text(), naive, "after batch {i}: {batch:?}");
            let analysis = snapshot.document.analysis().map(|a| &a.diagnostics);
            assert!(analysis.is_some(), "the analysis panicked on {:?}", snapshot.document.text());
            // The kept tree and findings give what a fresh analysis gives.
            assert_eq!(analysis, Some(&iam_analysis::analyze(&naive).diagnostics), "after batch {i}: {batch:?}");
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
