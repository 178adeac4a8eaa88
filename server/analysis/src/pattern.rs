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
    /// The first character of a placeholder that is one `/`-separated segment (an S3
    /// bucket's name, an API's id): neither `:` nor `/`.
    SegmentStartNoSlash,
    /// The rest of such a placeholder: any run of characters without a `/`.
    NoSlashStar,
    /// One character that is not a `/` (what `NoSlashStar` consumes in the product search).
    NotSlash,
    /// A policy ARN's `*` that is not the last character of its `:`-separated segment: any
    /// run of characters without a `:` (see [`arn_pattern`]).
    SegmentStar,
    /// One character that is not a `:`: a policy ARN's `?`, and what `SegmentStar` consumes.
    NotColon,
}

/// A pattern as IAM reads it in a policy. Policy variables (`${aws:username}`) can be any
/// text; `${*}`, `${?}` and `${$}` are the escaped literal characters.
pub fn policy_pattern(s: &str) -> Vec<Tok> {
    tokens(s, |ch, _| match ch {
        '*' => Tok::Star,
        '?' => Tok::Any,
        c => Tok::Lit(c),
    })
}

/// A policy's ARN (or the text of some of its parts) as IAM matches it against ARNs: "If
/// the * wildcard is the last character of a resource ARN segment, it can expand to match
/// beyond the colon boundaries" (IAM User Guide,
/// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html>,
/// read 2026-12-03). So a `*` followed by `:` or ending the text is [`Tok::Star`]; any other
/// `*` stays within its segment ([`Tok::SegmentStar`]), and so does `?` ([`Tok::NotColon`]).
/// Policy variables can be any text, as in [`policy_pattern`].
pub fn arn_pattern(s: &str) -> Vec<Tok> {
    tokens(s, |ch, rest| match ch {
        '*' if rest.is_empty() || rest.starts_with(':') => Tok::Star,
        '*' => Tok::SegmentStar,
        '?' => Tok::NotColon,
        c => Tok::Lit(c),
    })
}

/// A policy's text as tokens: variables and escapes as [`policy_pattern`] says, every other
/// character by `token` (given it and the text after it).
fn tokens(s: &str, token: impl Fn(char, &str) -> Tok) -> Vec<Tok> {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s;
    while let Some(ch) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(close) = after.find('}') {
                out.push(match &after[..close] {
                    "*" => Tok::Lit('*'),
                    "?" => Tok::Lit('?'),
                    "$" => Tok::Lit('$'),
                    _ => Tok::Star,
                });
                rest = &after[close + 1..];
                continue;
            }
        }
        rest = &rest[ch.len_utf8()..];
        out.push(token(ch, rest));
    }
    out
}

/// What a policy's ARN says of the resource, to compare with catalog ARN formats: its
/// resource part, matched against a format's resource part, and, when a `*` ends the
/// account and so can reach across colons ([`arn_pattern`]), matched also against what
/// follows a `:` in a format's leading literal text ([`lead_suffixes`]): in
/// `arn:aws:secretsmanager:*:*:sqlworkbench!*` the account's `*` takes `ACCOUNT:secret`,
/// and `sqlworkbench!*` is matched with `${SecretId}`. Only a resource part that is one
/// non-empty segment (no `:` of its own) is read so: one with a `:` would have its segments
/// stand for the values of the format's later placeholders (`statemachine:*sagemaker*` as
/// the executions of a state machine named `statemachine`, `type/resource/X` as a stack
/// set's generated id), which no policy means. And a Region's `*` followed by a named
/// account could span too, but only with that account's id inside the resource part.
#[derive(Clone, Debug)]
pub struct ArnResource {
    pub resource: Vec<Tok>,
    /// Whether the account ends with a `*`.
    pub spans: bool,
}

impl ArnResource {
    /// The resource part itself is read as before, every `*` any text: the page speaks only
    /// of a `*` that ends a segment, and AWS's own sample templates grant secrets with
    /// `arn:aws:secretsmanager:REGION:ACCOUNT:*/*`, which a `*` kept inside its segment
    /// would not match; where it is not known, nothing is reported.
    pub fn new(account: &str, resource: &str) -> ArnResource {
        let one_segment = !resource.is_empty() && crate::arn::split_outside_variables(resource, b':', 2).len() == 1;
        ArnResource { resource: policy_pattern(resource), spans: account.ends_with('*') && one_segment }
    }

