//! Tokens from jsonc-parser's scanner, made strict (it accepts JSON5 and raw line breaks in
//! strings) and restartable after an error, so that lexing never stops early.

use jsonc_parser::errors::ParseErrorKind;
use jsonc_parser::tokens::Token;
use jsonc_parser::{ParseStringErrorKind, Scanner, ScannerOptions};

use crate::diagnostics::{Code, Diagnostic, Fix};
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Comma,
    Colon,
    /// A string with its decoded value; `verbatim` when it has no escapes.
    String {
        value: String,
        verbatim: bool,
    },
    Number,
    Bool(bool),
    Null,
    /// A bare word such as `Allow` or `Effect` outside quotes.
    Word,
}

#[derive(Clone, Debug)]
pub struct Tok {
    pub kind: TokenKind,
    pub range: TextRange,
}

fn strict_options() -> ScannerOptions {
    ScannerOptions {
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

pub fn tokenize(text: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<Tok> {
    tokenize_with(text, 0, text.len(), diagnostics, true)
}

/// The tokens from `from` (where a token starts) as lexing the whole text finds them, up to
/// the first that ends at or after `until`: for re-lexing one part of an edited document.
pub fn tokenize_part(text: &str, from: usize, until: usize, diagnostics: &mut Vec<Diagnostic>) -> Vec<Tok> {
    tokenize_with(text, from, until, diagnostics, true)
}

/// `fast`: whether to take the common tokens without the scanner (off only to test that
/// doing so changes nothing).
fn tokenize_with(text: &str, from: usize, until: usize, diagnostics: &mut Vec<Diagnostic>, fast: bool) -> Vec<Tok> {
    let options = strict_options();
    // About one token per eight bytes in policies as people format them: growing the
    // vector from empty copied it a dozen times.
    let mut tokens = Vec::with_capacity((until.saturating_sub(from)) / 8);
    // Where the current scanner starts in `text`; a new scanner starts after each error.
    let mut base = if from == 0 { skip_bom(text, diagnostics) } else { from };
    let mut scanner = Scanner::new(&text[base..], &options);
    let mut gap_start = base;
    let done = |tokens: &[Tok]| tokens.last().is_some_and(|t| t.range.end >= until);
    loop {
        if done(&tokens) {
            break;
        }
        // Most of a policy is whitespace, punctuation and plain strings: take those here,
        // and leave the rest (numbers, words, escapes, comments, errors) to the scanner.
        let here = base + scanner.token_end();
        let after = if fast { fast_tokens(text, here, until, &mut tokens) } else { here };
        if after > here {
            if done(&tokens) {
                break;
            }
            gap_start = after;
            base = after;
            scanner = Scanner::new(&text[base..], &options);
        }
        let result = scanner.scan();
        let start = base + scanner.token_start();
        let end = base + scanner.token_end();
        match result {
            Ok(None) => {
                check_whitespace(text, gap_start, text.len(), diagnostics);
                break;
            }
            Ok(Some(token)) => {
                check_whitespace(text, gap_start, start, diagnostics);
                gap_start = end;
                let range = TextRange::new(start, end);
                let kind = match token {
                    Token::OpenBrace => TokenKind::OpenBrace,
                    Token::CloseBrace => TokenKind::CloseBrace,
                    Token::OpenBracket => TokenKind::OpenBracket,
                    Token::CloseBracket => TokenKind::CloseBracket,
                    Token::Comma => TokenKind::Comma,
                    Token::Colon => TokenKind::Colon,
                    Token::Number(_) => TokenKind::Number,
                    Token::Boolean(b) => TokenKind::Bool(b),
                    Token::Null => TokenKind::Null,
                    Token::Word(_) => TokenKind::Word,
                    Token::CommentLine(_) | Token::CommentBlock(_) => {
                        diagnostics.push(comment_diagnostic(text, range));
                        continue;
                    }
                    Token::String(value) => {
                        let raw = &text[start + 1..end - 1];
                        // Printable ASCII, the usual case, needs neither check below.
                        let plain = raw.bytes().all(|b| (0x20..0x7f).contains(&b));
                        if !plain && raw.contains(['\n', '\r']) {
                            // JSON strings cannot span lines: the string is unterminated,
                            // and whatever follows on the next lines is not part of it.
                            let stop = unterminated(text, start, &mut tokens, diagnostics);
                            base = stop;
                            gap_start = stop;
                            scanner = Scanner::new(&text[base..], &options);
                            continue;
                        }
                        // JSON forbids U+0000 to U+001F in strings (DEL and the C1 controls
                        // are allowed).
                        if let Some(bad) = if plain { None } else { raw.find(|c: char| c < ' ') } {
                            let at = start + 1 + bad;
                            diagnostics.push(Diagnostic::new(
                                Code::JsonSyntax,
                                TextRange::new(at, at + 1),
                                "control character inside a string: write it as an escape such as `\\t` or `\\u0000`",
                            ));
                        }
                        let verbatim = value.len() == raw.len();
                        TokenKind::String { value: value.into_owned(), verbatim }
                    }
                };
                tokens.push(Tok { kind, range });
            }
            Err(error) => {
                let range = error.range();
                let error_start = base + range.start;
                let error_end = (base + range.end).max(error_start);
                let resume = match error.kind() {
                    ParseErrorKind::String(ParseStringErrorKind::UnterminatedStringLiteral) => {
                        unterminated(text, start, &mut tokens, diagnostics)
                    }
                    // The scanner read past the line: the string ends there, unterminated,
                    // whatever the next lines hold (a bad escape or a closing quote).
                    ParseErrorKind::String(_)
                        if error_start >= text.len()
                            || memchr::memchr2(b'\n', b'\r', &text.as_bytes()[start..error_start]).is_some() =>
                    {
                        unterminated(text, start, &mut tokens, diagnostics)
                    }
                    ParseErrorKind::String(kind) => {
                        // A bad escape: report it and skip the rest of the string.
                        diagnostics.push(Diagnostic::new(
                            Code::JsonSyntax,
                            TextRange::new(error_start, error_end),
                            format!("{kind}: JSON allows only \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX escapes"),
                        ));
                        skip_string(text, start)
                    }
                    ParseErrorKind::UnterminatedCommentBlock => {
                        diagnostics.push(comment_diagnostic(text, TextRange::new(start, text.len())));
                        text.len()
                    }
                    ParseErrorKind::SingleQuotedStringsNotAllowed => {
                        diagnostics.push(Diagnostic::new(
                            Code::JsonSyntax,
                            TextRange::new(start, start + 1),
                            "single quotes: JSON strings use double quotes (\")",
                        ));
                        start + 1
                    }
                    _ if word_end(text, start) > start => {
                        // A bare word cut short by punctuation (`Allow}`): the word is a
                        // token of its own, which the parser reports with a quoting fix.
                        let end = word_end(text, start);
                        tokens.push(Tok { kind: TokenKind::Word, range: TextRange::new(start, end) });
                        end
                    }
                    kind => {
                        let end = error_end.max(char_end(text, error_start));
                        diagnostics.push(Diagnostic::new(
                            Code::JsonSyntax,
                            TextRange::new(error_start, end),
                            format!("{}: expected a JSON value, `,`, `:`, or a bracket", kind_message(kind)),
                        ));
                        end
                    }
                };
                // Always make progress.
                let resume = resume.max(start + 1).min(text.len());
                let resume = next_char_boundary(text, resume);
                base = resume;
                gap_start = resume;
                scanner = Scanner::new(&text[base..], &options);
            }
        }
    }
    tokens
}

/// Tokenises from `at` while the text is JSON whitespace, punctuation or strings of printable
/// ASCII without escapes, exactly as the scanner would, until a token ends at or after
/// `until`; returns where it stopped (after the last token taken, or `at`), which is the
/// start of something for the scanner.
fn fast_tokens(text: &str, at: usize, until: usize, tokens: &mut Vec<Tok>) -> usize {
    let bytes = text.as_bytes();
    let mut stop = at;
    let mut i = at;
    while stop < until {
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
        }
        let Some(&b) = bytes.get(i) else { return stop };
        let (kind, end) = match b {
            b'{' => (TokenKind::OpenBrace, i + 1),
            b'}' => (TokenKind::CloseBrace, i + 1),
            b'[' => (TokenKind::OpenBracket, i + 1),
            b']' => (TokenKind::CloseBracket, i + 1),
            b',' => (TokenKind::Comma, i + 1),
            b':' => (TokenKind::Colon, i + 1),
            b'"' => {
                let content = i + 1;
                let len = bytes[content..].iter().position(|&c| !(0x20..0x7f).contains(&c) || c == b'"' || c == b'\\');
                match len.map(|n| content + n) {
                    Some(close) if bytes[close] == b'"' => {
                        (TokenKind::String { value: text[content..close].to_string(), verbatim: true }, close + 1)
                    }
                    _ => return stop, // an escape, a control character, non-ASCII or the end
                }
            }
            _ => return stop,
        };
        tokens.push(Tok { kind, range: TextRange::new(i, end) });
        i = end;
        stop = end;
    }
    stop
}

fn kind_message(kind: &ParseErrorKind) -> String {
    let s = kind.to_string();
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => s,
    }
}

/// An unterminated string starting at `start`: it is taken to end before the punctuation
/// that ends its line (`"s3:GetObject},` meant `"s3:GetObject"},`), which is lexed again.
/// Returns where to resume.
fn unterminated(text: &str, start: usize, tokens: &mut Vec<Tok>, diagnostics: &mut Vec<Diagnostic>) -> usize {
    let line_stop = line_end(text, start);
    let content = &text[start + 1..line_stop];
    let stop = start + 1 + content.trim_end_matches([',', '}', ']', ' ', '\t']).len();
    let range = TextRange::new(start, stop);
    diagnostics.push(
        Diagnostic::new(Code::JsonSyntax, range, "unterminated string: add the closing `\"`")
            .with_fix(Fix::replace("Add the closing quote", TextRange::empty(stop), "\"").preferred(true)),
    );
    tokens.push(Tok { kind: TokenKind::String { value: text[start + 1..stop].to_string(), verbatim: true }, range });
    stop
}

/// A BOM is not JSON; skip it so the rest is analysed, and say so.
fn skip_bom(text: &str, diagnostics: &mut Vec<Diagnostic>) -> usize {
    if text.starts_with('\u{feff}') {
        let len = '\u{feff}'.len_utf8();
        diagnostics.push(
            Diagnostic::new(
                Code::JsonSyntax,
                TextRange::new(0, len),
                "byte order mark (BOM) at the start: IAM expects plain UTF-8 JSON; remove it",
            )
            .with_fix(Fix::replace("Remove the byte order mark", TextRange::new(0, len), "").preferred(true)),
        );
        len
    } else {
        0
    }
}

/// The scanner skips any Unicode whitespace; JSON allows only space, tab, LF and CR.
fn check_whitespace(text: &str, start: usize, end: usize, diagnostics: &mut Vec<Diagnostic>) {
    if start >= end {
        return;
    }
    let gap = &text[start..end];
    if gap.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        return;
    }
    for (i, ch) in gap.char_indices() {
        if !matches!(ch, ' ' | '\t' | '\n' | '\r') {
            let at = start + i;
            diagnostics.push(
                Diagnostic::new(
                    Code::JsonSyntax,
                    TextRange::new(at, at + ch.len_utf8()),
                    format!("U+{:04X} is not JSON whitespace: use a space", ch as u32),
                )
                .with_fix(
                    Fix::replace("Replace with a space", TextRange::new(at, at + ch.len_utf8()), " ").preferred(true),
                ),
            );
        }
    }
}

