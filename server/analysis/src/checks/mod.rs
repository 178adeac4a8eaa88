//! The checks: each looks at the policy model and reports diagnostics. One file per
//! element family; each diagnostic's code is in `diagnostics::Code`.

pub(crate) mod actions;
mod bedrock;
mod condition_logic;
mod conditions;
mod dependent_actions;
mod grammar;
mod principals;
mod redundancy;
mod resources;
mod risk;
mod security;

use std::cell::RefCell;
use std::hash::BuildHasher;
use std::rc::Rc;

use crate::catalog::{Action, Catalog, Service};
use crate::diagnostics::{Diagnostic, Edit, Fix};
use crate::kind::{KindChoice, PolicyKind};
use crate::model::{Outline, Statement, Strings};
use crate::syntax::{Array, Member, Object, StringLit, Value};
use crate::text::TextRange;

/// What every check needs.
pub struct Ctx<'a> {
    pub text: &'a str,
    pub catalog: &'a Catalog,
    pub kind: PolicyKind,
    /// Whether policy variables are substituted (`Version` 2012-10-17).
    pub variables: bool,
    pub out: &'a mut Vec<Diagnostic>,
    /// The catalog actions of the statement being checked, per `Action` entry: several
    /// checks need them, and a wildcard's expansion is worth doing once.
    matched: RefCell<Option<(usize, Rc<Matched<'a>>)>>,
    /// The offset of every `\n` and `\r`, found when a fix first needs an indentation.
    breaks: std::cell::OnceCell<Vec<usize>>,
    /// The close names of each unknown action, by service prefix and lower-cased name: a
    /// typo repeated in a thousand statements is compared with the service's actions once.
    pub close_actions: CloseActions<'a>,
}

pub type CloseActions<'a> = RefCell<rustc_hash::FxHashMap<(&'a str, String), Vec<&'a str>>>;

/// What each `Action` entry of a statement matches in the catalog (nothing for an entry
/// that matches nothing).
pub struct Matched<'c> {
    /// Every entry's actions, one entry after another: one allocation for the statement.
    actions: Vec<(&'c Service, &'c Action)>,
    /// Where each entry's actions end in `actions`.
    ends: Vec<u32>,
    all: std::cell::OnceCell<Vec<(&'c Service, &'c Action)>>,
}

impl<'c> Matched<'c> {
    fn new(catalog: &'c Catalog, entries: &[&crate::syntax::StringLit]) -> Self {
        let mut actions = Vec::new();
        let mut ends = Vec::with_capacity(entries.len());
        for entry in entries {
            catalog.extend_matching_actions(&entry.value, &mut actions);
            ends.push(actions.len() as u32);
        }
        Matched { actions, ends, all: std::cell::OnceCell::new() }
    }

    /// What each entry matches, in the statement's order.
    pub fn per_entry(&self) -> impl Iterator<Item = &[(&'c Service, &'c Action)]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, &end)| &self.actions[start as usize..end as usize])
    }

    /// All the entries' actions together, each once, in no particular order.
    pub fn all(&self) -> &[(&'c Service, &'c Action)] {
        self.all.get_or_init(|| {
            let mut all = self.actions.clone();
            // By identity: comparing addresses, not names.
            all.sort_unstable_by_key(|(_, a)| std::ptr::from_ref(*a));
            all.dedup_by_key(|(_, a)| std::ptr::from_ref(*a));
            all
        })
    }
}

impl<'a> Ctx<'a> {
    pub fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }

    /// The catalog actions of a statement's `Action` entries; `None` with `NotAction` or
    /// without `Action`.
    pub fn matched(&self, statement: &Statement) -> Option<Rc<Matched<'a>>> {
        let actions = statement.action.as_ref()?;
        let mut slot = self.matched.borrow_mut();
        if let Some((index, matched)) = slot.as_ref() {
            if *index == statement.index {
                return Some(matched.clone());
            }
        }
        let matched = Rc::new(Matched::new(self.catalog, &actions.items));
        *slot = Some((statement.index, matched.clone()));
        Some(matched)
    }

    /// [`indentation_at`], without searching back for the line's start: a one-line
    /// document may need thousands of fixes' indentations.
    pub fn indentation_at(&self, offset: usize) -> &'a str {
        let text = self.text;
        let breaks = self.breaks.get_or_init(|| memchr::memchr2_iter(b'\n', b'\r', text.as_bytes()).collect());
        let line_start = breaks.partition_point(|&at| at < offset).checked_sub(1).map_or(0, |i| breaks[i] + 1);
        indentation_of(&text[line_start..])
    }
}

