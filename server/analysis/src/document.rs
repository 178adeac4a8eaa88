//! One version of a document: its text, line index and syntax tree, made once when the
//! version is. Every feature (diagnostics, hover, completion, code actions, semantic tokens,
//! inlay hints, symbols, folding, selection ranges) reads a `&Document`; none parses again.
//! The checks run once per version, when first asked for, so a version nobody looks at is
//! never checked.
//!
//! The next version is made from this one ([`Document::edit`]): the tree is brought up to
//! date by re-parsing the statement an edit touched, and the checks reuse the findings of
//! every statement whose text did not change.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, OnceLock};

use crate::checks::{self, Findings};
use crate::diagnostics::Code;
use crate::embedded::host::Host;
use crate::embedded::{self, HostFormat};
use crate::kind::{self, KindChoice};
use crate::model::{Outline, Policy};
use crate::suppress;
use crate::syntax::{Tree, Value};
use crate::text::{Encoding, LineCol, LineIndex, TextChange, TextRange};
use crate::{Analysis, Catalog, Options};

/// The language of a document's text: JSON (a policy, or a CloudFormation template) or
/// YAML (a CloudFormation, SAM or Serverless file; anything else in YAML gets nothing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    #[default]
    Json,
    Yaml,
    /// A Terraform module (`.tf`).
    Terraform,
    /// A Terraform module in JSON syntax (`.tf.json`): never read as a policy or a template.
    TerraformJson,
}

impl Language {
    /// The language of a file by its name: YAML for `.yaml`/`.yml`, JSON otherwise.
    pub fn of_path(path: &str) -> Language {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            Language::Yaml
        } else if lower.ends_with(".tf") {
            Language::Terraform
        } else if lower.ends_with(".tf.json") {
            Language::TerraformJson
        } else {
            Language::Json
        }
    }

    /// Whether the text is JSON (parsed into the document's tree).
    pub fn is_json(self) -> bool {
        matches!(self, Language::Json | Language::TerraformJson)
    }
}

pub struct Document {
    text: String,
    line_index: LineIndex,
    tree: Tree,
    options: Options,
    language: Language,
    /// The policies of a host file (a template, a service), each with its own document.
    host: Option<Arc<Host>>,
    /// Each statement's findings from the last check of any version of this document:
    /// shared by the versions, each verified against the statement's text before reuse.
    findings: Arc<Mutex<Findings>>,
    /// `None` inside when the checks panicked (a bug): the document keeps working, and the
    /// next version checks again.
    analysis: OnceLock<Option<Analysis>>,
}

/// A document with the default options (tests, one-off tools).
impl From<&str> for Document {
    fn from(text: &str) -> Document {
        Document::new(text.to_string(), Options::default())
    }
}

/// Whether `old` and `new` differ only inside `change` (a caller's claim, checked in debug
/// builds: the tests and the fuzzers).
fn differ_only_in(old: &str, new: &str, change: Option<TextChange>) -> bool {
    match change {
        None => old == new,
        Some(TextChange { start, old_end, new_end }) => {
            start <= old_end
                && start <= new_end
                && old_end <= old.len()
                && new_end <= new.len()
                && old.len() - old_end == new.len() - new_end
                && old.as_bytes()[..start] == new.as_bytes()[..start]
                && old.as_bytes()[old_end..] == new.as_bytes()[new_end..]
        }
    }
}

impl Document {
    pub fn new(text: String, options: Options) -> Document {
        Document::in_language(text, options, Language::Json)
    }

    /// A document in `language`: YAML is never parsed as JSON.
    pub fn in_language(text: String, options: Options, language: Language) -> Document {
        let tree = match language {
            Language::Json | Language::TerraformJson => Tree::new(&text),
            Language::Yaml | Language::Terraform => Tree::new(""),
        };
        let line_index = LineIndex::new(&text);
        Document::assemble(text, tree, line_index, options, Arc::default(), language, None)
    }

