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
    match &snapshot.analysis {
        Some(analysis) => analysis.diagnostics.iter().map(|d| diagnostic(snapshot, d, encoding)).collect(),
        None => Vec::new(),
    }
}
