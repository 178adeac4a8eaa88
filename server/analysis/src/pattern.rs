//! Wildcard patterns: IAM's `*` and `?` (and policy variables, which can stand for any
//! text) on one side, catalog ARN formats with `${Placeholder}`s on the other. The question
//! asked is always "can one string match both?", answered on the product automaton.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Lit(char),
    /// `?`: exactly one character.
    Any,
    /// `*`: any run of characters, possibly empty.
    Star,
    /// The first character of a `${Placeholder}` in an ARN format: anything but a `:`, so
    /// that `knowledge-base/:id` does not pass for `knowledge-base/${Id}`. (A `/` can
    /// start a value: log group names do.)
    SegmentStart,
}

/// A pattern as IAM reads it in a policy. Policy variables (`${aws:username}`) can be any
/// text; `${*}`, `${?}` and `${$}` are the escaped literal characters.
pub fn policy_pattern(s: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s;
    while let Some(ch) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(close) = after.find('}') {
                match &after[..close] {
                    "*" => out.push(Tok::Lit('*')),
                    "?" => out.push(Tok::Lit('?')),
                    "$" => out.push(Tok::Lit('$')),
                    _ => out.push(Tok::Star),
                }
                rest = &after[close + 1..];
                continue;
            }
        }
        out.push(match ch {
            '*' => Tok::Star,
            '?' => Tok::Any,
            c => Tok::Lit(c),
        });
        rest = &rest[ch.len_utf8()..];
    }
    out
}

/// A catalog ARN format (or part of one): `${Name}` is a non-empty value, `*` any text.
pub fn format_pattern(s: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s;
    while let Some(ch) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(close) = after.find('}') {
                out.push(Tok::SegmentStart);
                out.push(Tok::Star);
                rest = &after[close + 1..];
                continue;
            }
        }
        out.push(if ch == '*' { Tok::Star } else { Tok::Lit(ch) });
        rest = &rest[ch.len_utf8()..];
    }
    out
}

/// Plain text, every character literal.
pub fn literal(s: &str) -> Vec<Tok> {
    s.chars().map(Tok::Lit).collect()
}

pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Whether some string matches both patterns.
pub fn intersects(a: &[Tok], b: &[Tok]) -> bool {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    let mut seen = vec![false; (n + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    seen[0] = true;
    while let Some((i, j)) = stack.pop() {
        if i == n && j == m {
            return true;
        }
        let mut push = |i: usize, j: usize, stack: &mut Vec<(usize, usize)>| {
            let k = i * width + j;
            if !seen[k] {
                seen[k] = true;
                stack.push((i, j));
            }
        };
        // A star may match nothing.
        if i < n && a[i] == Tok::Star {
            push(i + 1, j, &mut stack);
        }
        if j < m && b[j] == Tok::Star {
            push(i, j + 1, &mut stack);
        }
        // Both consume one character; a star consumes it and stays.
        let step = |toks: &[Tok], k: usize| -> Option<(Tok, usize)> {
            match toks.get(k)? {
                Tok::Star => Some((Tok::Any, k)),
                &t => Some((t, k + 1)),
            }
        };
        if let (Some((ta, ni)), Some((tb, nj))) = (step(a, i), step(b, j)) {
            if (ni, nj) != (i, j) && compatible(ta, tb) {
                push(ni, nj, &mut stack);
            }
        }
    }
    false
}

fn compatible(a: Tok, b: Tok) -> bool {
    match (a, b) {
        (Tok::Lit(x), Tok::Lit(y)) => x == y,
        (Tok::Lit(c), Tok::SegmentStart) | (Tok::SegmentStart, Tok::Lit(c)) => c != ':',
        _ => true,
    }
}

/// Whether `text` matches an IAM wildcard `pattern`, ignoring ASCII case (how IAM compares
/// action names).
pub fn matches_ignore_case(pattern: &str, text: &str) -> bool {
    let pattern: Vec<Tok> = pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::Any,
            c => Tok::Lit(c.to_ascii_lowercase()),
        })
        .collect();
    let text: Vec<Tok> = text.chars().map(|c| Tok::Lit(c.to_ascii_lowercase())).collect();
    intersects(&pattern, &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(policy: &str, format: &str) -> bool {
        intersects(&policy_pattern(policy), &format_pattern(format))
    }

    #[test]
    fn placeholders_match_non_empty_values_that_do_not_start_with_a_separator() {
        assert!(both("knowledge-base/ABCDEFGHIJ", "knowledge-base/${KnowledgeBaseId}"));
        assert!(both("knowledge-base/*", "knowledge-base/${KnowledgeBaseId}"));
        assert!(!both("knowledge-base/", "knowledge-base/${KnowledgeBaseId}"));
        assert!(!both("knowledge-base/:knowledge-base-id", "knowledge-base/${KnowledgeBaseId}"));
        assert!(!both("agent/ABC", "agent-alias/${AgentId}/${AliasId}"));
        assert!(!both("agent-alias/ABC", "agent-alias/${AgentId}/${AliasId}"));
        assert!(both("agent-alias/ABC/*", "agent-alias/${AgentId}/${AliasId}"));
        assert!(both("role/path/to/name", "role/${RoleNameWithPath}"));
        assert!(both("log-group:/aws/lambda/*", "log-group:${LogGroupName}"));
        assert!(!both("log-group::log-stream:*", "log-group:${LogGroupName}:log-stream:${LogStreamName}"));
    }

    #[test]
    fn wildcards_on_both_sides() {
        assert!(both("*", "function:${FunctionName}"));
        assert!(both("func*", "function:${FunctionName}"));
        assert!(both("function:?", "function:${FunctionName}"));
        assert!(both("cert:abc", "cert:*"));
        assert!(!both("certificate/abc", "cert:*"));
        assert!(both("home/${aws:username}/*", "${BucketName}/${ObjectName}"));
    }

    #[test]
    fn escaped_variables_are_literal() {
        assert!(!both("a${*}", "ab"));
        assert!(both("a${*}", "a*"));
    }

    #[test]
    fn action_names_ignore_case() {
        assert!(matches_ignore_case("Invoke*", "InvokeModel"));
        assert!(matches_ignore_case("invoke?odel", "InvokeModel"));
        assert!(!matches_ignore_case("Invok*e", "InvokeModel"));
        assert!(matches_ignore_case("*", ""));
    }
}
