//! A host file's policies as documents: each embedded policy's virtual JSON is a
//! [`Document`] of its own, analysed once per version (reused across versions while its JSON
//! is unchanged), and every feature's answer is mapped back to the host text.

use std::ops::Range;
use std::sync::Arc;

use super::cloudformation::incremental::{shift_written, Replaced};
use super::cloudformation::Skeleton;
use super::{EmbeddedPolicy, Extraction, HostError, HostFormat, HostWriter};
use crate::completion::CompletionItem;
use crate::diagnostics::{Code, Diagnostic, Edit, Fix};
use crate::hover::Hover;
use crate::inlay_hints::InlayHint;
use crate::semantic_tokens::Token;
use crate::symbols::{Symbol, SymbolKind};
use crate::syntax::Value;
use crate::text::TextRange;
use crate::{Document, KindChoice, Options};

/// One policy of a host file and the document of its JSON.
#[derive(Clone)]
pub struct HostPolicy {
    pub policy: EmbeddedPolicy,
    pub document: Arc<Document>,
}

/// The policies of one version of a host file.
#[derive(Clone)]
pub struct Host {
    pub format: HostFormat,
    pub errors: Vec<HostError>,
    pub generated: Vec<Range<usize>>,
    /// Suppressions in the host's structure (`Metadata`); comments are read from the text.
    pub suppressions: Vec<crate::suppress::Written>,
    pub policies: Vec<HostPolicy>,
    /// What lets the next version re-extract only the resource an edit falls in.
    skeleton: Option<Box<Skeleton>>,
}

/// Whether the policy is one whose `"Resource": "*"` means the resource it is attached to
/// (a KMS key policy, a secret's or a backup vault's resource policy): there it is the norm.
/// A Terraform policy document is read by the resource named after its `, read by `.
fn star_is_the_resource(origin: &str) -> bool {
    const OWN: [&str; 8] = [
        "AWS::KMS::Key ",
        "AWS::KMS::ReplicaKey ",
        "AWS::SecretsManager::ResourcePolicy ",
        "AWS::Backup::BackupVault ",
        "aws_kms_key.",
        "aws_kms_key_policy.",
        "aws_secretsmanager_secret_policy.",
        "aws_backup_vault_policy.",
    ];
    let reader = origin.split_once(", read by ").map_or(origin, |(_, by)| by);
    OWN.iter().any(|t| reader.starts_with(t))
}

/// The documents of `policies`: one whose JSON and options are those of one of `previous`
/// keeps its document (the same place first: an edit changes one policy, the others keep
/// their index); one at the same place is edited from the one there.
fn documents(policies: Vec<EmbeddedPolicy>, options: &Options, previous: &[HostPolicy]) -> Vec<HostPolicy> {
    let mut out = Vec::with_capacity(policies.len());
    for (i, policy) in policies.into_iter().enumerate() {
        let mut options = Options {
            kind: Some(KindChoice { kind: policy.kind, reason: policy.origin.clone() }),
            // applied to the host's findings, where `Sid`s and use are counted once
            ignores: Vec::new(),
            ..options.clone()
        };
        if star_is_the_resource(&policy.origin) {
            options.disabled.push(Code::ResourceStar);
        }
        let is_same = |h: &&HostPolicy| h.document.text() == policy.json.text() && *h.document.options() == options;
        let same = previous.get(i).filter(is_same).or_else(|| previous.iter().find(is_same));
        let document = match (same, previous.get(i)) {
            (Some(same), _) => same.document.clone(),
            (None, Some(near)) if *near.document.options() == options => {
                Arc::new(near.document.edited(policy.json.text().to_string()))
            }
            _ => Arc::new(Document::new(policy.json.text().to_string(), options)),
        };
        out.push(HostPolicy { policy, document });
    }
    out
}

fn range(r: Range<usize>) -> TextRange {
    TextRange::new(r.start, r.end.max(r.start))
}

impl Host {
    /// The documents of an extraction's policies; a policy whose JSON is the same as one of
    /// `previous`'s keeps that document (and its checks), one at the same place is edited
    /// from the one there (re-parsed by parts, its statements' findings reused).
    pub fn new(format: HostFormat, extraction: Extraction, options: &Options, previous: Option<&Host>) -> Host {
        let previous = previous.map_or(&[][..], |p| &p.policies[..]);
        let policies = documents(extraction.policies, options, previous);
        Host {
            format,
            errors: extraction.errors,
            generated: extraction.generated,
            suppressions: extraction.suppressions,
            policies,
            skeleton: extraction.skeleton,
        }
    }

    /// The next version of a YAML template's host, whose text is `text` (this version's is
    /// `old`), when the edit falls inside one resource and re-extracting that resource alone
    /// gives what a full extraction would ([`Skeleton`]): the other resources' policies keep
    /// their documents, moved by the change in length. `Err` with the host otherwise, whose
    /// policies' documents are still fit for [`Host::new`]'s reuse (their ranges may be
    /// half moved).
    pub(crate) fn edited(host: Arc<Host>, old: &str, text: &str, options: &Options) -> Result<Arc<Host>, Arc<Host>> {
        if old == text {
            return Ok(host);
        }
        let Some(plan) = host.skeleton.as_deref().and_then(|s| s.plan(old, text)) else { return Err(host) };
        if !super::cloudformation::may_be_template(text) {
            return Err(host);
        }
        let change = plan.change;
        let mut host = Arc::unwrap_or_clone(host);
        let Some(mut skeleton) = host.skeleton.take() else { return Err(Arc::new(host)) };
        let Some(replaced) = skeleton.apply(plan, text) else { return Err(Arc::new(host)) };
        let Replaced { policies, generated, suppressions, top_suppressions, extraction } = replaced;
        // The edited resource's parts go first: they may hold the change, which no shift moves.
        let previous: Vec<HostPolicy> = host.policies.drain(policies.clone()).collect();
        host.generated.drain(generated.clone());
        host.suppressions.drain(suppressions.clone());
        let whole = |i: usize| (i < top_suppressions).then_some(text.len());
        let moved = host
            .policies
            .iter_mut()
            .all(|p| change.shift(&mut p.policy.host) && p.policy.json.shift_host(|r| change.shift(r)))
            && host.generated.iter_mut().all(|r| change.shift(r))
            && host.suppressions.iter_mut().enumerate().all(|(i, w)| shift_written(&change, w, whole(i)));
        if !moved {
            host.policies.splice(policies.start..policies.start, previous);
            return Err(Arc::new(host));
        }
        let new = documents(extraction.policies, options, &previous);
        host.policies.splice(policies.start..policies.start, new);
        host.generated.splice(generated.start..generated.start, extraction.generated);
        host.suppressions.splice(suppressions.start..suppressions.start, extraction.suppressions);
        host.skeleton = Some(skeleton);
        Ok(Arc::new(host))
    }