    /// Whether some ARN matches both this and a format, given as its resource pattern and
    /// its [`lead_suffixes`].
    pub fn fits(&self, resource: &[Tok], suffixes: &[Vec<Tok>]) -> bool {
        intersects(&self.resource, resource) || self.fits_after_span(suffixes)
    }

    /// Whether, read with the account's `*` spanning, this matches a format's suffix.
    pub fn fits_after_span(&self, suffixes: &[Vec<Tok>]) -> bool {
        self.spans && suffixes.iter().any(|suffix| intersects(&self.resource, suffix))
    }
}

/// What follows each `:` in a format's resource part before its first placeholder
/// (`secret:${SecretId}` → `${SecretId}`), read by `read` (given the byte offset of the
/// suffix): where a policy's spanning `*` may end. Only literal text is taken to be
/// spanned: a spanning `*` that took a placeholder's value too would let the policy's whole
/// resource part pass for the value of a later one, such as a stack set's generated
/// `:${Id}` (`stackset/${StackSetName}:${Id}`), which no real ARN has.
pub fn lead_suffixes(resource: &str, read: impl Fn(usize) -> Vec<Tok>) -> Vec<Vec<Tok>> {
    let lead = resource.find("${").unwrap_or(resource.len());
    resource[..lead].match_indices(':').map(|(at, _)| read(at + 1)).collect()
}

/// A catalog ARN format (or part of one): `${Name}` is a non-empty value, `*` any text.
/// `one_segment(end)` says whether the placeholder ending at byte `end` is one
/// `/`-separated segment, which holds no `/`.
pub fn format_pattern(s: &str, one_segment: impl Fn(usize) -> bool) -> Vec<Tok> {
    let mut out = Vec::with_capacity(s.len());
    let mut at = 0;
    while let Some(ch) = s[at..].chars().next() {
        if let Some(after) = s[at..].strip_prefix("${") {
            if let Some(close) = after.find('}') {
                let end = at + 2 + close + 1;
                if one_segment(end) {
                    out.extend([Tok::SegmentStartNoSlash, Tok::NoSlashStar]);
                } else {
                    out.extend([Tok::SegmentStart, Tok::Star]);
                }
                at = end;
                continue;
            }
        }
        out.push(if ch == '*' { Tok::Star } else { Tok::Lit(ch) });
        at += ch.len_utf8();
    }
    out
}

/// An ARN AWS authorizes a request against, as `catalog/corrections.json` writes it:
/// `${Name}` any value (a whole segment), every other character itself (`*` too).
pub fn request_pattern(s: &str) -> Vec<Tok> {
    // A private-use character stands for the literal `*` while the placeholders are read.
    const STAR: char = '\u{E000}';
    let marked = s.replace('*', "\u{E000}");
    let one_segment = |_| false;
    format_pattern(&marked, one_segment)
        .into_iter()
        .map(|t| if t == Tok::Lit(STAR) { Tok::Lit('*') } else { t })
        .collect()
}

fn fixes_length(toks: &[Tok]) -> bool {
    toks.iter().all(|t| !matches!(t, Tok::NoSlashStar | Tok::SegmentStar))
}

/// Plain text, every character literal.
pub fn literal(s: &str) -> Vec<Tok> {
    s.chars().map(Tok::Lit).collect()
}

/// Whether text holds `*` or `?`. (Byte scans: these run on every string of a policy, and
/// `str::contains` with a set of chars or a string costs several times more on short text.)
pub fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

/// Whether text holds a policy variable's `${`.
pub fn has_variable(s: &str) -> bool {
    let bytes = s.as_bytes();
    memchr::memchr_iter(b'$', bytes).any(|i| bytes.get(i + 1) == Some(&b'{'))
}