/// Runs every check of the policy as `kind` (inferred when `None`, from the statements'
/// `Principal`s); the kind it was checked as.
pub fn run(
    text: &str,
    policy: &Outline,
    catalog: &Catalog,
    kind: Option<KindChoice>,
    out: &mut Vec<Diagnostic>,
    mut cache: Option<&mut Findings>,
) -> KindChoice {
    // Which statements have the text and indentation of the last check's (whose findings
    // may be reused), and which have a `Principal` (the kind is inferred from those): told
    // for an unchanged statement without reading it again.
    let mut lines = LineStarts::default();
    let mut reusable = Vec::with_capacity(policy.statements.len());
    let mut principals = Vec::with_capacity(policy.statements.len());
    for at in &policy.statements {
        let span = at.object.range;
        let line_start = lines.before(text, span.start);
        let line = &text[line_start..span.start];
        let indent = line_start..line_start + (line.len() - line.trim_start_matches([' ', '\t']).len());
        let cached =
            cache.as_deref().and_then(|c| c.same_text(at.index, &text[span.start..span.end], &text[indent.clone()]));
        reusable.push((indent, cached.is_some()));
        principals.push(cached.map_or_else(|| has_principal(at), |c| c.summary.principal));
    }
    let choice = kind.unwrap_or_else(|| crate::kind::infer_with(policy, &principals));
    let kind = choice.kind;
    let variables = policy.version_value() == Some("2012-10-17");
    let mut cx = Ctx {
        text,
        catalog,
        kind,
        variables,
        out,
        matched: RefCell::new(None),
        breaks: Default::default(),
        close_actions: Default::default(),
    };
    grammar::check_policy(&mut cx, policy);
    grammar::check_characters(&mut cx);
    let mut summaries = Vec::with_capacity(policy.statements.len());
    for (&at, &(ref indent, same_text)) in policy.statements.iter().zip(&reusable) {
        // A statement's findings depend on its own text, the indentation of its first line
        // (which fixes copy), its place, the kind and the version.
        let span = at.object.range;
        let indent = &text[indent.clone()];
        let key = StatementKey { index: at.index, kind, variables };
        if let (Some(cache), true) = (cache.as_deref_mut(), same_text) {
            if let Some((found, summary)) = cache.take(key, span.start) {
                cx.out.extend(found);
                summaries.push(summary);
                continue;
            }
        }
        let before = cx.out.len();
        let statement = &at.model();
        grammar::check_statement(&mut cx, statement);
        principals::check(&mut cx, statement);
        actions::check(&mut cx, statement);
        resources::check(&mut cx, statement);
        conditions::check(&mut cx, statement);
        security::check(&mut cx, statement);
        bedrock::check(&mut cx, statement);
        redundancy::check_statement(&mut cx, statement);
        let risk = risk::check(&mut cx, statement);
        let dependents = dependent_actions::summarize(&cx, statement);
        let summary = Summary::of(cx.catalog, statement, risk, dependents);
        summaries.push(summary);
        if let Some(cache) = cache.as_deref_mut() {
            let found = &cx.out[before..];
            cache.keep(&text[span.start..span.end], key, indent, span.start, found, summary);
        }
    }
    grammar::check_sids(&mut cx, policy, &summaries);
    bedrock::check_policy(&mut cx, policy, &summaries);
    risk::check_policy(&mut cx, policy, &summaries);
    dependent_actions::check_policy(&mut cx, policy, &summaries);
    security::check_size(&mut cx, policy);
    let same_text: Vec<bool> = reusable.iter().map(|(_, same)| *same).collect();
    let mut pairs = redundancy::SamePairs::default();
    let pairs = cache.map_or(&mut pairs, |cache| &mut cache.same_pairs);
    redundancy::check(&mut cx, policy, &summaries, &same_text, pairs);
    choice
}

/// What [`Statement::principal`] or [`Statement::not_principal`] would hold.
fn has_principal(at: &crate::model::StatementAt) -> bool {
    at.object.get("Principal").is_some() || at.object.get("NotPrincipal").is_some()
}

