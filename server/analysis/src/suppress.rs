//! Suppressions: findings the user has accepted, as plain data. Three forms, one meaning
//! ("this code, here, for this reason"):
//!
//! - `[[ignore]]` entries of `.iam-lsp.toml` (by code, path glob and statement `Sid`): the
//!   adapter matches the path globs and passes the entries that apply in
//!   [`crate::Options::ignores`];
//! - a comment in YAML or HCL, `# iam-lsp: ignore[resource-star] why`, on the line before
//!   the finding (it applies to the next line that is not blank or a comment) or at the end
//!   of the finding's line;
//! - `Metadata: {iam-lsp: {config: {ignore_checks: [resource-star]}}}` on a CloudFormation
//!   resource (or the template), the shape of cfn-lint's `cfn-lint: config: ignore_checks`.
//!
//! A written suppression that suppresses nothing is reported (`unused-suppression`, with a
//! fix that removes it), and so is one with an unknown code or, in a comment, no reason
//! (`suppression-invalid`). Plain JSON policies have no comments, so no inline form.

use std::ops::Range;

use memchr::memmem;

use crate::diagnostics::{Code, Diagnostic, Edit, Fix};
use crate::embedded::node::Node;
use crate::text::TextRange;

/// An `[[ignore]]` entry of `.iam-lsp.toml` whose path globs match the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignore {
    pub code: Code,
    /// Only findings inside the statement whose `Sid` this is.
    pub sid: Option<String>,
    pub reason: String,
}

/// How a written suppression is taken out of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Removal {
    /// Delete these bytes (a comment, or one code of its list).
    Text(Range<usize>),
    /// Remove `items[index]` from the host list at `list` (a `Metadata` list).
    Item { list: Range<usize>, items: Vec<Range<usize>>, index: usize },
}

/// A suppression written in the file: a code of a comment or of a `Metadata` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The code as written.
    pub name: String,
    pub code: Option<Code>,
    /// Where the code is written.
    pub at: Range<usize>,
    /// The findings it applies to are those that start here.
    pub scope: Range<usize>,
    /// Whether it is a comment (which needs a reason) or a `Metadata` entry.
    pub comment: bool,
    pub reason: Option<String>,
    pub removal: Option<Removal>,
}

/// The comment suppressions of a YAML (`#`) or HCL (`#`, `//`) text.
pub fn comments(text: &str, hcl: bool) -> Vec<Written> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for hit in memmem::find_iter(bytes, b"iam-lsp:") {
        let line = line_start(text, hit);
        let before = &text[line..hit];
        let trimmed = before.trim_end();
        // `#` after whitespace (or the line's start) opens a YAML comment; HCL also has `//`
        let marker = if trimmed.ends_with('#') {
            1
        } else if hcl && trimmed.ends_with("//") {
            2
        } else {
            continue;
        };
        let comment_start = line + trimmed.len() - marker;
        let preceded = text[line..comment_start].chars().next_back().is_none_or(char::is_whitespace);
        if !preceded {
            continue;
        }
        let end = line_end(text, hit);
        let after = hit + "iam-lsp:".len();
        let rest = &text[after..end];
        let Some(list) = rest.trim_start().strip_prefix("ignore[") else { continue };
        let open = end - list.len(); // just after `[`
        let Some(close) = list.find(']').map(|i| open + i) else { continue };
        let reason = text[close + 1..end].trim().trim_start_matches([':', '-', '—']).trim();
        let reason = (!reason.is_empty()).then(|| reason.to_string());
        let own_line = text[line..comment_start].trim().is_empty();
        let scope = if own_line { next_code_line(text, end, hcl) } else { line..end };
        // the whole comment: its own line with its line break, or from the space before it
        let whole = if own_line {
            line..next_line(text, end)
        } else {
            text[..comment_start].trim_end_matches([' ', '\t']).len()..end
        };
        let codes = split_codes(text, open..close);
        for (i, at) in codes.iter().enumerate() {
            let name = text[at.clone()].to_string();
            let removal = if codes.len() == 1 {
                whole.clone()
            } else if i + 1 < codes.len() {
                at.start..codes[i + 1].start
            } else {
                codes[i - 1].end..at.end
            };
            out.push(Written {
                code: Code::parse(&name),
                name,
                at: at.clone(),
                scope: scope.clone(),
                comment: true,
                reason: reason.clone(),
                removal: Some(Removal::Text(removal)),
            });
        }
    }
    out
}