/// Whether some string matches both patterns.
pub fn intersects(a: &[Tok], b: &[Tok]) -> bool {
    // Most pairs differ within their leading literal text (`bucket/...` against
    // `job/${JobId}`): settle those before matching. Leading and trailing literals that
    // agree are matched by the same characters of any common string: drop them, which
    // keeps the product search below small.
    let mut common = 0;
    for pair in a.iter().zip(b) {
        match pair {
            (Tok::Lit(x), Tok::Lit(y)) if x != y => return false,
            (Tok::Lit(_), Tok::Lit(_)) => common += 1,
            _ => break,
        }
    }
    let (mut a, mut b) = (&a[common..], &b[common..]);
    while let (Some(Tok::Lit(x)), Some(Tok::Lit(y))) = (a.last(), b.last()) {
        if x != y {
            return false;
        }
        a = &a[..a.len() - 1];
        b = &b[..b.len() - 1];
    }
    // The fast paths below know one kind of star; a segment's star (no `/`) needs the search.
    if !(fixes_length(a) && fixes_length(b)) {
        return SCRATCH.with(|scratch| {
            let Scratch { seen, stack } = &mut *scratch.borrow_mut();
            product(a, b, seen, stack)
        });
    }
    // The common case, a policy's ARN without wildcards against a catalog format, is plain
    // matching: linear in practice, and no allocation.
    if a.iter().all(|t| matches!(t, Tok::Lit(_))) {
        return glob(b, a.len(), |p, i| compatible(a[i], p));
    }
    if b.iter().all(|t| matches!(t, Tok::Lit(_))) {
        return glob(a, b.len(), |p, i| compatible(p, b[i]));
    }
    // `literal*` (`bucket/*`): some string matches both when the format can read the literal
    // as the start of a string, whatever follows.
    if let Some((Tok::Star, literal)) = a.split_last() {
        if literal.iter().all(|t| matches!(t, Tok::Lit(_))) {
            return glob_prefix(b, literal.len(), |p, i| compatible(literal[i], p));
        }
    }
    SCRATCH.with(|scratch| {
        let Scratch { seen, stack } = &mut *scratch.borrow_mut();
        product(a, b, seen, stack)
    })
}

/// The product search's visited set (a bitset) and work stack, reused between calls.
#[derive(Default)]
struct Scratch {
    seen: Vec<u64>,
    stack: Vec<(u32, u32)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Whether a text of `len` characters matches `pattern`, where `one(token, i)` says whether
/// a token other than `Star` matches the text's character `i`. Greedy with backtracking to
/// the last star: exact when every token but `Star` stands for one character.
fn glob(pattern: &[Tok], len: usize, one: impl Fn(Tok, usize) -> bool) -> bool {
    glob_from(pattern, len, one).is_some_and(|p| pattern[p..].iter().all(|&tok| tok == Tok::Star))
}

/// Whether some text that starts with the `len` characters matches `pattern`: every
/// pattern can match something after them.
fn glob_prefix(pattern: &[Tok], len: usize, one: impl Fn(Tok, usize) -> bool) -> bool {
    glob_from(pattern, len, one).is_some()
}

/// Matches the text against the start of `pattern`, as [`glob`] does; returns where in the
/// pattern the text ended, or `None` when no way of reading the text fits.
fn glob_from(pattern: &[Tok], len: usize, one: impl Fn(Tok, usize) -> bool) -> Option<usize> {
    let (mut p, mut t) = (0, 0);
    // After the last star seen: where the pattern resumes, and the text position it matched to.
    let mut resume: Option<(usize, usize)> = None;
    while t < len {
        match pattern.get(p) {
            Some(Tok::Star) => {
                p += 1;
                resume = Some((p, t));
            }
            Some(&tok) if one(tok, t) => {
                p += 1;
                t += 1;
            }
            _ => match resume {
                // Let the last star take one more character.
                Some((rp, rt)) => {
                    p = rp;
                    t = rt + 1;
                    resume = Some((rp, rt + 1));
                }
                None => return None,
            },
        }
    }
    Some(p)
}

/// The general case: a search of the product of the two patterns' automata.
fn product(a: &[Tok], b: &[Tok], seen: &mut Vec<u64>, stack: &mut Vec<(u32, u32)>) -> bool {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    seen.clear();
    seen.resize(((n + 1) * width).div_ceil(64), 0);
    stack.clear();
    let mut visit = |i: usize, j: usize, stack: &mut Vec<(u32, u32)>| {
        let k = i * width + j;
        if seen[k / 64] & (1 << (k % 64)) == 0 {
            seen[k / 64] |= 1 << (k % 64);
            stack.push((i as u32, j as u32));
        }
    };
    visit(0, 0, stack);
    while let Some((i, j)) = stack.pop() {
        let (i, j) = (i as usize, j as usize);
        if i == n && j == m {
            return true;
        }
        // A star may match nothing.
        if i < n && matches!(a[i], Tok::Star | Tok::NoSlashStar | Tok::SegmentStar) {
            visit(i + 1, j, stack);
        }
        if j < m && matches!(b[j], Tok::Star | Tok::NoSlashStar | Tok::SegmentStar) {
            visit(i, j + 1, stack);
        }
        // Both consume one character; a star consumes it and stays.
        let step = |toks: &[Tok], k: usize| -> Option<(Tok, usize)> {
            match toks.get(k)? {
                Tok::Star => Some((Tok::Any, k)),
                Tok::NoSlashStar => Some((Tok::NotSlash, k)),
                Tok::SegmentStar => Some((Tok::NotColon, k)),
                &t => Some((t, k + 1)),
            }
        };
        if let (Some((ta, ni)), Some((tb, nj))) = (step(a, i), step(b, j)) {
            if (ni, nj) != (i, j) && compatible(ta, tb) {
                visit(ni, nj, stack);
            }
        }
    }
    false
}

/// Whether one character can match both tokens (each one character long). Every two
/// character classes share one (a letter).
fn compatible(a: Tok, b: Tok) -> bool {
    let admits = |class: Tok, c: char| match class {
        Tok::SegmentStart => c != ':',
        Tok::SegmentStartNoSlash => c != ':' && c != '/',
        Tok::NotSlash | Tok::NoSlashStar => c != '/',
        Tok::NotColon | Tok::SegmentStar => c != ':',
        _ => true,
    };
    match (a, b) {
        (Tok::Lit(x), Tok::Lit(y)) => x == y,
        (Tok::Lit(c), class) | (class, Tok::Lit(c)) => admits(class, c),
        _ => true,
    }
}

/// IAM wildcard text without policy variables: `*` and `?` are wildcards, every other
/// character itself. (A request's resource or action that stands for a set; a policy string
/// whose variables are off or absent.)
pub fn wildcards(s: &str) -> Vec<Tok> {
    s.chars()
        .map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::Any,
            c => Tok::Lit(c),
        })
        .collect()
}