fn comment_diagnostic(text: &str, range: TextRange) -> Diagnostic {
    // Remove the whole line when the comment is alone on it: only the blanks on either
    // side are looked at (a one-line document may have thousands of comments).
    let is_break = |c: char| c == '\n' || c == '\r';
    let blank = |c: char| c.is_whitespace() && !is_break(c);
    let line_start = text[..range.start].trim_end_matches(blank).len();
    let after = range.end + (text.len() - range.end - text[range.end..].trim_start_matches(blank).len());
    let alone = text[..line_start].chars().next_back().is_none_or(is_break)
        && text[after..].chars().next().is_none_or(is_break);
    let removal = if alone {
        let mut end = after;
        if text[end..].starts_with("\r\n") {
            end += 2;
        } else if end < text.len() {
            end += 1;
        }
        TextRange::new(line_start, end)
    } else {
        let mut start = range.start;
        while start > 0 && matches!(text.as_bytes()[start - 1], b' ' | b'\t') {
            start -= 1;
        }
        TextRange::new(start, range.end)
    };
    Diagnostic::new(
        Code::JsonComment,
        range,
        "comment: IAM policies are plain JSON and AWS rejects comments; remove it (a `Sid` can name a statement)",
    )
    .with_fix(Fix::replace("Remove the comment", removal, "").preferred(true))
}