/// What the checks across statements need of each statement, worked out with its findings
/// and kept with them: reading every statement of a large document again on each keystroke
/// (a cache miss for each string) cost more than checking the one that changed.
#[derive(Clone, Copy)]
pub struct Summary {
    /// A hash of the `Sid`, if it has a non-empty one.
    sid: Option<u64>,
    /// Hashes of the statement as IAM reads it without its `Sid`, and without its `Sid`
    /// and `Action` (see `redundancy`).
    content: u64,
    scope: u64,
    /// Whether it allows `bedrock:InvokeModel`.
    invokes_models: bool,
    /// Whether it has an `Action` ([`Statement::action`]).
    has_action: bool,
    /// Whether it has a `Principal` or `NotPrincipal`, whatever the kind (which is inferred
    /// from them).
    principal: bool,
    /// The actions of `risk`'s combinations it grants, one bit each.
    risk: u64,
    /// The actions of `dependent_actions` its actions need, and those it grants, one bit each.
    needs: u16,
    grants_needed: u16,
    /// The access level all its actions share, when each is a known action without a
    /// wildcard (a statement of a policy split by access level).
    access_level: Option<crate::catalog::AccessLevel>,
}

impl Summary {
    /// What the statement's text alone decides.
    fn of(catalog: &Catalog, statement: &Statement, risk: u64, (needs, grants_needed): (u16, u16)) -> Summary {
        let sid = statement.sid.filter(|s| !s.value.is_empty()).map(|s| rustc_hash::FxBuildHasher.hash_one(&s.value));
        let (content, scope) = redundancy::hashes(statement);
        let invokes_models = bedrock::invokes_models(statement);
        let access_level = redundancy::access_level(catalog, statement);
        let has_action = statement.action.is_some();
        let principal = statement.principal.is_some() || statement.not_principal.is_some();
        Summary { sid, content, scope, invokes_models, has_action, principal, risk, needs, grants_needed, access_level }
    }
}

/// Where the line of an offset starts, for offsets in increasing order: each byte is
/// looked at once (a 1 MB one-line document has thousands of statements).
#[derive(Default)]
struct LineStarts {
    scanned: usize,
    start: usize,
}