/// The byte ranges of the comma-separated codes in `list`, blanks trimmed.
fn split_codes(text: &str, list: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = list.start;
    for (i, c) in text[list.clone()].char_indices().chain([(list.len(), ',')]) {
        if c == ',' {
            let piece = &text[start..list.start + i];
            let lead = piece.len() - piece.trim_start().len();
            let trimmed = piece.trim();
            if !trimmed.is_empty() {
                out.push(start + lead..start + lead + trimmed.len());
            }
            start = list.start + i + 1;
        }
    }
    out
}

/// The `Metadata` suppressions of a CloudFormation template: each resource's apply to the
/// resource (`resource_metadata`), the template's own to the whole file.
pub(crate) fn template_metadata(root: &Node, text_len: usize, out: &mut Vec<Written>) {
    if let Some(meta) = root.get("Metadata") {
        from_metadata(meta, 0..text_len, out);
    }
}

/// The suppressions of one resource's `Metadata` (for the findings in it).
pub(crate) fn resource_metadata(resource: &Node, out: &mut Vec<Written>) {
    if let Some(meta) = resource.get("Metadata") {
        from_metadata(meta, resource.range.clone(), out);
    }
}

fn from_metadata(meta: &Node, scope: Range<usize>, out: &mut Vec<Written>) {
    let Some(checks) = meta.get("iam-lsp").and_then(|n| n.get("config")).and_then(|n| n.get("ignore_checks")) else {
        return;
    };
    let written = |item: &Node, removal| {
        let name = item.str()?.to_string();
        Some(Written {
            code: Code::parse(&name),
            name,
            at: item.range.clone(),
            scope: scope.clone(),
            comment: false,
            reason: None,
            removal,
        })
    };
    match checks.seq() {
        Some(items) => {
            let ranges: Vec<Range<usize>> = items.iter().map(|i| i.range.clone()).collect();
            for (index, item) in items.iter().enumerate() {
                let removal = Removal::Item { list: checks.range.clone(), items: ranges.clone(), index };
                out.extend(written(item, Some(removal)));
            }
        }
        None => out.extend(written(checks, None)),
    }
}

