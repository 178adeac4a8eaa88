//! Re-parsing an edited document by the part the edit touched.
//!
//! A keystroke in a document of thousands of statements changes one of them: this finds
//! which (from what the old and new texts share at each end), re-lexes and re-parses that
//! statement alone, and splices it into the old tree, moving what follows by the change in
//! length. The result is the tree and diagnostics a full parse gives; where that cannot be
//! shown from the edited statement alone (an edit outside every statement, a statement no
//! longer closed by its own `}`), the document is parsed again in full.

use super::parser::{drop_cascades, parse_object_at, parse_uncascaded};
use super::{Member, Value};
use crate::diagnostics::{Code, Diagnostic};
use crate::text::{TextChange, TextRange};

/// Where the items of an array at the top of a policy (`Statement`'s) are parsed.
const ITEM_DEPTH: usize = 2;

/// A document version's syntax tree, kept to re-parse the next version by parts. It does
/// not keep the text: the [`crate::Document`] that holds it does, and hands it in.
#[derive(Clone, Debug)]
pub struct Tree {
    root: Option<Value>,
    /// Every syntax diagnostic, sorted by range, before [`drop_cascades`] (which looks
    /// across statements, so it runs on the whole list each time).
    diagnostics: Vec<Diagnostic>,
}

/// How [`Tree::update`] brought the tree up to date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reparse {
    Unchanged,
    /// One array item (a statement) was parsed again.
    Item,
    Whole,
}

impl Tree {
    pub fn new(text: &str) -> Tree {
        let (root, diagnostics) = parse_uncascaded(text);
        Tree { root, diagnostics }
    }

    pub fn root(&self) -> Option<&Value> {
        self.root.as_ref()
    }

    /// The syntax diagnostics of `text` (the text this tree was made for), as
    /// [`super::parse`] reports them.
    pub fn diagnostics(&self, text: &str) -> Vec<Diagnostic> {
        let mut diagnostics = self.diagnostics.clone();
        drop_cascades(text, &mut diagnostics);
        diagnostics
    }

    /// Brings the tree made for `old` up to `text`, the document's next version.
    pub fn update(&mut self, old: &str, text: &str) -> Reparse {
        self.update_by(old, text, TextChange::between(old, text))
    }

    /// [`Tree::update`] where the caller knows how the texts differ (`None`: they do not).
    pub fn update_by(&mut self, old: &str, text: &str, change: Option<TextChange>) -> Reparse {
        let Some(TextChange { start, old_end, new_end }) = change else { return Reparse::Unchanged };
        let change = Change { start, old_end, new_end };
        if self.splice(old, text, change).is_some() {
            return Reparse::Item;
        }
        *self = Tree::new(text);
        Reparse::Whole
    }

