//! AccessDenied messages as AWS writes them, read back into a request and the policy type
//! they blame.
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html>

use serde::Serialize;

use super::PolicyType;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeniedMessage {
    pub principal: String,
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The policy type the message blames, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_type: Option<PolicyType>,
    /// Whether it says "explicit deny" (else "no ... policy allows", or no reason at all).
    pub explicit: bool,
    /// The ARN of the denying policy, which newer messages give.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_arn: Option<String>,
    /// The message carried an encoded authorization failure message, which only
    /// `aws sts decode-authorization-message` can read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoded: Option<String>,
}

/// The policy types as the messages name them, longest first.
const NAMES: [(&str, PolicyType); 8] = [
    ("identity-based policy", PolicyType::Identity),
    ("resource-based policy", PolicyType::Resource),
    ("service control policy", PolicyType::Scp),
    ("resource control policy", PolicyType::Rcp),
    ("permissions boundary", PolicyType::Boundary),
    ("session policy", PolicyType::Session),
    ("VPC endpoint policy", PolicyType::VpcEndpoint),
    ("vpc endpoint policy", PolicyType::VpcEndpoint),
];

/// Reads an AccessDenied message: `User: ARN is not authorized to perform: ACTION on
/// resource: ARN because no identity-based policy allows the ACTION action`, `... with an
/// explicit deny in a service control policy[: POLICY-ARN]`, the older form without a
/// reason, and with `Encoded authorization failure message: ...`. Text around it (the CLI's
/// `An error occurred (AccessDenied) when calling ...:`) is skipped.
pub fn parse(message: &str) -> Option<DeniedMessage> {
    let message = message.trim();
    let start = message.find("User: ").or_else(|| message.find("user: "))?;
    let rest = &message[start + "User: ".len()..];
    let (principal, rest) = rest.split_once(" is not authorized to perform: ")?;
    let principal = principal.trim();
    // The action ends at the first space (or the end).
    let (action, mut rest) = match rest.find(char::is_whitespace) {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    };
    let action = action.trim_end_matches(['.', ',']);
    let mut resource = None;
    if let Some(after) = rest.trim_start().strip_prefix("on resource: ") {
        let end = after.find(char::is_whitespace).unwrap_or(after.len());
        resource = Some(after[..end].trim_end_matches(['.', ',']).to_string());
        rest = &after[end..];
    }
    let mut encoded = None;
    if let Some(at) = rest.find("Encoded authorization failure message:") {
        let text = rest[at + "Encoded authorization failure message:".len()..].trim();
        encoded = Some(text.split_whitespace().next().unwrap_or("").to_string());
        rest = &rest[..at];
    }
    let explicit = rest.contains("explicit deny");
    let policy_type = NAMES.iter().find(|(name, _)| rest.contains(name)).map(|&(_, t)| t);
    let policy_arn = rest
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| c == ':' || c == '.' || c == ','))
        .find(|w| w.starts_with("arn:"))
        .map(str::to_string);
    Some(DeniedMessage {
        principal: principal.to_string(),
        action: action.to_string(),
        resource,
        policy_type,
        explicit,
        policy_arn,
        encoded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implicit_deny_by_identity_policies() {
        let m = parse("User: arn:aws:iam::111122223333:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no identity-based policy allows the s3:GetObject action").unwrap();
        assert_eq!(m.principal, "arn:aws:iam::111122223333:user/alice");
        assert_eq!(m.action, "s3:GetObject");
        assert_eq!(m.resource.as_deref(), Some("arn:aws:s3:::b/k"));
        assert_eq!(m.policy_type, Some(PolicyType::Identity));
        assert!(!m.explicit);
    }

    #[test]
    fn explicit_deny_in_an_scp_with_its_arn_inside_cli_text() {
        let m = parse("An error occurred (AccessDeniedException) when calling the InvokeModel operation: User: arn:aws:sts::111122223333:assumed-role/AgentRole/s is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-west-2::foundation-model/m with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-abc/service_control_policy/p-123").unwrap();
        assert_eq!(m.policy_type, Some(PolicyType::Scp));
        assert!(m.explicit);
        assert_eq!(
            m.policy_arn.as_deref(),
            Some("arn:aws:organizations::999988887777:policy/o-abc/service_control_policy/p-123")
        );
    }

    #[test]
    fn every_policy_type_and_the_older_forms() {
        for (text, kind, explicit) in [
            ("because no resource-based policy allows the s3:GetObject action", PolicyType::Resource, false),
            ("with an explicit deny in a permissions boundary", PolicyType::Boundary, true),
            ("because no session policy allows the s3:GetObject action", PolicyType::Session, false),
            ("with an explicit deny in a resource control policy", PolicyType::Rcp, true),
            ("because no VPC endpoint policy allows the s3:GetObject action", PolicyType::VpcEndpoint, false),
        ] {
            let m = parse(&format!("User: arn:aws:iam::1:user/a is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b {text}")).unwrap();
            assert_eq!((m.policy_type, m.explicit), (Some(kind), explicit), "{text}");
        }
        let old = parse("User: arn:aws:iam::1:user/a is not authorized to perform: iam:ListUsers").unwrap();
        assert_eq!((old.action.as_str(), old.resource, old.policy_type), ("iam:ListUsers", None, None));
        let encoded = parse("User: arn:aws:iam::1:user/a is not authorized to perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1:1:instance/* Encoded authorization failure message: AbC123").unwrap();
        assert_eq!(encoded.encoded.as_deref(), Some("AbC123"));
        assert!(parse("Something else went wrong").is_none());
    }
}
