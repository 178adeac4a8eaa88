//! ARNs as written in policies: `arn:partition:service:region:account:resource`, where any
//! part may hold wildcards or policy variables (whose own `:` does not split parts).

/// The partitions AWS has.
pub const PARTITIONS: [&str; 8] =
    ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"];

/// One part of an ARN and its byte span inside the ARN string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part<'a> {
    pub text: &'a str,
    pub start: usize,
}

impl Part<'_> {
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Arn<'a> {
    pub partition: Part<'a>,
    pub service: Part<'a>,
    pub region: Part<'a>,
    pub account: Part<'a>,
    pub resource: Part<'a>,
}

/// Splits at `separator` outside `${...}`, into at most `max` parts.
pub fn split_outside_variables(s: &str, separator: u8, max: usize) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut start = 0;
    while parts.len() + 1 < max {
        let Some(at) = next_separator(s, start, separator) else { break };
        parts.push(Part { text: &s[start..at], start });
        start = at + 1;
    }
    parts.push(Part { text: &s[start..], start });
    parts
}

/// Where the next `separator` outside `${...}` at or after `from` is.
fn next_separator(s: &str, from: usize, separator: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b if b == separator => return Some(i),
            // A variable's own separators (`${aws:username}`) do not split.
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                i = s[i..].find('}').map_or(bytes.len(), |close| i + close);
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Parses an ARN; `Err(n)` when it has only `n` of its six parts. (Without allocating: every
/// resource of every statement is parsed, some several times.)
pub fn parse(s: &str) -> Result<Arn<'_>, usize> {
    let mut parts = [Part { text: "", start: 0 }; 6];
    let mut start = 0;
    for (n, part) in parts.iter_mut().enumerate() {
        if n == 5 {
            *part = Part { text: &s[start..], start };
            break;
        }
        let Some(at) = next_separator(s, start, b':') else { return Err(n + 1) };
        *part = Part { text: &s[start..at], start };
        start = at + 1;
    }
    let [_, partition, service, region, account, resource] = parts;
    Ok(Arn { partition, service, region, account, resource })
}

/// Whether a part is nothing but wildcards (and so matches anything).
pub fn is_all_wildcard(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b == b'*')
}

/// Whether text holds a wildcard or a policy variable, so it stands for many values.
pub fn is_variable(part: &str) -> bool {
    crate::pattern::has_wildcard(part) || crate::pattern::has_variable(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_part_keeps_its_colons() {
        let arn = parse("arn:aws:logs:us-east-1:123456789012:log-group:x:log-stream:y").unwrap();
        assert_eq!(arn.resource.text, "log-group:x:log-stream:y");
        assert_eq!(arn.account.text, "123456789012");
        assert_eq!(arn.resource.start, 36);
    }

    #[test]
    fn variables_do_not_split() {
        let arn = parse("arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}").unwrap();
        assert_eq!(arn.account.text, "${aws:PrincipalAccount}");
        assert_eq!(arn.resource.text, "user/${aws:username}");
    }

    #[test]
    fn resource_paths_split_outside_variables() {
        let parts = split_outside_variables("agent-alias/${aws:PrincipalTag/AgentId}/TSTALIASID", b'/', usize::MAX);
        let texts: Vec<&str> = parts.iter().map(|p| p.text).collect();
        assert_eq!(texts, ["agent-alias", "${aws:PrincipalTag/AgentId}", "TSTALIASID"]);
    }

    #[test]
    fn short_arns_report_their_part_count() {
        assert_eq!(parse("arn:aws:s3").unwrap_err(), 3);
    }
}