    /// Re-parses the array item that strictly contains the change (its `{` and `}` kept),
    /// and puts it in place of the old one; `None`, with nothing changed, where that does
    /// not give what a full parse would.
    fn splice(&mut self, old_text: &str, text: &str, change: Change) -> Option<()> {
        let Some(Value::Object(root)) = &self.root else { return None };
        let (member, index) = root.members.iter().enumerate().find_map(|(m, member)| match &member.value {
            Some(Value::Array(array)) if array.range.start < change.start && change.old_end < array.range.end => {
                let i = array.items.partition_point(|item| item.range().end <= change.start);
                Some((m, i))
            }
            _ => None,
        })?;
        let Some(Value::Array(array)) = &root.members[member].value else { return None };
        let old = array.items.get(index)?;
        let old_range = old.range();
        if !matches!(old, Value::Object(_)) || old_range.start >= change.start || change.old_end >= old_range.end {
            return None;
        }
        // "first on line N" in a duplicate key's message: a line break added or removed
        // moves the line of a key after the change.
        let lines = |bytes: &[u8]| memchr::memchr_iter(b'\n', bytes).count();
        if lines(&old_text.as_bytes()[change.start..change.old_end])
            != lines(&text.as_bytes()[change.start..change.new_end])
            && self.diagnostics.iter().any(|d| d.code == Code::JsonDuplicateKey && d.range.start >= change.old_end)
        {
            return None;
        }
        // The old item too must have been closed by its own `}`: after an unclosed one, the
        // array went on from a different token than it will now.
        parse_object_at(old_text, old_range, ITEM_DEPTH)?;
        let new_range = TextRange::new(old_range.start, change.moved(old_range.end));
        let (item, found) = parse_object_at(text, new_range, ITEM_DEPTH)?;
        // The item's own diagnostics start inside it (past its `{`); the ones around it,
        // from the array and the lexing between items, start outside.
        let inside = |d: &Diagnostic, end: usize| d.range.start > old_range.start && d.range.start < end;
        if !found.iter().all(|d| inside(d, new_range.end)) {
            return None;
        }

        let Some(Value::Object(root)) = &mut self.root else { return None };
        // The old item goes first: a value in it may start inside the change and end after
        // it, which no shift can move. The stand-in ends before the change, so stays put.
        let Some(Value::Array(array)) = &mut root.members[member].value else { return None };
        array.items[index] = Value::Null(TextRange::empty(old_range.start));
        for member in &mut root.members {
            shift_member(member, &change);
        }
        root.range = change.shift(root.range);
        let Some(Value::Array(array)) = &mut root.members[member].value else { return None };
        array.items[index] = item;

        let first = self.diagnostics.partition_point(|d| d.range.start <= old_range.start);
        let after = self.diagnostics.partition_point(|d| d.range.start < old_range.end);
        let mut following = self.diagnostics.split_off(after);
        for d in &mut following {
            shift_diagnostic(d, &change);
        }
        self.diagnostics.truncate(first);
        self.diagnostics.extend(found);
        self.diagnostics.extend(following);
        Some(())
    }
}

/// One edit, as the old and new texts differ: `start..old_end` became `start..new_end`.
#[derive(Clone, Copy)]
struct Change {
    start: usize,
    old_end: usize,
    new_end: usize,
}

impl Change {
    /// Where an offset of the old text at or after the change is in the new text.
    fn moved(&self, offset: usize) -> usize {
        if offset >= self.old_end {
            offset - self.old_end + self.new_end
        } else {
            offset
        }
    }

    fn shift(&self, range: TextRange) -> TextRange {
        TextRange::new(self.moved(range.start), self.moved(range.end))
    }
}

fn shift_diagnostic(d: &mut Diagnostic, change: &Change) {
    d.range = change.shift(d.range);
    for edit in d.fixes.iter_mut().flat_map(|f| f.edits.iter_mut()) {
        edit.range = change.shift(edit.range);
    }
}

fn shift_member(member: &mut Member, change: &Change) {
    member.key.range = change.shift(member.key.range);
    if let Some(value) = &mut member.value {
        shift_value(value, change);
    }
}

