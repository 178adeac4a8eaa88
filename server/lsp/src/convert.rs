//! Conversions between the analysis library's plain data and LSP types.

use iam_analysis::{Analysis, Document, Encoding, LineCol, Severity, TextRange};
use tower_lsp_server::ls_types::{self as lsp, NumberOrString, Position};

pub fn position(doc: &Document, offset: usize, encoding: Encoding) -> Position {
    let LineCol { line, col } = doc.line_col(offset, encoding);
    Position { line, character: col }
}

pub fn range(doc: &Document, range: TextRange, encoding: Encoding) -> lsp::Range {
    lsp::Range { start: position(doc, range.start, encoding), end: position(doc, range.end, encoding) }
}

pub fn offset(doc: &Document, position: Position, encoding: Encoding) -> usize {
    doc.offset(LineCol { line: position.line, col: position.character }, encoding)
}

pub fn text_range(doc: &Document, range: lsp::Range, encoding: Encoding) -> TextRange {
    let start = offset(doc, range.start, encoding);
    let end = offset(doc, range.end, encoding).max(start);
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

pub fn diagnostic(doc: &Document, d: &iam_analysis::Diagnostic, encoding: Encoding) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(doc, d.range, encoding),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        source: Some("iam-lsp".to_string()),
        message: d.message.clone(),
        ..Default::default()
    }
}

/// The analysis's diagnostics; none when the checks failed (`None`, a bug reported apart).
pub fn diagnostics(doc: &Document, analysis: Option<&Analysis>, encoding: Encoding) -> Vec<lsp::Diagnostic> {
    match analysis {
        Some(analysis) => analysis.diagnostics.iter().map(|d| diagnostic(doc, d, encoding)).collect(),
        None => Vec::new(),
    }
}

pub fn completion_item(
    doc: &Document,
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
            range: range(doc, item.edit.range, encoding),
            new_text,
        })),
        ..Default::default()
    }
}

#[allow(deprecated)] // `deprecated` is a required field of DocumentSymbol
pub fn symbol(doc: &Document, symbol: iam_analysis::symbols::Symbol, encoding: Encoding) -> lsp::DocumentSymbol {
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
        range: range(doc, symbol.range, encoding),
        selection_range: range(doc, symbol.selection, encoding),
        // Optional in LSP: a leaf has none (not `[]`, bytes for each of thousands of names).
        children: (!symbol.children.is_empty())
            .then(|| symbol.children.into_iter().map(|c| self::symbol(doc, c, encoding)).collect()),
    }
}

/// Tokens in LSP's relative encoding: each as (line delta, start delta, length, type, 0).
pub fn semantic_tokens(
    doc: &Document,
    tokens: &[iam_analysis::semantic_tokens::Token],
    encoding: Encoding,
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut start) = (0, 0);
    for token in tokens {
        let from = position(doc, token.range.start, encoding);
        let to = position(doc, token.range.end, encoding);
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