/// Drops the findings that a suppression covers, and reports the written suppressions that
/// cover none, name no code or (comments) give no reason. `statements` are the host ranges
/// of the statements with a `Sid`; `remove` makes a removal an edit (the host's syntax);
/// `disabled` codes are not reported. Returns which of `ignores` covered a finding.
pub fn apply(
    diagnostics: &mut Vec<Diagnostic>,
    written: &[Written],
    ignores: &[Ignore],
    statements: &[(TextRange, &str)],
    remove: impl Fn(&Removal) -> Option<Edit>,
    disabled: &[Code],
) -> Vec<bool> {
    let mut used = vec![false; written.len()];
    let mut ignored = vec![false; ignores.len()];
    diagnostics.retain(|d| {
        let mut keep = true;
        for (w, used) in written.iter().zip(&mut used) {
            if w.code == Some(d.code)
                && w.scope.start <= d.range.start
                && d.range.start < w.scope.end.max(w.scope.start + 1)
            {
                *used = true;
                keep = false;
            }
        }
        for (ignore, ignored) in ignores.iter().zip(&mut ignored) {
            let in_sid = |sid: &String| {
                statements.iter().any(|(r, s)| s == sid && r.start <= d.range.start && d.range.end <= r.end)
            };
            if ignore.code == d.code && ignore.sid.as_ref().is_none_or(in_sid) {
                *ignored = true;
                keep = false;
            }
        }
        keep
    });
    for (w, used) in written.iter().zip(used) {
        let at = TextRange::new(w.at.start, w.at.end);
        let removal = w.removal.as_ref().and_then(&remove);
        let form = if w.comment { "comment" } else { "`Metadata` entry" };
        let d = match w.code {
            None => {
                let near = crate::checks::nearest(&w.name, Code::ALL.iter().map(|c| c.as_str()), 1);
                let hint = match near.first() {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "the codes are listed in the README's diagnostics table".to_string(),
                };
                Diagnostic::new(
                    Code::SuppressionInvalid,
                    at,
                    format!("`{}` is not an iam-lsp code, so this suppression suppresses nothing: {hint}", w.name),
                )
                .with_fixes(near.first().map(|near| Fix::replace(format!("Change to `{near}`"), at, *near).preferred(true)))
            }
            Some(code) if !used => {
                let place = if w.comment { "on the line it names" } else { "in this resource" };
                Diagnostic::new(
                    Code::UnusedSuppression,
                    at,
                    format!(
                        "this suppression {form} suppresses nothing: there is no `{}` finding {place}; remove it",
                        code.as_str()
                    ),
                )
                .with_fixes(removal.map(|e| Fix { title: "Remove the unused suppression".into(), edits: vec![e], preferred: true }))
            }
            Some(code) if w.comment && w.reason.is_none() => Diagnostic::new(
                Code::SuppressionInvalid,
                at,
                format!(
                    "a suppression comment needs a reason: write why the `{}` finding is accepted after the `]` (`# iam-lsp: ignore[{}] why`)",
                    code.as_str(),
                    code.as_str()
                ),
            ),
            Some(_) => continue,
        };
        if !disabled.contains(&d.code) {
            diagnostics.push(d);
        }
    }
    diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    ignored
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line at `at`, before its `\r\n` or `\n`.
fn line_end(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if end > at && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// The start of the line after the one ending at `end`.
fn next_line(text: &str, end: usize) -> usize {
    text[end..].find('\n').map_or(text.len(), |i| end + i + 1)
}

/// The next line after `end` that is neither blank nor a comment, or an empty range.
fn next_code_line(text: &str, end: usize, hcl: bool) -> Range<usize> {
    let mut start = next_line(text, end);
    while start < text.len() {
        let stop = line_end(text, start);
        let line = text[start..stop].trim_start();
        let comment = line.starts_with('#') || hcl && line.starts_with("//");
        if !line.is_empty() && !comment {
            return start..stop;
        }
        start = next_line(text, stop);
    }
    text.len()..text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_name_codes_a_reason_and_the_line_they_cover() {
        let text = "a:\n  # iam-lsp: ignore[resource-star, no-such] legacy bucket\r\n\n  Resource: '*'\n  b: 1 # iam-lsp: ignore[full-admin]\n";
        let found = comments(text, false);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].code, Some(Code::ResourceStar));
        assert_eq!(found[0].reason.as_deref(), Some("legacy bucket"));
        assert_eq!(&text[found[0].scope.clone()], "  Resource: '*'");
        assert_eq!(found[1].code, None);
        assert_eq!(found[1].name, "no-such");
        assert_eq!(&text[found[2].scope.clone()], "  b: 1 # iam-lsp: ignore[full-admin]");
        assert_eq!(found[2].reason, None);
        // removing one code of two keeps the other; the last of a line removes the comment
        let Some(Removal::Text(r)) = &found[0].removal else { panic!() };
        assert_eq!(&text[r.clone()], "resource-star, ");
        let Some(Removal::Text(r)) = &found[2].removal else { panic!() };
        assert_eq!(&text[r.clone()], " # iam-lsp: ignore[full-admin]");
    }

    #[test]
    fn only_comments_count() {
        assert!(comments("a: x#iam-lsp: ignore[resource-star] r\n", false).is_empty());
        assert!(comments("a: 'iam-lsp: ignore[resource-star] r'\n", false).is_empty());
        assert!(comments("// iam-lsp: ignore[resource-star] r\n", false).is_empty());
        assert_eq!(comments("// iam-lsp: ignore[resource-star] r\n", true).len(), 1);
        assert!(comments("# iam-lsp: ignore[resource-star\n", false).is_empty());
        assert!(comments("é # iam-lsp: ignore[] r", false).is_empty());
    }
}