    fn assemble(
        text: String,
        tree: Tree,
        line_index: LineIndex,
        options: Options,
        findings: Arc<Mutex<Findings>>,
        language: Language,
        previous: Option<&Host>,
    ) -> Document {
        let extraction = match language {
            Language::Json => tree
                .root()
                .and_then(|root| embedded::cloudformation::extract_json(&text, root))
                .map(|e| (HostFormat::CloudFormationJson, e)),
            Language::Yaml => embedded::extract_yaml(&text),
            Language::Terraform => embedded::extract_terraform(&text),
            Language::TerraformJson => tree.root().and_then(|root| embedded::extract_terraform_json(&text, root)),
        };
        let host = extraction.map(|(format, e)| Arc::new(Host::new(format, e, &options, previous)));
        Document { text, line_index, tree, options, language, host, findings, analysis: OnceLock::new() }
    }

    /// The next version of a host file: its host re-extracted by the part the edit touched
    /// where [`Host::edited`] can, in full otherwise (reusing the policies' documents).
    #[allow(clippy::too_many_arguments)]
    fn next(
        old: &str,
        text: String,
        tree: Tree,
        line_index: LineIndex,
        options: Options,
        findings: Arc<Mutex<Findings>>,
        language: Language,
        host: Option<Arc<Host>>,
    ) -> Document {
        let host = match host {
            Some(host) if language == Language::Yaml => match Host::edited(host, old, &text, &options) {
                Ok(host) => {
                    let host = Some(host);
                    return Document {
                        text,
                        line_index,
                        tree,
                        options,
                        language,
                        host,
                        findings,
                        analysis: OnceLock::new(),
                    };
                }
                Err(host) => Some(host),
            },
            host => host,
        };
        Document::assemble(text, tree, line_index, options, findings, language, host.as_deref())
    }

    /// The policies of a host file; `None` for a policy document or any other file.
    pub fn host(&self) -> Option<&Host> {
        self.host.as_deref()
    }

    pub fn language(&self) -> Language {
        self.language
    }

    /// The next version of this document, whose text is `text`: the tree re-parses only
    /// what changed, and the checks will reuse what this version's found elsewhere.
    pub fn edit(self, text: String) -> Document {
        self.edit_keeping(text).0
    }

    /// [`Document::edit`], handing back this version's findings instead of freeing them: a
    /// large document's take a while to free, which a caller that must answer quickly (the
    /// server's message thread) leaves to another thread.
    pub fn edit_keeping(self, text: String) -> (Document, Option<Analysis>) {
        let change = TextChange::between(&self.text, &text);
        self.edit_at(text, change)
    }

    /// [`Document::edit_keeping`] where the caller knows where the texts differ (the server
    /// does, from the client's ranges): a large document's two versions are not compared
    /// again. `change` covers every byte that differs (`None`: none does).
    pub fn edit_at(self, text: String, change: Option<TextChange>) -> (Document, Option<Analysis>) {
        debug_assert!(differ_only_in(&self.text, &text, change), "{change:?} misses a difference");
        let Document { text: old, mut tree, line_index, options, findings, language, host, analysis } = self;
        if language.is_json() {
            tree.update_by(&old, &text, change);
        }
        let line_index = match change {
            Some(change) => line_index.edited(&text, change),
            None => line_index,
        };
        let next = Document::next(&old, text, tree, line_index, options, findings, language, host);
        (next, analysis.into_inner().flatten())
    }

    /// [`Document::edit`] for a version still in use elsewhere (its tree is copied).
    pub fn edited(&self, text: String) -> Document {
        let change = TextChange::between(&self.text, &text);
        self.edited_at(text, change)
    }

