//! The request being asked about: who calls, what action on which resource, and the
//! request context, with the facts about the caller that evaluation needs.

use serde::Serialize;

/// A request context value. AWS reads every value as text (a policy's `NumericLessThan`
/// reads `"15"`, its `Bool` reads `"true"`); a multi-valued key holds a set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ContextValue {
    pub values: Vec<String>,
    /// Whether the key is multi-valued (given as a list), even with one value or none.
    pub multi: bool,
}

impl ContextValue {
    pub fn single(value: impl Into<String>) -> ContextValue {
        ContextValue { values: vec![value.into()], multi: false }
    }

    pub fn list(values: impl IntoIterator<Item = impl Into<String>>) -> ContextValue {
        ContextValue { values: values.into_iter().map(Into::into).collect(), multi: true }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// An IAM user, role, assumed-role session, federated user or account root ARN, an
    /// account ID, or a service principal (`bedrock.amazonaws.com`).
    pub principal: String,
    pub action: String,
    /// An ARN, or a pattern with `*` (a question about a set of resources), or `*`.
    pub resource: String,
    /// The resource's account, when its ARN names none (S3) or another (`aws`).
    pub resource_account: Option<String>,
    /// Keys as given (looked up ignoring case, as AWS does).
    pub context: Vec<(String, ContextValue)>,
}

/// What kind of caller a principal string names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PrincipalKind {
    User,
    /// A role ARN given as the caller (requests are made by its sessions; taken as one).
    Role,
    /// `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`.
    Session,
    FederatedUser,
    Root,
    Service,
    /// Anything else (anonymous, a web identity, ...): named only by `*`.
    Other,
}

/// The caller, read from its ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub arn: String,
    pub kind: PrincipalKind,
    pub partition: String,
    pub account: Option<String>,
    /// For a session: the role's name (the session ARN has no path).
    pub role_name: Option<String>,
    /// The role's ARN: for a role, itself; for a session, `aws:PrincipalArn` when the
    /// context gives it, else the role ARN without a path.
    pub role_arn: Option<String>,
}

impl Caller {
    pub fn read(principal: &str, context: &[(String, ContextValue)]) -> Caller {
        let mut caller = Caller {
            arn: principal.to_string(),
            kind: PrincipalKind::Other,
            partition: "aws".to_string(),
            account: None,
            role_name: None,
            role_arn: None,
        };
        if principal.len() == 12 && principal.bytes().all(|b| b.is_ascii_digit()) {
            caller.kind = PrincipalKind::Root;
            caller.account = Some(principal.to_string());
            caller.arn = format!("arn:aws:iam::{principal}:root");
            return caller;
        }
        let parts: Vec<&str> = principal.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" {
            if principal.ends_with(".amazonaws.com") || principal.ends_with(".amazonaws.com.cn") {
                caller.kind = PrincipalKind::Service;
            }
            return caller;
        }
        caller.partition = parts[1].to_string();
        caller.account = (!parts[4].is_empty()).then(|| parts[4].to_string());
        let (service, resource) = (parts[2], parts[5]);
        caller.kind = match (service, resource) {
            ("iam", "root") => PrincipalKind::Root,
            ("iam", r) if r.starts_with("user/") => PrincipalKind::User,
            ("iam", r) if r.starts_with("role/") => {
                caller.role_name = r.rsplit('/').next().map(str::to_string);
                caller.role_arn = Some(principal.to_string());
                PrincipalKind::Role
            }
            ("sts", r) if r.starts_with("assumed-role/") => {
                let name = r["assumed-role/".len()..].split('/').next().unwrap_or("");
                caller.role_name = Some(name.to_string());
                let given = lookup(context, "aws:PrincipalArn").and_then(|v| v.values.first().cloned());
                caller.role_arn =
                    Some(given.unwrap_or_else(|| format!("arn:{}:iam::{}:role/{name}", caller.partition, parts[4])));
                PrincipalKind::Session
            }
            ("sts", r) if r.starts_with("federated-user/") => PrincipalKind::FederatedUser,
            _ => PrincipalKind::Other,
        };
        caller
    }

    /// Whether the caller is a service-linked role or its session (roles under
    /// `/aws-service-role/`), which SCPs and RCPs do not restrict.
    pub fn is_service_linked_role(&self) -> bool {
        self.role_arn.as_deref().is_some_and(|arn| arn.contains(":role/aws-service-role/"))
    }

    /// Whether the caller is an IAM identity with identity-based policies.
    pub fn has_identity_policies(&self) -> bool {
        matches!(
            self.kind,
            PrincipalKind::User | PrincipalKind::Role | PrincipalKind::Session | PrincipalKind::FederatedUser
        )
    }

    /// The keys AWS puts in every request from this caller, for those the scenario does not
    /// give: `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:username` (IAM users),
    /// `aws:PrincipalIsAWSService`, `aws:PrincipalServiceName` (services).
    /// <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html>
    pub fn implied_context(&self) -> Vec<(String, ContextValue)> {
        let mut out = Vec::new();
        if self.kind == PrincipalKind::Service {
            out.push(("aws:PrincipalIsAWSService".to_string(), ContextValue::single("true")));
            out.push(("aws:PrincipalServiceName".to_string(), ContextValue::single(self.arn.clone())));
            return out;
        }
        out.push(("aws:PrincipalIsAWSService".to_string(), ContextValue::single("false")));
        let principal_arn = match self.kind {
            PrincipalKind::Session | PrincipalKind::Role => self.role_arn.clone(),
            PrincipalKind::Other => None,
            _ => Some(self.arn.clone()),
        };
        if let Some(arn) = principal_arn {
            out.push(("aws:PrincipalArn".to_string(), ContextValue::single(arn)));
        }
        if let Some(account) = &self.account {
            out.push(("aws:PrincipalAccount".to_string(), ContextValue::single(account.clone())));
        }
        if self.kind == PrincipalKind::User {
            if let Some(name) = self.arn.rsplit('/').next() {
                out.push(("aws:username".to_string(), ContextValue::single(name)));
            }
        }
        out
    }
}

/// A context key's value, ignoring the key's case as AWS does.
pub fn lookup<'c>(context: &'c [(String, ContextValue)], key: &str) -> Option<&'c ContextValue> {
    context.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v)
}
