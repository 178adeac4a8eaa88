//! Fixes written in YAML and JSON host syntax: quoting, block and flow lists, entries.

use std::ops::Range;

use super::HostWriter;
use crate::diagnostics::Edit;
use crate::text::TextRange;

pub struct Yaml;
pub struct Json;

fn edit(range: Range<usize>, new_text: impl Into<String>) -> Option<Edit> {
    Some(Edit { range: TextRange::new(range.start, range.end.max(range.start)), new_text: new_text.into() })
}

/// `value` as a YAML scalar: plain where YAML reads it back as the same string, else quoted
/// (in the quotes the scalar had, single quotes by default).
pub fn yaml_scalar(value: &str, quote: Option<u8>) -> String {
    if quote == Some(b'"') {
        return json_string(value);
    }
    let plain = quote.is_none()
        && !value.is_empty()
        && !value.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        && !value.ends_with([' ', ':'])
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.contains(['\n', '\r', '\t'])
        && !matches!(
            value.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        )
        && value.parse::<f64>().is_err();
    if plain {
        return value.to_string();
    }
    if value.contains(['\n', '\r']) || value.chars().any(char::is_control) {
        return json_string(value);
    }
    format!("'{}'", value.replace('\'', "''"))
}

pub fn json_string(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""))
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding `at`, its line break included.
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// Where the `- ` of a block sequence item starts, if the item has one before it on its line.
fn dash_before(text: &str, item: usize) -> Option<usize> {
    let before = text[..item].trim_end_matches([' ', '\t']);
    before.ends_with('-').then(|| before.len() - 1)
}

fn is_flow(text: &str, list: &Range<usize>) -> bool {
    matches!(text.as_bytes().get(list.start), Some(b'[' | b'{'))
}

/// The range that removes `items[index]` of a flow list with its comma.
fn flow_removal(text: &str, items: &[Range<usize>], index: usize) -> Option<Range<usize>> {
    let item = items.get(index)?;
    if let Some(next) = items.get(index + 1) {
        return Some(item.start..next.start);
    }
    let previous = index.checked_sub(1).and_then(|i| items.get(i))?;
    let _ = text;
    Some(previous.end..item.end)
}

impl HostWriter for Yaml {
    fn replace_scalar(&self, text: &str, scalar: Range<usize>, value: &str) -> Option<Edit> {
        let quote = match text.as_bytes().get(scalar.start) {
            Some(q @ (b'\'' | b'"')) => Some(*q),
            _ => None,
        };
        edit(scalar, yaml_scalar(value, quote))
    }

