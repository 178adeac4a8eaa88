//! Semantic tokens: the same colours in every editor for service prefixes, actions, ARN
//! parts, condition operators and keys, and policy elements.

use crate::arn;
use crate::syntax::{StringLit, Value};
use crate::text::TextRange;
use crate::Document;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenType {
    /// A service prefix, and an ARN's service.
    Namespace,
    /// An action name.
    Function,
    /// A condition operator.
    Operator,
    /// A condition key.
    Variable,
    /// A policy element name (`Effect`, `Action`).
    Property,
    /// An ARN's partition.
    Keyword,
    /// An ARN's Region.
    EnumMember,
    /// An ARN's account.
    Number,
}

impl TokenType {
    pub const ALL: [TokenType; 8] = [
        TokenType::Namespace,
        TokenType::Function,
        TokenType::Operator,
        TokenType::Variable,
        TokenType::Property,
        TokenType::Keyword,
        TokenType::EnumMember,
        TokenType::Number,
    ];

    /// The LSP token type name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenType::Namespace => "namespace",
            TokenType::Function => "function",
            TokenType::Operator => "operator",
            TokenType::Variable => "variable",
            TokenType::Property => "property",
            TokenType::Keyword => "keyword",
            TokenType::EnumMember => "enumMember",
            TokenType::Number => "number",
        }
    }

    pub fn index(self) -> u32 {
        TokenType::ALL.iter().position(|t| *t == self).unwrap_or(0) as u32
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub range: TextRange,
    pub token_type: TokenType,
}

/// Tokens in document order; none spans a line.
pub fn semantic_tokens(doc: &Document) -> Vec<Token> {
    if let Some(host) = doc.host() {
        return host.semantic_tokens();
    }
    let text = doc.text();
    let Some(policy) = doc.policy() else { return Vec::new() };
    let mut out = Vec::new();
    for member in &policy.root.members {
        out.push(Token { range: member.key.range, token_type: TokenType::Property });
    }
    for statement in &policy.statements {
        for member in &statement.object.members {
            out.push(Token { range: member.key.range, token_type: TokenType::Property });
        }
        for lit in statement.action_strings() {
            action_tokens(lit, &mut out);
        }
        for lit in statement.resource_strings() {
            arn_tokens(lit, &mut out);
        }
        if let Some(Value::Object(condition)) = statement.condition.and_then(|m| m.value.as_ref()) {
            for block in &condition.members {
                out.push(Token { range: block.key.range, token_type: TokenType::Operator });
                if let Some(Value::Object(keys)) = &block.value {
                    for key in &keys.members {
                        out.push(Token { range: key.key.range, token_type: TokenType::Variable });
                    }
                }
            }
        }
    }
    out.retain(|t| !t.range.is_empty() && !text[t.range.start..t.range.end].contains(['\n', '\r']));
    out.sort_by_key(|t| (t.range.start, t.range.end));
    out.dedup_by_key(|t| t.range.start);
    out
}

fn action_tokens(lit: &StringLit, out: &mut Vec<Token>) {
    if !lit.verbatim {
        return;
    }
    if let Some((prefix, name)) = lit.value.split_once(':') {
        out.push(Token { range: lit.sub_range(0, prefix.len()), token_type: TokenType::Namespace });
        let start = prefix.len() + 1;
        out.push(Token { range: lit.sub_range(start, start + name.len()), token_type: TokenType::Function });
    }
}

fn arn_tokens(lit: &StringLit, out: &mut Vec<Token>) {
    if !lit.verbatim {
        return;
    }
    let Ok(parsed) = arn::parse(&lit.value) else { return };
    for (part, token_type) in [
        (parsed.partition, TokenType::Keyword),
        (parsed.service, TokenType::Namespace),
        (parsed.region, TokenType::EnumMember),
        (parsed.account, TokenType::Number),
    ] {
        out.push(Token { range: lit.sub_range(part.start, part.end()), token_type });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_actions_arn_parts_operators_and_keys() {
        let text = r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}}"#;
        let tokens: Vec<(&str, TokenType)> = semantic_tokens(&Document::from(text))
            .iter()
            .map(|t| (&text[t.range.start..t.range.end], t.token_type))
            .collect();
        assert!(tokens.contains(&("s3", TokenType::Namespace)));
        assert!(tokens.contains(&("GetObject", TokenType::Function)));
        assert!(tokens.contains(&("aws", TokenType::Keyword)));
        assert!(tokens.contains(&("\"Bool\"", TokenType::Operator)));
        assert!(tokens.contains(&("\"aws:SecureTransport\"", TokenType::Variable)));
        assert!(tokens.contains(&("\"Effect\"", TokenType::Property)));
        assert!(tokens.windows(2).all(|w| w[0].0.as_ptr() <= w[1].0.as_ptr()));
    }
}
