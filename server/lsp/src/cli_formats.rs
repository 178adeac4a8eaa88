//! `iam-lsp check --format sarif` (SARIF 2.1.0, for code-scanning uploads) and
//! `--format github` (GitHub Actions workflow annotations).

use std::io::Write;

use iam_analysis::{Code, Severity};

use super::Finding;

/// Where the rules are documented, for messages: the README's rule table.
const RULES: &str = "the \"Diagnostics\" table of iam-lsp's README.md";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// `help_uri`: the absolute URI of the rule table (`--help-uri`), each rule's `helpUri`;
/// SARIF wants absolute URIs there, so without one the rules carry the help as text only.
pub(super) fn sarif(findings: &[Finding], help_uri: Option<&str>, out: &mut impl Write) -> std::io::Result<()> {
    let rules: Vec<serde_json::Value> = Code::ALL
        .iter()
        .map(|code| {
            let mut rule = serde_json::json!({
                "id": code.as_str(),
                "name": code.as_str(),
                "shortDescription": {"text": code.summary()},
                "fullDescription": {"text": code.summary()},
                "help": {
                    "text": format!("{} See `{}` in {RULES}.", code.summary(), code.as_str()),
                    "markdown": match help_uri {
                        Some(uri) => format!("{} See `{}` in [the rule table]({uri}).", code.summary(), code.as_str()),
                        None => format!("{} See `{}` in {RULES}.", code.summary(), code.as_str()),
                    },
                },
                "defaultConfiguration": {"level": level(code.default_severity())},
            });
            if let Some(uri) = help_uri {
                rule["helpUri"] = uri.into();
            }
            rule
        })
        .collect();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let index = Code::ALL.iter().position(|c| *c == f.code).unwrap_or(0);
            let mut result = serde_json::json!({
                "ruleId": f.code.as_str(),
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [{ "physicalLocation": physical_location(&f.path, f.start, f.end) }],
            });
            if !f.related.is_empty() {
                result["relatedLocations"] = f
                    .related
                    .iter()
                    .enumerate()
                    .map(|(id, r)| {
                        serde_json::json!({
                            "id": id,
                            "physicalLocation": physical_location(&r.path, r.start, r.end),
                            "message": {"text": r.message},
                        })
                    })
                    .collect();
            }
            result
        })
        .collect();
    let mut log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "iam-lsp",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    if let Some(uri) = help_uri {
        log["runs"][0]["tool"]["driver"]["informationUri"] = uri.into();
    }
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// Whether `uri` is absolute (`scheme:...`), as SARIF's `helpUri` must be.
pub(super) fn is_absolute_uri(uri: &str) -> bool {
    let Some((scheme, rest)) = uri.split_once(':') else { return false };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
        && !uri.contains(char::is_whitespace)
}

/// A file and a range of it; SARIF counts lines and columns from 1, columns in UTF-16 units
/// by default (zero-based, UTF-16 here).
fn physical_location(path: &str, start: (u32, u32), end: (u32, u32)) -> serde_json::Value {
    serde_json::json!({
        "artifactLocation": {"uri": uri(path)},
        "region": {
            "startLine": start.0 + 1,
            "startColumn": start.1 + 1,
            "endLine": end.0 + 1,
            "endColumn": end.1 + 1,
        },
    })
}

/// A path as a relative URI reference: `/` separators, reserved characters escaped.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=CODE::MESSAGE`, escaped as
/// the workflow-command format asks.
pub(super) fn github(findings: &[Finding], out: &mut impl Write) -> std::io::Result<()> {
    for f in findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        // An annotation has one location: the related ones are named in its message.
        let mut message = f.message.clone();
        for r in &f.related {
            message.push_str(&format!(" (related: {}:{}: {})", r.path, r.start.0 + 1, r.message));
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&f.path),
            f.start.0 + 1,
            f.start.1 + 1,
            f.end.0 + 1,
            f.end.1 + 1,
            property(f.code.as_str()),
            data(&message)
        )?;
    }
    Ok(())
}

fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