fn line_end(text: &str, from: usize) -> usize {
    text[from..].find(['\n', '\r']).map_or(text.len(), |i| from + i)
}

/// The end of a string literal with a bad escape: its closing quote, or the line's end.
fn skip_string(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    text.len()
}

fn word_end(text: &str, start: usize) -> usize {
    text[start..]
        .char_indices()
        .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '$')))
        .map_or(text.len(), |(i, _)| start + i)
}

fn char_end(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

fn next_char_boundary(text: &str, mut at: usize) -> usize {
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path changes nothing: same tokens, same diagnostics, on the fixtures and on
    /// every single-character insertion or deletion at a sample of their positions.
    #[test]
    fn the_fast_path_is_invisible() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut texts = vec![
            std::fs::read_to_string(root.join("server/bench/policies/inline-10k.json")).unwrap()[..1500].to_string(),
            "\u{feff}{\"a\":\"b\"}".to_string(),
            "{\"a\u{b}\":\u{a0}\"\\u00e9\", \"é\": [1, true, null, \"\t\"]}".to_string(),
        ];
        let mut dirs = vec![root.join("tests/fixtures")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    texts.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let inserts = ["", "\"", "\\", "}", ",", "\n", "\u{b}", "é", "/"];
        let mut cases = 0;
        for text in &texts {
            let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            for (k, &at) in boundaries.iter().enumerate().step_by(9) {
                for insert in inserts {
                    let mut mutated = text[..at].to_string();
                    if insert.is_empty() {
                        // Delete the character here instead.
                        let next = boundaries.get(k + 1).copied().unwrap_or(at);
                        mutated.push_str(&text[next..]);
                    } else {
                        mutated.push_str(insert);
                        mutated.push_str(&text[at..]);
                    }
                    let (mut fast_d, mut slow_d) = (Vec::new(), Vec::new());
                    let fast: Vec<_> = tokenize_with(&mutated, 0, mutated.len(), &mut fast_d, true)
                        .into_iter()
                        .map(|t| (t.kind, t.range))
                        .collect();
                    let slow: Vec<_> = tokenize_with(&mutated, 0, mutated.len(), &mut slow_d, false)
                        .into_iter()
                        .map(|t| (t.kind, t.range))
                        .collect();
                    assert_eq!(fast, slow, "{mutated:?}");
                    let describe = |d: &Vec<Diagnostic>| -> Vec<String> {
                        d.iter().map(|d| format!("{:?} {:?} {}", d.code, d.range, d.message)).collect()
                    };
                    assert_eq!(describe(&fast_d), describe(&slow_d), "{mutated:?}");
                    cases += 1;
                }
            }
        }
        assert!(cases > 2_000, "{cases}");
    }
}