impl LineStarts {
    fn before(&mut self, text: &str, offset: usize) -> usize {
        let bytes = text.as_bytes();
        if offset < self.scanned {
            return memchr::memrchr2(b'\n', b'\r', &bytes[..offset]).map_or(0, |i| i + 1);
        }
        if let Some(i) = memchr::memrchr2(b'\n', b'\r', &bytes[self.scanned..offset]) {
            self.start = self.scanned + i + 1;
        }
        self.scanned = offset;
        self.start
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct StatementKey {
    index: usize,
    kind: PolicyKind,
    variables: bool,
}

/// The findings of each statement in the previous analysis of a document, so that an edit
/// re-checks only the statements it touched (a keystroke in a document of thousands of
/// statements costs one).
#[derive(Default)]
pub struct Findings {
    /// By the statement's position in the `Statement` array (which messages name it by):
    /// its text, where the text started and what was found there.
    previous: Vec<Option<CachedStatement>>,
    current: Vec<Option<CachedStatement>>,
    same_pairs: redundancy::SamePairs,
}

struct CachedStatement {
    text: String,
    key: StatementKey,
    indent: String,
    start: usize,
    found: Vec<Diagnostic>,
    summary: Summary,
}

impl Findings {
    /// Starts an analysis: what the last one kept becomes what this one can reuse, and
    /// what it did not reuse is dropped at the next start.
    pub(crate) fn begin(&mut self) {
        self.previous = std::mem::take(&mut self.current);
        self.current.reserve(self.previous.len());
        self.same_pairs.begin();
    }

    /// The last check's statement at `index`, if it had this text and indentation.
    fn same_text(&self, index: usize, text: &str, indent: &str) -> Option<&CachedStatement> {
        self.previous.get(index)?.as_ref().filter(|c| c.text == text && c.indent == indent)
    }

    /// The findings of the statement at `key.index` (whose text [`Findings::same_text`]
    /// found unchanged), if checked with this key, moved to where the text now starts.
    fn take(&mut self, key: StatementKey, start: usize) -> Option<(Vec<Diagnostic>, Summary)> {
        let slot = self.previous.get_mut(key.index)?;
        let cached = slot.take_if(|c| c.key == key)?;
        let delta = start as isize - cached.start as isize;
        let moved = cached.found.iter().map(|d| shift(d, delta)).collect();
        let summary = cached.summary;
        // Kept as found (with the start it was found at): `moved` is the copy for now.
        self.put(cached);
        Some((moved, summary))
    }

    /// Keeps a statement's findings, unless one reaches outside its text (a fix elsewhere).
    fn keep(
        &mut self,
        text: &str,
        key: StatementKey,
        indent: &str,
        start: usize,
        found: &[Diagnostic],
        summary: Summary,
    ) {
        let span = TextRange::new(start, start + text.len());
        let inside = found.iter().all(|d| {
            span.contains_range(d.range) && d.fixes.iter().flat_map(|f| &f.edits).all(|e| span.contains_range(e.range))
        });
        if inside {
            let text = text.to_string();
            let indent = indent.to_string();
            self.put(CachedStatement { text, key, indent, start, found: found.to_vec(), summary });
        }
    }

    fn put(&mut self, cached: CachedStatement) {
        let index = cached.key.index;
        if self.current.len() <= index {
            self.current.resize_with(index + 1, || None);
        }
        self.current[index] = Some(cached);
    }
}

fn shift(d: &Diagnostic, delta: isize) -> Diagnostic {
    let by = |r: TextRange| TextRange::new(r.start.saturating_add_signed(delta), r.end.saturating_add_signed(delta));
    let mut d = d.clone();
    d.range = by(d.range);
    for edit in d.fixes.iter_mut().flat_map(|f| f.edits.iter_mut()) {
        edit.range = by(edit.range);
    }
    d
}

/// The catalog actions a statement's `Action` grants or denies; `None` with `NotAction`
/// (everything but a list) or without `Action`.
pub fn statement_actions<'c>(catalog: &'c Catalog, statement: &Statement) -> Option<Vec<(&'c Service, &'c Action)>> {
    let actions = statement.action.as_ref()?;
    let mut out = Vec::new();
    for item in &actions.items {
        catalog.extend_matching_actions(&item.value, &mut out);
    }
    out.sort_by_key(|(s, a)| (s.prefix, a.name));
    out.dedup_by_key(|(s, a)| (s.prefix, a.name));
    Some(out)
}

/// The edit that removes `array.items[index]` with the comma that separates it.
pub(crate) fn remove_item(array: &Array, index: usize) -> Edit {
    let items = &array.items;
    let range = if index + 1 < items.len() {
        TextRange::new(items[index].range().start, items[index + 1].range().start)
    } else if index > 0 {
        TextRange::new(items[index - 1].range().end, items[index].range().end)
    } else {
        items[index].range()
    };
    Edit { range, new_text: String::new() }
}

/// `fix`, which rewrites entry `lit` of `list`; or, when the entry it would write is one the
/// list already has (`has(other, written)`: the same entry, or a wildcard that covers it),
/// the fix that removes `lit` instead: rewriting it would leave the list with a duplicate,
/// a finding of its own, where removing it comes to the same policy. `has` holds only for
/// entries equal to `written` ignoring case or with a wildcard: only those are asked.
pub(crate) fn rewrite_entry(list: &Strings, lit: &StringLit, fix: Fix, has: impl Fn(&str, &str) -> bool) -> Fix {
    let Some(written) = written_entry(lit, &fix) else { return fix };
    let candidates = list.same_or_wildcard(&written);
    let Some(other) = candidates.iter().find(|o| o.range != lit.range && has(&o.value, &written)) else {
        return fix;
    };
    let array = array_of(list.member.value.as_ref());
    let Some((array, index)) = array.and_then(|a| Some((a, a.items.iter().position(|v| v.range() == lit.range)?)))
    else {
        return fix;
    };
    let why = if other.value.eq_ignore_ascii_case(&written) {
        format!("`{written}` is already listed")
    } else {
        format!("`{}` already covers `{written}`", other.value)
    };
    Fix {
        title: format!("Remove `{}` ({why})", lit.value),
        edits: vec![remove_item(array, index)],
        preferred: fix.preferred,
    }
}

/// The string `fix` makes of `lit`, if its edits are all inside the string's content (and
/// the content is the value, without escapes).
pub(crate) fn written_entry(lit: &StringLit, fix: &Fix) -> Option<String> {
    let content = lit.content_range();
    if !lit.verbatim || !lit.quoted || !fix.edits.iter().all(|e| content.contains_range(e.range)) {
        return None;
    }
    let local: Vec<Edit> = fix
        .edits
        .iter()
        .map(|e| Edit {
            range: TextRange::new(e.range.start - content.start, e.range.end - content.start),
            new_text: e.new_text.clone(),
        })
        .collect();
    Some(crate::apply_edits(&lit.value, &local))
}

/// The fix that renames `member` of `object` to `key`. Where the object has a `key` already,
/// renaming would make it a key twice, of which IAM reads one: the fix then moves the
/// member's strings into that one's (those it does not have yet) and removes the member;
/// there is none unless both values are strings or arrays of strings.
pub(crate) fn rename_member(text: &str, object: &Object, member: &Member, key: &str) -> Option<Fix> {
    let title = format!("Change to \"{key}\"");
    let Some(target) = object.members.iter().find(|m| !std::ptr::eq(*m, member) && m.key.value == key) else {
        return Some(Fix::replace(title, member.key.range, format!("\"{key}\"")).preferred(true));
    };
    fn strings(value: Option<&Value>) -> Option<Vec<&StringLit>> {
        match value? {
            Value::String(s) => Some(vec![s]),
            Value::Array(a) => a.items.iter().map(Value::as_str).collect(),
            _ => None,
        }
    }
    let (moved, kept) = (strings(member.value.as_ref())?, strings(target.value.as_ref())?);
    let source = |s: &StringLit| &text[s.range.start..s.range.end];
    let new: Vec<&str> = moved.iter().filter(|m| !kept.iter().any(|k| k.value == m.value)).map(|m| source(m)).collect();
    let mut edits = vec![grammar::remove_member(text, object, member).edits.remove(0)];
    if !new.is_empty() {
        let new = new.join(", ");
        edits.push(match target.value.as_ref()? {
            Value::String(s) => Edit { range: s.range, new_text: format!("[{}, {new}]", source(s)) },
            Value::Array(a) => match a.items.last() {
                Some(last) => Edit { range: TextRange::empty(last.range().end), new_text: format!(", {new}") },
                None if a.range.len() >= 2 => {
                    Edit { range: TextRange::new(a.range.start + 1, a.range.end - 1), new_text: new }
                }
                None => return None,
            },
            _ => return None,
        });
    }
    Some(Fix { title: format!("Merge into \"{key}\""), edits, preferred: true })
}

/// The edit that adds `item` (a JSON string's content) to a string-or-array element: after
/// the array's last entry, or turning a lone string into an array.
pub(crate) fn add_item(strings: &Strings, item: &str) -> Option<Edit> {
    let quoted = format!("\"{item}\"");
    match strings.member.value.as_ref()? {
        Value::String(s) => Some(Edit { range: s.range, new_text: format!("[\"{}\", {quoted}]", s.value) }),
        Value::Array(a) => match a.items.last() {
            Some(last) => Some(Edit { range: TextRange::empty(last.range().end), new_text: format!(", {quoted}") }),
            // `[]`; an unterminated `[` gets nothing.
            None if a.range.len() >= 2 => {
                Some(Edit { range: TextRange::new(a.range.start + 1, a.range.end - 1), new_text: quoted })
            }
            None => None,
        },
        _ => None,
    }
}

/// The array an element's value is, if it is one.
pub(crate) fn array_of(value: Option<&Value>) -> Option<&Array> {
    match value {
        Some(Value::Array(a)) => Some(a),
        _ => None,
    }
}

/// The indentation of the line `offset` is on.
pub fn indentation_at(text: &str, offset: usize) -> &str {
    let line_start = memchr::memrchr2(b'\n', b'\r', &text.as_bytes()[..offset]).map_or(0, |i| i + 1);
    indentation_of(&text[line_start..])
}

/// The blanks a line starts with.
fn indentation_of(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// Up to `n` candidates closest to `target` (ignoring case), best first, among those close
/// enough to be worth suggesting.
pub(crate) fn nearest<'c>(target: &str, candidates: impl Iterator<Item = &'c str>, n: usize) -> Vec<&'c str> {
    let target = target.to_ascii_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .filter_map(|c| {
            let c_lower = c.to_ascii_lowercase();
            // Skip the edit distance where it cannot reach the bar (perf: it dominated
            // analysis time on documents with many unknown actions).
            if !can_reach(&target, &c_lower, 0.6) {
                return None;
            }
            Some((similarity(&target, &c_lower), c))
        })
        .filter(|(score, _)| *score >= 0.6)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// Whether `similarity(a, b)` can be `bar` or more: an edit distance is at least the
/// difference in length, which bounds the normalised score from above; containment lifts it.
fn can_reach(a: &str, b: &str, bar: f64) -> bool {
    if a.len() >= 4 && (b.contains(a) || a.contains(b)) {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    let longest = la.max(lb);
    longest == 0 || 1.0 - (la.abs_diff(lb) as f64) / (longest as f64) >= bar
}

fn similarity(a: &str, b: &str) -> f64 {
    let edit = strsim::normalized_damerau_levenshtein(a, b);
    // A typo keeps most of a word in place; a name that contains the other (a missing
    // suffix such as `GetObjects`) is also close.
    if a.len() >= 4 && (b.contains(a) || a.contains(b)) {
        edit.max(0.75)
    } else {
        edit
    }
}

/// `a, b or c`, each in backticks.
pub(crate) fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