    /// [`Document::edited`] where the caller knows where the texts differ (see
    /// [`Document::edit_at`]).
    pub fn edited_at(&self, text: String, change: Option<TextChange>) -> Document {
        debug_assert!(differ_only_in(&self.text, &text, change), "{change:?} misses a difference");
        let mut tree = self.tree.clone();
        if self.language.is_json() {
            tree.update_by(&self.text, &text, change);
        }
        let (options, findings) = (self.options.clone(), self.findings.clone());
        let line_index = match change {
            Some(change) => self.line_index.edited(&text, change),
            None => self.line_index.clone(),
        };
        Document::next(&self.text, text, tree, line_index, options, findings, self.language, self.host.clone())
    }

    /// The next version of a document that some other holder may still be reading: taken
    /// over when this was the last holder, copied otherwise.
    pub fn edit_shared(this: Arc<Document>, text: String) -> Document {
        match Arc::try_unwrap(this) {
            Ok(document) => document.edit(text),
            Err(shared) => shared.edited(text),
        }
    }

    /// The same text under other options (settings changed): checked again when asked.
    pub fn with_options(&self, options: Options) -> Document {
        let (text, tree, line_index) = (self.text.clone(), self.tree.clone(), self.line_index.clone());
        Document::assemble(text, tree, line_index, options, self.findings.clone(), self.language, None)
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn line_index(&self) -> &LineIndex {
        &self.line_index
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The syntax tree's root; `None` for an empty or hopeless document.
    pub fn root(&self) -> Option<&Value> {
        self.tree.root()
    }

    /// The policy view of the tree; `None` when the document is not an IAM policy.
    pub fn policy(&self) -> Option<Policy<'_>> {
        if self.host.is_some() || self.language == Language::TerraformJson {
            return None;
        }
        if self.options.declares_policy() {
            Policy::declared(self.root())
        } else {
            Policy::new(self.root())
        }
    }

    /// [`Document::policy`] with its statements not modelled (the checks model those they
    /// do not have findings for).
    fn outline(&self) -> Option<Outline<'_>> {
        if self.host.is_some() || self.language == Language::TerraformJson {
            return None;
        }
        Outline::outline(self.root(), self.options.declares_policy())
    }

