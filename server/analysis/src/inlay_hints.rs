//! Inlay hints: how many actions a wildcard grants, and (optionally) each action's access
//! level, shown after the string.

use crate::catalog::Catalog;
use crate::pattern;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint shows (after the action string).
    pub offset: usize,
    pub label: String,
}

/// Hints for the actions inside `range`.
use crate::Document;

pub fn inlay_hints(doc: &Document, range: TextRange, access_levels: bool) -> Vec<InlayHint> {
    if let Some(host) = doc.host() {
        return host.inlay_hints(range, access_levels);
    }
    let Some(policy) = doc.policy() else { return Vec::new() };
    let catalog = Catalog::get();
    let mut hints = Vec::new();
    for statement in &policy.statements {
        for lit in statement.action_strings().filter(|l| range.contains_range(l.range)) {
            if pattern::has_wildcard(&lit.value) {
                let n = catalog.matching_actions(&lit.value).len();
                hints.push(InlayHint {
                    offset: lit.range.end,
                    label: format!("{n} action{}", if n == 1 { "" } else { "s" }),
                });
            } else if access_levels {
                if let Some((_, action)) = catalog.action(&lit.value) {
                    hints.push(InlayHint { offset: lit.range.end, label: action.access_level.as_str().to_string() });
                }
            }
        }
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_count_and_levels_on_request() {
        let text = r#"{"Statement":{"Effect":"Allow","Action":["s3:Get*","s3:PutObject"],"Resource":"*"}}"#;
        let all = TextRange::new(0, text.len());
        let n = Catalog::get().matching_actions("s3:Get*").len();
        let hints = inlay_hints(&Document::from(text), all, false);
        assert_eq!(hints, [InlayHint { offset: text.find("\",\"s3:Put").unwrap() + 1, label: format!("{n} actions") }]);
        let with_levels = inlay_hints(&Document::from(text), all, true);
        assert_eq!(with_levels.len(), 2);
        assert_eq!(with_levels[1].label, "Write");
        assert!(inlay_hints(&Document::from(text), TextRange::new(0, 5), true).is_empty());
    }
}
