//! Fixes written in HCL: a string quoted and escaped for where it sits (an HCL string, a JSON
//! string inside a heredoc, a JSON string inside a quoted HCL string), list items and object
//! entries removed or added with their separators.

use std::ops::Range;

use crate::diagnostics::Edit;
use crate::embedded::HostWriter;
use crate::TextRange;

/// The writer for Terraform modules.
pub struct HclWriter;

/// Where a string of the policy is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    /// An HCL expression: `"s3:GetObject"` in `jsonencode` or `aws_iam_policy_document`.
    Hcl,
    /// JSON inside a heredoc: JSON quoting, `${` and `%{` doubled.
    Heredoc,
    /// JSON inside a quoted HCL string: `\"s3:GetObject\"`.
    QuotedJson,
}

/// Whether `offset` lies in the body of a heredoc: after a `<<EOT` / `<<-EOT` whose closing
/// delimiter line has not come yet.
fn in_heredoc(text: &str, offset: usize) -> bool {
    let before = &text[..offset.min(text.len())];
    let Some(open) = before.rfind("<<") else { return false };
    let rest = before[open + 2..].strip_prefix('-').unwrap_or(&before[open + 2..]);
    let delimiter: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
    if delimiter.is_empty() || !rest[delimiter.len()..].starts_with(['\n', '\r']) {
        return false;
    }
    !rest[delimiter.len()..].lines().skip(1).any(|line| line.trim() == delimiter)
}

fn context(text: &str, offset: usize) -> Context {
    if in_heredoc(text, offset) {
        return Context::Heredoc;
    }
    // HCL quoted strings do not span lines: count the unescaped quotes before on the line.
    let line_start = text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let mut quotes = 0;
    let mut escaped = false;
    for b in text.as_bytes()[line_start..offset.min(text.len())].iter() {
        match b {
            b'\\' if !escaped => escaped = true,
            b'"' if !escaped => quotes += 1,
            _ => escaped = false,
        }
        if *b != b'\\' {
            escaped = false;
        }
    }
    if quotes % 2 == 1 {
        Context::QuotedJson
    } else {
        Context::Hcl
    }
}

/// `${` and `%{` start templates in HCL strings and heredocs: doubled, they are literal.
fn escape_templates(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

fn json_escape(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""));
    quoted[1..quoted.len() - 1].to_string()
}

fn hcl_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    escape_templates(&out)
}

/// `value` as a string literal for `context`.
fn quoted(value: &str, context: Context) -> String {
    match context {
        Context::Hcl => format!("\"{}\"", hcl_escape(value)),
        Context::Heredoc => format!("\"{}\"", escape_templates(&json_escape(value))),
        Context::QuotedJson => format!("\\\"{}\\\"", hcl_escape(&json_escape(value))),
    }
}

fn edit(range: Range<usize>, new_text: String) -> Option<Edit> {
    Some(Edit { range: TextRange::new(range.start, range.end), new_text })
}

fn valid(text: &str, range: &Range<usize>) -> bool {
    range.start <= range.end && text.get(range.clone()).is_some()
}

impl HostWriter for HclWriter {
    fn replace_scalar(&self, text: &str, scalar: Range<usize>, value: &str) -> Option<Edit> {
        if !valid(text, &scalar) {
            return None;
        }
        let source = &text[scalar.clone()];
        let context = context(text, scalar.start);
        let is_string = match context {
            Context::QuotedJson => source.starts_with("\\\"") && source.ends_with("\\\"") && source.len() >= 4,
            _ => source.starts_with('"') && source.ends_with('"') && source.len() >= 2,
        };
        // A reference or a written-for-the-policy key (`actions` for `Action`) is no string to replace.
        is_string.then(|| edit(scalar, quoted(value, context)))?
    }

    fn replace_scalar_with_list(&self, text: &str, scalar: Range<usize>, values: &[String]) -> Option<Edit> {
        // Where a string can be replaced, a list can be written: `[...]` reads as a list in
        // HCL and in the JSON of a heredoc or a quoted string alike.
        self.replace_scalar(text, scalar.clone(), "")?;
        let context = context(text, scalar.start);
        let items: Vec<String> = values.iter().map(|v| quoted(v, context)).collect();
        edit(scalar, format!("[{}]", items.join(", ")))
    }

