//! Policy kinds: the same JSON grammar, different rules for identity, resource-based,
//! trust, SCP, RCP and permissions-boundary policies.

use crate::model::{Outline, Policy, StatementAt};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    Identity,
    Resource,
    Trust,
    Scp,
    Rcp,
    Boundary,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 6] = [
        PolicyKind::Identity,
        PolicyKind::Resource,
        PolicyKind::Trust,
        PolicyKind::Scp,
        PolicyKind::Rcp,
        PolicyKind::Boundary,
    ];

    /// The name used in configuration and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Resource => "resource",
            PolicyKind::Trust => "trust",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
            PolicyKind::Boundary => "boundary",
        }
    }

    pub fn parse(name: &str) -> Option<PolicyKind> {
        PolicyKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    pub fn description(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity-based policy",
            PolicyKind::Resource => "resource-based policy",
            PolicyKind::Trust => "role trust policy",
            PolicyKind::Scp => "service control policy (SCP)",
            PolicyKind::Rcp => "resource control policy (RCP)",
            PolicyKind::Boundary => "permissions boundary",
        }
    }

    /// The description with its article: "an identity-based policy".
    pub fn with_article(self) -> String {
        let description = self.description();
        let article = if description.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        format!("{article} {description}")
    }

    /// Whether statements name who they apply to (`Principal`).
    pub fn has_principal(self) -> bool {
        matches!(self, PolicyKind::Resource | PolicyKind::Trust | PolicyKind::Rcp)
    }

    /// The size quota in characters (whitespace not counted), where IAM sets one for the kind:
    /// managed policies (identity, boundary) 6,144; trust 2,048; SCP and RCP 5,120.
    pub fn size_quota(self) -> Option<usize> {
        match self {
            PolicyKind::Identity | PolicyKind::Boundary => Some(6_144),
            PolicyKind::Trust => Some(2_048),
            PolicyKind::Scp | PolicyKind::Rcp => Some(5_120),
            PolicyKind::Resource => None,
        }
    }
}

/// The kind a policy is checked as, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindChoice {
    pub kind: PolicyKind,
    pub reason: String,
}

/// Actions that make a statement with a `Principal` a role trust policy.
pub fn is_trust_action(action: &str) -> bool {
    let lower = action.to_ascii_lowercase();
    lower.starts_with("sts:assumerole")
        || lower == "sts:tagsession"
        || lower == "sts:setsourceidentity"
        || lower == "sts:setcontext"
}

/// Infers the kind from the policy's content: a `Principal` with `sts:AssumeRole*` (or
/// `sts:TagSession`) is a trust policy, any other `Principal` a resource-based policy,
/// no principal an identity-based policy.
pub fn infer(policy: &Policy) -> KindChoice {
    infer_from(policy.statements.iter().map(|s| StatementAt { object: s.object, index: s.index }))
}

/// [`infer`] for a policy whose statements are not modelled, given which have a `Principal`
/// or `NotPrincipal`: only those are modelled (an identity policy has none).
pub fn infer_with(policy: &Outline, principals: &[bool]) -> KindChoice {
    infer_from(policy.statements.iter().zip(principals).filter(|(_, &p)| p).map(|(s, _)| *s))
}

fn infer_from<'a>(statements: impl Iterator<Item = StatementAt<'a>> + Clone) -> KindChoice {
    // What `Statement::principal` and `not_principal` hold: a member of that key.
    let has_principal = |s: &StatementAt| s.object.get("Principal").is_some() || s.object.get("NotPrincipal").is_some();
    let Some(statement) = statements.clone().find(has_principal) else {
        return KindChoice {
            kind: PolicyKind::Identity,
            reason: "inferred: no statement has a `Principal`".to_string(),
        };
    };
    let trust = statements.filter(has_principal).map(StatementAt::model).find_map(|s| {
        s.action.iter().flat_map(|a| a.items.iter()).find(|a| is_trust_action(&a.value)).map(|a| a.value.clone())
    });
    match trust {
        Some(action) => KindChoice {
            kind: PolicyKind::Trust,
            reason: format!("inferred: a statement with a `Principal` allows `{action}`"),
        },
        None => KindChoice {
            kind: PolicyKind::Resource,
            reason: format!(
                "inferred: {} has a `Principal` and no `sts:AssumeRole*` action",
                statement.sid().map_or("a statement".to_string(), |s| format!("statement `{}`", s.value))
            ),
        },
    }
}
