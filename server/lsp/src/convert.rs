//! Conversions between the analysis library's plain data and LSP types.

use iam_analysis::{Encoding, LineCol, Severity, TextRange};
use tower_lsp_server::ls_types::{self as lsp, NumberOrString, Position};

use crate::documents::Snapshot;

pub fn position(snapshot: &Snapshot, offset: usize, encoding: Encoding) -> Position {
    let LineCol { line, col } = snapshot.line_index.line_col(&snapshot.text, offset, encoding);
    Position { line, character: col }
}

pub fn range(snapshot: &Snapshot, range: TextRange, encoding: Encoding) -> lsp::Range {
    lsp::Range { start: position(snapshot, range.start, encoding), end: position(snapshot, range.end, encoding) }
}

pub fn offset(snapshot: &Snapshot, position: Position, encoding: Encoding) -> usize {
    snapshot.line_index.offset(&snapshot.text, LineCol { line: position.line, col: position.character }, encoding)
}

pub fn text_range(snapshot: &Snapshot, range: lsp::Range, encoding: Encoding) -> TextRange {
    let start = offset(snapshot, range.start, encoding);
    let end = offset(snapshot, range.end, encoding).max(start);
    TextRange::new(start, end)
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

pub fn diagnostic(snapshot: &Snapshot, d: &iam_analysis::Diagnostic, encoding: Encoding) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(snapshot, d.range, encoding),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("iam-lsp".to_string()),
        message: d.message.clone(),
        ..Default::default()
    }
}

pub fn diagnostics(snapshot: &Snapshot, encoding: Encoding) -> Vec<lsp::Diagnostic> {
    match snapshot.analysis() {
        Some(analysis) => analysis.diagnostics.iter().map(|d| diagnostic(snapshot, d, encoding)).collect(),
        None => Vec::new(),
    }
}

pub fn completion_item(
    snapshot: &Snapshot,
    item: iam_analysis::CompletionItem,
    encoding: Encoding,
    snippets: bool,
    markdown: bool,
) -> lsp::CompletionItem {
    use iam_analysis::CompletionKind as K;
    let kind = match item.kind {
        K::Property => lsp::CompletionItemKind::PROPERTY,
        K::Value => lsp::CompletionItemKind::VALUE,
        K::Module => lsp::CompletionItemKind::MODULE,
        K::Function => lsp::CompletionItemKind::FUNCTION,
        K::Snippet => lsp::CompletionItemKind::SNIPPET,
        K::Operator => lsp::CompletionItemKind::OPERATOR,
        K::Variable => lsp::CompletionItemKind::VARIABLE,
    };
    let snippet = item.snippet && snippets;
    let new_text = if snippet { item.edit.new_text.clone() } else { item.plain_text() };
    lsp::CompletionItem {
        label: item.label,
        kind: Some(kind),
        detail: item.detail,
        // A client that names no documentation format takes a plain string.
        documentation: item.documentation.map(|value| {
            if markdown {
                lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value })
            } else {
                lsp::Documentation::String(value)
            }
        }),
        filter_text: item.filter_text,
        insert_text_format: Some(if snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: range(snapshot, item.edit.range, encoding),
            new_text,
        })),
        ..Default::default()
    }
}

#[allow(deprecated)] // `deprecated` is a required field of DocumentSymbol
pub fn symbol(snapshot: &Snapshot, symbol: iam_analysis::symbols::Symbol, encoding: Encoding) -> lsp::DocumentSymbol {
    use iam_analysis::symbols::SymbolKind as K;
    lsp::DocumentSymbol {
        name: symbol.name,
        detail: symbol.detail,
        kind: match symbol.kind {
            K::Object => lsp::SymbolKind::OBJECT,
            K::Property => lsp::SymbolKind::PROPERTY,
            K::String => lsp::SymbolKind::STRING,
        },
        tags: None,
        deprecated: None,
        range: range(snapshot, symbol.range, encoding),
        selection_range: range(snapshot, symbol.selection, encoding),
        children: Some(symbol.children.into_iter().map(|c| self::symbol(snapshot, c, encoding)).collect()),
    }
}

/// Tokens in LSP's relative encoding: each as (line delta, start delta, length, type, 0).
pub fn semantic_tokens(
    snapshot: &Snapshot,
    tokens: &[iam_analysis::semantic_tokens::Token],
    encoding: Encoding,
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut start) = (0, 0);
    for token in tokens {
        let from = position(snapshot, token.range.start, encoding);
        let to = position(snapshot, token.range.end, encoding);
        let delta_line = from.line - line;
        let delta_start = if delta_line == 0 { from.character - start } else { from.character };
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: to.character - from.character,
            token_type: token.token_type.index(),
            token_modifiers_bitset: 0,
        });
        line = from.line;
        start = from.character;
    }
    out
}