    fn remove_item(&self, text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<Edit> {
        let item = items.get(index)?.clone();
        if is_flow(text, &list) {
            if items.len() == 1 {
                return edit(item, "");
            }
            return edit(flow_removal(text, items, index)?, "");
        }
        let dash = dash_before(text, item.start)?;
        if items.len() == 1 {
            return edit(dash..item.end, "[]");
        }
        let start = line_start(text, dash);
        if text[start..dash].trim().is_empty() {
            return edit(start..line_end(text, item.end.saturating_sub(1).max(dash)), "");
        }
        // `key: - item` cannot be; an item sharing its line with another's dash (`- - a`)
        // is removed with its own dash only
        edit(dash..item.end, "")
    }

    fn append_item(&self, text: &str, list: Range<usize>, items: &[Range<usize>], value: &str) -> Option<Edit> {
        let last = items.last()?;
        if is_flow(text, &list) {
            return edit(last.end..last.end, format!(", {}", yaml_scalar(value, None)));
        }
        let dash = dash_before(text, last.start)?;
        let indent = &text[line_start(text, dash)..dash];
        if !indent.trim().is_empty() {
            return None;
        }
        edit(last.end..last.end, format!("\n{indent}- {}", yaml_scalar(value, None)))
    }

    fn remove_entry(&self, text: &str, mapping: Range<usize>, key: Range<usize>, value: Range<usize>) -> Option<Edit> {
        if is_flow(text, &mapping) {
            let after = text[value.end..].trim_start();
            if let Some(rest) = after.strip_prefix(',') {
                let end = text.len() - rest.trim_start().len();
                return edit(key.start..end, "");
            }
            let before = text[..key.start].trim_end();
            return match before.strip_suffix(',') {
                Some(b) => edit(b.len()..value.end, ""),
                None => edit(key.start..value.end, ""),
            };
        }
        let start = line_start(text, key.start);
        if !text[start..key.start].trim().is_empty() {
            return None; // the first entry of a list item (`- Sid: x`): its dash stays
        }
        edit(start..line_end(text, value.end.saturating_sub(1).max(key.start)), "")
    }

    fn replace_scalar_with_list(&self, _text: &str, scalar: Range<usize>, values: &[String]) -> Option<Edit> {
        let items: Vec<String> = values.iter().map(|v| flow_scalar(v)).collect();
        edit(scalar, format!("[{}]", items.join(", ")))
    }

    fn copy_separator(&self, text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<String> {
        let item = items.get(index)?;
        if is_flow(text, &list) {
            return Some(", ".to_string());
        }
        // a new `- ` at the dash's column (the dash on a line of its own when the item's is,
        // `-` then `Effect:` below it); the copy's own lines keep their indentation
        let dash = text[..item.start].trim_end_matches([' ', '\t', '\n', '\r']);
        let dash = dash.strip_suffix('-').map(str::len)?;
        let start = line_start(text, dash);
        text[start..dash].trim().is_empty().then(|| format!("{}{}", line_break(text, start), &text[start..item.start]))
    }
}

/// The separator between copies of `items[index]` of the list at `list` with commas (JSON,
/// an HCL list): the one between the list's first two items where it is only a comma and
/// blanks; else `, ` where the list starts on its first item's line, a comma and a line
/// break with the indentation of the item's line where it does not.
pub(crate) fn comma_separator(text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<String> {
    let item = items.get(index)?;
    if let [first, second, ..] = items {
        let between = text.get(first.end..second.start)?;
        if between.trim() == "," {
            return Some(between.to_string());
        }
    }
    if !text.get(list.start..items.first()?.start)?.contains('\n') {
        return Some(", ".to_string());
    }
    let start = line_start(text, item.start);
    let line = text.get(start..item.start)?;
    let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
    Some(format!(",{}{indent}", line_break(text, start)))
}

/// The line break before the line that starts at `line_start` (`\r\n` or `\n`), for text
/// written in the file's own.
pub(crate) fn line_break(text: &str, line_start: usize) -> &'static str {
    if text[..line_start].ends_with("\r\n") || (line_start == 0 && text.contains("\r\n")) {
        "\r\n"
    } else {
        "\n"
    }
}

/// `value` as an item of a YAML flow list, where `,`, `[`, `]`, `{` and `}` end a plain scalar.
fn flow_scalar(value: &str) -> String {
    if value.contains([',', '[', ']', '{', '}']) {
        return yaml_scalar(value, Some(b'\''));
    }
    yaml_scalar(value, None)
}

impl HostWriter for Json {
    fn replace_scalar(&self, _text: &str, scalar: Range<usize>, value: &str) -> Option<Edit> {
        edit(scalar, json_string(value))
    }

    fn remove_item(&self, text: &str, _list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<Edit> {
        let item = items.get(index)?.clone();
        if items.len() == 1 {
            return edit(item, "");
        }
        edit(flow_removal(text, items, index)?, "")
    }

    fn append_item(&self, _text: &str, _list: Range<usize>, items: &[Range<usize>], value: &str) -> Option<Edit> {
        let last = items.last()?;
        edit(last.end..last.end, format!(", {}", json_string(value)))
    }

    fn replace_scalar_with_list(&self, _text: &str, scalar: Range<usize>, values: &[String]) -> Option<Edit> {
        let items: Vec<String> = values.iter().map(|v| json_string(v)).collect();
        edit(scalar, format!("[{}]", items.join(", ")))
    }

    fn remove_entry(&self, text: &str, mapping: Range<usize>, key: Range<usize>, value: Range<usize>) -> Option<Edit> {
        Yaml.remove_entry(text, mapping.start..mapping.start.max(mapping.end).min(text.len()), key, value)
            .filter(|_| text.as_bytes().get(mapping.start) == Some(&b'{'))
    }

    fn copy_separator(&self, text: &str, list: Range<usize>, items: &[Range<usize>], index: usize) -> Option<String> {
        comma_separator(text, list, items, index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, e: Option<Edit>) -> String {
        crate::apply_edits(text, &e.into_iter().collect::<Vec<_>>())
    }

    fn at(text: &str, s: &str) -> Range<usize> {
        let i = text.find(s).unwrap();
        i..i + s.len()
    }

    #[test]
    fn quotes_what_yaml_would_read_otherwise() {
        assert_eq!(yaml_scalar("s3:GetObject", None), "s3:GetObject");
        assert_eq!(yaml_scalar("arn:aws:s3:::b/*", None), "arn:aws:s3:::b/*");
        assert_eq!(yaml_scalar("*", None), "'*'");
        assert_eq!(yaml_scalar("true", None), "'true'");
        assert_eq!(yaml_scalar("2012-10-17", None), "2012-10-17");
        assert_eq!(yaml_scalar("a: b", None), "'a: b'");
        assert_eq!(yaml_scalar("it's", Some(b'\'')), "'it''s'");
        assert_eq!(yaml_scalar("x\"y", Some(b'"')), "\"x\\\"y\"");
        assert_eq!(yaml_scalar("", None), "''");
    }

    #[test]
    fn removes_block_items_with_their_line() {
        let text = "Action:\n  - s3:GetObject\n  - s3:PutObject\nResource: x\n";
        let items = [at(text, "s3:GetObject"), at(text, "s3:PutObject")];
        let list = items[0].start - 2..items[1].end;
        let out = apply(text, Yaml.remove_item(text, list.clone(), &items, 1));
        assert_eq!(out, "Action:\n  - s3:GetObject\nResource: x\n");
        let out = apply(text, Yaml.remove_item(text, list, &items, 0));
        assert_eq!(out, "Action:\n  - s3:PutObject\nResource: x\n");
    }

    #[test]
    fn removes_flow_items_with_their_comma() {
        let text = "Action: [s3:GetObject, 's3:PutObject', s3:List*]\n";
        let items = [at(text, "s3:GetObject"), at(text, "'s3:PutObject'"), at(text, "s3:List*")];
        let list = at(text, "[s3:GetObject, 's3:PutObject', s3:List*]");
        assert_eq!(apply(text, Yaml.remove_item(text, list.clone(), &items, 1)), "Action: [s3:GetObject, s3:List*]\n");
        assert_eq!(apply(text, Yaml.remove_item(text, list, &items, 2)), "Action: [s3:GetObject, 's3:PutObject']\n");
    }

    #[test]
    fn the_only_block_item_leaves_an_empty_list() {
        let text = "Action:\n  - s3:GetObject\n";
        let items = [at(text, "s3:GetObject")];
        assert_eq!(apply(text, Yaml.remove_item(text, 10..text.len() - 1, &items, 0)), "Action:\n  []\n");
    }

    #[test]
    fn appends_in_the_list_style() {
        let text = "A:\n    - x\n    - y\nB: [x]\n";
        let items = [at(text, "x"), at(text, "y")];
        assert_eq!(
            apply(text, Yaml.append_item(text, 3..19, &items, "*")),
            "A:\n    - x\n    - y\n    - '*'\nB: [x]\n"
        );
        let list = at(text, "[x]");
        let x = list.start + 1..list.end - 1;
        let items = std::slice::from_ref(&x);
        assert_eq!(apply(text, Yaml.append_item(text, list.clone(), items, "z")), "A:\n    - x\n    - y\nB: [x, z]\n");
    }

    #[test]
    fn replaces_scalars_keeping_their_quotes() {
        let text = "a: 'x'\nb: \"y\"\nc: z\n";
        assert_eq!(apply(text, Yaml.replace_scalar(text, at(text, "'x'"), "it's")), "a: 'it''s'\nb: \"y\"\nc: z\n");
        assert_eq!(apply(text, Yaml.replace_scalar(text, at(text, "\"y\""), "*")), "a: 'x'\nb: \"*\"\nc: z\n");
        assert_eq!(apply(text, Yaml.replace_scalar(text, at(text, "z"), "*")), "a: 'x'\nb: \"y\"\nc: '*'\n");
    }

    #[test]
    fn json_lists() {
        let text = r#"{"Action": ["a", "b"]}"#;
        let items = [at(text, "\"a\""), at(text, "\"b\"")];
        let list = at(text, r#"["a", "b"]"#);
        assert_eq!(apply(text, Json.remove_item(text, list.clone(), &items, 0)), r#"{"Action": ["b"]}"#);
        assert_eq!(apply(text, Json.remove_item(text, list.clone(), &items, 1)), r#"{"Action": ["a"]}"#);
        assert_eq!(apply(text, Json.append_item(text, list, &items, "c")), r#"{"Action": ["a", "b", "c"]}"#);
    }

    #[test]
    fn copies_of_a_list_item_go_at_its_dash_and_indentation() {
        let text = "S:\n  - Effect: Allow\n    Action: a\n  -\n    Effect: Deny\n";
        let items = [at(text, "Effect: Allow\n    Action: a"), at(text, "Effect: Deny")];
        let list = items[0].start - 2..items[1].end;
        assert_eq!(Yaml.copy_separator(text, list.clone(), &items, 0).as_deref(), Some("\n  - "));
        assert_eq!(Yaml.copy_separator(text, list, &items, 1).as_deref(), Some("\n  -\n    "));
        let crlf = "S:\r\n  - Effect: Allow\r\n";
        let items = [at(crlf, "Effect: Allow")];
        assert_eq!(Yaml.copy_separator(crlf, 5..crlf.len() - 2, &items, 0).as_deref(), Some("\r\n  - "));
        let flow = "S: [{Effect: Allow}]\n";
        let items = [at(flow, "{Effect: Allow}")];
        assert_eq!(Yaml.copy_separator(flow, at(flow, "[{Effect: Allow}]"), &items, 0).as_deref(), Some(", "));
        let json = "{\"S\": [\r\n    {\"Effect\": \"Allow\"}\r\n]}";
        let items = [at(json, "{\"Effect\": \"Allow\"}")];
        let list = at(json, "[\r\n    {\"Effect\": \"Allow\"}\r\n]");
        assert_eq!(Json.copy_separator(json, list, &items, 0).as_deref(), Some(",\r\n    "));
    }

    #[test]
    fn removes_block_entries() {
        let text = "S:\n  Sid: x\n  Condition:\n    Bool: y\n  Effect: Allow\n";
        let out = apply(text, Yaml.remove_entry(text, 5..text.len() - 1, at(text, "Condition"), at(text, "Bool: y")));
        assert_eq!(out, "S:\n  Sid: x\n  Effect: Allow\n");
    }
}
