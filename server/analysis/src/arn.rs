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

/// Splits at `:` outside `${...}`, into at most `max` parts (the last keeps the rest).
pub fn split_parts(s: &str, max: usize) -> Vec<Part<'_>> {
    split_outside_variables(s, b':', max)
}

/// Splits at `separator` outside `${...}`, into at most `max` parts.
pub fn split_outside_variables(s: &str, separator: u8, max: usize) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_variable = false;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() && parts.len() + 1 < max {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                in_variable = true;
                i += 1;
            }
            b'}' if in_variable => in_variable = false,
            b if b == separator && !in_variable => {
                parts.push(Part { text: &s[start..i], start });
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(Part { text: &s[start..], start });
    parts
}

/// Parses an ARN; `Err(n)` when it has only `n` of its six parts.
pub fn parse(s: &str) -> Result<Arn<'_>, usize> {
    let parts = split_parts(s, 6);
    match parts.as_slice() {
        [_, partition, service, region, account, resource] => Ok(Arn {
            partition: *partition,
            service: *service,
            region: *region,
            account: *account,
            resource: *resource,
        }),
        _ => Err(parts.len()),
    }
}

/// Whether a part is nothing but wildcards (and so matches anything).
pub fn is_all_wildcard(part: &str) -> bool {
    !part.is_empty() && part.bytes().all(|b| b == b'*')
}

/// Whether text holds a wildcard or a policy variable, so it stands for many values.
pub fn is_variable(part: &str) -> bool {
    part.contains(['*', '?']) || part.contains("${")
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