/// Whether `pattern` matches every string `request` matches (both of `Lit`, `Any` and
/// `Star`). Sufficient and, for the patterns policies hold, exact: a request's wildcard can
/// only be covered by a `*` (or, for `?`, by a `?`). What a `Deny` asks of a request that
/// stands for a set; [`intersects`] is what an `Allow` asks.
pub fn covers(pattern: &[Tok], request: &[Tok]) -> bool {
    let m = request.len();
    // reach[j]: the pattern tokens read so far can match the request's first j.
    let mut reach = vec![false; m + 1];
    reach[0] = true;
    for &tok in pattern {
        let mut next = vec![false; m + 1];
        match tok {
            Tok::Star => {
                let mut any = false;
                for j in 0..=m {
                    any |= reach[j];
                    next[j] = any;
                }
            }
            tok => {
                for j in 0..m {
                    if reach[j] {
                        next[j + 1] = match (tok, request[j]) {
                            (Tok::Lit(a), Tok::Lit(b)) => a == b,
                            (Tok::Any, Tok::Lit(_) | Tok::Any) => true,
                            _ => false,
                        };
                    }
                }
            }
        }
        reach = next;
    }
    reach[m]
}

/// Whether `text` matches an IAM wildcard `pattern`, ignoring ASCII case (how IAM compares
/// action names).
pub fn matches_ignore_case(pattern: &str, text: &str) -> bool {
    matches_with(pattern, text, true)
}

/// Whether `text` matches an IAM wildcard `pattern` (`*`, `?`), case-sensitively (how IAM
/// compares ARNs and resource names).
pub fn matches(pattern: &str, text: &str) -> bool {
    matches_with(pattern, text, false)
}