    /// [`Document::policy`] with only the statements at `offset` (see [`Policy::around`]).
    pub fn policy_around(&self, offset: usize) -> Option<Policy<'_>> {
        if self.host.is_some() || self.language == Language::TerraformJson {
            return None;
        }
        Policy::around(self.root(), offset, self.options.declares_policy())
    }

    /// The kind the policy is checked as (from the options, else inferred), and why.
    pub fn kind(&self) -> Option<KindChoice> {
        let policy = self.policy()?;
        Some(self.options.kind.clone().unwrap_or_else(|| kind::infer(&policy)))
    }

    /// The position of a byte offset.
    pub fn line_col(&self, offset: usize, encoding: Encoding) -> LineCol {
        self.line_index.line_col(&self.text, offset, encoding)
    }

    /// The byte offset of a position (clamped: see [`LineIndex::offset`]).
    pub fn offset(&self, position: LineCol, encoding: Encoding) -> usize {
        self.line_index.offset(&self.text, position, encoding)
    }

    /// The checks' findings for this version, made on first use (which may take a few
    /// milliseconds on a large document: callers that must not wait ask
    /// [`Document::checked`] first). `None` when the checks panicked, a bug.
    pub fn analysis(&self) -> Option<&Analysis> {
        self.analysis
            .get_or_init(|| {
                let mut findings = self.findings.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let findings = &mut *findings;
                let analysis = panic::catch_unwind(AssertUnwindSafe(|| self.check(Some(&mut *findings)))).ok();
                if analysis.is_none() {
                    *findings = Findings::default(); // it may be half updated
                }
                analysis
            })
            .as_ref()
    }

    /// Whether the checks have run (so [`Document::analysis`] returns at once).
    pub fn checked(&self) -> bool {
        self.analysis.get().is_some()
    }

    /// The checks' findings, computed without catching a panic (the CLI and tests, where
    /// a panic is a bug to see), for a document used once.
    pub fn into_analysis(mut self) -> Analysis {
        match self.analysis.take() {
            Some(Some(analysis)) => analysis,
            _ => self.check(None),
        }
    }

    fn check(&self, findings: Option<&mut Findings>) -> Analysis {
        if let Some(host) = self.host() {
            let mut diagnostics = self.tree.diagnostics(&self.text);
            diagnostics.extend(host.diagnostics(&self.text, &self.options));
            let ignores_used = self.suppress(&mut diagnostics, host);
            return Analysis { is_policy: true, kind: None, diagnostics, ignores_used };
        }
        let Some(policy) = self.outline() else {
            return Analysis { is_policy: false, kind: None, diagnostics: Vec::new(), ignores_used: Vec::new() };
        };
        let options = &self.options;
        let mut diagnostics = self.tree.diagnostics(&self.text);
        let mut findings = findings;
        if let Some(findings) = findings.as_deref_mut() {
            findings.begin();
        }
        let kind = checks::run(&self.text, &policy, Catalog::get(), options.kind.clone(), &mut diagnostics, findings);
        diagnostics.retain(|d| !options.disabled.contains(&d.code));
        for d in &mut diagnostics {
            if let Some((_, severity)) = options.severity.iter().find(|(code, _)| *code == d.code) {
                d.severity = *severity;
            }
        }
        // Read only by ignores that name a `Sid`.
        let statements: Vec<(TextRange, &str)> = match options.ignores.iter().any(|i| i.sid.is_some()) {
            true => policy.statements.iter().filter_map(|s| Some((s.object.range, s.sid()?.value.as_str()))).collect(),
            false => Vec::new(),
        };
        let ignores_used = suppress::apply(&mut diagnostics, &[], &options.ignores, &statements, |_| None, &[]);
        Analysis { is_policy: true, kind: Some(kind), diagnostics, ignores_used }
    }

    /// Applies the host's suppressions (its comments, its `Metadata`, the options' ignores)
    /// to its findings; which of the ignores were used.
    fn suppress(&self, diagnostics: &mut Vec<crate::Diagnostic>, host: &Host) -> Vec<bool> {
        let mut written = match self.language {
            Language::Yaml => suppress::comments(&self.text, false),
            Language::Terraform => suppress::comments(&self.text, true),
            Language::Json | Language::TerraformJson => Vec::new(),
        };
        written.extend(host.suppressions.iter().cloned());
        // The statements' `Sid`s are read only by ignores that name one: each version of a
        // large template would otherwise model every policy again.
        let by_sid = self.options.ignores.iter().any(|i| i.sid.is_some());
        let policies: Vec<_> = match by_sid {
            true => host.policies.iter().filter_map(|p| Some((p, p.document.policy()?))).collect(),
            false => Vec::new(),
        };
        let statements: Vec<(TextRange, &str)> = policies
            .iter()
            .flat_map(|(p, policy)| {
                policy.statements.iter().filter_map(|s| {
                    let host = p.policy.json.to_host(s.object.range.start..s.object.range.end);
                    Some((TextRange::new(host.start, host.end.max(host.start)), s.sid?.value.as_str()))
                })
            })
            .collect();
        let writer = host.format.writer();
        let remove = |removal: &suppress::Removal| match removal {
            suppress::Removal::Text(r) => {
                Some(crate::Edit { range: TextRange::new(r.start, r.end), new_text: String::new() })
            }
            suppress::Removal::Item { list, items, index } => {
                writer.remove_item(&self.text, list.clone(), items, *index)
            }
        };
        let used =
            suppress::apply(diagnostics, &written, &self.options.ignores, &statements, remove, &self.options.disabled);
        for d in diagnostics.iter_mut().filter(|d| matches!(d.code, Code::UnusedSuppression | Code::SuppressionInvalid))
        {
            if let Some((_, severity)) = self.options.severity.iter().find(|(code, _)| *code == d.code) {
                d.severity = *severity;
            }
        }
        used
    }
}
