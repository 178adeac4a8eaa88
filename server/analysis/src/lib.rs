//! Analysis of AWS IAM policy documents, as plain data: text in; diagnostics, hovers and
//! fixes out, as byte ranges. No LSP, no async: the language server and the CLI are thin
//! adapters over this crate.
//!
//! The data's path: text → [`Document`] (one per version: text, line index, syntax tree) →
//! [`syntax`] (tolerant JSON parse) → [`model`] (policy elements) → [`checks`] (with the
//! [`catalog`]) → [`diagnostics`] / [`hover`] / [`completion`] / ... , each reading a
//! `&Document`.

pub mod arn;
pub mod catalog;
pub(crate) mod checks;
pub mod completion;
pub mod diagnostics;
pub mod document;
pub mod embedded;
pub mod evaluate;
pub mod hover;
pub mod inlay_hints;
pub mod invariants;
pub mod kind;
pub mod knowledge;
pub mod model;
pub mod pattern;
pub mod refactors;
pub mod semantic_tokens;
pub mod suppress;
pub mod symbols;
pub mod syntax;
pub mod text;

pub use catalog::Catalog;
pub use completion::{complete, CompletionItem, CompletionKind};
pub use diagnostics::{Code, Diagnostic, Edit, Fix, Severity};
pub use document::{Document, Language};
pub use hover::{hover, Hover};
pub use kind::{KindChoice, PolicyKind};
pub use text::{Encoding, LineCol, LineIndex, TextRange};

/// How to analyse a document: settings from the command line, the workspace's
/// `.iam-lsp.toml` or the editor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The kind to check as; inferred from the content when `None`.
    pub kind: Option<KindChoice>,
    /// Codes not to report.
    pub disabled: Vec<Code>,
    /// Severities to use instead of the codes' defaults.
    pub severity: Vec<(Code, Severity)>,
    /// The document is meant as a policy whatever it holds: its file name says so
    /// ([`names_a_policy`]). A chosen `kind` says so too. A top-level object without a
    /// `Statement` or a policy `Version` is then checked (and told what it lacks), not skipped.
    pub declared: bool,
    /// `.iam-lsp.toml` suppressions that apply to the document (see [`suppress`]).
    pub ignores: Vec<suppress::Ignore>,
}

impl Options {
    /// Whether the document is checked as a policy even when its content does not look like
    /// one (see [`Options::declared`]).
    pub fn declares_policy(&self) -> bool {
        self.declared || self.kind.is_some()
    }
}

/// Whether a file name says that the file is a policy: its stem ends with `policy`, in any
/// case (`policy.json`, `trust-policy.json`, `BucketPolicy.json`, `scp.policy.json`).
pub fn names_a_policy(file_name: &str) -> bool {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(stem, _)| stem);
    stem.len() >= 6 && stem.is_char_boundary(stem.len() - 6) && stem[stem.len() - 6..].eq_ignore_ascii_case("policy")
}

/// The result of analysing one document.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// Whether the document looks like an IAM policy. Other JSON gets no diagnostics.
    pub is_policy: bool,
    /// The kind the policy was checked as, and why.
    pub kind: Option<KindChoice>,
    /// Sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// For each of [`Options::ignores`], whether it suppressed a finding here.
    pub ignores_used: Vec<bool>,
}

/// Parses and checks a document with default options.
pub fn analyze(text: &str) -> Analysis {
    analyze_with(text, &Options::default())
}

/// Parses and checks a document once (an editor keeps a [`Document`] per version instead).
pub fn analyze_with(text: &str, options: &Options) -> Analysis {
    Document::new(text.to_string(), options.clone()).into_analysis()
}

/// [`analyze_with`] for a text in `language` (a YAML template is never read as JSON).
pub fn analyze_in(text: &str, options: &Options, language: Language) -> Analysis {
    Document::in_language(text.to_string(), options.clone(), language).into_analysis()
}