fn matches_with(pattern: &str, text: &str, ignore_case: bool) -> bool {
    // Most calls compare a policy's string with one text: settle them without building a
    // matcher, on the text before the first wildcard.
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let same = |a: &[u8], b: &[u8]| if ignore_case { a.eq_ignore_ascii_case(b) } else { a == b };
    let literal = p.iter().position(|&b| b == b'*' || b == b'?').unwrap_or(p.len());
    if literal == p.len() {
        return same(p, t);
    }
    if t.len() < literal || !same(&t[..literal], &p[..literal]) {
        return false;
    }
    Matcher::with_case(pattern, ignore_case).matches(text)
}

/// An IAM wildcard pattern (`*`, `?`) ready to match many texts, ignoring ASCII case or
/// not: what expanding a wildcard against a service's actions, or every service's, needs,
/// and a policy's patterns compiled once for the evaluator.
#[derive(Clone, Debug)]
pub struct Matcher {
    tokens: Vec<Tok>,
    /// The pattern's leading ASCII literal text (lower-cased when case is ignored): most
    /// texts differ from it within a byte or two, and are rejected without matching.
    prefix: Vec<u8>,
    /// Whether the pattern is that prefix and one `*`.
    prefix_star: bool,
    /// Whether the pattern is that prefix alone (no wildcard, ASCII).
    exact: bool,
    ignore_case: bool,
}

impl Matcher {
    /// A matcher that ignores ASCII case, as IAM compares action names.
    pub fn new(pattern: &str) -> Matcher {
        Matcher::with_case(pattern, true)
    }

    /// A matcher that compares case as it is, as IAM compares ARNs.
    pub fn case_sensitive(pattern: &str) -> Matcher {
        Matcher::with_case(pattern, false)
    }

    fn with_case(pattern: &str, ignore_case: bool) -> Matcher {
        let mut tokens = wildcards(pattern);
        let mut prefix: Vec<u8> = pattern.bytes().take_while(|b| b.is_ascii() && !matches!(b, b'*' | b'?')).collect();
        if ignore_case {
            for t in &mut tokens {
                if let Tok::Lit(c) = t {
                    *c = c.to_ascii_lowercase();
                }
            }
            prefix.make_ascii_lowercase();
        }
        // `Describe*`, the usual wildcard: the prefix says it all.
        let prefix_star = pattern.len() == prefix.len() + 1 && pattern.ends_with('*');
        let exact = pattern.len() == prefix.len();
        Matcher { tokens, prefix, prefix_star, exact, ignore_case }
    }

    /// Whether the pattern is its literal prefix and one `*` (`Describe*`).
    pub fn is_prefix_star(&self) -> bool {
        self.prefix_star
    }

    /// The pattern's leading text before any wildcard (its ASCII part), lower-cased when
    /// case is ignored: every match starts with it.
    pub fn literal_prefix(&self) -> &[u8] {
        &self.prefix
    }

    /// The pattern as tokens (lower-cased when case is ignored), for comparing it with
    /// another pattern ([`intersects`], [`covers`]).
    pub fn tokens(&self) -> &[Tok] {
        &self.tokens
    }