    fn remove_item(&self, text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<Edit> {
        if !valid(text, &list) || items.iter().any(|i| !valid(text, i)) {
            return None;
        }
        let item = items.get(index)?;
        match (index.checked_sub(1).and_then(|i| items.get(i)), items.get(index + 1)) {
            // Up to the next item: its separator and the line break go with it.
            (_, Some(next)) => edit(item.start..next.start, String::new()),
            (Some(previous), None) => edit(previous.end..item.end, String::new()),
            (None, None) => edit(item.clone(), String::new()),
        }
    }

    fn append_item(&self, text: &str, list: Range<usize>, items: &[Range<usize>], value: &str) -> Option<Edit> {
        if !valid(text, &list) || !text[list.clone()].starts_with('[') {
            return None;
        }
        let context = context(text, list.start + 1);
        let item = quoted(value, context);
        match items.last() {
            Some(last) if valid(text, last) => edit(last.end..last.end, format!(", {item}")),
            Some(_) => None,
            None => edit(list.start + 1..list.start + 1, item),
        }
    }

    fn remove_entry(&self, text: &str, mapping: Range<usize>, key: Range<usize>, value: Range<usize>) -> Option<Edit> {
        if !valid(text, &mapping) || !valid(text, &key) || !valid(text, &value) || key.start > value.end {
            return None;
        }
        let bytes = text.as_bytes();
        let mut end = value.end;
        while end < bytes.len() && matches!(bytes[end], b' ' | b'\t') {
            end += 1;
        }
        let comma_after = bytes.get(end) == Some(&b',');
        if comma_after {
            end += 1;
        }
        // A whole line: its indentation and line break go too.
        let line_start = text[..key.start].rfind('\n').map_or(0, |i| i + 1);
        let alone_before = text[line_start..key.start].trim().is_empty();
        let mut after = end;
        while after < bytes.len() && matches!(bytes[after], b' ' | b'\t') {
            after += 1;
        }
        let alone_after = matches!(bytes.get(after), Some(b'\n' | b'\r'));
        if !comma_after {
            // The last entry of a JSON object: its separator is the comma before it.
            let before = text[mapping.start..key.start].trim_end();
            if before.ends_with(',') && context(text, key.start) != Context::Hcl {
                let comma = mapping.start + before.len() - 1;
                return edit(comma..value.end, String::new());
            }
        }
        if alone_before && alone_after {
            let line_end = if bytes.get(after) == Some(&b'\r') && bytes.get(after + 1) == Some(&b'\n') {
                after + 2
            } else {
                after + 1
            };
            return edit(line_start..line_end, String::new());
        }
        edit(key.start..if comma_after { after } else { end }, String::new())
    }

    fn copy_separator(&self, text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<String> {
        if !valid(text, &list) || items.iter().any(|i| !valid(text, i)) {
            return None;
        }
        let item = items.get(index)?;
        if text[list.clone()].starts_with('[') {
            // (in a quoted HCL string, where no line break can be, the list is on one line)
            return crate::embedded::writer::comma_separator(text, list, items, index);
        }
        // `statement` blocks of an `aws_iam_policy_document`: a blank line between blocks
        if !text[item.clone()].starts_with("statement") {
            return None;
        }
        let line_start = text[..item.start].rfind('\n').map_or(0, |i| i + 1);
        let indent = &text[line_start..item.start];
        let line_break = crate::embedded::writer::line_break(text, line_start);
        indent.trim().is_empty().then(|| format!("{line_break}{line_break}{indent}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply_edits;

    fn at(text: &str, needle: &str) -> Range<usize> {
        let start = text.find(needle).unwrap();
        start..start + needle.len()
    }

    #[test]
    fn strings_are_quoted_for_where_they_sit() {
        let text = "a = \"s3:getobject\"\nb = <<EOF\n{\"A\": \"s3:getobject\"}\nEOF\nc = \"{\\\"A\\\": \\\"x\\\"}\"\n";
        let hcl = HclWriter.replace_scalar(text, at(text, "\"s3:getobject\""), "s3:GetObject/${x}").unwrap();
        assert_eq!(hcl.new_text, "\"s3:GetObject/$${x}\"");
        let heredoc_at = text.rfind("\"s3:getobject\"").unwrap();
        let heredoc = HclWriter.replace_scalar(text, heredoc_at..heredoc_at + 14, "a\"b").unwrap();
        assert_eq!(heredoc.new_text, "\"a\\\"b\"");
        let quoted = HclWriter.replace_scalar(text, at(text, "\\\"x\\\""), "a\"b").unwrap();
        assert_eq!(quoted.new_text, "\\\"a\\\\\\\"b\\\"");
        let fixed = apply_edits(text, &[quoted]);
        let value = hcl_edit::parser::parse_body(&fixed).unwrap();
        let c = value.get_attribute("c").unwrap().value.as_str().unwrap().to_string();
        assert_eq!(serde_json::from_str::<serde_json::Value>(&c).unwrap()["A"], "a\"b");
        // A reference is not a string.
        assert!(HclWriter.replace_scalar("a = local.x\n", 4..11, "y").is_none());
    }

    #[test]
    fn list_items_go_with_their_separator() {
        let text = "actions = [\"a\", \"b\", \"c\"]\n";
        let items = [at(text, "\"a\""), at(text, "\"b\""), at(text, "\"c\"")];
        let list = at(text, "[\"a\", \"b\", \"c\"]");
        let remove = |i| apply_edits(text, &[HclWriter.remove_item(text, list.clone(), &items, i).unwrap()]);
        assert_eq!(remove(0), "actions = [\"b\", \"c\"]\n");
        assert_eq!(remove(2), "actions = [\"a\", \"b\"]\n");
        let added = HclWriter.append_item(text, list.clone(), &items, "d").unwrap();
        assert_eq!(apply_edits(text, &[added]), "actions = [\"a\", \"b\", \"c\", \"d\"]\n");
        let empty = "x = []\n";
        let added = HclWriter.append_item(empty, 4..6, &[], "d").unwrap();
        assert_eq!(apply_edits(empty, &[added]), "x = [\"d\"]\n");
    }

    #[test]
    fn entries_go_with_their_line_or_comma() {
        let block = "statement {\n  sid     = \"A\"\n  actions = [\"s3:GetObject\"]\n}\n";
        let edit = HclWriter.remove_entry(block, 0..block.len(), at(block, "sid"), at(block, "\"A\"")).unwrap();
        assert_eq!(apply_edits(block, &[edit]), "statement {\n  actions = [\"s3:GetObject\"]\n}\n");
        let json = "p = <<EOF\n{\"A\": 1, \"B\": 2}\nEOF\n";
        let object = at(json, "{\"A\": 1, \"B\": 2}");
        let last = HclWriter.remove_entry(json, object.clone(), at(json, "\"B\""), at(json, "2")).unwrap();
        assert_eq!(apply_edits(json, &[last]), "p = <<EOF\n{\"A\": 1}\nEOF\n");
        let first = HclWriter.remove_entry(json, object, at(json, "\"A\""), at(json, "1")).unwrap();
        assert_eq!(apply_edits(json, &[first]), "p = <<EOF\n{\"B\": 2}\nEOF\n");
    }
}