    fn writer(&self) -> &'static dyn HostWriter {
        self.format.writer()
    }

    /// The first policy (variant) whose document node holds `offset`.
    fn at(&self, offset: usize) -> Option<(&HostPolicy, usize)> {
        self.policies.iter().find_map(|p| {
            if p.policy.host.start > offset || offset > p.policy.host.end {
                return None;
            }
            Some((p, p.policy.json.to_json(offset)?))
        })
    }

    /// Every policy's findings mapped to the host text (those that touch an unresolved part,
    /// or only AWS's own text of a SAM template, dropped), and the host's syntax errors.
    pub fn diagnostics(&self, text: &str, options: &Options) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = Vec::new();
        if matches!(self.format, HostFormat::Terraform | HostFormat::TerraformJson) {
            out.extend(
                self.errors.iter().map(|e| Diagnostic::new(Code::HclSyntax, range(e.range.clone()), &e.message)),
            );
        } else if self.format != HostFormat::CloudFormationJson {
            out.extend(self.errors.iter().map(|e| {
                Diagnostic::new(Code::YamlSyntax, range(e.range.clone()), format!("YAML syntax error: {}", e.message))
            }));
        }
        for p in &self.policies {
            let Some(analysis) = p.document.analysis() else { continue };
            for d in &analysis.diagnostics {
                let json = &p.policy.json;
                if json.touches_unknown(d.range.start..d.range.end) {
                    continue;
                }
                let host = json.to_host(d.range.start..d.range.end);
                if self.generated.iter().any(|g| g.start <= host.start && host.end <= g.end) {
                    continue;
                }
                let fixes = d.fixes.iter().filter_map(|f| self.fix(text, p, f)).collect();
                let mapped = Diagnostic { range: range(host), fixes, ..d.clone() };
                if !out.iter().any(|o| o.code == mapped.code && o.range == mapped.range && o.message == mapped.message)
                {
                    out.push(mapped);
                }
            }
        }
        out.retain(|d| !options.disabled.contains(&d.code));
        out.sort_by_key(|d| (d.range.start, d.range.end, d.code));
        out
    }

    /// The refactors of the policy at `range`'s start, written in the host's syntax; those
    /// the host cannot take (a list with a resolved `!Ref` rewritten) are left out.
    pub fn refactors(&self, text: &str, range: TextRange) -> Vec<Fix> {
        let Some((p, at)) = self.at(range.start) else { return Vec::new() };
        crate::refactors::refactors(&p.document, TextRange::empty(at))
            .iter()
            .filter_map(|f| self.fix(text, p, f))
            .collect()
    }

    fn fix(&self, text: &str, p: &HostPolicy, fix: &Fix) -> Option<Fix> {
        let mut edits = Vec::with_capacity(fix.edits.len());
        for e in &fix.edits {
            edits.extend(self.edit(text, p, e)?);
        }
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        if edits.windows(2).any(|w| w[0].range.end > w[1].range.start) {
            return None;
        }
        Some(Fix { title: fix.title.clone(), edits, preferred: fix.preferred })
    }

    /// A JSON edit as a host edit: 1:1 inside one exact piece where the host reads the new
    /// text the same; otherwise through the host's writer, by what the edit does to the
    /// smallest JSON value around it (a string replaced, a list item removed or appended, a
    /// list of strings rewritten, an entry removed). `None` when the host cannot take it.
    fn edit(&self, text: &str, p: &HostPolicy, e: &Edit) -> Option<Vec<Edit>> {
        self.edit_one(text, p, e)
            .map(|e| vec![e])
            .or_else(|| self.list_rewrite(text, p, e))
            .or_else(|| self.copy_item(text, p, e))
    }

    /// A list item (a statement) replaced by copies of itself whose values differ in some
    /// members (a statement split by access level): each copy is the item's host text with
    /// those members' values rewritten in the host syntax, the copies joined by the list's
    /// separator and indentation.
    fn copy_item(&self, text: &str, p: &HostPolicy, e: &Edit) -> Option<Vec<Edit>> {
        let json = &p.policy.json;
        let jtext = p.document.text();
        let (list, index) = item_at(p.document.root()?, e.range)?;
        let Value::Object(object) = &list.items[index] else { return None };
        let copies: Vec<serde_json::Value> = serde_json::from_str(&format!("[{}]", e.new_text)).ok()?;
        if copies.len() < 2 {
            return None;
        }
        let to_host = |r: TextRange| json.to_host(r.start..r.end);
        let items: Vec<Range<usize>> = list.items.iter().map(|i| to_host(i.range())).collect();
        let separator = self.writer().copy_separator(text, to_host(list.range), &items, index)?;
        // The item's host text, without blanks after it (a YAML mapping may end at the next line).
        let whole = items[index].clone();
        let item = whole.start..whole.start + text.get(whole.clone())?.trim_end().len();
        let mut written = Vec::with_capacity(copies.len());
        for copy in &copies {
            let copy = copy.as_object().filter(|c| c.len() == object.members.len())?;
            let mut edits = Vec::new();
            for member in &object.members {
                let (value, new) = (member.value.as_ref()?, copy.get(&member.key.value)?);
                let old: serde_json::Value = serde_json::from_str(jtext.get(r_of(value.range()))?).ok()?;
                if old != *new {
                    let changed = Edit { range: value.range(), new_text: serde_json::to_string(new).ok()? };
                    edits.extend(self.edit(text, p, &changed)?);
                }
            }
            // The edits are the item's own; one may take the line break after it (a YAML
            // block list's last item removed with its line).
            let end = edits.iter().map(|e| e.range.end).max().unwrap_or(item.end).max(item.end);
            if edits.iter().any(|e| e.range.start < item.start) || !text.get(item.end..end)?.trim().is_empty() {
                return None;
            }
            let local: Vec<Edit> = edits
                .iter()
                .map(|e| Edit {
                    range: TextRange::new(e.range.start - item.start, e.range.end - item.start),
                    new_text: e.new_text.clone(),
                })
                .collect();
            written.push(crate::apply_edits(text.get(item.start..end)?, &local).trim_end().to_string());
        }
        Some(vec![Edit { range: range(item), new_text: written.join(&separator) }])
    }

    fn edit_one(&self, text: &str, p: &HostPolicy, e: &Edit) -> Option<Edit> {
        let json = &p.policy.json;
        let r = e.range.start..e.range.end;
        let root = p.document.root()?;
        let node = smallest(root, e.range)?;
        if json.is_exact(r.clone()) && self.safe_inside(text, json, &r, &e.new_text) {
            let host = json.to_host(r);
            return Some(Edit { range: range(host), new_text: e.new_text.clone() });
        }
        let jtext = p.document.text();
        let old_range = node.range();
        let mut new_text = String::with_capacity(old_range.len() + e.new_text.len());
        new_text.push_str(jtext.get(old_range.start..e.range.start)?);
        new_text.push_str(&e.new_text);
        new_text.push_str(jtext.get(e.range.end..old_range.end)?);
        let new: serde_json::Value = serde_json::from_str(&new_text).ok()?;
        let old: serde_json::Value = serde_json::from_str(jtext.get(old_range.start..old_range.end)?).ok()?;
        let to_host = |r: TextRange| json.to_host(r.start..r.end);
        let literal = |r: TextRange| json.is_literal(r.start..r.end);
        let writer = self.writer();
        match (node, &old, &new) {
            (Value::String(s), _, serde_json::Value::String(value)) if literal(s.range) => {
                writer.replace_scalar(text, to_host(s.range), value)
            }
            (Value::Array(a), serde_json::Value::Array(old), serde_json::Value::Array(new)) => {
                let items: Vec<Range<usize>> = a.items.iter().map(|i| to_host(i.range())).collect();
                let list = to_host(a.range);
                if new.len() + 1 == old.len() {
                    let i = (0..old.len()).find(|&i| old[..i] == new[..i] && old[i + 1..] == new[i..])?;
                    return writer.remove_item(text, list, &items, i);
                }
                if new.len() == old.len() + 1 && new[..old.len()] == old[..] {
                    let value = new.last()?.as_str()?;
                    return writer.append_item(text, list, &items, value);
                }
                if new.len() == old.len() {
                    let changed: Vec<usize> = (0..old.len()).filter(|&i| old[i] != new[i]).collect();
                    if let ([i], Some(value)) = (changed.as_slice(), changed.first().and_then(|&i| new[i].as_str())) {
                        if let Value::String(s) = &a.items[*i] {
                            if literal(s.range) {
                                return writer.replace_scalar(text, to_host(s.range), value);
                            }
                        }
                    }
                }
                None
            }
            (Value::Object(o), serde_json::Value::Object(old), serde_json::Value::Object(new)) => {
                if new.len() + 1 != old.len() {
                    return None;
                }
                let gone = old.keys().find(|k| !new.contains_key(*k))?;
                if old.iter().any(|(k, v)| k != gone && new.get(k) != Some(v)) {
                    return None;
                }
                let member = o.members.iter().find(|m| &m.key.value == gone)?;
                let value = member.value.as_ref()?;
                writer.remove_entry(text, to_host(o.range), to_host(member.key.range), to_host(value.range()))
            }
            _ => None,
        }
    }

    /// A list of literal strings made another list of strings (a wildcard expanded, the
    /// list sorted): each item whose value changes is replaced where it is, the extra ones
    /// appended at the end (in the JSON's order), the ones past the new length removed. A
    /// literal string made a list is written as a list in its place.
    fn list_rewrite(&self, text: &str, p: &HostPolicy, e: &Edit) -> Option<Vec<Edit>> {
        let json = &p.policy.json;
        let root = p.document.root()?;
        let node = smallest(root, e.range)?;
        let jtext = p.document.text();
        if let Value::String(s) = node {
            // one string made a list (`Action: kms:Re*` expanded)
            if e.range != s.range || !json.is_literal(s.range.start..s.range.end) {
                return None;
            }
            let values: Vec<String> = serde_json::from_str(&e.new_text).ok()?;
            let to_host = json.to_host(s.range.start..s.range.end);
            return Some(vec![self.writer().replace_scalar_with_list(text, to_host, &values)?]);
        }
        let Value::Array(a) = node else { return None };
        let mut new_text = String::new();
        new_text.push_str(jtext.get(a.range.start..e.range.start)?);
        new_text.push_str(&e.new_text);
        new_text.push_str(jtext.get(e.range.end..a.range.end)?);
        let new: Vec<String> = serde_json::from_str(&new_text).ok()?;
        let old: Vec<&crate::syntax::StringLit> = a.items.iter().map(Value::as_str).collect::<Option<_>>()?;
        if old.is_empty() || old.iter().any(|s| !json.is_literal(s.range.start..s.range.end)) {
            return None;
        }
        let to_host = |r: TextRange| json.to_host(r.start..r.end);
        let items: Vec<Range<usize>> = old.iter().map(|s| to_host(s.range)).collect();
        let list = to_host(a.range);
        let writer = self.writer();
        let mut edits = Vec::new();
        for (s, value) in old.iter().zip(&new) {
            if s.value != *value {
                edits.push(writer.replace_scalar(text, to_host(s.range), value)?);
            }
        }
        // Appended items all go in at the list's end: one edit, in order.
        let mut appended: Option<Edit> = None;
        for value in new.iter().skip(old.len()) {
            let next = writer.append_item(text, list.clone(), &items, value)?;
            match &mut appended {
                Some(edit) if edit.range == next.range => edit.new_text.push_str(&next.new_text),
                Some(_) => return None,
                None => appended = Some(next),
            }
        }
        edits.extend(appended);
        match old.len().saturating_sub(new.len()) {
            0 => {}
            1 => edits.push(writer.remove_item(text, list.clone(), &items, new.len())?),
            // Several off the end: one edit from the last kept item's end (the removals of
            // each, with their separators, would overlap).
            _ => {
                let (kept, last) = (items.get(new.len().checked_sub(1)?)?, items.last()?);
                edits.push(Edit { range: range(kept.end..last.end), new_text: String::new() });
            }
        }
        Some(edits)
    }

    /// Whether `new_text` written into the host bytes of an exact piece reads back as the
    /// same characters: any JSON text in a JSON host; in YAML, text that needs no quoting
    /// and changes no plain scalar's first character.
    fn safe_inside(&self, text: &str, json: &super::VirtualJson, r: &Range<usize>, new_text: &str) -> bool {
        if self.format == HostFormat::CloudFormationJson {
            return true;
        }
        let host = json.to_host(r.clone());
        let simple = new_text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:/*?$@+=".contains(&b));
        // at the start of a plain scalar, `*`, `-`, `?`, `:` and `@` would change how YAML reads it
        let before = host.start.checked_sub(1).and_then(|i| text.as_bytes().get(i)).copied();
        let starts_scalar = matches!(before, None | Some(b' ' | b'\t' | b'\n' | b'\r' | b'[' | b',' | b'{'));
        simple && !(starts_scalar && new_text.starts_with(['*', '-', '?', ':', '@']))
    }

    pub fn hover(&self, offset: usize) -> Option<Hover> {
        let (p, at) = self.at(offset)?;
        let h = crate::hover::hover(&p.document, at)?;
        let r = p.policy.json.to_host(h.range.start..h.range.end);
        Some(Hover { range: range(r), markdown: format!("*{}*\n\n{}", p.policy.origin, h.markdown) })
    }

    pub fn complete(&self, text: &str, offset: usize) -> Vec<CompletionItem> {
        let Some((p, at)) = self.at(offset) else { return Vec::new() };
        let json = &p.policy.json;
        crate::completion::complete(&p.document, at)
            .into_iter()
            .filter_map(|mut item| {
                let r = item.edit.range.start..item.edit.range.end;
                // A snippet (an ARN template) goes in as written where the text it expands to
                // needs no quoting there: its tab stops are the client's, not the host's.
                let inserted = item.plain_text();
                if json.is_exact(r.clone()) && self.safe_inside(text, json, &r, &inserted)
                    || (self.format == HostFormat::CloudFormationJson && json.is_exact(r.clone()))
                {
                    item.edit.range = range(json.to_host(r));
                    return Some(item);
                }
                if let Some(inside) = self.in_quotes(text, p, &item) {
                    return Some(inside);
                }
                if item.snippet {
                    return None;
                }
                // a whole string replaced (or its whole value, `*` where a plain YAML scalar
                // cannot start with it): the host scalar, quoted as the host needs
                let lit = smallest(p.document.root()?, item.edit.range)?.as_str()?;
                let value: String = if lit.range == item.edit.range {
                    serde_json::from_str(&item.edit.new_text).ok()?
                } else if lit.content_range() == item.edit.range {
                    item.edit.new_text.clone()
                } else {
                    return None;
                };
                if !json.is_literal(r_of(lit.range)) {
                    return None;
                }
                item.edit = self.writer().replace_scalar(text, json.to_host(r_of(lit.range)), &value)?;
                Some(item)
            })
            .collect()
    }

    /// An item replacing the whole of a string's value (in an empty `Resource: ''`) written
    /// inside the host scalar's quotes, where what it inserts needs no escape there.
    fn in_quotes(&self, text: &str, p: &HostPolicy, item: &CompletionItem) -> Option<CompletionItem> {
        let mut item = item.clone();
        let json = &p.policy.json;
        let lit = smallest(p.document.root()?, item.edit.range)?.as_str()?;
        if lit.content_range() != item.edit.range || !json.is_literal(r_of(lit.range)) {
            return None;
        }
        let host = json.to_host(r_of(lit.range));
        let scalar = text.get(host.clone())?;
        let quote =
            scalar.chars().next().filter(|&q| (q == '\'' || q == '"') && scalar.len() >= 2 && scalar.ends_with(q))?;
        let inserted = item.plain_text();
        let escapes: &[char] = if quote == '\'' { &['\''] } else { &['"', '\\', '$', '%'] };
        if inserted.contains(escapes) || inserted.contains(['\n', '\r']) {
            return None;
        }
        item.edit.range = TextRange::new(host.start + 1, host.end - 1);
        Some(item)
    }

    pub fn semantic_tokens(&self) -> Vec<Token> {
        let mut out: Vec<Token> = Vec::new();
        for p in self.policies.iter().filter(|p| self.first_of(p)) {
            for t in crate::semantic_tokens::semantic_tokens(&p.document) {
                let r = t.range.start..t.range.end;
                if p.policy.json.is_exact(r.clone()) {
                    out.push(Token { range: range(p.policy.json.to_host(r)), token_type: t.token_type });
                }
            }
        }
        out.sort_by_key(|t| (t.range.start, t.range.end));
        out.dedup_by(|b, a| b.range.start < a.range.end);
        out
    }

    /// Whether this is the first variant of its policy (the others share its host text).
    fn first_of(&self, p: &HostPolicy) -> bool {
        self.policies
            .iter()
            .find(|q| q.policy.host == p.policy.host && q.policy.origin == p.policy.origin)
            .is_some_and(|q| std::ptr::eq(q, p))
    }

    pub fn inlay_hints(&self, wanted: TextRange, access_levels: bool) -> Vec<InlayHint> {
        let mut out = Vec::new();
        for p in self.policies.iter().filter(|p| self.first_of(p)) {
            let json = &p.policy.json;
            if p.policy.host.end < wanted.start || wanted.end < p.policy.host.start {
                continue;
            }
            let whole = TextRange::new(0, p.document.text().len());
            for h in crate::inlay_hints::inlay_hints(&p.document, whole, access_levels) {
                // after the string: after its host scalar
                let at = json.to_host(h.offset.saturating_sub(1)..h.offset).end;
                if wanted.touches(at) {
                    out.push(InlayHint { offset: at, label: h.label });
                }
            }
        }
        out.sort_by_key(|h| h.offset);
        out
    }

    pub fn symbols(&self) -> Vec<Symbol> {
        self.policies
            .iter()
            .filter(|p| self.first_of(p))
            .map(|p| {
                let json = &p.policy.json;
                let children =
                    crate::symbols::document_symbols(&p.document).into_iter().map(|s| map_symbol(json, s)).collect();
                let host = range(p.policy.host.clone());
                Symbol {
                    name: p.policy.name.clone(),
                    detail: Some(p.policy.origin.clone()),
                    kind: SymbolKind::Object,
                    range: host,
                    selection: TextRange::new(host.start, host.start),
                    children,
                }
            })
            .collect()
    }
}

/// Completion at the end of a plain YAML scalar being typed where YAML does not read the
/// string the policy needs, so that the policy holds none to complete: one that ends in `:` in
/// a value's place (`- s3:`, `Action: s3:`, `[s3:]`: a mapping key, or an error), or a key
/// being typed before its `:` (`StringEq` alone on its line: a scalar). The items are those of
/// the text read again with the scalar quoted (`'s3:'`) or made a key (`'StringEq':`), their
/// edits mapped back onto the scalar as written. `None` anywhere else.
pub(crate) fn complete_typed_scalar(doc: &Document, offset: usize) -> Option<Vec<CompletionItem>> {
    const BLANK: &[u8] = b" \t";
    if doc.language() != crate::Language::Yaml || offset == 0 {
        return None;
    }
    let text = doc.text();
    let bytes = text.as_bytes();
    // After it on its line: nothing, a comment, or the end of a flow item.
    let after = bytes[offset..].iter().position(|b| !BLANK.contains(b)).map(|i| bytes[offset + i]);
    if !matches!(after, None | Some(b'\n' | b'\r' | b'#' | b',' | b']' | b'}')) {
        return None;
    }
    // The scalar: back to a blank or a flow indicator (a long run is no name being typed).
    let start = (offset.saturating_sub(256)..offset)
        .rev()
        .find(|&i| b" \t\r\n[{,".contains(&bytes[i]))
        .map(|i| i + 1)
        .filter(|&start| start < offset && bytes[start].is_ascii_alphanumeric())?;
    // Only in a policy (a YAML mapping ends where its last key does), or in a template YAML
    // cannot read (`Action: s3:` is an error).
    let host = doc.host()?;
    if host.errors.is_empty()
        && !host.policies.iter().any(|p| p.policy.host.start <= start && start <= p.policy.host.end)
    {
        return None;
    }
    // A value's place: after `- `, `key: `, `[` or `,`; a key's: alone on its line, or the
    // first of a list item's mapping (`- Eff`).
    let before = text[..start].trim_end_matches([' ', '\t']);
    let dash = before.strip_suffix('-').is_some_and(|b| b.is_empty() || b.ends_with([' ', '\t', '\n', '\r']));
    let alone = before.is_empty() || before.ends_with(['\n', '\r']);
    let token = &text[start..offset];
    let colon = token.len() > 1 && token.ends_with(':');
    let written = if colon && (dash || before.ends_with([':', '[', ','])) {
        format!("'{token}'")
    } else if (alone || dash) && matches!(after, None | Some(b'\n' | b'\r' | b'#')) {
        format!("'{token}':")
    } else {
        return None;
    };
    // (as a next version: only the resource around it is extracted again)
    let reread = doc.edited(format!("{}{written}{}", &text[..start], &text[offset..]));
    // Offsets of the text read again in the text as written: what was added collapses onto
    // the scalar's ends.
    let added = written.len() - token.len();
    let back = |at: usize| match at {
        at if at <= start => at,
        at if at <= offset + 1 => at - 1,
        at if at <= offset + added => offset,
        at => at - added,
    };
    let items = reread.host()?.complete(reread.text(), offset + 1);
    let items = items
        .into_iter()
        .filter_map(|mut item| {
            let range = TextRange::new(back(item.edit.range.start), back(item.edit.range.end));
            if range != TextRange::new(start, offset) {
                return None;
            }
            // The quotes the scalar got for reading are not the user's: plain where YAML allows.
            if let Some(inner) = item.edit.new_text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
                item.edit.new_text = super::writer::yaml_scalar(&inner.replace("''", "'"), None);
            }
            item.edit.range = range;
            Some(item)
        })
        .collect();
    Some(items)
}

fn r_of(r: TextRange) -> Range<usize> {
    r.start..r.end
}

fn map_symbol(json: &super::VirtualJson, s: Symbol) -> Symbol {
    Symbol {
        range: range(json.to_host(r_of(s.range))),
        selection: range(json.to_host(r_of(s.selection))),
        children: s.children.into_iter().map(|c| map_symbol(json, c)).collect(),
        ..s
    }
}

/// The list one of whose items is at exactly `r`, and the item's index.
fn item_at(value: &Value, r: TextRange) -> Option<(&crate::syntax::Array, usize)> {
    if !value.range().contains_range(r) {
        return None;
    }
    match value {
        Value::Object(o) => o.members.iter().filter_map(|m| m.value.as_ref()).find_map(|v| item_at(v, r)),
        Value::Array(a) => match a.items.iter().position(|i| i.range() == r) {
            Some(i) => Some((a, i)),
            None => a.items.iter().find_map(|v| item_at(v, r)),
        },
        _ => None,
    }
}

/// The smallest value whose range holds `r`.
fn smallest(value: &Value, r: TextRange) -> Option<&Value> {
    if !value.range().contains_range(r) {
        return None;
    }
    let inner = match value {
        Value::Object(o) => o.members.iter().filter_map(|m| m.value.as_ref()).find_map(|v| smallest(v, r)),
        Value::Array(a) => a.items.iter().find_map(|v| smallest(v, r)),
        _ => None,
    };
    inner.or(Some(value))
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::Fix;
    use crate::{Document, Language, Options, TextRange};

    fn apply(text: &str, fix: &Fix) -> String {
        let mut out = text.to_string();
        let mut edits = fix.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
        for e in edits {
            out.replace_range(e.range.start..e.range.end, &e.new_text);
        }
        out
    }

    /// The `Action` list of the host's only policy, as JSON values.
    fn actions(doc: &Document) -> Vec<String> {
        let host = doc.host().expect("a host file");
        assert_eq!(host.policies.len(), 1, "one policy");
        let json: serde_json::Value = serde_json::from_str(host.policies[0].document.text()).expect("JSON");
        serde_json::from_value(json["Statement"][0]["Action"].clone()).expect("a list of actions")
    }

    const POLICY_HOSTS: [(&str, Language, &str); 3] = [
        (
            "YAML block list",
            Language::Yaml,
            "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action:\n              - s3:PutObject\n              - s3:GetObject\n              - s3:getobject\n              - kms:Re*\n            Resource: '*'\n",
        ),
        (
            "YAML flow list",
            Language::Yaml,
            "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: [s3:PutObject, s3:GetObject, s3:getobject, 'kms:Re*']\n            Resource: '*'\n",
        ),
        (
            "Terraform jsonencode",
            Language::Terraform,
            "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect   = \"Allow\"\n      Action   = [\"s3:PutObject\", \"s3:GetObject\", \"s3:getobject\", \"kms:Re*\"]\n      Resource = \"*\"\n    }]\n  })\n}\n",
        ),
    ];

    /// A refactor in a template changes the policy as the same refactor changes the policy's
    /// JSON: the list sorted the same, the wildcard expanded into the same actions (appended
    /// at the list's end in the host), and the host still parses.
    #[test]
    fn list_refactors_are_written_in_the_host_syntax() {
        for (name, language, text) in POLICY_HOSTS {
            let doc = Document::in_language(text.to_string(), Options::default(), language);
            let at = text.find("kms:Re*").expect("the wildcard") + 2;
            let fixes = crate::refactors::refactors(&doc, TextRange::empty(at));
            let policy = &doc.host().expect("a host").policies[0].document;
            let json_at = policy.text().find("kms:Re*").expect("in the JSON") + 2;
            let json_fixes = crate::refactors::refactors(policy, TextRange::empty(json_at));
            for title in ["Expand `kms:Re*`", "Sort and deduplicate"] {
                let fix = fixes.iter().find(|f| f.title.starts_with(title));
                let fix = fix.unwrap_or_else(|| panic!("{name}: no {title:?} among {:?}", fixes));
                let json_fix = json_fixes.iter().find(|f| f.title == fix.title).expect("the same refactor in JSON");
                let after = Document::in_language(apply(text, fix), Options::default(), language);
                let json_after = Document::from(apply(policy.text(), json_fix).as_str());
                let (mut got, mut want) = (actions(&after), {
                    let json: serde_json::Value = serde_json::from_str(json_after.text()).expect("JSON");
                    serde_json::from_value::<Vec<String>>(json["Statement"][0]["Action"].clone()).expect("actions")
                });
                if title.starts_with("Expand") {
                    got.sort();
                    want.sort();
                }
                assert_eq!(got, want, "{name}, {title}:\n{}", after.text());
                let errors = after.host().expect("still a host").errors.len();
                assert_eq!(errors, 0, "{name}, {title}: the host still parses:\n{}", after.text());
            }
        }
    }

    /// Statements of three access levels (List, Read, Write) in each host syntax, some with
    /// a `Sid`, in block and flow YAML, with the actions last in their statement or the
    /// statement last in its list.
    const SPLIT_HOSTS: [(&str, Language, &str); 12] = [
        (
            "SAM function policies",
            Language::Yaml,
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n      Handler: app.handler\n      Policies:\n        - Statement:\n            - Sid: Reports\n              Effect: Allow\n              Action: [s3:ListBucket, s3:PutObject, s3:GetObject]\n              Resource: arn:aws:s3:::reports/*\n",
        ),
        (
            "Terraform quoted JSON",
            Language::Terraform,
            "resource \"aws_iam_policy\" \"p\" {\n  policy = \"{\\\"Version\\\": \\\"2012-10-17\\\", \\\"Statement\\\": [{\\\"Sid\\\": \\\"Reports\\\", \\\"Effect\\\": \\\"Allow\\\", \\\"Action\\\": [\\\"s3:ListBucket\\\", \\\"s3:PutObject\\\", \\\"s3:GetObject\\\"], \\\"Resource\\\": \\\"arn:aws:s3:::reports/*\\\"}]}\"\n}\n",
        ),
        (
            "YAML block",
            Language::Yaml,
            "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Sid: Reports\n            Effect: Allow\n            Action:\n              - s3:ListBucket\n              - s3:PutObject\n              - s3:GetObject\n            Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*']\n          - Effect: Deny\n            Action: s3:DeleteBucket\n            Resource: 'arn:aws:s3:::reports'\n",
        ),
        (
            "YAML block, the actions last",
            Language::Yaml,
            "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n        - Effect: Allow\n          Resource: 'arn:aws:s3:::reports/*'\n          Action:\n          - s3:GetObject\n          - s3:ListBucket\n          - s3:GetObjectTagging\n          - s3:PutObject\n\nOutputs: {}\n",
        ),
        (
            "YAML flow mapping in a block list",
            Language::Yaml,
            "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - {Sid: Reports, Effect: Allow, Action: [s3:ListBucket, s3:PutObject, s3:GetObject], Resource: 'arn:aws:s3:::reports/*'}\n",
        ),
        (
            "YAML flow list",
            Language::Yaml,
            "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement: [{Effect: Allow, Action: [s3:ListBucket, 's3:PutObject', s3:GetObject], Resource: 'arn:aws:s3:::reports/*'}]\n",
        ),
        (
            "CloudFormation JSON",
            Language::Json,
            "{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"P\": {\"Type\": \"AWS::IAM::ManagedPolicy\", \"Properties\": {\"PolicyDocument\": {\"Version\": \"2012-10-17\", \"Statement\": [\n  {\"Sid\": \"Reports\", \"Effect\": \"Allow\", \"Action\": [\"s3:ListBucket\", \"s3:PutObject\", \"s3:GetObject\"], \"Resource\": \"arn:aws:s3:::reports/*\"}\n]}}}}}",
        ),
        (
            "Serverless",
            Language::Yaml,
            "service: reports\nprovider:\n  name: aws\n  iam:\n    role:\n      statements:\n        - Sid: Reports\n          Effect: Allow\n          Action:\n            - s3:ListBucket\n            - s3:PutObject\n            - s3:GetObject\n          Resource: arn:aws:s3:::reports/*\n",
        ),
        (
            "Terraform jsonencode",
            Language::Terraform,
            "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Sid      = \"Reports\"\n      Effect   = \"Allow\"\n      Action   = [\"s3:ListBucket\", \"s3:PutObject\", \"s3:GetObject\"]\n      Resource = \"arn:aws:s3:::reports/*\"\n    }]\n  })\n}\n",
        ),
        (
            "Terraform heredoc",
            Language::Terraform,
            "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOT\n{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Action\": [\"s3:ListBucket\", \"s3:PutObject\", \"s3:GetObject\"],\n      \"Resource\": \"arn:aws:s3:::reports/*\"\n    }\n  ]\n}\nEOT\n}\n",
        ),
        (
            "Terraform policy document",
            Language::Terraform,
            "data \"aws_iam_policy_document\" \"p\" {\n  statement {\n    sid       = \"Reports\"\n    actions   = [\"s3:ListBucket\", \"s3:PutObject\", \"s3:GetObject\"]\n    resources = [\"arn:aws:s3:::reports/*\"]\n  }\n}\n\nresource \"aws_iam_policy\" \"p\" {\n  policy = data.aws_iam_policy_document.p.json\n}\n",
        ),
        (
            "Terraform JSON",
            Language::TerraformJson,
            "{\"resource\": {\"aws_iam_policy\": {\"p\": {\"policy\": \"${jsonencode({Version = \\\"2012-10-17\\\", Statement = [{Sid = \\\"Reports\\\", Effect = \\\"Allow\\\", Action = [\\\"s3:ListBucket\\\", \\\"s3:PutObject\\\", \\\"s3:GetObject\\\"], Resource = \\\"arn:aws:s3:::reports/*\\\"}]})}\"}}}}\n",
        ),
    ];

    /// Splitting a statement by access level in a host file gives the policy the same split
    /// gives its JSON: each statement copied in the host's syntax and indentation, the host
    /// still parsing, and no finding that was not there before.
    #[test]
    fn split_by_access_level_is_written_in_the_host_syntax() {
        let codes = |doc: &Document| -> std::collections::BTreeSet<crate::Code> {
            doc.analysis().expect("analysed").diagnostics.iter().map(|d| d.code).collect()
        };
        for (name, language, text) in SPLIT_HOSTS {
            let doc = Document::in_language(text.to_string(), Options::default(), language);
            let at = text.find("s3:ListBucket").expect("an action") + 3;
            let fixes = crate::refactors::refactors(&doc, TextRange::empty(at));
            let split = fixes.iter().find(|f| f.title.starts_with("Split"));
            let split = split.unwrap_or_else(|| panic!("{name}: no split among {fixes:?}"));
            let policy = &doc.host().expect("a host").policies[0].document;
            let json_at = policy.text().find("s3:ListBucket").expect("in the JSON") + 3;
            let json_fixes = crate::refactors::refactors(policy, TextRange::empty(json_at));
            let json_split = json_fixes.iter().find(|f| f.title == split.title).expect("the same refactor in JSON");
            let after = Document::in_language(apply(text, split), Options::default(), language);
            let host = after.host().unwrap_or_else(|| panic!("{name}: no longer a host:\n{}", after.text()));
            assert!(host.errors.is_empty(), "{name}: the host still parses:\n{}", after.text());
            let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).expect("JSON");
            assert_eq!(
                json(host.policies[0].document.text()),
                json(&apply(policy.text(), json_split)),
                "{name}:\n{}",
                after.text()
            );
            let new: Vec<_> = codes(&after).difference(&codes(&doc)).copied().collect();
            assert!(new.is_empty(), "{name}: new findings {new:?}:\n{}", after.text());
        }
    }

    /// `s3:` typed as a block list item, as a scalar and in a flow list of a template (where
    /// YAML reads a mapping key, or an error): the service's actions are offered, each
    /// replacing `s3:` as written, and the template reads the chosen action back.
    #[test]
    fn an_action_ending_in_a_colon_is_completed_in_yaml() {
        let template = |action: &str| {
            format!("Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action:{action}\n            Resource: '*'\n")
        };
        for (name, action) in [
            ("block list item", "\n              - s3:GetObject\n              - s3:"),
            ("scalar", " s3:"),
            ("flow list", " [s3:GetObject, s3:]"),
            ("flow list, blanks", " [ s3: ]"),
            ("serverless-like item with a comment", "\n              - s3:  # typing"),
        ] {
            let text = template(action);
            let offset = text.rfind("s3:").expect("the prefix") + 3;
            let doc = Document::in_language(text.clone(), Options::default(), Language::Yaml);
            let items = crate::completion::complete(&doc, offset);
            let item = items.iter().find(|i| i.label == "s3:PutObject");
            let item = item.unwrap_or_else(|| panic!("{name}: no s3:PutObject among {} items", items.len()));
            assert_eq!(item.edit.range, TextRange::new(offset - 3, offset), "{name}");
            assert_eq!(item.edit.new_text, "s3:PutObject", "{name}");
            assert!(items.iter().all(|i| i.label.starts_with("s3:")), "{name}: {:?}", items.first());
            let after = Document::in_language(
                apply(&text, &Fix { title: String::new(), edits: vec![item.edit.clone()], preferred: false }),
                Options::default(),
                Language::Yaml,
            );
            let host = after.host().expect("a host");
            assert!(host.errors.is_empty(), "{name}:\n{}", after.text());
            assert!(host.policies[0].document.text().contains("\"s3:PutObject\""), "{name}:\n{}", after.text());
        }
        // Keys being typed before their `:` (YAML reads a scalar, or an error): a condition
        // operator, a condition key (ending in `:` or not), a statement's key.
        for (name, typed, key, want) in [
            ("operator", "\n            Condition:\n              StringEq", "StringEq", "StringEquals"),
            (
                "condition key",
                "\n            Condition:\n              StringEquals:\n                aws:Sour",
                "aws:Sour",
                "aws:SourceAccount",
            ),
            (
                "condition key, a colon",
                "\n            Condition:\n              StringEquals:\n                aws:",
                "aws:",
                "aws:SourceAccount",
            ),
            ("statement key", "\n            Condi  # typing", "Condi", "Condition"),
        ] {
            let text = template(&format!(" s3:GetObject{typed}"));
            let offset = text.rfind(key).expect("the key") + key.len();
            let doc = Document::in_language(text.clone(), Options::default(), Language::Yaml);
            let items = crate::completion::complete(&doc, offset);
            let item = items.iter().find(|i| i.label == want);
            let item = item.unwrap_or_else(|| panic!("{name}: no {want} among {} items", items.len()));
            assert_eq!(item.edit.range, TextRange::new(offset - key.len(), offset), "{name}");
            assert_eq!(item.edit.new_text, want, "{name}");
        }
        // Not in a policy: nothing read again.
        let text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketNa\n";
        let doc = Document::in_language(text.to_string(), Options::default(), Language::Yaml);
        let offset = text.find("BucketNa").expect("the key") + 8;
        assert!(super::complete_typed_scalar(&doc, offset).is_none());
    }

    /// The ARN templates of the statement's actions are offered in a host's `Resource` as
    /// snippets: over a plain YAML scalar being typed, and inside the quotes of an empty YAML
    /// or HCL string (where what they expand to needs no escape).
    #[test]
    fn arn_templates_are_offered_in_hosts() {
        let yaml = "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObject\n            Resource: arn:aws:s3\n";
        let hcl = "data \"aws_iam_policy_document\" \"p\" {\n  statement {\n    actions   = [\"s3:GetObject\"]\n    resources = [\"\"]\n  }\n}\n\nresource \"aws_iam_policy\" \"p\" {\n  policy = data.aws_iam_policy_document.p.json\n}\n";
        let empty = yaml.replace("arn:aws:s3\n", "''\n");
        let empty = empty.as_str();
        for (name, language, text, offset, replaced) in [
            ("YAML", Language::Yaml, yaml, yaml.find("arn:aws:s3\n").unwrap() + 10, "arn:aws:s3"),
            ("YAML, empty quotes", Language::Yaml, empty, empty.find("''\n").unwrap() + 1, ""),
            ("HCL", Language::Terraform, hcl, hcl.find("[\"\"]").unwrap() + 2, ""),
        ] {
            let doc = Document::in_language(text.to_string(), Options::default(), language);
            let items = crate::completion::complete(&doc, offset);
            let object = items.iter().find(|i| i.label == "s3 object");
            let object =
                object.unwrap_or_else(|| panic!("{name}: {:?}", items.iter().map(|i| &i.label).collect::<Vec<_>>()));
            assert!(object.snippet, "{name}");
            assert_eq!(object.edit.new_text, "arn:aws:s3:::${1:BucketName}/${2:ObjectName}", "{name}");
            assert_eq!(at(text, object.edit.range), replaced, "{name}");
            assert_eq!(object.edit.range.end, offset, "{name}");
            // `*` too, quoted where YAML would read an alias
            let star = items.iter().find(|i| i.label == "*").unwrap_or_else(|| panic!("{name}: no `*`"));
            let after = crate::apply_edits(text, std::slice::from_ref(&star.edit));
            let after = Document::in_language(after, Options::default(), language);
            let json: serde_json::Value =
                serde_json::from_str(after.host().expect("a host").policies[0].document.text()).expect("JSON");
            let resource = &json["Statement"][0]["Resource"];
            assert!(*resource == "*" || *resource == serde_json::json!(["*"]), "{name}: {json}");
        }
    }

    /// The host's text at `r`.
    fn at(text: &str, r: TextRange) -> &str {
        &text[r.start..r.end]
    }

    /// Completion, inlay hints and semantic tokens answer from the policy inside the host, at
    /// the host's own positions.
    #[test]
    fn completion_hints_and_tokens_are_placed_in_the_host() {
        use crate::semantic_tokens::TokenType;
        let catalog = crate::Catalog::get();
        for (name, language, text) in POLICY_HOSTS {
            let doc = Document::in_language(text.to_string(), Options::default(), language);
            // completing `s3:GetOb|ject`: the item replaces the action's text in the host
            let cursor = text.find("s3:GetObject").expect("the action") + "s3:GetOb".len();
            let items = crate::completion::complete(&doc, cursor);
            let item = items.iter().find(|i| i.label == "s3:GetObject");
            let item = item.unwrap_or_else(|| panic!("{name}: no s3:GetObject among {} items", items.len()));
            assert!(at(text, item.edit.range).contains("s3:GetOb"), "{name}: {:?}", at(text, item.edit.range));
            // the wildcard's count, right after it in the host (after a closing quote if any)
            let whole = TextRange::new(0, text.len());
            let hints = crate::inlay_hints::inlay_hints(&doc, whole, false);
            let n = catalog.matching_actions("kms:Re*").len();
            assert_eq!(hints.len(), 1, "{name}: {hints:?}");
            assert_eq!(hints[0].label, format!("{n} actions"), "{name}");
            let end = text.find("kms:Re*").expect("the wildcard") + "kms:Re*".len();
            assert!(hints[0].offset == end || hints[0].offset == end + 1, "{name}: hint at {}", hints[0].offset);
            // the action names and prefixes, as the host spells them
            let tokens = crate::semantic_tokens::semantic_tokens(&doc);
            let named =
                |kind: TokenType, word: &str| tokens.iter().any(|t| t.token_type == kind && at(text, t.range) == word);
            assert!(named(TokenType::Function, "PutObject"), "{name}: {tokens:?}");
            assert!(named(TokenType::Namespace, "kms"), "{name}: {tokens:?}");
        }
    }

    /// A SAM template is one by its `Transform` alone; a syntax error further on leaves the
    /// policies before it checked.
    #[test]
    fn a_sam_transform_makes_a_template_and_a_later_syntax_error_keeps_earlier_policies() {
        let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: s3:GetObjekt\n            Resource: '*'\n  Q: [unclosed\n";
        let doc = Document::in_language(text.to_string(), Options::default(), Language::Yaml);
        assert!(doc.host().is_some(), "read as a template");
        let diagnostics = doc.analysis().map(|a| a.diagnostics.clone()).unwrap_or_default();
        let codes: Vec<(&str, &str)> = diagnostics.iter().map(|d| (d.code.as_str(), at(text, d.range))).collect();
        assert!(codes.contains(&("unknown-action", "GetObjekt")), "{codes:?}");
        assert_eq!(codes.iter().filter(|(c, _)| *c == "yaml-syntax").count(), 1, "{codes:?}");
    }

    /// A configured suppression by `Sid` takes the findings of that statement of a template
    /// alone, and counts as used.
    #[test]
    fn a_suppression_by_sid_reaches_into_a_template() {
        let text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Sid: Logs\n            Effect: Allow\n            Action: logs:PutLogEvents\n            Resource: '*'\n          - Sid: Objects\n            Effect: Allow\n            Action: s3:GetObject\n            Resource: '*'\n";
        let ignore = crate::suppress::Ignore {
            code: crate::Code::ResourceStar,
            sid: Some("Logs".to_string()),
            reason: "the log group is made by the stack".to_string(),
        };
        let options = Options { ignores: vec![ignore], ..Options::default() };
        let doc = Document::in_language(text.to_string(), options, Language::Yaml);
        let analysis = doc.analysis().expect("analysed");
        let stars: Vec<usize> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.code == crate::Code::ResourceStar)
            .map(|d| d.range.start)
            .collect();
        let objects = text.find("Sid: Objects").expect("the second statement");
        assert!(!stars.is_empty() && stars.iter().all(|&at| at > objects), "{stars:?}");
        assert_eq!(analysis.ignores_used, [true]);
    }

    /// A wildcard written as the only action, expanded, and `*` as the resource, scoped: the
    /// host writes the new value in its place, in its own syntax, and reads back what the
    /// JSON refactor gives.
    #[test]
    fn a_single_wildcard_and_a_star_resource_are_rewritten_in_the_host() {
        let hosts: [(&str, Language, &str); 4] = [
            (
                "YAML",
                Language::Yaml,
                "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: kms:Re*\n            Resource: '*'\n",
            ),
            (
                "CloudFormation JSON",
                Language::Json,
                r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Re*", "Resource": "*"}]}}}}}"#,
            ),
            (
                "Terraform jsonencode",
                Language::Terraform,
                "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect   = \"Allow\"\n      Action   = \"kms:Re*\"\n      Resource = \"*\"\n    }]\n  })\n}\n",
            ),
            (
                "Terraform heredoc",
                Language::Terraform,
                "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOT\n{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"kms:Re*\", \"Resource\": \"*\"}]}\nEOT\n}\n",
            ),
        ];
        let mut want = crate::Catalog::get()
            .matching_actions("kms:Re*")
            .iter()
            .map(|(s, a)| format!("{}:{}", s.prefix, a.name))
            .collect::<Vec<_>>();
        want.sort();
        assert!(want.len() > 2, "{want:?}");
        for (name, language, text) in hosts {
            let doc = Document::in_language(text.to_string(), Options::default(), language);
            let at = text.find("kms:Re*").expect("the wildcard") + 2;
            let fixes = crate::refactors::refactors(&doc, TextRange::empty(at));
            let expand = fixes.iter().find(|f| f.title.starts_with("Expand"));
            let expand = expand.unwrap_or_else(|| panic!("{name}: no expansion among {fixes:?}"));
            let after = Document::in_language(apply(text, expand), Options::default(), language);
            let mut got = actions(&after);
            got.sort();
            assert_eq!(got, want, "{name}:\n{}", after.text());
            let host = after.host().expect("still a host");
            assert!(host.errors.is_empty(), "{name}: the host still parses:\n{}", after.text());

            // `Resource: '*'` scoped to the ARN formats of the action, as in the JSON
            let star = text.rfind('*').expect("the resource");
            let fixes = crate::refactors::refactors(&doc, TextRange::empty(star));
            let scope = fixes.iter().find(|f| f.title.starts_with("Replace"));
            let scope = scope.unwrap_or_else(|| panic!("{name}: no scoping among {fixes:?}"));
            let policy = &doc.host().expect("a host").policies[0].document;
            let json_star = policy.text().rfind('*').expect("in the JSON");
            let json_fixes = crate::refactors::refactors(policy, TextRange::empty(json_star));
            let json_scope = json_fixes.iter().find(|f| f.title == scope.title).expect("the same refactor in JSON");
            let resource = |doc: &Document| -> serde_json::Value {
                let json: serde_json::Value = serde_json::from_str(doc.text()).expect("JSON");
                json["Statement"][0]["Resource"].clone()
            };
            let after = Document::in_language(apply(text, scope), Options::default(), language);
            let json_after = Document::from(apply(policy.text(), json_scope).as_str());
            let host = after.host().expect("still a host");
            assert!(host.errors.is_empty(), "{name}: the host still parses:\n{}", after.text());
            assert_eq!(resource(&host.policies[0].document), resource(&json_after), "{name}:\n{}", after.text());
        }
    }
}