    pub fn matches(&self, text: &str) -> bool {
        let t = text.as_bytes();
        let same = |a: &[u8], b: &[u8]| if self.ignore_case { a.eq_ignore_ascii_case(b) } else { a == b };
        if t.len() < self.prefix.len() || !same(&t[..self.prefix.len()], &self.prefix) {
            return false;
        }
        if self.prefix_star {
            return true;
        }
        if self.exact {
            return t.len() == self.prefix.len();
        }
        let fold = |c: char| if self.ignore_case { c.to_ascii_lowercase() } else { c };
        if text.is_ascii() {
            // Action names and most ARNs are ASCII: compare bytes, without allocating.
            return glob(&self.tokens, t.len(), |tok, i| tok == Tok::Any || tok == Tok::Lit(fold(t[i] as char)));
        }
        let text: Vec<char> = text.chars().map(fold).collect();
        glob(&self.tokens, text.len(), |tok, i| compatible(tok, Tok::Lit(text[i])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(policy: &str, format: &str) -> bool {
        intersects(&policy_pattern(policy), &format_pattern(format, |_| false))
    }

    /// As [`both`], with the placeholders of `segments` (by name) one `/`-free segment.
    fn both_segments(policy: &str, format: &str, segments: &[&str]) -> bool {
        let one = |end: usize| segments.iter().any(|name| format[..end].ends_with(&format!("${{{name}}}")));
        intersects(&policy_pattern(policy), &format_pattern(format, one))
    }

    #[test]
    fn a_segment_placeholder_holds_no_slash() {
        assert!(!both_segments("my-bucket/*", "${BucketName}", &["BucketName"]));
        assert!(both_segments("my-bucket", "${BucketName}", &["BucketName"]));
        assert!(both_segments("my-*", "${BucketName}", &["BucketName"]));
        assert!(both_segments("*", "${BucketName}", &["BucketName"]));
        assert!(!both_segments("/x", "${BucketName}", &["BucketName"]));
        let stage = "/restapis/${RestApiId}/stages/${StageName}";
        let part = "/restapis/${RestApiId}/documentation/parts/${DocumentationPartId}";
        assert!(both_segments("/restapis/*/stages/*", stage, &["RestApiId"]));
        assert!(!both_segments("/restapis/x/stages/*", part, &["RestApiId"]));
        assert!(!both_segments("/restapis/*/stages/*", part, &["RestApiId", "DocumentationPartId"]));
        // Without the segment rule, the documentation part took `a/stages/b` as its API id.
        assert!(both("/restapis/*/stages/*", part));
        assert!(both_segments("a/b/c", "${X}/${Y}", &["X"]));
        assert!(!both_segments("a/b/c", "${X}/${Y}", &["X", "Y"]));
    }

    #[test]
    fn request_arns_take_star_literally() {
        assert!(intersects(&policy_pattern("*"), &request_pattern("*")));
        assert!(!intersects(&policy_pattern("my-bucket"), &request_pattern("*")));
        assert!(intersects(&policy_pattern("log-group:*"), &request_pattern("log-group::log-stream:")));
        assert!(!intersects(&policy_pattern("log-group:app:*"), &request_pattern("log-group::log-stream:")));
        assert!(intersects(&policy_pattern("transform/Serverless-2016-10-31"), &request_pattern("transform/${Name}")));
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
    fn an_arn_star_spans_colons_only_at_the_end_of_a_segment() {
        let m = |p: &str, text: &str| intersects(&arn_pattern(p), &literal(text));
        assert_eq!(
            arn_pattern("a*:b*c?"),
            [Tok::Lit('a'), Tok::Star, Tok::Lit(':'), Tok::Lit('b'), Tok::SegmentStar, Tok::Lit('c'), Tok::NotColon]
        );
        // Spanning: the account's `*` takes `111122223333:secret`.
        let secret = "arn:aws:secretsmanager:us-east-1:111122223333:secret:sqlworkbench!abc";
        assert!(m("arn:aws:secretsmanager:*:*:sqlworkbench!*", secret));
        assert!(m("arn:aws:logs:*:*:/aws-glue/*", "arn:aws:logs:us-east-1:111122223333:log-group:/aws-glue/jobs:*"));
        assert!(m("log-group:a*", "log-group:a:b"));
        // Not spanning: a `*` inside a segment, and `?`.
        assert!(!m("arn:aws:secretsmanager:us-east-1:1*t:sqlworkbench!*", secret));
        assert!(m("arn:aws:secretsmanager:us-east-1:1*3:secret:sqlworkbench!*", secret));
        assert!(!m("log-group:a*b", "log-group:a:b"));
        assert!(m("log-group:a*b", "log-group:axyb"));
        assert!(!m("a?b", "a:b"));
        assert!(m("a?b", "a/b"));
        // Several stars, mixed.
        assert!(m("*:*:*", "a:b:c:d"));
        assert!(!m("x*y*z", "xy:z"));
        assert!(m("x*y*:z", "xy:q:z"));
        assert!(!m("*-a*b-*", "x-a:b-y"));
        // A segment's star with a catalog placeholder (which may hold a `:`).
        assert!(intersects(
            &arn_pattern("log-group:*"),
            &format_pattern("log-group:${Name}:log-stream:${S}", |_| false)
        ));
        assert!(!intersects(
            &arn_pattern("log-group:x*y"),
            &format_pattern("log-group:${N}:log-stream:${S}", |_| false)
        ));
        // Many stars stay cheap (the product search is linear in each pattern's length).
        let many = "a*".repeat(200) + "b";
        assert!(!m(&many, &"a".repeat(400)));
        assert!(!intersects(&arn_pattern(&"a*x".repeat(200)), &arn_pattern(&"a*y".repeat(200))));
    }

    #[test]
    fn arn_resources_compare_the_tail_when_region_or_account_ends_with_a_star() {
        let fits_in = |format: &str, _region: &str, account: &str, resource: &str| {
            let r = ArnResource::new(account, resource);
            let suffixes = lead_suffixes(format, |from| format_pattern(&format[from..], |_| false));
            r.fits(&format_pattern(format, |_| false), &suffixes)
        };
        let fits =
            |region: &str, account: &str, resource: &str| fits_in("secret:${SecretId}", region, account, resource);
        assert!(fits("*", "*", "sqlworkbench!*"));
        assert!(fits("us-east-1", "*", "sqlworkbench!*"));
        // Only the account's `*` is taken to span.
        assert!(!fits("*", "111122223333", "sqlworkbench!*"));
        assert!(!fits("us-east-1", "111122223333", "sqlworkbench!*"));
        assert!(!fits("us-east-1", "1*2", "sqlworkbench!*"));
        assert!(fits("us-east-1", "111122223333", "secret:sqlworkbench!*"));
        assert!(!fits("us-east-1", "111122223333", "other:*"));
        // Only literal text is spanned: the policy's text does not pass for a later id.
        assert!(!fits_in("knowledge-base/${Id}", "*", "111122223333", "knowledge-base/:id"));
        assert!(!fits_in("stackset/${StackSetName}:${Id}", "*", "*", "type/resource/AWS-IAM-Role"));
        assert!(fits_in("log-group:${LogGroupName}:log-stream:${LogStreamName}", "*", "*", "/aws-glue/*"));
        assert!(fits_in("knowledge-base/${Id}", "*", "111122223333", "knowledge-base/*"));
        assert!(fits_in("alarm:${AlarmName}", "*", "*", "iotfleethub*"));
        assert!(fits_in("log-group:${LogGroupName}", "*", "*", "/aws-glue/*"));
        assert!(fits_in("a:b:${Id}", "us-east-1", "1*", "x"));
        assert!(!fits_in("a:b:${Id}", "us-east-1", "1*", "b:x"));
        assert!(!fits_in("execution:${Machine}:${Id}", "*", "*", "statemachine:*sagemaker*"));
        assert!(!fits_in("a:b:${Id}", "us-east-1", "1*2", "x"));
        // The aligned reading still lets a placeholder hold a `:`.
        assert!(fits_in("function:${FunctionName}", "*", "*", "function:my-function:*"));
    }

    #[test]
    fn escaped_variables_are_literal() {
        assert!(!both("a${*}", "ab"));
        assert!(both("a${*}", "a*"));
    }

    #[test]
    fn the_fast_paths_agree_with_the_product_search() {
        let policies = [
            "", "*", "a", "a*", "*b", "a?c", "ab:c", "a*b*c", "abc", "a:b/c", "a/${x}", "?", "a/*", "ab:*", ":*", "x*",
        ];
        let formats =
            ["", "*", "abc", "a${X}", "a:${X}", "${X}/${Y}", "a*c", "a/${Id}", "ab:c", ":${X}", "a${X}:b${Y}", "a/*/c"];
        let texts = ["", "a", "abc", "ab:c", "a:b/c", "a/x", "aXbYc", ":x", "x/y", "a:c"];
        let product_search = |a: &[Tok], b: &[Tok]| product(a, b, &mut Vec::new(), &mut Vec::new());
        for p in policies.iter().map(|p| policy_pattern(p)).chain(texts.iter().map(|t| literal(t))) {
            for f in formats.iter().map(|f| format_pattern(f, |_| false)).chain(texts.iter().map(|t| literal(t))) {
                assert_eq!(intersects(&p, &f), product_search(&p, &f), "{p:?} {f:?}");
                assert_eq!(intersects(&f, &p), product_search(&f, &p), "{f:?} {p:?}");
            }
        }
    }

    #[test]
    fn the_fast_paths_agree_with_the_product_search_exhaustively() {
        // Every sequence of up to four tokens from small alphabets, both ways round.
        fn all(alphabet: &[&[Tok]], max: usize) -> Vec<Vec<Tok>> {
            let mut out = vec![Vec::new()];
            let mut last = vec![Vec::new()];
            for _ in 0..max {
                let next: Vec<Vec<Tok>> = last
                    .iter()
                    .flat_map(|p: &Vec<Tok>| alphabet.iter().map(move |t| [p.as_slice(), t].concat()))
                    .collect();
                out.extend(next.iter().cloned());
                last = next;
            }
            out
        }
        let policies = all(
            &[&[Tok::Lit('a')], &[Tok::Lit(':')], &[Tok::Star], &[Tok::Any], &[Tok::SegmentStar], &[Tok::NotColon]],
            4,
        );
        let formats = all(&[&[Tok::Lit('a')], &[Tok::Lit(':')], &[Tok::Star], &[Tok::SegmentStart, Tok::Star]], 3);
        let product_search = |a: &[Tok], b: &[Tok]| product(a, b, &mut Vec::new(), &mut Vec::new());
        for p in &policies {
            for f in &formats {
                assert_eq!(intersects(p, f), product_search(p, f), "{p:?} {f:?}");
                assert_eq!(intersects(f, p), product_search(f, p), "{f:?} {p:?}");
            }
        }
    }

    #[test]
    fn matcher_agrees_with_the_product_search() {
        let words = |alphabet: &[char], max: usize| -> Vec<String> {
            let mut out = vec![String::new()];
            for _ in 0..max {
                let longer: Vec<String> =
                    out.iter().flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}"))).collect();
                out.extend(longer);
                out.sort();
                out.dedup();
            }
            out
        };
        let lower_tokens = |s: &str| -> Vec<Tok> { policy_pattern(&s.to_ascii_lowercase()) };
        for pattern in words(&['a', 'B', '*', '?', 'é'], 4) {
            let matcher = Matcher::new(&pattern);
            let exact = Matcher::case_sensitive(&pattern);
            for text in words(&['A', 'b', 'B', 'é'], 4) {
                let expected = product(
                    &lower_tokens(&pattern),
                    &literal(&text.to_ascii_lowercase()),
                    &mut Vec::new(),
                    &mut Vec::new(),
                );
                assert_eq!(matcher.matches(&text), expected, "{pattern:?} {text:?}");
                assert_eq!(matches_ignore_case(&pattern, &text), expected, "{pattern:?} {text:?}");
                let expected = product(&wildcards(&pattern), &literal(&text), &mut Vec::new(), &mut Vec::new());
                assert_eq!(exact.matches(&text), expected, "{pattern:?} {text:?}");
                assert_eq!(matches(&pattern, &text), expected, "{pattern:?} {text:?}");
            }
        }
    }

    #[test]
    fn covers_means_every_text_of_the_request_matches() {
        let c = |p: &str, r: &str| covers(&wildcards(p), &wildcards(r));
        assert!(c("*", "a*"));
        assert!(c("a*", "ab*"));
        assert!(!c("ab*", "a*"));
        assert!(c("a?", "a?"));
        assert!(!c("ab", "a?"));
        assert!(!c("a?", "a*"));
        assert!(c("a*b", "a*b"));
        assert!(c("a*b", "a?b"));
        assert!(!c("a*", "*a"));
    }

    #[test]
    fn action_names_ignore_case() {
        assert!(matches_ignore_case("Invoke*", "InvokeModel"));
        assert!(matches_ignore_case("invoke?odel", "InvokeModel"));
        assert!(!matches_ignore_case("Invok*e", "InvokeModel"));
        assert!(matches_ignore_case("*", ""));
        assert!(matches_ignore_case("*a*a*a*b", "aaaaaaaaaaaaab"));
        assert!(!matches_ignore_case("*a*a*a*b", "aaaaaaaaaaaaaa"));
        assert!(!matches_ignore_case("?", ""));
        assert!(matches_ignore_case("é?", "éX"));
        assert!(!matches_ignore_case("é*", "É")); // ASCII case only, as before
        let long = format!("{}*", "a".repeat(100));
        assert!(matches_ignore_case(&long, &"A".repeat(120)));
    }
}