/// Moves every range in `value` that ends after the change (a value before it is left).
fn shift_value(value: &mut Value, change: &Change) {
    if value.range().end < change.old_end {
        return;
    }
    match value {
        Value::Object(object) => {
            object.range = change.shift(object.range);
            for member in &mut object.members {
                shift_member(member, change);
            }
        }
        Value::Array(array) => {
            array.range = change.shift(array.range);
            for item in &mut array.items {
                shift_value(item, change);
            }
        }
        Value::String(s) => s.range = change.shift(s.range),
        Value::Number(r) | Value::Bool(_, r) | Value::Null(r) => *r = change.shift(*r),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::properties::{edit, typed};

    /// The tree and diagnostics as text, to compare a spliced parse with a full one.
    fn describe(root: Option<&Value>, diagnostics: &[Diagnostic]) -> String {
        format!("{root:#?}\n{diagnostics:#?}")
    }

    fn full(text: &str) -> String {
        let parse = super::super::parse(text);
        describe(parse.root.as_ref(), &parse.diagnostics)
    }

    const POLICY: &str = include_str!("../../../../tests/fixtures/bedrock/chatbot-agent-policy.json");

    #[test]
    fn a_keystroke_inside_a_statement_reparses_that_statement() {
        let mut tree = Tree::new(POLICY);
        let at = POLICY.find("bedrock:InvokeModel").expect("an action") + "bedrock:".len();
        let mut text = POLICY.to_string();
        for (i, ch) in "Xy\n \"z".chars().enumerate() {
            let old = text.clone();
            text.insert(at + i, ch);
            assert_eq!(tree.update(&old, &text), Reparse::Item, "{ch:?}");
            assert_eq!(describe(tree.root(), &tree.diagnostics(&text)), full(&text));
        }
        assert_eq!(tree.update(&text, &text), Reparse::Unchanged);
        // Before the first statement: the whole document.
        let old = text.clone();
        text.insert(1, ' ');
        assert_eq!(tree.update(&old, &text), Reparse::Whole);
        assert_eq!(describe(tree.root(), &tree.diagnostics(&text)), full(&text));
    }

    #[test]
    fn an_edit_that_unbalances_a_statement_reparses_the_document() {
        let mut tree = Tree::new(POLICY);
        let at = POLICY.find("\"Action\"").expect("an action");
        let mut text = POLICY.to_string();
        text.insert(at, '{');
        assert_eq!(tree.update(POLICY, &text), Reparse::Whole);
        assert_eq!(describe(tree.root(), &tree.diagnostics(&text)), full(&text));
    }

    #[test]
    fn an_edit_that_closes_an_unclosed_statement_reparses_the_document() {
        // The statement's `{"b": 1}` ended it, unclosed: the `]` after it got a diagnostic.
        let text = r#"{"Statement": [{"a": {"b": 1}]}"#;
        let mut tree = Tree::new(text);
        let edited = r#"{"Statement": [{"a": 1, "b": 1}]}"#;
        assert_eq!(tree.update(text, edited), Reparse::Whole);
        assert_eq!(describe(tree.root(), &tree.diagnostics(edited)), full(edited));
        assert!(tree.diagnostics(edited).is_empty(), "{:?}", tree.diagnostics(edited));
    }

    #[test]
    fn a_new_line_before_a_duplicate_key_renumbers_its_message() {
        let text = "{\"Statement\": [\n{\"Sid\": \"a\"},\n{\"Sid\": \"b\",\n\"Sid\": \"c\"}\n]}";
        let mut tree = Tree::new(text);
        let edited = text.replacen("\"a\"}", "\"a\"\n}", 1);
        tree.update(text, &edited);
        let diagnostics = tree.diagnostics(&edited);
        assert_eq!(describe(tree.root(), &diagnostics), full(&edited));
        assert!(diagnostics.iter().any(|d| d.message.contains("first on line 4")), "{diagnostics:?}");
    }

    #[test]
    fn a_deletion_that_ends_inside_a_string_moves_nothing_backwards() {
        // The change `b", "Effect": ` ends inside `"Allow"`, whose opening quote it removed.
        let text = r#"{"Statement": [{"Sid": "ab", "Effect": "Allow"}]}"#;
        let edited = r#"{"Statement": [{"Sid": "aAllow"}]}"#;
        let mut tree = Tree::new(text);
        assert_eq!(tree.update(text, edited), Reparse::Item);
        assert_eq!(describe(tree.root(), &tree.diagnostics(edited)), full(edited));
    }

    const EDITED: [&str; 4] = [
        POLICY,
        include_str!("../../../../tests/fixtures/json/comments.json"),
        include_str!("../../../../tests/fixtures/json/duplicate-keys.json"),
        include_str!("../../../../tests/fixtures/json/unquoted-and-unclosed.json"),
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Whatever is typed wherever, the kept tree is the one a full parse makes.
        #[test]
        fn updating_equals_parsing_afresh(
            which in 0..EDITED.len(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..3, typed(12)), 1..8),
        ) {
            let mut text = EDITED[which].to_string();
            let mut tree = Tree::new(&text);
            for (at, delete, insert) in edits {
                let old = text.clone();
                edit(&mut text, at, delete, &insert);
                tree.update(&old, &text);
                prop_assert_eq!(describe(tree.root(), &tree.diagnostics(&text)), full(&text));
            }
        }
    }
}