/// Applies non-overlapping edits to a text (for tests, and for clients that cannot).
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(&text[at..edit.range.start.max(at)]);
        out.push_str(&edit.new_text);
        at = edit.range.end.max(at);
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
pub(crate) mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Text that looks like a policy being typed: JSON and policy tokens, broken at random.
    pub(crate) fn policy_like() -> impl Strategy<Value = String> {
        typed(80)
    }

    /// Fewer than `count` JSON and policy tokens, broken JSON included.
    pub(crate) fn typed(count: usize) -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            " ",
            "\n",
            "\r\n",
            "\"",
            "\\",
            "//",
            "/*",
            "*/",
            "\"Version\"",
            "\"2012-10-17\"",
            "\"Statement\"",
            "\"Effect\"",
            "\"Allow\"",
            "Allow",
            "\"Deny\"",
            "\"Action\"",
            "\"s3:Get*\"",
            "\"bedrock:InvokeModel\"",
            "\"Resource\"",
            "\"*\"",
            "\"arn:aws:s3:::b/*\"",
            "\"arn:aws:bedrock:us-east-1::foundation-model/x\"",
            "\"Principal\"",
            "{\"Service\":\"bedrock.amazonaws.com\"}",
            "\"Condition\"",
            "\"StringEquals\"",
            "\"aws:SourceAccount\"",
            "\"${aws:username}\"",
            "é",
            "🫣",
            "\u{feff}",
            "\u{0}",
            "true",
            "null",
            "12",
            "\u{a0}",
            "\"\\u00e9\"",
            "\"\\q\"",
        ]);
        prop::collection::vec(pieces, 0..count).prop_map(|v| v.concat())
    }

    /// Replaces `delete` bytes at `at` (both moved out to character boundaries) with `insert`;
    /// the bytes replaced, as an editor reports them (the replaced text may equal `insert`).
    pub(crate) fn edit(text: &mut String, at: prop::sample::Index, delete: usize, insert: &str) -> text::TextChange {
        edit_at(text, Offset::Index(at), delete, insert)
    }

    /// Where [`edit_at`] edits: anywhere in the text, or at (about) an offset.
    pub(crate) enum Offset {
        Index(prop::sample::Index),
        At(usize),
    }

    /// [`edit`] at an offset chosen by the caller.
    pub(crate) fn edit_at(text: &mut String, at: Offset, delete: usize, insert: &str) -> text::TextChange {
        let mut start = match at {
            Offset::Index(at) => at.index(text.len() + 1),
            Offset::At(offset) => offset.min(text.len()),
        };
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + delete).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        text.replace_range(start..end, insert);
        text::TextChange { start, old_end: end, new_end: start + insert.len() }
    }

    /// Policies with many statements of every family, to edit at random.
    const EDITED: [&str; 3] = [
        include_str!("../../../tests/fixtures/bedrock/chatbot-agent-policy.json"),
        include_str!("../../../tests/fixtures/bedrock/agent-service-role-broken.json"),
        include_str!("../../../tests/fixtures/redundancy/duplicates.json"),
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn incremental_analysis_equals_a_fresh_one(
            which in 0..EDITED.len(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..4, policy_like()), 1..6),
        ) {
            let mut text = EDITED[which].to_string();
            let options = Options::default();
            let mut document = Document::new(text.clone(), options.clone());
            document.analysis();
            for (at, delete, insert) in edits {
                edit(&mut text, at, delete, &insert);
                document = document.edit(text.clone());
                let incremental = document.analysis().map(|a| a.diagnostics.clone());
                prop_assert_eq!(incremental, Some(analyze_with(&text, &options).diagnostics));
            }
        }

        /// Every feature answered from a document kept across edits (its tree re-parsed by
        /// parts, its findings reused) is what the same feature says of the final text
        /// parsed afresh. Each edit's change is found by comparing the texts or, as the
        /// server does, taken from the edit itself (a range that may hold unchanged bytes).
        #[test]
        fn every_feature_of_an_edited_document_equals_a_fresh_one(
            which in 0..EDITED.len(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..4, policy_like(), any::<bool>()), 1..5),
            cursor in any::<prop::sample::Index>(),
        ) {
            let mut text = EDITED[which].to_string();
            let mut kept = Document::from(text.as_str());
            kept.analysis();
            for (at, delete, insert, known) in edits {
                let change = edit(&mut text, at, delete, &insert);
                kept = if known { kept.edit_at(text.clone(), Some(change)).0 } else { kept.edit(text.clone()) };
            }
            let fresh = Document::from(text.as_str());
            let mut offset = cursor.index(text.len() + 1);
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            let whole = TextRange::new(0, text.len());
            let here = TextRange::empty(offset);
            prop_assert_eq!(kept.line_index(), fresh.line_index());
            prop_assert_eq!(kept.analysis().map(|a| &a.diagnostics), fresh.analysis().map(|a| &a.diagnostics));
            prop_assert_eq!(hover(&kept, offset), hover(&fresh, offset));
            prop_assert_eq!(complete(&kept, offset), complete(&fresh, offset));
            prop_assert_eq!(semantic_tokens::semantic_tokens(&kept), semantic_tokens::semantic_tokens(&fresh));
            prop_assert_eq!(inlay_hints::inlay_hints(&kept, whole, true), inlay_hints::inlay_hints(&fresh, whole, true));
            prop_assert_eq!(symbols::document_symbols(&kept), symbols::document_symbols(&fresh));
            prop_assert_eq!(symbols::folding_ranges(&kept), symbols::folding_ranges(&fresh));
            prop_assert_eq!(symbols::selection_ranges(&kept, offset), symbols::selection_ranges(&fresh, offset));
            prop_assert_eq!(refactors::refactors(&kept, here), refactors::refactors(&fresh, here));
            prop_assert_eq!(kept.kind(), fresh.kind());
        }

        #[test]
        fn any_text_is_analysed_without_panics_and_ranges_stay_inside(text in any::<String>()) {
            invariants::check(&text, text.len() / 2);
        }

        #[test]
        fn half_typed_policies_are_analysed_without_panics(text in policy_like()) {
            invariants::check(&text, text.len() / 2);
        }
    }
}
